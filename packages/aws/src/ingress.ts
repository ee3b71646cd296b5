/**
 * How requests reach a web service's tasks, by spec:
 *
 * - public with `domain`: internet-facing ALB in the public subnets, ACM
 *   certificate (DNS validation), HTTPS listener with
 *   ELBSecurityPolicy-TLS13-1-2-2021-06 and HSTS, HTTP listener that only
 *   redirects (301). The DNS records to create are outputs (`dnsRecords`) and
 *   are printed as soon as ACM has issued the validation record, while `up`
 *   waits for validation.
 * - public without `domain`: internal ALB in the private subnets behind a
 *   CloudFront distribution with a VPC origin; viewers get
 *   https://<id>.cloudfront.net, HTTP is redirected to HTTPS, and CloudFront adds
 *   HSTS and the usual security headers. The load balancer admits only
 *   CloudFront's origin-facing addresses (the AWS-managed prefix list), on port 80.
 * - private: internal ALB reachable only from inside the VPC, plain HTTP (an
 *   internal ALB cannot get a certificate without a domain: see capabilities).
 */
import { CREATE_FIRST, type DnsRecord, type WebServiceRequest } from "@freehold/core";
import { isZoneApex } from "@freehold/model";
import * as acm from "@pulumi/aws/acm";
import * as cloudfront from "@pulumi/aws/cloudfront";
import * as ec2 from "@pulumi/aws/ec2";
import * as lb from "@pulumi/aws/lb";
import * as pulumi from "@pulumi/pulumi";
import { names } from "./naming";
import type { AwsPlatform, WebPlatform } from "./network";
import { ALB_LOG_PREFIX } from "./platform-logs";
import type { WebServiceResources } from "./resources";
import type { VendorArgs } from "./vendor";
import { associate, createFirewall, distributionWebAcl, type Firewall } from "./waf";

export type Ingress = "alb-https" | "cloudfront" | "private";

export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/**
 * The target group's own port. ECS registers each task with the service's
 * container port, which overrides the group's port ("This port is used unless
 * you specify a port override when registering the target"), and health checks
 * go to the port each target was registered with (traffic-port), so the group's
 * port is never used and stays fixed: a container port change is then an
 * update of the ECS service, not a new target group.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb.html
 */
export const TARGET_GROUP_PORT = 80;
export const HSTS = "max-age=31536000";
/**
 * AWS-managed CloudFront policies (by id, as the API takes them):
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-response-headers-policies.html
 */
export const CLOUDFRONT_POLICIES = {
  /** CachingDisabled: a dynamic application, nothing cached. */
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  /**
   * AllViewerAndCloudFrontHeaders-2022-06: every viewer header, cookie and query
   * string, plus CloudFront's own headers, among them `CloudFront-Forwarded-Proto: https`
   * (the internal ALB sets `X-Forwarded-Proto: http`, the protocol of its own listener).
   */
  allViewerAndCloudFrontHeaders: "33f36d7e-f396-46d9-90e0-52428a34d9dc",
  /** SecurityHeadersPolicy: Strict-Transport-Security max-age=31536000, X-Content-Type-Options, X-Frame-Options SAMEORIGIN, Referrer-Policy, X-XSS-Protection. */
  securityHeaders: "67f7725c-6f97-4210-82d7-5512b31e9d03",
} as const;
/** CloudFront's origin-facing addresses, an AWS-managed prefix list in every region. https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/LocationsOfEdgeServers.html */
export const CLOUDFRONT_ORIGIN_FACING = "com.amazonaws.global.cloudfront.origin-facing";

export function ingressOf(spec: WebServiceRequest["spec"]): Ingress {
  if (!spec.public) return "private";
  return spec.domain ? "alb-https" : "cloudfront";
}

export interface IngressResult {
  loadBalancerSecurityGroup: ec2.SecurityGroup;
  targetGroup: lb.TargetGroup;
  listeners: lb.Listener[];
  url: pulumi.Output<string>;
  dnsRecords?: pulumi.Output<DnsRecord[]>;
  resources: IngressResources;
  details: Record<string, string>;
}

/** How requests reach the tasks, by role. */
export type IngressResources = Pick<
  WebServiceResources,
  "loadBalancerSecurityGroup" | "loadBalancer" | "targetGroup" | "httpListener" | "httpsListener" | "certificate" | "certificateValidation" | "vpcOrigin" | "distribution" | "webAcl" | "allowListV4" | "allowListV6" | "webAclAssociation"
