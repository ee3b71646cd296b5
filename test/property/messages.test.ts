/**
 * Errors a person can act on: the exact messages for the most likely mistakes
 * in a stack file, and the refusals a cloud gives, each naming the component,
 * the field, the value and the fix.
 */
import { describe, expect, it } from "vitest";
import { type Cloud, parseStack, SpecError, type SpecProblem, type UnsupportedFeatureError } from "@freehold/model";
import { planStack } from "./harness";

function problems(yaml: string): SpecProblem[] {
  try {
    parseStack(yaml);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).problems;
  }
  throw new Error("parseStack accepted the stack");
}

const stack = (components: string, head = "") => `name: shop\n${head}components:\n${components}`;
const DB = "  db: { kind: database }\n";
const WEB = (extra = "") => `  web: { kind: web-service, image: ghcr.io/example/shop:1, ${extra} }\n`;

describe("the ten most likely mistakes, with the message a person sees", () => {
  it("1. misspelt kind", () => {
    expect(problems(stack("  web: { kind: webservice, image: x }\n"))).toEqual([
      { path: "components.web.kind", message: '"webservice" is not a component kind; allowed: web-service, worker, scheduled-job, database, object-store. Did you mean "web-service"?' },
    ]);
  });

  it("2. misspelt key", () => {
    expect(problems(stack("  db: { kind: database, storageGb: 50 }\n"))).toEqual([
      {
        path: "components.db.storageGb",
        message: 'unknown key; did you mean "storageGiB"? Allowed keys: kind, engine, version, size, storageGiB, highAvailability, backups, deletionProtection, databaseName, replication, acceptDegraded, vendor',
      },
    ]);
  });

  it("3. storage below the minimum", () => {
    expect(problems(stack("  db: { kind: database, storageGiB: 5 }\n"))).toEqual([{ path: "components.db.storageGiB", message: "5 is below the minimum of 20 GiB" }]);
  });

  it("4. a size preset that does not exist", () => {
    const [p, ...rest] = problems(stack(WEB("size: xlarge")));
    expect(rest).toEqual([]);
    expect(p?.path).toBe("components.web.size");
    // Names the value, the allowed presets, the nearest one and the explicit form.
    for (const part of ['"xlarge" is not allowed', "allowed: small, medium, large", 'Did you mean "large"?', "an explicit { cpu, memoryGiB }"]) expect(p?.message).toContain(part);
  });

  it("5. a link to a component that does not exist", () => {
    expect(problems(stack(DB + WEB("links: [dbb]")))).toEqual([
      { path: "components.web.links[0]", message: '"dbb" is not a component of this stack (components: db, web); did you mean "db"?' },
    ]);
  });

  it("6. a region typo", () => {
    expect(problems(stack(DB, "region: londn\n"))).toEqual([
      { path: "region", message: '"londn" is not allowed; allowed: london, dublin, frankfurt, paris, virginia. Did you mean "london"?' },
    ]);
  });

  it("7. a region outside the residency", () => {
    expect(problems(stack(DB, "region: virginia\nresidency: uk\n"))).toEqual([
      { path: "region", message: "aws region us-east-1 (N. Virginia, US) is outside the uk residency; allowed countries: GB" },
      { path: "region", message: "azure region eastus (Virginia, US) is outside the uk residency; allowed countries: GB" },
      { path: "region", message: "gcp region us-east4 (N. Virginia, US) is outside the uk residency; allowed countries: GB" },
    ]);
    expect(problems(stack(DB, "residency: uk\nregions: { aws: eu-west-1 }\n"))).toEqual([
      { path: "regions.aws", message: "aws region eu-west-1 (Dublin, IE) is outside the uk residency; allowed countries: GB" },
    ]);
  });

  it("8. scaling min above max", () => {
    expect(problems(stack(WEB("scaling: { min: 5, max: 2 }")))).toEqual([{ path: "components.web.scaling", message: "min 5 is greater than max 2; set min <= max" }]);
  });

  it("9. capital letters in a name", () => {
    expect(problems(stack("  Web: { kind: object-store }\n"))).toEqual([
      { path: "components.Web", message: '"Web" is not a valid name: must be lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen' },
    ]);
    expect(problems(`name: My-Shop\ncomponents:\n${DB}`)).toEqual([
      { path: "name", message: '"My-Shop" must be lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen' },
    ]);
  });

  it("10. a domain on a private service", () => {
    expect(problems(stack(WEB("domain: shop.example.gov.uk")))).toEqual([{ path: "components.web.domain", message: "a domain needs a public service; set public: true or remove domain" }]);
  });

  it("also: a missing image, a wrong type, an impossible size, a duplicate component", () => {
    expect(problems(stack("  web: { kind: web-service }\n"))).toEqual([{ path: "components.web.image", message: "is required (string)" }]);
    expect(problems(stack(WEB("public: yes")))).toEqual([{ path: "components.web.public", message: '"yes" is a string; expected a boolean' }]);
    expect(problems(stack(WEB("size: { cpu: 1, memoryGiB: 64 }")))).toEqual([
      { path: "components.web.size", message: "1 vCPU with 64 GiB is not a size any cloud offers: memory must be 0.5–8 GiB per vCPU (0.5–8 GiB for 1 vCPU)" },
    ]);
    expect(problems(stack(`${DB}  db: { kind: object-store }\n`))).toEqual([{ path: "line 4, column 3", message: "Map keys must be unique at line 4, column 3:" }]);
  });

  it("also: an unquoted PostgreSQL version is reported at its path", () => {
    // YAML reads `version: 16` as a number; the message names the value and the allowed versions.
    const [p] = problems(stack("  db: { kind: database, version: 16 }\n"));
    expect(p?.path).toBe("components.db.version");
    expect(p?.message).toBe('16 is a number; write it as a string: "16"');
  });
});

