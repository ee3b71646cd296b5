/**
 * The neutral schedule: a standard 5-field cron expression (minute, hour,
 * day of month, month, day of week), as POSIX `crontab` defines it
 * (https://pubs.opengroup.org/onlinepubs/9799919799/utilities/crontab.html)
 * with the ranges, steps and names every cloud's scheduler accepts. It is
 * parsed once here into the values each field allows, so each backend can
 * write it in its cloud's own syntax (or refuse, with the reason, where the
 * meaning would change) and tests can check the meaning is kept.
 *
 * Meaning: a minute matches when its minute, hour and month are in their
 * fields and its day matches. With both day fields restricted (neither is
 * `*`), a day matches when either does (POSIX); with one of them `*`, the
 * other decides.
 */

export type CronFieldName = "minute" | "hour" | "dayOfMonth" | "month" | "dayOfWeek";

interface FieldRule {
  name: CronFieldName;
  label: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] as const;
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

export const CRON_FIELDS: readonly FieldRule[] = [
  { name: "minute", label: "minute", min: 0, max: 59 },
  { name: "hour", label: "hour", min: 0, max: 23 },
  { name: "dayOfMonth", label: "day of month", min: 1, max: 31 },
  { name: "month", label: "month", min: 1, max: 12, names: MONTHS },
  // 7 is Sunday too, as in most crons; it is written 0.
  { name: "dayOfWeek", label: "day of week", min: 0, max: 7, names: DAYS },
];

/** One comma-separated part of a field: a range with a step (a single value is a range of one). */
export interface CronPart {
  start: number;
  end: number;
  step: number;
  /** Written as `*` or `*\/n`. */
  star: boolean;
}

export interface CronFieldValue {
  parts: CronPart[];
  /** Every value the field allows, ascending (day of week 0-6, Sunday 0). */
  values: number[];
  /** The field is exactly `*`. */
  any: boolean;
  /** The field, written canonically: numbers, no names, Sunday as 0. */
  text: string;
}

/** A parsed schedule. */
export type Cron = Record<CronFieldName, CronFieldValue> & {
  /** The canonical expression: the same meaning, in the syntax every cloud that takes 5-field cron accepts. */
  expression: string;
};

const NOT_STANDARD: Record<string, string> = {
  "?": "`?` is not standard 5-field cron (it is AWS's); write `*`",
  L: "`L` (last) is not standard 5-field cron and not every cloud accepts it",
  W: "`W` (nearest weekday) is not standard 5-field cron and not every cloud accepts it",
  "#": "`#` (nth weekday) is not standard 5-field cron and not every cloud accepts it",
};

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/** Parse a schedule: the cron, or every problem with it, each a sentence. */
export function parseCron(text: string): { cron: Cron; problems: [] } | { cron?: undefined; problems: string[] } {
  const trimmed = text.trim();
  const macro = MACROS[trimmed.toLowerCase()];
  if (macro) return { problems: [`${JSON.stringify(trimmed)} is a shorthand not every cloud accepts; write it as 5 fields: "${macro}"`] };
  if (trimmed.startsWith("@")) return { problems: [`${JSON.stringify(trimmed)} is not a cron expression; write 5 fields: minute hour day-of-month month day-of-week, such as "0 2 * * *"`] };
  const fields = trimmed.split(/\s+/).filter((f) => f !== "");
  if (fields.length !== 5) {
    return {
      problems: [
        `has ${fields.length} field${fields.length === 1 ? "" : "s"}; a schedule is 5: minute hour day-of-month month day-of-week, such as "0 2 * * *"${fields.length === 6 ? " (6 fields look like AWS's cron with a year, or a cron with seconds: Freehold writes each cloud's form itself)" : ""}`,
      ],
    };
  }
  const problems: string[] = [];
  const parsed = {} as Record<CronFieldName, CronFieldValue>;
  CRON_FIELDS.forEach((rule, i) => {
    const r = parseField(fields[i] as string, rule);
    if ("problems" in r) problems.push(...r.problems);
    else parsed[rule.name] = r.value;
  });
  if (problems.length) return { problems };
  const cron = withExpression(parsed);
  const never = neverRuns(cron);
  if (never) return { problems: [never] };
  return { cron, problems: [] };
}

