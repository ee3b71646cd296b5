/**
 * The web service as requests, browsers, operators and ECS meet it (issue 13
 * items 4, 5, 7 and 11; private registries, startup grace, vendor settings,
 * existing networks, generic unit-test mocks).
 */
import { deployStack, type MockRun, type PlannedResource, registerBackend, runWithMocks } from "@freehold/core";
import { parseStack, SpecError } from "@freehold/model";
import type * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { backend } from "./index";
import { CLOUDFRONT_ORIGIN_FACING, CLOUDFRONT_POLICIES, domainRecords } from "./ingress";

registerBackend(backend);

const STACK = `
name: shop
components:
  db: { kind: database }
  edge: { kind: web-service, image: ghcr.io/example/edge:1.0, public: true, healthCheck: { path: /healthz, startupGraceSeconds: 300 } }
  site: { kind: web-service, image: ghcr.io/example/site:1.0, public: true, domain: shop.example.gov.uk, links: [db] }
  api: { kind: web-service, image: ghcr.io/example/api:1.0, registry: { server: ghcr.io, username: deploy-bot, passwordSecret: ghcrToken } }
`;

let run: MockRun;
const oneIn = (r: MockRun, name: string): PlannedResource => {
  const found = r.resources.filter((x) => x.name === name);
  expect(found, name).toHaveLength(1);
  return found[0] as PlannedResource;
};
const one = (name: string) => oneIn(run, name);

beforeAll(async () => {
  run = await runWithMocks("aws", () => deployStack(parseStack(STACK)).outputs, { project: "shop", config: { "shop:ghcrToken": "t0ken" } });
});

describe("CloudFront reaches the internal load balancer (item 4)", () => {
  it("admits CloudFront's origin-facing prefix list on port 80 and nothing else, not even the VPC", () => {
    const sg = one("edge-lb-sg").inputs;
    expect(sg.ingress).toEqual([{ protocol: "tcp", fromPort: 80, toPort: 80, prefixListIds: ["pl-93a247fa"], description: "CloudFront VPC origin (origin-facing prefix list)" }]);
    expect(JSON.stringify(sg.ingress)).not.toContain("cidrBlocks");
    expect(run.invokes).toContain("aws:ec2/getManagedPrefixList:getManagedPrefixList");
    expect(CLOUDFRONT_ORIGIN_FACING).toBe("com.amazonaws.global.cloudfront.origin-facing");
  });
});

describe("applications behind CloudFront know the viewer used HTTPS (item 5)", () => {
  it("forwards CloudFront-Forwarded-Proto with every viewer header, and adds HSTS and security headers to every response", () => {
    const behaviour = one("edge-cdn").inputs.defaultCacheBehavior as Record<string, unknown>;
    expect(behaviour).toMatchObject({
      viewerProtocolPolicy: "redirect-to-https",
      originRequestPolicyId: CLOUDFRONT_POLICIES.allViewerAndCloudFrontHeaders,
      responseHeadersPolicyId: CLOUDFRONT_POLICIES.securityHeaders,
      cachePolicyId: CLOUDFRONT_POLICIES.cachingDisabled,
    });
    expect(CLOUDFRONT_POLICIES.allViewerAndCloudFrontHeaders).toBe("33f36d7e-f396-46d9-90e0-52428a34d9dc");
    expect(CLOUDFRONT_POLICIES.securityHeaders).toBe("67f7725c-6f97-4210-82d7-5512b31e9d03");
  });

  it("sends HSTS and nosniff from the load balancer of a service with a domain", () => {
    expect(one("site-https").inputs).toMatchObject({ routingHttpResponseStrictTransportSecurityHeaderValue: "max-age=31536000", routingHttpResponseXContentTypeOptionsHeaderValue: "nosniff" });
  });
});

