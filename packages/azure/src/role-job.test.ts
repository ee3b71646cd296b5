/**
 * The deployment script that runs a database's role job: run with a stand-in `az` that answers as Azure would, it
 * succeeds only when the execution did, so a failed role job fails the deployment (and `pulumi up`).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROLE_JOB_RUN_SCRIPT } from "./role-job";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Run the script with an `az` that starts execution `roles-x1` and then reports each status in turn. */
function runWith(statuses: string[], waitSeconds = 60): { code: number; stdout: string; stderr: string; output: string; calls: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "freehold-rolerun-"));
  dirs.push(dir);
  writeFileSync(join(dir, "statuses"), `${statuses.join("\n")}\n`);
  writeFileSync(
    join(dir, "az"),
    `#!/bin/sh
echo "$*" >> "${dir}/calls"
case "$*" in
  "containerapp job start "*) echo roles-x1 ;;
  "containerapp job execution show "*) head -n 1 "${dir}/statuses"; tail -n +2 "${dir}/statuses" > "${dir}/rest"; mv "${dir}/rest" "${dir}/statuses" ;;
  *) echo "unexpected az $*" >&2; exit 2 ;;
esac
`,
  );
  chmodSync(join(dir, "az"), 0o755);
  // The script sleeps between polls: a stand-in that returns at once keeps the test fast.
  writeFileSync(join(dir, "sleep"), "#!/bin/sh\nexit 0\n");
  chmodSync(join(dir, "sleep"), 0o755);
  const env = { PATH: `${dir}:/usr/bin:/bin`, JOB_NAME: "s-dev-db-roles", RESOURCE_GROUP: "s-dev-rg", WAIT_SECONDS: String(waitSeconds), AZ_SCRIPTS_OUTPUT_PATH: join(dir, "output.json") };
  let code = 0;
  let stdout = "";
  let stderr = "";
  try {
    stdout = execFileSync("sh", ["-c", ROLE_JOB_RUN_SCRIPT], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    code = err.status;
    stdout = err.stdout;
    stderr = err.stderr;
  }
  const read = (f: string) => {
    try {
      return readFileSync(join(dir, f), "utf8");
    } catch {
      return "";
    }
  };
  return { code, stdout, stderr, output: read("output.json"), calls: read("calls").trim().split("\n") };
}

describe("the role job's run (deployment script)", () => {
  it("waits for the execution and succeeds when it succeeded, recording it as the script's output", () => {
    const r = runWith(["Running", "Processing", "Succeeded"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.output)).toEqual({ execution: "roles-x1", status: "Succeeded" });
    expect(r.calls).toEqual([
      "containerapp job start --name s-dev-db-roles --resource-group s-dev-rg --query name --output tsv",
      ...Array(3).fill("containerapp job execution show --name s-dev-db-roles --resource-group s-dev-rg --job-execution-name roles-x1 --query properties.status --output tsv"),
    ]);
  });

  for (const status of ["Failed", "Stopped", "Degraded"]) {
    it(`fails, saying where the job's output is, when the execution ends ${status}`, () => {
      const r = runWith(["Running", status]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`execution roles-x1 of s-dev-db-roles ended ${status}: the application roles were not set up`);
      expect(r.stderr).toContain("ContainerAppConsoleLogs_CL");
      expect(r.output).toBe("");
    });
  }

  it("fails when the execution does not end within its wait", () => {
    const r = runWith(Array(5).fill("Running"), 0);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is still Running after 0 seconds");
  });

  it("fails when the job cannot be started", () => {
    const dir = mkdtempSync(join(tmpdir(), "freehold-rolerun-"));
    dirs.push(dir);
    writeFileSync(join(dir, "az"), "#!/bin/sh\necho 'ERROR: (AuthorizationFailed) does not have authorization to perform action Microsoft.App/jobs/start/action' >&2\nexit 1\n");
    chmodSync(join(dir, "az"), 0o755);
    expect(() => execFileSync("sh", ["-c", ROLE_JOB_RUN_SCRIPT], { env: { PATH: `${dir}:/usr/bin:/bin`, JOB_NAME: "j", RESOURCE_GROUP: "g", WAIT_SECONDS: "5", AZ_SCRIPTS_OUTPUT_PATH: join(dir, "o") }, stdio: "pipe" })).toThrow();
  });
});
