/**
 * ObjectStore -> a StorageV2 account with one private blob container. TLS 1.2
 * and HTTPS only, no anonymous access, no shared keys (Entra ID identities
 * only), infrastructure (double) encryption, versioning and soft delete of blobs
 * and containers, previous versions expired, lifecycle rules as a management
 * policy, CORS on the blob service, reads, writes and deletes logged to the
 * stack's workspace, and the account reachable only from the stack's network
 * unless browsers must reach it (CORS rules). While deletion-protected, the
 * account is tagged so that the stack's keep-data policy denies deleting it (a
 * lock would also block removing the role assignments of links, which live
 * under the account).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as monitor from "@pulumi/azure-native/monitor";
import * as storage from "@pulumi/azure-native/storage";
import type * as inputs from "@pulumi/azure-native/types/input";
import { keepData, type ObjectStoreRequest, type ObjectStoreResult } from "@freehold/core";
import { type ObjectStore, UnsupportedFeatureError } from "@freehold/model";
import { byRole, names } from "./naming";
import type { AzurePlatform } from "./network";
import { PROTECTION_TAG } from "./prerequisites";
import { pairCopy } from "./regions";
import { vendorSettings } from "./vendor";

export const OBJECT_STORE_SERVICE = "Azure Blob Storage";
export const OBJECT_STORE_ROLES = ["account", "blobService", "container", "lifecycle"] as const;
/** Days deleted blobs and containers stay recoverable. */
export const SOFT_DELETE_DAYS = 7;
/** "You can specify up to five CORS rules per storage service." */
export const MAX_CORS_RULES = 5;
/**
 * "The maximum size of all CORS rules settings on the request, excluding XML tags, should not exceed 2 KiB", and an
 * origin or header name is at most 256 characters
 * (https://learn.microsoft.com/rest/api/storageservices/cross-origin-resource-sharing--cors--support-for-the-azure-storage-services).
 */
export const MAX_CORS_BYTES = 2048;
export const MAX_CORS_NAME = 256;
/** The blob service's log categories sent to the stack's workspace: every read, write and delete (https://learn.microsoft.com/azure/storage/blobs/monitor-blob-storage-reference). */
export const BLOB_AUDIT_LOGS = ["StorageRead", "StorageWrite", "StorageDelete"] as const;

/** What a linked web service needs from an object store: the container and account to scope its roles to. */
export interface AzureObjectStoreHandle {
  kind: "azure-blob";
  /** ARM id of the container: the scope of the Storage Blob Data role assignment. */
  containerId: pulumi.Output<string>;
  /** ARM id of the account: the scope of the Storage Blob Delegator assignment (user delegation keys are account-wide). */
  accountId: pulumi.Output<string>;
  accountName: string;
}

/** The child resources of an ObjectStore on Azure, by role. */
export interface ObjectStoreResources {
  account: storage.StorageAccount;
  blobService: storage.BlobServiceProperties;
  container: storage.BlobContainer;
  /** With lifecycle rules or versioning: the management policy that expires what they say. */
  lifecycle?: storage.ManagementPolicy;
  /** The blob service's reads, writes and deletes, sent to the stack's workspace. */
  audit: monitor.DiagnosticSetting;
}

/**
 * Management-policy rules for the spec's lifecycle. Prefixes start with the container name in Azure. Every blob
 * type the writer role can expire is matched: block and append blobs (page blobs have no lifecycle management).
 * Current blobs are deleted `expireAfterDays` after they were last written. Azure ages a previous version from
 * when it was written, not from when it became previous, and a previous version is at most `expireAfterDays` old
 * when it does; so versions are deleted at twice the age, which keeps each at least `expireAfterDays` after it
 * became previous (never less than asked), and at most that much longer.
 */
export function lifecycleRules(spec: ObjectStore, containerName: string): storage.ManagementPolicyArgs["policy"] {
  return {
    rules: [...spec.lifecycle.map((r, i) => ({
      name: `expire${i}`,
      enabled: true,
      type: "Lifecycle",
      definition: {
        filters: { blobTypes: ["blockBlob", "appendBlob"], prefixMatch: [`${containerName}/${r.prefix}`] },
        actions: {
          baseBlob: { delete: { daysAfterModificationGreaterThan: r.expireAfterDays } },
          ...(spec.versioning ? { version: { delete: { daysAfterCreationGreaterThan: 2 * r.expireAfterDays } } } : {}),
        },
      },
    })), ...(spec.versioning ? [previousVersionsRule(spec.previousVersionsExpireAfterDays)] : [])],
  };
}

