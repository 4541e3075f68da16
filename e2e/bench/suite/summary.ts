// The population's figures, from the records of `make bench-suite`: per family and policy the median,
// p90 and worst of overload and of bridge-hours over the oracle; how often each peer dominates ours and
// ours it; and ours against the targets. Pure, so the report and its tests read the same numbers.

import { median } from "../median.ts";
import type { SuiteRecord } from "./instance-runs.ts";

export interface Spread {
  median: number;
  p90: number;
  worst: number;
}

export interface FamilyRow {
  /** A family, or "all" for the whole population. */
  family: string;
  policy: string;
  instances: number;
  overloadShare: Spread;
  oracleRatio: Spread;
  interrupted: number;
  conferencesRefused: number;
}

/** Nearest-rank quantile (q in [0, 1]) of values where higher is worse. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const spread = (values: readonly number[]): Spread => ({ median: median([...values]), p90: quantile(values, 0.9), worst: Math.max(...values) });

export function familyRows(records: readonly SuiteRecord[]): FamilyRow[] {
  const groups = new Map<string, SuiteRecord[]>();
  for (const r of records) {
    if (r.policy === "oracle") continue;
    for (const family of [r.family, "all"]) {
      const key = `${family}\u0000${r.policy}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
  }
  return [...groups.entries()].map(([key, rs]) => ({
    family: key.split("\u0000")[0]!,
    policy: rs[0]!.policy,
    instances: rs.length,
    overloadShare: spread(rs.map((r) => r.overloadShare)),
    oracleRatio: spread(rs.map((r) => r.oracleRatio)),
    interrupted: rs.reduce((sum, r) => sum + r.interrupted, 0),
    conferencesRefused: rs.reduce((sum, r) => sum + r.conferencesRefused, 0),
  }));
}

type Outcome = Pick<SuiteRecord, "bridgeHours" | "overloadShare" | "interrupted" | "conferencesRefused">;
const outcomes = ["bridgeHours", "overloadShare", "interrupted", "conferencesRefused"] as const;

/**
 * No worse in bridge-hours, overload, cut meetings and refused conferences, and better in one of them.
 * Refusals count: people Jicofo found no bridge for are on no bridge at all, so on none overloaded.
 */
export function dominates(a: Outcome, b: Outcome): boolean {
  return outcomes.every((k) => a[k] <= b[k]) && outcomes.some((k) => a[k] < b[k]);
}

export interface Dominance {
  peer: string;
  instances: number;
  /** Share of instances where the peer dominates ours... */
  peerDominates: number;
  /** ...and where ours dominates the peer. */
  oursDominates: number;
}

const byInstance = (records: readonly SuiteRecord[]) => {
  const instances = new Map<string, Map<string, SuiteRecord>>();
  for (const r of records) {
    const key = `${r.seed}:${r.family}#${r.instance}`;
    if (!instances.has(key)) instances.set(key, new Map());
    instances.get(key)!.set(r.policy, r);
  }
  return [...instances.values()];
};

export function dominance(records: readonly SuiteRecord[], peers: readonly string[], ours = "ours"): Dominance[] {
  const instances = byInstance(records);
  return peers.flatMap((peer) => {
    const pairs = instances.flatMap((i) => (i.has(peer) && i.has(ours) ? [[i.get(peer)!, i.get(ours)!] as const] : []));
    if (pairs.length === 0) return [];
    return {
      peer,
      instances: pairs.length,
      peerDominates: pairs.filter(([p, o]) => dominates(p, o)).length / pairs.length,
      oursDominates: pairs.filter(([p, o]) => dominates(o, p)).length / pairs.length,
    };
  });
}

/** One setting of ours on the population, in the targets' terms. */
export interface Standing {
  policy: string;
  /** Share of instances with overload at most 0.5 %. */
  within: number;
  worstOverload: number;
  interrupted: number;
  /** The peer that dominates it on the most instances, if any peer ran. */
  mostDominatedBy?: Dominance;
  medianOracleRatio: number;
}

export function standing(records: readonly SuiteRecord[], peers: readonly string[], ours = "ours"): Standing {
  const mine = records.filter((r) => r.policy === ours);
  const mostDominatedBy = dominance(records, peers, ours).sort((a, b) => b.peerDominates - a.peerDominates)[0];
  return {
    policy: ours,
    within: mine.filter((r) => r.overloadShare <= 0.005).length / mine.length,
    worstOverload: Math.max(...mine.map((r) => r.overloadShare)),
    interrupted: mine.reduce((sum, r) => sum + r.interrupted, 0),
    ...(mostDominatedBy ? { mostDominatedBy } : {}),
    medianOracleRatio: median(mine.map((r) => r.oracleRatio)),
  };
}

/** Ours at every setting the run holds (defaults, ablation, frontier, OURS_WITH), each against the peers. */
export function standings(records: readonly SuiteRecord[], peers: readonly string[]): Standing[] {
  const settings = [...new Set(records.map((r) => r.policy).filter((p) => p.startsWith("ours")))];
  return settings.map((policy) => standing(records, peers, policy));
}

/** The targets for the defaults, each with its figure. */
export interface TargetCheck {
  target: string;
  figure: string;
  met: boolean;
}

export function targetChecks(records: readonly SuiteRecord[], peers: readonly string[], ours = "ours"): TargetCheck[] {
  const { within, worstOverload, interrupted, mostDominatedBy, medianOracleRatio } = standing(records, peers, ours);
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  return [
    { target: "overload <= 0.5 % on 90 % of instances", figure: `${pct(within)} of instances`, met: within >= 0.9 },
    { target: "overload <= 2 % on every instance", figure: `worst ${(worstOverload * 100).toFixed(2)} %`, met: worstOverload <= 0.02 },
    { target: "no interrupted conference", figure: `${interrupted} interrupted`, met: interrupted === 0 },
    {
      target: "no peer dominates ours on more than 5 % of instances",
      figure: mostDominatedBy ? `${mostDominatedBy.peer} on ${pct(mostDominatedBy.peerDominates)}` : "no peer",
      met: !mostDominatedBy || mostDominatedBy.peerDominates <= 0.05,
    },
    { target: "median bridge-hours over the oracle <= 2.1x", figure: `${medianOracleRatio.toFixed(2)}x`, met: medianOracleRatio <= 2.1 },
  ];
}
