/**
 * The final delta (`--since`) runs while the application may already write into the target: what
 * it writes there meanwhile is never deleted or overwritten. Local folders and rclone only; the
 * application's write is made at the moment the delta has listed both sides and decided its plan
 * (its "delta since" line), just before it deletes and replaces.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { migrateObjects } from "./objects";

const root = mkdtempSync(path.join(os.tmpdir(), "freehold-objects-race-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A source and an empty target folder, the source holding `files`. */
function pair(name: string, files: Record<string, string>) {
  const from = path.join(root, `${name}-src`);
  const to = path.join(root, `${name}-dst`);
  mkdirSync(from);
  for (const [k, v] of Object.entries(files)) writeFileSync(path.join(from, k), v);
  return { from: { type: "local" as const, path: from, options: {} }, to: { type: "local" as const, path: to, options: {} }, src: (k: string) => path.join(from, k), dst: (k: string) => path.join(to, k) };
}

/** Call `act` once, when the delta has decided what to delete and replace. */
const whenPlanned = (act: () => void) => (line: string) => {
  if (line.startsWith("delta since ")) act();
};

describe("a final delta leaves what the application wrote into the target meanwhile", () => {
  it("keeps an object the application wrote into the target under a key the source removed, and says it kept it (not 'removed')", async () => {
    const p = pair("del", { "avatar.png": "avatar v1", "doc.txt": "doc" });
    const first = await migrateObjects({ from: p.from, to: p.to });
    rmSync(p.src("avatar.png"));
    const m = await migrateObjects({ from: p.from, to: p.to, since: first, log: whenPlanned(() => writeFileSync(p.dst("avatar.png"), "avatar v2, uploaded on the new system")) });
    expect(readFileSync(p.dst("avatar.png"), "utf8")).toBe("avatar v2, uploaded on the new system");
    expect(m.delta).toMatchObject({ removed: [], keptWritten: ["avatar.png"] });
    expect(m.copiedObjects).toEqual(["doc.txt"]);
  });

  it("never overwrites an object the application changed in the target while the source changed it too: the run names it and fails", async () => {
    const p = pair("chg", { "prices.txt": "price list v1", "other.txt": "other v1" });
    const first = await migrateObjects({ from: p.from, to: p.to });
    writeFileSync(p.src("prices.txt"), "price list v2, old system");
    writeFileSync(p.src("other.txt"), "other v2, old system");
    const e = await migrateObjects({ from: p.from, to: p.to, since: first, log: whenPlanned(() => writeFileSync(p.dst("prices.txt"), "price list v3, new system")) }).catch((x: unknown) => x as Error);
    expect(readFileSync(p.dst("prices.txt"), "utf8")).toBe("price list v3, new system");
    expect(readFileSync(p.dst("other.txt"), "utf8")).toBe("other v2, old system");
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toContain("verification failed: 1 object(s) missing, different or not copied");
    expect((e as Error).message).toMatch(/ {2}- prices\.txt: content differs: md5 [0-9a-f]{32} at the source, [0-9a-f]{32} in the target: not replaced, because the target's object changed since the first copy \(written there during the delta\); decide which version to keep, then run the delta again/);
  });
});

describe("a first copy interrupted and resumed", () => {
  it("still knows what the interrupted run copied: the final delta deletes it once the source removes it", async () => {
    const files = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`f${i}.bin`, String(i).repeat(4096)]));
    const p = pair("resume", files);
    const manifestPath = path.join(root, "resume-manifest.json");
    const stop = new AbortController();
    let firstCopied: string | undefined;
    const log = (line: string) => {
      const m = /^copied (f\d\.bin)$/.exec(line);
      if (m && !firstCopied) {
        firstCopied = m[1];
        stop.abort();
      }
    };
    // One object at a time, slowly: the run is stopped (as Ctrl-C stops it) after its first object.
    await expect(migrateObjects({ from: p.from, to: p.to, manifestPath, transfers: 1, bwlimit: "16k", signal: stop.signal, log })).rejects.toThrow("run again to resume");
    expect(firstCopied).toBeDefined();
    const resumed = await migrateObjects({ from: p.from, to: p.to, manifestPath, replace: true });
    expect(resumed.copiedObjects).toContain(firstCopied);
    expect(existsSync(`${manifestPath}.copied`)).toBe(false);
    rmSync(p.src(firstCopied as string));
    const m = await migrateObjects({ from: p.from, to: p.to, since: resumed });
    expect(m.delta).toMatchObject({ removed: [firstCopied] });
    expect(existsSync(p.dst(firstCopied as string))).toBe(false);
  });
});
