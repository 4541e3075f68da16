// Bridge pods and JVB's REST API: health, stats, drain and the graceful shutdown state machine. The
// first block runs against the bridge emulator, against real JVBs on the local test bed (BRIDGES=jvb)
// and against real jitsi/jvb on kind; the second needs the conference driver, so it runs on the emulator only.

import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { jest } from "@jest/globals";
import type { Pod } from "../../operator/src/kube/types.ts";
import type { ColibriStats } from "../emulator/bridge.ts";
import { bridgeCall, bridgeContainer, bridgeJson, bridgeLabels, bridgePod } from "../support/bridges.ts";
import { driverStats, emulatedBridges, endAllConferences, postLoad, stopLoad } from "../support/emulator.ts";
import { apply, createNamespace, deleteNamespace, deployment, eventually, inCidr, kubectl, kubectlJson, testbed } from "../support/testbed.ts";

const bed = testbed();
// A real JVB takes a while to start (and on kind waits a minute in SHUTTING_DOWN); the emulator is quick.
const slow = bed.bridges === "jvb" ? 4 : 1;
jest.setTimeout(120_000 * slow);
let namespace: string;

beforeAll(async () => {
  namespace = await createNamespace(bed, "e2e-bridges");
});
afterAll(async () => {
  if (bed.emulatorUrl) {
    await stopLoad(bed);
    await endAllConferences(bed);
  }
  await deleteNamespace(bed, namespace);
});

const getPod = (name: string) => kubectlJson<Pod>(bed, ["get", "pod", name, "-n", namespace]);

/** Creates a bridge pod and waits until its REST API answers healthy. */
async function runningBridge(name: string, restartPolicy = "Never"): Promise<Pod> {
  await apply(bed, bridgePod(name, namespace, { restartPolicy }));
  const pod = await eventually(
    `${name} Running with an IP`,
    async () => {
      const p = await getPod(name);
      return p.status?.phase === "Running" && p.status.podIP ? p : undefined;
    },
    60_000 * slow,
  );
  await eventually(`${name} healthy`, async () => (await bridgeCall(bed, pod, "GET", "/about/health")).status === 200, 60_000 * slow);
  return pod;
}

const stats = (pod: Pod) => bridgeJson<ColibriStats>(bed, pod, "/colibri/stats");

