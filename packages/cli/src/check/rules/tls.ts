import { byPlatform, parseJson, siblings } from "../helpers";
import { each, type Finding, get, type Rule, perCloud } from "../rule";

const MODERN_TLS = /^ELBSecurityPolicy-TLS13-1-[23]-/;

function denyInsecureTransport(policy: unknown): boolean {
  const doc = parseJson(policy) as { Statement?: Array<{ Effect?: string; Condition?: Record<string, Record<string, unknown>> }> } | undefined;
  return (doc?.Statement ?? []).some((s) => s.Effect === "Deny" && String(s.Condition?.Bool?.["aws:SecureTransport"]) === "false");
}

export const tlsOnly: Rule = {
  id: "FH-TLS-001",
  summary: "Data in transit is protected by TLS 1.2 or newer",
  explanation:
    "Public endpoints serve HTTPS only (plain HTTP redirected), object stores refuse plain HTTP, and databases refuse unencrypted connections, so credentials and data are never sent in clear.",
  severity: "error",
  ncsc: ["1 Data in transit protection"],
  evaluate: perCloud({
    aws: (plan) => {
      const lbs = plan.resources.filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer");
      const publicLbNames = lbs.filter((l) => l.inputs.internal !== true).map((l) => String(l.inputs.name ?? ""));
      const listeners: Finding[] = plan.resources
        .filter((r) => r.type === "aws:lb/listener:Listener" && publicLbNames.some((n) => n && String(r.inputs.loadBalancerArn ?? "").includes(`/${n}/`)))
        .map((r) => {
          const https = r.inputs.protocol === "HTTPS" && MODERN_TLS.test(String(r.inputs.sslPolicy ?? ""));
          const redirect = r.inputs.protocol === "HTTP" && JSON.stringify(r.inputs.defaultActions ?? "").includes('"protocol":"HTTPS"');
          return https || redirect
            ? { status: "compliant", subject: r.name, message: https ? `HTTPS with ${r.inputs.sslPolicy}` : "plain HTTP redirected to HTTPS" }
            : { status: "non-compliant", subject: r.name, message: `internet-facing ${r.inputs.protocol} listener without a TLS 1.2+ policy or a redirect to HTTPS` };
        });
      const cdn = each(plan, "aws:cloudfront/distribution:Distribution", "CloudFront distributions", (r) => ["redirect-to-https", "https-only"].includes(String(get(r, "defaultCacheBehavior.viewerProtocolPolicy"))) || "viewers may use plain HTTP", "viewers redirected to HTTPS");
      const rds = each(plan, "aws:rds/instance:Instance", "RDS instances", (r) => {
        const group = plan.resources.find((g) => g.type === "aws:rds/parameterGroup:ParameterGroup" && g.inputs.name === r.inputs.parameterGroupName);
        return (group && JSON.stringify(group.inputs.parameters ?? "").includes('{"name":"rds.force_ssl","value":"1"}')) || "parameter group does not set rds.force_ssl = 1";
      }, "rds.force_ssl = 1: unencrypted connections refused");
      const s3 = each(plan, "aws:s3/bucket:Bucket", "S3 buckets", (r) => siblings(plan, r, "aws:s3/bucketPolicy:BucketPolicy").some((p) => denyInsecureTransport(p.inputs.policy)) || "no bucket policy denying aws:SecureTransport = false", "bucket policy denies plain HTTP");
      return [...listeners.filter((f) => f.status !== "not-applicable"), ...cdn.filter((f) => f.status !== "not-applicable"), ...rds, ...s3];
    },
    azure: (plan) => [
      ...each(plan, "azure-native:storage:StorageAccount", "storage accounts", (r) => (r.inputs.minimumTlsVersion === "TLS1_2" || r.inputs.minimumTlsVersion === "TLS1_3") && r.inputs.enableHttpsTrafficOnly !== false || `minimumTlsVersion ${r.inputs.minimumTlsVersion}, HTTPS only ${r.inputs.enableHttpsTrafficOnly}`, "HTTPS only, TLS 1.2 minimum"),
      ...each(plan, "azure-native:app:ContainerApp", "container apps", (r) => get(r, "configuration.ingress.allowInsecure") !== true || "ingress allows plain HTTP", "ingress HTTPS only (allowInsecure false)"),
      ...each(plan, "azure-native:dbforpostgresql:Server", "PostgreSQL servers", (r) =>
        plan.resources.some((c) => c.type === "azure-native:dbforpostgresql:Configuration" && c.inputs.serverName === r.inputs.serverName && c.inputs.configurationName === "require_secure_transport" && String(c.inputs.value).toLowerCase() === "on") || "require_secure_transport is not on",
        "require_secure_transport = on"),
    ],
    gcp: (plan) => [
      ...each(plan, "gcp:sql/databaseInstance:DatabaseInstance", "Cloud SQL instances", (r) => ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"].includes(String(get(r, "settings.ipConfiguration.sslMode"))) || `sslMode ${get(r, "settings.ipConfiguration.sslMode")}`, "sslMode requires TLS"),
      ...byPlatform(plan, ["gcp:cloudrunv2/service:Service"], "Cloud Run serves HTTPS only (HTTP redirected) with Google-managed TLS 1.2+"),
      ...byPlatform(plan, ["gcp:storage/bucket:Bucket"], "Cloud Storage APIs are HTTPS only"),
    ],
  }),
};
