// Generated sections of the docs: replace the text between two markers in a doc, and the shared
// command line of the generators (`--check` fails when a doc is stale instead of writing it).
const { readFileSync, writeFileSync } = require("node:fs");

/** The doc's text with the section between `start` and `end` replaced by `section` (which holds both markers). */
function between(file, start, end, section) {
  const text = readFileSync(file, "utf8");
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < 0) throw new Error(`${file}: markers ${start} ... ${end} missing`);
  return { file, text, next: text.slice(0, a) + section + text.slice(b + end.length) };
}

/** Write (or with --check, only compare) each cloud's doc; exit 1 when a doc is stale under --check. */
function main(render) {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const cloud of ["aws", "azure", "gcp"]) {
    const { file, text, next } = render(cloud);
    if (next === text) continue;
    if (check) {
      console.error(`${file} is stale: run npm run docs`);
      stale++;
    } else writeFileSync(file, next);
  }
  process.exitCode = stale ? 1 : 0;
}

module.exports = { between, main };
