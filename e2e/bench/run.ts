// `make bench` (or `make bench TRACE=path.csv`): every policy on the same traces in one run, with the
// same bridge model. Prints a table and writes .bench/results.json (one record per trace and policy).
// Assumptions (also in the table's footer): bridge start delay 60 s, stats every 5 s, Jicofo's rules,
// the emulator's stress model, HPA target stress 0.5, Agones buffer 2, drain deadline 4 h (the CRD default).

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseTrace } from "../emulator/trace.ts";
import { flashCrowdTrace, schoolMorningTrace, weekTrace } from "./traces.ts";
import { plotBenchmark } from "./plot/chart.ts";
import { runBenchmark, type TraceCase } from "./benchmark.ts";
import { report } from "./report.ts";

const hour = 3_600_000;

function cases(): TraceCase[] {
  const file = process.env.TRACE;
  if (file) {
    const trace = parseTrace(readFileSync(file, "utf8"));
    const toMs = Math.max(0, ...trace.map((c) => c.startMs + c.durationMs));
    return [{ name: path.basename(file), trace, fromMs: 0, toMs }];
  }
  return [
    { name: "week", trace: weekTrace(), fromMs: 0, toMs: 7 * 24 * hour },
    // The school knows its timetable: 28 classes at 8:00 and 34 at 9:00, two or three to a bridge.
    {
      name: "school-morning",
      trace: schoolMorningTrace(),
      fromMs: 6 * hour,
      toMs: 12 * hour,
      schedule: [{ days: [1, 2, 3, 4, 5], start: "07:50", end: "10:05", minReplicas: 16 }],
    },
    { name: "flash-crowd", trace: flashCrowdTrace(), fromMs: 9 * hour, toMs: 14 * hour },
  ];
}

function main(): void {
  const started = performance.now();
  const results = runBenchmark(cases());
  console.log(report(results));
  console.log(`ran in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const { records, panels, matches, ablations, references, gap } = results;
  const out = path.resolve(process.env.BENCH_OUT ?? path.join(import.meta.dirname, "../../.bench"));
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, "results.json"), JSON.stringify(records, null, 2));
  writeFileSync(path.join(out, "plot.png"), plotBenchmark(panels));
  writeFileSync(path.join(out, "equal-overload.json"), JSON.stringify(matches, null, 2));
  writeFileSync(path.join(out, "ablation.json"), JSON.stringify(ablations, null, 2));
  writeFileSync(path.join(out, "foresight.json"), JSON.stringify(references, null, 2));
  writeFileSync(path.join(out, "gap.json"), JSON.stringify(gap, null, 2));
  console.log(`wrote ${path.join(out, "results.json")} and ${path.join(out, "plot.png")}`);
}

main();
