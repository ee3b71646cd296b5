/**
 * @freehold/rules: what AWS, Azure and Google Cloud refuse, written from each
 * cloud's API documentation, every rule with its source. `planViolations`
 * applies the rules one plan can break (names, lengths, character sets,
 * reserved values, limits, region agreement, cross-field and cross-resource
 * constraints); `planChanges` those about change between two plans
 * (replacements, immutable inputs, limits on updates). The simulated cloud
 * (@freehold/lifecycle) applies them all over time.
 */
export * from "./bridge";
export * from "./changes";
export * from "./diff";
export * from "./objects";
export { RULES } from "./rules";
export { AWS_LOG_DELIVERY_ACTIONS, AWS_RETAINED_BACKUPS_TYPE, AWS_RULES, AWS_SNAPSHOT_TYPE, AWS_TYPES } from "./rules/aws";
export { AZURE_RULES, LANDING_ZONE_POLICIES, refusedByPolicy, SERVICE_LINK_SECONDS, seedLandingZone } from "./rules/azure";
export { COMPANIONS, keepPending, nameCheck, noDoubleHyphen, referencing, refersTo, sameRegion, textCheck } from "./rules/common";
export { cidrsOverlap, deployedJob as gcpDeployedJob, GCP_RULES, SQL_BACKUP as GCP_SQL_BACKUP_TYPE } from "./rules/gcp";
export { DEFAULT_APIS as GCP_DEFAULT_APIS, PREREQUISITES as GCP_PREREQUISITES, PROJECT as GCP_PROJECT, seedProject } from "./rules/gcp-project";
export * from "./types";
export * from "./violations";
