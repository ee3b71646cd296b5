import { plainEnv } from "../helpers";
import type { Finding, Rule } from "../rule";

const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
const SECRET_VALUE = [
  /AKIA[0-9A-Z]{16}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b(sk|rk)_live_[0-9a-zA-Z]{10,}/,
  /\bgh[pousr]_[0-9A-Za-z]{30,}/,
  /\bxox[abpr]-[0-9A-Za-z-]{10,}/,
  /AccountKey=[A-Za-z0-9+/=]{20,}/,
  /:\/\/[^/\s:@]+:[^/\s@]+@/,
];

/** True where a plain environment variable looks like it carries a secret. */
export function looksSecret(name: string, value: string): boolean {
  if (SECRET_VALUE.some((p) => p.test(value))) return true;
  return SECRET_NAME.test(name) && value.length > 0;
}

export const noPlainSecrets: Rule = {
  id: "FH-SEC-001",
  summary: "No secrets in plain environment variables",
  explanation:
    "Passwords, keys and tokens reach containers from the cloud's secret store (ECS secrets from Secrets Manager, Key Vault references, Secret Manager secretKeyRef), never as plain environment values that show in consoles, logs and plans.",
  severity: "error",
  ncsc: ["2.3 Data at rest protection", "10 Identity and authentication"],
  evaluate(plan) {
    const env = plainEnv(plan);
    if (!env.length) return [{ status: "not-applicable", subject: "stack", message: "no web services" }];
    const bad = env.filter((e) => looksSecret(e.name, e.value));
    const byResource = [...new Set(env.map((e) => e.resource))];
    return byResource.map((resource): Finding => {
      const found = bad.filter((b) => b.resource === resource);
      return found.length
        ? { status: "non-compliant", subject: resource, message: `secret-looking plain variables: ${found.map((f) => f.name).join(", ")}` }
        : { status: "compliant", subject: resource, message: `${env.filter((e) => e.resource === resource).length} plain variables, none secret-looking; secrets by reference` };
    });
  },
};
