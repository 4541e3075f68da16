// The benchmark itself: every policy on the same traces with the same bridge model, the equal-overload
// check, the ablation of ours' mechanisms, the foresight reference and the steps of the gap to the oracle.
// `run.ts` picks the traces and writes the files; `report.ts` prints the results.

import { type PolicySpec, policyDefaults } from "../../operator/src/autoscale/policy.ts";
import type { ScheduleEntry } from "../../operator/src/autoscale/schedule.ts";
import type { VictimOrder } from "../../operator/src/fleet/plan.ts";
import { bridgeHoursAt, type FrontierPoint, type Match, matchPeers } from "./frontier.ts";
import { gapSteps } from "./gap-steps.ts";
import { median } from "./median.ts";
import { elasticNodeRecords, type NodeRecord } from "./nodes.ts";
import { type OracleResult, oracle } from "./oracle.ts";
import type { PlotPanel } from "./plot/chart.ts";
import { type ScalingPolicy, type SimOptions, type SimResult, simulate } from "./sim/fleet-sim.ts";
import { foresight } from "./sim/foresight.ts";
import { jicofoRedistributionDefaults, type LoadRedistribution } from "./sim/load-redistribution.ts";
import { agonesBuffer, hpa, jitsiAutoscaler, ours, staticFleet } from "./sim/peers.ts";
import type { BenchArrival } from "./traces.ts";

/** Trace time 0 is Monday 2026-11-23 00:00 in Rome (23:00 UTC the day before). */
export const epochMs = Date.UTC(2026, 10, 22, 23, 0);
export const timeZone = "Europe/Rome";

export interface TraceCase {
  name: string;
  trace: BenchArrival[];
  fromMs: number;
  toMs: number;
  /** What the fleet's owner would configure for ours (only where they can know it). */
  schedule?: ScheduleEntry[];
}

export interface ResultRecord {
  trace: string;
  policy: string;
  bridgeHours: number;
  oracleRatio: number;
  overloadShare: number;
  interrupted: number;
  scaleActions: number;
  conferencesRefused: number;
  placedOnOverloaded: number;
}

/**
 * Settings the tunable policies also run at, besides their defaults (HPA 0.5; jitsi-autoscaler 0.3/0.1;
 * ours 0.6 with one bridge of headroom), for the equal-overload check: every peer point is matched
 * with ours' cheapest point at no more overload, so ours' settings must span the peers' overloads.
 */
const hpaTargets = [0.4, 0.5, 0.6, 0.7];
const jitsiThresholds: Array<[up: number, down: number]> = [
  [0.3, 0.1],
  [0.4, 0.15],
  [0.5, 0.2],
  [0.6, 0.25],
];
export const ourTargets = [0.5, 0.6, 0.7, 0.75, 0.8];
export const ourHeadrooms = [0, 1, 2, 4];
/** Where the trace has a schedule, ours also runs with its minimums cut to these shares (an admin's other choices). */
export const scheduleShares = [0.75, 0.5, 0.25];
/**
 * An admin who puts cost first, with no headroom and a high target, would also shorten the scale-down
 * window: at target 0.7 on the week, 2 minutes instead of 10 gave fewer bridge-hours and no more overload.
 */
export const shortDownWindow = { targets: [0.7, 0.75, 0.8], headroom: 0, scaleDownWindowMs: 120_000 };
/**
 * An admin who accepts cut meetings, as HPA's users do, would also shorten the drain deadline. These
 * points cut meetings, so the check uses them only where ours' points that cut none lose, and only
 * against a peer that cuts at least as many.
 */
export const shortDrainDeadline = { deadlinesMs: [900_000, 1_800_000], targets: [0.6, 0.75], headrooms: [0, 1], scaleDownWindowMs: 120_000 };

/**
 * Each mechanism of ours that goes beyond a reactive policy, switched once from its default: off where
 * the defaults have it on, on where they leave it off. What is on must earn its place.
 */
const mechanisms: Array<{ name: string; change: Partial<PolicySpec>; switchedOn?: boolean; victimOrder?: VictimOrder; onlyWithSchedule?: boolean }> = [
  { name: "growth look-ahead 90 s", change: { lookaheadMs: 90_000 }, switchedOn: true },
  { name: "time-of-day memory", change: { prewarmFromHistory: false } },
  { name: "scale-down window", change: { scaleDownWindowMs: 0 } },
  { name: "schedule", change: { schedule: [] }, onlyWithSchedule: true },
  { name: "fewest-conferences victim", change: {}, victimOrder: "fewest-participants" },
  { name: "headroom", change: { headroom: 0 } },
];

