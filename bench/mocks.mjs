// @ts-check
/**
 * One set of mocks per cloud, used by BOTH sides of the registration benchmark
 * (Freehold and the hand-written baseline), so the mock runtime does the same
 * work for each. Outputs are plausible and deterministic: they give each
 * resource the outputs that later inputs read (ARNs, names, addresses, ids),
 * modelled on the backends' own mocks (packages/<cloud>/src/mocks.ts) but kept
 * here so that the baseline process never loads any Freehold code.
 */
import { createHash } from "node:crypto";

const h8 = (/** @type {string} */ s) => createHash("sha256").update(s).digest("hex").slice(0, 8);
const guid = (/** @type {string} */ s) => {
  const h = createHash("sha1").update(s).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
/** @param {unknown} v @param {string} fallback */
const str = (v, fallback) => (typeof v === "string" && v ? v : fallback);
/** @param {unknown} v @returns {Record<string, unknown>} */
const obj = (v) => (v && typeof v === "object" ? /** @type {Record<string, unknown>} */ (v) : {});

const ACCOUNT = "123456789012";
const REGION = "eu-west-2";

/** The input that holds an Azure resource's physical name (its `name` output) where that is not the only other `...Name` input. */
const AZURE_NAME_INPUT = /** @type {Record<string, string>} */ ({
  "azure-native:resources:ResourceGroup": "resourceGroupName",
  "azure-native:keyvault:Secret": "secretName",
  "azure-native:dbforpostgresql:Configuration": "configurationName",
  "azure-native:dbforpostgresql:Database": "databaseName",
  "azure-native:storage:BlobContainer": "containerName",
  "azure-native:storage:BlobServiceProperties": "blobServicesName",
  "azure-native:storage:ManagementPolicy": "managementPolicyName",
  "azure-native:privatedns:VirtualNetworkLink": "virtualNetworkLinkName",
});

/** @type {Record<string, (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown>>} */
const outputs = {
  aws(type, name, inputs) {
    const h = h8(name);
    const physical = str(inputs.name ?? inputs.identifier ?? inputs.bucket, name);
    const out = { arn: `arn:aws:mock:${REGION}:${ACCOUNT}:${type.split(":")[2]}/${physical}`, name: physical };
    switch (type) {
      case "aws:ec2/eip:Eip":
        return { ...out, allocationId: `eipalloc-${h}` };
      case "aws:lb/loadBalancer:LoadBalancer":
        return { ...out, dnsName: `${inputs.internal ? "internal-" : ""}${physical}-${h}.${REGION}.elb.amazonaws.com` };
      case "aws:cloudfront/distribution:Distribution":
        return { ...out, domainName: `d${h}.cloudfront.net` };
      case "aws:rds/instance:Instance":
        return {
          ...out,
          address: `${physical}.c${h}.${REGION}.rds.amazonaws.com`,
          port: 5432,
          masterUserSecrets: [{ secretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:rds!db-${h}`, secretStatus: "active" }],
        };
      case "aws:s3/bucket:Bucket":
        return { ...out, arn: `arn:aws:s3:::${physical}`, bucket: physical };
      case "aws:secretsmanager/secretVersion:SecretVersion":
        return { versionId: `${h}-0000-4000-8000-${h}0000` };
      case "random:index/randomId:RandomId":
        return { hex: h };
      case "random:index/randomPassword:RandomPassword":
        return { result: `Mock${h8(name)}${h8(`${name}/2`)}` };
      default:
        return out;
    }
  },
  azure(type, name, inputs) {
    const nameKey = AZURE_NAME_INPUT[type] ?? Object.keys(inputs).find((k) => k !== "resourceGroupName" && k.endsWith("Name") && typeof inputs[k] === "string");
    const physical = str(nameKey ? inputs[nameKey] : undefined, name);
    /** @type {Record<string, unknown>} */
    const out = { name: physical };
    switch (type) {
      case "azure-native:operationalinsights:Workspace":
        out.customerId = guid(`workspace/${physical}`);
        break;
      case "azure-native:managedidentity:UserAssignedIdentity":
        out.principalId = guid(`principal/${physical}`);
        out.clientId = guid(`client/${physical}`);
        break;
      case "azure-native:keyvault:Secret":
        out.properties = { secretUri: `https://${str(inputs.vaultName, "vault")}.vault.azure.net/secrets/${physical}` };
        break;
      case "azure-native:dbforpostgresql:Server":
        out.fullyQualifiedDomainName = `${physical}.postgres.database.azure.com`;
        break;
      case "azure-native:storage:StorageAccount":
        out.primaryEndpoints = { blob: `https://${physical}.blob.core.windows.net/` };
        break;
      case "azure-native:app:ContainerApp": {
        const configuration = obj(inputs.configuration);
        out.configuration = { ...configuration, ingress: { ...obj(configuration.ingress), fqdn: `${physical}.mock.uksouth.azurecontainerapps.io` } };
        break;
      }
      case "random:index/randomPassword:RandomPassword":
        out.result = `Mock${h8(name)}${h8(`${name}/2`)}`;
        break;
      case "random:index/randomString:RandomString":
        out.result = h8(name).slice(0, Number(inputs.length ?? 6));
        break;
    }
    return out;
  },
  gcp(type, name, inputs) {
    const physical = str(inputs.name, name);
    const project = "freehold-plan";
    switch (type) {
      case "gcp:serviceaccount/account:Account": {
        const email = `${str(inputs.accountId, name)}@${project}.iam.gserviceaccount.com`;
        return { project, email, member: `serviceAccount:${email}`, name: `projects/${project}/serviceAccounts/${email}` };
      }
      case "gcp:sql/databaseInstance:DatabaseInstance": {
        const tenant = h8(physical);
        const dnsName = `${tenant}.europe-west2.sql.goog.`;
        return {
          project,
          name: physical,
          pscServiceAttachmentLink: `projects/${tenant}-tp/regions/europe-west2/serviceAttachments/a-${tenant}-psc-service-attachment`,
          dnsName,
          dnsNames: [{ name: dnsName, connectionType: "PRIVATE_SERVICE_CONNECT", dnsScope: "INSTANCE" }],
          serverCaCerts: [{ cert: `-----BEGIN CERTIFICATE-----\nmock CA chain of ${physical}\n-----END CERTIFICATE-----\n` }],
        };
      }
      case "gcp:artifactregistry/repository:Repository": {
        const id = str(inputs.repositoryId, name);
        return { project, name: id, registryUri: `europe-west2-docker.pkg.dev/${project}/${id}` };
      }
      case "gcp:compute/address:Address": {
        const d = createHash("sha256").update(physical).digest();
        return { project, name: physical, address: `10.10.${(d[1] ?? 0) % 16}.${2 + ((d[2] ?? 0) % 250)}` };
      }
      case "gcp:projects/iAMCustomRole:IAMCustomRole":
        return { project, name: `projects/${project}/roles/${str(inputs.roleId, name)}` };
      case "gcp:cloudrunv2/service:Service":
        return { project, name: physical, uri: `https://${physical}-${h8(physical)}.europe-west2.run.app` };
      case "gcp:secretmanager/secretVersion:SecretVersion":
        return { version: "1", name: `${str(inputs.secret, name)}/versions/1` };
      case "random:index/randomId:RandomId":
        return { hex: h8(name) };
      case "random:index/randomPassword:RandomPassword":
        return { result: `mock-${h8(name)}${h8(`${name}/2`)}` };
      case "random:index/randomString:RandomString":
        return { result: h8(name).slice(0, Number(inputs.length ?? 6)) };
      default:
        return { project, name: physical };
    }
  },
};

/** @type {Record<string, (token: string, inputs: Record<string, unknown>) => Record<string, unknown>>} */
const calls = {
  aws(token, inputs) {
    const region = str(inputs.region, REGION);
    switch (token) {
      case "aws:index/getAvailabilityZones:getAvailabilityZones":
        return { id: region, names: ["a", "b", "c"].map((z) => `${region}${z}`) };
      case "aws:ec2/getManagedPrefixList:getManagedPrefixList":
        return { id: "pl-93a247fa", name: inputs.name };
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { id: ACCOUNT, accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/bench` };
      default:
        return {};
    }
  },
  azure(token) {
    if (token === "azure-native:authorization:getClientConfig") {
      return { clientId: guid("deployer"), objectId: guid("deployer-object"), subscriptionId: "00000000-0000-4000-8000-000000000001", tenantId: "00000000-0000-4000-8000-0000000000aa" };
    }
    if (token === "azure-native:operationalinsights:getSharedKeys") return { primarySharedKey: "bW9jaw==", secondarySharedKey: "bW9jaw==" };
    return {};
  },
  gcp(token) {
    if (token === "gcp:organizations/getProject:getProject") return { projectId: "freehold-plan", number: "123456789012" };
    return {};
  },
};

/**
 * @typedef {{ type: string, name: string, inputs: unknown }} Registration
 * @typedef {{ token: string, inputs: unknown }} Invoke
 */

/**
 * The mocks for one cloud. With `record`, every registration and invoke is kept.
 * @param {"aws" | "azure" | "gcp"} cloud
 * @param {{ registrations: Registration[], invokes: Invoke[] } | undefined} record
 */
export function mocksFor(cloud, record) {
  const out = outputs[cloud];
  const call = calls[cloud];
  if (!out || !call) throw new Error(`no mocks for ${cloud}`);
  let count = 0;
  return {
    get count() {
      return count;
    },
    /** @param {{ type: string, name: string, inputs: any, custom?: boolean }} args */
    newResource(args) {
      count++;
      if (record) record.registrations.push({ type: args.type, name: args.name, inputs: args.inputs });
      if (!args.custom) return { id: "", state: {} };
      const state = { ...args.inputs, ...out(args.type, args.name, args.inputs) };
      return { id: `${args.name}-id`, state };
    },
    /** @param {{ token: string, inputs: any }} args */
    call(args) {
      if (record) record.invokes.push({ token: args.token, inputs: args.inputs });
      return call(args.token, args.inputs);
    },
  };
}
