import { each, get, type Rule, perCloud } from "../rule";

const MIN_DAYS = 7;

export const backups: Rule = {
  id: "FH-BAK-001",
  summary: `Databases are backed up for at least ${MIN_DAYS} days with point-in-time recovery`,
  explanation: "Automated backups kept for a week or more, with point-in-time recovery, let a mistaken delete or a bad migration be undone.",
  severity: "error",
  ncsc: ["2.6 Resilience", "5.4 Protective monitoring (recovery)"],
  evaluate: perCloud({
    aws: (plan) =>
      each(plan, "aws:rds/instance:Instance", "RDS instances", (r) => Number(r.inputs.backupRetentionPeriod ?? 0) >= MIN_DAYS || `backupRetentionPeriod ${r.inputs.backupRetentionPeriod ?? 0} days`, `automated backups >= ${MIN_DAYS} days (point-in-time recovery included)`),
    azure: (plan) =>
      each(plan, "azure-native:dbforpostgresql:Server", "PostgreSQL servers", (r) => Number(get(r, "backup.backupRetentionDays") ?? 7) >= MIN_DAYS || `backupRetentionDays ${get(r, "backup.backupRetentionDays")}`, `backups >= ${MIN_DAYS} days with point-in-time restore`),
    gcp: (plan) =>
      each(plan, "gcp:sql/databaseInstance:DatabaseInstance", "Cloud SQL instances", (r) => {
        if (get(r, "settings.backupConfiguration.enabled") !== true) return "automated backups off";
        if (get(r, "settings.backupConfiguration.pointInTimeRecoveryEnabled") !== true) return "point-in-time recovery off";
        const kept = Number(get(r, "settings.backupConfiguration.backupRetentionSettings.retainedBackups") ?? 7);
        return kept >= MIN_DAYS || `only ${kept} daily backups retained`;
      }, `daily backups, >= ${MIN_DAYS} retained, point-in-time recovery`),
  }),
};
