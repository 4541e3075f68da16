// The emulator against a real JVB and a real Jicofo (BRIDGES=jvb): every request the operator makes and
// every field it reads answers the same from an emulated bridge and from a real one in the same situation,
// and the emulator's placement rules choose the bridge real Jicofo chooses in a few cases. The emulator
// stands in for JVB in every other suite and in the benchmark, so where they differ the emulator is wrong.

import { jest } from "@jest/globals";
import { type BridgeReading, figuresFromStats } from "../../operator/src/bridges/jvb-client.ts";
import { readingFromBody } from "../../operator/src/directory/stats-source.ts";
import type { Pod } from "../../operator/src/kube/types.ts";
import { EmulatedBridge, jvbDefaults } from "../emulator/bridge.ts";
import { systemClock } from "../emulator/clock.ts";
import { type RunningServer, serveBridge } from "../emulator/jvb-http.ts";
import { type BridgePresence, selectBridge } from "../emulator/placement.ts";
import type { Participant } from "../jitsi/participant.ts";
import { bridgeContainer, bridgeLabels, direct } from "../support/bridges.ts";
import { jicofoBridge } from "../support/jicofo.ts";
import { meeting, signalingOf } from "../support/meetings.ts";
import { apply, createNamespace, deleteNamespace, eventually, kubectl, kubectlJson, testbed } from "../support/testbed.ts";

jest.setTimeout(180_000);
const bed = testbed();
const signaling = signalingOf(bed);
const jitsi = bed.jitsi!;
let namespace: string;
const participants: Participant[] = [];

beforeAll(async () => {
  namespace = await createNamespace(bed, "e2e-conformance");
});
afterAll(async () => {
  await Promise.all(participants.splice(0).map((p) => p.leave()));
  await kubectl(bed, ["delete", "pods", "--all", "-n", namespace, "--wait=true", "--timeout=90s"]);
  await deleteNamespace(bed, namespace);
});

const call = direct;

const getPod = (name: string) => kubectlJson<Pod>(bed, ["get", "pod", name, "-n", namespace]);

/** A real JVB in a bridge pod; with `xmpp`, joined to the test bed's Prosody brewery so Jicofo uses it. */
async function realBridge(name: string, xmpp = false): Promise<Pod> {
  const container = bridgeContainer();
  if (xmpp) {
    container.env = container.env.filter((e) => e.name !== "JVB_DISABLE_XMPP");
    container.env.push(
      { name: "XMPP_SERVER", value: "127.0.0.1" },
      { name: "XMPP_PORT", value: String(jitsi.xmppPort) },
      { name: "JVB_AUTH_PASSWORD", value: jitsi.jvbPassword },
    );
  }
  await apply(bed, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels: bridgeLabels },
    spec: { restartPolicy: "Never", terminationGracePeriodSeconds: 5, containers: [container] },
  });
  const pod = await eventually(
    `${name} Running`,
    async () => {
      const p = await getPod(name);
      return p.status?.phase === "Running" && p.status.podIP ? p : undefined;
    },
    60_000,
  );
  await eventually(
    `${name} healthy`,
    async () => (await call(pod.status!.podIP!, "GET", "/about/health").catch(() => ({ status: 0 }))).status === 200,
    120_000,
  );
  return pod;
}

/** An emulated bridge on an address of the test bed's block that no pod gets (above the pod and service ranges). */
async function emulatedBridge(hostOctet: number): Promise<{ bridge: EmulatedBridge; ip: string; server: RunningServer }> {
  const block = (bed.podCidr ?? "127.1.0.0/17").split(".")[1];
  const ip = `127.${block}.250.${hostOctet}`;
  const bridge = new EmulatedBridge(
    { ...jvbDefaults, id: `conformance-${hostOctet}`, version: "conformance", relayId: "x", statsIntervalMs: 1_000, shuttingDownDelayMs: 2_000 },
    systemClock,
  );
  return { bridge, ip, server: await serveBridge(bridge, ip, 8080) };
}

const jsonTypes = (body: string) => Object.fromEntries(Object.entries(JSON.parse(body) as Record<string, unknown>).map(([k, v]) => [k, typeof v]));

