/**
 * The child resources of each component on Google Cloud, by role: what
 * `component.resources` holds when the cloud is gcp. Optional roles exist only
 * when the spec asks for what they do.
 */
import type * as artifactregistry from "@pulumi/gcp/artifactregistry";
import type * as certificatemanager from "@pulumi/gcp/certificatemanager";
import type * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import type * as compute from "@pulumi/gcp/compute";
import type * as dns from "@pulumi/gcp/dns";
import type * as logging from "@pulumi/gcp/logging";
import type * as projects from "@pulumi/gcp/projects";
import type * as secretmanager from "@pulumi/gcp/secretmanager";
import type * as serviceaccount from "@pulumi/gcp/serviceaccount";
import type * as sql from "@pulumi/gcp/sql";
import type * as storage from "@pulumi/gcp/storage";
import type { RandomPassword } from "@pulumi/random/randomPassword";
import type { RandomString } from "@pulumi/random/randomString";
import type { Sleep } from "@pulumiverse/time/sleep";

export type WebServiceResources = {
  service: cloudrunv2.Service;
  serviceAccount: serviceaccount.Account;
  /** The wait after the link grants, before the first revision (only with links). */
  grantsSettled?: Sleep;
  /** An image from a registry Cloud Run does not pull from directly, or a private registry. */
  repository?: artifactregistry.Repository;
  registrySecret?: secretmanager.Secret;
  registrySecretVersion?: secretmanager.SecretVersion;
  registryAgent?: projects.ServiceIdentity;
  registryAgentSecretAccess?: secretmanager.SecretIamMember;
  registryAgentAccessSettled?: Sleep;
  /** With a domain: the load balancer and its certificate. */
  networkEndpointGroup?: compute.RegionNetworkEndpointGroup;
  /** Global pieces without a residency rule, regional ones (in the stack's region) with one. */
  backendService?: compute.BackendService | compute.RegionBackendService;
  /** With ipAllowList or webApplicationFirewall: the Cloud Armor policy on the backend service. */
  securityPolicy?: compute.SecurityPolicy | compute.RegionSecurityPolicy;
  urlMap?: compute.URLMap | compute.RegionUrlMap;
  dnsAuthorization?: certificatemanager.DnsAuthorization;
  certificate?: certificatemanager.Certificate;
  certificateMap?: certificatemanager.CertificateMap;
  certificateMapEntry?: certificatemanager.CertificateMapEntry;
  tlsPolicy?: compute.SSLPolicy | compute.RegionSslPolicy;
  httpsProxy?: compute.TargetHttpsProxy | compute.RegionTargetHttpsProxy;
  address?: compute.GlobalAddress | compute.Address;
  httpsForwardingRule?: compute.GlobalForwardingRule | compute.ForwardingRule;
  httpRedirectMap?: compute.URLMap | compute.RegionUrlMap;
  httpProxy?: compute.TargetHttpProxy | compute.RegionTargetHttpProxy;
  httpForwardingRule?: compute.GlobalForwardingRule | compute.ForwardingRule;
  /** Link grants in link order: bucket roles, secret access and the conditioned Cloud SQL client role, and the URL signer. */
  [grant: `grant${number}`]: storage.BucketIAMMember | secretmanager.SecretIamMember | projects.IAMMember | serviceaccount.IAMMember;
};

export type DatabaseResources = {
  instance: sql.DatabaseInstance;
  /** The generated end of the instance id. */
  nameSuffix: RandomString;
  /** The Private Service Connect endpoint the database is reached at: an internal address in the subnet and a forwarding rule to the instance. */
  endpointAddress: compute.Address;
  endpoint: compute.ForwardingRule;
  database: sql.Database;
  /** The administrator login (administration only). */
  adminUser: sql.User;
  /** The read-write role's (`app`) password, its secret and version. */
  password: RandomPassword;
  secret: secretmanager.Secret;
  secretVersion: secretmanager.SecretVersion;
  /** The read-only role's (`app_read`) password, its secret and version. */
  readPassword: RandomPassword;
  readSecret: secretmanager.Secret;
  readSecretVersion: secretmanager.SecretVersion;
  adminPassword: RandomPassword;
  adminSecret: secretmanager.Secret;
  adminSecretVersion: secretmanager.SecretVersion;
  /** The private DNS zone of the instance's DNS name in the network, and its A record at the endpoint. */
  dnsZone: dns.ManagedZone;
  dnsRecord: dns.RecordSet;
  /** The server's certificate authorities, as the role job's CA file. */
  serverCaSecret: secretmanager.Secret;
  serverCaSecretVersion: secretmanager.SecretVersion;
  /** Both roles' SCRAM verifiers, for the role job only. */
  roleVerifiers: secretmanager.Secret;
  roleVerifiersVersion: secretmanager.SecretVersion;
  /** The job that creates the application roles, its identity, grants and the wait after them. */
  roleJob: cloudrunv2.Job;
  roleJobAccount: serviceaccount.Account;
  roleJobGrantsSettled: Sleep;
  roleJobAdminSecretAccess: secretmanager.SecretIamMember;
  roleJobVerifiersAccess: secretmanager.SecretIamMember;
  roleJobServerCaAccess: secretmanager.SecretIamMember;
};

export type ObjectStoreResources = {
  bucket: storage.Bucket;
  /** The generated end of the bucket's name. */
  nameSuffix: RandomString;
};

/** The shared platform's resources (each created on first use). */
export type PlatformResources = {
  apis: Record<string, projects.Service>;
  network?: compute.Network;
  subnet?: compute.Subnetwork;
  addressRelease?: Sleep;
  proxySubnet?: compute.Subnetwork;
  logBucket?: logging.ProjectBucketConfig;
  logSink?: logging.ProjectSink;
  logExclusion?: logging.ProjectExclusion;
  urlSignerRole?: projects.IAMCustomRole;
  /** The remote repository Freehold's own jobs pull their pinned images through. */
  toolImages?: artifactregistry.Repository;
};
