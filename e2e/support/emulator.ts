// The test bed's control API (local test bed only): the conference driver's figures and load (emulated or,
// with BRIDGES=jvb, real participants), and the emulated bridges' rows.

import type { DriverStats } from "../emulator/driver.ts";
import type { Fault } from "../emulator/faults.ts";
import { bridgePodSelector } from "../emulator/pod-bridges.ts";
import { deleteNamespace, eventually, kubectl, type Testbed } from "./testbed.ts";

export interface BridgeRow {
  namespace: string;
  pod: string;
  ip: string;
  restarts: number;
  state: string;
  drain: boolean;
  participants: number;
  conferences: number;
  stress: number;
  fault: Fault | null;
}

function url(bed: Testbed, path: string): string {
  if (!bed.driverUrl) throw new Error("this cluster has no conference driver");
  return bed.driverUrl + path;
}

export async function driverStats(bed: Testbed): Promise<DriverStats> {
  return (await fetch(url(bed, "/driver"))).json() as Promise<DriverStats>;
}

export async function emulatedBridges(bed: Testbed, namespace: string): Promise<BridgeRow[]> {
  if (!bed.emulatorUrl) throw new Error("this cluster has no bridge emulator");
  const rows = (await (await fetch(`${bed.emulatorUrl}/bridges`)).json()) as BridgeRow[];
  return rows.filter((r) => r.namespace === namespace);
}

/**
 * Load for the conference driver, which puts meetings on any bridge of the test bed (as Jicofo would): so it
 * first waits until `namespace` holds the only bridges. The idle bridges of a namespace that the previous
 * suite deleted without waiting would otherwise take the first conferences (seen once in CI).
 */
export async function postLoad(bed: Testbed, namespace: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  await onlyBridgesOf(bed, namespace);
  const res = await fetch(url(bed, "/driver/load"), { method: "POST", body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * Conferences placed one after another, so Jicofo's choice is predictable: sizes in bridge order, each
 * lasting `durationS` (one for all, or one each). A new call replaces the arrivals still to come.
 */
export async function placeConferences(bed: Testbed, namespace: string, sizes: number[], durationS: number | number[]): Promise<void> {
  const lengthOf = (i: number) => (Array.isArray(durationS) ? durationS[i] : durationS);
  const trace = ["start_s,duration_s,participants", ...sizes.map((size, i) => `${i * 0.5},${lengthOf(i)},${size}`)].join("\n");
  const res = await postLoad(bed, namespace, { trace });
  if (res.status !== 200) throw new Error(`the conference driver refused the trace: HTTP ${res.status} ${JSON.stringify(res.body)}`);
}

export async function stopLoad(bed: Testbed): Promise<void> {
  await fetch(url(bed, "/driver/stop"), { method: "POST" });
}

export async function endAllConferences(bed: Testbed): Promise<void> {
  await fetch(url(bed, "/driver/end-all"), { method: "POST" });
}

/** Meetings the emulator saw cut on a fleet's bridges. */
export async function fleetInterruptions(bed: Testbed, namespace: string, fleet: string) {
  return (await driverStats(bed)).interruptions.filter((i) => i.bridgeId.startsWith(`${namespace}/${fleet}-`));
}

/** What a suite leaves on the test bed when it ends: the load it started, the meetings, its namespace. */
export async function clearSuite(bed: Testbed, namespace: string): Promise<void> {
  await stopLoad(bed);
  await endAllConferences(bed);
  await deleteNamespace(bed, namespace);
}

/** Makes one emulated bridge's REST API misbehave (null: behave again). */
export async function injectFault(bed: Testbed, namespace: string, pod: string, fault: Fault | null): Promise<void> {
  if (!bed.emulatorUrl) throw new Error("this cluster has no bridge emulator");
  const res = await fetch(`${bed.emulatorUrl}/bridges/fault`, { method: "POST", body: JSON.stringify({ namespace, pod, fault }) });
  if (!res.ok) throw new Error(`fault ${fault} on ${namespace}/${pod}: HTTP ${res.status} ${await res.text()}`);
}

/** Waits until the test bed runs no other namespace's bridges (pods the emulator serves as bridges). */
async function onlyBridgesOf(bed: Testbed, namespace: string): Promise<void> {
  await eventually(
    "no other suite's bridges left",
    async () =>
      (await kubectl(bed, ["get", "pods", "-A", "-l", bridgePodSelector, "-o", "jsonpath={.items[*].metadata.namespace}"]))
        .split(" ")
        .every((ns) => ns === "" || ns === namespace),
    180_000,
  );
}

/**
 * Between two scenarios of a suite: no load, no meeting, no fleet and no bridge left in its namespace. Upper
 * bounds, not expected durations: on a busy machine garbage collection of the last scenario's bridges has taken
 * over a minute.
 */
export async function clearScenario(bed: Testbed, namespace: string): Promise<void> {
  await stopLoad(bed);
  await endAllConferences(bed);
  await kubectl(bed, ["delete", "meetingfleets", "--all", "-n", namespace, "--wait=true", "--timeout=180s"]);
  await eventually("no bridges left", async () => (await kubectl(bed, ["get", "pods", "-n", namespace, "-o", "name"])).trim() === "", 180_000);
}
