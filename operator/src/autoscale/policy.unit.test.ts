import fc from "fast-check";
import { TimeOfDayMemory } from "./memory.ts";
import { FleetPolicy } from "./policy.ts";

const bridge = (participants: number, stress: number) => ({ participants, stress });
/** The default bridge's worth of headroom switched off, so that tests of the other mechanisms read directly. */
const noHeadroom = { headroom: 0 };
/** Neither fixed headroom nor the room that follows the day: a memory's effect alone. */
const noRoom = { ...noHeadroom, roomForRises: false, roomForLargestConference: false };

describe("FleetPolicy", () => {
  test("keeps the mean stress of usable bridges at or below the target", () => {
    const p = new FleetPolicy({ ...noHeadroom, targetStress: 0.6, minReplicas: 1 });
    // 2 bridges at 0.7: 1.4 of load needs 3 bridges at 0.6.
    expect(p.decide(0, [bridge(90, 0.7), bridge(90, 0.7)], 2).desired).toBe(3);
  });

  test("asks for bridges before the threshold is crossed when participants grow fast", () => {
    const steady = new FleetPolicy({ lookaheadMs: 90_000 });
    const growing = new FleetPolicy({ lookaheadMs: 90_000 });
    const at = (_t: number, people: number) => [bridge(people / 2, people / 2 / 133), bridge(people / 2, people / 2 / 133)];
    steady.decide(0, at(0, 120), 2);
    growing.decide(0, at(0, 60), 2);
    const steadyNow = steady.decide(60_000, at(60_000, 120), 2);
    const growingNow = growing.decide(60_000, at(60_000, 120), 2);
    expect(growingNow.desired).toBeGreaterThan(steadyNow.desired);
    expect(growingNow.reason).toBe("Growth");
  });

  test("a bridge past the threshold is not capacity: there is always one bridge with room", () => {
    const p = new FleetPolicy();
    const d = p.decide(0, [bridge(100, 1.4), bridge(2, 0.02)], 2);
    expect(d.desired).toBeGreaterThanOrEqual(2);
    expect(new FleetPolicy().decide(0, [bridge(100, 1.4)], 1).desired).toBe(2);
  });

  test("scales down only after the stabilization window, and within bounds", () => {
    const p = new FleetPolicy({ scaleDownWindowMs: 600_000, minReplicas: 2, maxReplicas: 5 });
    expect(p.decide(0, [bridge(200, 0.8), bridge(200, 0.8), bridge(200, 0.8)], 3).desired).toBe(4);
    expect(p.decide(300_000, [bridge(5, 0.03)], 4)).toMatchObject({ desired: 4, reason: "Stabilized" });
    expect(p.decide(700_000, [bridge(5, 0.03)], 4).desired).toBe(2);
    expect(new FleetPolicy({ maxReplicas: 5 }).decide(0, Array(10).fill(bridge(100, 0.9)), 10)).toMatchObject({ desired: 5, reason: "Bounds" });
  });

  test("bridges with unknown figures may be full: the fleet holds its size while there are any, and grows from what it sees", () => {
    const p = new FleetPolicy({ scaleDownWindowMs: 0, minReplicas: 1 });
    // Ten bridges; nine cannot be read. From the one that can, a single bridge would do.
    expect(p.decide(0, [bridge(5, 0.04)], 10, 9)).toMatchObject({ desired: 10, reason: "UnknownFigures" });
    expect(p.decide(1_000, [bridge(5, 0.04)], 10, 9).message).toContain("9 bridges with unknown figures");
    // Growth is still read from the bridges that answer.
    expect(p.decide(2_000, [bridge(90, 0.7), bridge(90, 0.7)], 3, 1).desired).toBeGreaterThan(3);
    // Figures back: the same load lets the fleet shrink.
    expect(p.decide(3_000, [bridge(5, 0.04)], 10, 0).desired).toBe(2);
  });

  test("property: with any bridge unknown the answer is never below the current size (within maxReplicas)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ participants: fc.integer({ min: 0, max: 150 }), stress: fc.double({ min: 0, max: 2, noNaN: true }) }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 60 }),
        (samples, unknown, current) => {
          const d = new FleetPolicy({ minReplicas: 0, maxReplicas: 50, scaleDownWindowMs: 0 }).decide(
            0,
            samples.map((s) => bridge(s.participants, s.stress)),
            current,
            unknown,
          );
          expect(d.desired).toBeGreaterThanOrEqual(Math.min(current, 50));
        },
      ),
    );
  });

  test("headroom adds bridges' worth of room (one by default); a scale-up window waits until the need has lasted that long", () => {
    const load = [bridge(90, 0.7), bridge(90, 0.7)];
    // 1.4 of load needs 3 bridges at 0.6, plus the headroom.
    expect(new FleetPolicy({ targetStress: 0.6 }).decide(0, load, 2).desired).toBe(4);
    expect(new FleetPolicy({ targetStress: 0.6, headroom: 2 }).decide(0, load, 2).desired).toBe(5);
    // An idle fleet keeps a single bridge: the headroom is room on top of load, not a floor.
    expect(new FleetPolicy().decide(0, [bridge(0, 0)], 1).desired).toBe(1);
    const patient = new FleetPolicy({ ...noHeadroom, targetStress: 0.6, scaleUpWindowMs: 60_000, minReplicas: 2 });
    expect(patient.decide(0, [bridge(90, 0.2), bridge(90, 0.2)], 2).desired).toBe(2);
    expect(patient.decide(30_000, load, 2)).toMatchObject({ desired: 2, reason: "Stabilized" });
    expect(patient.decide(59_000, load, 2).desired).toBe(2); // the quiet figure at 0 s is still in the window
    expect(patient.decide(61_000, load, 2).desired).toBe(3);
  });

  test("with targetParticipants the larger of the two needs wins, headroom included, and the reason says which", () => {
    // Big bridges whose stress reads low: 200 people at 0.3 each.
    const loose = [bridge(100, 0.3), bridge(100, 0.3)];
    expect(new FleetPolicy({ ...noHeadroom }).decide(0, loose, 2)).toMatchObject({ desired: 1, reason: "Capacity" });
    expect(new FleetPolicy({ ...noHeadroom, targetParticipants: 50 }).decide(0, loose, 2)).toMatchObject({ desired: 4, reason: "Participants" });
    expect(new FleetPolicy({ targetParticipants: 50 }).decide(0, loose, 2).desired).toBe(5);
    // Stress needs 3 bridges at 0.6, participants only 2 at 100 each: stress decides.
    expect(new FleetPolicy({ ...noHeadroom, targetParticipants: 100 }).decide(0, [bridge(90, 0.7), bridge(90, 0.7)], 2)).toMatchObject({
      desired: 3,
      reason: "Capacity",
    });
  });

  test("property: the answer is within bounds and never below what the current load needs at the target", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ participants: fc.integer({ min: 0, max: 150 }), stress: fc.double({ min: 0, max: 2, noNaN: true }) }), { maxLength: 20 }),
        (samples) => {
          const p = new FleetPolicy({ minReplicas: 1, maxReplicas: 50 });
          const d = p.decide(
            0,
            samples.map((s) => bridge(s.participants, s.stress)),
            samples.length,
          );
          expect(d.desired).toBeGreaterThanOrEqual(1);
          expect(d.desired).toBeLessThanOrEqual(50);
          const cool = samples.filter((s) => s.stress < 0.8).reduce((a, s) => a + s.stress, 0);
          const hot = samples.filter((s) => s.stress >= 0.8).length;
          if (d.reason !== "Bounds") expect(d.desired).toBeGreaterThanOrEqual(Math.min(50, hot + Math.ceil(cool / 0.6 - 1e-9)) - 1);
        },
      ),
    );
  });

  test("property: with targetParticipants no bridge needs to hold more people than that, within bounds", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 20 }), fc.integer({ min: 1, max: 200 }), (people, targetParticipants) => {
        const p = new FleetPolicy({ ...noHeadroom, targetParticipants, minReplicas: 1, maxReplicas: 50 });
        const d = p.decide(
          0,
          people.map((n) => bridge(n, n / 200)),
          people.length,
        );
        const total = people.reduce((a, n) => a + n, 0);
        expect(d.desired).toBeGreaterThanOrEqual(1);
        expect(d.desired).toBeLessThanOrEqual(50);
        if (d.reason !== "Bounds") expect(d.desired * targetParticipants).toBeGreaterThanOrEqual(total);
      }),
    );
  });

  const mondayRome = Date.UTC(2026, 10, 22, 23, 0); // Monday 00:00 in Rome
  const minute = 60_000;
  const hour = 60 * minute;

  test("keeps the scheduled minimum in force, in local time, before any load arrives", () => {
    const p = new FleetPolicy({ timeZone: "Europe/Rome", schedule: [{ days: [1, 2, 3, 4, 5], start: "07:50", end: "10:00", minReplicas: 30 }] });
    expect(p.decide(mondayRome + 7 * hour + 45 * minute, [], 1).desired).toBe(1);
    expect(p.decide(mondayRome + 7 * hour + 50 * minute, [], 1)).toMatchObject({ desired: 30, reason: "Schedule" });
  });

  test("warms up ahead of the time of day at which an earlier day of the same kind needed more", () => {
    const p = new FleetPolicy({ ...noRoom, timeZone: "Europe/Rome", prewarmLeadMs: 12 * minute, scaleDownWindowMs: minute });
    const busy = Array.from({ length: 6 }, () => bridge(100, 0.75)); // 4.5 of stress: 8 bridges at 0.6
    // Monday: quiet until 9:00, then busy for an hour.
    for (let t = 8 * hour; t < 10 * hour; t += 5_000) p.decide(mondayRome + t, t >= 9 * hour ? busy : [], t >= 9 * hour ? 8 : 1);
    // Tuesday 08:50, still quiet: the fleet is asked to be ready for 9:00 already.
    const tuesday = mondayRome + 24 * hour;
    expect(p.decide(tuesday + 8 * hour + 40 * minute, [], 1).desired).toBe(1);
    expect(p.decide(tuesday + 8 * hour + 50 * minute, [], 1)).toMatchObject({ desired: 8, reason: "History" });
    // A Saturday does not inherit the weekdays' pattern.
    expect(p.decide(mondayRome + 5 * 24 * hour + 8 * hour + 50 * minute, [], 1).desired).toBe(1);
  });

  test("adds the rise an earlier day saw in the next minutes to today's need, rather than holding that day's level", () => {
    const spec = { ...noRoom, timeZone: "Europe/Rome", prewarmLeadMs: 6 * minute, scaleDownWindowMs: minute };
    const p = new FleetPolicy(spec);
    const worth = (n: number) => Array.from({ length: n }, () => bridge(60, 0.6)); // n bridges' worth at target 0.6
    // Monday: 4 bridges' worth until 9:00, then 12.
    for (let t = 8 * hour; t < 10 * hour; t += 5_000) p.decide(mondayRome + t, worth(t >= 9 * hour ? 12 : 4), 4);
    const tuesday = mondayRome + 24 * hour;
    // A busier Tuesday (8 bridges' worth at 8:56): 8 plus the 8 that Monday added at 9:00.
    expect(p.decide(tuesday + 8 * hour + 56 * minute, worth(8), 8)).toMatchObject({ desired: 16, reason: "History" });
    // A quiet Wednesday: 1 plus 8, not Monday's 12.
    const quiet = new FleetPolicy(spec, { memory: TimeOfDayMemory.restore(p.memory.snapshot(), "Europe/Rome") });
    expect(quiet.decide(tuesday + 24 * hour + 8 * hour + 56 * minute, [], 1)).toMatchObject({ desired: 9, reason: "History" });
  });

  test("a policy started with a restored memory warms up as the one that recorded it would have", () => {
    const first = new FleetPolicy({ ...noHeadroom, timeZone: "Europe/Rome", scaleDownWindowMs: minute });
    const busy = Array.from({ length: 6 }, () => bridge(100, 0.75));
    for (let t = 9 * hour; t < 10 * hour; t += 5_000) first.decide(mondayRome + t, busy, 8);
    const stored = JSON.parse(JSON.stringify(first.memory.snapshot()));
    const restarted = new FleetPolicy(
      { ...noHeadroom, timeZone: "Europe/Rome", scaleDownWindowMs: minute },
      { memory: TimeOfDayMemory.restore(stored, "Europe/Rome") },
    );
    expect(restarted.decide(mondayRome + 24 * hour + 8 * hour + 55 * minute, [], 1)).toMatchObject({ desired: 8, reason: "History" });
    // A memory kept for another time zone is not used.
    const moved = new FleetPolicy({ timeZone: "UTC", scaleDownWindowMs: minute }, { memory: TimeOfDayMemory.restore(stored, "Europe/Rome") });
    expect(moved.memory.snapshot()).toMatchObject({ timeZone: "UTC", slots: {} });
  });

  test("holds the largest rise in participants seen within a start-up time, for burstMemoryMs", () => {
    const spec = { ...noRoom, scaleDownWindowMs: 0, burstMemoryMs: hour };
    const withRises = new FleetPolicy({ ...spec, roomForRises: true });
    const without = new FleetPolicy(spec);
    const people = (n: number) => [bridge(n / 2, n / 2 / 100), bridge(n / 2, n / 2 / 100)];
    const feed = (t: number, n: number) => [withRises.decide(t, people(n), 4).desired, without.decide(t, people(n), 4).desired];
    feed(0, 100);
    // 300 people arrive within a minute: faster than a bridge starts.
    feed(60_000, 400);
    // Back to 100: the reactive policy shrinks, the one that saw the burst keeps room for another.
    const [after, reactive] = feed(20 * minute, 100);
    expect(reactive).toBe(2);
    // 100 + 300 people at 0.01 each (4.0 of stress), held halfway between target and threshold (0.7): 6 bridges.
    expect(after).toBe(6);
    // The burst is forgotten after burstMemoryMs.
    expect(feed(2 * hour, 100)).toEqual([2, 2]);
  });

  test("lowers the target by the largest conference lately, only once a bridge of the fleet went past the threshold", () => {
    const spec = { ...noHeadroom, roomForRises: false, scaleDownWindowMs: 0 };
    const p = new FleetPolicy(spec);
    const plain = new FleetPolicy({ ...spec, roomForLargestConference: false });
    // Three bridges at 0.55, each with a class of 30 (0.3 of stress at this fleet's 0.01 a person).
    const calm = Array.from({ length: 3 }, () => ({ participants: 55, stress: 0.55, largestConference: 30 }));
    expect(p.decide(0, calm, 3).desired).toBe(plain.decide(0, calm, 3).desired);
    // One bridge went past the threshold: from now on every bridge keeps room for a class of 30.
    const hot = [{ participants: 85, stress: 0.85, largestConference: 30 }, ...calm.slice(1)];
    p.decide(minute, hot, 3);
    const lowered = p.decide(2 * minute, calm, 3);
    // 1.65 of load at 0.8 - 0.3 = 0.5: 4 bridges, where the target 0.6 asks for 3.
    expect(lowered.desired).toBe(4);
    expect(plain.decide(2 * minute, calm, 3).desired).toBe(3);
    // A day without overload gives the target back.
    expect(p.decide(26 * hour, calm, 4).desired).toBe(3);
  });

  test("a policy taking over a running fleet holds what it finds for one scale-down window, and grows at once", () => {
    const spec = { scaleDownWindowMs: 10 * minute, minReplicas: 1 };
    const quiet = [bridge(5, 0.03)];
    // Eight bridges running, one of them with people: a fresh policy would shrink to 2 at once.
    expect(new FleetPolicy(spec).decide(0, quiet, 8).desired).toBe(2);
    const successor = new FleetPolicy(spec, { takesOver: true });
    expect(successor.decide(0, quiet, 8)).toMatchObject({ desired: 8, reason: "Stabilized" });
    expect(successor.decide(9 * minute, quiet, 8).desired).toBe(8);
    // The window it did not see is over: from here on its own figures decide.
    expect(successor.decide(10 * minute + 1, quiet, 8).desired).toBe(2);
    // Taking over never holds a fleet back from growing.
    const hot = Array(3).fill(bridge(90, 0.9));
    const grown = new FleetPolicy(spec, { takesOver: true }).decide(0, hot, 3).desired;
    expect(grown).toBeGreaterThan(3);
    expect(grown).toBe(new FleetPolicy(spec).decide(0, hot, 3).desired);
  });

  test("a successor given the recent maxima keeps the room for bursts and large conferences that its predecessor kept", () => {
    const spec = { ...noHeadroom, scaleDownWindowMs: 0, burstMemoryMs: hour };
    const first = new FleetPolicy(spec);
    const calm = Array.from({ length: 3 }, () => ({ participants: 55, stress: 0.55, largestConference: 30 }));
    const hot = [{ participants: 85, stress: 0.85, largestConference: 30 }, ...calm.slice(1)];
    first.decide(0, calm, 3);
    first.decide(minute, hot, 3);
    first.decide(2 * minute, [...calm, ...calm], 6); // a rise of 165 people within a minute
    const stored = JSON.parse(JSON.stringify(first.recent()));
    const successor = new FleetPolicy(spec, { recent: stored });
    const forgetful = new FleetPolicy(spec);
    const later = 20 * minute;
    expect(successor.decide(later, calm, 3).desired).toBe(first.decide(later, calm, 3).desired);
    expect(successor.decide(later, calm, 3).desired).toBeGreaterThan(forgetful.decide(later, calm, 3).desired);
    // What is not a snapshot of the recent maxima is ignored, not trusted.
    for (const junk of [undefined, null, "x", { version: 2, rises: [[1, 5]] }])
      expect(new FleetPolicy(spec, { recent: junk }).decide(later, calm, 3).desired).toBe(forgetful.decide(later, calm, 3).desired);
  });

  test("bridges warmed from an earlier day stay through the scale-down window when today's burst comes late", () => {
    const p = new FleetPolicy({ ...noRoom, timeZone: "Europe/Rome" });
    const worth = (n: number) => Array.from({ length: n }, () => bridge(60, 0.6));
    for (let t = 8 * hour; t < 10 * hour; t += 5_000) p.decide(mondayRome + t, worth(t >= 9 * hour ? 8 : 1), 1);
    const tuesday = mondayRome + 24 * hour;
    for (let t = 8 * hour + 50 * minute; t < 8 * hour + 57 * minute; t += 5_000) p.decide(tuesday + t, worth(1), 1);
    expect(p.decide(tuesday + 8 * hour + 57 * minute, worth(1), 8)).toMatchObject({ desired: 8, reason: "History" });
    // 9:03 and the classes are late: Monday's record has passed its rise, but the warm bridges stay.
    expect(p.decide(tuesday + 9 * hour + 3 * minute, worth(1), 8).desired).toBe(8);
  });
});
