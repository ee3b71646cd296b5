/**
 * Neutral sizes. A size is a request: each backend picks the smallest offering
 * that meets it and reports what it chose.
 */

export const SIZE_PRESETS = ["small", "medium", "large"] as const;
export type SizePreset = (typeof SIZE_PRESETS)[number];

export interface ExplicitSize {
  /** vCPUs requested (fractions allowed for web services). */
  cpu: number;
  /** Memory requested, GiB. */
  memoryGiB: number;
}

/** What each preset means, per component kind. */
export const PRESET_SIZES: Record<"web-service" | "database", Record<SizePreset, ExplicitSize>> = {
  "web-service": {
    small: { cpu: 0.5, memoryGiB: 1 },
    medium: { cpu: 1, memoryGiB: 2 },
    large: { cpu: 2, memoryGiB: 4 },
  },
  database: {
    small: { cpu: 1, memoryGiB: 2 },
    medium: { cpu: 2, memoryGiB: 8 },
    large: { cpu: 4, memoryGiB: 16 },
  },
};

/**
 * The envelope that at least one cloud can offer. Outside it a size is refused
 * when the stack is parsed; inside it a cloud that cannot meet the request says
 * so with an UnsupportedFeatureError.
 */
export const SIZE_LIMITS = {
  "web-service": { cpu: [0.25, 16], memoryGiB: [0.5, 120], memoryPerCpu: [0.5, 8] },
  database: { cpu: [1, 96], memoryGiB: [1, 768], memoryPerCpu: [1, 16] },
} as const;

export interface ResolvedSize extends ExplicitSize {
  /** The preset the size came from, if any. */
  preset?: SizePreset;
}

export function resolveSize(kind: "web-service" | "database", size: SizePreset | ExplicitSize): ResolvedSize {
  if (typeof size === "string") return { ...PRESET_SIZES[kind][size], preset: size };
  return { cpu: size.cpu, memoryGiB: size.memoryGiB };
}
