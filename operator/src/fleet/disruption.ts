// Keeping node autoscalers and `kubectl drain` from cutting meetings: pure.
//
// A bridge that hosts meetings is marked so that nothing evicts it: the annotations the cluster-autoscaler
// and Karpenter read, and a label that the fleet's PodDisruptionBudget (maxUnavailable 0) selects, which
// makes the Eviction API refuse it (`kubectl drain` waits and retries). An empty bridge carries none of
// them: evicting it cuts nothing, and lets a node autoscaler consolidate. When a bridge's node is on its
// way out (cordoned, tainted by an autoscaler, deleted), the bridge is drained and replaced elsewhere; it
// goes when its meetings end or at its drain deadline, and only then can its node be emptied.

import type { Node } from "../kube/types.ts";
import { type FleetRef, fleetOwnedMetadata, labels } from "./bridge-pod.ts";
import type { ObservedBridge } from "./plan.ts";

export const inUseLabel = "meet.meetingfleet.dev/in-use";
export const disruptionAnnotations = {
  clusterAutoscaler: "cluster-autoscaler.kubernetes.io/safe-to-evict",
  karpenter: "karpenter.sh/do-not-disrupt",
} as const;

/** Taints that mean a node is being removed, and by whom. */
const leavingTaints: Record<string, string> = {
  "karpenter.sh/disrupted": "Karpenter is removing it",
  ToBeDeletedByClusterAutoscaler: "the cluster-autoscaler is removing it",
  "node.kubernetes.io/unschedulable": "it is cordoned",
};

/** Why no bridge should stay on this node, or undefined when it may. */
export function nodeLeavingReason(node: Node | undefined): string | undefined {
  if (!node) return undefined; // unknown (not yet seen): a lost node is handled by its pods' fate
  const name = node.metadata.name;
  if (node.metadata.deletionTimestamp) return `node ${name} is being deleted`;
  if (node.spec?.unschedulable) return `node ${name} is cordoned`;
  for (const taint of node.spec?.taints ?? []) {
    const why = leavingTaints[taint.key];
    if (why && taint.effect !== "PreferNoSchedule") return `node ${name}: ${why}`;
  }
  return undefined;
}

/**
 * Whether the bridge should be protected from eviction: while it hosts meetings. Unknown figures keep
 * what it has (never act on missing data); a bridge that never ran has nothing to protect.
 */
export function wantsProtection(b: ObservedBridge): boolean {
  if (!b.running || b.exited) return false;
  if (!b.figures) return b.protectedFromEviction ?? false;
  return b.figures.conferences > 0 || b.figures.participants > 0;
}

/** The merge patch that marks (or unmarks) a bridge pod as protected. */
export function protectionPatch(protect: boolean) {
  return {
    metadata: {
      labels: { [inUseLabel]: protect ? "true" : null },
      annotations: {
        [disruptionAnnotations.clusterAutoscaler]: protect ? "false" : null,
        [disruptionAnnotations.karpenter]: protect ? "true" : null,
      },
    },
  };
}

export function budgetName(fleetName: string): string {
  return `${fleetName}-bridges-in-use`;
}

/** The fleet's PodDisruptionBudget: none of its bridges in use may be evicted. Owned by the fleet. */
export function bridgesInUseBudget(fleet: Pick<FleetRef, "name" | "namespace" | "uid">) {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: fleetOwnedMetadata(fleet, budgetName(fleet.name)),
    spec: {
      selector: { matchLabels: { [labels.fleet]: fleet.name, [inUseLabel]: "true" } },
      maxUnavailable: 0,
      // A bridge in use that is not Ready (its stats late, say) still has meetings: never evicted either.
      unhealthyPodEvictionPolicy: "IfHealthyBudget",
    },
  };
}
