/**
 * ObjectStore -> a StorageV2 account with one private blob container. TLS 1.2
 * and HTTPS only, no anonymous access, no shared keys (Entra ID identities
 * only), infrastructure (double) encryption, versioning and soft delete of blobs
 * and containers, lifecycle rules as a management policy, CORS on the blob
 * service. While deletion-protected, the account is tagged so that the stack's
 * keep-data policy denies deleting it (a lock would also block removing the
 * role assignments of links, which live under the account).
 */
import type * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
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
  /** Only with lifecycle rules. */
  lifecycle?: storage.ManagementPolicy;
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
    rules: spec.lifecycle.map((r, i) => ({
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
    })),
  };
}

/** Refuse what Blob Storage cannot do, before anything is registered. */
export function checkObjectStore(req: Pick<ObjectStoreRequest, "name" | "spec">): void {
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
      cors: {
        corsRules: spec.cors.map((r) => ({
          allowedOrigins: r.allowedOrigins,
          allowedMethods: r.allowedMethods,
          // Any request header, so a browser's preflight for a PUT with Content-Type (and x-ms-blob-type) is answered.
          allowedHeaders: ["*"],
          exposedHeaders: ["ETag"],
          maxAgeInSeconds: r.maxAgeSeconds,
        })),
      },
    }),
    settings,
  );

  const container = new storage.BlobContainer(
    `${name}-container`,
    vendor("container", { resourceGroupName, accountName: account.name, containerName, publicAccess: "None" }),
    stateful,
  );

  const created: ObjectStoreResources = { account, blobService, container };
  if (spec.lifecycle.length) {
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
        deletionProtection: spec.deletionProtection ? `keep-data policy (denyAction) on the account, tag ${PROTECTION_TAG}=on` : "off",
      },
      dataLocations: /GRS$/.test(sku) ? pairCopy(p.location, `geo-redundant copy (${sku})`) : [],
    },
  };
}
