import { acrossDraws, runBenchmark, type TraceCase } from "./benchmark.ts";
import { median } from "./median.ts";

const minute = 60_000;
/** A lecture-hour burst whose size grows with the draw, so the draws differ. */
const lecture = (draw: number): TraceCase[] => [
  {
    name: "lecture",
    trace: Array.from({ length: 20 }, (_, i) => ({ startMs: i * 5_000, durationMs: 20 * minute, participants: 6 * draw + (i % 5) })),
    fromMs: 0,
    toMs: 30 * minute,
  },
];

describe("the table over several draws", () => {
  test("gives each policy's median over the draws and its overload's range, as single runs would", () => {
    const draws = 3;
    const summaries = acrossDraws(lecture, draws);
    const single = Array.from({ length: draws }, (_, i) => runBenchmark(lecture(i + 1)).records);
    expect(summaries.map((s) => s.policy)).toEqual(single[0]!.map((r) => r.policy));
    for (const s of summaries) {
      const runs = single.map((records) => records.find((r) => r.policy === s.policy)!);
      expect(s).toEqual({
        trace: "lecture",
        policy: s.policy,
        draws,
        bridgeHours: median(runs.map((r) => r.bridgeHours)),
        oracleRatio: median(runs.map((r) => r.oracleRatio)),
        overloadShare: median(runs.map((r) => r.overloadShare)),
        interrupted: median(runs.map((r) => r.interrupted)),
        overloadRange: [Math.min(...runs.map((r) => r.overloadShare)), Math.max(...runs.map((r) => r.overloadShare))],
      });
    }
    // The draws do differ, so a median is not just one run repeated.
    const oracleHours = single.map((records) => records.find((r) => r.policy === "oracle")!.bridgeHours);
    expect(new Set(oracleHours).size).toBe(draws);
  });
});