function parseField(text: string, rule: FieldRule): { value: CronFieldValue } | { problems: string[] } {
  const problems: string[] = [];
  const parts: CronPart[] = [];
  // The field's own names (JUL, WED) hold letters that are marks elsewhere (L, W): take them out before looking for a mark.
  const upper = text.toUpperCase().replace(/[A-Z]{3}/g, (n) => (rule.names?.includes(n) ? "" : n));
  for (const [mark, why] of Object.entries(NOT_STANDARD)) if (upper.includes(mark)) return { problems: [`${rule.label} ${JSON.stringify(text)}: ${why}`] };
  for (const item of text.split(",")) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!m) {
      problems.push(`${rule.label} ${JSON.stringify(item)} is not a value, range (a-b), list (a,b) or step (*/n, a-b/n)`);
      continue;
    }
    const range = m[1] as string;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    const star = range === "*";
    let start = rule.min;
    let end = rule.name === "dayOfWeek" ? 6 : rule.max;
    if (!star) {
      const [a, b] = range.split("-");
      const lo = value(a as string, rule);
      const hi = b === undefined ? (m[2] === undefined ? lo : rule.name === "dayOfWeek" ? 6 : rule.max) : value(b, rule);
      for (const [v, raw] of [
        [lo, a],
        [hi, b],
      ] as const) {
        if (typeof v === "string") problems.push(v);
        else if (raw !== undefined && (v < rule.min || v > rule.max)) problems.push(`${rule.label} ${raw} is outside ${rule.min}-${rule.max}`);
      }
      if (typeof lo !== "number" || typeof hi !== "number") continue;
      if (hi < lo) {
        problems.push(`${rule.label} range ${range} runs backwards; write the smaller value first`);
        continue;
      }
      start = lo;
      end = hi;
    }
    if (step < 1) {
      problems.push(`${rule.label} step /${m[2]} must be 1 or more`);
      continue;
    }
    if (step > rule.max - rule.min + 1) {
      problems.push(`${rule.label} step /${step} is longer than the field (${rule.min}-${rule.max})`);
      continue;
    }
    parts.push({ start, end, step, star });
  }
  if (problems.length) return { problems };
  const values = new Set<number>();
  for (const p of parts) for (let v = p.start; v <= p.end; v += p.step) values.add(rule.name === "dayOfWeek" && v === 7 ? 0 : v);
  return { value: { parts, values: [...values].sort((a, b) => a - b), any: text === "*", text: "" } };
}

function value(raw: string, rule: FieldRule): number | string {
  if (/^\d+$/.test(raw)) return Number(raw);
  const i = rule.names?.indexOf(raw.toUpperCase() as never) ?? -1;
  if (i >= 0) return rule.name === "month" ? i + 1 : i;
  return rule.names
    ? `${rule.label} ${JSON.stringify(raw)} is not a number or a name (${rule.names.join(", ")})`
    : `${rule.label} ${JSON.stringify(raw)} is not a number (${rule.min}-${rule.max})`;
}

/** The canonical text of each field: numbers only, Sunday as 0, `a/n` as `a-max/n`, and with both day fields restricted no `*` in them (so every cron reads them as restricted). */
function withExpression(fields: Record<CronFieldName, CronFieldValue>): Cron {
  const bothDays = !fields.dayOfMonth.any && !fields.dayOfWeek.any;
  const out = {} as Record<CronFieldName, CronFieldValue>;
  for (const rule of CRON_FIELDS) {
    const f = fields[rule.name];
    out[rule.name] = { ...f, text: fieldText(f, rule, bothDays && (rule.name === "dayOfMonth" || rule.name === "dayOfWeek")) };
  }
  return { ...out, expression: CRON_FIELDS.map((r) => out[r.name].text).join(" ") };
}

function fieldText(f: CronFieldValue, rule: FieldRule, noStar: boolean): string {
  if (f.any) return "*";
  if (rule.name === "dayOfWeek") return dayOfWeekText(f, noStar);
  const top = rule.max;
  return f.parts
    .map((p) => {
      if (p.star && !noStar) return p.step === 1 ? "*" : `*/${p.step}`;
      const range = p.start === p.end && p.step === 1 ? String(p.start) : `${p.start}-${p.end}`;
      return p.step === 1 ? range : `${p.start}-${p.end === p.start ? top : p.end}/${p.step}`;
    })
    .join(",");
}

