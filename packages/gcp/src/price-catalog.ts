/**
 * Where each line of the Google Cloud price table is found in the Cloud Billing
 * Catalog API (https://cloud.google.com/billing/docs/reference/rest/v1/services.skus/list):
 * the SKU of a service whose description matches and whose serviceRegions hold
 * the region. `freehold prices refresh` reads them.
 */
import type { PriceApiLine } from "@freehold/core";

const RUN = "152E-C115-5142";
const SQL = "9662-B51E-5089";
const GCS = "95FF-2EF5-5EA1";
/** Region names as the catalog's SKU descriptions spell them (https://cloud.google.com/about/locations). */
const PLACES = { "europe-west2": "London", "europe-west1": "Belgium", "europe-west3": "Frankfurt", "europe-west4": "Netherlands", "europe-west9": "Paris", "us-east4": "Northern Virginia" };
const line = (key: string, unit: string, serviceId: string, description: string, extra: Partial<Extract<PriceApiLine, { api: "gcp" }>> = {}): PriceApiLine => ({ api: "gcp", key, unit, serviceId, description, places: PLACES, ...extra });

export const PRICE_API: readonly PriceApiLine[] = [
  line("run.vcpu", "vCPU-second", RUN, "^Services CPU \\(Request-based billing\\) in {region}$"),
  line("run.memory", "GiB-second", RUN, "^Services Memory \\(Request-based billing\\) in {region}$"),
  line("run.vcpu.instance", "vCPU-second", RUN, "^Services CPU \\(Instance-based billing\\) in {region}$"),
  line("run.memory.instance", "GiB-second", RUN, "^Services Memory \\(Instance-based billing\\) in {region}$"),
  line("sql.vcpu.zonal", "vCPU-hour", SQL, "^Cloud SQL for PostgreSQL: Zonal - vCPU in {city}$"),
  line("sql.memory.zonal", "GiB-hour", SQL, "^Cloud SQL for PostgreSQL: Zonal - RAM in {city}$"),
  line("sql.vcpu.regional", "vCPU-hour", SQL, "^Cloud SQL for PostgreSQL: Regional - vCPU in {city}$"),
  line("sql.memory.regional", "GiB-hour", SQL, "^Cloud SQL for PostgreSQL: Regional - RAM in {city}$"),
  line("sql.ssd.zonal", "GiB-month", SQL, "^Cloud SQL for PostgreSQL: Zonal - Standard storage in {city}$"),
  line("sql.ssd.regional", "GiB-month", SQL, "^Cloud SQL for PostgreSQL: Regional - Standard storage in {city}$"),
  line("sql.extended.zonal", "vCPU-hour", SQL, "^Cloud SQL for PostgreSQL: Zonal - Extended support vCPU v13 in {city}$"),
  line("sql.extended.regional", "vCPU-hour", SQL, "^Cloud SQL for PostgreSQL: Regional - Extended support vCPU v13 in {city}$"),
  line("gcs.standard", "GiB-month", GCS, "^Standard Storage {city}$"),
];
