/**
 * Time zones, by their IANA names (https://www.iana.org/time-zones), read
 * through Node's own copy of the time zone database (Intl): whether a name is
 * one, and the offsets from UTC a zone uses. Nothing is fetched.
 */

/** The zone a schedule uses when it names none: the United Kingdom's, with its daylight saving. */
export const DEFAULT_TIME_ZONE = "Europe/London";

/** `Area/Location` (or `Area/Region/Location`), or UTC. */
const IANA_FORM = /^(?:UTC|Etc\/UTC|[A-Z][A-Za-z_-]+(?:\/[A-Za-z0-9_+-]+){1,2})$/;

/** Is this an IANA time zone name this machine's time zone database knows? With the zone meant, where it is another name for one. */
export function timeZoneProblem(name: string): string | undefined {
  let resolved: string | undefined;
  try {
    resolved = new Intl.DateTimeFormat("en-GB", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    resolved = undefined;
  }
  if (resolved && IANA_FORM.test(name)) return undefined;
  const hint = resolved && IANA_FORM.test(resolved) && resolved !== name ? `; did you mean "${resolved}"?` : "";
  return `${JSON.stringify(name)} is not an IANA time zone name such as Europe/London, America/New_York or UTC${hint}`;
}

/** The zone's offset from UTC at an instant, minutes east of Greenwich (Europe/London in July: 60). */
export function utcOffsetAt(zone: string, at: Date): number {
  const text = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" }).formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(text);
  if (!m?.[1]) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/**
 * Every offset a zone uses, ascending: sampled twice a month over 2025-2027
 * (fixed years, so a plan never depends on the day it is made), which finds
 * each daylight saving rule in force.
 */
export function zoneOffsets(zone: string): number[] {
  const seen = new Set<number>();
  for (let year = 2025; year <= 2027; year++) {
    for (let month = 0; month < 12; month++) for (const day of [1, 15]) seen.add(utcOffsetAt(zone, new Date(Date.UTC(year, month, day, 12))));
  }
  return [...seen].sort((a, b) => a - b);
}

/** An offset as text: +01:00, -05:00, +05:30. */
export function offsetText(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const m = Math.abs(minutes);
  return `${sign}${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}
