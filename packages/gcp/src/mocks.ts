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
/** A stable public address (documentation range, RFC 5737), different per load balancer. */
function publicIp(name: string): string {
  return `203.0.113.${1 + ((createHash("sha256").update(name).digest()[0] ?? 0) % 250)}`;
}

/** A stable private address in the stack's subnet (10.10.0.0/20), different per endpoint. */
function privateIp(name: string): string {
  const d = createHash("sha256").update(name).digest();
  return `10.10.${(d[1] ?? 0) % 16}.${2 + ((d[2] ?? 0) % 250)}`;
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
        return { project, name: rname, selfLink: `${compute}/global/networks/${rname}`, numericId: "1234567890123456789", id: `projects/${project}/global/networks/${rname}` };
      case "gcp:compute/subnetwork:Subnetwork": {
        const region = str(inputs.region, MOCK_REGION);
        return { project, name: rname, region, selfLink: `${compute}/regions/${region}/subnetworks/${rname}`, gatewayAddress: "10.10.0.1" };
      }
      case "gcp:compute/globalAddress:GlobalAddress":
        return {
          project,
          name: rname,
          address: inputs.addressType === "EXTERNAL" ? publicIp(rname) : "10.96.0.0",
          selfLink: `${compute}/global/addresses/${rname}`,
          id: `projects/${project}/global/addresses/${rname}`,
        };
      case "gcp:compute/address:Address": {
        const region = str(inputs.region, MOCK_REGION);
        const address = inputs.addressType === "EXTERNAL" ? publicIp(rname) : privateIp(rname);
        return { project, name: rname, address, selfLink: `${compute}/regions/${region}/addresses/${rname}`, id: `projects/${project}/regions/${region}/addresses/${rname}` };
      }
      case "gcp:compute/forwardingRule:ForwardingRule": {
        const region = str(inputs.region, MOCK_REGION);
        return { project, name: rname, pscConnectionStatus: "ACCEPTED", selfLink: `${compute}/regions/${region}/forwardingRules/${rname}` };
      }
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
        const tenant = createHash("sha256").update(rname).digest("hex").slice(0, 10);
        const dnsName = `${tenant}.${region}.sql.goog.`;
        return {
          project,
          name: rname,
          connectionName: `${project}:${region}:${rname}`,
          pscServiceAttachmentLink: `projects/${tenant}-tp/regions/${region}/serviceAttachments/a-${tenant}-psc-service-attachment`,
          dnsName,
          dnsNames: [{ name: dnsName, connectionType: "PRIVATE_SERVICE_CONNECT", dnsScope: "INSTANCE" }],
          // A placeholder, not a certificate: plans never read it, and a real instance returns its CA chain here.
          serverCaCerts: [{ cert: `-----BEGIN CERTIFICATE-----\nmock CA chain of ${rname}\n-----END CERTIFICATE-----\n`, commonName: "C=US,O=Google\\, Inc,CN=Google Cloud SQL Server CA", sha1Fingerprint: tenant }],
          selfLink: `https://sqladmin.googleapis.com/sql/v1beta4/projects/${project}/instances/${rname}`,
          serviceAccountEmailAddress: `p${MOCK_PROJECT_NUMBER}-abcdef@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
        };
      }
      case "gcp:sql/database:Database":
        return { project, selfLink: `https://sqladmin.googleapis.com/sql/v1beta4/projects/${project}/instances/${str(inputs.instance, "instance")}/databases/${rname}` };
      case "gcp:sql/user:User":
        return { project };
      case "gcp:dns/managedZone:ManagedZone":
        return { project, name: rname, id: `projects/${project}/managedZones/${rname}`, managedZoneId: 1234567890, nameServers: [] };
      case "gcp:dns/recordSet:RecordSet":
        return { project };
      case "random:index/randomPassword:RandomPassword":
        return { result: `mock-${createHash("sha256").update(name).digest("hex").slice(0, 24)}` };
      case "random:index/randomId:RandomId": {
        const hex = createHash("sha256").update(name).digest("hex").slice(0, 2 * (typeof inputs.byteLength === "number" ? inputs.byteLength : 4));
        return { hex, b64Std: Buffer.from(hex, "hex").toString("base64"), dec: BigInt(`0x${hex}`).toString() };
      }
      case "random:index/randomString:RandomString": {
        const length = typeof inputs.length === "number" ? inputs.length : 8;
        return { result: BigInt(`0x${createHash("sha256").update(name).digest("hex").slice(0, 16)}`).toString(36).padStart(length, "0").slice(0, length) };
      }
      case "gcp:projects/serviceIdentity:ServiceIdentity": {
        const email = `service-${MOCK_PROJECT_NUMBER}@gcp-sa-${str(inputs.service, "service").split(".")[0]}.iam.gserviceaccount.com`;
        return { project, email, member: `serviceAccount:${email}` };
      }
      case "gcp:artifactregistry/repository:Repository": {
        const location = str(inputs.location, MOCK_REGION);
        const id = str(inputs.repositoryId, name);
        return { project, name: id, registryUri: `${location}-docker.pkg.dev/${project}/${id}`, id: `projects/${project}/locations/${location}/repositories/${id}` };
      }
      case "gcp:cloudrunv2/job:Job":
        return { project, name: rname, location: str(inputs.location, MOCK_REGION), latestCreatedExecutions: [] };
      case "gcp:cloudrunv2/workerPool:WorkerPool":
        return { project, name: rname, location: str(inputs.location, MOCK_REGION), latestReadyRevision: `${rname}-00001-abc` };
      case "gcp:cloudscheduler/job:Job":
        return { project, name: rname, state: "ENABLED" };
      case "gcp:certificatemanager/dnsAuthorization:DnsAuthorization": {
        const domain = str(inputs.domain, "example.com");
        const token = createHash("sha256").update(`${project}/${domain}`).digest("hex").slice(0, 12);
        return {
          project,
          id: `projects/${project}/locations/${str(inputs.location, "global")}/dnsAuthorizations/${rname}`,
          dnsResourceRecords: [{ name: `_acme-challenge.${domain}.`, type: "CNAME", data: `${token}.1.authorize.certificatemanager.goog.` }],
        };
      }
      case "gcp:certificatemanager/certificate:Certificate":
        return { project, id: `projects/${project}/locations/${str(inputs.location, "global")}/certificates/${rname}` };
      case "gcp:certificatemanager/certificateMap:CertificateMap":
        return { project, id: `projects/${project}/locations/global/certificateMaps/${rname}` };
      case "gcp:logging/projectBucketConfig:ProjectBucketConfig":
        return { id: `projects/${project}/locations/${str(inputs.location, MOCK_REGION)}/buckets/${str(inputs.bucketId, name)}` };
      case "gcp:logging/projectSink:ProjectSink":
        return { project, writerIdentity: `serviceAccount:service-${MOCK_PROJECT_NUMBER}@gcp-sa-logging.iam.gserviceaccount.com` };
      case "gcp:secretmanager/secret:Secret":
        return { project, id: `projects/${project}/secrets/${str(inputs.secretId, name)}`, name: `projects/${MOCK_PROJECT_NUMBER}/secrets/${str(inputs.secretId, name)}` };
      case "gcp:secretmanager/secretVersion:SecretVersion":
        return { version: "1", name: `${str(inputs.secret, name)}/versions/1` };
      case "gcp:storage/bucket:Bucket":
        return { project, name: rname, url: `gs://${rname}`, selfLink: `https://www.googleapis.com/storage/v1/b/${rname}`, projectNumber: Number(MOCK_PROJECT_NUMBER) };
      case "gcp:projects/iAMCustomRole:IAMCustomRole":
        return { project, name: `projects/${project}/roles/${str(inputs.roleId, name)}`, deleted: false };
      case "gcp:serviceaccount/iAMMember:IAMMember":
      case "gcp:secretmanager/secretIamMember:SecretIamMember":
      case "gcp:storage/bucketIAMMember:BucketIAMMember":
      case "gcp:projects/iAMMember:IAMMember":
      case "gcp:cloudrunv2/serviceIamMember:ServiceIamMember":
      case "gcp:cloudrunv2/jobIamMember:JobIamMember":
        return { etag: "BwYmockEtag=" };
      default:
        return {};
    }
  },
  call(token) {
    // The platform reads the project once (project.ts): the Cloud Resource Manager check and the project id.
    if (token === "gcp:organizations/getProject:getProject") {
      return { projectId: MOCK_PROJECT, number: MOCK_PROJECT_NUMBER, name: MOCK_PROJECT, id: `projects/${MOCK_PROJECT}` };
    }
    // Each database's role job as deployed (db-role.ts): a plan shows it not yet deployed (no execution, no annotation).
    if (token === "gcp:cloudrunv2/getJob:getJob") return {};
    return {};
  },
};
