import { COMPONENT_NAME_MAX, NAME_PATTERN, STACK_NAME_MAX } from "@freehold/model";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isValidBucketName, labels, NAME_PATTERNS, names } from "./naming";

/** Every name the model accepts: segments of [a-z0-9] joined by single hyphens, starting with a letter, up to max. */
const nameOf = (max: number) =>
  fc
    .tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,12}$/), fc.array(fc.stringMatching(/^[a-z0-9]{1,12}$/), { maxLength: 5 }))
    .map(([first, rest]) => [first, ...rest].join("-").slice(0, max).replace(/-+$/, ""))
    .filter((n) => NAME_PATTERN.test(n) && n.length <= max);
const component = nameOf(COMPONENT_NAME_MAX);
const stack = nameOf(STACK_NAME_MAX);
const project = fc.option(fc.stringMatching(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/), { nil: undefined });
const runs = { numRuns: 200, seed: 5 };

describe("physical names on gcp", () => {
  it("gives every component in every stack a valid Cloud Run service, service account, Cloud SQL instance and secret name", () => {
    fc.assert(
      fc.property(stack, component, (s, c) => {
        expect(names.cloudRunService(s, c)).toMatch(NAME_PATTERNS.cloudRunService);
        expect(names.serviceAccount(s, c)).toMatch(NAME_PATTERNS.serviceAccount);
        // The instance id is the fixed part, "-" and a generated 4-character suffix.
        expect(`${names.sqlInstance(s, c)}-abcd`).toMatch(NAME_PATTERNS.sqlInstance);
        expect(names.secret(s, c, "db-admin-password")).toMatch(NAME_PATTERNS.secret);
        expect(names.cloudRunJob(s, c, "dbrole")).toMatch(NAME_PATTERNS.cloudRunJob);
        expect(names.repository(s, c)).toMatch(NAME_PATTERNS.repository);
        expect(names.remoteRepository(s, c, "registry.gitlab.example.com:5050")).toMatch(NAME_PATTERNS.repository);
        expect(names.remoteRepository(s, c, "quay.io")).not.toBe(names.remoteRepository(s, c, "registry.gitlab.com"));
        for (const role of ["neg", "backend", "url-map", "https", "http-redirect", "dns-abcd", "entry-abcd", "address"]) expect(names.loadBalancer(s, c, role)).toMatch(NAME_PATTERNS.network);
        expect(names.serviceAccount(s, `${c}-dbrole`)).toMatch(NAME_PATTERNS.serviceAccount);
      }),
      runs,
    );
  });

  it("gives every stack valid network, subnet and address names", () => {
    fc.assert(
      fc.property(stack, (s) => {
        for (const role of ["network", "europe-west2", "logs", "logs-outside-region"]) expect(names.network(s, role)).toMatch(NAME_PATTERNS.network);
      }),
      runs,
    );
  });

  it("gives every bucket a valid, goog-free name of 3-63 characters whatever the project", () => {
    fc.assert(
      fc.property(stack, component, project, (s, c, p) => {
        const b = names.bucket(s, c, p, "ab12");
        expect(b.length).toBeGreaterThanOrEqual(3);
        expect(b.length).toBeLessThanOrEqual(63);
        expect(isValidBucketName(b)).toBe(true);
      }),
      runs,
    );
  });

  it("refuses to let google appear in a bucket name", () => {
    const b = names.bucket("google-shop", "goog", "p", "ab12");
    expect(b).not.toMatch(/goog|g00g|go0g|g0og/);
    expect(isValidBucketName(b)).toBe(true);
    expect(isValidBucketName("goog-bucket")).toBe(false);
    expect(isValidBucketName("my-google-bucket")).toBe(false);
  });

  it("derives names deterministically and keeps two components of one stack apart", () => {
    fc.assert(
      fc.property(stack, component, component, project, (s, a, b, p) => {
        expect(names.bucket(s, a, p, "ab12")).toBe(names.bucket(s, a, p, "ab12"));
        expect(names.serviceAccount(s, a)).toBe(names.serviceAccount(s, a));
        if (a !== b) {
          expect(names.bucket(s, a, p, "ab12")).not.toBe(names.bucket(s, b, p, "ab12"));
          expect(names.serviceAccount(s, a)).not.toBe(names.serviceAccount(s, b));
          expect(names.cloudRunService(s, a)).not.toBe(names.cloudRunService(s, b));
          expect(names.sqlInstance(s, a)).not.toBe(names.sqlInstance(s, b));
        }
      }),
      runs,
    );
  });

  it("gives the same component a new bucket name with each generated suffix", () => {
    expect(names.bucket("shop", "files", "p", "ab12")).not.toBe(names.bucket("shop", "files", "p", "cd34"));
  });

  it("gives the same stack and component different bucket names in different projects", () => {
    expect(names.bucket("shop", "files", "project-one", "ab12")).not.toBe(names.bucket("shop", "files", "project-two", "ab12"));
  });

  it("pads a short service account id with a hash, not zeros", () => {
    expect(names.serviceAccount("a", "b")).toMatch(/^a-b-[a-z0-9]{6}$/);
    expect(names.serviceAccount("a", "b")).not.toBe(names.serviceAccount("a", "b000"));
    expect(names.serviceAccount("shop", "web")).toBe("shop-web");
  });

  it("keeps readable names when they fit", () => {
    expect(names.cloudRunService("shop", "web")).toBe("shop-web");
    expect(names.sqlInstance("shop", "db")).toBe("shop-db");
    expect(names.bucket("shop", "files", undefined, "ab12")).toMatch(/^shop-files-[a-z0-9]{6}-ab12$/);
  });

  it("turns tags into labels Google accepts", () => {
    expect(labels({ team: "Digital Services", "cost-centre": "ABC/123", "managed-by": "freehold" })).toEqual({
      team: "digital_services",
      "cost-centre": "abc_123",
      "managed-by": "freehold",
    });
  });
});