>;

/** Security group rules of the load balancer, by ingress. */
function loadBalancerIngress(ingress: Ingress, net: WebPlatform, platform: AwsPlatform): ec2.SecurityGroupArgs["ingress"] {
  switch (ingress) {
    case "alb-https":
      return [
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS" },
        { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"], description: "HTTP, redirected to HTTPS" },
      ];
    case "cloudfront":
      // VPC origin traffic comes from CloudFront's origin-facing addresses, not from the VPC: admit those alone.
      return [{ protocol: "tcp", fromPort: 80, toPort: 80, prefixListIds: [platform.prefixList(CLOUDFRONT_ORIGIN_FACING)], description: "CloudFront VPC origin (origin-facing prefix list)" }];
    case "private":
      // Every IPv4 block of the VPC, secondary ones included: clients may have addresses in any of them.
      return [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: net.cidrs, description: "the VPC" }];
  }
}

/** The load balancer, its security group, target group and listeners, and CloudFront or the certificate in front. */
export function createIngress(req: WebServiceRequest, platform: AwsPlatform, net: WebPlatform, vendor: VendorArgs, tags: Record<string, string>): IngressResult {
  const { name, spec, stack } = req;
  const physical = req.qualifiedName;
  const region = platform.region;
  const opts = { parent: req.parent };
  const ingress = ingressOf(spec);
  const lbScheme = ingress === "alb-https" ? "ext" : "int";
  // Named by ingress: a group's description and rules differ by ingress, and a new name lets the new group exist before the old one goes.
  const sgRole = { "alb-https": "lb-ext", cloudfront: "lb-cdn", private: "lb-int" }[ingress];
  const lbSg = new ec2.SecurityGroup(
    `${name}-lb-sg`,
    vendor.apply("loadBalancerSecurityGroup", {
      name: names.securityGroup(stack.prefix, physical, sgRole),
      description:
        ingress === "alb-https"
          ? "Freehold load balancer: HTTPS and HTTP (redirect) from the internet"
          : ingress === "cloudfront"
            ? "Freehold load balancer: HTTP from CloudFront VPC origins only"
            : "Freehold load balancer: HTTP from inside the VPC only",
      vpcId: net.vpcId,
      ingress: loadBalancerIngress(ingress, net, platform),
      // No egress here: one rule per container port, to the tasks' security group alone (web-service.ts), so that
      // tasks in any of the VPC's blocks are reached and a port change keeps the old port open until the new tasks serve.
      region,
      tags,
    }),
    // Its name, like its description, follows the ingress, and names are unique per VPC: every replacement (a new ingress, a new VPC)
    // gets another identity, so the new group is created first and the old one goes once the load balancer has left it.
    { ...opts, ...CREATE_FIRST },
  );
  const alb = new lb.LoadBalancer(
    `${name}-lb`,
    vendor.apply("loadBalancer", {
      name: names.loadBalancer(stack.prefix, physical, lbScheme),
      loadBalancerType: "application",
      internal: ingress !== "alb-https",
      subnets: ingress === "alb-https" ? (net.publicSubnetIds as pulumi.Output<string>[]) : net.privateSubnetIds,
      securityGroups: [lbSg.id],
      dropInvalidHeaderFields: true,
      // Access logs (FSBP ELB.5), in the stack's log bucket under alb/<component>/.
      accessLogs: { bucket: platform.albLogs().bucket, prefix: `${ALB_LOG_PREFIX}/${physical}`, enabled: true },
      region,
      tags,
    }),
    // An internet-facing load balancer holds public addresses: the internet gateway must outlive it (DetachInternetGateway fails while they are mapped).
    // Logging is checked when it is turned on: the bucket policy comes first.
    { ...opts, dependsOn: [...platform.albLogsReady(), ...(ingress === "alb-https" && net.internetGateway ? [net.internetGateway] : [])] },
  );
  const hc = spec.healthCheck;
  const targetGroup = new lb.TargetGroup(
    `${name}-tg`,
    vendor.apply("targetGroup", {
      // Named by its load balancer's scheme: a target group belongs to one load balancer, so a new load balancer gets a new group.
      name: names.targetGroup(stack.prefix, physical, lbScheme),
      // Not the container port: ECS registers every task with its container port, which overrides this one, so a port
      // change keeps the group (and its registered tasks) instead of moving the listener to an empty new group.
      port: TARGET_GROUP_PORT,
      protocol: "HTTP",
      targetType: "ip",
      vpcId: net.vpcId,
      deregistrationDelay: 30,
      healthCheck: { enabled: true, path: hc.path, protocol: "HTTP", matcher: "200-399", interval: hc.intervalSeconds, timeout: Math.min(5, hc.intervalSeconds - 1), healthyThreshold: 2, unhealthyThreshold: 3 },
      region,
      tags,
    }),
    opts,
  );
  // ipAllowList and webApplicationFirewall (public services only: the model refuses them on a private one).
  const firewall = ingress === "private" ? undefined : createFirewall(req, ingress === "cloudfront" ? "CLOUDFRONT" : "REGIONAL", region, tags);
  if (firewall && ingress === "alb-https") associate(req, firewall, alb, region);
  const front = ingress === "alb-https" ? httpsFront(req, platform, alb, targetGroup, vendor, tags) : internalFront(req, platform, alb, targetGroup, vendor, tags, ingress, firewall);
  return {
    loadBalancerSecurityGroup: lbSg,
    targetGroup,
    ...front,
    details: { ...front.details, ...firewall?.details },
    resources: { loadBalancerSecurityGroup: lbSg, loadBalancer: alb, targetGroup, ...front.resources, ...firewall?.resources },
  };
}

