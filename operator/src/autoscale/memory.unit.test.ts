import { TimeOfDayMemory } from "./memory.ts";

const mondayRome = Date.UTC(2026, 10, 22, 23, 0); // Monday 00:00 in Rome
const minute = 60_000;
const day = 24 * 60 * minute;

describe("TimeOfDayMemory", () => {
  test("answers what an earlier day of the same kind needed at a minute ahead, not today's own figures", () => {
    const m = new TimeOfDayMemory("Europe/Rome");
    m.record(mondayRome + 9 * 60 * minute, 8);
    expect(m.earlierDay(mondayRome + 8 * 60 * minute + 50 * minute, 10 * minute)).toBeUndefined(); // same day
    expect(m.earlierDay(mondayRome + day + 8 * 60 * minute + 50 * minute, 9 * minute)).toBeUndefined(); // another minute
    expect(m.earlierDay(mondayRome + day + 8 * 60 * minute + 50 * minute, 10 * minute)).toBe(8); // Tuesday
    expect(m.earlierDay(mondayRome + 5 * day + 8 * 60 * minute + 50 * minute, 10 * minute)).toBeUndefined(); // Saturday
  });

  test("keeps the highest figure of a minute today; a later day replaces an earlier day's record", () => {
    const m = new TimeOfDayMemory("UTC");
    const nine = mondayRome + 9 * 60 * minute;
    m.record(nine, 5);
    m.record(nine + 10_000, 3);
    expect(m.earlierDay(nine + day, 0)).toBe(5);
    m.record(nine + day, 2);
    expect(m.earlierDay(nine + 2 * day, 0)).toBe(2);
  });

  test("a snapshot restores the same answers; the revision moves only when a record changes", () => {
    const m = new TimeOfDayMemory("Europe/Rome");
    expect(m.revision).toBe(0);
    for (let t = 9 * 60 * minute; t < 10 * 60 * minute; t += minute) m.record(mondayRome + t, 4 + (Math.floor(t / (20 * minute)) % 3));
    expect(m.revision).toBe(60);
    m.record(mondayRome + 9 * 60 * minute + 5_000, 1); // lower than that minute's figure: nothing new
    expect(m.revision).toBe(60);

    const restored = TimeOfDayMemory.restore(JSON.parse(JSON.stringify(m.snapshot())), "Europe/Rome");
    for (let t = 8 * 60 * minute; t < 11 * 60 * minute; t += 7 * minute) {
      expect(restored.earlierDay(mondayRome + day + t, 0)).toBe(m.earlierDay(mondayRome + day + t, 0));
    }
    expect(restored.earlierDay(mondayRome + day + 9 * 60 * minute, 0)).toBeGreaterThan(0);
  });

  test("a snapshot of another time zone, or one that is not a snapshot, restores an empty memory", () => {
    const m = new TimeOfDayMemory("Europe/Rome");
    m.record(mondayRome + 9 * 60 * minute, 8);
    const tuesdayNine = mondayRome + day + 9 * 60 * minute;
    expect(TimeOfDayMemory.restore(m.snapshot(), "Europe/Rome").earlierDay(tuesdayNine, 0)).toBe(8);
    expect(TimeOfDayMemory.restore(m.snapshot(), "America/New_York").snapshot().slots).toEqual({});
    for (const junk of [
      null,
      "x",
      { version: 2, timeZone: "Europe/Rome", slots: {} },
      { version: 1, timeZone: "Europe/Rome", slots: { "weekday:540": [-1, 0] } },
    ]) {
      expect(TimeOfDayMemory.restore(junk, "Europe/Rome").snapshot().slots).toEqual({});
    }
  });
});
