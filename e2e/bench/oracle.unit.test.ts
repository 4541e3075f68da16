import fc from "fast-check";
import { oracle, packBridges } from "./oracle.ts";

describe("oracle", () => {
  test("packs small conferences tightly and never below the fractional bound", () => {
    expect(packBridges([])).toBe(0);
    expect(packBridges([0.3, 0.3, 0.3])).toBe(2); // 0.9 would be over the threshold
    expect(packBridges([0.45, 0.3, 0.45, 0.3])).toBe(2);
    expect(packBridges([0.5, 0.3])).toBe(2); // exactly 0.8 is not under 0.8
    expect(packBridges(Array(19).fill(0.04))).toBe(1);
  });

  test("a conference that alone exceeds the threshold is split over the bridges it needs (Octo)", () => {
    expect(packBridges([1.85, 0.1])).toBe(3); // 1.85 in three parts of 0.62, the 0.1 beside one of them
    expect(packBridges([0.9, 0.95])).toBe(3); // 1.85 of stress needs three bridges under 0.8
    expect(packBridges([0.8])).toBe(2);
  });

  test("property: the packing is feasible-sized (>= fractional bound, >= oversized count) and within FFD's 11/9 OPT + 1", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.001, max: 0.79, noNaN: true }), { maxLength: 60 }), (stresses) => {
        const bins = packBridges(stresses);
        const total = stresses.reduce((a, b) => a + b, 0);
        expect(bins).toBeGreaterThanOrEqual(Math.ceil(total / 0.8 - 1e-9));
        // Any packing needs at least the fractional bound, so FFD's guarantee bounds it from above.
        expect(bins).toBeLessThanOrEqual(Math.ceil((11 / 9) * Math.ceil(total / 0.8 - 1e-9) + 1));
      }),
    );
  });

  test("over a trace: bridge-hours integrate the per-step counts", () => {
    const hour = 3_600_000;
    // Two hours: first hour 30 meetings of four (one bridge holds them), second hour nothing.
    const trace = Array.from({ length: 30 }, () => ({ startMs: 0, durationMs: hour, participants: 4 }));
    const result = oracle(trace, 0, 2 * hour);
    expect(result.peakBridges).toBe(2); // 30 x 4 people = stress 0.9: just over one bridge
    expect(result.bridgeHours).toBeCloseTo(2, 5);
    expect(result.series.at(-1)?.bridges).toBe(0);
    // A meeting of 100 (stress 0.83) needs two bridges; four more people fit beside it.
    const big = oracle(
      [
        { startMs: 0, durationMs: hour, participants: 100 },
        { startMs: 0, durationMs: hour, participants: 4 },
      ],
      0,
      hour,
    );
    expect(big.peakBridges).toBe(2);
  });

  test("a meeting that fills up over minutes is counted with the people who have joined by each step", () => {
    const minute = 60_000;
    // 300 joining evenly over 4 minutes: 75 more each minute, a bridge's worth (stress 0.6 each), all 300 by the fourth.
    const ramp = oracle([{ startMs: 0, durationMs: 10 * minute, participants: 300, joinMs: 4 * minute }], 0, 10 * minute);
    const whole = oracle([{ startMs: 0, durationMs: 10 * minute, participants: 300 }], 0, 10 * minute);
    expect(ramp.series.slice(0, 5).map((s) => s.bridges)).toEqual([0, 1, 2, 3, 4]);
    expect(whole.series.slice(0, 5).map((s) => s.bridges)).toEqual([4, 4, 4, 4, 4]);
    expect(ramp.series.slice(4)).toEqual(whole.series.slice(4));
  });
});
