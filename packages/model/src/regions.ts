/**
 * Neutral regions and the cloud regions they stand for.
 *
 * The catalogue lives in the model (not in the backends) because a stack's
 * residency must be checked when it is parsed, before any backend is loaded.
 * Region codes are data, not vendor concepts: the backends still decide how a
 * region is used.
 */

export const CLOUDS = ["aws", "azure", "gcp"] as const;
export type Cloud = (typeof CLOUDS)[number];

/** ISO 3166 alpha-2 country of each cloud region Freehold knows. */
export const CLOUD_REGIONS: Record<Cloud, Record<string, { country: string; city: string; zones: number }>> = {
  // https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
  aws: {
    "eu-west-2": { country: "GB", city: "London", zones: 3 },
    "eu-west-1": { country: "IE", city: "Dublin", zones: 3 },
    "eu-central-1": { country: "DE", city: "Frankfurt", zones: 3 },
    "eu-west-3": { country: "FR", city: "Paris", zones: 3 },
    "us-east-1": { country: "US", city: "N. Virginia", zones: 6 },
  },
  // https://learn.microsoft.com/azure/reliability/availability-zones-region-support (ukwest has no zones)
  azure: {
    uksouth: { country: "GB", city: "London", zones: 3 },
    ukwest: { country: "GB", city: "Cardiff", zones: 0 },
    northeurope: { country: "IE", city: "Dublin", zones: 3 },
    westeurope: { country: "NL", city: "Amsterdam", zones: 3 },
    germanywestcentral: { country: "DE", city: "Frankfurt", zones: 3 },
    francecentral: { country: "FR", city: "Paris", zones: 3 },
    eastus: { country: "US", city: "Virginia", zones: 3 },
  },
  // https://cloud.google.com/about/locations
  gcp: {
    "europe-west2": { country: "GB", city: "London", zones: 3 },
    "europe-west1": { country: "BE", city: "St. Ghislain", zones: 3 },
    "europe-west3": { country: "DE", city: "Frankfurt", zones: 3 },
    "europe-west4": { country: "NL", city: "Eemshaven", zones: 3 },
    "europe-west9": { country: "FR", city: "Paris", zones: 3 },
    "us-east4": { country: "US", city: "N. Virginia", zones: 3 },
  },
};

/**
 * Locations a cloud keeps copies of data in that a stack cannot be placed in: Azure's paired regions for the regions
 * above (Key Vault replicates to the pair, and geo-redundant backups and storage go there).
 * https://learn.microsoft.com/azure/reliability/cross-region-replication-azure#azure-paired-regions
 */
export const COPY_LOCATIONS: Record<Cloud, Record<string, { country: string; city: string }>> = {
  aws: {},
  azure: {
    germanynorth: { country: "DE", city: "Berlin" },
    francesouth: { country: "FR", city: "Marseille" },
    westus: { country: "US", city: "California" },
  },
  gcp: {},
};

/** The country of a location data can live in (a region above or a copy location), or undefined for a multi-region or unknown one. */
export function locationCountry(cloud: Cloud, location: string): string | undefined {
  return CLOUD_REGIONS[cloud][location]?.country ?? COPY_LOCATIONS[cloud][location]?.country;
}

/** Neutral region names and the region each cloud uses for them. */
export const NEUTRAL_REGIONS = {
  london: { aws: "eu-west-2", azure: "uksouth", gcp: "europe-west2" },
  dublin: { aws: "eu-west-1", azure: "northeurope", gcp: undefined },
  frankfurt: { aws: "eu-central-1", azure: "germanywestcentral", gcp: "europe-west3" },
  paris: { aws: "eu-west-3", azure: "francecentral", gcp: "europe-west9" },
  virginia: { aws: "us-east-1", azure: "eastus", gcp: "us-east4" },
} as const satisfies Record<string, Record<Cloud, string | undefined>>;

export type NeutralRegion = keyof typeof NEUTRAL_REGIONS;
export const NEUTRAL_REGION_NAMES = Object.keys(NEUTRAL_REGIONS) as NeutralRegion[];

/** Residency rules: the countries data may live in. */
export const RESIDENCIES = {
  uk: ["GB"],
  eu: ["IE", "DE", "FR", "NL", "BE"],
  none: undefined,
} as const satisfies Record<string, readonly string[] | undefined>;
export type Residency = keyof typeof RESIDENCIES;

export interface RegionChoice {
  cloud: Cloud;
  /** The cloud's region code, e.g. `eu-west-2`. */
  region: string;
  country: string;
  city: string;
  /** Availability zones in the region (0 where it has none). */
  zones: number;
}

/** The region a stack uses on one cloud, or undefined where the neutral region has no counterpart there. */
export function resolveRegion(
  cloud: Cloud,
  region: NeutralRegion,
  overrides: Partial<Record<Cloud, string>> = {},
): RegionChoice | undefined {
  const code = overrides[cloud] ?? NEUTRAL_REGIONS[region][cloud];
  if (code === undefined) return undefined;
  const info = CLOUD_REGIONS[cloud][code];
  if (!info) return undefined;
  return { cloud, region: code, ...info };
}

/** True where a country satisfies a residency rule. */
export function residencyAllows(residency: Residency, country: string): boolean {
  const allowed: readonly string[] | undefined = RESIDENCIES[residency];
  return allowed === undefined || allowed.includes(country);
}
