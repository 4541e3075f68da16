// The operator with real Jitsi (BRIDGES=jvb): real JVB processes for its bridge pods, joined to Prosody's
// brewery, a real Jicofo placing conferences, and synthetic participants (XMPP clients) who join rooms and
// accept Jicofo's Jingle offers. What a person in a meeting would notice is what is asserted: which bridge
// they were offered, at which address, and whether their call was cut or moved.

import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { jest } from "@jest/globals";
import type { Pod } from "../../operator/src/kube/types.ts";
import type { Participant } from "../jitsi/participant.ts";
import { driverStats, endAllConferences, postLoad, stopLoad } from "../support/emulator.ts";
import { bridgePodsOf, fleetManifest } from "../support/fleets.ts";
import { jicofoBridge, jicofoSelector } from "../support/jicofo.ts";
import { meeting as joinMeeting, signalingOf } from "../support/meetings.ts";
import { installCrd, type RunningOperator, startOperator } from "../support/operator.ts";
import { apply, createNamespace, deleteNamespace, eventually, kubectl, kubectlJson, testbed } from "../support/testbed.ts";

// Real bridges take seconds to start, and more on a busy machine.
jest.setTimeout(240_000);
const bed = testbed();
const signaling = signalingOf(bed);
const jitsi = bed.jitsi!;
let namespace: string;
let operator: RunningOperator;
const participants: Participant[] = [];

/** Figures measured along the way, written to <test bed>/jitsi-figures.json for the README and the issue. */
const figures: Record<string, number[]> = {};
function record(name: string, value: number): void {
  figures[name] ??= [];
  figures[name].push(Math.round(value));
}
const since = (t0: number) => performance.now() - t0;

/** Resident memory of processes whose command line matches `pattern`, in MiB. */
async function rssMiB(pattern: string): Promise<number[]> {
  const out = await promisify(execFile)("pgrep", ["-f", pattern]).then(
    (r) => r.stdout,
    () => "",
  );
  return out
    .split("\n")
    .filter(Boolean)
    .map((pid) => {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
      return Number(kb ?? 0) / 1024;
    });
}

interface Fleet {
  status?: { readyReplicas?: number; drainingReplicas?: number; bridges?: Array<{ name: string; phase: string; participants?: number }> };
}

beforeAll(async () => {
  await installCrd(bed);
  namespace = await createNamespace(bed, "e2e-jitsi");
  await kubectl(bed, ["create", "secret", "generic", "jvb-xmpp", "-n", namespace, `--from-literal=password=${jitsi.jvbPassword}`]);
  operator = await startOperator(bed, "operator-jitsi", [namespace]);
});
// Each scenario starts with no bridges but its own, so Jicofo's choices are the test's to predict.
afterEach(async () => {
  await stopLoad(bed);
  await endAllConferences(bed);
  await Promise.all(participants.splice(0).map((p) => p.leave()));
  await kubectl(bed, ["delete", "meetingfleets", "--all", "-n", namespace, "--wait=true", "--timeout=90s"]);
  await eventually(
    "the scenario's bridges gone",
    async () => (await kubectlJson<{ items: Pod[] }>(bed, ["get", "pods", "-n", namespace])).items.length === 0,
    90_000,
  );
});
afterAll(async () => {
  writeFileSync(path.join(bed.dir, "jitsi-figures.json"), `${JSON.stringify(figures, null, 1)}\n`);
  await operator?.stop();
  await kubectl(bed, ["delete", "meetingfleets", "--all", "-n", namespace, "--wait=true", "--timeout=90s"]).catch(() => undefined);
  await deleteNamespace(bed, namespace);
});

const fleet = (name: string, spec: Record<string, unknown> = {}) =>
  fleetManifest(name, namespace, {
    maxReplicas: 6,
    drainDeadline: "10m",
    signaling: { xmppServer: "127.0.0.1", xmppPort: jitsi.xmppPort, authPasswordSecretRef: { name: "jvb-xmpp" } },
    ...spec,
  });

const getFleet = (name: string) => kubectlJson<Fleet>(bed, ["get", "meetingfleet", name, "-n", namespace]);
const bridgePods = (name: string) => bridgePodsOf(bed, namespace, name);
const podOf = async (fleetName: string, ip: string | undefined) => (await bridgePods(fleetName)).find((p) => p.status?.podIP === ip);