async function refusal(cloud: Cloud, yaml: string): Promise<UnsupportedFeatureError> {
  const outcome = await planStack(cloud, parseStack(yaml));
  if (outcome.kind !== "refused") throw new Error(`${cloud} did not refuse: ${outcome.kind}`);
  return outcome.error;
}

describe("refusals name the component, the feature, the value and the fix", () => {
  it("scale to zero on AWS", async () => {
    const e = await refusal("aws", stack(WEB("scaling: { min: 0, max: 2 }")));
    expect([e.component, e.feature, e.cloud]).toEqual(["web", "web-service.scale-to-zero", "aws"]);
    expect(e.message).toBe(
      "web: aws cannot provide web-service.scale-to-zero: scaling.min is 0, but ECS services do not start a task when a request arrives, so with no task running the load balancer answers 503. Set scaling.min to 1 or more",
    );
  });

  it("high availability in Azure ukwest (no zones)", async () => {
    const e = await refusal("azure", stack("  db: { kind: database, highAvailability: true }\n", "regions: { azure: ukwest }\n"));
    expect([e.component, e.feature, e.cloud]).toEqual(["db", "database.high-availability", "azure"]);
    expect(e.message).toBe("db: azure cannot provide database.high-availability: ukwest has no availability zones, so there is no other zone for a standby. Use a region with zones (regions.azure: uksouth) or set highAvailability: false");
  });

  it("a fixed uid on GCP", async () => {
    const e = await refusal("gcp", stack(WEB('user: "10001", writableRootFilesystem: true')));
    expect([e.component, e.feature, e.cloud]).toEqual(["web", "web-service.run-as-user", "gcp"]);
    expect(e.fix).toBe("Remove user and set USER in the image instead, or accept it with acceptDegraded: [web-service.run-as-user]");
    expect(e.message).toContain("web: gcp cannot provide web-service.run-as-user: Cloud Run runs the container as the image's user and has no setting to change it");
  });

  it("more CORS rules than Azure Blob Storage takes", async () => {
    const rule = (i: number) => `{ allowedOrigins: ["https://app${i}.example.gov.uk"], allowedMethods: [GET] }`;
    const e = await refusal("azure", `name: shop\ncomponents:\n  files: { kind: object-store, cors: [${[1, 2, 3, 4, 5, 6].map(rule).join(", ")}] }\n`);
    expect([e.component, e.feature, e.cloud]).toEqual(["files", "object-store.cors", "azure"]);
    expect(e.reason).toBe("Blob Storage takes at most 5 CORS rules per account's blob service; the spec has 6");
    expect(e.fix).toContain("at most 5 remain");
  });

  it("a read-only root filesystem asked for on GCP, not accepted as a degradation", async () => {
    const e = await refusal("gcp", stack(WEB("writableRootFilesystem: false")));
    expect([e.component, e.feature, e.cloud]).toEqual(["web", "web-service.read-only-root-filesystem", "gcp"]);
    expect(e.message).toBe(
      "web: gcp cannot provide web-service.read-only-root-filesystem: Cloud Run always gives containers a writable in-memory filesystem and has no setting to make it read-only. Set writableRootFilesystem: true on this component to accept Cloud Run's writable filesystem, or accept it with acceptDegraded: [web-service.read-only-root-filesystem]",
    );
  });

  it("a size larger than Cloud Run offers, naming the value", async () => {
    const e = await refusal("gcp", stack(WEB("size: { cpu: 16, memoryGiB: 64 }, writableRootFilesystem: true")));
    expect([e.component, e.feature, e.cloud]).toEqual(["web", "size 16 vCPU / 64 GiB", "gcp"]);
    expect(e.fix).toBe("Ask for at most 8 vCPU and 32 GiB, or deploy this service to another cloud");
  });

  it("a neutral region a cloud does not have", async () => {
    const e = await refusal("gcp", stack("  files: { kind: object-store }\n", "region: dublin\n"));
    expect([e.component, e.feature, e.cloud]).toEqual(["stack", 'region "dublin"', "gcp"]);
    expect(e.fix).toBe("Set regions.gcp to a gcp region");
  });
});
