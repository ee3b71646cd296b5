/**
 * A custom domain for a public Cloud Run service: an external Application
 * Load Balancer with a serverless NEG, a Google-managed certificate from
 * Certificate Manager validated by a DNS authorization (so it is issued
 * before traffic moves), a TLS 1.2+ MODERN SSL policy, and HTTP redirected to
 * HTTPS. Global without a residency rule; regional, in the stack's region,
 * with one, so TLS ends inside it. This is Google's GA way for every Cloud Run region;
 * Cloud Run domain mappings are preview and missing from many regions,
 * London among them (https://cloud.google.com/run/docs/mapping-custom-domains).
 * The service then takes traffic only from the load balancer
 * (`INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER`), so the TLS policy cannot be
 * bypassed through its run.app address.
 */
import { CREATE_FIRST, type DnsRecord, shortHash, type WebServiceRequest } from "@freehold/core";
import * as certificatemanager from "@pulumi/gcp/certificatemanager";
import type * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as compute from "@pulumi/gcp/compute";
import * as pulumi from "@pulumi/pulumi";
import { securityPolicy } from "./armor";
import { names } from "./naming";
import type { GcpPlatform } from "./network";

/** The SSL policy: TLS 1.2 and later, with the MODERN profile's forward-secret AEAD ciphers (https://cloud.google.com/load-balancing/docs/ssl-policies-concepts). */
export const TLS_POLICY = { profile: "MODERN", minTlsVersion: "TLS_1_2" } as const;

export interface CustomDomain {
  url: pulumi.Output<string>;
  dnsRecords: pulumi.Output<DnsRecord[]>;
  resources: Record<string, pulumi.Resource>;
}

/** The DNS records the user must create: the certificate's validation CNAME, and the A record that sends traffic to the load balancer. */
export function domainRecords(domain: string, auth: certificatemanager.DnsAuthorization, address: compute.GlobalAddress | compute.Address): pulumi.Output<DnsRecord[]> {
  return pulumi.all([auth.dnsResourceRecords, address.address]).apply(([records, ip]): DnsRecord[] => [
    ...(records ?? []).map(
      (r): DnsRecord => ({ name: String(r.name ?? "").replace(/\.$/, ""), type: "CNAME", value: String(r.data ?? "").replace(/\.$/, ""), purpose: "certificate validation" }),
    ),
    { name: domain, type: "A", value: String(ip ?? ""), purpose: "traffic" },
  ]);
}

/** Which external Application Load Balancer fronts a domain: global, or regional in the stack's region. */
export type FrontDoor = "global" | "regional";

/** The front door a stack's domain gets: regional under a residency rule (TLS ends in the region), global otherwise. */
export function frontDoorFor(req: Pick<WebServiceRequest, "stack">): FrontDoor {
  return req.stack.residency === "none" ? "global" : "regional";
}

/** The custom domain's load balancer, of the kind given. */
export function customDomain(req: WebServiceRequest, platform: GcpPlatform, service: cloudrunv2.Service, domain: string, kind: FrontDoor = frontDoorFor(req)): CustomDomain {
  return kind === "global" ? globalLoadBalancer(req, platform, service, domain) : regionalLoadBalancer(req, platform, service, domain);
}

/** Names of the load balancer's pieces; certificate pieces are named after the domain too, so a new domain creates new ones before the old ones go. */
export function namer(req: Pick<WebServiceRequest, "stack" | "qualifiedName">, domain: string) {
  const d = shortHash([domain], 4);
  return { n: (role: string) => names.loadBalancer(req.stack.prefix, req.qualifiedName, role), d };
}

/** The Certificate Manager certificate's name for a domain (the same for both front doors; they differ in location). */
export function certificateName(req: Pick<WebServiceRequest, "stack" | "qualifiedName">, domain: string): string {
  const { n, d } = namer(req, domain);
  return n(`cert-${d}`);
}

