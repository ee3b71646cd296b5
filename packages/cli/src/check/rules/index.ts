import type { Rule } from "../rule";
import { backups } from "./backups";
import { degradedRequirements } from "./degraded";
import { deletionProtection } from "./deletion";
import { encryptionAtRest } from "./encryption";
import { leastPrivilege } from "./least-privilege";
import { auditLogging } from "./logging";
import { privateDatabases } from "./private-database";
import { privateTransit } from "./private-transit";
import { noPublicStorage } from "./public-storage";
import { globalEdge, residency } from "./residency";
import { noPlainSecrets } from "./secrets";
import { tlsOnly } from "./tls";
import { versionSupport } from "./version-support";

/** The default pack: every rule, in report order. */
export const DEFAULT_PACK: readonly Rule[] = [
  encryptionAtRest,
  tlsOnly,
  privateTransit,
  degradedRequirements,
  noPublicStorage,
  privateDatabases,
  backups,
  versionSupport(),
  deletionProtection,
  leastPrivilege,
  noPlainSecrets,
  residency,
  globalEdge,
  auditLogging,
];
