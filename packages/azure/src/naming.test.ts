import { COMPONENT_NAME_MAX, NAME_PATTERN, STACK_NAME_MAX } from "@freehold/model";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deterministicGuid, names } from "./naming";

const CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".split("");
/** Every name the model accepts, up to `max` characters. */
const modelName = (max: number) =>
  fc
    .tuple(fc.constantFrom(...CHARS.slice(0, 26)), fc.array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...CHARS) }, { weight: 1, arbitrary: fc.constant("-") }), { maxLength: max - 1 }))
    .map(([first, rest]) => first + rest.join(""))
    .filter((s) => NAME_PATTERN.test(s));
const component = modelName(COMPONENT_NAME_MAX);
const stack = modelName(STACK_NAME_MAX);
const RUNS = { numRuns: 200 };

const noDoubleHyphen = (s: string) => !s.includes("--");

describe("physical names", () => {
  it("gives container apps 2-32 lowercase letters, digits and single hyphens, letter first, alphanumeric last", () => {
    fc.assert(
      fc.property(component, (c) => {
        const n = names.containerApp(c);
        expect(n).toMatch(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/);
        expect(noDoubleHyphen(n)).toBe(true);
      }),
      RUNS,
    );
  });

  it("gives storage accounts 3-24 lowercase letters and digits only", () => {
    fc.assert(fc.property(stack, component, (s, c) => {
      expect(names.storageAccount(s, c)).toMatch(/^[a-z0-9]{3,24}$/);
    }), RUNS);
  });

  it("gives different storage accounts to different stack/component pairs", () => {
    fc.assert(
      fc.property(stack, component, stack, component, (s1, c1, s2, c2) => {
        fc.pre(s1 !== s2 || c1 !== c2);
        expect(names.storageAccount(s1, c1)).not.toBe(names.storageAccount(s2, c2));
      }),
      RUNS,
    );
  });

  it("gives PostgreSQL servers 3-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen", () => {
    fc.assert(fc.property(stack, component, (s, c) => {
      expect(names.postgresServer(s, c)).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
    }), RUNS);
  });

  it("gives key vaults 3-24 alphanumerics and single hyphens, letter first, alphanumeric last", () => {
    fc.assert(
      fc.property(stack, (s) => {
        // The platform appends "-" and a 6-character random suffix.
        const n = `${names.keyVault(s)}-a1b2c3`;
        expect(n).toMatch(/^[a-z][a-z0-9-]{1,22}[a-z0-9]$/);
        expect(noDoubleHyphen(n)).toBe(true);
      }),
      RUNS,
    );
  });

  it("gives blob containers 3-63 lowercase letters, digits and single hyphens", () => {
    fc.assert(
      fc.property(component, (c) => {
        const n = names.blobContainer(c);
        expect(n).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
        expect(noDoubleHyphen(n)).toBe(true);
      }),
      RUNS,
    );
  });

  it("keeps the other names within their limits", () => {
    fc.assert(
      fc.property(stack, component, (s, c) => {
        expect(names.resourceGroup(s)).toMatch(/^[a-z0-9-]{1,90}$/);
        expect(names.workspace(s)).toMatch(/^[a-z0-9][a-z0-9-]{2,61}[a-z0-9]$/);
        expect(names.virtualNetwork(s)).toMatch(/^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$/);
        expect(names.environment(s)).toMatch(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/);
        expect(names.identity(s, c)).toMatch(/^[a-z0-9][a-z0-9-]{1,126}[a-z0-9]$/);
        // A "-" and a 6-character random suffix follow each secret base.
        expect(`${names.passwordSecret(c)}-a1b2c3`).toMatch(/^[a-z0-9-]{1,127}$/);
        expect(`${names.registrySecret(c)}-a1b2c3`).toMatch(/^[a-z0-9-]{1,127}$/);
        const [label, ...rest] = names.postgresDnsZone(s).split(".");
        expect(label).toMatch(/^[a-z0-9][a-z0-9-]{0,62}$/);
        expect(rest.join(".")).toBe("private.postgres.database.azure.com");
      }),
      RUNS,
    );
  });

  it("gives the same names on every run", () => {
    expect(names.storageAccount("crown-marketplace", "assets")).toBe(names.storageAccount("crown-marketplace", "assets"));
    expect(names.keyVault("a-very-long-stack-name-of-30ch")).toHaveLength(17);
  });
});

describe("deterministicGuid", () => {
  it("is a version-5 layout UUID, stable for the same parts and different for others", () => {
    const g = deterministicGuid("scope", "principal", "role");
    expect(g).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicGuid("scope", "principal", "role")).toBe(g);
    expect(deterministicGuid("scope", "principal", "other")).not.toBe(g);
    expect(deterministicGuid("sc", "opeprincipal", "role")).not.toBe(g);
  });
});
