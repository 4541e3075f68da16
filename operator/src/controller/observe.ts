// From a bridge pod (and its latest figures) to the planner's view of it: pure.

import { annotations } from "../fleet/bridge-pod.ts";
import { inUseLabel } from "../fleet/disruption.ts";
import type { BridgeFigures, ObservedBridge } from "../fleet/plan.ts";
import type { Pod } from "../kube/types.ts";

const time = (value: string | undefined) => {
  const ms = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
};

export function ordinalOf(pod: Pod): number {
  const fromAnnotation = Number(pod.metadata.annotations?.[annotations.ordinal]);
  if (Number.isInteger(fromAnnotation) && fromAnnotation >= 0) return fromAnnotation;
  const suffix = Number(/-(\d+)$/.exec(pod.metadata.name)?.[1]);
  return Number.isInteger(suffix) ? suffix : -1;
}

/** `leavingNode`: why the pod's node is on its way out (disruption.ts nodeLeavingReason), if it is. */
export function observeBridge(pod: Pod, figures: BridgeFigures | undefined, leavingNode?: string): ObservedBridge {
  const phase = pod.status?.phase;
  const running = phase === "Running";
  const observed: ObservedBridge = {
    name: pod.metadata.name,
    ordinal: ordinalOf(pod),
    templateHash: pod.metadata.annotations?.[annotations.templateHash] ?? "",
    createdAt: time(pod.metadata.creationTimestamp) ?? 0,
    deleting: pod.metadata.deletionTimestamp !== undefined,
    exited: phase === "Succeeded" || phase === "Failed",
    running,
    ready: running && figures !== undefined,
    protectedFromEviction: pod.metadata.labels?.[inUseLabel] === "true",
  };
  if (leavingNode !== undefined && pod.metadata.deletionTimestamp === undefined) observed.leavingNode = leavingNode;
  const drainingSince = time(pod.metadata.annotations?.[annotations.drainingSince]);
  const shutdownRequestedAt = time(pod.metadata.annotations?.[annotations.shutdownRequestedAt]);
  if (drainingSince !== undefined) observed.drainingSince = drainingSince;
  if (shutdownRequestedAt !== undefined) observed.shutdownRequestedAt = shutdownRequestedAt;
  if (running && figures) observed.figures = figures;
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  if (phase === "Pending" && scheduled?.status === "False" && scheduled.reason === "Unschedulable")
    observed.unschedulable = scheduled.message ?? "no node can take it";
  return observed;
}
