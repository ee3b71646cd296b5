/** Constants of the model that need no schema library. */

/** Component and stack names: they become parts of cloud resource names. */
export const NAME_PATTERN = /^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/;
export const COMPONENT_NAME_MAX = 24;
export const STACK_NAME_MAX = 30;

/** PostgreSQL major versions the model accepts. */
export const POSTGRES_VERSIONS = ["13", "14", "15", "16", "17"] as const;

export const COMPONENT_KINDS = ["web-service", "worker", "scheduled-job", "database", "object-store"] as const;
