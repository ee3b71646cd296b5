/** Types of equivalence.mjs, for TypeScript callers (the tests). */
export interface RecordedRun {
  registrations: Array<{ type: string; name: string; inputs: unknown }>;
  invokes: Array<{ token: string; inputs: unknown }>;
}

export interface RunComparison {
  equivalent: boolean;
  resources: { freehold: number; baseline: number; compared: number };
  duplicatesNames: { freehold: number; baseline: number };
  abstractionResources: number;
  invokes: { freehold: number; baseline: number; same: boolean; onlyFreehold: string[]; onlyBaseline: string[] };
  onlyFreehold: string[];
  onlyBaseline: string[];
  differing: Array<{ resource: string; differences: string[] }>;
}

export function canonical(v: unknown): unknown;
export function compareRuns(fh: RecordedRun, bl: RecordedRun): RunComparison;
