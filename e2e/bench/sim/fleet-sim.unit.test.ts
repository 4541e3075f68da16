import fc from "fast-check";
import { type ScalingPolicy, simulate } from "./fleet-sim.ts";
import { jicofoRedistributionDefaults } from "./load-redistribution.ts";
import { agonesBuffer, hpa, jitsiAutoscaler, staticFleet } from "./peers.ts";

const minute = 60_000;
const hour = 60 * minute;
const fixed = (name: string, removal: ScalingPolicy["removal"], schedule: (now: number) => number, initialBridges: number): ScalingPolicy => ({
  name,
  intervalMs: 5_000,
  removal,
  initialBridges,
  decide: (view) => schedule(view.now),
});

describe("fleet simulation", () => {
  test("a static fleet: bridge-hours are bridges x time, meetings spread over bridges, nobody cut", () => {
    const trace = Array.from({ length: 12 }, (_, i) => ({ startMs: i * 10_000, durationMs: 30 * minute, participants: 4 }));
    const r = simulate(trace, staticFleet(3), 0, hour);
    expect(r.bridgeHours).toBeCloseTo(3, 5);
    expect(r).toMatchObject({ interrupted: 0, conferencesRefused: 0, scaleActions: 0 });
    expect(r.overloadShare).toBe(0);
    expect(r.series.find((s) => s.t === 10 * minute)?.participants).toBe(48);
  });

  test("the warm-up is lived but not counted: figures start at measureFromMs, with what the fleet has then", () => {
    // Meetings that cut nothing: one in the warm-up, one across the start of the measured time.
    const trace = [
      { startMs: 0, durationMs: 10 * minute, participants: 4 },
      { startMs: 50 * minute, durationMs: 30 * minute, participants: 4 },
    ];
    const r = simulate(trace, staticFleet(2), 0, 2 * hour, { measureFromMs: hour });
    expect(r.bridgeHours).toBeCloseTo(2, 5);
    expect(r.series[0]?.t).toBe(hour);
    expect(r.series.find((s) => s.t === hour)?.participants).toBe(4);
    expect(r.scaleActions).toBe(0);
  });

  test("with no bridge a conference is refused; a new bridge is useful only after the start delay", () => {
    const trace = [
      { startMs: 0, durationMs: 10 * minute, participants: 4 },
      { startMs: 2 * minute, durationMs: 10 * minute, participants: 4 },
    ];
    const r = simulate(
      trace,
      fixed("late", "drain", () => 1, 0),
      0,
      20 * minute,
    );
    expect(r.conferencesRefused).toBe(1); // at 0 the first bridge is still starting; at 2 min it is ready
  });

  test("with an autoscaled node pool a new bridge waits for its node to boot, an emptied node lingers, and a new bridge reuses it", () => {
    const trace = [
      { startMs: 0, durationMs: 10 * minute, participants: 4 },
      { startMs: 3 * minute, durationMs: 10 * minute, participants: 4 },
    ];
    const one = fixed("one", "drain", () => 1, 0);
    const nodePool = { bootMs: 2 * minute, idleMs: 10 * minute };
    // Bridges on free nodes: node-hours are bridge-hours.
    const free = simulate(trace, one, 0, 20 * minute);
    expect(free.nodeHours).toBeCloseTo(free.bridgeHours, 5);
    // With a node to boot first, the bridge is ready only after 2 + 1 minutes: the meeting at 0 found none, the one at 3 found it.
    expect(simulate(trace, one, 0, 20 * minute, { nodePool }).conferencesRefused).toBe(1);
    // A bridge removed at 5 min leaves its node for 10 min; one created at 8 min takes it without booting.
    const churn = fixed("churn", "drain", (now) => (now < 5 * minute ? 1 : now < 8 * minute ? 0 : 1), 1);
    const r = simulate([], churn, 0, 30 * minute, { nodePool, drainSettleMs: 0 });
    expect(r.bridgeHours).toBeCloseTo((5 + 22) / 60, 1);
    expect(r.nodeHours).toBeCloseTo(30 / 60, 1);
    expect(r.peakNodes).toBe(1);
    expect(simulate([], churn, 0, 30 * minute, { nodePool: { ...nodePool, idleMs: minute } }).peakNodes).toBe(1);
  });

  test("removing the newest bridge cuts its meetings (HPA's ReplicaSet); draining never does", () => {
    const trace = Array.from({ length: 8 }, (_, i) => ({ startMs: 5 * minute + i * 10_000, durationMs: 40 * minute, participants: 4 }));
    const shrinkAt = (now: number) => (now < 20 * minute ? 2 : 1);
    const cut = simulate(trace, fixed("cut", "delete-newest", shrinkAt, 2), 0, hour);
    expect(cut.interrupted).toBe(4);
    const drained = simulate(trace, fixed("drain", "drain", shrinkAt, 2), 0, hour);
    expect(drained.interrupted).toBe(0);
    // The drained bridge stays until its meetings end (about 45 min), then goes.
    expect(drained.series.find((s) => s.t === 30 * minute)?.bridges).toBe(2);
    expect(drained.series.find((s) => s.t === 50 * minute)?.bridges).toBe(1);
  });

  test("a meeting that fills up over minutes has its people join step by step, its first ten sending", () => {
    const trace = [{ startMs: 0, durationMs: 20 * minute, participants: 120, joinMs: 4 * minute }];
    const ramp = simulate(trace, staticFleet(4), 0, 30 * minute);
    expect([0, 1, 2, 4, 10].map((m) => ramp.series.find((s) => s.t === m * minute)?.participants)).toEqual([3, 33, 63, 120, 120]);
    // Once all have joined it is the same meeting as one that started whole, on the same bridges.
    const whole = simulate([{ startMs: 0, durationMs: 20 * minute, participants: 120 }], staticFleet(4), 0, 30 * minute);
    expect(ramp).toMatchObject({ interrupted: 0, conferencesRefused: 0 });
    expect(ramp.series.find((s) => s.t === 10 * minute)).toEqual(whole.series.find((s) => s.t === 10 * minute));
  });

  test("Jicofo's load redistribution moves people off an overloaded bridge once others have room, cutting no meeting", () => {
    // 14 meetings of 8 land on the only bridge; two more are useful from 11 min on.
    const trace = Array.from({ length: 14 }, (_, i) => ({ startMs: i * 5_000, durationMs: hour, participants: 8 }));
    const growAt10 = () => fixed("grow", "drain", (now) => (now < 10 * minute ? 1 : 3), 1);
    const without = simulate(trace, growAt10(), 0, 80 * minute);
    const at09 = simulate(trace, growAt10(), 0, 80 * minute, { loadRedistribution: jicofoRedistributionDefaults });
    const at081 = simulate(trace, growAt10(), 0, 80 * minute, { loadRedistribution: { ...jicofoRedistributionDefaults, stressThreshold: 0.81 } });
    expect(without.endpointsMoved).toBe(0);
    expect(without.overloadShare).toBeGreaterThan(0.9);
    expect(at09.endpointsMoved).toBeGreaterThan(0);
    expect(at09.endpointsMoved % 10).toBe(0); // 10 at a time, from the largest meetings
    expect(at09.overloadShare).toBeLessThan(without.overloadShare);
    expect(at081.overloadShare).toBeLessThan(at09.overloadShare / 2);
    for (const r of [at09, at081]) {
      expect(r).toMatchObject({ interrupted: 0, conferencesRefused: 0 });
      expect(r.series.find((s) => s.t === 30 * minute)?.participants).toBe(112);
    }
  });

  test("property: graceful policies (drain) never cut a meeting before the drain deadline, whatever the trace", () => {
    const arbTrace = fc.array(
      fc.record({
        startMs: fc.integer({ min: 0, max: 50 * minute }),
        durationMs: fc.integer({ min: minute, max: 40 * minute }),
        participants: fc.integer({ min: 2, max: 30 }),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(arbTrace, fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 12, maxLength: 12 }), (trace, steps) => {
        const policy = fixed("wobble", "drain", (now) => steps[Math.floor(now / (5 * minute))] ?? 1, 2);
        expect(simulate(trace, policy, 0, hour).interrupted).toBe(0);
      }),
      { numRuns: 30 },
    );
  });

  test("the peers run and answer the way they are documented", () => {
    const burst = Array.from({ length: 40 }, (_, i) => ({ startMs: 10 * minute + i * 3_000, durationMs: 30 * minute, participants: 5 }));
    const h = simulate(burst, hpa(), 0, hour);
    expect(h.scaleActions).toBeGreaterThan(0);
    const a = simulate(burst, agonesBuffer(2), 0, hour);
    expect(a.interrupted).toBe(0); // Agones never removes an allocated server
    const j = simulate(burst, jitsiAutoscaler(), 0, hour);
    expect(j.interrupted).toBe(0); // graceful
  });
});
