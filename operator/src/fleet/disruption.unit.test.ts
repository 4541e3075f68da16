import type { Node } from "../kube/types.ts";
import { bridgesInUseBudget, inUseLabel, nodeLeavingReason, protectionPatch } from "./disruption.ts";

/** A node as the API sends it. */
const node = (spec: Node["spec"] = {}, deleting = false): Node => ({
  metadata: { name: "n1", uid: "n1", ...(deleting ? { deletionTimestamp: "2026-12-05T00:00:00Z" } : {}) },
  spec,
});

describe("disruption", () => {
  test("a node is leaving when cordoned, being deleted, or tainted for removal by Karpenter or the cluster-autoscaler", () => {
    expect(nodeLeavingReason(node())).toBeUndefined();
    expect(nodeLeavingReason(undefined)).toBeUndefined();
    expect(nodeLeavingReason(node({ unschedulable: true }))).toBe("node n1 is cordoned");
    expect(nodeLeavingReason(node({ unschedulable: true }, true))).toBe("node n1 is being deleted");
    expect(nodeLeavingReason(node({ taints: [{ key: "karpenter.sh/disrupted", effect: "NoSchedule" }] }))).toBe("node n1: Karpenter is removing it");
    expect(nodeLeavingReason(node({ taints: [{ key: "ToBeDeletedByClusterAutoscaler", value: "1733", effect: "NoSchedule" }] }))).toBe(
      "node n1: the cluster-autoscaler is removing it",
    );
    // Soft hints and unrelated taints (a media pool's own) do not move meetings.
    expect(nodeLeavingReason(node({ taints: [{ key: "DeletionCandidateOfClusterAutoscaler", effect: "PreferNoSchedule" }] }))).toBeUndefined();
    expect(nodeLeavingReason(node({ taints: [{ key: "meet.meetingfleet.dev/media", value: "true", effect: "NoSchedule" }] }))).toBeUndefined();
  });

  test("protection sets, and its removal clears, the label the budget selects and both autoscalers' annotations", () => {
    expect(protectionPatch(true)).toEqual({
      metadata: {
        labels: { [inUseLabel]: "true" },
        annotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false", "karpenter.sh/do-not-disrupt": "true" },
      },
    });
    expect(protectionPatch(false)).toEqual({
      metadata: {
        labels: { [inUseLabel]: null },
        annotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict": null, "karpenter.sh/do-not-disrupt": null },
      },
    });
  });

  test("the fleet's budget allows no eviction of its bridges in use, and is owned by the fleet", () => {
    const budget = bridgesInUseBudget({ name: "f", namespace: "ns", uid: "u1" });
    expect(budget.metadata).toMatchObject({ name: "f-bridges-in-use", namespace: "ns", ownerReferences: [{ kind: "MeetingFleet", name: "f", uid: "u1" }] });
    expect(budget.spec).toMatchObject({ maxUnavailable: 0, selector: { matchLabels: { "meet.meetingfleet.dev/fleet": "f", [inUseLabel]: "true" } } });
  });
});