export interface Ablation {
  trace: string;
  mechanism: string;
  /** The mechanism is off in ours' defaults and this run switched it on. */
  switchedOn: boolean;
  bridgeHours: number;
  overloadShare: number;
  interrupted: number;
  /** Ours with its defaults, for comparison. */
  shipped: FrontierPoint;
  /**
   * The switched variant moved to the defaults' overload: read, linearly, from its own runs at the
   * targets of `ablationTargets` and the default target; undefined when they do not span that overload.
   */
  atShippedOverload?: number;
  /** The least and the most overload among those runs. */
  lowestOverload: number;
  highestOverload: number;
  /** The cheapest of those runs with no more bridge-hours and no more overload than the defaults, if any. */
  noWorseThanShipped?: FrontierPoint;
}

/**
 * Jicofo's load redistribution is Jicofo's setting, not a scaler's: every policy's fleet gains from it, so
 * the peers run with it too. At Jicofo's defaults (threshold 0.9), and at 0.81, just above the selection
 * threshold, so that it acts on every bridge the overload figure counts (this one also over the draws).
 */
export const redistributionInDraws: LoadRedistribution = { ...jicofoRedistributionDefaults, stressThreshold: 0.81 };
export const redistributionSettings: LoadRedistribution[] = [jicofoRedistributionDefaults, redistributionInDraws];

export interface RedistributionRecord extends ResultRecord {
  /** Participants moved off an overloaded bridge: each one's media restarts, the meeting goes on. */
  endpointsMoved: number;
}

/** Targets each switched variant also runs at, to be compared with the defaults at their own overload. */
export const ablationTargets = [0.4, 0.5, 0.6, 0.7];

export interface BenchmarkResults {
  records: ResultRecord[];
  /** Ours with an autoscaled media pool: node-hours beside bridge-hours. */
  nodes: NodeRecord[];
  panels: PlotPanel[];
  matches: Array<{ trace: string } & Match>;
  ablations: Ablation[];
  references: ResultRecord[];
  gap: ResultRecord[];
  redistribution: RedistributionRecord[];
}

/** One trace's runs: every simulation of the benchmark on this trace goes through `run`. */
interface TraceRuns {
  c: TraceCase;
  run: (policy: ScalingPolicy, setting: string, options?: Partial<SimOptions>) => { r: SimResult; point: FrontierPoint };
  /** Ours as the trace's admins would configure it, with these changes. */
  oursWith: (spec: Partial<PolicySpec>, victimOrder?: VictimOrder) => ScalingPolicy;
}

function traceRuns(c: TraceCase): TraceRuns {
  return {
    c,
    run: (policy, setting, options = {}) => {
      const r = simulate(c.trace, policy, c.fromMs, c.toMs, options);
      return { r, point: { policy: r.policy, setting, bridgeHours: r.bridgeHours, overloadShare: r.overloadShare, interrupted: r.interrupted } };
    },
    oursWith: (spec, victimOrder) => ours({ timeZone, ...(c.schedule ? { schedule: c.schedule } : {}), ...spec }, epochMs, victimOrder),
  };
}

function recordOf(c: TraceCase, bound: OracleResult, r: SimResult): ResultRecord {
  return {
    trace: c.name,
    policy: r.policy,
    bridgeHours: r.bridgeHours,
    oracleRatio: bound.bridgeHours > 0 ? r.bridgeHours / bound.bridgeHours : Number.NaN,
    overloadShare: r.overloadShare,
    interrupted: r.interrupted,
    scaleActions: r.scaleActions,
    conferencesRefused: r.conferencesRefused,
    placedOnOverloaded: r.placedOnOverloaded,
  };
}

const oracleRecord = (c: TraceCase, bound: OracleResult): ResultRecord => ({
  trace: c.name,
  policy: "oracle",
  bridgeHours: bound.bridgeHours,
  oracleRatio: 1,
  overloadShare: 0,
  interrupted: 0,
  scaleActions: 0,
  conferencesRefused: 0,
  placedOnOverloaded: 0,
});

/** The table's rows for one trace: the oracle, then every policy at its defaults. */
const tableRecords = (c: TraceCase, bound: OracleResult, defaults: ReadonlyArray<{ r: SimResult }>): ResultRecord[] => [
  oracleRecord(c, bound),
  ...defaults.map(({ r }) => recordOf(c, bound, r)),
];

