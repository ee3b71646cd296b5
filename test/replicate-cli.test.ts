import { describe, expect, it } from "vitest";
import { freehold } from "./cli-helpers";

describe("freehold replicate on the command line", () => {
  it("lists every problem of the command line at once, with what is allowed, and exits 2 before connecting", async () => {
    const r = await freehold(["replicate", "jump", "--from", "http://x", "--to", "postgresql://a:b@h/db", "--catch-up-timeout", "0", "--restart", "--trust-functions-of", "migrator,Bad Role"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("freehold replicate: 8 problems:");
    expect(r.stderr).toContain("--restart is for start, not jump");
    expect(r.stderr).toContain("--trust-functions-of is for start, status, cutover and rollback (the functions are checked then), not jump");
    expect(r.stderr).toContain('--trust-functions-of must list role names separated by commas (lower-case letters, digits, _ and $, at most 63 each), not "Bad Role"');
    expect(r.stderr).toContain("--to: the URL gives no sslmode");
    expect(r.stderr).toContain('"jump" is not a replicate action; use one of start, status, cutover, rollback, finish');
    expect(r.stderr).toContain("--to: the URL holds a password");
    expect(r.stderr).toContain("--catch-up-timeout must be a number of seconds above 0, not 0");
    expect(r.stderr).not.toContain("    at ");
  });

  it("is listed in the top-level help, and its help says what cutover stops and what the way back is", async () => {
    const top = await freehold(["--help"]);
    expect(top.stdout).toMatch(/replicate\s+Move a live database with PostgreSQL's logical replication/);
    const help = await freehold(["replicate", "--help"]);
    expect(help.stdout).toContain("freehold replicate cutover: refuses when the schemas differ");
    expect(help.stdout).toContain("freehold replicate finish: drops the subscriptions, replication slots and publications replicate created for this pair, and only those.");
  });
});
