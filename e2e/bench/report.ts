// What `make bench` prints: the results table, then each check with a line saying what it compared.

import { policyDefaults } from "../../operator/src/autoscale/policy.ts";
import {
  type Ablation,
  ablationTargets,
  type BenchmarkResults,
  type DrawSummary,
  ourHeadrooms,
  ourTargets,
  type RedistributionRecord,
  type ResultRecord,
  redistributionInDraws,
  redistributionSettings,
  scheduleShares,
  shortDownWindow,
  shortDrainDeadline,
} from "./benchmark.ts";
import type { FrontierPoint, Match } from "./frontier.ts";
import { type NodeRecord, nodeBootsMs, nodeIdleMs } from "./nodes.ts";

export function report({ records, nodes, matches, ablations, references, gap, redistribution }: BenchmarkResults): string {
  return [
    table(records),
    `\nelastic media nodes: ours when a new bridge first needs a new node (boot and join assumed ${nodeBootsMs.map((b) => b / 1000).join(", ")} s; "-": a free node is always there), an emptied node removed after ${nodeIdleMs / 60_000} min; one bridge a node; fixed pool: the peak's nodes all the time`,
    nodesTable(nodes),
    "\nreference, not a policy: the oracle's count known 3 min ahead plus one spare bridge, meetings staying where Jicofo put them",
    table(references).split("\n").slice(1).join("\n"),
    "\nwhat the gap to the oracle is made of: ours with its causes taken away in turn, each step keeping the ones before: 1 bridges useful at once (and no time-of-day memory, which starts bridges early); 2 drained bridges emptied at once (their meetings moved, counted as interrupted); 3 no headroom, no room for rises or for the largest conference; 4 target 0.8. What is left is Jicofo's placement",
    table(gap).split("\n").slice(1).join("\n"),
    `\nwith Jicofo's load redistribution (Jicofo's setting: every ${redistributionSettings[0]!.intervalMs / 1000} s, ${redistributionSettings[0]!.endpoints} participants off each bridge at or above the threshold, ${redistributionSettings[0]!.timeoutMs / 60_000} min apart), at thresholds ${redistributionSettings.map((r) => r.stressThreshold).join(" and ")}; moved: participants whose media restarted`,
    redistributionTable(redistribution),
    `\nequal-overload check: each peer point against the cheapest point of ours (targets ${ourTargets.join(", ")}, each with headroom ${ourHeadrooms.join(", ")}; targets ${shortDownWindow.targets.join(", ")} with headroom ${shortDownWindow.headroom} and a ${shortDownWindow.scaleDownWindowMs / 60_000} min scale-down window; schedule minimums x${scheduleShares.join(", x")} where there is one) that cuts no meeting and has no more overload;` +
      ` where that is not fewer, also ours with a drain deadline of ${shortDrainDeadline.deadlinesMs.map((d) => d / 60_000).join(" or ")} min` +
      ` (targets ${shortDrainDeadline.targets.join(", ")}, headroom ${shortDrainDeadline.headrooms.join(" or ")}, ${shortDrainDeadline.scaleDownWindowMs / 60_000} min scale-down window), cutting no more meetings than the peer`,
    matchLines(matches),
    `\nablation: ours with one mechanism switched from its default (off, or on where the defaults leave it off), against ours' defaults; then the switched variant run at targets ${ablationTargets.join(", ")} and moved to the defaults' overload (read between them): a mechanism earns its place when the defaults cost less there`,
    ablationLines(ablations),
    `\nbridge model: Jicofo placement with Octo, emulator stress model (at most 10 senders per conference), start delay 60 s, stats every 5 s, 80 per conference per bridge;` +
      ` HPA target stress 0.5 (15 s, tolerance 0.1, 300 s down window, newest pod removed); Agones buffer 2 (30 s);` +
      ` jitsi-autoscaler 60 s periods 0.3/0.1, 2/10 periods, 600 s cooldown; drain deadline 8 h (the CRD default).` +
      ` Ours: its defaults (target stress ${policyDefaults.targetStress}, headroom ${policyDefaults.headroom}), in Europe/Rome time from Monday 2026-11-23; on the school morning it has the school's timetable (Mon-Fri 07:50-10:05, at least 16 bridges).`,
  ].join("\n");
}

/** The built-in traces over many draws: medians, and the overload's range. */
export function drawsReport(draws: readonly DrawSummary[]): string {
  const head = ["trace", "policy", "bridge-h", "x oracle", "overload %", "overload range %", "interrupted", "moved"];
  const rows = draws.map((d) => [
    ...costAndQuality(d),
    `${(100 * d.overloadRange[0]).toFixed(2)}-${(100 * d.overloadRange[1]).toFixed(2)}`,
    String(d.interrupted),
    String(d.endpointsMoved),
  ]);
  return `\nthe built-in traces over ${draws[0]?.draws ?? 0} draws (SEED=1 and on), every policy at its defaults, and three with Jicofo's load redistribution at ${redistributionInDraws.stressThreshold}: medians\n${columns(head, rows)}`;
}