type Front = Omit<IngressResult, "loadBalancerSecurityGroup" | "targetGroup" | "resources"> & {
  resources: Omit<IngressResources, "loadBalancerSecurityGroup" | "loadBalancer" | "targetGroup" | "webAcl" | "allowListV4" | "allowListV6" | "webAclAssociation">;
};

/** A public service with a domain: ACM certificate, HTTPS listener, HTTP redirect, and the DNS records to create. */
function httpsFront(req: WebServiceRequest, platform: AwsPlatform, alb: lb.LoadBalancer, targetGroup: lb.TargetGroup, vendor: VendorArgs, tags: Record<string, string>): Front {
  const { name, spec } = req;
  const region = platform.region;
  const opts = { parent: req.parent };
  const domain = spec.domain as string;
  const certificate = new acm.Certificate(`${name}-certificate`, vendor.apply("certificate", { domainName: domain, validationMethod: "DNS", keyAlgorithm: "RSA_2048", region, tags }), opts);
  const dnsRecords = pulumi
    .all([certificate.domainValidationOptions, alb.dnsName])
    .apply(([options, lbName]) => domainRecords(domain, options ?? [], lbName, spec.domainZone));
  // `up` waits for validation below: while the certificate is pending, say which records to create (the outputs come only at the end).
  pulumi.all([certificate.status, dnsRecords]).apply(([status, records]) => {
    if (status === "PENDING_VALIDATION") {
      pulumi.log.info(`create these DNS records for ${domain}; the certificate is issued, and this update continues, once the validation record exists: ${records.map((r) => `${r.name} ${r.type} ${r.value}`).join("; ")}`, req.parent);
    }
  });
  const validation = new acm.CertificateValidation(`${name}-certificate-validation`, { certificateArn: certificate.arn, region }, opts);
  const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
  const https = new lb.Listener(
    `${name}-https`,
    vendor.apply("httpsListener", {
      loadBalancerArn: alb.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: TLS_POLICY,
      certificateArn: validation.certificateArn,
      routingHttpResponseStrictTransportSecurityHeaderValue: HSTS,
      routingHttpResponseXContentTypeOptionsHeaderValue: "nosniff",
      defaultActions: forward,
      region,
      tags,
    }),
    opts,
  );
  const http = new lb.Listener(
    `${name}-http`,
    vendor.apply("httpListener", {
      loadBalancerArn: alb.arn,
      port: 80,
      protocol: "HTTP",
      defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      region,
      tags,
    }),
    opts,
  );
  return {
    listeners: [https, http],
    url: pulumi.output(`https://${domain}`),
    dnsRecords,
    resources: { certificate, certificateValidation: validation, httpsListener: https, httpListener: http },
    details: {
      ingress: "internet-facing Application Load Balancer",
      tls: TLS_POLICY,
      dns: isZoneApex(domain, spec.domainZone)
        ? "create the certificate's validation CNAME and, at the zone apex, an alias (Route 53 alias, ALIAS/ANAME) from the domain to the load balancer (dnsRecords)"
        : "create the certificate's validation CNAME and a CNAME from the domain to the load balancer (dnsRecords)",
    },
  };
}

