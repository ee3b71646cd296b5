/**
 * ObjectStore -> a StorageV2 account with one private blob container. TLS 1.2
 * and HTTPS only, no anonymous access, no shared keys (Entra ID identities
 * only), infrastructure (double) encryption, versioning and soft delete of blobs
 * and containers, lifecycle rules as a management policy, CORS on the blob
 * service, and a CanNotDelete lock when deletion-protected.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as storage from "@pulumi/azure-native/storage";
import { keepData, type ObjectStoreRequest, type ObjectStoreResult } from "@freehold/core";
import type { ObjectStore } from "@freehold/model";
import { names } from "./naming";
import type { AzurePlatform } from "./network";
import { vendorSettings } from "./vendor";

export const OBJECT_STORE_SERVICE = "Azure Blob Storage";
export const OBJECT_STORE_ROLES = ["account", "blobService", "container", "lifecycle", "lock"] as const;
/** Days deleted blobs and containers stay recoverable. */
export const SOFT_DELETE_DAYS = 7;

/** What a linked web service needs from an object store: the container to scope its role to. */
export interface AzureObjectStoreHandle {
  kind: "azure-blob";
  /** ARM id of the container: the scope of the Storage Blob Data role assignment. */
  containerId: pulumi.Output<string>;
  accountName: string;
}

/** Management-policy rules for the spec's lifecycle: prefixes start with the container name in Azure. */
export function lifecycleRules(spec: ObjectStore, containerName: string): storage.ManagementPolicyArgs["policy"] {
  return {
    rules: spec.lifecycle.map((r, i) => ({
      name: `expire${i}`,
      enabled: true,
      type: "Lifecycle",
      definition: {
        filters: { blobTypes: ["blockBlob"], prefixMatch: [`${containerName}/${r.prefix}`] },
        actions: {
          baseBlob: { delete: { daysAfterModificationGreaterThan: r.expireAfterDays } },
          // Versions of an expired blob would otherwise be kept (and billed) for ever.
          ...(spec.versioning ? { version: { delete: { daysAfterCreationGreaterThan: r.expireAfterDays } } } : {}),
        },
      },
    })),
  };
}

export function createObjectStore(req: ObjectStoreRequest): ObjectStoreResult {
  const { name, spec } = req;
  const p = req.platform as AzurePlatform;
  const vendor = vendorSettings(name, spec.vendor, OBJECT_STORE_ROLES);
  const resourceGroupName = p.resourceGroupName;
  // The account and container hold the data: protected and retained. Their settings are retained with them, never protected, so they can change.
  const stateful = { parent: req.parent, ...keepData(spec.deletionProtection) };
  const settings = { parent: req.parent, retainOnDelete: spec.deletionProtection };
  const accountName = names.storageAccount(p.stack.prefix, req.qualifiedName);
  const containerName = names.blobContainer(req.qualifiedName);

  const account = new storage.StorageAccount(
    `${name}-account`,
    vendor("account", {
      resourceGroupName,
      location: p.location,
      tags: p.tags,
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
    }),
    stateful,
  );

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

  const created: Record<string, pulumi.Resource> = { account, blobService, container };
  if (spec.lifecycle.length) {
    created.lifecycle = new storage.ManagementPolicy(
      `${name}-lifecycle`,
      vendor("lifecycle", { resourceGroupName, accountName: account.name, managementPolicyName: "default", policy: lifecycleRules(spec, containerName) }),
      { ...settings, dependsOn: [blobService] },
    );
  }
  if (spec.deletionProtection) {
    created.lock = new authorization.ManagementLockByScope(
      `${name}-lock`,
      vendor("lock", {
        scope: account.id,
        level: "CanNotDelete",
        lockName: "freehold-deletion-protection",
        notes: "Freehold deletionProtection: set deletionProtection: false and deploy before deleting this storage account.",
      }),
      { parent: req.parent, retainOnDelete: true, dependsOn: [container] },
    );
  }

  const handle: AzureObjectStoreHandle = { kind: "azure-blob", containerId: container.id, accountName };
  return {
    bucketName: container.name,
    endpoint: account.primaryEndpoints.apply((e) => e.blob.replace(/\/$/, "")),
    handle,
    resources: created,
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
        deletionLock: spec.deletionProtection,
      },
    },
  };
}
