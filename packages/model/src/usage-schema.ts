/** The usage file's zod schema (kept apart from usage.ts so that the published types never reach zod). */
import { z } from "zod";

const gib = (max: number) => z.number().min(0).max(max);
const fields = {
  requestsMillions: gib(1e7).meta({ description: "Requests served, millions a month." }),
  egressGiB: gib(1e9).meta({ description: "Internet egress, GiB a month." }),
  logGiB: gib(1e9).meta({ description: "Log volume ingested, GiB a month." }),
  averageInstances: z.number().min(0).max(1000).meta({ description: "Average instances running." }),
  dataGiB: gib(1e7).meta({ description: "Data held at the start, GiB." }),
  storageGrowthGiB: gib(1e7).meta({ description: "Data added each month, GiB." }),
  storageGiB: gib(1e9).meta({ description: "Data stored at the start, GiB." }),
  noncurrentPercent: z.number().min(0).max(10000).meta({ description: "Old object versions kept, % of current data." }),
  writesThousands: gib(1e12).meta({ description: "Write operations, thousands a month." }),
  readsThousands: gib(1e12).meta({ description: "Read operations, thousands a month." }),
  runMinutes: z.number().min(0).max(44640).meta({ description: "Minutes an average run of a scheduled job takes." }),
};

/** The usage file's schema. Every key is optional; what is left out takes the built-in figure. */
export const UsageFileSpec = z.strictObject({
  hoursPerMonth: z.number().min(1).max(744).optional().meta({ description: "Hours a month the stack runs (744 is a 31-day month). @default 730" }),
  months: z.number().int().min(0).max(120).optional().meta({ description: "Months of storage growth before the month priced. @default 12" }),
  defaults: z
    .strictObject({
      "web-service": z.strictObject({ requestsMillions: fields.requestsMillions, egressGiB: fields.egressGiB, logGiB: fields.logGiB, averageInstances: fields.averageInstances }).partial().optional(),
      worker: z.strictObject({ logGiB: fields.logGiB, averageInstances: fields.averageInstances }).partial().optional(),
      "scheduled-job": z.strictObject({ runMinutes: fields.runMinutes, logGiB: fields.logGiB }).partial().optional(),
      database: z.strictObject({ dataGiB: fields.dataGiB, storageGrowthGiB: fields.storageGrowthGiB, logGiB: fields.logGiB }).partial().optional(),
      "object-store": z
        .strictObject({
          storageGiB: fields.storageGiB,
          storageGrowthGiB: fields.storageGrowthGiB,
          noncurrentPercent: fields.noncurrentPercent,
          writesThousands: fields.writesThousands,
          readsThousands: fields.readsThousands,
          egressGiB: fields.egressGiB,
        })
        .partial()
        .optional(),
    })
    .optional()
    .meta({ description: "Figures for every component of a kind." }),
  components: z
    .record(z.string(), z.strictObject(fields).partial())
    .optional()
    .meta({ description: "Figures for one component, by name; which apply depends on the component's kind." }),
});