describe("a custom domain's DNS records are outputs (item 7)", () => {
  it("lists validation records first, then the domain pointing at the load balancer, without trailing dots", () => {
    expect(domainRecords("app.example.gov.uk", [{ resourceRecordName: "_abc.app.example.gov.uk.", resourceRecordType: "CNAME", resourceRecordValue: "_def.acm-validations.aws." }], "x-1.eu-west-2.elb.amazonaws.com")).toEqual([
      { name: "_abc.app.example.gov.uk", type: "CNAME", value: "_def.acm-validations.aws", purpose: "certificate validation" },
      { name: "app.example.gov.uk", type: "CNAME", value: "x-1.eu-west-2.elb.amazonaws.com", purpose: "traffic" },
    ]);
  });

  it("gives an ALIAS to the load balancer, not a CNAME, at a zone apex: a <name>.service.gov.uk domain, or a domain that is its own domainZone", () => {
    const lbName = "x-1.eu-west-2.elb.amazonaws.com";
    expect(domainRecords("apply-for-a-permit.service.gov.uk", [], lbName)).toEqual([{ name: "apply-for-a-permit.service.gov.uk", type: "ALIAS", value: lbName, purpose: "traffic" }]);
    expect(domainRecords("www.apply-for-a-permit.service.gov.uk", [], lbName)[0]?.type).toBe("CNAME");
    expect(domainRecords("app.example.gov.uk", [], lbName, "app.example.gov.uk")[0]?.type).toBe("ALIAS");
  });

  it("outputs the certificate's validation CNAME and the traffic CNAME to the load balancer, resolved in a plan", async () => {
    const records = await new Promise((resolve) => {
      runWithMocks("aws", () => {
        const { components } = deployStack(parseStack("name: d\ncomponents:\n  site: { kind: web-service, image: x, public: true, domain: app.example.gov.uk }"));
        (components.site as unknown as { dnsRecords: pulumi.Output<unknown> }).dnsRecords.apply(resolve);
      });
    });
    expect(records).toEqual([
      { name: expect.stringMatching(/^_[0-9a-f]{8}\.app\.example\.gov\.uk$/), type: "CNAME", value: expect.stringMatching(/\.acm-validations\.aws$/), purpose: "certificate validation" },
      { name: "app.example.gov.uk", type: "CNAME", value: expect.stringMatching(/^d-dev-site-ext-\d+\.eu-west-2\.elb\.amazonaws\.com$/), purpose: "traffic" },
    ]);
  });
});

describe("role trust policies are scoped to the account and region (item 11)", () => {
  it("lets only this account's ECS tasks in this region assume the execution and task roles", () => {
    for (const role of ["edge-execution-role", "edge-task-role"]) {
      const trust = JSON.parse(one(role).inputs.assumeRolePolicy as string);
      expect(trust.Statement).toEqual([
        {
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { Service: "ecs-tasks.amazonaws.com" },
          Condition: { ArnLike: { "aws:SourceArn": "arn:aws:ecs:eu-west-2:123456789012:*" }, StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
      ]);
    }
  });
});

describe("the service's tasks", () => {
  it("give a new task the spec's startup grace before health checks count", () => {
    expect(one("edge-service").inputs.healthCheckGracePeriodSeconds).toBe(300);
    expect(one("api-service").inputs.healthCheckGracePeriodSeconds).toBe(120);
  });

  it("pull a private registry's image with credentials kept in Secrets Manager, readable only by the execution role", () => {
    const container = JSON.parse(one("api-task").inputs.containerDefinitions as string)[0];
    expect(container.repositoryCredentials).toEqual({ credentialsParameter: expect.stringMatching(/^arn:aws:secretsmanager:eu-west-2:123456789012:secret:freehold\/shop-dev\/api\/registry-[0-9a-f]{6}$/) });
    expect(one("api-registry-secret").inputs).toMatchObject({ name: "freehold/shop-dev/api/registry", recoveryWindowInDays: 0 });
    expect(one("api-registry-secret-value").inputs.secretString).toBe("[secret]");
    const grant = JSON.parse(one("api-registry-access").inputs.policy as string);
    expect(one("api-registry-access").inputs.role).toBe("shop-dev-api-exec");
    expect(grant.Statement).toEqual([{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: container.repositoryCredentials.credentialsParameter }]);
  });

  it("start only after IAM has had time to apply their roles' policies, and wait again when a grant changes", () => {
    const sleep = one("site-iam-propagation");
    expect(sleep.type).toBe("time:index/sleep:Sleep");
    expect(sleep.inputs.createDuration).toBe("15s");
    expect(String((sleep.inputs.triggers as Record<string, string>).policies)).toContain("secretsmanager:GetSecretValue");
    expect(one("site-service").options.dependsOn).toEqual(expect.arrayContaining([expect.stringContaining("site-iam-propagation")]));
  });
});

describe("destroying in an order AWS accepts", () => {
  it("keeps the internet gateway until the internet-facing load balancer is gone", () => {
    expect(one("site-lb").options.dependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/InternetGateway::shop-igw$/)]));
    expect(one("edge-lb").options.dependsOn.filter((u: string) => /InternetGateway/.test(u))).toEqual([]);
  });
});

