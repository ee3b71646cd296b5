// Regenerates the committed ejected examples, examples/crown-marketplace-ejected-<cloud>, with `freehold eject`
// from examples/crown-marketplace/freehold.yaml: run it (npm run eject-examples, which builds first) whenever a
// backend changes what it registers. test/eject.test.ts fails while a committed example differs from a fresh eject.
//
// All or nothing: the three clouds are ejected into scratch directories first, and the committed examples are
// replaced only once all three succeeded, so a failure leaves every example as it was. Deterministic: eject
// writes the same bytes for the same plan, and the source path is given relative to the repository root, as
// the test ejects it; the script ejects twice and refuses if the two differ.
const { execFileSync } = require("node:child_process");
const { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } = require("node:fs");
const { join } = require("node:path");

const ROOT = join(__dirname, "..");
const BIN = join(ROOT, "packages", "cli", "dist", "bin.js");
const SOURCE = "examples/crown-marketplace/freehold.yaml";
const CLOUDS = ["aws", "azure", "gcp"];
const EXAMPLES = join(ROOT, "examples");

/** Every file of a directory, by name. */
function filesOf(dir) {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

function eject(cloud, out) {
  // Only what eject needs from the environment: no FREEHOLD_* setting of the caller's changes the program.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("FREEHOLD_")));
  execFileSync(process.execPath, [BIN, "eject", SOURCE, "--cloud", cloud, "--out", out, "--quiet"], { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
}

// Scratch directories an interrupted run left behind.
for (const f of readdirSync(EXAMPLES)) if (f.startsWith(".eject-")) rmSync(join(EXAMPLES, f), { recursive: true, force: true });

const scratch = mkdtempSync(join(EXAMPLES, ".eject-"));
let failed = false;
try {
  for (const cloud of CLOUDS) {
    try {
      eject(cloud, join(scratch, cloud));
      eject(cloud, join(scratch, `${cloud}-again`));
    } catch (e) {
      process.stderr.write(`eject-examples: ejecting ${SOURCE} on ${cloud} failed; no example was changed:\n${e.stderr ?? e.message}\n`);
      failed = true;
      break;
    }
    if (JSON.stringify(filesOf(join(scratch, cloud))) !== JSON.stringify(filesOf(join(scratch, `${cloud}-again`)))) {
      process.stderr.write(`eject-examples: two ejects of ${SOURCE} on ${cloud} differ: eject is not deterministic; no example was changed\n`);
      failed = true;
      break;
    }
  }
  if (!failed) {
    for (const cloud of CLOUDS) {
      const dir = join(EXAMPLES, `crown-marketplace-ejected-${cloud}`);
      if (existsSync(dir)) rmSync(dir, { recursive: true });
      renameSync(join(scratch, cloud), dir);
      console.log(`wrote examples/crown-marketplace-ejected-${cloud}`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
