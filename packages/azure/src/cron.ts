/**
 * A neutral schedule for a Container Apps job. Container Apps takes standard
 * 5-field cron but reads it in UTC only ("Cron expressions in scheduled jobs
 * are evaluated in Universal Time Coordinated (UTC)",
 * https://learn.microsoft.com/azure/container-apps/jobs#scheduled-jobs; the
 * API's scheduleTriggerConfig has no time zone,
 * https://learn.microsoft.com/azure/templates/microsoft.app/jobs). So a
 * schedule in another zone is rewritten in UTC where that keeps its meaning
 * all year:
 *
 * - a zone that is always at one offset (UTC, Asia/Tokyo): the hours (and,
 *   for a half-hour offset, the minutes) are moved by it, and the day of the
 *   week with them where every run crosses midnight the same way;
 * - a zone with daylight saving (Europe/London): only a schedule the offset
 *   does not touch, such as every 15 minutes of every hour of every day.
 *
 * Anything else would run an hour early or late for part of the year: it is
 * refused with the reason, unless the job accepts the `scheduled-job.time-zone`
 * degradation, when it runs at the zone's smaller offset's time all year (in
 * Europe/London: on time in winter, an hour late in summer).
 */
import { type Cron, offsetText, parseCron, valuesText, zoneOffsets } from "@freehold/model";

export const UTC_ONLY_SOURCE = "https://learn.microsoft.com/azure/container-apps/jobs#scheduled-jobs";

export type AzureCron =
  | { ok: true; expression: string; note: string }
  | {
      ok: false;
      reason: string;
      /** What a job that accepts the degradation runs instead, where one schedule can stand for it. */
      degraded?: { expression: string; note: string };
    };

/** The schedule in UTC for a zone, or why it cannot be. */
export function azureCron(c: Cron, zone: string): AzureCron {
  const offsets = zoneOffsets(zone);
  const shifted = offsets.map((o) => shift(c, o));
  const first = shifted[0];
  if (first !== undefined && shifted.every((s) => s === first)) {
    const note = first === c.expression ? (offsets.length === 1 && offsets[0] === 0 ? "UTC" : `the same in UTC as in ${zone}`) : `${c.expression} in ${zone} (${offsetText(offsets[0] as number)} all year)`;
    return { ok: true, expression: first, note };
  }
  const lowest = offsets[0] as number;
  const dst = offsets.length > 1;
  const reason = dst
    ? `Container Apps reads a job's cron in UTC only (${UTC_ONLY_SOURCE}) and ${zone} moves between ${offsets.map(offsetText).join(" and ")} with daylight saving, so no UTC schedule runs "${c.expression}" at ${zone}'s time all year`
    : `Container Apps reads a job's cron in UTC only (${UTC_ONLY_SOURCE}), and "${c.expression}" in ${zone} (${offsetText(lowest)}) moves to another day of the month in UTC, which one cron expression cannot say`;
  const fallback = shift(c, lowest);
  return {
    ok: false,
    reason,
    ...(fallback && dst ? { degraded: { expression: fallback, note: `"${fallback}" in UTC all year: ${zone}'s time at ${offsetText(lowest)}, ${offsets.length === 2 ? `${(offsets[1] as number) - lowest} minutes late at ${offsetText(offsets[1] as number)}` : "off by the difference at its other offsets"}` } } : {}),
  };
}

/**
 * The schedule moved from a zone at a fixed offset (minutes east of UTC) to
 * UTC, where one cron expression says it exactly; undefined where not.
 */
export function shift(c: Cron, offset: number): string | undefined {
  if (offset === 0) return c.expression;
  const daysAny = c.dayOfMonth.any && c.month.any && c.dayOfWeek.any;
  const fields = [c.minute.text, c.hour.text, c.dayOfMonth.text, c.month.text, c.dayOfWeek.text];
  const minutesOff = ((offset % 60) + 60) % 60;
  if (minutesOff !== 0) {
    // A half-hour offset: exact only where every hour of every day runs, so only the minutes move.
    if (!(c.hour.any && daysAny)) return undefined;
    fields[0] = valuesText(c.minute.values.map((m) => (m - minutesOff + 60) % 60), "minute");
    return check(fields.join(" "));
  }
  if (c.hour.any) return c.expression;
  const hoursOff = offset / 60;
  const moved = c.hour.values.map((h) => h - hoursOff);
  fields[1] = valuesText(moved.map((h) => (h + 24) % 24), "hour");
  const earlier = moved.filter((h) => h < 0).length;
  const later = moved.filter((h) => h > 23).length;
  if (earlier === 0 && later === 0) return check(fields.join(" "));
  if (daysAny) return check(fields.join(" "));
  // Every run crosses midnight the same way, and only the day of the week says which days: move those days with it.
  // (A month or a day of the month would move across a month's end, which one expression cannot follow.)
  const all = moved.length;
  if ((earlier === all || later === all) && c.dayOfMonth.any && c.month.any && !c.dayOfWeek.any) {
    const step = earlier === all ? -1 : 1;
    fields[4] = valuesText(c.dayOfWeek.values.map((d) => (d + step + 7) % 7), "dayOfWeek");
    return check(fields.join(" "));
  }
  return undefined;
}

/** The expression written back through the parser: its canonical form (a bug here is a thrown error, never a wrong schedule). */
function check(expression: string): string {
  const parsed = parseCron(expression);
  if (!parsed.cron) throw new Error(`shifting a schedule gave "${expression}": ${parsed.problems.join("; ")}`);
  return parsed.cron.expression;
}
