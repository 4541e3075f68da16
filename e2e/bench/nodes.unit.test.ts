import { elasticNodeRecords, nodeBootsMs } from "./nodes.ts";
import { type ScalingPolicy, simulate } from "./sim/fleet-sim.ts";

const minute = 60_000;

describe("elastic media nodes in the benchmark", () => {
  test("a row without a node to boot, then one per boot time; node-hours cover bridge-hours and never exceed the fixed pool's", () => {
    // A morning ramp and its ebb: bridges come and go.
    const trace = Array.from({ length: 60 }, (_, i) => ({ startMs: i * minute, durationMs: (20 + (i % 7) * 5) * minute, participants: 6 + (i % 5) }));
    const c = { name: "ramp", fromMs: 0, toMs: 3 * 60 * minute };
    // Three bridges for the busy hour, then one: two are drained and their nodes emptied.
    const policy: ScalingPolicy = { name: "hour", intervalMs: 5_000, removal: "drain", initialBridges: 1, decide: (v) => (v.now < 60 * minute ? 3 : 1) };
    const rows = elasticNodeRecords(
      c,
      () => policy,
      (p, options) => simulate(trace, p, c.fromMs, c.toMs, options),
    );
    expect(rows.map((r) => r.bootS)).toEqual([undefined, ...nodeBootsMs.map((b) => b / 1000)]);
    expect(rows[0]!.nodeHours).toBeCloseTo(rows[0]!.bridgeHours, 5);
    for (const r of rows) {
      expect(r.nodeHours).toBeGreaterThanOrEqual(r.bridgeHours - 1e-9);
      expect(r.nodeHours).toBeLessThanOrEqual(r.fixedPoolNodeHours + 1e-9);
      expect(r.fixedPoolNodeHours).toBeCloseTo(r.peakNodes * 3, 5);
    }
    // Emptied nodes linger before they go: with a pool, the media nodes cost more than the bridges.
    expect(rows[1]!.nodeHours).toBeGreaterThan(rows[1]!.bridgeHours);
  });
});
