import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { benchCases, builtInCases } from "./cases.ts";
import { flashCrowdTrace, schoolMorningTrace, weekTrace } from "./traces.ts";

describe("the traces make bench runs", () => {
  test("without SEED, the first draw: the traces the README's figures come from", () => {
    const [week, school, flash] = benchCases({});
    expect(week?.trace).toEqual(weekTrace(1));
    expect(school?.trace).toEqual(schoolMorningTrace(2));
    expect(flash?.trace).toEqual(flashCrowdTrace(3));
    for (const SEED of ["1", ""]) expect(benchCases({ SEED }).map((c) => c.trace)).toEqual([week?.trace, school?.trace, flash?.trace]);
  });

  test("SEED=2 draws every built-in trace anew, each from its own next seed", () => {
    const cases = benchCases({ SEED: "2" });
    expect(cases.map((c) => c.name)).toEqual(["week", "school-morning", "flash-crowd"]);
    expect(cases.map((c) => c.trace)).toEqual([weekTrace(2), schoolMorningTrace(3), flashCrowdTrace(4)]);
    expect(cases[0]?.trace).not.toEqual(weekTrace(1));
  });

  test("the n-th draw of the built-in traces is what SEED=n runs, the school's schedule included", () => {
    expect(builtInCases(2)).toEqual(benchCases({ SEED: "2" }));
    expect(builtInCases(3)[1]?.schedule).toEqual([{ days: [1, 2, 3, 4, 5], start: "07:50", end: "10:05", minReplicas: 16 }]);
  });

  test.each(["0", "-1", "1.5", "two"])("SEED=%j is refused with a message naming it", (seed) => {
    expect(() => benchCases({ SEED: seed })).toThrow(`SEED must be a whole number from 1 up, got ${JSON.stringify(seed)}`);
  });

  test("TRACE replaces the built-in traces with the file, from 0 to its last meeting's end", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cases-"));
    try {
      const file = path.join(dir, "two.csv");
      writeFileSync(file, "start_s,duration_s,participants\n0,60,3\n30,120,5\n");
      expect(benchCases({ TRACE: file, SEED: "2" })).toEqual([
        {
          name: "two.csv",
          fromMs: 0,
          toMs: 150_000,
          trace: [
            { startMs: 0, durationMs: 60_000, participants: 3 },
            { startMs: 30_000, durationMs: 120_000, participants: 5 },
          ],
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