async function readyFleet(name: string, spec: Record<string, unknown> = {}): Promise<Pod[]> {
  const t0 = performance.now();
  await apply(bed, fleet(name, spec));
  await kubectl(bed, ["wait", "--for=condition=Ready", `meetingfleet/${name}`, "-n", namespace, "--timeout=180s"]);
  record("applyToReadyMs", since(t0));
  return bridgePods(name);
}

const meeting = (room: string, count: number) => joinMeeting(signaling, room, count, participants);

/** Waits until the fleet's status (the operator's scraped figures) shows these participants on these bridges. */
async function figuresShow(fleetName: string, expected: Record<string, number>): Promise<void> {
  await eventually(
    `${fleetName}'s status to show ${JSON.stringify(expected)}`,
    async () => {
      const bridges = (await getFleet(fleetName)).status?.bridges ?? [];
      return Object.entries(expected).every(([name, count]) => bridges.find((b) => b.name === name)?.participants === count);
    },
    30_000,
  );
}

const interruptions = () => participants.flatMap((p) => p.interruptions.map((i) => ({ room: p.room, nick: p.nick, ...i })));

describe("the operator with real Jitsi Videobridges, Jicofo and Prosody", () => {
  test("a fleet comes up Ready, its bridges join Jicofo's selector, and clients are offered the node's public address and port", async () => {
    const before = (await jicofoSelector(bed)).operational_bridge_count;
    const pods = await readyFleet("media", { replicas: 2 });
    expect(pods).toHaveLength(2);
    await eventually("both bridges operational in Jicofo", async () => (await jicofoSelector(bed)).operational_bridge_count >= before + 2, 60_000);

    const [first] = await meeting("media-room", 2);
    const pod = await podOf("media", first!.bridgeAddress);
    expect(pod).toBeDefined();
    const node = await kubectlJson<{ status: { addresses: Array<{ type: string; address: string }> } }>(bed, ["get", "node", pod!.spec!.nodeName!]);
    const external = node.status.addresses.find((a) => a.type === "ExternalIP")!.address;
    const internal = node.status.addresses.find((a) => a.type === "InternalIP")!.address;
    expect(external.startsWith(jitsi.externalIpPrefix)).toBe(true);
    expect(external).not.toBe(internal);
    const svc = await kubectlJson<{ spec: { ports: Array<{ nodePort: number }> } }>(bed, ["get", "service", pod!.metadata.name, "-n", namespace]);
    const offered = first!.offers.at(-1)!.candidates;
    // The node's public address at the bridge's node port: what a client on the internet can reach.
    expect(offered).toContainEqual({ ip: external, port: svc.spec.ports[0]!.nodePort, type: "srflx" });
    expect(offered.some((c) => c.ip === internal)).toBe(false);
    for (const mib of await rssMiB(`jvb/${namespace}_media-`)) record("jvbRssMiBWithConference", mib);
    for (const pid of ["jicofo", "prosody"]) {
      const status = readFileSync(`/proc/${readFileSync(path.join(bed.dir, "pids", `${pid}.pid`), "utf8").trim()}/status`, "utf8");
      record(`${pid}RssMiB`, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    }
    expect(interruptions()).toEqual([]);
  });

  test("with HostPort exposure clients are offered the node's public address at the media port", async () => {
    await readyFleet("hostport", { replicas: 1, media: { exposure: "HostPort", port: 10000 } });
    const [first] = await meeting("hostport-room", 2);
    const pod = (await podOf("hostport", first!.bridgeAddress))!;
    const node = await kubectlJson<{ status: { addresses: Array<{ type: string; address: string }> } }>(bed, ["get", "node", pod.spec!.nodeName!]);
    const external = node.status.addresses.find((a) => a.type === "ExternalIP")!.address;
    expect(first!.offers.at(-1)!.candidates).toContainEqual({ ip: external, port: 10000, type: "srflx" });
    expect(pod.metadata.annotations?.["meet.meetingfleet.dev/advertised-address"]).toBe(external);
  });

  test("scale-down drains the emptiest bridge: Jicofo places no new conference there, and it goes only when its meeting ends", async () => {
    await readyFleet("lectures", { replicas: 2 });
    // Two rooms, one on each bridge (Jicofo spreads by recently added endpoints); the second has more people.
    const [a] = await meeting("lectures-a", 2);
    const b = await meeting("lectures-b", 3);
    expect(b[0]!.bridgeAddress).not.toBe(a!.bridgeAddress);
    const quieter = (await podOf("lectures", a!.bridgeAddress))!.metadata.name;
    const busier = (await podOf("lectures", b[0]!.bridgeAddress))!.metadata.name;
    await figuresShow("lectures", { [quieter]: 2, [busier]: 3 });

    const scaled = performance.now();
    await kubectl(bed, ["scale", "meetingfleet/lectures", "-n", namespace, "--replicas=1"]);
    await eventually(
      `${quieter} draining`,
      async () => (await getFleet("lectures")).status?.bridges?.find((x) => x.name === quieter)?.phase === "Draining",
      60_000,
      100,
    );
    const drained = performance.now();
    record("scaleToDrainMs", drained - scaled);
    // The drain reaches Jicofo through the bridge's presence; the next room is asked for once it has.
    await eventually(`Jicofo to see ${quieter} draining`, async () => (await jicofoBridge(bed, quieter))?.drain === true, 30_000, 100);
    record("drainToJicofoMs", since(drained));
    const [c] = await meeting("lectures-c", 2);
    expect((await podOf("lectures", c!.bridgeAddress))?.metadata.name).toBe(busier);

    // The drained bridge stays while its meeting lives...
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    expect((await bridgePods("lectures")).map((p) => p.metadata.name)).toContain(quieter);
    // ...and goes when it ends.
    const ended = performance.now();
    await Promise.all(participants.filter((p) => p.room === "lectures-a").map((p) => p.leave()));
    await eventually(`${quieter} deleted`, async () => !(await bridgePods("lectures")).some((p) => p.metadata.name === quieter), 90_000);
    record("lastLeaveToBridgeDeletedMs", since(ended));
    expect(interruptions()).toEqual([]);
  });

  test("past the drain deadline the bridge shuts down, Jicofo moves its participants to another bridge, and the pod goes", async () => {
    await readyFleet("deadline", { replicas: 2, drainDeadline: "15s" });
    const [a] = await meeting("deadline-a", 2);
    const b = await meeting("deadline-b", 3);
    const quieter = (await podOf("deadline", a!.bridgeAddress))!;
    const other = (await podOf("deadline", b[0]!.bridgeAddress))!;
    expect(quieter.metadata.name).not.toBe(other.metadata.name);
    await figuresShow("deadline", { [quieter.metadata.name]: 2, [other.metadata.name]: 3 });

    await kubectl(bed, ["scale", "meetingfleet/deadline", "-n", namespace, "--replicas=1"]);
    await eventually(
      `${quieter.metadata.name} deleted after its deadline`,
      async () => !(await bridgePods("deadline")).some((p) => p.metadata.name === quieter.metadata.name),
      150_000,
    );
    // Everyone of room a was moved (Jicofo re-invited them), onto the remaining bridge.
    const moved = participants.filter((p) => p.room === "deadline-a");
    await eventually("room a re-offered on the other bridge", async () => moved.every((p) => p.bridgeAddress === other.status?.podIP), 60_000);
    expect(moved.every((p) => p.interruptions.length > 0)).toBe(true);
    // Room b was never touched.
    expect(participants.filter((p) => p.room === "deadline-b").flatMap((p) => p.interruptions)).toEqual([]);
  });

  test("when load returns, the draining bridge is undrained before any new one starts, and Jicofo uses it again", async () => {
    await readyFleet("returning", { replicas: 2 });
    const [a] = await meeting("returning-a", 2);
    const b = await meeting("returning-b", 3);
    const quieter = (await podOf("returning", a!.bridgeAddress))!.metadata.name;
    const busier = (await podOf("returning", b[0]!.bridgeAddress))!.metadata.name;
    await figuresShow("returning", { [quieter]: 2, [busier]: 3 });
    await kubectl(bed, ["scale", "meetingfleet/returning", "-n", namespace, "--replicas=1"]);
    await eventually(`Jicofo to see ${quieter} draining`, async () => (await jicofoBridge(bed, quieter))?.drain === true, 60_000);

    await kubectl(bed, ["scale", "meetingfleet/returning", "-n", namespace, "--replicas=2"]);
    await eventually(`Jicofo to see ${quieter} undrained`, async () => (await jicofoBridge(bed, quieter))?.drain === false, 60_000);
    expect((await bridgePods("returning")).map((p) => p.metadata.name).sort()).toEqual([busier, quieter].sort());
    expect(interruptions()).toEqual([]);
  });

  test("a template change rolls the fleet: a new bridge first, then the old one drained and removed when its meeting ends", async () => {
    const [old] = await readyFleet("rolling", { replicas: 1 });
    await meeting("rolling-a", 2);
    await figuresShow("rolling", { [old!.metadata.name]: 2 });
    await apply(bed, fleet("rolling", { replicas: 1, template: { env: [{ name: "JVB_ENABLE_SOMETHING", value: "1" }] } }));
    await eventually(
      `${old!.metadata.name} draining once the new bridge is ready`,
      async () => (await jicofoBridge(bed, old!.metadata.name))?.drain === true,
      120_000,
    );
    const fresh = (await bridgePods("rolling")).find((p) => p.metadata.uid !== old!.metadata.uid)!;
    expect(fresh).toBeDefined();
    // New meetings go to the new bridge while the old one finishes its meeting.
    const [c] = await meeting("rolling-b", 2);
    expect(c!.bridgeAddress).toBe(fresh.status?.podIP);
    expect((await bridgePods("rolling")).some((p) => p.metadata.uid === old!.metadata.uid)).toBe(true);
    await Promise.all(participants.filter((p) => p.room === "rolling-a").map((p) => p.leave()));
    await eventually("the old bridge removed", async () => !(await bridgePods("rolling")).some((p) => p.metadata.uid === old!.metadata.uid), 90_000);
    expect(interruptions()).toEqual([]);
  });

  test("the autoscaler (targetParticipants: stress stays near zero without media) grows the fleet with meetings and shrinks it after", async () => {
    await readyFleet("auto", { replicas: 1, minReplicas: 1, autoscaling: { targetParticipants: 4, headroom: 0, scaleDownWindow: "0s" } });
    const first = await meeting("auto-a", 3);
    await meeting("auto-b", 3);
    await eventually("two bridges for six participants", async () => (await getFleet("auto")).status?.readyReplicas === 2, 120_000);
    await Promise.all(participants.splice(0).map((p) => p.leave()));
    expect(first.flatMap((p) => p.interruptions)).toEqual([]);
    await eventually("back to one bridge", async () => (await bridgePods("auto")).length === 1, 120_000);
  });

  test("the driver's load scripts play meetings of synthetic participants through Jicofo onto the fleet; none is interrupted", async () => {
    await readyFleet("driven", { replicas: 2 });
    const before = await driverStats(bed);
    const started = await postLoad(bed, namespace, { kind: "constant", participants: 8, conferenceSize: 2, durationS: 600, horizonS: 2 });
    expect(started).toMatchObject({ status: 200, body: { started: 4 } });
    await eventually(
      "8 participants on the fleet's bridges",
      async () => {
        const bridges = (await getFleet("driven")).status?.bridges ?? [];
        return bridges.reduce((sum, b) => sum + (b.participants ?? 0), 0) === 8;
      },
      120_000,
    );
    // The driver outlives test runs: its counters are compared with what they were before.
    const during = await driverStats(bed);
    expect(during.conferencesStarted - before.conferencesStarted).toBe(4);
    expect(during.participants - before.participants).toBe(8);
    expect(during.interrupted - before.interrupted).toBe(0);
    await endAllConferences(bed);
    const after = await driverStats(bed);
    expect(after.conferencesEnded - before.conferencesEnded).toBe(4);
    expect(after.activeConferences).toBe(0);
  });

  test("a bridge process that dies is replaced, and the fleet is Ready again", async () => {
    const pods = await readyFleet("crashing", { replicas: 1 });
    const victim = pods[0]!;
    // SIGKILL the java process of this pod: what an OOM kill does to a real bridge.
    const pids = await new Promise<string>((resolve) =>
      execFile("pgrep", ["-f", `jvb/${namespace}_${victim.metadata.name}_${victim.metadata.uid.slice(0, 8)}`], (_e, out) => resolve(out)),
    );
    const pid = Number(pids.trim().split("\n")[0]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, "SIGKILL");
    await eventually(
      "a replacement bridge",
      async () => {
        const now = await bridgePods("crashing");
        return now.some((p) => p.metadata.uid !== victim.metadata.uid && p.status?.phase === "Running");
      },
      120_000,
    );
    await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/crashing", "-n", namespace, "--timeout=180s"]);
    const status = (await getFleet("crashing")).status;
    expect(status?.readyReplicas).toBe(1);
  });
});
