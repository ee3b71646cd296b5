/**
 * Plausible outputs for every resource type the gcp backend creates, for
 * Pulumi's mock runtime (offline plans and tests).
 */
import { createHash } from "node:crypto";
import type { BackendMocks } from "@freehold/core";

export const MOCK_PROJECT = "freehold-plan";
export const MOCK_PROJECT_NUMBER = "123456789012";
const MOCK_REGION = "europe-west2";

const str = (v: unknown, fallback: string) => (typeof v === "string" && v ? v : fallback);
/** A stable private address in the reserved range, different per instance. */
function privateIp(name: string): string {
  const d = createHash("sha256").update(name).digest();
  return `10.${96 + ((d[0] ?? 0) % 32)}.${d[1] ?? 0}.${2 + ((d[2] ?? 0) % 250)}`;
}

export const mocks: BackendMocks = {
  outputs(type, name, inputs) {
    const project = str(inputs.project, MOCK_PROJECT);
    const rname = str(inputs.name, name);
    const compute = `https://www.googleapis.com/compute/v1/projects/${project}`;
    switch (type) {
      case "gcp:projects/service:Service":
        return { project };
      case "gcp:compute/network:Network":
        return { project, name: rname, selfLink: `${compute}/global/networks/${rname}`, numericId: "1234567890123456789" };
      case "gcp:compute/subnetwork:Subnetwork": {
        const region = str(inputs.region, MOCK_REGION);
        return { project, name: rname, region, selfLink: `${compute}/regions/${region}/subnetworks/${rname}`, gatewayAddress: "10.10.0.1" };
      }
      case "gcp:compute/globalAddress:GlobalAddress":
        return { project, name: rname, address: "10.96.0.0", selfLink: `${compute}/global/addresses/${rname}` };
      case "gcp:servicenetworking/connection:Connection":
        return { peering: "servicenetworking-googleapis-com" };
      case "gcp:serviceaccount/account:Account": {
        const email = `${str(inputs.accountId, name)}@${project}.iam.gserviceaccount.com`;
        return { project, email, member: `serviceAccount:${email}`, name: `projects/${project}/serviceAccounts/${email}`, uniqueId: "109876543210987654321" };
      }
      case "gcp:cloudrunv2/service:Service": {
        const location = str(inputs.location, MOCK_REGION);
        const uri = `https://${rname}-${MOCK_PROJECT_NUMBER}.${location}.run.app`;
        return { project, name: rname, uri, urls: [uri], latestReadyRevision: `${rname}-00001-abc` };
      }
      case "gcp:sql/databaseInstance:DatabaseInstance": {
        const region = str(inputs.region, MOCK_REGION);
        const ip = privateIp(rname);
        return {
          project,
          name: rname,
          privateIpAddress: ip,
          firstIpAddress: ip,
          ipAddresses: [{ ipAddress: ip, type: "PRIVATE" }],
          connectionName: `${project}:${region}:${rname}`,
          selfLink: `https://sqladmin.googleapis.com/sql/v1beta4/projects/${project}/instances/${rname}`,
          serviceAccountEmailAddress: `p${MOCK_PROJECT_NUMBER}-abcdef@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
        };
      }
      case "gcp:sql/database:Database":
        return { project, selfLink: `https://sqladmin.googleapis.com/sql/v1beta4/projects/${project}/instances/${str(inputs.instance, "instance")}/databases/${rname}` };
      case "gcp:sql/user:User":
        return { project };
      case "random:index/randomPassword:RandomPassword":
        return { result: `mock-${createHash("sha256").update(name).digest("hex").slice(0, 24)}` };
      case "gcp:secretmanager/secret:Secret":
        return { project, name: `projects/${MOCK_PROJECT_NUMBER}/secrets/${str(inputs.secretId, name)}` };
      case "gcp:secretmanager/secretVersion:SecretVersion":
        return { version: "1", name: `${str(inputs.secret, name)}/versions/1` };
      case "gcp:storage/bucket:Bucket":
        return { project, name: rname, url: `gs://${rname}`, selfLink: `https://www.googleapis.com/storage/v1/b/${rname}`, projectNumber: Number(MOCK_PROJECT_NUMBER) };
      case "gcp:secretmanager/secretIamMember:SecretIamMember":
      case "gcp:storage/bucketIAMMember:BucketIAMMember":
      case "gcp:projects/iAMMember:IAMMember":
      case "gcp:cloudrunv2/serviceIamMember:ServiceIamMember":
        return { etag: "BwYmockEtag=" };
      default:
        return {};
    }
  },
  call(token) {
    // The backend makes no invokes (the project comes from provider config); this answers getProject for programs that do.
    if (token === "gcp:organizations/getProject:getProject") {
      return { projectId: MOCK_PROJECT, number: MOCK_PROJECT_NUMBER, name: MOCK_PROJECT, id: `projects/${MOCK_PROJECT}` };
    }
    return {};
  },
};