/**
 * Logging on the load balancer's backend service: every request, with its
 * client address, URL, status and the Cloud Armor decision
 * (https://cloud.google.com/load-balancing/docs/https/https-logging-monitoring),
 * as CIS Google Cloud Platform Foundations asks. Stored as Cloud Logging
 * ingestion, in the region under a residency rule.
 */
export const BACKEND_LOGGING = { enable: true, sampleRate: 1 } as const;

/** The global external Application Load Balancer (no residency rule): TLS ends at Google's edge, nearest the user. */
function globalLoadBalancer(req: WebServiceRequest, platform: GcpPlatform, service: cloudrunv2.Service, domain: string): CustomDomain {
  const opts = { parent: req.parent };
  const { n, d } = namer(req, domain);
  const labels = platform.labels;
  const apis = [platform.api("compute")];
  const certApis = [platform.api("certificatemanager")];

  // Replaced only when it moves region (its name is unique per region) or the service is renamed (a new name): created first.
  const neg = new compute.RegionNetworkEndpointGroup(
    `${req.name}-neg`,
    { name: n("neg"), region: platform.region, networkEndpointType: "SERVERLESS", cloudRun: { service: service.name } },
    { ...opts, ...CREATE_FIRST, dependsOn: apis },
  );
  const armor = securityPolicy(req, "global", n("armor"), apis);
  const backend = new compute.BackendService(
    `${req.name}-backend`,
    { name: n("backend"), loadBalancingScheme: "EXTERNAL_MANAGED", backends: [{ group: neg.id }], logConfig: BACKEND_LOGGING, ...(armor ? { securityPolicy: armor.id } : {}) },
    { ...opts, dependsOn: platform.logs({ globalBackends: [n("backend")] }) },
  );
  const urlMap = new compute.URLMap(`${req.name}-url-map`, { name: n("url-map"), defaultService: backend.id }, opts);

  // The DNS authorization, certificate and map entry are replaced only with a new domain (their names carry its hash) or
  // a new location (residency): created first, so the old ones go after the map entry or proxy using them has moved.
  const auth = new certificatemanager.DnsAuthorization(`${req.name}-dns-authorization`, { name: n(`dns-${d}`), domain, location: "global", labels }, { ...opts, ...CREATE_FIRST, dependsOn: certApis });
  const certificate = new certificatemanager.Certificate(
    `${req.name}-certificate`,
    { name: n(`cert-${d}`), location: "global", managed: { domains: [domain], dnsAuthorizations: [auth.id] }, labels },
    { ...opts, ...CREATE_FIRST },
  );
  const certificateMap = new certificatemanager.CertificateMap(`${req.name}-certificate-map`, { name: n("certs"), labels }, { ...opts, dependsOn: certApis });
  const mapEntry = new certificatemanager.CertificateMapEntry(
    `${req.name}-certificate-map-entry`,
    { name: n(`entry-${d}`), map: certificateMap.name, hostname: domain, certificates: [certificate.id], labels },
    { ...opts, ...CREATE_FIRST },
  );

  const tlsPolicy = new compute.SSLPolicy(`${req.name}-tls-policy`, { name: n("tls"), ...TLS_POLICY }, { ...opts, dependsOn: apis });
  const httpsProxy = new compute.TargetHttpsProxy(
    `${req.name}-https-proxy`,
    { name: n("https"), urlMap: urlMap.id, certificateMap: pulumi.interpolate`//certificatemanager.googleapis.com/${certificateMap.id}`, sslPolicy: tlsPolicy.id },
    { ...opts, dependsOn: [mapEntry] },
  );
  const address = new compute.GlobalAddress(`${req.name}-address`, { name: n("address"), addressType: "EXTERNAL", ipVersion: "IPV4", labels }, { ...opts, dependsOn: apis });
  const https = new compute.GlobalForwardingRule(
    `${req.name}-https-rule`,
    { name: n("https"), target: httpsProxy.id, portRange: "443", ipProtocol: "TCP", ipAddress: address.id, loadBalancingScheme: "EXTERNAL_MANAGED", labels },
    opts,
  );
  const redirect = new compute.URLMap(`${req.name}-http-redirect`, { name: n("http-redirect"), defaultUrlRedirect: REDIRECT }, { ...opts, dependsOn: apis });
  const httpProxy = new compute.TargetHttpProxy(`${req.name}-http-proxy`, { name: n("http"), urlMap: redirect.id }, opts);
  const http = new compute.GlobalForwardingRule(
    `${req.name}-http-rule`,
    { name: n("http"), target: httpProxy.id, portRange: "80", ipProtocol: "TCP", ipAddress: address.id, loadBalancingScheme: "EXTERNAL_MANAGED", labels },
    opts,
  );
  return result(domain, auth, address, { neg, backend, armor, urlMap, certificate, tlsPolicy, httpsProxy, https, redirect, httpProxy, http }, { certificateMap, certificateMapEntry: mapEntry });
}

