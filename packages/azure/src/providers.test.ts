/**
 * The Azure backend under the mocks a user writes (Pulumi's documented
 * "outputs = inputs", no Freehold mocks), and with explicit providers on every
 * component: it must not fail, and nothing of it may use a default provider
 * (so `pulumi:disable-default-providers` works).
 */
import { Database, ObjectStore, registerBackend, WebService } from "@freehold/core";
import * as pulumi from "@pulumi/pulumi";
import * as azureNative from "@pulumi/azure-native/provider";
import * as random from "@pulumi/random";
import * as time from "@pulumiverse/time";
import { describe, expect, it } from "vitest";
import { backend } from "./index";

registerBackend(backend);

interface Seen {
  resources: Array<{ type: string; name: string; provider?: string; custom: boolean }>;
  calls: Array<{ token: string; provider?: string }>;
  warnings: string[];
}

/** Run a program under the generic mocks Pulumi's unit-testing guide teaches, and record what reached them. */
async function underGenericMocks(program: () => Array<pulumi.Output<unknown>>): Promise<{ seen: Seen; values: unknown[] }> {
  const seen: Seen = { resources: [], calls: [], warnings: [] };
  pulumi.runtime.setAllConfig({ "freehold:cloud": "azure" }, []);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        seen.resources.push({ type: args.type, name: args.name, custom: args.custom ?? true, ...(args.provider ? { provider: args.provider } : {}) });
        return { id: `${args.name}_id`, state: args.inputs };
      },
      call: (args) => {
        seen.calls.push({ token: args.token, ...(args.provider ? { provider: args.provider } : {}) });
        return args.inputs;
      },
    },
    "shop",
    "dev",
    false,
  );
  const warn = pulumi.log.warn;
  (pulumi.log as { warn: (m: string) => Promise<void> }).warn = async (m: string) => {
    seen.warnings.push(m);
  };
  let values: unknown[] = [];
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      const outputs = program();
      values = await Promise.all(outputs.map((o) => new Promise((resolve) => o.apply(resolve))));
      return {};
    });
    await (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs?.();
  } finally {
    (pulumi.log as { warn: typeof warn }).warn = warn;
  }
  return { seen, values };
}

const STACK = { name: "shop", region: "london" as const };

describe("under generic outputs-equal-inputs mocks", () => {
  it("plans a database, a store, a domain and a linked web service without failing, every output resolving", async () => {
    const { values } = await underGenericMocks(() => {
      const opts = { cloud: "azure" as const, stack: STACK };
      const db = new Database("db", { highAvailability: true }, opts);
      const files = new ObjectStore("files", { lifecycle: [{ prefix: "tmp/", expireAfterDays: 7 }] }, opts);
      const web = new WebService("web", { image: "nginx:1.27", public: true, domain: "www.example.gov.uk", writableRootFilesystem: true, links: [db, { to: files, access: "write" }] }, opts);
      return [db.host, db.connectionString, files.bucketName, files.endpoint, web.url, web.dnsRecords];
    });
    // Every name comes from what the program chose, not from outputs the mocks do not invent (a random password's value is the one exception).
    expect(values.slice(0, 5), JSON.stringify(values)).toSatisfy((v: unknown[]) => v.every((x) => typeof x === "string" && x.length > 0));
    expect(values[1]).toMatch(/^postgres:\/\/app:.*@shop-dev-db-[a-z0-9]{6}\.postgres\.database\.azure\.com:5432\/app\?sslmode=require$/);
    expect(values[2]).toBe("files");
    expect(values[0]).toMatch(/^shop-dev-db-[a-z0-9]{6}\.postgres\.database\.azure\.com$/);
    expect(values[3]).toMatch(/^https:\/\/shopdevfiles[a-z0-9]{6}\.blob\.core\.windows\.net$/);
    expect(values[4]).toBe("https://www.example.gov.uk");
    expect(values[5]).toHaveLength(2);
  });
});

describe("with an explicit provider for every package", () => {
  it("registers every resource and makes every invoke with those providers, never a default one, and says the prerequisites once for two platforms", async () => {
    const { seen } = await underGenericMocks(() => {
      const east = [new azureNative.Provider("az", { location: "uksouth" }), new random.Provider("rnd"), new time.Provider("tm")];
      const west = [new azureNative.Provider("az-west", { location: "ukwest" }), new random.Provider("rnd-west"), new time.Provider("tm-west")];
      const opts = (providers: pulumi.ProviderResource[]) => ({ cloud: "azure" as const, stack: STACK, providers });
      const db = new Database("db", {}, opts(east));
      const files = new ObjectStore("files", {}, opts(east));
      const web = new WebService("web", { image: "nginx:1.27", public: true, writableRootFilesystem: true, links: [db, { to: files, access: "write" }] }, opts(east));
      const archive = new ObjectStore("archive", {}, opts(west));
      return [web.url, archive.bucketName];
    });
    const custom = seen.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    expect(custom.length).toBeGreaterThan(20);
    expect(custom.filter((r) => !r.provider).map((r) => `${r.type} ${r.name}`)).toEqual([]);
    const ours = (p: string | undefined) => /::(az|rnd|tm)(-west)?::/.test(p ?? "");
    expect(custom.filter((r) => !ours(r.provider)).map((r) => r.name)).toEqual([]);
    // The second platform (another region's provider) is its own, in ukwest.
    // (Each platform's own resource group, the network's, and the east one's Backup vault's: the database keeps its backups.)
    const groups = custom.filter((r) => r.type === "azure-native:resources:ResourceGroup").map((r) => `${r.name} ${r.provider?.split("::")[3]}`);
    expect(groups.filter((g) => / az-west$/.test(g))).toHaveLength(2);
    expect(groups.filter((g) => / az$/.test(g))).toHaveLength(3);
    expect(seen.calls.length).toBeGreaterThan(0);
    expect(seen.calls.filter((c) => !ours(c.provider)).map((c) => c.token)).toEqual([]);
    expect(seen.warnings.filter((w) => w.startsWith("Azure prerequisites"))).toHaveLength(1);
  });
});