/**
 * The records a domain needs: ACM's validation CNAME(s), then the domain itself
 * to the load balancer: a CNAME, or at the apex of its zone (where DNS allows no
 * CNAME, RFC 1034 §3.6.2) an ALIAS, as a load balancer has no fixed address
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#dns-name).
 */
export function domainRecords(
  domain: string,
  options: ReadonlyArray<{ resourceRecordName?: string; resourceRecordType?: string; resourceRecordValue?: string }>,
  lbName: string,
  zone?: string,
): DnsRecord[] {
  const strip = (s: string) => s.replace(/\.$/, "");
  const validation = options.map(
    (o): DnsRecord => ({ name: strip(o.resourceRecordName ?? ""), type: "CNAME", value: strip(o.resourceRecordValue ?? ""), purpose: "certificate validation" }),
  );
  return [...validation, { name: domain, type: isZoneApex(domain, zone) ? "ALIAS" : "CNAME", value: lbName ?? "", purpose: "traffic" }];
}

/** An internal load balancer: plain HTTP inside the VPC, with CloudFront in front for a public service. */
function internalFront(req: WebServiceRequest, platform: AwsPlatform, alb: lb.LoadBalancer, targetGroup: lb.TargetGroup, vendor: VendorArgs, tags: Record<string, string>, ingress: Ingress, firewall?: Firewall): Front {
  const { name, stack } = req;
  const opts = { parent: req.parent };
  const http = new lb.Listener(
    `${name}-http`,
    vendor.apply("httpListener", { loadBalancerArn: alb.arn, port: 80, protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }], region: platform.region, tags }),
    opts,
  );
  if (ingress === "private") {
    return {
      listeners: [http],
      url: pulumi.interpolate`http://${alb.dnsName}`,
      resources: { httpListener: http },
      details: { ingress: "internal Application Load Balancer (VPC only)", tls: "none: plain HTTP inside the VPC" },
    };
  }
  const logs = platform.cdnLogs();
  const origin = new cloudfront.VpcOrigin(
    `${name}-vpc-origin`,
    vendor.apply("vpcOrigin", {
      vpcOriginEndpointConfig: {
        name: names.vpcOrigin(stack.prefix, req.qualifiedName),
        arn: alb.arn,
        httpPort: 80,
        httpsPort: 443,
        originProtocolPolicy: "http-only",
        originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
      },
      tags,
    }),
    { ...opts, dependsOn: [http] },
  );
  const distribution = new cloudfront.Distribution(
    `${name}-cdn`,
    vendor.apply("distribution", {
      enabled: true,
      comment: `Freehold ${stack.prefix}/${req.qualifiedName}`,
      httpVersion: "http2and3",
      isIpv6Enabled: true,
      priceClass: "PriceClass_100",
      origins: [{ originId: "alb", domainName: alb.dnsName, vpcOriginConfig: { vpcOriginId: origin.id } }],
      defaultCacheBehavior: {
        targetOriginId: "alb",
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: CLOUDFRONT_POLICIES.cachingDisabled,
        originRequestPolicyId: CLOUDFRONT_POLICIES.allViewerAndCloudFrontHeaders,
        responseHeadersPolicyId: CLOUDFRONT_POLICIES.securityHeaders,
        compress: true,
      },
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: { cloudfrontDefaultCertificate: true },
      ...distributionWebAcl(firewall),
      // Standard logs (FSBP CloudFront.5), in the stack's CloudFront log bucket under cdn/<component>/.
      loggingConfig: { bucket: logs.bucket.bucketDomainName, prefix: `cdn/${req.qualifiedName}/`, includeCookies: false },
      tags,
    }),
    { ...opts, dependsOn: logs.ready },
  );
  return {
    listeners: [http],
    url: pulumi.interpolate`https://${distribution.domainName}`,
    resources: { httpListener: http, vpcOrigin: origin, distribution },
    details: {
      ingress: "CloudFront (VPC origin) -> internal Application Load Balancer",
      tls: "CloudFront default certificate (*.cloudfront.net); viewer minimum fixed by AWS at TLSv1",
      forwardedProto: "the application sees X-Forwarded-Proto: http (set by the internal ALB) and CloudFront-Forwarded-Proto: https; trust the latter",
      responseHeaders: "HSTS, X-Content-Type-Options, X-Frame-Options, Referrer-Policy (CloudFront managed SecurityHeadersPolicy)",
      residency: "CloudFront is global: TLS ends at the nearest edge (PriceClass_100: Europe and North America); nothing is cached",
    },
  };
}