/**
 * The regional external Application Load Balancer (under a residency rule):
 * its proxies run in the stack's region, so TLS ends there, and its
 * certificate is a regional Certificate Manager certificate
 * (https://cloud.google.com/load-balancing/docs/https/setup-regional-ext-https-serverless).
 * It needs the VPC's proxy-only subnet in the region (GcpPlatform.proxySubnet).
 */
function regionalLoadBalancer(req: WebServiceRequest, platform: GcpPlatform, service: cloudrunv2.Service, domain: string): CustomDomain {
  const opts = { parent: req.parent };
  const { n, d } = namer(req, domain);
  const labels = platform.labels;
  const region = platform.region;
  const net = platform.network();
  const proxies = platform.proxySubnet();
  const apis = [platform.api("compute")];
  const certApis = [platform.api("certificatemanager")];

  // Every regional piece's name is unique in its region, and none is replaced but by a move to another region (or a
  // rename): each is created first, so the old load balancer keeps working until the engine deletes it at the end.
  // `region` is not ForceNew on the regional backend service and URL maps in the provider: without `replaceOnChanges`
  // a move would be an update sent to the new region, where they do not exist (404).
  const moves = { ...CREATE_FIRST, replaceOnChanges: ["region"] };
  const neg = new compute.RegionNetworkEndpointGroup(`${req.name}-neg`, { name: n("neg"), region, networkEndpointType: "SERVERLESS", cloudRun: { service: service.name } }, { ...opts, ...CREATE_FIRST, dependsOn: apis });
  const armor = securityPolicy(req, region, n("armor"), apis);
  const backend = new compute.RegionBackendService(
    `${req.name}-backend`,
    {
      name: n("backend"),
      region,
      loadBalancingScheme: "EXTERNAL_MANAGED",
      protocol: "HTTP",
      backends: [{ group: neg.id, balancingMode: "UTILIZATION", capacityScaler: 1 }],
      logConfig: BACKEND_LOGGING,
      ...(armor ? { securityPolicy: armor.id } : {}),
    },
    // Its request logs stay in the region: the backend service waits for the routing.
    { ...opts, ...moves, dependsOn: platform.logs({ regionalBackends: [n("backend")] }) },
  );
  const urlMap = new compute.RegionUrlMap(`${req.name}-url-map`, { name: n("url-map"), region, defaultService: backend.id }, { ...opts, ...moves });

  // Regional certificates take a per-project DNS authorization (https://cloud.google.com/certificate-manager/docs/dns-authorizations).
  const auth = new certificatemanager.DnsAuthorization(
    `${req.name}-dns-authorization`,
    { name: n(`dns-${d}`), domain, location: region, type: "PER_PROJECT_RECORD", labels },
    { ...opts, ...CREATE_FIRST, dependsOn: certApis },
  );
  const certificate = new certificatemanager.Certificate(
    `${req.name}-certificate`,
    { name: n(`cert-${d}`), location: region, managed: { domains: [domain], dnsAuthorizations: [auth.id] }, labels },
    { ...opts, ...CREATE_FIRST },
  );

  const tlsPolicy = new compute.RegionSslPolicy(`${req.name}-tls-policy`, { name: n("tls"), region, ...TLS_POLICY }, { ...opts, ...CREATE_FIRST, dependsOn: apis });
  const httpsProxy = new compute.RegionTargetHttpsProxy(
    `${req.name}-https-proxy`,
    { name: n("https"), region, urlMap: urlMap.id, certificateManagerCertificates: [pulumi.interpolate`//certificatemanager.googleapis.com/${certificate.id}`], sslPolicy: tlsPolicy.id },
    { ...opts, ...CREATE_FIRST },
  );
  const address = new compute.Address(`${req.name}-address`, { name: n("address"), region, addressType: "EXTERNAL", networkTier: "PREMIUM", labels }, { ...opts, ...CREATE_FIRST, dependsOn: apis });
  // The forwarding rules keep the provider's delete-first: a new network (a network the stack brings, changed) replaces
  // one under the same name in the same region, and nothing refers to a forwarding rule, so deleting it first is never refused.
  // Their `network` (ForceNew) carries a dependency on the proxy-only subnet, which a region change replaces delete-first
  // (network.ts `proxySubnet`): Pulumi then deletes these rules before it, as Google requires (a proxy-only subnet in use
  // by a load balancer cannot be deleted). The value is the network's, so nothing changes for a stack that stays.
  const network = proxies ? pulumi.all([net.network, proxies.id]).apply(([name]) => name) : net.network;
  const rule = (role: "https" | "http", target: pulumi.Input<string>, port: string) =>
    new compute.ForwardingRule(
      `${req.name}-${role}-rule`,
      { name: n(role), region, target, portRange: port, ipProtocol: "TCP", ipAddress: address.id, loadBalancingScheme: "EXTERNAL_MANAGED", network, networkTier: "PREMIUM", labels },
      { ...opts, dependsOn: proxies ? [proxies] : [] },
    );
  const https = rule("https", httpsProxy.id, "443");
  const redirect = new compute.RegionUrlMap(`${req.name}-http-redirect`, { name: n("http-redirect"), region, defaultUrlRedirect: REDIRECT }, { ...opts, ...moves, dependsOn: apis });
  const httpProxy = new compute.RegionTargetHttpProxy(`${req.name}-http-proxy`, { name: n("http"), region, urlMap: redirect.id }, { ...opts, ...CREATE_FIRST });
  const http = rule("http", httpProxy.id, "80");
  return result(domain, auth, address, { neg, backend, armor, urlMap, certificate, tlsPolicy, httpsProxy, https, redirect, httpProxy, http });
}

