/** Loading @freehold/core with one backend loads no other cloud's SDK. */
import { execFileSync } from "node:child_process";
import { CLOUDS } from "@freehold/model";
import { describe, expect, it } from "vitest";

const SDK: Record<string, string> = { aws: "@pulumi/aws", azure: "@pulumi/azure-native", gcp: "@pulumi/gcp" };

describe("backend loading", () => {
  it("loading core alone loads no cloud SDK", () => {
    const loaded = execFileSync(process.execPath, ["-e", `require("@freehold/core"); console.log(JSON.stringify(Object.keys(require.cache)))`], { encoding: "utf8" });
    for (const sdk of Object.values(SDK)) expect(loaded).not.toContain(`node_modules/${sdk}/`);
  });

  for (const cloud of CLOUDS) {
    it(`loading the ${cloud} backend loads only ${SDK[cloud]}`, () => {
      const script = `const core = require("@freehold/core"); core.loadBackend(${JSON.stringify(cloud)}); console.log(JSON.stringify(Object.keys(require.cache)))`;
      const loaded = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as string[];
      expect(loaded.some((f) => f.includes(`node_modules/${SDK[cloud]}/`))).toBe(true);
      for (const [other, sdk] of Object.entries(SDK)) {
        if (other !== cloud) expect(loaded.filter((f) => f.includes(`node_modules/${sdk}/`)), `${other} SDK loaded`).toEqual([]);
      }
      expect(loaded.filter((f) => /node_modules\/@pulumi\/(aws|gcp|azure-native)\/index\.js$/.test(f)), "provider root loaded").toEqual([]);
    });
  }
});