/**
 * `previousVersionsExpireAfterDays`: every blob's previous versions deleted that many days after they were created,
 * beside the stack's own rules (no prefix: the whole account, which holds only this store's container). Azure ages a
 * version from its creation, which for a previous version is when it was written, not when it stopped being current
 * (https://learn.microsoft.com/azure/storage/blobs/lifecycle-management-policy-structure#action-run-conditions): a
 * version written more than that many days before it was replaced goes at the next daily run, and blob soft delete
 * then keeps it 7 more days. That is the one part of the promise Azure cannot keep exactly (capabilities.ts).
 */
export function previousVersionsRule(days: number): inputs.storage.ManagementPolicyRuleArgs {
  return {
    name: "previousversions",
    enabled: true,
    type: "Lifecycle",
    definition: { filters: { blobTypes: ["blockBlob", "appendBlob"] }, actions: { version: { delete: { daysAfterCreationGreaterThan: days } } } },
  };
}

/** The size Azure counts against its 2 KiB CORS limit: every value of every rule, without the XML around them. */
export function corsSize(rules: ReadonlyArray<{ allowedOrigins: readonly string[]; allowedMethods: readonly string[]; allowedHeaders: readonly string[]; exposedHeaders: readonly string[]; maxAgeInSeconds: number }>): number {
  return rules.reduce((n, r) => n + [...r.allowedOrigins, ...r.allowedMethods, ...r.allowedHeaders, ...r.exposedHeaders].join(",").length + String(r.maxAgeInSeconds).length, 0);
}

/** The blob service CORS rules for the spec's. */
export function corsRules(spec: ObjectStore) {
  return spec.cors.map((r) => ({
    allowedOrigins: r.allowedOrigins,
    allowedMethods: r.allowedMethods,
    // Any request header, so a browser's preflight for a PUT with Content-Type (and x-ms-blob-type) is answered.
    allowedHeaders: ["*"],
    exposedHeaders: ["ETag"],
    maxAgeInSeconds: r.maxAgeSeconds,
  }));
}

/**
 * Who can reach the account's endpoint. Data access always needs an Entra ID identity with a role on the container
 * (no shared keys, no anonymous access); on top of that, the account answers only the stack's own subnets
 * (a service endpoint on each, and a virtual network rule), unless the store has CORS rules: those say browsers
 * reach it directly (signed URLs), from anywhere, so it keeps its public endpoint. A store without CORS rules whose
 * signed URLs go to clients outside the network needs `vendor.azure.account.networkRuleSet.defaultAction: Allow`.
 */
export function networkAccess(spec: ObjectStore, p: AzurePlatform): Pick<storage.StorageAccountArgs, "publicNetworkAccess" | "networkRuleSet"> {
  if (spec.cors.length) return { publicNetworkAccess: "Enabled", networkRuleSet: { defaultAction: "Allow", bypass: "AzureServices" } };
  const subnets = [p.appsSubnetId, ...(p.jobsSubnetId ? [p.jobsSubnetId] : [])];
  return {
    publicNetworkAccess: "Enabled",
    networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", virtualNetworkRules: subnets.map((id) => ({ virtualNetworkResourceId: id, action: "Allow" })) },
  };
}

/** Refuse what Blob Storage cannot do, before anything is registered. */
export function checkObjectStore(req: Pick<ObjectStoreRequest, "name" | "spec">): void {
  const rules = corsRules(req.spec);
  const size = corsSize(rules);
  if (size > MAX_CORS_BYTES) {
    throw new UnsupportedFeatureError(
      req.name,
      "object-store.cors",
      "azure",
      `Blob Storage takes at most ${MAX_CORS_BYTES} characters of CORS rules per service (origins, methods, headers and max ages together); these come to ${size}`,
      "Use fewer origins, or one rule for the origins that share methods and max age",
    );
  }
  const long = rules.flatMap((r) => r.allowedOrigins).find((o) => o.length > MAX_CORS_NAME);
  if (long) {
    throw new UnsupportedFeatureError(req.name, "object-store.cors", "azure", `Blob Storage takes origins of at most ${MAX_CORS_NAME} characters; ${long.slice(0, 40)}... has ${long.length}`, "Use a shorter origin");
  }
  if (req.spec.cors.length > MAX_CORS_RULES) {
    throw new UnsupportedFeatureError(
      req.name,
      "object-store.cors",
      "azure",
      `Blob Storage takes at most ${MAX_CORS_RULES} CORS rules per account's blob service; the spec has ${req.spec.cors.length}`,
      `Merge rules that share methods and max age (a rule takes several origins) so that at most ${MAX_CORS_RULES} remain`,
    );
  }
}

