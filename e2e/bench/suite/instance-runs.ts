// One instance of the workload population under every policy of the suite: the oracle's bound over the
// measured days, then each policy at its defaults, from the warm-up's start, counted from the measured days.

import type { PolicySpec } from "../../../operator/src/autoscale/policy.ts";
import { epochMs, timeZone } from "../benchmark.ts";
import { drawInstance } from "../families.ts";
import { oracle } from "../oracle.ts";
import { type ScalingPolicy, simulate } from "../sim/fleet-sim.ts";
import { agonesBuffer, hpa, jitsiAutoscaler, ours, staticFleet } from "../sim/peers.ts";

export interface SuiteRecord {
  family: string;
  instance: number;
  /** As in results.json: oracle, static, hpa, agones-buffer, jitsi-autoscaler, ours; ablation variants "ours: ...". */
  policy: string;
  bridgeHours: number;
  oracleRatio: number;
  overloadShare: number;
  interrupted: number;
  conferencesRefused: number;
}

export const peerNames = ["static", "hpa", "agones-buffer", "jitsi-autoscaler"] as const;

/** Ours with settings changed from its defaults: the ablation (each mechanism off), and the 2026-11 defaults. */
export const oursVariants: Record<string, Partial<PolicySpec>> = {
  "ours: no room for the largest conference": { roomForLargestConference: false },
  "ours: no room for rises": { roomForRises: false },
  "ours: no time-of-day memory": { prewarmFromHistory: false },
  "ours: headroom 0": { headroom: 0 },
  "ours: no new rooms (2026-11 defaults)": { roomForLargestConference: false, roomForRises: false },
};

/** A point of the frontier, run with FRONTIER=1 only: it keeps the full run under 10 minutes without it. */
export const frontierVariants: Record<string, Partial<PolicySpec>> = {
  "ours: target 0.3 without new rooms": { targetStress: 0.3, roomForLargestConference: false, roomForRises: false },
};

function policyOf(name: string, peakBridges: number): ScalingPolicy {
  switch (name) {
    case "static":
      return staticFleet(Math.max(1, peakBridges));
    case "hpa":
      return hpa(0.5);
    case "agones-buffer":
      return agonesBuffer();
    case "jitsi-autoscaler":
      return jitsiAutoscaler();
    case "ours":
      return ours({ timeZone }, epochMs);
  }
  const variant = oursVariants[name] ?? frontierVariants[name];
  if (!variant) throw new Error(`unknown policy ${name}`);
  return ours({ timeZone, ...variant }, epochMs);
}

export function runInstance(family: string, instance: number, seed: number, policies: readonly string[]): SuiteRecord[] {
  const w = drawInstance(family, instance, seed);
  const bound = oracle(w.trace, w.measureFromMs, w.toMs);
  const records: SuiteRecord[] = [
    { family, instance, policy: "oracle", bridgeHours: bound.bridgeHours, oracleRatio: 1, overloadShare: 0, interrupted: 0, conferencesRefused: 0 },
  ];
  for (const name of policies) {
    const r = simulate(w.trace, policyOf(name, bound.peakBridges), w.fromMs, w.toMs, { measureFromMs: w.measureFromMs });
    records.push({
      family,
      instance,
      policy: name,
      bridgeHours: r.bridgeHours,
      oracleRatio: bound.bridgeHours > 0 ? r.bridgeHours / bound.bridgeHours : Number.NaN,
      overloadShare: r.overloadShare,
      interrupted: r.interrupted,
      conferencesRefused: r.conferencesRefused,
    });
  }
  return records;
}
