// Node autoscalers and `kubectl drain` against bridges with meetings: a bridge in use carries the annotations
// the cluster-autoscaler and Karpenter read and is covered by its fleet's PodDisruptionBudget, so evicting it is
// refused; when its node is cordoned it is drained and replaced elsewhere, and `kubectl drain` completes only once
// its meetings have ended or moved at the drain deadline. Zero meetings cut by the operator throughout.

import { execFile } from "node:child_process";
import { jest } from "@jest/globals";
import { budgetName } from "../../operator/src/fleet/disruption.ts";
import type { Pod } from "../../operator/src/kube/types.ts";
import { clearScenario, clearSuite, emulatedBridges, endAllConferences, fleetInterruptions, placeConferences, stopLoad } from "../support/emulator.ts";
import { bridgePodsOf, createFleetNamespace, fleetManifest } from "../support/fleets.ts";
import { installCrd, type RunningOperator, startOperator } from "../support/operator.ts";
import { apply, eventually, kubectl, kubectlJson, testbed, withEmulator } from "../support/testbed.ts";

jest.setTimeout(300_000);
const bed = testbed();
const local = bed.cluster === "local" ? withEmulator(bed) : describe.skip;
let namespace: string;
let operator: RunningOperator;

const bridgePods = (fleet: string) => bridgePodsOf(bed, namespace, fleet);
const podNamed = async (fleet: string, name: string) => (await bridgePods(fleet)).find((p) => p.metadata.name === name);
const participantsOn = async (pod: string) => (await emulatedBridges(bed, namespace)).find((b) => b.pod === pod)?.participants;
const interruptions = (fleet: string) => fleetInterruptions(bed, namespace, fleet);
const protectedNow = (pod: Pod | undefined) =>
  pod?.metadata.labels?.["meet.meetingfleet.dev/in-use"] === "true" &&
  pod.metadata.annotations?.["cluster-autoscaler.kubernetes.io/safe-to-evict"] === "false" &&
  pod.metadata.annotations["karpenter.sh/do-not-disrupt"] === "true";

/** A fleet with one bridge per node (one host port), so a drained node holds exactly one of its bridges. */
async function readyFleet(name: string, hostPort: number, spec: Record<string, unknown>): Promise<void> {
  await apply(bed, fleetManifest(name, namespace, { media: { exposure: "HostPort", port: hostPort }, ...spec }));
  await kubectl(bed, ["wait", "--for=condition=Ready", `meetingfleet/${name}`, "-n", namespace, "--timeout=90s"]);
}

interface Budget {
  spec: { maxUnavailable: number };
  status: { expectedPods?: number; disruptionsAllowed?: number; conditions?: Array<{ type: string; reason: string; message: string }> };
}
const budgetOf = (fleet: string) => kubectlJson<Budget>(bed, ["get", "poddisruptionbudget", budgetName(fleet), "-n", namespace]);

/**
 * Waits until the controller manager has computed the fleet's budget over `count` bridges (from the fleet's scale
 * subresource). It recomputes a budget only when the budget or one of its pods changes, and learns a new CRD's
 * kind from discovery it refreshes every 30 s. On a fresh test bed the CRD is seconds old when the bridges become
 * protected, so the budget can keep its fail-safe status (SyncFailed, no disruption allowed: evictions are refused
 * all the same) with no change left to make it look again. Touching the budget is such a change.
 */
async function budgetCounts(fleet: string, count: number): Promise<void> {
  let touchedAt = 0;
  await eventually(
    `the budget counts ${count} bridges`,
    async () => {
      const { status } = await budgetOf(fleet);
      if (status.expectedPods === count && status.disruptionsAllowed === 0) return true;
      const failed = status.conditions?.find((c) => c.type === "DisruptionAllowed" && c.reason === "SyncFailed");
      if (!failed) return false;
      if (Date.now() - touchedAt > 5_000) {
        touchedAt = Date.now();
        const touch = `e2e.meetingfleet.dev/touched=${touchedAt}`;
        await kubectl(bed, ["annotate", "--overwrite", "poddisruptionbudget", budgetName(fleet), "-n", namespace, touch]);
      }
      throw new Error(`the controller manager failed to compute it: ${failed.message}`);
    },
    90_000,
  );
}

interface Drain {
  /** Resolves with kubectl's exit code and output when `kubectl drain` ends. */
  done: Promise<{ code: number; output: string }>;
  /** What it has printed so far (it retries refused evictions every 5 s and says why). */
  output(): string;
  settled(): boolean;
  startedAt: number;
}

/** `kubectl drain` as an admin runs it, in the background: it cordons the node, then evicts until every pod is gone. */
function drainNode(node: string): Drain {
  let output = "";
  let settled = false;
  const startedAt = Date.now();
  const done = new Promise<{ code: number; output: string }>((resolve) => {
    const child = execFile(
      bed.kubectlPath,
      ["--kubeconfig", bed.kubeconfig, "drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=240s"],
      { maxBuffer: 16 * 1024 * 1024 },
      (error) => {
        settled = true;
        resolve({ code: error ? Number(error.code ?? 1) : 0, output });
      },
    );
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
  });
  return { done, output: () => output, settled: () => settled, startedAt };
}

