// The text `make bench-suite` prints: ours against the targets, dominance against each peer, ours at each
// setting run in the targets' terms, and per
// family every policy's median, p90 and worst overload and bridge-hours over the oracle, and the
// meetings cut and conferences refused (someone found no bridge) in all its instances.

import type { Dominance, FamilyRow, Standing, TargetCheck } from "./summary.ts";

const pct = (x: number) => (x * 100).toFixed(2);
const ratio = (x: number) => x.toFixed(2);

export function suiteReport(
  rows: readonly FamilyRow[],
  dominances: readonly Dominance[],
  checks: readonly TargetCheck[],
  settings: readonly Standing[],
  instances: number,
): string {
  const lines = [`Workload population: ${instances} instances; every policy at its defaults, ours' ablation and frontier beside them.`, ""];
  lines.push("Targets for ours' defaults:");
  for (const c of checks) lines.push(`  ${c.met ? "met    " : "NOT met"}  ${c.target.padEnd(54)} ${c.figure}`);
  lines.push("", "Dominance (no worse in bridge-hours, overload, cut meetings and refused conferences, better in one), share of instances:");
  lines.push(`  ${"peer".padEnd(20)} ${"peer dominates ours".padStart(20)} ${"ours dominates peer".padStart(20)}`);
  for (const d of dominances) lines.push(`  ${d.peer.padEnd(20)} ${`${pct(d.peerDominates)} %`.padStart(20)} ${`${pct(d.oursDominates)} %`.padStart(20)}`);
  // The targets pull apart (e2e/bench/README.md): each setting of ours shows what it buys and what it costs.
  lines.push("", "Ours at each setting run, in the targets' terms:");
  lines.push(standingHeader("setting"));
  for (const s of settings) lines.push(standingLine(s.policy, s));
  lines.push("", "Per family (overload %: median / p90 / worst; bridge-hours over the oracle: median / p90 / worst):");
  lines.push(
    `  ${"family".padEnd(18)} ${"policy".padEnd(44)} ${"overload %".padStart(22)} ${"x oracle".padStart(18)} ${"cut".padStart(6)} ${"refused".padStart(8)}`,
  );
  const families = [...new Set(rows.map((r) => r.family))].sort((a, b) => Number(a === "all") - Number(b === "all") || a.localeCompare(b));
  for (const family of families) {
    for (const r of rows.filter((row) => row.family === family)) {
      const o = r.overloadShare;
      const x = r.oracleRatio;
      lines.push(
        `  ${family.padEnd(18)} ${r.policy.padEnd(44)} ${`${pct(o.median)} / ${pct(o.p90)} / ${pct(o.worst)}`.padStart(22)} ${`${ratio(x.median)} / ${ratio(x.p90)} / ${ratio(x.worst)}`.padStart(18)} ${String(r.interrupted).padStart(6)} ${String(r.conferencesRefused).padStart(8)}`,
      );
    }
  }
  return lines.join("\n");
}

/** With several populations (`SEED=1,2,3`): ours' defaults on each one alone, in the targets' terms. */
export function populationsReport(populations: ReadonlyArray<{ seed: number; ours: Standing }>): string {
  return ["Ours' defaults on each population alone:", standingHeader("population"), ...populations.map((p) => standingLine(`seed ${p.seed}`, p.ours))].join(
    "\n",
  );
}

const standingHeader = (first: string) =>
  `  ${first.padEnd(56)} ${"<= 0.5 %".padStart(9)} ${"worst %".padStart(8)} ${"cut".padStart(5)} ${"x oracle".padStart(9)}  most dominated by`;

function standingLine(label: string, s: Standing): string {
  const by = s.mostDominatedBy ? `${s.mostDominatedBy.peer} on ${pct(s.mostDominatedBy.peerDominates)} %` : "-";
  return `  ${label.padEnd(56)} ${`${(s.within * 100).toFixed(1)} %`.padStart(9)} ${pct(s.worstOverload).padStart(8)} ${String(s.interrupted).padStart(5)} ${`${ratio(s.medianOracleRatio)}x`.padStart(9)}  ${by}`;
}
