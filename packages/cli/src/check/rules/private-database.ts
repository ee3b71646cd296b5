import { each, get, type Rule, perCloud } from "../rule";

export const privateDatabases: Rule = {
  id: "FH-NET-001",
  summary: "Databases are reachable only on private networks",
  explanation: "A database has no public endpoint: it is reached from the stack's own network only, so it cannot be scanned or brute-forced from the internet.",
  severity: "error",
  ncsc: ["11 External interface protection", "3 Separation between customers"],
  evaluate: perCloud({
    aws: (plan) => each(plan, "aws:rds/instance:Instance", "RDS instances", (r) => r.inputs.publiclyAccessible === false || "publiclyAccessible is not false", "not publicly accessible; private subnets only"),
    azure: (plan) =>
      each(plan, "azure-native:dbforpostgresql:Server", "PostgreSQL servers", (r) => (get(r, "network.publicNetworkAccess") === "Disabled" && get(r, "network.delegatedSubnetResourceId") !== undefined) || `publicNetworkAccess ${get(r, "network.publicNetworkAccess")}`, "VNet-integrated, public network access disabled"),
    // Private IP through VPC peering (privateNetwork) or a Private Service Connect endpoint (pscConfigs), never a public IPv4.
    gcp: (plan) =>
      each(
        plan,
        "gcp:sql/databaseInstance:DatabaseInstance",
        "Cloud SQL instances",
        (r) =>
          (get(r, "settings.ipConfiguration.ipv4Enabled") === false &&
            (get(r, "settings.ipConfiguration.privateNetwork") !== undefined || ((get(r, "settings.ipConfiguration.pscConfigs") ?? []) as Array<{ pscEnabled?: unknown }>).some((p) => p.pscEnabled === true))) ||
          "has a public IPv4 address or no private network",
        "no public IPv4: private IP or Private Service Connect only",
      ),
  }),
};