/** Every policy at its default settings. */
function atDefaults({ run, oursWith }: TraceRuns, bound: OracleResult) {
  return [
    run(staticFleet(Math.max(1, bound.peakBridges)), "peak"),
    run(hpa(0.5), "target 0.5"),
    run(agonesBuffer(), "buffer 2"),
    run(jitsiAutoscaler(), "0.3/0.1"),
    run(oursWith({}), `target ${policyDefaults.targetStress}, headroom ${policyDefaults.headroom}`),
  ];
}

export function runBenchmark(traceCases: TraceCase[]): BenchmarkResults {
  const results: BenchmarkResults = { records: [], nodes: [], panels: [], matches: [], ablations: [], references: [], gap: [], redistribution: [] };
  for (const c of traceCases) {
    const bound = oracle(c.trace, c.fromMs, c.toMs);
    const runs = traceRuns(c);
    const { run, oursWith } = runs;
    const defaults = atDefaults(runs, bound);
    results.records.push(...tableRecords(c, bound, defaults));
    results.panels.push({
      trace: c.name,
      fromMs: c.fromMs,
      toMs: c.toMs,
      lines: [{ policy: "oracle", points: bound.series }, ...defaults.map(({ r }) => ({ policy: r.policy, points: r.series }))],
    });
    results.references.push(recordOf(c, bound, run(foresight(bound), "lead 3 min, +1").r));
    results.nodes.push(
      ...elasticNodeRecords(
        c,
        () => oursWith({}),
        (policy, options) => run(policy, "node pool", options).r,
      ),
    );
    for (const step of gapSteps) results.gap.push({ ...recordOf(c, bound, run(oursWith(step.spec), step.label, step.options).r), policy: step.label });
    results.redistribution.push(...withRedistribution(runs, bound, redistributionSettings));
    const pointOf = (name: string) => defaults.find((d) => d.r.policy === name)!.point;
    const peerPoints = [
      ...hpaTargets.map((t) => (t === 0.5 ? pointOf("hpa") : run(hpa(t), `target ${t}`).point)),
      ...jitsiThresholds.map(([up, down]) => (up === 0.3 ? pointOf("jitsi-autoscaler") : run(jitsiAutoscaler(up, down), `${up}/${down}`).point)),
    ];
    for (const m of matchPeers(ourFrontier(runs, pointOf("ours")), peerPoints)) results.matches.push({ trace: c.name, ...m });
    results.ablations.push(...ablate(runs, pointOf("ours")));
  }
  return results;
}

/** HPA, jitsi-autoscaler and ours at their defaults, with Jicofo's load redistribution at each setting. */
function withRedistribution({ c, run, oursWith }: TraceRuns, bound: OracleResult, settings: readonly LoadRedistribution[]): RedistributionRecord[] {
  return settings.flatMap((config) =>
    [hpa(0.5), jitsiAutoscaler(), oursWith({})].map((policy) => {
      const { r } = run(policy, `Jicofo redistribution ${config.stressThreshold}`, { loadRedistribution: config });
      return { ...recordOf(c, bound, r), policy: `${r.policy}, redistribution ${config.stressThreshold}`, endpointsMoved: r.endpointsMoved };
    }),
  );
}

/** Ours at the settings of the equal-overload check; `shipped` is ours at its defaults, already run. */
function ourFrontier({ c, run, oursWith }: TraceRuns, shipped: FrontierPoint): FrontierPoint[] {
  const points = ourTargets.flatMap((targetStress) =>
    ourHeadrooms.map((headroom) =>
      targetStress === policyDefaults.targetStress && headroom === policyDefaults.headroom
        ? shipped
        : run(oursWith({ targetStress, headroom }), `target ${targetStress}, headroom ${headroom}`).point,
    ),
  );
  for (const targetStress of shortDownWindow.targets) {
    const { headroom, scaleDownWindowMs } = shortDownWindow;
    points.push(
      run(
        oursWith({ targetStress, headroom, scaleDownWindowMs }),
        `target ${targetStress}, headroom ${headroom}, down window ${scaleDownWindowMs / 60_000} min`,
      ).point,
    );
  }
  for (const drainDeadlineMs of shortDrainDeadline.deadlinesMs) {
    const { targets, headrooms, scaleDownWindowMs } = shortDrainDeadline;
    for (const targetStress of targets) {
      for (const headroom of headrooms) {
        const setting = `target ${targetStress}, headroom ${headroom}, down window ${scaleDownWindowMs / 60_000} min, drain deadline ${drainDeadlineMs / 60_000} min`;
        points.push(run(oursWith({ targetStress, headroom, scaleDownWindowMs }), setting, { drainDeadlineMs }).point);
      }
    }
  }
  for (const share of c.schedule ? scheduleShares : []) {
    const schedule = c.schedule!.map((e) => ({ ...e, minReplicas: Math.round(e.minReplicas * share) }));
    points.push(run(oursWith({ schedule }), `schedule x${share}`).point);
  }
  return points;
}

