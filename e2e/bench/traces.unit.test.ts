import { concurrentParticipants, flashCrowdTrace, joinedBy, meetingSize, schoolMorningTrace, seededRandom, weekTrace } from "./traces.ts";

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("synthetic traces", () => {
  const week = weekTrace();

  test("are deterministic for a seed and differ between seeds", () => {
    expect(weekTrace(1).slice(0, 50)).toEqual(week.slice(0, 50));
    expect(weekTrace(2).slice(0, 50)).not.toEqual(week.slice(0, 50));
    expect(seededRandom(7)()).toBe(seededRandom(7)());
  });

  test("the week peaks near 1,000 concurrent participants, on working days, with quiet nights and weekends", () => {
    const samples = Array.from({ length: 7 * 24 * 12 }, (_, i) => ({ t: i * 5 * minute, load: concurrentParticipants(week, i * 5 * minute) }));
    const peak = Math.max(...samples.map((s) => s.load));
    expect(peak).toBeGreaterThan(700);
    expect(peak).toBeLessThan(1_500);
    const at = (d: number, h: number) => mean(samples.filter((s) => Math.floor(s.t / day) === d && Math.floor((s.t % day) / hour) === h).map((s) => s.load));
    expect(at(1, 3)).toBeLessThan(at(1, 10) / 10); // 3:00 vs 10:00 on Tuesday
    expect(at(6, 10)).toBeLessThan(at(1, 10) / 3); // Sunday vs Tuesday
  });

  test("arrivals burst at :00 and :30, sizes are heavy-tailed (mean 7-10), durations average about 50 minutes", () => {
    const inBurst = week.filter((c) => c.startMs % (30 * minute) < 2 * minute).length / week.length;
    expect(inBurst).toBeGreaterThan(0.3); // 2 minutes of every 30 hold about a third of the arrivals
    const sizes = week.map((c) => c.participants);
    expect(mean(sizes)).toBeGreaterThan(7);
    expect(mean(sizes)).toBeLessThan(10);
    expect(sizes.filter((s) => s <= 4).length / sizes.length).toBeGreaterThan(0.6);
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(50);
    expect(mean(week.map((c) => c.durationMs)) / minute).toBeGreaterThan(45);
    expect(mean(week.map((c) => c.durationMs)) / minute).toBeLessThan(55);
    const random = seededRandom(9);
    expect(Array.from({ length: 10_000 }, () => meetingSize(random)).every((s) => s >= 2 && s <= 200)).toBe(true);
  });

  test("the school morning starts its classes within a minute of 8:00 and 9:00", () => {
    const trace = schoolMorningTrace();
    const classes = trace.filter((c) => c.participants >= 25);
    expect(classes.every((c) => c.startMs % hour < minute && [8, 9].includes(Math.floor(c.startMs / hour)))).toBe(true);
    expect(concurrentParticipants(trace, 9 * hour + 2 * minute)).toBeGreaterThan(900);
    expect(concurrentParticipants(trace, 7 * hour + 59 * minute)).toBeLessThan(100);
  });

  test("the flash crowd's press conference of 300 fills up evenly over two minutes from 11:00:30", () => {
    const trace = flashCrowdTrace();
    const press = trace.find((c) => c.participants === 300)!;
    expect(press).toMatchObject({ startMs: 11 * hour + 30_000, joinMs: 2 * minute });
    expect([0, 30_000, 60_000, 120_000, 180_000].map((after) => joinedBy(press, press.startMs + after))).toEqual([0, 75, 150, 300, 300]);
    const jump = concurrentParticipants(trace, 11 * hour + 2 * minute + 30_000) - concurrentParticipants(trace, 11 * hour + 29_999);
    expect(jump).toBeGreaterThanOrEqual(280);
    // Meetings without a join time are whole from their start.
    expect(joinedBy({ startMs: 10, durationMs: 60_000, participants: 4 }, 10)).toBe(4);
    expect(joinedBy({ startMs: 10, durationMs: 60_000, participants: 4 }, 9)).toBe(0);
  });
});