local("node drains and autoscalers never cut a meeting", () => {
  const cordoned: string[] = [];

  beforeAll(async () => {
    await installCrd(bed);
    namespace = await createFleetNamespace(bed, "e2e-disruption");
    operator = await startOperator(bed, "disruption", [namespace]);
  });
  afterAll(async () => {
    await operator?.stop();
    await clearSuite(bed, namespace);
  });
  beforeEach(() => clearScenario(bed, namespace), 400_000);
  // Whatever a test did, the test bed's nodes take pods again afterwards.
  afterEach(async () => {
    for (const node of cordoned.splice(0)) await kubectl(bed, ["uncordon", node]);
  });

  test("kubectl drain of a node whose bridge has meetings: the bridge is protected, drained and replaced, and evicted only once its meetings end", async () => {
    await readyFleet("kept", 10888, { replicas: 2, drainDeadline: "10m" });
    await placeConferences(bed, namespace, [4, 3], 600);
    await eventually("meetings on both bridges", async () => (await participantsOn("kept-0")) === 4 && (await participantsOn("kept-1")) === 3, 20_000);
    await eventually("both bridges protected", async () => (await bridgePods("kept")).every(protectedNow), 20_000);
    expect((await budgetOf("kept")).spec.maxUnavailable).toBe(0);
    await budgetCounts("kept", 2);

    const node = (await podNamed("kept", "kept-0"))?.spec?.nodeName ?? "";
    expect(node).not.toBe("");
    cordoned.push(node);
    const drain = drainNode(node);
    // The cordon drains the bridge (no new conferences) and a replacement comes up on another node.
    await eventually(
      "kept-0 draining",
      async () => !!(await podNamed("kept", "kept-0"))?.metadata.annotations?.["meet.meetingfleet.dev/draining-since"],
      30_000,
    );
    const replacement = await eventually(
      "a replacement bridge Ready on another node",
      async () => {
        const pods = await bridgePods("kept");
        const fresh = pods.find((p) => !["kept-0", "kept-1"].includes(p.metadata.name) && p.status?.phase === "Running");
        const fleet = await kubectlJson<{ status?: { readyReplicas?: number } }>(bed, ["get", "meetingfleet/kept", "-n", namespace]);
        return fresh && fleet.status?.readyReplicas === 2 ? fresh : undefined;
      },
      60_000,
    );
    expect(replacement.spec?.nodeName).not.toBe(node);
    // Eviction refused by the budget, and retried: the bridge and its meetings stay.
    await eventually("kubectl drain told the budget refused the eviction", async () => /disruption budget/i.test(drain.output()), 60_000);
    expect(drain.settled()).toBe(false);
    expect(await participantsOn("kept-0")).toBe(4);
    expect((await podNamed("kept", "kept-0"))?.metadata.deletionTimestamp).toBeUndefined();

    // The meetings end: the bridge goes, and with it the last pod in the drain's way.
    await stopLoad(bed);
    await endAllConferences(bed);
    const result = await drain.done;
    expect(result).toMatchObject({ code: 0 });
    expect(await podNamed("kept", "kept-0")).toBeUndefined();
    expect(await interruptions("kept")).toEqual([]);
    // Empty bridges are no longer protected: a node autoscaler may consolidate them.
    await eventually("no bridge protected once empty", async () => (await bridgePods("kept")).every((p) => !protectedNow(p)), 20_000);
  });

  test("past the drain deadline the bridge on the drained node is shut down (its meetings move) and the drain completes", async () => {
    await readyFleet("late", 10889, { replicas: 2, drainDeadline: "15s" });
    await placeConferences(bed, namespace, [4, 3], 600);
    await eventually("meetings on both bridges", async () => (await participantsOn("late-0")) === 4 && (await participantsOn("late-1")) === 3, 20_000);
    await eventually("both bridges protected", async () => (await bridgePods("late")).every(protectedNow), 20_000);
    const node = (await podNamed("late", "late-0"))?.spec?.nodeName ?? "";
    cordoned.push(node);
    const drain = drainNode(node);
    const result = await drain.done;
    const tookS = (Date.now() - drain.startedAt) / 1000;
    expect(result).toMatchObject({ code: 0 });
    // Not before the deadline: the budget held the eviction until the operator's shutdown.
    expect(tookS).toBeGreaterThanOrEqual(15);
    // The only moved meeting is the one on the drained bridge, moved by its shutdown at the deadline; nothing cut.
    const moved = await interruptions("late");
    expect(moved.map((i) => [i.bridgeId, i.reason])).toEqual([[`${namespace}/late-0`, "bridge-shutting-down"]]);
    expect(await participantsOn("late-1")).toBeGreaterThanOrEqual(3);
    console.log(`drain with a busy bridge and a 15 s drain deadline: kubectl drain took ${tookS.toFixed(1)} s`);
  });

  test("an idle bridge on a drained node is evicted at once and replaced on another node", async () => {
    await readyFleet("idle", 10890, { replicas: 1 });
    const before = (await bridgePods("idle"))[0]!;
    expect(protectedNow(before)).toBe(false);
    const node = before.spec?.nodeName ?? "";
    cordoned.push(node);
    const drain = drainNode(node);
    expect(await drain.done).toMatchObject({ code: 0 });
    await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/idle", "-n", namespace, "--timeout=90s"]);
    const after = await bridgePods("idle");
    expect(after.map((p) => p.metadata.uid)).not.toContain(before.metadata.uid);
    expect(after.every((p) => p.spec?.nodeName !== node)).toBe(true);
  });
});