const REDIRECT = { httpsRedirect: true, redirectResponseCode: "MOVED_PERMANENTLY_DEFAULT", stripQuery: false };

/** The pieces both front doors have, global or regional. */
interface FrontDoorParts {
  neg: pulumi.Resource;
  backend: pulumi.Resource;
  armor?: pulumi.Resource;
  urlMap: pulumi.Resource;
  certificate: pulumi.Resource;
  tlsPolicy: pulumi.Resource;
  httpsProxy: pulumi.Resource;
  https: pulumi.Resource;
  redirect: pulumi.Resource;
  httpProxy: pulumi.Resource;
  http: pulumi.Resource;
}

/** The domain's outputs and its resources by role (the certificate map, global only, after the certificate). */
function result(domain: string, auth: certificatemanager.DnsAuthorization, address: compute.GlobalAddress | compute.Address, p: FrontDoorParts, certificateMap: Record<string, pulumi.Resource> = {}): CustomDomain {
  const resources: Record<string, pulumi.Resource> = {
    networkEndpointGroup: p.neg,
    backendService: p.backend,
    ...(p.armor ? { securityPolicy: p.armor } : {}),
    urlMap: p.urlMap,
    dnsAuthorization: auth,
    certificate: p.certificate,
    ...certificateMap,
    tlsPolicy: p.tlsPolicy,
    httpsProxy: p.httpsProxy,
    address,
    httpsForwardingRule: p.https,
    httpRedirectMap: p.redirect,
    httpProxy: p.httpProxy,
    httpForwardingRule: p.http,
  };
  return { url: pulumi.output(`https://${domain}`), dnsRecords: domainRecords(domain, auth, address), resources };
}
