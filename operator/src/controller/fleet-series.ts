// A fleet's Prometheus series, set from the status each reconcile computed and removed with the fleet.
// Per-bridge series follow the bridges: a gone bridge, or an old phase label, leaves no stale series.
// The decision counters and the drain-duration histogram count what a pass decided.

import type { BridgeStatus, FleetSpec, FleetStatus } from "../api/meetingfleet.ts";
import type { ObservedBridge, Plan } from "../fleet/plan.ts";
import { conditionTypes } from "../fleet/status.ts";
import type { Metrics } from "../runtime/metrics.ts";
import { parseDuration } from "../util/duration.ts";

export interface FleetLabels {
  namespace: string;
  fleet: string;
}

/** What the operator acted on in this pass: absent when the stored spec is invalid. */
export interface AppliedSpec {
  desired: number;
  spec: FleetSpec;
}

const bridgeStates = ["desired", "current", "ready", "draining"];

export class FleetSeries {
  private readonly metrics: Metrics;
  /** Per fleet: the bridges whose series are exported, with the phase label in use. */
  private readonly exportedBridges = new Map<string, Map<string, string>>();

  constructor(metrics: Metrics) {
    this.metrics = metrics;
  }

  /**
   * What was observed is exported on every pass, so alerts on bridges keep working while a spec is invalid.
   * What the spec sets (desired, max, drain deadline) comes only from a spec the operator acts on: without
   * one, the last applied values stay, as they still describe the bridges that are running.
   */
  export(labelsOf: FleetLabels, status: FleetStatus, applied?: AppliedSpec): void {
    const { metrics } = this;
    if (applied) {
      metrics.maxBridges.set(labelsOf, applied.spec.maxReplicas);
      metrics.drainDeadline.set(labelsOf, parseDuration(applied.spec.drainDeadline) / 1000);
      metrics.bridges.set({ ...labelsOf, state: "desired" }, applied.desired);
    }
    metrics.bridges.set({ ...labelsOf, state: "current" }, status.replicas ?? 0);
    metrics.bridges.set({ ...labelsOf, state: "ready" }, status.readyReplicas ?? 0);
    metrics.bridges.set({ ...labelsOf, state: "draining" }, status.drainingReplicas ?? 0);
    metrics.participants.set(labelsOf, status.participants ?? 0);
    metrics.conferences.set(labelsOf, status.conferences ?? 0);
    if (status.maxStress !== undefined) metrics.stressMax.set(labelsOf, Number(status.maxStress));
    if (status.averageStress !== undefined) metrics.stressAverage.set(labelsOf, Number(status.averageStress));
    // Stalled fleets reconcile without errors, so no error rate shows them: this is what alerts on them.
    for (const c of status.conditions ?? []) metrics.condition.set({ ...labelsOf, type: c.type }, c.status === "True" ? 1 : 0);
    this.exportBridges(labelsOf, status.bridges ?? []);
  }

  /** What the autoscaler wants, shown beside the desired count even when writing it fails. */
  autoscalerWants(labelsOf: FleetLabels, desired: number): void {
    this.metrics.autoscalerDesired.set(labelsOf, desired);
  }

  /** A change of the fleet's size, counted once it is written. */
  autoscaled(labelsOf: FleetLabels, reason: string): void {
    this.metrics.decisions.inc({ ...labelsOf, action: "autoscale", reason });
  }

  /** Each decision of a plan, by action and reason; each bridge removed after draining, by how long it drained. */
  planned(labelsOf: FleetLabels, plan: Plan, bridges: readonly ObservedBridge[], now: number): void {
    const { metrics } = this;
    for (const d of plan.delete) {
      const since = bridges.find((b) => b.name === d.name)?.drainingSince;
      if (since !== undefined) metrics.drainDuration.observe(labelsOf, (now - since) / 1000);
    }
    const byAction = { create: plan.create, drain: plan.drain, undrain: plan.undrain, shutdown: plan.shutdown, delete: plan.delete };
    for (const [action, decisions] of Object.entries(byAction)) {
      for (const d of decisions) metrics.decisions.inc({ ...labelsOf, action, reason: d.reason });
    }
  }

  /** The fleet is gone: every series it had goes too, so dashboards and alerts stop seeing it. */
  forget(labelsOf: FleetLabels): void {
    const { metrics } = this;
    for (const state of bridgeStates) metrics.bridges.remove({ ...labelsOf, state });
    for (const type of conditionTypes) metrics.condition.remove({ ...labelsOf, type });
    for (const gauge of [
      metrics.participants,
      metrics.conferences,
      metrics.stressMax,
      metrics.stressAverage,
      metrics.autoscalerDesired,
      metrics.maxBridges,
      metrics.drainDeadline,
    ])
      gauge.remove(labelsOf);
    const key = `${labelsOf.namespace}/${labelsOf.fleet}`;
    for (const [name, phase] of this.exportedBridges.get(key) ?? []) this.forgetBridge({ ...labelsOf, bridge: name }, phase);
    this.exportedBridges.delete(key);
  }

  /** Per-bridge series; those of bridges that are gone (or whose figures went stale) are removed. */
  private exportBridges(labelsOf: FleetLabels, bridges: readonly BridgeStatus[]): void {
    const { metrics } = this;
    const key = `${labelsOf.namespace}/${labelsOf.fleet}`;
    const exported = this.exportedBridges.get(key) ?? new Map<string, string>();
    const seen = new Map<string, string>();
    for (const b of bridges) {
      const labels = { ...labelsOf, bridge: b.name };
      const before = exported.get(b.name);
      if (before !== undefined && before !== b.phase) metrics.bridgePhase.remove({ ...labels, phase: before });
      metrics.bridgePhase.set({ ...labels, phase: b.phase }, 1);
      if (b.stress !== undefined) metrics.bridgeStress.set(labels, Number(b.stress));
      else metrics.bridgeStress.remove(labels);
      if (b.participants !== undefined) metrics.bridgeParticipants.set(labels, b.participants);
      else metrics.bridgeParticipants.remove(labels);
      if (b.drainingSince !== undefined) metrics.bridgeDrainingSince.set(labels, Date.parse(b.drainingSince) / 1000);
      else metrics.bridgeDrainingSince.remove(labels);
      seen.set(b.name, b.phase);
    }
    for (const [name, phase] of exported) if (!seen.has(name)) this.forgetBridge({ ...labelsOf, bridge: name }, phase);
    this.exportedBridges.set(key, seen);
  }

  private forgetBridge(labels: FleetLabels & { bridge: string }, phase: string): void {
    const { metrics } = this;
    metrics.bridgePhase.remove({ ...labels, phase });
    for (const gauge of [metrics.bridgeStress, metrics.bridgeParticipants, metrics.bridgeDrainingSince]) gauge.remove(labels);
  }
}
