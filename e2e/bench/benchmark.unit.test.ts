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
    // The table's rows, then those with Jicofo's load redistribution at 0.81.
    const single = Array.from({ length: draws }, (_, i) => {
      const results = runBenchmark(lecture(i + 1));
      return [...results.records.map((r) => ({ ...r, endpointsMoved: 0 })), ...results.redistribution.filter((r) => r.policy.endsWith("redistribution 0.81"))];
    });
    expect(summaries.map((s) => s.policy)).toEqual([
      ...["oracle", "static", "hpa", "agones-buffer", "jitsi-autoscaler", "ours"],
      ...["hpa", "jitsi-autoscaler", "ours"].map((p) => `${p}, redistribution 0.81`),
    ]);
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
        endpointsMoved: median(runs.map((r) => r.endpointsMoved)),
        overloadRange: [Math.min(...runs.map((r) => r.overloadShare)), Math.max(...runs.map((r) => r.overloadShare))],
      });
    }
    // The draws do differ, so a median is not just one run repeated.
    const oracleHours = single.map((records) => records.find((r) => r.policy === "oracle")!.bridgeHours);
    expect(new Set(oracleHours).size).toBe(draws);
  });
});
