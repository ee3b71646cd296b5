import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type CommandSpec, type ParsedArgs, UsageError } from "../args";
import { EXIT } from "../errors";
import { MigrationError, MissingToolError, migrateDatabase, migrateObjects, type RcloneRemote } from "../migrate";
import type { Io } from "./common";

export const migrateSpec: CommandSpec = {
  name: "migrate",
  summary: "Move a database (pg_dump/pg_restore) or an object store (rclone) and verify every row and object.",
  details: `freehold migrate database --from URL --to URL: PostgreSQL URLs (postgresql://user:pass@host:5432/db?sslmode=require).
  The source is opened read-only; the restore is one transaction; a completed dump is reused, so a second run after an
  interruption finishes the job. Verifies row counts and content checksums per table and sequence values.
freehold migrate objects --from REMOTE --to REMOTE: rclone connection strings, :TYPE,key=value,...:bucket/prefix
  (TYPE s3, azureblob or gcs; e.g. :s3,provider=AWS,env_auth=true,region=eu-west-2:my-bucket), or a local directory.
  rclone copy --checksum, never sync or move; re-running skips what is complete. Verifies size and hash of every object.
Both write a manifest; any mismatch is exit code 1 and nothing at the source is touched.`,
  positionals: [{ name: "what", description: "database or objects", required: true }],
  flags: [
    { name: "from", type: "string", required: true, placeholder: "URL|REMOTE", description: "Source." },
    { name: "to", type: "string", required: true, placeholder: "URL|REMOTE", description: "Target." },
    { name: "manifest", type: "string", placeholder: "FILE", description: "Where to write the manifest (default: migration-manifest.json in the work directory)." },
    { name: "work-dir", type: "string", placeholder: "DIR", description: "Where the database dump is kept between runs (default: a new temporary directory)." },
    { name: "jobs", type: "number", placeholder: "N", default: 2, description: "Parallel pg_dump/pg_restore jobs." },
    { name: "verify", type: "string", values: ["hash", "download"], default: "hash", description: "Objects: trust stored MD5s, or download and hash both sides." },
    { name: "quiet", type: "boolean", description: "No progress lines." },
  ],
  examples: [
    'freehold migrate database --from "postgresql://app:$SRC@src-host:5432/app?sslmode=require" --to "postgresql://app:$DST@dst-host:5432/app?sslmode=require" --work-dir /var/tmp/exit',
    "freehold migrate objects --from :s3,provider=AWS,env_auth=true,region=eu-west-2:uploads --to :azureblob,account=uploadsacct,env_auth=true:uploads",
  ],
};

/** Parse an rclone connection string (`:type,k=v,...:path`) or a local directory into a remote. */
export function parseRemote(text: string, flag: string): RcloneRemote {
  const m = /^:(s3|azureblob|gcs|local)(?:,([^:]*))?:(.*)$/.exec(text);
  if (!m) {
    if (text.startsWith("/") || text.startsWith(".")) return { type: "local", options: {}, path: resolve(text) };
    throw new UsageError([`--${flag}: ${JSON.stringify(text)} is not a remote; use :s3,key=value,...:bucket (or :azureblob, :gcs) or a local directory`], "migrate");
  }
  const options: Record<string, string> = {};
  const problems: string[] = [];
  for (const pair of (m[2] ?? "").split(",").filter(Boolean)) {
    const eq = pair.indexOf("=");
    if (eq <= 0) problems.push(`--${flag}: option ${JSON.stringify(pair)} is not key=value`);
    else options[pair.slice(0, eq)] = pair.slice(eq + 1).replace(/^"(.*)"$/, "$1");
  }
  if (!m[3]) problems.push(`--${flag}: no bucket or container after the last colon`);
  if (problems.length) throw new UsageError(problems, "migrate");
  return { type: m[1] as RcloneRemote["type"], options, path: m[3] as string };
}

export async function runMigrate(args: ParsedArgs, io: Io): Promise<number> {
  const what = args.positionals[0];
  if (what !== "database" && what !== "objects") throw new UsageError([`${JSON.stringify(what)} is not something to migrate; use database or objects`], "migrate");
  const log = args.flags.quiet ? undefined : (line: string) => io.err(`${line}\n`);
  try {
    if (what === "database") {
      const from = String(args.flags.from);
      const to = String(args.flags.to);
      const bad = [from, to].map((u, i) => (/^postgres(ql)?:\/\//.test(u) ? "" : `--${i ? "to" : "from"}: not a postgresql:// URL`)).filter(Boolean);
      if (bad.length) throw new UsageError(bad, "migrate");
      const workDir = (args.flags["work-dir"] as string | undefined) ?? mkdtempSync(join(tmpdir(), "freehold-migrate-"));
      const manifest = await migrateDatabase({ from, to, workDir, manifestPath: args.flags.manifest as string | undefined, jobs: Number(args.flags.jobs), log });
      const rows = manifest.tables.reduce((a, t) => a + t.rows, 0);
      io.out(`Database migrated and verified: ${manifest.tables.length} tables, ${rows} rows, every checksum equal.\nManifest: ${String(args.flags.manifest ?? join(workDir, "database-manifest.json"))}\n`);
    } else {
      const from = parseRemote(String(args.flags.from), "from");
      const to = parseRemote(String(args.flags.to), "to");
      const manifestPath = (args.flags.manifest as string | undefined) ?? "objects-manifest.json";
      const manifest = await migrateObjects({ from, to, manifestPath, verify: args.flags.verify as "hash" | "download", log });
      io.out(`Objects copied and verified: ${manifest.objects.length} objects, every size and hash equal.\nManifest: ${manifestPath}\n`);
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof MigrationError) {
      io.err(`${e.message}\n`);
      return EXIT.findings;
    }
    if (e instanceof MissingToolError) {
      io.err(`freehold migrate: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}
