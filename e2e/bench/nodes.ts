// Elastic media nodes in the benchmark: ours on each trace when a new bridge needs a new node first (no free
// node: VM boot, cloud-init and the k3s agent joining), with node-hours beside bridge-hours, against a fixed
// pool sized for the trace's peak. One bridge a node (HostPort), as on the media pools of infra/.

import type { NodePoolModel, ScalingPolicy, SimOptions, SimResult } from "./sim/fleet-sim.ts";

/** Assumed node boot and join times (a cloud VM with cloud-init and k3s: 60-180 s). */
export const nodeBootsMs = [60_000, 120_000, 180_000];
/** How long an emptied node stays (the cluster-autoscaler's scale-down-unneeded-time, as infra/ sets it). */
export const nodeIdleMs = 10 * 60_000;

export interface NodeRecord {
  trace: string;
  /** undefined: a free node is always there (the main table's model). */
  bootS?: number;
  bridgeHours: number;
  nodeHours: number;
  peakNodes: number;
  /** A fixed pool sized for this run's peak, up all the time. */
  fixedPoolNodeHours: number;
  overloadShare: number;
  conferencesRefused: number;
  interrupted: number;
}

export function elasticNodeRecords(
  trace: { name: string; fromMs: number; toMs: number },
  /** A fresh policy for each run: policies remember what they saw. */
  ours: () => ScalingPolicy,
  run: (policy: ScalingPolicy, options: Partial<SimOptions>) => SimResult,
): NodeRecord[] {
  const hours = (trace.toMs - trace.fromMs) / 3_600_000;
  const record = (r: SimResult, pool?: NodePoolModel): NodeRecord => ({
    trace: trace.name,
    ...(pool ? { bootS: pool.bootMs / 1000 } : {}),
    bridgeHours: r.bridgeHours,
    nodeHours: r.nodeHours,
    peakNodes: r.peakNodes,
    fixedPoolNodeHours: r.peakNodes * hours,
    overloadShare: r.overloadShare,
    conferencesRefused: r.conferencesRefused,
    interrupted: r.interrupted,
  });
  return [
    record(run(ours(), {})),
    ...nodeBootsMs.map((bootMs) => {
      const nodePool = { bootMs, idleMs: nodeIdleMs };
      return record(run(ours(), { nodePool }), nodePool);
    }),
  ];
}