/** Day of week: Sunday written 0, so a part reaching 7 is split (5-7 is 5-6,0). */
function dayOfWeekText(f: CronFieldValue, noStar: boolean): string {
  const out: string[] = [];
  for (const p of f.parts) {
    if (p.star && !noStar) out.push(p.step === 1 ? "*" : `*/${p.step}`);
    else if (p.step > 1) out.push(...stepValues(p).map(String));
    else if (p.end === 7) {
      if (p.start <= 6) out.push(p.start === 6 ? "6" : `${p.start}-6`);
      out.push("0");
    } else out.push(p.start === p.end ? String(p.start) : `${p.start}-${p.end}`);
  }
  return [...new Set(out)].join(",");
}

function stepValues(p: CronPart): number[] {
  const out: number[] = [];
  for (let v = p.start; v <= p.end; v += p.step) out.push(v === 7 ? 0 : v);
  return out;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A schedule whose days never come (31 February, 30 February, 31 April...). */
function neverRuns(c: Cron): string | undefined {
  if (c.dayOfMonth.any || !c.dayOfWeek.any) return undefined;
  const fits = c.month.values.some((m) => c.dayOfMonth.values.some((d) => d <= (DAYS_IN_MONTH[m - 1] as number)));
  if (fits) return undefined;
  return `never runs: no month in "${c.month.text}" has a day "${c.dayOfMonth.text}"`;
}

/** A minute on a calendar, as a schedule reads it (the scheduler's time zone is applied before). */
export interface CronMoment {
  minute: number;
  hour: number;
  dayOfMonth: number;
  month: number;
  /** 0 is Sunday. */
  dayOfWeek: number;
}

/** Does the schedule run at this minute? */
export function cronMatches(c: Cron, t: CronMoment): boolean {
  if (!c.minute.values.includes(t.minute) || !c.hour.values.includes(t.hour) || !c.month.values.includes(t.month)) return false;
  return dayMatches(c, t.dayOfMonth, t.dayOfWeek);
}

/** Does the schedule run on this day (POSIX: either day field, where both are restricted)? */
export function dayMatches(c: Cron, dayOfMonth: number, dayOfWeek: number): boolean {
  const dom = c.dayOfMonth.values.includes(dayOfMonth);
  const dow = c.dayOfWeek.values.includes(dayOfWeek);
  if (!c.dayOfMonth.any && !c.dayOfWeek.any) return dom || dow;
  return dom && dow;
}

/**
 * Runs a month on average: the runs in a reference year (2025, not a leap
 * year, counted day by day) divided by twelve. Time zones do not change the count.
 */
export function runsPerMonth(c: Cron): number {
  let days = 0;
  const start = Date.UTC(2025, 0, 1);
  for (let i = 0; i < 365; i++) {
    const d = new Date(start + i * 86_400_000);
    if (c.month.values.includes(d.getUTCMonth() + 1) && dayMatches(c, d.getUTCDate(), d.getUTCDay())) days++;
  }
  return (days * c.hour.values.length * c.minute.values.length) / 12;
}

/**
 * The shortest time between two runs, in minutes, over a reference year (2025) and into the next: the
 * schedule's minutes of a day are the same on every day it runs. Local time: a daylight saving change can
 * shorten one gap by an hour.
 */
export function shortestGapMinutes(c: Cron): number {
  const times = c.hour.values.flatMap((h) => c.minute.values.map((m) => h * 60 + m)).sort((a, b) => a - b);
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i++) gap = Math.min(gap, (times[i] as number) - (times[i - 1] as number));
  const first = times[0] ?? 0;
  const last = times.at(-1) ?? 0;
  let previous: number | undefined;
  const start = Date.UTC(2025, 0, 1);
  for (let i = 0; i < 365 + 366; i++) {
    const d = new Date(start + i * 86_400_000);
    if (!c.month.values.includes(d.getUTCMonth() + 1) || !dayMatches(c, d.getUTCDate(), d.getUTCDay())) continue;
    if (previous !== undefined) gap = Math.min(gap, (i - previous) * 1440 + first - last);
    previous = i;
  }
  return gap;
}

/**
 * A field's values written as a list of ranges (`1-5,7`), or `*` when they are
 * every value of the field: the form every cron accepts.
 */
export function valuesText(values: readonly number[], name: CronFieldName): string {
  const rule = CRON_FIELDS.find((r) => r.name === name) as FieldRule;
  const size = (name === "dayOfWeek" ? 6 : rule.max) - rule.min + 1;
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  if (sorted.length === size) return "*";
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    out.push(j > i + 1 ? `${sorted[i]}-${sorted[j]}` : j === i + 1 ? `${sorted[i]},${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return out.join(",");
}
