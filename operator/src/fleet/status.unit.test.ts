import { observedBridge } from "./fixtures.ts";
import { emptyPlan, type ObservedBridge } from "./plan.ts";
import { bridgePhase, computeStatus, type StatusInput, unschedulableMessage } from "./status.ts";

const b = (ordinal: number, over: Partial<ObservedBridge> = {}) =>
  observedBridge(ordinal, over, { participants: 10 * (ordinal + 1), conferences: ordinal + 1, stress: 0.1 * (ordinal + 1) });
const input = (bridges: ObservedBridge[], over: Partial<StatusInput> = {}): StatusInput => ({
  generation: 4,
  desiredReplicas: 2,
  templateHash: "h",
  selector: "s",
  bridges,
  plan: emptyPlan(),
  now: Date.UTC(2026, 10, 22),
  ...over,
});
const cond = (s: ReturnType<typeof computeStatus>, type: string) => s.conditions?.find((c) => c.type === type);

describe("fleet status", () => {
  test("sums known figures, counts states and reports Ready when every desired bridge is ready", () => {
    const s = computeStatus(input([b(0), b(1), b(2, { drainingSince: 1 })]));
    expect(s).toMatchObject({
      observedGeneration: 4,
      replicas: 2,
      readyReplicas: 2,
      drainingReplicas: 1,
      participants: 60,
      conferences: 6,
      averageStress: "0.20",
      maxStress: "0.30",
      selector: "s",
    });
    expect(s.bridges?.map((x) => `${x.name}:${x.phase}`)).toEqual(["f-0:Ready", "f-1:Ready", "f-2:Draining"]);
    expect(cond(s, "Ready")).toMatchObject({ status: "True", observedGeneration: 4 });
    expect(cond(s, "Reconciling")).toMatchObject({ status: "True", reason: "Draining" });
  });

  test("bridges no node takes are named in Ready and Reconciling, with the scheduler's words, and not called Stalled", () => {
    const why = "0/3 nodes are available: 3 node(s) didn't have free ports for the requested pod ports.";
    const pending = { running: false, ready: false, figures: undefined, unschedulable: why };
    const s = computeStatus(input([b(0), b(1, pending), b(2, pending)], { desiredReplicas: 3 }));
    const expected = `1 of 3 bridges ready; 2 bridges cannot be scheduled (f-1, f-2): ${why}`;
    expect(cond(s, "Ready")).toMatchObject({ status: "False", reason: "BridgesUnschedulable", message: expected });
    expect(cond(s, "Reconciling")).toMatchObject({ status: "True", reason: "BridgesUnschedulable", message: expected });
    expect(cond(s, "Stalled")).toMatchObject({ status: "False" });
    expect(s.bridges?.map((x) => x.phase)).toEqual(["Ready", "Pending", "Pending"]);
  });

  test("the unschedulable message names the bridges by ordinal, whatever order they were observed in, in the right number", () => {
    const pending = (ordinal: number) => b(ordinal, { unschedulable: "no room" });
    expect(unschedulableMessage([b(3), pending(10), pending(2)])).toBe("2 bridges cannot be scheduled (f-2, f-10): no room");
    expect(unschedulableMessage([pending(1)])).toBe("1 bridge cannot be scheduled (f-1): no room");
  });

  test("unknown figures are left out, not counted as zero", () => {
    const s = computeStatus(input([b(0), b(1, { figures: undefined, ready: false })]));
    expect(s.participants).toBe(10);
    expect(s.bridges?.[1]).toEqual({ name: "f-1", phase: "Starting", templateHash: "h" });
    expect(cond(s, "Ready")).toMatchObject({ status: "False", reason: "BridgesNotReady", message: "1 of 2 bridges ready" });
  });

  test("Stalled carries the reason and message and makes Ready false", () => {
    const s = computeStatus(input([b(0), b(1)], { stalled: { reason: "SecretNotFound", message: "spec.signaling.authPasswordSecretRef: no Secret" } }));
    expect(cond(s, "Stalled")).toMatchObject({ status: "True", reason: "SecretNotFound" });
    expect(cond(s, "Ready")).toMatchObject({ status: "False", reason: "SecretNotFound" });
    // Not "the fleet matches its spec": it does not, and a person has to act.
    expect(cond(s, "Reconciling")).toMatchObject({ status: "False", reason: "Stalled" });
  });

  test("lastTransitionTime moves only when a condition flips", () => {
    const first = computeStatus(input([b(0), b(1)], { now: 1_000 }));
    const same = computeStatus(input([b(0), b(1)], { now: 9_000, previous: first }));
    expect(cond(same, "Ready")?.lastTransitionTime).toBe(cond(first, "Ready")?.lastTransitionTime);
    const flipped = computeStatus(input([b(0)], { now: 9_000, previous: first }));
    expect(cond(flipped, "Ready")?.lastTransitionTime).toBe(new Date(9_000).toISOString());
  });

  test("phases: exited, shutting down, pending", () => {
    expect(bridgePhase(b(0, { exited: true }))).toBe("Failed");
    expect(bridgePhase(b(0, { drainingSince: 1, shutdownRequestedAt: 2 }))).toBe("ShuttingDown");
    expect(bridgePhase(b(0, { running: false, ready: false, figures: undefined }))).toBe("Pending");
  });
});