function ablationLines(ablations: readonly Ablation[]): string {
  return ablations
    .map((a) => {
      const hours = (100 * (a.bridgeHours / a.shipped.bridgeHours - 1)).toFixed(1);
      const overload = (100 * (a.overloadShare - a.shipped.overloadShare)).toFixed(2);
      return `${a.trace.padEnd(15)} ${(a.switchedOn ? "with " : "without ") + a.mechanism.padEnd(25)} ${a.bridgeHours.toFixed(1).padStart(7)} bridge-h (${hours.startsWith("-") ? hours : `+${hours}`} %), overload ${(100 * a.overloadShare).toFixed(2)} % (${overload.startsWith("-") ? overload : `+${overload}`} pts), ${a.interrupted} cut; ${ablationVerdict(a)}`;
    })
    .join("\n");
}

/** Whether a mechanism earns its place: the defaults against the switched variant at the same overload. */
export function ablationVerdict(a: Ablation): string {
  if (a.overloadShare === a.shipped.overloadShare && a.bridgeHours === a.shipped.bridgeHours) return "no effect here";
  const percent = (share: number) => `${(100 * share).toFixed(2)} %`;
  const targets = `at targets ${ablationTargets[0]}-${ablationTargets.at(-1)}`;
  const same = a.atShippedOverload;
  if (same === undefined) {
    const better = a.noWorseThanShipped;
    if (better) {
      const run = `${better.setting}: ${better.bridgeHours.toFixed(1)} bridge-h at ${percent(better.overloadShare)}, no worse on either`;
      return a.switchedOn ? `it would earn its place: ${run}` : `does not: ${run}`;
    }
    if (a.lowestOverload > a.shipped.overloadShare) return `${targets} its overload is never as low as the defaults' (${percent(a.lowestOverload)} at best)`;
    return `${targets} its overload is always below the defaults' (${percent(a.highestOverload)} at most), at more bridge-hours: not comparable here`;
  }
  const shippedCheaper = a.shipped.bridgeHours < same;
  const gap = `${(100 * Math.abs(1 - a.shipped.bridgeHours / same)).toFixed(1)} %`;
  const reading = a.switchedOn
    ? shippedCheaper
      ? `leaving it off is right (${gap} fewer without)`
      : `it would earn its place (${gap} fewer with it)`
    : shippedCheaper
      ? `earns its place (${gap} fewer with it)`
      : `does not (${gap} more with it)`;
  return `moved to the defaults' overload ${same.toFixed(1)}: ${reading}`;
}

function matchLines(matches: ReadonlyArray<{ trace: string } & Match>): string {
  const describe = (p: FrontierPoint) =>
    `${p.policy} ${p.setting}: ${p.bridgeHours.toFixed(1)} bridge-h, ${(100 * p.overloadShare).toFixed(2)} % overload, ${p.interrupted} cut`;
  return matches
    .map((m) => {
      const fewer = (p: FrontierPoint) => `${(100 * (1 - p.bridgeHours / m.peer.bridgeHours)).toFixed(0)} % fewer`;
      const verdict = !m.ours ? "ours has no point at that overload" : `${describe(m.ours)}: ${m.cheaper ? fewer(m.ours) : "not fewer"}`;
      const withCuts = m.cheaperWithCuts ? `; cutting meetings too, ${describe(m.cheaperWithCuts)}: ${fewer(m.cheaperWithCuts)}` : "";
      return `${m.trace.padEnd(15)} ${describe(m.peer)}  ->  ${verdict}${withCuts}`;
    })
    .join("\n");
}

function table(records: ResultRecord[]): string {
  const head = ["trace", "policy", "bridge-h", "x oracle", "overload %", "refused", "on hot", "interrupted", "actions"];
  const rows = records.map((r) => [
    ...costAndQuality(r),
    String(r.conferencesRefused),
    String(r.placedOnOverloaded),
    String(r.interrupted),
    String(r.scaleActions),
  ]);
  return columns(head, rows);
}

function nodesTable(records: readonly NodeRecord[]): string {
  const head = ["trace", "node boot s", "bridge-h", "node-h", "peak nodes", "fixed pool node-h", "overload %", "refused", "interrupted"];
  return columns(
    head,
    records.map((r) => [
      r.trace,
      r.bootS === undefined ? "-" : String(r.bootS),
      r.bridgeHours.toFixed(1),
      r.nodeHours.toFixed(1),
      String(r.peakNodes),
      r.fixedPoolNodeHours.toFixed(1),
      (100 * r.overloadShare).toFixed(2),
      String(r.conferencesRefused),
      String(r.interrupted),
    ]),
  );
}

function redistributionTable(records: readonly RedistributionRecord[]): string {
  const head = ["trace", "policy", "bridge-h", "x oracle", "overload %", "interrupted", "moved"];
  return columns(
    head,
    records.map((r) => [...costAndQuality(r), String(r.interrupted), String(r.endpointsMoved)]),
  );
}

/** The first cells of every row: which trace and policy, bridge-hours, their ratio to the oracle, overload. */
function costAndQuality(r: Pick<ResultRecord, "trace" | "policy" | "bridgeHours" | "oracleRatio" | "overloadShare">): string[] {
  return [r.trace, r.policy, r.bridgeHours.toFixed(1), r.oracleRatio.toFixed(2), (100 * r.overloadShare).toFixed(2)];
}

/** Text columns: the first two left-aligned (names), the rest right-aligned (figures). */
function columns(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  return [head, ...rows].map((row) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")).join("\n");
}
