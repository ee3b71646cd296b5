import { describe, expect, it } from "vitest";
import { cronMatches, parseCron, runsPerMonth, shortestGapMinutes, valuesText } from "./cron";
import { parseComponent } from "./parse";
import { ScheduledJobSpec } from "./public";
import { timeZoneProblem, zoneOffsets } from "./timezones";

const ok = (text: string) => {
  const r = parseCron(text);
  if (!r.cron) throw new Error(r.problems.join("; "));
  return r.cron;
};

describe("a schedule (standard 5-field cron)", () => {
  it("reads ranges, lists, steps and names into each field's values, written back canonically", () => {
    const c = ok("*/20 9-17 * JAN,jul mon-fri");
    // Names that hold a letter another cron uses as a mark (JUL's L, WED's W) are names here.
    expect(ok("0 2 * * WED").dayOfWeek.values).toEqual([3]);
    expect(c.minute.values).toEqual([0, 20, 40]);
    expect(c.hour.values).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(c.month.values).toEqual([1, 7]);
    expect(c.dayOfWeek.values).toEqual([1, 2, 3, 4, 5]);
    expect(ok("0 0 * * 7").dayOfWeek.values).toEqual([0]);
  });

  it("runs on either day when both day fields are restricted (POSIX), on the restricted one otherwise", () => {
    const both = ok("0 2 1 * 1");
    // 2025-12-01 is a Monday and the 1st; 2025-12-08 a Monday; 2025-12-02 neither.
    expect(cronMatches(both, { minute: 0, hour: 2, dayOfMonth: 8, month: 12, dayOfWeek: 1 })).toBe(true);
    expect(cronMatches(both, { minute: 0, hour: 2, dayOfMonth: 1, month: 12, dayOfWeek: 3 })).toBe(true);
    expect(cronMatches(both, { minute: 0, hour: 2, dayOfMonth: 2, month: 12, dayOfWeek: 2 })).toBe(false);
    expect(cronMatches(ok("0 2 * * 1"), { minute: 0, hour: 2, dayOfMonth: 1, month: 12, dayOfWeek: 3 })).toBe(false);
  });

  it("refuses what is not standard cron, each with the reason and the form to write", () => {
    expect(parseCron("0 2 * * ? *").problems).toEqual([expect.stringContaining("has 6 fields; a schedule is 5")]);
    expect(parseCron("0 2 ? * *").problems).toEqual([expect.stringContaining("`?` is not standard 5-field cron (it is AWS's)")]);
    expect(parseCron("0 2 L * *").problems).toEqual([expect.stringContaining("`L` (last)")]);
    expect(parseCron("@daily").problems).toEqual([expect.stringContaining('write it as 5 fields: "0 0 * * *"')]);
    expect(parseCron("61 2 * * *").problems).toEqual([expect.stringContaining("minute 61 is outside 0-59")]);
    expect(parseCron("0 2 31 2 *").problems.length).toBe(1);
  });

  it("counts the runs of an average month over a reference year", () => {
    expect(runsPerMonth(ok("0 2 * * *"))).toBeCloseTo(365 / 12, 5);
    expect(runsPerMonth(ok("0 2 * * 1-5"))).toBeCloseTo(261 / 12, 5);
    expect(runsPerMonth(ok("*/15 * * * *"))).toBeCloseTo((365 * 96) / 12, 5);
  });

  it("finds the shortest gap between two runs, within a day, across days and weekends, and at the year's turn", () => {
    expect(shortestGapMinutes(ok("*/15 * * * *"))).toBe(15);
    expect(shortestGapMinutes(ok("0 2 * * *"))).toBe(1440);
    expect(shortestGapMinutes(ok("0 2,3 * * *"))).toBe(60);
    expect(shortestGapMinutes(ok("50 23 * * *"))).toBe(1440);
    expect(shortestGapMinutes(ok("0 22 * * 1-5"))).toBe(1440);
    expect(shortestGapMinutes(ok("0 23 * * 5,6"))).toBe(1440);
    expect(shortestGapMinutes(ok("0 0 1 * *"))).toBe(28 * 1440);
    expect(shortestGapMinutes(ok("0 0 1 1 *"))).toBe(365 * 1440);
  });

  it("writes a field's values as ranges, or * when every value is there", () => {
    expect(valuesText([1, 2, 3, 5, 7, 8], "hour")).toBe("1-3,5,7,8");
    expect(valuesText([0, 1, 2, 3, 4, 5, 6], "dayOfWeek")).toBe("*");
  });
});

describe("a job's time zone", () => {
  it("takes IANA names and refuses the rest, suggesting the zone meant", () => {
    expect(timeZoneProblem("Europe/London")).toBeUndefined();
    expect(timeZoneProblem("UTC")).toBeUndefined();
    expect(timeZoneProblem("GMT+1")).toMatch(/is not an IANA time zone name/);
    expect(timeZoneProblem("Europe/Londn")).toMatch(/is not an IANA time zone name/);
  });

  it("finds both of Europe/London's offsets and the one of a zone without daylight saving", () => {
    expect(zoneOffsets("Europe/London")).toEqual([0, 60]);
    expect(zoneOffsets("Asia/Kolkata")).toEqual([330]);
  });

  it("defaults a job to Europe/London with a one-hour timeout and no retries, and lists every problem of a bad job", () => {
    const job = parseComponent(ScheduledJobSpec, { kind: "scheduled-job", image: "ghcr.io/example/app:1", schedule: "0 2 * * *" }, "nightly");
    expect(job).toMatchObject({ timeZone: "Europe/London", timeoutSeconds: 3600, retries: 0 });
    expect(() => parseComponent(ScheduledJobSpec, { kind: "scheduled-job", image: "ghcr.io/example/app:1", schedule: "0 2 * *", timeZone: "London", retries: 11 }, "nightly")).toThrow(
      /schedule[\s\S]*has 4 fields[\s\S]*timeZone[\s\S]*"London" is not an IANA time zone name[\s\S]*retries/,
    );
  });
});
