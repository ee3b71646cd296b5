/**
 * The data-migration engine: PostgreSQL with pg_dump/pg_restore, object stores
 * with rclone, each verified and recorded in a manifest; and the exit
 * rehearsal that runs both against real servers on this machine.
 */
export { CHECKSUM_METHOD, type DatabaseVerification, type MigrateDatabaseOptions, migrateDatabase, verifyDatabase } from "./database";
export { MigrationError, MigrationInterrupted, type MigrationProblem, MigrationToolError, MissingToolError, type Side } from "./errors";
export type {
  DatabaseManifest,
  ListedObject,
  ObjectEntry,
  ObjectManifest,
  RemoteDescription,
  SequenceEntry,
  TableEntry,
} from "./manifest";
export { compareObjectListings, compareSequences, compareTables } from "./manifest";
export { type ColumnInfo, migrationKey, type PgConnection, pgConnection, type TableInfo, tableChecksumSql } from "./pg";
export { freePort } from "./proc";
export { type MigrateObjectsOptions, migrateObjects } from "./objects";
export { describeRemote, type RcloneBackend, type RcloneRemote, rcloneRemoteEnv, SECRET_OPTION, verifyObjects } from "./rclone";
export { formatRemote, type ParsedRemote, parseRemoteString } from "./remote";
export {
  type NegativeCheck,
  type RehearsalEvidence,
  type RehearsalServer,
  type RehearsalStep,
  type RehearseOptions,
  type ResumeCheck,
  rehearsalPreflight,
  rehearse,
  renderEvidenceMarkdown,
} from "./rehearse";
export type { Consistency } from "./verify";
export { userFolderProblems } from "./folders";
