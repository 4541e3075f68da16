// What each minute of a kind of day (weekday, weekend) needed, in local time, as last recorded: the
// policy warms the fleet up from it before a time of day that was busy on an earlier day.
// It is kept as a snapshot (plain JSON) so the operator can store it with the fleet: a restart or a
// leadership change would otherwise forget every earlier day and leave the next morning's peak cold.

import { localTime } from "./schedule.ts";

/** A record this old comes from an earlier day; a younger one is today's, the reactive part's business. */
const earlierDayMs = 12 * 3_600_000;
const minuteMs = 60_000;

export interface MemorySnapshot {
  version: 1;
  timeZone: string;
  /** "weekday:540" (local minute of the day) -> [bridges needed, when recorded in epoch minutes]. */
  slots: Record<string, [number, number]>;
}

export class TimeOfDayMemory {
  readonly timeZone: string;
  private readonly slots = new Map<string, { needed: number; at: number }>();
  /** Counts changes of the records, so a stored snapshot can be known to be behind. */
  private changes = 0;

  constructor(timeZone: string) {
    this.timeZone = timeZone;
  }

  /** A stored snapshot for this time zone; one kept for another zone means other minutes, so it is dropped. */
  static restore(snapshot: unknown, timeZone: string): TimeOfDayMemory {
    const memory = new TimeOfDayMemory(timeZone);
    if (!isSnapshot(snapshot) || snapshot.timeZone !== timeZone) return memory;
    for (const [key, [needed, atMinutes]] of Object.entries(snapshot.slots)) memory.slots.set(key, { needed, at: atMinutes * minuteMs });
    return memory;
  }

  snapshot(): MemorySnapshot {
    const slots: MemorySnapshot["slots"] = {};
    for (const [key, { needed, at }] of this.slots) slots[key] = [needed, Math.floor(at / minuteMs)];
    return { version: 1, timeZone: this.timeZone, slots };
  }

  get revision(): number {
    return this.changes;
  }

  /** The same minute today keeps its highest figure; an earlier day's record is replaced. */
  record(now: number, needed: number): void {
    const key = this.key(now);
    const before = this.slots.get(key);
    if (before && now - before.at <= earlierDayMs && needed <= before.needed) return;
    this.slots.set(key, { needed, at: now });
    this.changes++;
  }

  /** What an earlier day of the same kind needed at the minute `aheadMs` from now, if it was recorded. */
  earlierDay(now: number, aheadMs: number): number | undefined {
    const record = this.slots.get(this.key(now + aheadMs));
    return record && now - record.at > earlierDayMs ? record.needed : undefined;
  }

  private key(ms: number): string {
    const { day, minute } = localTime(ms, this.timeZone);
    return `${day === 0 || day === 6 ? "weekend" : "weekday"}:${minute}`;
  }
}

function isSnapshot(value: unknown): value is MemorySnapshot {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<MemorySnapshot>;
  if (v.version !== 1 || typeof v.timeZone !== "string" || typeof v.slots !== "object" || v.slots === null) return false;
  return Object.values(v.slots).every((s) => Array.isArray(s) && s.length === 2 && s.every((n) => Number.isFinite(n) && n >= 0));
}
