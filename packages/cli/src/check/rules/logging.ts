import { each, get, type Rule, perCloud } from "../rule";

export const auditLogging: Rule = {
  id: "FH-LOG-001",
  summary: "Services and databases keep logs for investigation",
  explanation: "Container logs go to a retained log store and databases log connections, so incidents can be investigated.",
  severity: "warning",
  ncsc: ["13 Audit information and alerting for customers"],
  evaluate: perCloud({
    aws: (plan) => [
      ...each(plan, "aws:cloudwatch/logGroup:LogGroup", "log groups", (r) => Number(r.inputs.retentionInDays ?? 0) > 0 || "no retention set", "retention set").filter((f) => f.status !== "not-applicable"),
      ...each(plan, "aws:rds/instance:Instance", "RDS instances", (r) => JSON.stringify(r.inputs.enabledCloudwatchLogsExports ?? []).includes("postgresql") || "PostgreSQL logs not exported", "PostgreSQL logs exported to CloudWatch").filter((f) => f.status !== "not-applicable"),
    ],
    azure: (plan) =>
      each(plan, "azure-native:app:ManagedEnvironment", "Container Apps environments", (r) => get(r, "appLogsConfiguration.destination") === "log-analytics" || "app logs not sent to Log Analytics", "app logs to Log Analytics"),
    gcp: (plan) =>
      each(plan, "gcp:sql/databaseInstance:DatabaseInstance", "Cloud SQL instances", (r) => {
        const flags = JSON.stringify(get(r, "settings.databaseFlags") ?? []);
        return (flags.includes('"log_connections","value":"on"') && flags.includes('"log_disconnections","value":"on"')) || "log_connections/log_disconnections not on";
      }, "connections and disconnections logged"),
  }),
};
