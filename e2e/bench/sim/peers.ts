// The peers, each modelled from its documented behaviour (../shared/reference/autoscaling.md). Targets
// that the peers leave to the user are assumptions, stated here and in the benchmark's output.

import { FleetPolicy, type PolicySpec, policyDefaults, sampleOf } from "../../../operator/src/autoscale/policy.ts";
import type { VictimOrder } from "../../../operator/src/fleet/plan.ts";
import type { FleetView, ScalingPolicy } from "./fleet-sim.ts";

const readyFigures = (view: FleetView) => view.bridges.filter((b) => b.ready && !b.draining && b.figures);
const activeCount = (view: FleetView) => view.bridges.filter((b) => !b.draining).length;

/** A fleet sized for the peak and never changed: how the 2020 volunteer fleets ran. */
export function staticFleet(bridges: number): ScalingPolicy {
  return { name: "static", intervalMs: 3_600_000, removal: "drain", initialBridges: bridges, decide: () => bridges };
}

/**
 * Kubernetes HPA v2 on a Deployment: every 15 s, desired = ceil(current x metric / target) outside a 0.1
 * tolerance; up by at most max(4 pods, 100 %) per period; down only to the highest recommendation of the
 * last 300 s; the ReplicaSet removes the newest pods, cutting their meetings (no preStop that waits).
 * Metric: mean stress of ready bridges. Target 0.5 (assumption: a user's choice leaving room for bursts).
 */
export function hpa(target = 0.5, min = 1, max = 100): ScalingPolicy {
  const recommendations: Array<{ at: number; value: number }> = [];
  return {
    name: "hpa",
    intervalMs: 15_000,
    removal: "delete-newest",
    initialBridges: min,
    decide(view) {
      const current = activeCount(view);
      const ready = readyFigures(view);
      let recommended = current;
      if (ready.length > 0) {
        const ratio = ready.reduce((s, b) => s + (b.figures?.stress ?? 0), 0) / ready.length / target;
        if (Math.abs(ratio - 1) > 0.1) recommended = Math.ceil(current * ratio);
      }
      recommended = Math.min(max, Math.max(min, recommended));
      recommendations.push({ at: view.now, value: recommended });
      while (recommendations.length > 0 && view.now - recommendations[0]!.at > 300_000) recommendations.shift();
      const stabilized = Math.max(...recommendations.map((r) => r.value));
      if (stabilized > current) return Math.min(stabilized, current + Math.max(4, current));
      return Math.max(min, stabilized);
    },
  };
}

/**
 * Agones FleetAutoscaler, Buffer policy: every 30 s, replicas = allocated + buffer; an Allocated server
 * (here: a bridge with any conference) is never removed, only empty ones. Buffer 2 (assumption).
 */
export function agonesBuffer(buffer = 2, min = 1, max = 100): ScalingPolicy {
  return {
    name: "agones-buffer",
    intervalMs: 30_000,
    removal: "delete-empty",
    initialBridges: Math.max(min, buffer),
    decide(view) {
      const allocated = view.bridges.filter((b) => (b.figures?.conferences ?? 0) > 0).length;
      return Math.min(max, Math.max(min, allocated + buffer));
    },
  };
}

/**
 * jitsi-autoscaler: mean stress per 60 s period; up by one when the last 2 periods are all >= `up` (0.3),
 * down by one when the last 10 are all < `down` (0.1); 600 s cooldown after any change; the victim is the
 * bridge with the fewest participants, shut down gracefully (here: the operator's drain).
 */
export function jitsiAutoscaler(up = 0.3, down = 0.1, min = 1, max = 100): ScalingPolicy {
  const periods: number[] = [];
  let lastChange = -Infinity;
  let desired = min;
  return {
    name: "jitsi-autoscaler",
    intervalMs: 60_000,
    removal: "drain",
    victimOrder: "fewest-participants",
    initialBridges: min,
    decide(view) {
      const ready = readyFigures(view);
      periods.push(ready.length > 0 ? ready.reduce((s, b) => s + (b.figures?.stress ?? 0), 0) / ready.length : 0);
      if (periods.length > 10) periods.shift();
      if (view.now - lastChange < 600_000) return desired;
      const last = (n: number) => periods.slice(-n);
      if (periods.length >= 2 && last(2).every((s) => s >= up) && desired < max) {
        desired++;
        lastChange = view.now;
      } else if (periods.length >= 10 && last(10).every((s) => s < down) && desired > min) {
        desired--;
        lastChange = view.now;
      }
      return desired;
    },
  };
}

/**
 * Ours: the operator's FleetPolicy, evaluated on every stats tick, removing bridges only by drain.
 * `epochMs` maps the trace's time 0 to a wall-clock instant, for schedules and the time of day;
 * `victimOrder` overrides planFleet's (for the ablation).
 */
export function ours(spec: Partial<PolicySpec> = {}, epochMs = 0, victimOrder?: VictimOrder): ScalingPolicy {
  const policy = new FleetPolicy(spec);
  const min = spec.minReplicas ?? policyDefaults.minReplicas;
  return {
    name: "ours",
    // On every step: whenever fresh figures may have come, as the operator decides on each scrape.
    intervalMs: 0,
    removal: "drain",
    ...(victimOrder ? { victimOrder } : {}),
    initialBridges: min,
    decide(view) {
      const samples = view.bridges.flatMap((b) => (b.ready && b.figures ? [sampleOf(b.figures)] : []));
      return policy.decide(epochMs + view.now, samples, activeCount(view)).desired;
    },
  };
}
