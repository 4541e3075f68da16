// One instance of the workload population under every policy of the suite: the oracle's bound over the
// measured days, then each policy at its defaults, from the warm-up's start, counted from the measured days.

import { type PolicySpec, policyDefaults } from "../../../operator/src/autoscale/policy.ts";
import { epochMs, timeZone } from "../benchmark.ts";
import { drawInstance } from "../families.ts";
import { gapSteps } from "../gap-steps.ts";
import { type OracleResult, oracle } from "../oracle.ts";
import { type ScalingPolicy, simulate } from "../sim/fleet-sim.ts";
import { foresight } from "../sim/foresight.ts";
import { agonesBuffer, hpa, jitsiAutoscaler, ours, staticFleet } from "../sim/peers.ts";

export interface SuiteRecord {
  /** The population the instance was drawn from (`SEED`): family and instance name it within one. */
  seed: number;
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

/**
 * `SEED`: one population's seed, or several separated by commas, each a whole number from 1 up. Several
 * are judged as one population of all their instances, and each is reported on its own as well: a
 * setting is judged on populations it was not made on.
 */
export function parseSeeds(text: string | undefined): number[] {
  const seeds = (text ?? "1").split(",").map((part) => part.trim());
  for (const seed of seeds)
    if (!/^[1-9][0-9]*$/.test(seed)) throw new Error(`SEED must be whole numbers from 1 up, separated by commas; got ${JSON.stringify(text)}`);
  const unique = [...new Set(seeds.map(Number))];
  if (unique.length < seeds.length) throw new Error(`SEED names a population twice: ${JSON.stringify(text)}`);
  return unique;
}

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

/**
 * Run with REFERENCES=1 only, and judged against no target: the foresight reference (sim/foresight.ts),
 * which knows the oracle's bridge count 3 minutes ahead, scaled by a factor, plus one spare. Its points
 * say what overload a scaler could reach at what cost if it knew the future, while Jicofo places meetings
 * and they never move. No scaler knows more of the future; how it uses that knowledge is one choice of many.
 */
export const foresightFactors: Record<string, number> = {
  "foresight: lead 3 min, x1 +1": 1,
  "foresight: lead 3 min, x1.25 +1": 1.25,
  "foresight: lead 3 min, x1.5 +1": 1.5,
  "foresight: lead 3 min, x2 +1": 2,
};

/**
 * Also with REFERENCES=1: ten times the bridges the oracle needs at its peak, all day. What overload is
 * left there is Jicofo filling one bridge with a meeting before it opens another: no scaler removes it.
 */
export const plentyName = "static: 10x the oracle's peak";

/**
 * Run with GAP=1 only: ours with the causes of the gap to the oracle taken away one after another
 * (gap-steps.ts), the bridge model changed with them. Not a setting anyone can choose: it says what the
 * defaults' bridge-hours over the oracle are spent on.
 */
export const gapStepNames = gapSteps.map((step) => step.label);

/** Ours at settings an admin (or the issue owner) chooses: `OURS_WITH` holds PolicySpec fields as JSON. */
const oursWithPrefix = "ours with ";
export const oursWithName = (settings: Partial<PolicySpec>) => `${oursWithPrefix}${JSON.stringify(settings)}`;

/** The bench's traces set the clock and have no lecture hours: the rest of PolicySpec may be chosen. */
const choosable = Object.keys(policyDefaults).filter((key) => key !== "schedule" && key !== "timeZone");

/** `OURS_WITH`: one object of PolicySpec fields, or a list of them; refused with the field named when it is not. */
export function parseOursSettings(text: string): Array<Partial<PolicySpec>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`OURS_WITH is not JSON: ${(e as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.map((settings, i) => {
    const where = Array.isArray(parsed) ? `OURS_WITH[${i}]` : "OURS_WITH";
    if (typeof settings !== "object" || settings === null || Array.isArray(settings)) throw new Error(`${where} must be an object of policy settings`);
    for (const [key, value] of Object.entries(settings)) {
      if (!choosable.includes(key)) throw new Error(`${where}.${key} is no setting the suite can vary; these are: ${choosable.join(", ")}`);
      const fallback = policyDefaults[key as keyof PolicySpec];
      if (typeof fallback !== typeof value || (typeof value === "number" && !Number.isFinite(value)))
        throw new Error(`${where}.${key} must be a ${typeof fallback}, got ${JSON.stringify(value)}`);
    }
    return settings as Partial<PolicySpec>;
  });
}

function policyOf(name: string, bound: OracleResult, wholeRun: () => OracleResult): ScalingPolicy {
  const factor = foresightFactors[name];
  if (factor !== undefined) return foresight(wholeRun(), 3 * 60_000, 1, factor);
  switch (name) {
    case plentyName:
      return staticFleet(10 * Math.max(1, bound.peakBridges));
    case "static":
      return staticFleet(Math.max(1, bound.peakBridges));
    case "hpa":
      return hpa(0.5);
    case "agones-buffer":
      return agonesBuffer();
    case "jitsi-autoscaler":
      return jitsiAutoscaler();
    case "ours":
      return ours({ timeZone }, epochMs);
  }
  if (name.startsWith(oursWithPrefix)) return ours({ timeZone, ...parseOursSettings(name.slice(oursWithPrefix.length))[0] }, epochMs);
  const variant = oursVariants[name] ?? frontierVariants[name];
  if (!variant) throw new Error(`unknown policy ${name}`);
  return ours({ timeZone, ...variant }, epochMs);
}

export function runInstance(family: string, instance: number, seed: number, policies: readonly string[]): SuiteRecord[] {
  const w = drawInstance(family, instance, seed);
  const bound = oracle(w.trace, w.measureFromMs, w.toMs);
  // Foresight also sizes the warm-up days, so it needs the oracle's count from the first of them.
  let fromStart: OracleResult | undefined;
  const wholeRun = () => (fromStart ??= oracle(w.trace, w.fromMs, w.toMs));
  const records: SuiteRecord[] = [
    { seed, family, instance, policy: "oracle", bridgeHours: bound.bridgeHours, oracleRatio: 1, overloadShare: 0, interrupted: 0, conferencesRefused: 0 },
  ];
  for (const name of policies) {
    // A gap step changes the bridge model as well as ours' settings.
    const step = gapSteps.find((s) => s.label === name);
    const policy = step ? ours({ timeZone, ...step.spec }, epochMs) : policyOf(name, bound, wholeRun);
    const r = simulate(w.trace, policy, w.fromMs, w.toMs, { ...step?.options, measureFromMs: w.measureFromMs });
    records.push({
      seed,
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
