import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { physicalName, settingsHash, shortHash } from "./naming";

describe("physicalName", () => {
  it("keeps a short name readable and unchanged", () => {
    expect(physicalName(["shop", "db"], { maxLength: 63 })).toBe("shop-db");
  });
  it("cuts a long name and keeps two long names distinct with a hash", () => {
    const a = physicalName(["a-very-long-stack-name-indeed", "uploads-archive-one"], { maxLength: 24 });
    const b = physicalName(["a-very-long-stack-name-indeed", "uploads-archive-two"], { maxLength: 24 });
    expect(a).toHaveLength(24);
    expect(a).not.toBe(b);
  });
  it("meets length and character rules for any input", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 8, max: 63 }), fc.constantFrom("-", "_", "") as fc.Arbitrary<"-" | "_" | "">, (parts, max, sep) => {
        const n = physicalName(parts, { maxLength: max, minLength: 3, separator: sep });
        expect(n.length).toBeLessThanOrEqual(max);
        expect(n.length).toBeGreaterThanOrEqual(3);
        expect(n).toMatch(sep === "" ? /^[a-z][a-z0-9]*$/ : new RegExp(`^[a-z][a-z0-9${sep}]*$`));
        expect(physicalName(parts, { maxLength: max, minLength: 3, separator: sep })).toBe(n);
      }),
      { numRuns: 300, seed: 42 },
    );
  });
  it("pads a too-short name with its hash, so \"d\" and \"d0\" stay distinct", () => {
    const d = physicalName(["d"], { maxLength: 32, minLength: 2 });
    const d0 = physicalName(["d0"], { maxLength: 32, minLength: 2 });
    expect(d.length).toBeGreaterThanOrEqual(2);
    expect(d).not.toBe(d0);
    expect(d0).toBe("d0");
  });

  it("hashes deterministically", () => {
    expect(shortHash(["a", "b"])).toBe(shortHash(["a", "b"]));
    expect(shortHash(["a", "b"])).not.toBe(shortHash(["a", "c"]));
  });
});

describe("settingsHash", () => {
  it("is the same for the same settings written in another order, and differs when one value changes", () => {
    const a = { name: "job", template: { envs: [{ name: "A", value: "1" }], timeout: "600s" } };
    const b = { template: { timeout: "600s", envs: [{ value: "1", name: "A" }] }, name: "job" };
    expect(settingsHash(a)).toBe(settingsHash(b));
    expect(settingsHash(a)).toHaveLength(16);
    expect(settingsHash({ ...a, template: { ...a.template, timeout: "601s" } })).not.toBe(settingsHash(a));
    // Array order is meaningful (env order, containers).
    expect(settingsHash({ l: [1, 2] })).not.toBe(settingsHash({ l: [2, 1] }));
  });
});
