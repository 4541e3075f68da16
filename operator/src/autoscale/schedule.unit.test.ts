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