/** Each mechanism of ours switched once, swept over the ablation's targets and read at the defaults' overload. */
function ablate({ c, run, oursWith }: TraceRuns, shipped: FrontierPoint): Ablation[] {
  const targets = [...new Set([...ablationTargets, policyDefaults.targetStress])].sort((a, b) => a - b);
  return mechanisms
    .filter((m) => !m.onlyWithSchedule || c.schedule)
    .map((m) => {
      const switchedOn = m.switchedOn ?? false;
      const sweep = targets.map(
        (targetStress) =>
          run(oursWith({ ...m.change, targetStress }, m.victimOrder), `${switchedOn ? "with" : "without"} ${m.name}, target ${targetStress}`).point,
      );
      const point = sweep[targets.indexOf(policyDefaults.targetStress)]!;
      const atShippedOverload = bridgeHoursAt(sweep, shipped.overloadShare);
      const noWorseThanShipped = sweep
        .filter((p) => p.bridgeHours <= shipped.bridgeHours && p.overloadShare <= shipped.overloadShare)
        .sort((a, b) => a.bridgeHours - b.bridgeHours)[0];
      return {
        trace: c.name,
        mechanism: m.name,
        switchedOn,
        bridgeHours: point.bridgeHours,
        overloadShare: point.overloadShare,
        interrupted: point.interrupted,
        shipped,
        ...(atShippedOverload === undefined ? {} : { atShippedOverload }),
        lowestOverload: Math.min(...sweep.map((p) => p.overloadShare)),
        highestOverload: Math.max(...sweep.map((p) => p.overloadShare)),
        ...(noWorseThanShipped ? { noWorseThanShipped } : {}),
      };
    });
}

/** One policy's figures on one trace over several draws of it. */
export interface DrawSummary {
  trace: string;
  policy: string;
  draws: number;
  /** Medians over the draws. */
  bridgeHours: number;
  oracleRatio: number;
  overloadShare: number;
  interrupted: number;
  /** Participants Jicofo's load redistribution moved (rows with it only). */
  endpointsMoved: number;
  /** The least and the most overload among the draws. */
  overloadRange: [number, number];
}

/**
 * The table's rows over many draws of the same traces: one draw of a trace that a single large meeting
 * decides (the flash crowd) says little, so this gives each policy's median and its overload's range.
 */
export function acrossDraws(casesOfDraw: (draw: number) => TraceCase[], draws: number): DrawSummary[] {
  const byTraceAndPolicy = new Map<string, Array<ResultRecord & { endpointsMoved?: number }>>();
  for (let draw = 1; draw <= draws; draw++) {
    for (const c of casesOfDraw(draw)) {
      const bound = oracle(c.trace, c.fromMs, c.toMs);
      const runs = traceRuns(c);
      const records = [...tableRecords(c, bound, atDefaults(runs, bound)), ...withRedistribution(runs, bound, [redistributionInDraws])];
      for (const record of records) {
        const key = `${record.trace}\u0000${record.policy}`;
        byTraceAndPolicy.set(key, [...(byTraceAndPolicy.get(key) ?? []), record]);
      }
    }
  }
  return [...byTraceAndPolicy.values()].map((records) => {
    const overloads = records.map((r) => r.overloadShare);
    return {
      trace: records[0]!.trace,
      policy: records[0]!.policy,
      draws: records.length,
      bridgeHours: median(records.map((r) => r.bridgeHours)),
      oracleRatio: median(records.map((r) => r.oracleRatio)),
      overloadShare: median(overloads),
      interrupted: median(records.map((r) => r.interrupted)),
      endpointsMoved: median(records.map((r) => r.endpointsMoved ?? 0)),
      overloadRange: [Math.min(...overloads), Math.max(...overloads)],
    };
  });
}
