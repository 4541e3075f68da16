// Scheduled minimums in local time, e.g. "Monday-Friday 07:50-13:00 Europe/Rome: at least 30 bridges",
// so capacity is warm before lectures start on the hour: a burst arrives faster than a bridge starts,
// and meetings never move off the bridges they landed on.

export interface ScheduleEntry {
  /** Days of the week, 0 = Sunday ... 6 = Saturday. */
  days: number[];
  /** Local start and end, "HH:MM" (end exclusive; an end before the start wraps past midnight). */
  start: string;
  end: string;
  minReplicas: number;
}

const weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Weekday (0 = Sunday) and minute of the day at `ms` in `timeZone`. */
export function localTime(ms: number, timeZone: string): { day: number; minute: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(ms).map((p) => [p.type, p.value]));
  return { day: weekdays.indexOf(parts.weekday ?? ""), minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

const minuteOf = (hhmm: string) => {
  const [h = "0", m = "0"] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
};

/** The highest scheduled minimum in force at `ms` (0 when none applies). */
export function scheduledMinimum(schedule: readonly ScheduleEntry[], ms: number, timeZone: string): number {
  if (schedule.length === 0) return 0;
  const { day, minute } = localTime(ms, timeZone);
  let minimum = 0;
  for (const entry of schedule) {
    const start = minuteOf(entry.start);
    const end = minuteOf(entry.end);
    const wraps = end <= start;
    const inWindow = wraps ? minute >= start || minute < end : minute >= start && minute < end;
    // A window that wraps past midnight belongs, after midnight, to the day it started on.
    const startedOn = wraps && minute < end ? (day + 6) % 7 : day;
    if (inWindow && entry.days.includes(startedOn)) minimum = Math.max(minimum, entry.minReplicas);
  }
  return minimum;
}
