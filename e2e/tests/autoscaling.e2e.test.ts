// The built-in autoscaler in the operator against the real control plane with emulated bridges: a step of
// load grows the fleet and the ebb drains it with nobody cut; the benchmark's simulator predicts what the
// operator does for the same meetings; a new operator warms up from the time-of-day memory stored with a fleet,
// and does not shrink the fleet it takes over before it has seen a scale-down window of its own.

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { jest } from "@jest/globals";
import { fleetSpecSchema } from "../../operator/src/api/meetingfleet.ts";
import { policySpecOf } from "../../operator/src/autoscale/fleet-spec.ts";
import { localTime } from "../../operator/src/autoscale/schedule.ts";
import { parseDuration } from "../../operator/src/util/duration.ts";
import { simulate } from "../bench/sim/fleet-sim.ts";
import { ours } from "../bench/sim/peers.ts";
import { clearScenario, clearSuite, postLoad } from "../support/emulator.ts";
import { createFleetNamespace } from "../support/fleets.ts";
import { FleetsUnderTest } from "../support/fleets-under-test.ts";
import { installCrd, type RunningOperator, startOperator } from "../support/operator.ts";
import { apply, eventually, kubectl, kubectlJson, testbed, withEmulator } from "../support/testbed.ts";

jest.setTimeout(150_000);
const bed = testbed();
const local = bed.cluster === "local" ? withEmulator(bed) : describe.skip;
let namespace: string;
let operator: RunningOperator;
let fleets: FleetsUnderTest;

