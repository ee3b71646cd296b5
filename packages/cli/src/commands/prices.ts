import { existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { loadBackend } from "@freehold/core";
import { type Cloud, CLOUD_REGIONS, CLOUDS } from "@freehold/model";
import type { CommandSpec, ParsedArgs } from "../args";
import { EXIT, InputError } from "../errors";
import { writeFilesAtomically } from "../io";
import { type GetJson, PriceApiError, type RefreshResult, refreshTable, tableSource } from "../prices/refresh";
import type { Io } from "./common";

export const pricesSpec: CommandSpec = {
  name: "prices",
  summary: "Refresh Freehold's price tables from the clouds' own price APIs (needs the network).",
  details:
    "`freehold prices refresh` reads the AWS Price List bulk API (offer files), the Azure Retail Prices API and the Google Cloud Billing\nCatalog API (set GOOGLE_API_KEY: the catalog needs an API key) for every region Freehold accepts, and rewrites each backend's\nprice table: every line the API gives, with its date and usagetype, meter or SKU. Lines the API does not give keep their\nhand-written entries. Nothing is written unless every API answered. Plans never fetch prices: they read the committed tables.",
  positionals: [{ name: "action", description: "refresh", required: true }],
  flags: [
    { name: "clouds", type: "string", list: true, values: CLOUDS, default: CLOUDS.join(","), placeholder: "aws,azure,gcp", description: "Clouds to refresh." },
    { name: "regions", type: "string", list: true, placeholder: "R1,R2", description: "Only these regions (default: every region Freehold accepts for the cloud)." },
    { name: "out", type: "string", placeholder: "DIR", description: "Write <cloud>-price-table.ts files here instead of over each backend package's src/price-table.ts." },
  ],
  examples: ["GOOGLE_API_KEY=... freehold prices refresh", "freehold prices refresh --clouds aws --regions eu-west-1 --out /tmp/prices"],
};

/** A network fetch of JSON that fails with a sentence naming the host when the network does not allow it. */
export function networkGet(apiKey?: string): GetJson {
  return async (url) => {
    const withKey = apiKey && url.startsWith("https://cloudbilling.googleapis.com/") ? `${url}&key=${encodeURIComponent(apiKey)}` : url;
    let res: Response;
    try {
      res = await fetch(withKey);
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new PriceApiError(`cannot reach ${new URL(url).host} (${cause?.code ?? cause?.message ?? (e as Error).message}): refreshing prices needs the network; nothing was written`);
    }
    if (!res.ok) throw new PriceApiError(`${new URL(url).host} answered ${res.status} ${res.statusText} for ${url.split("?")[0]}: nothing was written`);
    return res.json();
  };
}

export async function runPrices(args: ParsedArgs, io: Io, get?: GetJson): Promise<number> {
  const action = args.positionals[0];
  if (action !== "refresh") throw new InputError(`prices: unknown action ${JSON.stringify(action)}; allowed: refresh`);
  const clouds = [...new Set(args.flags.clouds as Cloud[])];
  const regions = args.flags.regions as string[] | undefined;
  const unknown = (regions ?? []).filter((r) => !clouds.some((c) => r in CLOUD_REGIONS[c]));
  if (unknown.length) throw new InputError(`--regions: ${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not a region Freehold accepts for ${clouds.join(", ")}; allowed: ${clouds.flatMap((c) => Object.keys(CLOUD_REGIONS[c])).join(", ")}`);
  if (clouds.includes("gcp") && !get && !process.env.GOOGLE_API_KEY) throw new InputError("GOOGLE_API_KEY is not set: the Cloud Billing Catalog API needs an API key (https://cloud.google.com/billing/docs/how-to/get-pricing-information-api); set it in the environment, or refresh --clouds aws,azure");
  const fetchJson = get ?? networkGet(process.env.GOOGLE_API_KEY);
  const results: Array<{ cloud: Cloud; result: RefreshResult; file: string }> = [];
  try {
    for (const cloud of clouds) {
      const backend = loadBackend(cloud);
      const mine = regions?.filter((r) => r in CLOUD_REGIONS[cloud]);
      const result = await refreshTable(cloud, backend.pricing.table, backend.pricing.api, fetchJson, mine?.length ? mine : undefined);
      const out = args.flags.out as string | undefined;
      const file = out ? join(out, `${cloud}-price-table.ts`) : join(dirname(require.resolve(`@freehold/${cloud}/package.json`)), "src", "price-table.ts");
      if (!out && !existsSync(file)) throw new InputError(`${file} does not exist: without --out the refresh rewrites the price tables of a Freehold source checkout; give --out DIR to write them elsewhere`);
      results.push({ cloud, result, file });
    }
  } catch (e) {
    if (e instanceof PriceApiError) {
      io.err(`freehold prices refresh: ${e.message}.\n`);
      return EXIT.findings;
    }
    throw e;
  }
  const date = new Date().toISOString().slice(0, 10);
  for (const { cloud, result, file } of results) {
    writeFilesAtomically(dirname(file), { [file.slice(dirname(file).length + 1)]: tableSource(cloud, result.table, date) });
    io.out(`${cloud}: ${result.found.length} lines from the API, ${result.missing.length} not found (kept as they were) -> ${relative(process.cwd(), file)}\n`);
  }
  return EXIT.ok;
}
