import { AWS_LOG_DELIVERY_ACTIONS } from "@freehold/rules";
import { parseJson } from "../helpers";
import { each, type Finding, type Rule, perCloud } from "../rule";

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Actions AWS documents as taking no resource-level permission, so `Resource: "*"` is the only form they accept. */
const NO_RESOURCE_LEVEL: ReadonlySet<string> = new Set(AWS_LOG_DELIVERY_ACTIONS);

/** Problems in an IAM policy document's Allow statements: wildcard actions or resources (where the actions accept a narrower one). */
export function wildcardProblems(policy: unknown): string[] {
  const doc = parseJson(policy) as { Statement?: Statement | Statement[] } | undefined;
  const statements = doc?.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const problems: string[] = [];
  for (const s of statements) {
    if (s.Effect !== "Allow") continue;
    for (const a of list(s.Action)) if (a === "*" || a.endsWith(":*")) problems.push(`wildcard action ${a}`);
    const onlyUnscoped = list(s.Action).length > 0 && list(s.Action).every((a) => NO_RESOURCE_LEVEL.has(a));
    for (const r of list(s.Resource)) if (r === "*" && !onlyUnscoped) problems.push("wildcard resource *");
  }
  return problems;
}

/** Built-in Azure roles that are never needed by a Freehold link. */
const AZURE_BROAD_ROLES: Record<string, string> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
  "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
  "17d1049b-9a84-46fb-8f53-869881c3d3ab": "Storage Account Contributor",
  "00482a5a-887f-4fb3-b363-3b7fe8e74483": "Key Vault Administrator",
};

const GCP_BROAD = /^roles\/(owner|editor|viewer|[a-z]+\.admin|iam\.serviceAccountUser|iam\.serviceAccountTokenCreator)$/;

export const leastPrivilege: Rule = {
  id: "FH-IAM-001",
  summary: "Access grants are least privilege: no wildcard actions, no broad roles",
  explanation:
    "Each link grants exact actions on the exact resource (IAM policies), or the narrowest built-in role scoped to the container, secret or bucket. No wildcard actions or resources, no Owner/Editor/Contributor roles, nothing granted to everyone except invoking a public web service.",
  severity: "error",
  ncsc: ["9 Secure user management", "10 Identity and authentication"],
  evaluate: perCloud({
    aws: (plan) => [
      ...["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"].flatMap((type) =>
        each(plan, type, "IAM policies", (r) => {
          const p = wildcardProblems(r.inputs.policy);
          return p.length === 0 || p.join(", ");
        }, "exact actions on exact resources").filter((f) => f.status !== "not-applicable"),
      ),
      ...each(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "managed policy attachments", (r) => !/AdministratorAccess|PowerUserAccess|FullAccess/.test(String(r.inputs.policyArn)) || `attaches ${r.inputs.policyArn}`, "no broad managed policy").filter((f) => f.status !== "not-applicable"),
    ],
    azure: (plan) =>
      each(plan, "azure-native:authorization:RoleAssignment", "role assignments", (r) => {
        const id = String(r.inputs.roleDefinitionId ?? "").split("/").pop() ?? "";
        if (AZURE_BROAD_ROLES[id]) return `grants ${AZURE_BROAD_ROLES[id]}`;
        if (/^\/subscriptions\/[^/]+\/?$/.test(String(r.inputs.scope))) return "scoped to a whole subscription";
        return true;
      }, "narrow role on one resource"),
    gcp: (plan) => {
      const members = plan.resources.filter((r) => /IAMMember|IamMember/.test(r.type));
      if (!members.length) return [{ status: "not-applicable", subject: "stack", message: "no IAM grants" }];
      return members.map((r): Finding => {
        const role = String(r.inputs.role);
        const member = String(r.inputs.member);
        if (GCP_BROAD.test(role)) return { status: "non-compliant", subject: r.name, message: `grants ${role}` };
        if (/^allUsers$|^allAuthenticatedUsers$/.test(member) && !(r.type === "gcp:cloudrunv2/serviceIamMember:ServiceIamMember" && role === "roles/run.invoker")) {
          return { status: "non-compliant", subject: r.name, message: `grants ${role} to ${member}` };
        }
        if (r.type === "gcp:projects/iAMMember:IAMMember" && !r.inputs.condition) return { status: "non-compliant", subject: r.name, message: `project-wide ${role} without a condition` };
        return { status: "compliant", subject: r.name, message: `${role} for ${member.split("@")[0]} on one resource` };
      });
    },
  }),
};
