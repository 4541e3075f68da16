// `make bench-suite` (PER_FAMILY=n instances of each family, 20 by default; SEED=n another population,
// SEED=1,2,3 several judged together and each on its own;
// FRONTIER=1 adds the 2026-11 policy at target 0.3, a point of the frontier; REFERENCES=1 the foresight
// reference's frontier and a static fleet of ten times the oracle's peak; GAP=1 ours with the causes of
// the gap to the oracle taken away one after another (gap-steps.ts); OURS_WITH='{"targetStress":0.7}'
// or a JSON list of such objects adds ours at those settings):
// every policy at its defaults on a population of workloads, ours' ablation and frontier beside them,
// spread over one worker per core. Prints the report and writes .bench/suite.json and suite.svg/.png.

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { familyNames, population } from "../families.ts";
import { renderChart } from "../plot/render.ts";
import {
  foresightFactors,
  frontierVariants,
  gapStepNames,
  oursVariants,
  oursWithName,
  parseOursSettings,
  parseSeeds,
  peerNames,
  plentyName,
} from "./instance-runs.ts";
import { suiteChart } from "./plot.ts";
import { runPopulation } from "./pool.ts";
import { populationsReport, suiteReport } from "./report.ts";
import { dominance, familyRows, standing, standings, targetChecks } from "./summary.ts";

function wholeNumber(name: string, value: string | undefined, fallback: number): number {
  const n = Number(value ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number from 1 up, got ${JSON.stringify(value)}`);
  return n;
}

async function main(): Promise<void> {
  const started = performance.now();
  let perFamily: number;
  let seeds: number[];
  let oursWith: string[];
  try {
    perFamily = wholeNumber("PER_FAMILY", process.env.PER_FAMILY, 20);
    seeds = parseSeeds(process.env.SEED);
    oursWith = process.env.OURS_WITH ? parseOursSettings(process.env.OURS_WITH).map(oursWithName) : [];
  } catch (e) {
    console.error(`make bench-suite: ${(e as Error).message}`);
    process.exit(2);
  }
  const tasks = seeds.flatMap((seed) => population(perFamily).map((task) => ({ seed, ...task })));
  const frontier = process.env.FRONTIER === "1" ? Object.keys(frontierVariants) : [];
  const references = process.env.REFERENCES === "1" ? [...Object.keys(foresightFactors), plentyName] : [];
  const gap = process.env.GAP === "1" ? gapStepNames : [];
  const policies = [...peerNames, "ours", ...Object.keys(oursVariants), ...frontier, ...oursWith, ...gap, ...references];
  const records = await runPopulation(tasks, policies, (done) => {
    if (done % 20 === 0 || done === tasks.length) process.stderr.write(`${done}/${tasks.length} instances\n`);
  });
  records.sort((a, b) => a.seed - b.seed || a.family.localeCompare(b.family) || a.instance - b.instance);
  const atDefaults = [...peerNames, "ours"];
  console.log(suiteReport(familyRows(records), dominance(records, peerNames), targetChecks(records, peerNames), standings(records, peerNames), tasks.length));
  if (seeds.length > 1) {
    const ofSeed = (seed: number) => records.filter((r) => r.seed === seed);
    console.log(`\n${populationsReport(seeds.map((seed) => ({ seed, ours: standing(ofSeed(seed), peerNames) })))}`);
  }
  console.log(
    `${familyNames.length} families x ${perFamily} instances, seed${seeds.length > 1 ? "s" : ""} ${seeds.join(", ")}; ran in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  const out = path.resolve(process.env.BENCH_OUT ?? path.join(import.meta.dirname, "../../../.bench"));
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, "suite.json"), JSON.stringify(records, null, 2));
  const chart = await renderChart(suiteChart(records, atDefaults));
  writeFileSync(path.join(out, "suite.svg"), chart.svg);
  writeFileSync(path.join(out, "suite.png"), chart.png);
  console.log(`wrote ${path.join(out, "suite.json")} and ${path.join(out, "suite.png")} (and .svg)`);
}

await main();
