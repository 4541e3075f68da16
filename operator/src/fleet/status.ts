// The fleet's status, computed from what was observed and what the plan decided: pure. Conditions follow
// kstatus (Ready, Reconciling, Stalled, with observedGeneration) so `kubectl wait --for=condition=Ready`
// and GitOps tools understand the fleet; lastTransitionTime moves only when a condition's status flips.

import type { BridgePhase, BridgeStatus, Condition, FleetStatus } from "../api/meetingfleet.ts";
import type { ObservedBridge, Plan } from "./plan.ts";

export interface StatusInput {
  generation: number;
  desiredReplicas: number;
  templateHash: string;
  selector: string;
  bridges: readonly ObservedBridge[];
  plan: Plan;
  /** A problem that stops progress until the user acts (bad spec, missing secret, refused creates). */
  stalled?: { reason: string; message: string };
  previous?: FleetStatus;
  now: number;
}

export function bridgePhase(b: ObservedBridge): BridgePhase {
  if (b.exited) return "Failed";
  if (b.shutdownRequestedAt !== undefined || b.figures?.shuttingDown) return "ShuttingDown";
  if (b.drainingSince !== undefined) return "Draining";
  if (!b.running) return "Pending";
  return b.ready ? "Ready" : "Starting";
}

const decimal = (value: number) => value.toFixed(2);

/** The conditions every status carries, whatever their state. */
export const conditionTypes = ["Ready", "Reconciling", "Stalled"] as const;

function condition(type: (typeof conditionTypes)[number], status: boolean, reason: string, message: string, input: StatusInput): Condition {
  const value = status ? "True" : "False";
  const before = input.previous?.conditions?.find((c) => c.type === type);
  return {
    type,
    status: value,
    reason,
    message,
    observedGeneration: input.generation,
    lastTransitionTime: before && before.status === value ? before.lastTransitionTime : new Date(input.now).toISOString(),
  };
}

/** Pending bridges no node takes, with the scheduler's words: what an SRE needs to add room. */
export function unschedulableMessage(bridges: readonly ObservedBridge[]): string {
  const names = unschedulableNames(bridges);
  const why = bridges.find((b) => b.unschedulable !== undefined)?.unschedulable ?? "";
  return `${names.length} ${names.length === 1 ? "bridge" : "bridges"} cannot be scheduled (${names.join(", ")}): ${why}`;
}

/** The pending bridges no node takes, by ordinal: the same set always reads the same, whatever order they were listed in. */
export function unschedulableNames(bridges: readonly ObservedBridge[]): string[] {
  return bridges
    .filter((b) => b.unschedulable !== undefined)
    .sort((a, b) => a.ordinal - b.ordinal)
    .map((b) => b.name);
}

export function computeStatus(input: StatusInput): FleetStatus {
  const present = input.bridges.filter((b) => !b.deleting).sort((a, b) => a.ordinal - b.ordinal);
  const active = present.filter((b) => !b.exited && b.drainingSince === undefined);
  const ready = active.filter((b) => b.ready);
  const draining = present.filter((b) => !b.exited && b.drainingSince !== undefined);
  const known = present.filter((b) => b.figures);
  const stresses = known.map((b) => b.figures?.stress ?? 0);
  const outdated = active.filter((b) => b.templateHash !== input.templateHash);
  const unschedulable = active.filter((b) => b.unschedulable !== undefined);

  const bridges: BridgeStatus[] = present.map((b) => {
    const entry: BridgeStatus = { name: b.name, phase: bridgePhase(b), templateHash: b.templateHash };
    if (b.figures) {
      entry.participants = b.figures.participants;
      entry.stress = decimal(b.figures.stress);
    }
    if (b.drainingSince !== undefined) entry.drainingSince = new Date(b.drainingSince).toISOString();
    return entry;
  });

  const { plan } = input;
  const acting = plan.create.length + plan.drain.length + plan.undrain.length + plan.delete.length + plan.shutdown.length > 0;
  const allReady = ready.length === input.desiredReplicas && active.length === input.desiredReplicas && outdated.length === 0;
  const reconciling = !input.stalled && (acting || !allReady || draining.length > 0);
  const reconcilingReason =
    unschedulable.length > 0
      ? "BridgesUnschedulable"
      : outdated.length > 0
        ? "RollingUpgrade"
        : active.length < input.desiredReplicas
          ? "ScalingUp"
          : active.length > input.desiredReplicas
            ? "ScalingDown"
            : draining.length > 0
              ? "Draining"
              : "BridgesStarting";
  const reconcilingMessage =
    `${ready.length} of ${input.desiredReplicas} bridges ready` +
    (draining.length > 0 ? `, ${draining.length} draining` : "") +
    (outdated.length > 0 ? `, ${outdated.length} on an old template` : "") +
    (unschedulable.length > 0 ? `; ${unschedulableMessage(unschedulable)}` : "");

  const conditions = [
    input.stalled
      ? condition("Ready", false, input.stalled.reason, input.stalled.message, input)
      : allReady
        ? condition("Ready", true, "AllBridgesReady", `${ready.length} of ${input.desiredReplicas} bridges ready`, input)
        : condition("Ready", false, unschedulable.length > 0 ? "BridgesUnschedulable" : "BridgesNotReady", reconcilingMessage, input),
    reconciling
      ? condition("Reconciling", true, reconcilingReason, reconcilingMessage, input)
      : input.stalled
        ? condition("Reconciling", false, "Stalled", "waiting for the cause in the Stalled condition to be fixed", input)
        : condition("Reconciling", false, "Reconciled", "the fleet matches its spec", input),
    input.stalled
      ? condition("Stalled", true, input.stalled.reason, input.stalled.message, input)
      : condition("Stalled", false, "Progressing", "no blocking problem", input),
  ];

  const status: FleetStatus = {
    observedGeneration: input.generation,
    replicas: active.length,
    readyReplicas: ready.length,
    drainingReplicas: draining.length,
    selector: input.selector,
    participants: known.reduce((sum, b) => sum + (b.figures?.participants ?? 0), 0),
    conferences: known.reduce((sum, b) => sum + (b.figures?.conferences ?? 0), 0),
    bridges,
    conditions,
  };
  if (stresses.length > 0) {
    status.averageStress = decimal(stresses.reduce((a, b) => a + b, 0) / stresses.length);
    status.maxStress = decimal(Math.max(...stresses));
  }
  return status;
}
