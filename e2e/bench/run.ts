// `make bench` (or `make bench TRACE=path.csv`, or `make bench SEED=2` for the built-in traces' second
// draw): every policy on the same traces in one run, with the same bridge model. Prints a table and writes .bench/results.json (one record per trace and policy).
// Assumptions (also in the table's footer): bridge start delay 60 s, stats every 5 s, Jicofo's rules,
// the emulator's stress model, HPA target stress 0.5, Agones buffer 2, drain deadline 8 h (the CRD default).

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { acrossDraws, runBenchmark, type TraceCase } from "./benchmark.ts";
import { benchCases, builtInCases } from "./cases.ts";
import { benchmarkChart } from "./plot/chart.ts";
import { renderChart } from "./plot/render.ts";
import { drawsReport, report } from "./report.ts";

/** Draws of the built-in traces whose medians every run prints. */
const draws = 15;

async function main(): Promise<void> {
  const started = performance.now();
  const { TRACE, SEED } = process.env;
  let cases: TraceCase[];
  try {
    cases = benchCases({ TRACE, SEED });
  } catch (e) {
    console.error(`make bench: ${(e as Error).message}`);
    process.exit(2);
  }
  const results = runBenchmark(cases);
  console.log(report(results));
  // One draw says little of the flash crowd (where one meeting of 300 lands decides it), so all again over many draws.
  const medians = TRACE ? [] : acrossDraws(builtInCases, draws);
  if (medians.length) console.log(drawsReport(medians));
  console.log(`${TRACE ? `trace ${TRACE}` : `built-in traces, draw ${SEED ?? 1}`}; ran in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const { records, nodes, panels, matches, ablations, references, gap, redistribution } = results;
  const out = path.resolve(process.env.BENCH_OUT ?? path.join(import.meta.dirname, "../../.bench"));
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, "results.json"), JSON.stringify(records, null, 2));
  const plot = await renderChart(benchmarkChart(panels));
  writeFileSync(path.join(out, "plot.svg"), plot.svg);
  writeFileSync(path.join(out, "plot.png"), plot.png);
  writeFileSync(path.join(out, "equal-overload.json"), JSON.stringify(matches, null, 2));
  writeFileSync(path.join(out, "ablation.json"), JSON.stringify(ablations, null, 2));
  writeFileSync(path.join(out, "foresight.json"), JSON.stringify(references, null, 2));
  writeFileSync(path.join(out, "gap.json"), JSON.stringify(gap, null, 2));
  writeFileSync(path.join(out, "nodes.json"), JSON.stringify(nodes, null, 2));
  writeFileSync(path.join(out, "redistribution.json"), JSON.stringify(redistribution, null, 2));
  if (medians.length) writeFileSync(path.join(out, "draws.json"), JSON.stringify(medians, null, 2));
  console.log(`wrote ${path.join(out, "results.json")} and ${path.join(out, "plot.png")} (and .svg)`);
}

await main();
