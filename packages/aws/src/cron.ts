/**
 * A neutral schedule in EventBridge Scheduler's cron syntax:
 * `cron(minutes hours day-of-month month day-of-week year)`
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based).
 * Where it differs from standard cron:
 *
 * - six fields: a year is added, always `*`;
 * - one of day-of-month and day-of-week must be `?`: a schedule restricted on
 *   both (standard cron then runs on either day) cannot be written, and is
 *   refused with the reason;
 * - day-of-week counts 1-7 from Sunday (standard: 0-6 from Sunday);
 * - a step is written `start/step`; a stepped range (`0-30/10`) and a stepped
 *   day of week are written as the list of values they stand for.
 *
 * Every field is rewritten from the values it allows, so the meaning is kept
 * by construction (workloads.test.ts checks the runs quarter hour by quarter hour).
 */
import { type Cron, CRON_FIELDS, type CronFieldName, type CronFieldValue, valuesText } from "@freehold/model";

export type AwsCron = { ok: true; expression: string } | { ok: false; reason: string; fix: string };

export function awsCron(c: Cron): AwsCron {
  if (!c.dayOfMonth.any && !c.dayOfWeek.any) {
    return {
      ok: false,
      reason: `the schedule "${c.expression}" restricts both the day of month and the day of week (standard cron runs on either), and EventBridge Scheduler's cron takes one of the two with \`?\` in the other (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based)`,
      fix: "Restrict only one of the two day fields, or split the schedule into two jobs",
    };
  }
  const field = (name: CronFieldName) => fieldText(c[name], name);
  const dom = c.dayOfWeek.any ? field("dayOfMonth") : "?";
  const dow = c.dayOfWeek.any ? "?" : field("dayOfWeek");
  return { ok: true, expression: `cron(${field("minute")} ${field("hour")} ${dom} ${field("month")} ${dow} *)` };
}

function fieldText(f: CronFieldValue, name: CronFieldName): string {
  if (f.any) return "*";
  const rule = CRON_FIELDS.find((r) => r.name === name);
  const min = rule?.min ?? 0;
  const max = name === "dayOfWeek" ? 6 : (rule?.max ?? 59);
  // 1-7 from Sunday: the standard days moved up by one (all seven were `*`, handled above).
  if (name === "dayOfWeek") return valuesText(f.values, "dayOfWeek").replace(/\d+/g, (d) => String(Number(d) + 1));
  // A step over the whole field, from its start: `start/step`, AWS's own form.
  const whole = f.parts.length === 1 && f.parts[0] && f.parts[0].step > 1 && f.parts[0].end === max;
  if (whole && f.parts[0]) return `${f.parts[0].start === min && f.parts[0].star ? min : f.parts[0].start}/${f.parts[0].step}`;
  return valuesText(f.values, name);
}
