import { SpecError } from "@freehold/model";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Database, ObjectStore, ScheduledJob, WebService, Worker } from "./components";
import { chooseBackend } from "./context";
import { registerBackend } from "./loader";
import { runWithMocks } from "./plan";
import { fakeBackend } from "./fake-backend";

registerBackend(fakeBackend("aws"));
registerBackend(fakeBackend("gcp"));

describe("components", () => {
  it("register with the freehold:index type tokens and parent their children", async () => {
    const run = await runWithMocks("aws", () => {
      const db = new Database("db");
      const store = new ObjectStore("files");
      new WebService("web", { image: "nginx", links: [db, store] });
    });
    const tokens = run.resources.filter((r) => r.type.startsWith("freehold:")).map((r) => `${r.type} ${r.name}`);
    expect(tokens).toEqual(["freehold:index:Database db", "freehold:index:Platform freehold", "freehold:index:ObjectStore files", "freehold:index:WebService web"]);
    const web = run.resources.find((r) => r.name === "web-service");
    expect(web?.parent).toMatch(/freehold:index:WebService::web$/);
  });

  it("exposes the connection string only as a secret", async () => {
    const run = await runWithMocks("aws", () => {
      const db = new Database("db");
      return { cs: db.connectionString, host: db.host };
    });
    expect(run.outputs).toEqual({ cs: "[secret]", host: "https://db-instance.fake.example" });
  });

  it("accepts late-bound images and env values", async () => {
    const run = await runWithMocks("aws", () => {
      new WebService("web", { image: pulumi.output("registry/app:2"), env: { MODE: pulumi.output("x") } });
    });
    expect(run.resources.find((r) => r.name === "web-service")?.inputs).toMatchObject({ image: "registry/app:2", env: { MODE: "x" } });
  });

  it("refuses user env that a link sets", async () => {
    await expect(
      runWithMocks("aws", () => {
        const db = new Database("db");
        new WebService("web", { image: "x", env: { DATABASE_HOST: "h" }, links: [db] });
      }),
    ).rejects.toThrow('component "web" has 1 problem:\n  - env.DATABASE_HOST: is set by a link; remove it from env or rename it');
  });

  it("refuses a link to a component on another cloud", async () => {
    await expect(
      runWithMocks("aws", () => {
        const db = new Database("db", {}, { cloud: "gcp" });
        new WebService("web", { image: "x", links: [db] });
      }),
    ).rejects.toThrow("links to a component on gcp, but this service is on aws; deploy linked components to the same cloud");
  });

  it("validates args with the model's messages", async () => {
    await expect(runWithMocks("aws", () => new Database("db", { storageGiB: 5 }))).rejects.toThrow(SpecError);
  });

  it("prefixes link variables by component when a service links two of a kind", async () => {
    const run = await runWithMocks("aws", () => {
      const a = new ObjectStore("uploads");
      const b = new ObjectStore("reports-archive");
      new WebService("web", { image: "x", links: [a, { to: b, access: "read" }] });
    });
    const env = run.resources.find((r) => r.name === "web-service")?.inputs.env as Record<string, string>;
    expect(env.UPLOADS_OBJECT_STORE_BUCKET).toBe("freehold-uploads");
    expect(env.REPORTS_ARCHIVE_OBJECT_STORE_ACCESS).toBe("read");
    expect(env.OBJECT_STORE_BUCKET).toBeUndefined();
  });

  it("creates the shared platform once per stack", async () => {
    const run = await runWithMocks("aws", () => {
      new ObjectStore("a");
      new ObjectStore("b");
    });
    expect(run.resources.filter((r) => r.type === "freehold:index:Platform")).toHaveLength(1);
  });

  it("creates the platform with the transformations of the component that needs it first", async () => {
    const stamp: pulumi.ResourceTransformation = (a) => (a.type.startsWith("fake:") ? { props: { ...a.props, stamped: "yes" }, opts: a.opts } : undefined);
    const run = await runWithMocks("aws", () => {
      new ObjectStore("a", {}, { transformations: [stamp] });
    });
    const network = run.resources.find((r) => r.name === "freehold-network");
    expect(network?.parent).toMatch(/freehold:index:Platform::freehold$/);
    expect(network?.inputs.stamped).toBe("yes");
    expect(run.resources.find((r) => r.name === "a-bucket")?.inputs.stamped).toBe("yes");
  });
});