describe("JVB REST API of a bridge pod", () => {
  test("a bridge pod gets a working JVB at its IP: health, version, stats with JVB's fields, metrics", async () => {
    const pod = await runningBridge("jvb-api");
    if (bed.cluster === "local") {
      expect(inCidr(pod.status?.podIP ?? "", bed.podCidr ?? "")).toBe(true);
    }
    expect(await bridgeCall(bed, pod, "GET", "/about/health")).toEqual({ status: 200, body: "" });
    expect(await bridgeJson<{ name: string }>(bed, pod, "/about/version")).toMatchObject({ name: "JVB" });
    const s = await stats(pod);
    for (const field of [
      "stress_level",
      "participants",
      "local_endpoints",
      "conferences",
      "largest_conference",
      "octo_endpoints",
      "current_timestamp",
    ] as const) {
      expect(s).toHaveProperty(field);
    }
    expect(s).toMatchObject({ drain: false, graceful_shutdown: false, shutting_down: false, conferences: 0 });
    const metrics = await bridgeCall(bed, pod, "GET", "/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^jitsi_jvb_stress [\d.eE+-]+$/m);
    expect(metrics.body).toMatch(/^jitsi_jvb_drain_mode 0(\.0)?$/m); // Java clients print 0.0
  });

  test("drain mode turns on and off and shows in /colibri/drain and in the stats", async () => {
    const pod = await runningBridge("jvb-drain");
    expect((await bridgeCall(bed, pod, "POST", "/colibri/drain/enable")).status).toBe(200);
    expect(await bridgeJson(bed, pod, "/colibri/drain")).toEqual({ drain: true });
    await eventually("stats to report drain", async () => (await stats(pod)).drain === true, 15_000);
    expect((await bridgeCall(bed, pod, "POST", "/colibri/drain/disable")).status).toBe(200);
    expect(await bridgeJson(bed, pod, "/colibri/drain")).toEqual({ drain: false });
  });

  test("a shutdown request without the graceful-shutdown field is refused", async () => {
    const pod = await runningBridge("jvb-badshutdown");
    expect((await bridgeCall(bed, pod, "POST", "/colibri/shutdown", "{}")).status).toBe(400);
    expect((await stats(pod)).graceful_shutdown).toBe(false);
  });

  test("graceful shutdown of an empty bridge: shutting down, then the process exits and the pod terminates", async () => {
    const pod = await runningBridge("jvb-shutdown");
    expect((await bridgeCall(bed, pod, "POST", "/colibri/shutdown", JSON.stringify({ "graceful-shutdown": true }))).status).toBe(200);
    const done = await eventually(
      "the bridge pod to terminate",
      async () => {
        const p = await getPod("jvb-shutdown");
        return p.status?.phase === "Succeeded" || p.status?.phase === "Failed" ? p : undefined;
      },
      60_000 * slow + 90_000,
    );
    expect(done.status?.containerStatuses?.[0]?.state).toHaveProperty("terminated");
    expect(done.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("False");
    if (bed.cluster === "local") {
      await expect(bridgeCall(bed, pod, "GET", "/about/health")).rejects.toThrow(/ECONNREFUSED/);
    }
  });

  test("deleting a bridge pod removes its endpoint", async () => {
    const pod = await runningBridge("jvb-delete");
    await kubectl(bed, ["delete", "pod", "jvb-delete", "-n", namespace, "--wait=true", "--timeout=90s"]);
    if (bed.cluster === "local") {
      await eventually(
        "the endpoint to close",
        async () =>
          bridgeCall(bed, pod, "GET", "/about/health").then(
            () => false,
            (e: Error) => /ECONNREFUSED/.test(e.message),
          ),
        10_000,
      );
    }
    await expect(getPod("jvb-delete")).rejects.toThrow(/NotFound|not found/);
  });
});

const withDriver = bed.emulatorUrl ? describe : describe.skip;
withDriver("bridges under conference load (skipped with real bridges: needs the emulator's conference driver)", () => {
  // Each scenario starts with no bridges but its own, so Jicofo's choices are the test's to predict.
  beforeEach(async () => {
    await stopLoad(bed);
    await endAllConferences(bed);
    await kubectl(bed, ["delete", "deployments,pods", "--all", "-n", namespace, "--wait=true", "--timeout=60s"]);
    await eventually("no emulated bridges left in the namespace", async () => (await emulatedBridges(bed, namespace)).length === 0, 15_000);
  });

  const interruptionsOn = async (pods: string[]) =>
    (await driverStats(bed)).interruptions.filter((i) => pods.some((pod) => i.bridgeId === `${namespace}/${pod}`));

  test("a drained bridge receives no new conferences; running ones stay, nobody is cut", async () => {
    const [a, b] = await Promise.all([runningBridge("load-a"), runningBridge("load-b")]);
    expect((await bridgeCall(bed, a, "POST", "/colibri/drain/enable")).status).toBe(200);
    await eventually("drain to reach Jicofo's view (stats)", async () => (await stats(a)).drain === true, 10_000);
    const started = await postLoad(bed, namespace, { kind: "constant", participants: 60, conferenceSize: 4, durationS: 600, horizonS: 5 });
    expect(started.status).toBe(200);
    const rows = await eventually(
      "60 participants placed",
      async () => {
        const r = await emulatedBridges(bed, namespace);
        return r.filter((x) => x.pod.startsWith("load-")).reduce((s, x) => s + x.participants, 0) >= 60 ? r : undefined;
      },
      20_000,
    );
    expect(rows.find((r) => r.pod === "load-a")?.participants).toBe(0);
    expect(rows.find((r) => r.pod === "load-b")?.participants).toBe(60);
    await eventually("stats of load-b to show the conferences", async () => (await stats(b)).conferences === 15, 10_000);
    expect(await interruptionsOn(["load-a", "load-b"])).toEqual([]);
  });

  test("graceful shutdown waits for running meetings, refuses new ones, then exits: zero interrupted", async () => {
    const pod = await runningBridge("graceful-a");
    const other = await runningBridge("graceful-b");
    await bridgeCall(bed, other, "POST", "/colibri/drain/enable"); // everything lands on graceful-a first
    await eventually("drain seen", async () => (await stats(other)).drain, 10_000);
    await postLoad(bed, namespace, { kind: "constant", participants: 20, conferenceSize: 4, durationS: 8, horizonS: 1 });
    await eventually("5 conferences on graceful-a", async () => (await stats(pod)).conferences === 5, 10_000);
    await bridgeCall(bed, other, "POST", "/colibri/drain/disable");

    expect((await bridgeCall(bed, pod, "POST", "/colibri/shutdown", JSON.stringify({ "graceful-shutdown": true }))).status).toBe(200);
    await eventually("graceful shutdown in stats", async () => (await stats(pod)).graceful_shutdown, 10_000);
    const during = await stats(pod);
    expect(during).toMatchObject({ shutting_down: false, conferences: 5 });

    // New conferences go elsewhere while the old ones finish.
    await postLoad(bed, namespace, { kind: "constant", participants: 8, conferenceSize: 4, durationS: 60, horizonS: 1 });
    await eventually(
      "new conferences on graceful-b",
      async () => (await emulatedBridges(bed, namespace)).find((r) => r.pod === "graceful-b")?.conferences === 2,
      10_000,
    );

    const done = await eventually(
      "graceful-a to terminate",
      async () => {
        const p = await getPod("graceful-a");
        return p.status?.phase === "Succeeded" ? p : undefined;
      },
      30_000,
    );
    expect(done.status?.containerStatuses?.[0]?.state).toHaveProperty("terminated");
    expect(await interruptionsOn(["graceful-a", "graceful-b"])).toEqual([]);
  });

  test("deleting a bridge with people on it interrupts their conferences, and the driver records each", async () => {
    const pod = await runningBridge("cut-a");
    await postLoad(bed, namespace, { kind: "constant", participants: 12, conferenceSize: 4, durationS: 600, horizonS: 1 });
    await eventually("3 conferences on cut-a", async () => (await stats(pod)).conferences === 3, 10_000);
    const before = (await driverStats(bed)).interrupted;
    await kubectl(bed, ["delete", "pod", "cut-a", "-n", namespace, "--wait=true"]);
    const cut = await eventually(
      "3 interruptions on cut-a",
      async () => {
        const list = await interruptionsOn(["cut-a"]);
        return list.length === 3 ? list : undefined;
      },
      10_000,
    );
    expect(cut.every((i) => i.reason === "bridge-gone" && i.participants === 4)).toBe(true);
    expect((await driverStats(bed)).interrupted - before).toBe(3);
  });

  test("a Deployment's bridge restarts empty after its process exits (restartPolicy Always)", async () => {
    await apply(bed, deployment("restarting", namespace, 1, { app: "restarting", ...bridgeLabels }, { containers: [bridgeContainer()] }));
    const pod = await eventually("restarting bridge answering", async () => {
      const [p] = (await kubectlJson<{ items: Pod[] }>(bed, ["get", "pods", "-n", namespace, "-l", "app=restarting"])).items;
      return p?.status?.podIP && (await bridgeCall(bed, p, "GET", "/about/health")).status === 200 ? p : undefined;
    });
    await bridgeCall(bed, pod, "POST", "/colibri/drain/enable");
    await bridgeCall(bed, pod, "POST", "/colibri/shutdown", JSON.stringify({ "graceful-shutdown": true }));
    const restarted = await eventually(
      "a restart recorded in the pod status",
      async () => {
        const p = await getPod(pod.metadata.name);
        return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) === 1 ? p : undefined;
      },
      30_000,
    );
    expect(restarted.status?.phase).toBe("Running");
    await eventually(
      "the fresh bridge answering, not draining",
      async () => {
        const s = await stats(restarted);
        return s.drain === false && s.graceful_shutdown === false;
      },
      15_000,
    );
  });

  test("a malformed trace is refused with its line and field, and nothing starts", async () => {
    const before = await driverStats(bed);
    const refused = await postLoad(bed, namespace, { trace: "start_s,duration_s,participants\n0,60,4\n5,sixty,4\n" });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/line 3, field duration_s/);
    expect((await driverStats(bed)).pendingArrivals).toBe(before.pendingArrivals);

    // The emulator's command line refuses the same file before it starts anything.
    const file = path.join(await mkdtemp(path.join(tmpdir(), "trace-")), "bad.csv");
    await writeFile(file, "start_s,duration_s,participants,region\n0,60,4,eu\n10,60,many,eu\n");
    const main = path.resolve(import.meta.dirname, "../emulator/main.ts");
    const result = await promisify(execFile)(process.execPath, [main, "--kubeconfig", bed.kubeconfig, "--control-address", "127.0.0.1:1", "--trace", file], {
      timeout: 20_000,
    }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/trace line 3, field participants/);
  });
});
