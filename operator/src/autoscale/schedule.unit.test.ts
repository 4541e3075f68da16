import fc from "fast-check";
import { localTime, scheduledMinimum } from "./schedule.ts";

// Monday 2026-11-23 08:00 in Rome is 07:00 UTC (CET, UTC+1).
const mondayRome8 = Date.UTC(2026, 10, 23, 7, 0);
const minute = 60_000;
const hour = 60 * minute;

describe("scheduled minimums", () => {
  const lectures = [{ days: [1, 2, 3, 4, 5], start: "07:50", end: "13:00", minReplicas: 30 }];

  test("local time follows the time zone", () => {
    expect(localTime(mondayRome8, "Europe/Rome")).toEqual({ day: 1, minute: 8 * 60 });
    expect(localTime(mondayRome8, "UTC")).toEqual({ day: 1, minute: 7 * 60 });
  });

  test("the local time kept per UTC minute is what formatting that very instant gives, across DST and odd offsets", () => {
    const zones = ["Europe/Rome", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham"];
    const fresh = (ms: number, timeZone: string) => {
      const format = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "long", hour: "numeric", minute: "numeric", hourCycle: "h23" });
      const parts = Object.fromEntries(format.formatToParts(ms).map((p) => [p.type, p.value]));
      const days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
      return { day: days.indexOf(parts.weekday!), minute: Number(parts.hour) * 60 + Number(parts.minute) };
    };
    // Instants near the 2026 DST changes of those zones, and anywhere in 2026-2027; asked twice, so the second is cached.
    const changes = [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1), Date.UTC(2026, 2, 8, 7), Date.UTC(2026, 3, 4, 15), Date.UTC(2026, 8, 26, 14)];
    const instant = fc.oneof(
      fc.tuple(fc.constantFrom(...changes), fc.integer({ min: -2 * hour, max: 2 * hour })).map(([at, offset]) => at + offset),
      fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2028, 0, 1) }),
    );
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (ms, timeZone) => {
        expect(localTime(ms, timeZone)).toEqual(fresh(ms, timeZone));
        expect(localTime(ms + 59_999 - (ms % minute), timeZone)).toEqual(fresh(ms, timeZone));
      }),
      { numRuns: 2_000 },
    );
  });

  test("applies inside the window, on the listed days only, in the zone's local time", () => {
    expect(scheduledMinimum(lectures, mondayRome8 - 11 * minute, "Europe/Rome")).toBe(0); // 07:49
    expect(scheduledMinimum(lectures, mondayRome8 - 10 * minute, "Europe/Rome")).toBe(30); // 07:50
    expect(scheduledMinimum(lectures, mondayRome8 + 5 * hour - minute, "Europe/Rome")).toBe(30); // 12:59
    expect(scheduledMinimum(lectures, mondayRome8 + 5 * hour, "Europe/Rome")).toBe(0); // 13:00
    expect(scheduledMinimum(lectures, mondayRome8 + 5 * 24 * hour, "Europe/Rome")).toBe(0); // Saturday 08:00
    expect(scheduledMinimum(lectures, mondayRome8, "UTC")).toBe(0); // 07:00 in UTC is before 07:50
    expect(scheduledMinimum(lectures, mondayRome8 + hour, "UTC")).toBe(30); // 08:00 UTC
  });

  test("overlapping entries take the highest minimum; a window past midnight belongs to its start day", () => {
    const schedule = [...lectures, { days: [1], start: "09:00", end: "10:00", minReplicas: 40 }, { days: [5], start: "22:00", end: "02:00", minReplicas: 5 }];
    expect(scheduledMinimum(schedule, mondayRome8 + hour + 30 * minute, "Europe/Rome")).toBe(40); // Monday 09:30
    expect(scheduledMinimum(schedule, mondayRome8 + 4 * 24 * hour + 15 * hour, "Europe/Rome")).toBe(5); // Friday 23:00
    expect(scheduledMinimum(schedule, mondayRome8 + 4 * 24 * hour + 17 * hour, "Europe/Rome")).toBe(5); // Saturday 01:00
    expect(scheduledMinimum(schedule, mondayRome8 - 7 * hour, "Europe/Rome")).toBe(0); // Monday 01:00 (Sunday's night: no entry)
  });
});