describe("choosing the cloud", () => {
  it("says how to set freehold:cloud when none is chosen", async () => {
    pulumi.runtime.setAllConfig({}, []);
    expect(() => chooseBackend()).toThrow(
      'No cloud chosen: run `pulumi config set freehold:cloud aws` (or azure, gcp), or pass { cloud: "aws" } in the component\'s options.',
    );
  });
  it("rejects an unknown cloud with a suggestion", async () => {
    expect(() => chooseBackend("awz" as "aws")).toThrow('the cloud option: "awz" is not a cloud Freehold supports; allowed: aws, azure, gcp. Did you mean "aws"?');
  });
});

describe("workers and scheduled jobs", () => {
  it("register as freehold:index:Worker and freehold:index:ScheduledJob with the same link environment and grants as a web service", async () => {
    const run = await runWithMocks("aws", () => {
      const db = new Database("db");
      const store = new ObjectStore("files");
      new WebService("web", { image: "nginx", links: [db, { to: store, access: "read" }] });
      new Worker("worker", { image: "w:1", links: [db, { to: store, access: "read" }] });
      new ScheduledJob("nightly", { image: "j:1", schedule: "0 2 * * *", links: [db, { to: store, access: "read" }] });
    });
    const tokens = run.resources.filter((r) => r.type === "freehold:index:Worker" || r.type === "freehold:index:ScheduledJob").map((r) => `${r.type} ${r.name}`);
    expect(tokens).toEqual(["freehold:index:Worker worker", "freehold:index:ScheduledJob nightly"]);
    const env = (name: string) => run.resources.find((r) => r.name === name)?.inputs.env as Record<string, unknown>;
    expect(Object.keys(env("worker-worker")).sort()).toEqual(Object.keys(env("web-service")).sort());
    expect(env("nightly-job")).toEqual(env("web-service"));
    expect(env("worker-worker")).toMatchObject({ DATABASE_USER: "app", OBJECT_STORE_ACCESS: "read" });
  });

  it("give a job's run command and schedule as outputs, and pass the parsed schedule to the backend", async () => {
    const run = await runWithMocks("aws", () => {
      const job = new ScheduledJob("nightly", { image: "j:1", schedule: "0 2 * * MON-FRI", timeZone: "America/New_York" });
      return { run: job.runCommand, schedule: job.schedule };
    });
    expect(run.outputs).toEqual({ run: "fake run https://nightly-job.fake.example", schedule: "0 2 * * 1-5 in America/New_York" });
    expect(run.resources.find((r) => r.name === "nightly-job")?.inputs).toMatchObject({ schedule: "0 2 * * 1-5", timeZone: "America/New_York" });
  });

  it("refuse, with the stack file's messages, a worker that could never wake and a schedule or time zone that is not one", async () => {
    await expect(runWithMocks("aws", () => new Worker("worker", { image: "w", scaling: { min: 0, max: 2 } }))).rejects.toThrow(
      'component "worker" has 1 problem:\n  - scaling.min: is 0, but nothing wakes a worker from zero (it takes no requests and has no trigger); set min to 1 or more, or make it a scheduled-job',
    );
    await expect(runWithMocks("aws", () => new ScheduledJob("job", { image: "j", schedule: "0 2 * *", timeZone: "London" }))).rejects.toThrow(
      'component "job" has 2 problems:\n  - schedule: has 4 fields; a schedule is 5: minute hour day-of-month month day-of-week, such as "0 2 * * *"\n  - timeZone: "London" is not an IANA time zone name such as Europe/London, America/New_York or UTC',
    );
  });

  it("refuse user env that a worker's link sets, as for a web service", async () => {
    await expect(
      runWithMocks("aws", () => {
        const db = new Database("db");
        new Worker("worker", { image: "x", env: { DATABASE_NAME: "n" }, links: [db] });
      }),
    ).rejects.toThrow('component "worker" has 1 problem:\n  - env.DATABASE_NAME: is set by a link; remove it from env or rename it');
  });
});
