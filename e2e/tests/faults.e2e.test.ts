// Faults of the control plane under a serving fleet: the kube-apiserver and then etcd are killed (SIGKILL,
// by the PID the test bed recorded) while meetings run and the operator reconciles and watches. The test
// plays the operator's Deployment: a replica that exits is started again at once. A leader that cannot
// renew its Lease exits (as client-go's leader election has it: two leaders are worse than a restart), so
// the outage costs one restart, never a crash loop: a replica started while the API is still away waits
// for it. Then its watches resume (a deletion made after the API returns is seen), no bridge is made
// twice, the fleet converges to its spec, and no meeting is cut.

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { jest } from "@jest/globals";
import { clearSuite, driverStats, postLoad } from "../support/emulator.ts";
import { bridgePodsOf, createFleetNamespace, fleetManifest } from "../support/fleets.ts";
import { installCrd, type RunningOperator, startOperator } from "../support/operator.ts";
import { apply, eventually, kubectl, kubectlJson, testbed, withEmulator } from "../support/testbed.ts";

jest.setTimeout(300_000);
const bed = testbed();
const local = bed.cluster === "local" ? withEmulator(bed) : describe.skip;
const cluster = path.resolve(import.meta.dirname, "../testbed/cluster.sh");
let namespace: string;
let operator: RunningOperator;
/** Exits of the operator seen by the supervising "Deployment", with their exit codes. */
const exits: Array<number | string> = [];
let supervising = true;

/** Restarts the operator whenever it exits, as a Deployment's kubelet would (without back-off: the harshest case). */
async function supervise(): Promise<void> {
  while (supervising) {
    const code = await operator.exited;
    if (!supervising) return;
    exits.push(code);
    operator = await startOperator(bed, "operator-faults", [namespace], { waitReady: false });
  }
}

/** Figures for docs/reliability.md: how long the fleet took to converge after each fault. */
const recovery: Record<string, number> = {};

const bridgePods = () => bridgePodsOf(bed, namespace, "steady");
const livePods = async () => (await bridgePods()).filter((p) => !p.metadata.deletionTimestamp);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const pidOf = (component: string) => Number(readFileSync(path.join(bed.dir, "pids", `${component}.pid`), "utf8").trim());

/**
 * SIGKILLs test-bed components by their recorded PIDs, waits `downMs`, and brings them back with
 * `cluster.sh up`. The API server goes down with its scheduler and controller manager, as when a
 * control-plane node restarts: the test bed runs those two without leader election, so nothing would
 * restart them, and once (of two runs) the scheduler did not pick up new pods after the API server came
 * back. That is the test bed's to fix, not the operator's.
 */
async function crash(components: string[], downMs: number): Promise<void> {
  for (const component of components) process.kill(pidOf(component), "SIGKILL");
  try {
    const exitsBefore = exits.length;
    await new Promise((resolve) => setTimeout(resolve, downMs));
    // At most the one exit of the leader that lost its Lease; the replica started after it is still running.
    expect(exits.length - exitsBefore).toBeLessThanOrEqual(1);
    expect(alive(operator.pid)).toBe(true);
  } finally {
    // Back up whatever happened: the suites after this one need the test bed whole.
    await promisify(execFile)(cluster, ["up"], { env: { ...process.env, TESTBED_DIR: bed.dir }, timeout: 180_000 });
  }
}

local("control-plane faults under a serving fleet", () => {
  beforeAll(async () => {
    await installCrd(bed);
    namespace = await createFleetNamespace(bed, "e2e-faults");
    operator = await startOperator(bed, "operator-faults", [namespace]);
    void supervise();
    await apply(bed, fleetManifest("steady", namespace, { replicas: 3 }));
    await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/steady", "-n", namespace, "--timeout=120s"]);
    const trace = ["start_s,duration_s,participants", "0,900,6", "0.5,900,4", "1,900,2"].join("\n");
    expect((await postLoad(bed, namespace, { trace })).status).toBe(200);
    await eventually(
      "12 participants in the fleet's status",
      async () => {
        const status = await kubectlJson<{ status?: { participants?: number } }>(bed, ["get", "meetingfleet/steady", "-n", namespace]);
        return status.status?.participants === 12;
      },
      30_000,
    );
  });
  afterAll(async () => {
    supervising = false;
    await operator?.stop();
    await clearSuite(bed, namespace);
    console.log(`control-plane fault recovery (ms): ${JSON.stringify(recovery)}; operator exits: ${JSON.stringify(exits)}`);
  });

  const interruptedHere = async () => (await driverStats(bed)).interruptions.filter((i) => i.bridgeId.startsWith(`${namespace}/`));

  test("kube-apiserver killed for 15 s: at most one operator restart (the lost Lease), no crash loop; watches resume; a scale-up converges without a duplicate bridge", async () => {
    await crash(["kube-apiserver", "kube-scheduler", "kube-controller-manager"], 15_000);
    const back = performance.now();
    await kubectl(bed, ["scale", "meetingfleet/steady", "-n", namespace, "--replicas=5"]);
    await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/steady", "-n", namespace, "--timeout=120s"]);
    recovery.apiserverScaleUpMs = Math.round(performance.now() - back);
    const names = (await livePods()).map((p) => p.metadata.name).sort();
    expect(names).toEqual(["steady-0", "steady-1", "steady-2", "steady-3", "steady-4"]);

    // A deletion made now reaches the operator through its resumed watch: the bridge is replaced.
    const victim = (await livePods()).find((p) => p.metadata.name === "steady-4")!;
    await kubectl(bed, ["delete", "pod", "steady-4", "-n", namespace, "--wait=true"]);
    const replaced = await eventually(
      "steady-4 replaced",
      async () => {
        const pods = await livePods();
        return pods.length === 5 && pods.every((p) => p.metadata.uid !== victim.metadata.uid && p.status?.phase === "Running") ? pods : undefined;
      },
      60_000,
    );
    expect(new Set(replaced.map((p) => p.metadata.name)).size).toBe(5);
    expect(await interruptedHere()).toEqual([]);
  });

  test("etcd killed for 10 s: the API answers again, the operator converges a scale-down by drain, nobody cut", async () => {
    await crash(["etcd"], 10_000);
    const back = performance.now();
    await eventually("the API server answering again", async () => (await kubectl(bed, ["get", "--raw", "/readyz"])).includes("ok"), 60_000);
    await kubectl(bed, ["scale", "meetingfleet/steady", "-n", namespace, "--replicas=3"]);
    await eventually("two bridges drained away", async () => (await livePods()).length === 3, 120_000);
    recovery.etcdScaleDownMs = Math.round(performance.now() - back);
    await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/steady", "-n", namespace, "--timeout=120s"]);
    const status = await kubectlJson<{ status?: { participants?: number } }>(bed, ["get", "meetingfleet/steady", "-n", namespace]);
    expect(status.status?.participants).toBe(12);
    expect(await interruptedHere()).toEqual([]);
    expect(alive(operator.pid)).toBe(true);
    expect(await operator.leading()).toBe(true);
  });
});
