/**
 * @freehold/rules: what AWS, Azure and Google Cloud refuse, written from each
 * cloud's API documentation, every rule with its source. The simulated cloud
 * (@freehold/lifecycle) applies plans against it.
 */
export * from "./diff";
export { RULES } from "./rules";
export { AWS_RULES, AWS_SNAPSHOT_TYPE, AWS_TYPES } from "./rules/aws";
export { AZURE_RULES } from "./rules/azure";
export { COMPANIONS, keepPending, nameCheck, noDoubleHyphen, referencing, refersTo, sameRegion, textCheck } from "./rules/common";
export { GCP_RULES, SQL_BACKUP as GCP_SQL_BACKUP_TYPE } from "./rules/gcp";
export { DEFAULT_APIS as GCP_DEFAULT_APIS, PREREQUISITES as GCP_PREREQUISITES, PROJECT as GCP_PROJECT, seedProject } from "./rules/gcp-project";
export * from "./types";
