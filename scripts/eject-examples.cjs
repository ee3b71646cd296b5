// Regenerates the committed ejected examples, examples/crown-marketplace-ejected-<cloud>, with `freehold eject`
// from examples/crown-marketplace/freehold.yaml: run it (npm run eject-examples) whenever a backend changes what it
// registers. test/eject.test.ts fails while a committed example differs from a fresh eject.
const { execFileSync } = require("node:child_process");
const { existsSync, mkdtempSync, renameSync, rmSync } = require("node:fs");
const { join } = require("node:path");

const ROOT = join(__dirname, "..");
const BIN = join(ROOT, "packages", "cli", "dist", "bin.js");
const SOURCE = "examples/crown-marketplace/freehold.yaml";

for (const cloud of ["aws", "azure", "gcp"]) {
  const dir = join(ROOT, "examples", `crown-marketplace-ejected-${cloud}`);
  // Eject into a scratch directory beside it, then swap: a failed eject leaves the committed example as it was.
  const scratch = mkdtempSync(join(ROOT, "examples", `.eject-${cloud}-`));
  try {
    execFileSync(process.execPath, [BIN, "eject", SOURCE, "--cloud", cloud, "--out", join(scratch, "program"), "--quiet"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
    if (existsSync(dir)) rmSync(dir, { recursive: true });
    renameSync(join(scratch, "program"), dir);
    console.log(`wrote examples/crown-marketplace-ejected-${cloud}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