local("MeetingFleet autoscaling", () => {
  beforeAll(async () => {
    await installCrd(bed);
    namespace = await createFleetNamespace(bed, "e2e-autoscaling");
    operator = await startOperator(bed, "operator", [namespace]);
    fleets = new FleetsUnderTest(bed, namespace, operator);
    mkdirSync(path.join(bed.dir, "results"), { recursive: true });
  });
  afterAll(async () => {
    await operator?.stop();
    await clearSuite(bed, namespace);
  });
  beforeEach(() => clearScenario(bed, namespace), 400_000);

  test("autoscaling: 0 -> 300 participants in a minute grows the fleet; when the load falls it shrinks by draining, nobody cut", async () => {
    // The default burst memory (3h) would rightly keep room for this rise long after it: 30s lets the test see the shrink.
    await fleets.ready("auto", { replicas: 1, minReplicas: 1, maxReplicas: 10, autoscaling: { lookahead: "30s", scaleDownWindow: "20s", burstMemory: "30s" } });
    const step = Date.now();
    await postLoad(bed, namespace, { kind: "ramp", from: 0, to: 300, rampS: 60, conferenceSize: 5, durationS: 75, horizonS: 61 });
    const firstPodS = await eventually(
      "a second bridge pod",
      async () => ((await fleets.bridgePods("auto")).length > 1 ? (Date.now() - step) / 1000 : undefined),
      60_000,
      100,
    );
    const firstReadyS = await eventually(
      "a second bridge Ready",
      async () => (((await fleets.get("auto")).status?.readyReplicas ?? 0) >= 2 ? (Date.now() - step) / 1000 : undefined),
      60_000,
      100,
    );
    let most = 0;
    await eventually(
      "the fleet grown for 300 participants",
      async () => {
        most = Math.max(most, (await fleets.bridgePods("auto")).length);
        return (await fleets.get("auto")).status?.participants === 300 && most >= 4;
      },
      90_000,
      500,
    );
    writeFileSync(path.join(bed.dir, "results", "autoscale-step.json"), JSON.stringify({ firstPodS, firstReadyS, mostBridges: most }));
    console.log(
      `autoscaling step 0 -> 300: first new bridge pod after ${firstPodS.toFixed(1)} s, Ready after ${firstReadyS.toFixed(1)} s, ${most} bridges at most`,
    );

    await eventually(
      "back to one bridge once the meetings ended",
      async () => {
        const f = await fleets.get("auto");
        return f.spec.replicas === 1 && (await fleets.bridgePods("auto")).length === 1;
      },
      150_000,
      1_000,
    );
    expect(await fleets.interruptions("auto")).toEqual([]);
    const events = await kubectl(bed, ["get", "events.events.k8s.io", "-n", namespace, "--field-selector", "reason=Autoscaled", "-o", "name"]);
    expect(events.trim().split("\n").length).toBeGreaterThanOrEqual(2);
    // What SREs see of it: the autoscaler's wish, and each size it wrote counted with its reason.
    expect(await fleets.metric("auto", "meetingfleet_autoscaler_desired_bridges")).toBe("1");
    const written = new RegExp(`^meetingfleet_scale_decisions_total\\{namespace="${namespace}",fleet="auto",action="autoscale",reason="\\w+"\\} (\\S+)$`, "gm");
    const writes = [...(await operator.metrics()).matchAll(written)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(writes).toBeGreaterThanOrEqual(2);
  }, 300_000);

  test("autoscaling: the benchmark's simulator predicts what the operator does on the test bed, for the same meetings and spec", async () => {
    // 40 meetings of 4-12 in one minute (300 people), 45-90 s long: the fleet grows, then drains back.
    const sizes = [4, 6, 8, 10, 12, 5];
    const lengthsS = [45, 70, 90, 55];
    const meetings = Array.from({ length: 40 }, (_, i) => ({ startMs: i * 1_500, durationMs: lengthsS[i % 4]! * 1_000, participants: sizes[i % 6]! }));
    const windowMs = 200_000;
    const spec = { replicas: 1, minReplicas: 1, maxReplicas: 10, autoscaling: { scaleDownWindow: "20s" } };
    // The spec as the API server stored it, its defaults filled in: what the operator reads.
    const fleetSpec = fleetSpecSchema.parse((await fleets.ready("fidelity", spec)).spec);

    const start = Date.now();
    await postLoad(bed, namespace, {
      trace: ["start_s,duration_s,participants", ...meetings.map((m) => `${m.startMs / 1_000},${m.durationMs / 1_000},${m.participants}`)].join("\n"),
    });
    const seen: Array<{ t: number; bridges: number }> = [];
    let bridgeMs = 0;
    let last = start;
    while (last - start < windowMs) {
      const live = (await fleets.liveBridgePods("fidelity")).length;
      const now = Date.now();
      bridgeMs += live * (now - last);
      last = now;
      seen.push({ t: now - start, bridges: live });
      await new Promise((r) => setTimeout(r, 500));
    }

    // The simulator at the test bed's pace: stats and scrapes every second, drains settle in 3 s, a
    // bridge useful about 2 s after its pod is created (the load-step test above measures it).
    const predicted = simulate(meetings, ours(policySpecOf(fleetSpec), start), 0, windowMs, {
      stepMs: 1_000,
      statsIntervalMs: 1_000,
      startDelayMs: 2_000,
      drainSettleMs: 3_000,
      drainDeadlineMs: parseDuration(fleetSpec.drainDeadline),
      seriesEveryMs: 1_000,
    });
    const figures = {
      bed: { bridgeSeconds: bridgeMs / 1_000, mostBridges: Math.max(...seen.map((s) => s.bridges)), lastBridges: seen.at(-1)?.bridges, series: seen },
      simulator: {
        bridgeSeconds: predicted.bridgeHours * 3_600,
        mostBridges: Math.max(...predicted.series.map((s) => s.bridges)),
        lastBridges: predicted.series.at(-1)?.bridges,
        series: predicted.series,
      },
    };
    writeFileSync(path.join(bed.dir, "results", "simulator-vs-testbed.json"), JSON.stringify(figures));
    console.log(
      `simulator vs test bed: ${figures.simulator.bridgeSeconds.toFixed(0)} vs ${figures.bed.bridgeSeconds.toFixed(0)} bridge-s, at most ${figures.simulator.mostBridges} vs ${figures.bed.mostBridges} bridges`,
    );

    expect(predicted.interrupted).toBe(0);
    expect(await fleets.interruptions("fidelity")).toEqual([]);
    expect(Math.abs(figures.bed.mostBridges - figures.simulator.mostBridges)).toBeLessThanOrEqual(1);
    // 10 %: the simulator with target stress 0.7 instead of the spec's 0.6, or a 60 s scale-down window
    // instead of 20 s, is off by more than that on these meetings.
    expect(figures.bed.bridgeSeconds / figures.simulator.bridgeSeconds).toBeGreaterThan(0.9);
    expect(figures.bed.bridgeSeconds / figures.simulator.bridgeSeconds).toBeLessThan(1.1);
    expect(figures.bed.lastBridges).toBe(figures.simulator.lastBridges);
  }, 330_000);

  test("autoscaling: an operator that never saw the fleet warms up from the time-of-day memory stored with it, and keeps it", async () => {
    // What a previous operator stored a week ago: 1 bridge for the next 2 minutes, then 3 (a burst at this
    // time of day). The fleet is idle today, so it should add that rise of 2 to its 1.
    const now = Date.now();
    const weekAgoMinutes = Math.floor((now - 7 * 24 * 3_600_000) / 60_000);
    const slots: Record<string, [number, number]> = {};
    for (let ahead = 0; ahead <= 5; ahead++) {
      const { day, minute } = localTime(now + ahead * 60_000, "UTC");
      slots[`${day === 0 || day === 6 ? "weekend" : "weekday"}:${minute}`] = [ahead <= 2 ? 1 : 3, weekAgoMinutes];
    }
    const memoryJson = JSON.stringify({ version: 1, timeZone: "UTC", slots });
    await apply(bed, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "memo-autoscaler-memory", namespace }, data: { "memory.json": memoryJson } });

    await apply(bed, fleets.manifest("memo", { replicas: 1, minReplicas: 1, maxReplicas: 5, autoscaling: { timeZone: "UTC" } }));
    await eventually("3 bridges asked for, from the memory", async () => (await fleets.get("memo")).spec.replicas === 3, 30_000);
    const events = await kubectlJson<{ items: Array<{ regarding: { name: string }; reason: string; note: string }> }>(bed, [
      "get",
      "events.events.k8s.io",
      "-n",
      namespace,
    ]);
    expect(events.items.filter((e) => e.regarding.name === "memo" && e.reason === "Autoscaled").map((e) => e.note)).toEqual([
      expect.stringContaining("1 -> 3 bridges (History)"),
    ]);

    // Today's figures are written back, and the ConfigMap now belongs to the fleet (it goes with it).
    const fleetUid = (await kubectlJson<{ metadata: { uid: string } }>(bed, ["get", "meetingfleet", "memo", "-n", namespace])).metadata.uid;
    const stored = await eventually(
      "today's minute stored",
      async () => {
        const cm = await kubectlJson<{ metadata: { ownerReferences?: Array<{ uid: string }> }; data: Record<string, string> }>(bed, [
          "get",
          "configmap",
          "memo-autoscaler-memory",
          "-n",
          namespace,
        ]);
        const snapshot = JSON.parse(cm.data["memory.json"] ?? "{}") as { slots: Record<string, [number, number]> };
        return Object.values(snapshot.slots).some(([, at]) => at * 60_000 >= now - 60_000) ? cm : undefined;
      },
      30_000,
    );
    expect(stored.metadata.ownerReferences?.map((o) => o.uid)).toEqual([fleetUid]);
    // With the recent maxima, so that the next operator keeps the room this one keeps.
    expect(JSON.parse(stored.data["recent.json"] ?? "{}")).toMatchObject({ version: 1, rises: expect.any(Array), overloaded: expect.any(Array) });
  });

  test("autoscaling: a new operator holds the bridges it finds for one scale-down window before it drains the idle ones", async () => {
    // Four idle bridges; autoscaling switched on while no operator runs, then a new one starts, as after a
    // failover. It has seen no window of its own, so it keeps what it found for one (30 s), then shrinks.
    await fleets.ready("takeover", { replicas: 4, minReplicas: 1, maxReplicas: 6 });
    await operator.stop();
    await kubectl(bed, ["patch", "meetingfleet/takeover", "-n", namespace, "--type", "merge", "-p", '{"spec":{"autoscaling":{"scaleDownWindow":"30s"}}}']);
    const started = Date.now();
    operator = await startOperator(bed, "operator-takeover", [namespace]);
    fleets = new FleetsUnderTest(bed, namespace, operator);
    const shrunkAfterS = await eventually(
      "the idle fleet shrunk",
      async () => ((await fleets.get("takeover")).spec.replicas < 4 ? (Date.now() - started) / 1000 : undefined),
      150_000,
      500,
    );
    console.log(`a new operator held the 4 bridges it found for ${shrunkAfterS.toFixed(1)} s (scale-down window 30 s)`);
    expect(shrunkAfterS).toBeGreaterThanOrEqual(30);
    await eventually("down to one bridge, by draining", async () => (await fleets.bridgePods("takeover")).length === 1, 120_000, 1_000);
    expect(await fleets.interruptions("takeover")).toEqual([]);
  });
});
