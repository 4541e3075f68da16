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
const minuteMs = 60_000;
/** Per time zone: its formatter and the local times of the UTC minutes asked for lately. */
const zones = new Map<string, { format: Intl.DateTimeFormat; minutes: Map<number, Readonly<LocalTime>> }>();
/** Enough for a week of minutes; the policy asks for now and a few minutes ahead, so a full cache is simply dropped. */
const maxCachedMinutes = 10_080;

export interface LocalTime {
  day: number;
  minute: number;
}

/**
 * Weekday (0 = Sunday) and minute of the day at `ms` in `timeZone`. Kept per UTC minute: formatting a
 * date costs tens of microseconds, the policy asks on every stats tick, and today's time zones change
 * their offset only at whole minutes, so a UTC minute has one local minute.
 */
export function localTime(ms: number, timeZone: string): Readonly<LocalTime> {
  let zone = zones.get(timeZone);
  if (!zone) {
    const format = new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    zone = { format, minutes: new Map() };
    zones.set(timeZone, zone);
  }
  const utcMinute = Math.floor(ms / minuteMs);
  let local = zone.minutes.get(utcMinute);
  if (!local) {
    const parts = Object.fromEntries(zone.format.formatToParts(utcMinute * minuteMs).map((p) => [p.type, p.value]));
    local = { day: weekdays.indexOf(parts.weekday ?? ""), minute: Number(parts.hour) * 60 + Number(parts.minute) };
    if (zone.minutes.size >= maxCachedMinutes) zone.minutes.clear();
    zone.minutes.set(utcMinute, local);
  }
  return local;
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