describe("typed children", () => {
  it("puts under each role the resource WebServiceResources, DatabaseResources and ObjectStoreResources name", async () => {
    const r = await runWithMocks("aws", () => {
      const { components } = deployStack(parseStack(STACK.replace("  api:", "  files: { kind: object-store, cors: [{ allowedOrigins: [\"https://x.example\"] }] }\n  api:")), {});
      const roles = (name: string) => Object.keys((components[name] as unknown as { resources: Record<string, unknown> }).resources).sort();
      return { db: roles("db"), files: roles("files"), site: roles("site"), edge: roles("edge") };
    }, { project: "shop", config: { "shop:ghcrToken": "t" } });
    expect(r.outputs.db).toEqual(["appPassword", "appSecret", "appSecretValue", "finalSnapshotId", "instance", "logGroup", "parameterGroup", "readerPassword", "readerSecret", "readerSecretValue", "securityGroup", "subnetGroup", "upgradeLogGroup"]);
    expect(r.outputs.files).toEqual(["bucket", "cors", "encryption", "lifecycle", "ownershipControls", "policy", "publicAccessBlock", "versioning"]);
    expect(r.outputs.site).toEqual(
      ["certificate", "certificateValidation", "dbIngress", "dbSecret", "executionPolicy", "executionRole", "httpListener", "httpsListener", "iamPropagation", "loadBalancer", "loadBalancerEgress", "loadBalancerSecurityGroup", "logGroup", "scalingPolicy", "scalingTarget", "securityGroup", "service", "targetGroup", "taskDefinition", "taskIngress", "taskRole"].sort(),
    );
    expect(r.outputs.edge).toEqual(
      ["distribution", "executionPolicy", "executionRole", "httpListener", "iamPropagation", "loadBalancer", "loadBalancerEgress", "loadBalancerSecurityGroup", "logGroup", "scalingPolicy", "scalingTarget", "securityGroup", "service", "targetGroup", "taskDefinition", "taskIngress", "taskRole", "vpcOrigin"].sort(),
    );
  });
});

describe("vendor settings", () => {
  it("merge into nested arguments instead of replacing them", async () => {
    const r = await runWithMocks("aws", () =>
      deployStack(parseStack('name: v\ncomponents:\n  web: { kind: web-service, image: x, vendor: { aws: { targetGroup: { healthCheck: { matcher: "200" } }, service: { enableExecuteCommand: true } } } }')),
    );
    expect(oneIn(r, "web-tg").inputs.healthCheck).toMatchObject({ matcher: "200", path: "/", interval: 30, enabled: true });
    expect(oneIn(r, "web-service").inputs.enableExecuteCommand).toBe(true);
  });
});

describe("an existing network (network.aws)", () => {
  const BYO = `
name: byo
network: { aws: { vpcId: vpc-0a1b2c3d4e5f60718, privateSubnetIds: [subnet-0a1b2c3d4e5f60701, subnet-0a1b2c3d4e5f60702] } }
components:
  db: { kind: database }
  api: { kind: web-service, image: x, links: [db] }
`;

  it("creates no VPC, subnets, gateways or endpoint and puts everything in the given VPC and subnets", async () => {
    const r = await runWithMocks("aws", () => deployStack(parseStack(BYO)));
    const types = new Set(r.resources.map((x) => x.type));
    for (const t of ["aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway", "aws:ec2/vpcEndpoint:VpcEndpoint"]) expect(types.has(t), t).toBe(false);
    expect(oneIn(r, "byo-db-subnets").inputs.subnetIds).toEqual(["subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d4e5f60702"]);
    expect(oneIn(r, "db-sg").inputs.vpcId).toBe("vpc-0a1b2c3d4e5f60718");
    expect((oneIn(r, "api-service").inputs.networkConfiguration as Record<string, unknown>).subnets).toEqual(["subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d4e5f60702"]);
    // "Inside the VPC" is the VPC's own CIDR block, read from EC2.
    expect(oneIn(r, "api-lb-sg").inputs.ingress).toEqual([expect.objectContaining({ cidrBlocks: ["10.20.0.0/16"] })]);
    expect(r.invokes).toContain("aws:ec2/getVpc:getVpc");
  });

  it("refuses a public service with a domain when the network has no public subnets, naming the missing field", async () => {
    const error = await runWithMocks("aws", () => deployStack(parseStack(`${BYO}  site: { kind: web-service, image: x, public: true, domain: app.example.gov.uk }\n`))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as Error).message).toContain("network.aws.publicSubnetIds: is not set, but site is public with a domain: its load balancer needs public subnets in the existing VPC");
  });
});

describe("generic unit-test mocks (outputs = inputs)", () => {
  afterEach(() => registerBackend(backend));

  it("plans the example without failing when every output is its input and every invoke answers with its arguments", async () => {
    registerBackend({ ...backend, mocks: { outputs: () => ({}), call: (_token, inputs) => inputs } });
    const example = parseStack(STACK.replace("registry: { server: ghcr.io, username: deploy-bot, passwordSecret: ghcrToken }", "scaling: { min: 1, max: 4 }"));
    const r = await runWithMocks("aws", () => deployStack(example).outputs);
    expect(r.resources.filter((x) => x.custom).length).toBeGreaterThan(40);
  });
});