describe("the emulator answers as a real JVB does", () => {
  let real: Pod;
  let emulated: Awaited<ReturnType<typeof emulatedBridge>>;
  let realIp: string;
  beforeAll(async () => {
    real = await realBridge("conformance-real");
    realIp = real.status!.podIP!;
    emulated = await emulatedBridge(1);
  });
  afterAll(async () => {
    emulated?.bridge.stop();
    await emulated?.server.close();
  });
  const both = async (method: "GET" | "POST", path: string, body?: string) =>
    Promise.all([call(realIp, method, path, body), call(emulated.ip, method, path, body)]);

  test("health and version", async () => {
    const [realHealth, emuHealth] = await both("GET", "/about/health");
    expect(emuHealth).toEqual(realHealth);
    const [realVersion, emuVersion] = await both("GET", "/about/version");
    expect(emuVersion.status).toBe(realVersion.status);
    expect(jsonTypes(emuVersion.body)).toEqual(jsonTypes(realVersion.body));
    expect(JSON.parse(emuVersion.body).name).toBe(JSON.parse(realVersion.body).name);
  });

  test("/colibri/stats: every field the emulator serves is a real field of the same type, and the operator reads both alike", async () => {
    const [realStats, emuStats] = await both("GET", "/colibri/stats");
    const realTypes = jsonTypes(realStats.body);
    const emuTypes = jsonTypes(emuStats.body);
    for (const [field, type] of Object.entries(emuTypes)) {
      expect({ field, type: realTypes[field] }).toEqual({ field, type });
    }
    expect(figuresFromStats(JSON.parse(emuStats.body))).toEqual(figuresFromStats(JSON.parse(realStats.body)));
  });

  test("drain: enable, status, disable, and a GET on the POST path", async () => {
    for (const [method, path] of [
      ["POST", "/colibri/drain/enable"],
      ["GET", "/colibri/drain"],
      ["POST", "/colibri/drain/disable"],
      ["GET", "/colibri/drain"],
      ["GET", "/colibri/drain/enable"],
    ] as const) {
      const [r, e] = await both(method, path);
      expect({ path, method, status: e.status, body: e.status === 200 ? e.body : "" }).toEqual({
        path,
        method,
        status: r.status,
        body: r.status === 200 ? r.body : "",
      });
    }
  });

  test("/metrics carries the series the operator's alerts and dashboards read", async () => {
    const [r, e] = await both("GET", "/metrics");
    for (const name of [
      "stress",
      "conferences",
      "local_endpoints",
      "active_endpoints",
      "largest_conference",
      "drain_mode",
      "graceful_shutdown",
      "shutting_down",
    ]) {
      const series = new RegExp(`^jitsi_jvb_${name} [\\d.eE+-]+$`, "m");
      expect({ name, real: series.test(r.body) }).toEqual({ name, real: true });
      expect({ name, emulated: series.test(e.body) }).toEqual({ name, emulated: true });
    }
    // The directory polls plain servers by either format: both say the same of one bridge (stress to 2
    // places, as it moves between the two reads).
    const [realStats, emuStats] = await both("GET", "/colibri/stats");
    const rounded = (reading: BridgeReading) => ({ ...reading, stress: Math.round(reading.stress * 100) / 100 });
    for (const [stats, metrics] of [
      [realStats, r],
      [emuStats, e],
    ]) {
      expect(rounded(readingFromBody("prometheus", metrics!.body))).toEqual(rounded(readingFromBody("colibri", stats!.body)));
    }
  });

  test("shutdown: a body without the field is refused; a graceful shutdown of an empty bridge ends the process", async () => {
    const [r, e] = await both("POST", "/colibri/shutdown", "{}");
    expect(e.status).toBe(r.status);
    const graceful = JSON.stringify({ "graceful-shutdown": true });
    const [r2, e2] = await both("POST", "/colibri/shutdown", graceful);
    expect(e2.status).toBe(r2.status);
    const emuExited = new Promise<void>((resolve) => emulated.bridge.onExit(resolve));
    await eventually(
      "the real bridge's pod to end",
      async () => ["Succeeded", "Failed"].includes((await getPod("conformance-real")).status?.phase ?? ""),
      90_000,
    );
    await emuExited;
    expect(emulated.bridge.hasExited).toBe(true);
  });
});

describe("the emulator's placement rules choose the bridge real Jicofo chooses", () => {
  let a: Pod;
  let b: Pod;
  const presence = (id: string, over: Partial<BridgePresence> = {}): BridgePresence => ({
    id,
    operational: true,
    draining: false,
    gracefulShutdown: false,
    shuttingDown: false,
    stress: 0,
    recentEndpoints: 0,
    version: "v",
    ...over,
  });
  const placedOn = async (room: string, people = 2) => {
    const [first] = await meeting(signaling, room, people, participants);
    const ip = first!.bridgeAddress;
    return ip === a.status?.podIP ? "a" : ip === b.status?.podIP ? "b" : `elsewhere (${ip})`;
  };
  const drain = async (pod: Pod, on: boolean) => {
    await call(pod.status!.podIP!, "POST", `/colibri/drain/${on ? "enable" : "disable"}`);
    // Jicofo learns of it from the bridge's presence, sent every stats interval.
    await eventually(`Jicofo to see ${pod.metadata.name} drain=${on}`, async () => (await jicofoBridge(bed, pod.metadata.name))?.drain === on, 30_000);
  };

  beforeAll(async () => {
    [a, b] = await Promise.all([realBridge("place-a", true), realBridge("place-b", true)]);
    await eventually(
      "both bridges operational in Jicofo's selector",
      async () => {
        const [viewA, viewB] = await Promise.all([jicofoBridge(bed, "place-a"), jicofoBridge(bed, "place-b")]);
        return viewA?.operational === true && viewB?.operational === true;
      },
      60_000,
    );
  });

  test("a draining bridge gets no new conference while another can take it", async () => {
    await drain(a, true);
    expect(selectBridge([presence("a", { draining: true }), presence("b")])?.id).toBe("b");
    expect(await placedOn("place-drain")).toBe("b");
    await drain(a, false);
  });

  test("of two bridges, the one with fewer recently placed participants gets the new conference", async () => {
    await drain(b, true);
    expect(await placedOn("place-busy", 4)).toBe("a");
    await drain(b, false);
    expect(selectBridge([presence("a", { recentEndpoints: 4 }), presence("b", { recentEndpoints: 2 })])?.id).toBe("b");
    expect(await placedOn("place-light")).toBe("b");
  });

  test("a bridge in graceful shutdown gets no new conference", async () => {
    // a has meetings, so it stays in GRACEFUL_SHUTDOWN instead of exiting.
    expect((await call(a.status!.podIP!, "POST", "/colibri/shutdown", JSON.stringify({ "graceful-shutdown": true }))).status).toBe(200);
    await eventually("Jicofo to see place-a in graceful shutdown", async () => (await jicofoBridge(bed, "place-a"))?.["graceful-shutdown"] === true, 30_000);
    expect(selectBridge([presence("a", { gracefulShutdown: true }), presence("b", { recentEndpoints: 20 })])?.id).toBe("b");
    expect(await placedOn("place-graceful")).toBe("b");
  });
});