export function createObjectStore(req: ObjectStoreRequest): ObjectStoreResult {
  const { name, spec } = req;
  const p = req.platform as AzurePlatform;
  checkObjectStore(req);
  const vendor = vendorSettings(name, spec.vendor, OBJECT_STORE_ROLES);
  const resourceGroupName = p.resourceGroupName;
  // The account and container hold the data: protected and retained. Their settings are retained with them, never protected, so they can change.
  const stateful = { parent: req.parent, ...keepData(spec.deletionProtection) };
  const settings = { parent: req.parent, retainOnDelete: spec.deletionProtection };
  const accountName = names.storageAccount(p.stack.prefix, req.qualifiedName);
  const containerName = names.blobContainer(req.qualifiedName);
  // Azure's side of deletion protection: the keep-data policy denies deleting an account tagged "on" (and its resource group).
  if (spec.deletionProtection) p.keepDataPolicy();

  const accountArgs: storage.StorageAccountArgs = vendor<storage.StorageAccountArgs>("account", {
      resourceGroupName,
      location: p.location,
      tags: { ...p.tags, [PROTECTION_TAG]: spec.deletionProtection ? "on" : "off" },
      accountName,
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      accessTier: "Hot",
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      allowCrossTenantReplication: false,
      isLocalUserEnabled: false,
      isSftpEnabled: false,
      encryption: {
        keySource: "Microsoft.Storage",
        requireInfrastructureEncryption: true,
        services: { blob: { enabled: true, keyType: "Account" } },
      },
      ...networkAccess(spec, p),
    });
  const account = new storage.StorageAccount(`${name}-account`, accountArgs, stateful);
  // Geo-redundant SKUs (a vendor setting) keep a copy in the paired region.
  const sku = String((accountArgs.sku as { name?: unknown } | undefined)?.name ?? "");

  const blobService = new storage.BlobServiceProperties(
    `${name}-blob-service`,
    vendor("blobService", {
      resourceGroupName,
      accountName: account.name,
      blobServicesName: "default",
      isVersioningEnabled: spec.versioning,
      deleteRetentionPolicy: { enabled: true, days: SOFT_DELETE_DAYS },
      containerDeleteRetentionPolicy: { enabled: true, days: SOFT_DELETE_DAYS },
      cors: { corsRules: corsRules(spec) },
    }),
    settings,
  );

  const container = new storage.BlobContainer(
    `${name}-container`,
    vendor("container", { resourceGroupName, accountName: account.name, containerName, publicAccess: "None" }),
    stateful,
  );

  // Every read, write and delete of a blob, in the stack's workspace.
  const audit = p.auditLogs(`${name}-audit`, pulumi.interpolate`${account.id}/blobServices/default`, BLOB_AUDIT_LOGS, { parent: req.parent, dependsOn: [blobService] });
  const created: ObjectStoreResources = { account, blobService, container, audit };
  if (spec.lifecycle.length || spec.versioning) {
    created.lifecycle = new storage.ManagementPolicy(
      `${name}-lifecycle`,
      vendor("lifecycle", { resourceGroupName, accountName: account.name, managementPolicyName: "default", policy: lifecycleRules(spec, containerName) }),
      { ...settings, dependsOn: [blobService] },
    );
  }

  const handle: AzureObjectStoreHandle = { kind: "azure-blob", containerId: container.id, accountId: account.id, accountName };
  return {
    bucketName: container.id.apply(() => containerName),
    // From the account's name (the account's outputs are not needed, so plain unit-test mocks work too).
    endpoint: account.id.apply(() => `https://${accountName}.blob.core.windows.net`),
    handle,
    resources: byRole(created),
    description: {
      service: OBJECT_STORE_SERVICE,
      details: {
        account: accountName,
        container: containerName,
        redundancy: "Standard_LRS",
        accessTier: "Hot",
        versioning: spec.versioning,
        softDeleteDays: SOFT_DELETE_DAYS,
        sharedKeyAccess: false,
        network: spec.cors.length ? "public endpoint (CORS rules: browsers reach it with signed URLs); Entra ID identities only" : "the stack's subnets only; Entra ID identities only",
        previousVersionsExpireAfterDays: spec.versioning ? spec.previousVersionsExpireAfterDays : "no versions",
        auditLogs: `${BLOB_AUDIT_LOGS.join(", ")} in the stack's Log Analytics workspace`,
        deletionProtection: spec.deletionProtection ? `keep-data policy (denyAction) on the account, tag ${PROTECTION_TAG}=on` : "off",
      },
      dataLocations: /GRS$/.test(sku) ? pairCopy(p.location, `geo-redundant copy (${sku})`) : [],
    },
  };
}
