// The operator against the real control plane with emulated bridges: a fleet comes up and reports
// Ready; scale-down drains the emptiest bridges and never cuts a meeting; the drain deadline is kept;
// bad fleets are refused or reported as Stalled; lost bridges are replaced; a crashed operator finishes
// what its predecessor started; a template change rolls the bridges. The autoscaler: autoscaling.e2e.test.ts.

import path from "node:path";
import { jest } from "@jest/globals";
import { fleetSpecSchema } from "../../operator/src/api/meetingfleet.ts";
import { clearScenario, clearSuite, emulatedBridges, placeConferences as placeConferencesOn } from "../support/emulator.ts";
import { createFleetNamespace } from "../support/fleets.ts";
import { fleetCondition as condition, type FleetObject, FleetsUnderTest } from "../support/fleets-under-test.ts";
import { installCrd, type RunningOperator, startOperator } from "../support/operator.ts";
import { apply, eventually, KubectlError, kubectl, kubectlJson, testbed, withEmulator } from "../support/testbed.ts";

jest.setTimeout(150_000);
const bed = testbed();
const local = bed.cluster === "local" ? withEmulator(bed) : describe.skip;
let namespace: string;
let operator: RunningOperator;
let fleets: FleetsUnderTest;

/** Requests the API server counted (its own metrics) whose labels pass `match`. */
async function apiRequests(match: (labels: string) => boolean): Promise<number> {
  const text = await kubectl(bed, ["get", "--raw", "/metrics"]);
  return [...text.matchAll(/^apiserver_request_total\{([^}]*)\} (\d+)$/gm)]
    .filter(([, labels]) => match(labels!))
    .reduce((sum, [, , value]) => sum + Number(value), 0);
}
/** The fleet's Stalled condition, what alerting reads. */
const stalledMetric = (name: string) => fleets.metric(name, "meetingfleet_fleet_condition", ',type="Stalled"');
const participantsOn = async (pod: string) => (await emulatedBridges(bed, namespace)).find((b) => b.pod === pod)?.participants;

/** Waits until the operator's own view (the fleet status) shows the load: its decisions follow its figures. */
async function operatorSees(name: string, participants: number): Promise<void> {
  await eventually(`${name} status to show ${participants} participants`, async () => (await fleets.get(name)).status?.participants === participants, 15_000);
}

const placeConferences = (sizes: number[], durationS: number | number[]) => placeConferencesOn(bed, namespace, sizes, durationS);

local("MeetingFleet operator", () => {
  beforeAll(async () => {
    await installCrd(bed);
    namespace = await createFleetNamespace(bed, "e2e-operator");
    operator = await startOperator(bed, "operator", [namespace]);
    fleets = new FleetsUnderTest(bed, namespace, operator);
  });
  afterAll(async () => {
    await operator?.stop();
    await clearSuite(bed, namespace);
  });
  beforeEach(() => clearScenario(bed, namespace), 400_000);

  test("a fleet comes up: bridges Ready, status and conditions filled in, kubectl wait works, one Service per bridge", async () => {
    const f = await fleets.ready("up", { replicas: 3 });
    expect(f.status).toMatchObject({ observedGeneration: f.metadata.generation, replicas: 3, readyReplicas: 3, drainingReplicas: 0, participants: 0 });
    expect(f.status?.selector).toContain("meet.meetingfleet.dev/fleet=up");
    expect(f.status?.bridges?.map((b) => `${b.name}:${b.phase}`)).toEqual(["up-0:Ready", "up-1:Ready", "up-2:Ready"]);
    expect(condition(f, "Stalled")?.status).toBe("False");
    expect(condition(f, "Reconciling")?.status).toBe("False");
    const services = (
      await kubectlJson<{
        items: Array<{ metadata: { name: string; ownerReferences: Array<{ kind: string }> }; spec: { ports: Array<{ nodePort: number; protocol: string }> } }>;
      }>(bed, ["get", "services", "-n", namespace, "-l", "meet.meetingfleet.dev/fleet=up"])
    ).items;
    expect(services.map((s) => s.metadata.name).sort()).toEqual(["up-0", "up-1", "up-2"]);
    expect(services.every((s) => s.metadata.ownerReferences[0]?.kind === "Pod" && s.spec.ports[0]?.protocol === "UDP")).toBe(true);
    expect(new Set(services.map((s) => s.spec.ports[0]?.nodePort)).size).toBe(3);
    const metrics = await eventually(
      "fleet metrics exported",
      async () => {
        const text = await operator.metrics();
        return text.includes(`meetingfleet_fleet_bridges{namespace="${namespace}",fleet="up",state="ready"} 3`) ? text : undefined;
      },
      15_000,
    );
    expect(metrics).toMatch(new RegExp(`^meetingfleet_fleet_bridges\\{namespace="${namespace}",fleet="up",state="desired"\\} 3$`, "m"));
    expect(metrics).toMatch(/^meetingfleet_reconcile_operations_total\{result="success"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^meetingfleet_bridge_scrape_duration_seconds_count [1-9]\d*$/m);
    expect(metrics).toMatch(/^meetingfleet_scale_decisions_total\{namespace="[^"]+",fleet="up",action="create",reason="ScaleUp"\} 3$/m);
    expect(metrics).toMatch(/^meetingfleet_leader 1$/m);

    // Idle, the fleet is reconciled only by the periodic resync (5 s here): its own status writes do not
    // wake it. A hot loop would show hundreds of passes.
    const reconciles = async () => Number(/^meetingfleet_reconcile_operations_total\{result="success"\} (\d+)$/m.exec(await operator.metrics())?.[1]);
    const before = await reconciles();
    await new Promise((r) => setTimeout(r, 6_000));
    expect((await reconciles()) - before).toBeLessThanOrEqual(4);
    const table = await kubectl(bed, ["get", "meetingfleet", "up", "-n", namespace]);
    expect(table).toMatch(/^NAME\s+READY\s+DESIRED\s+BRIDGES\s+DRAINING\s+PARTICIPANTS\s+STRESS\s+AGE/m);
    expect(table).toMatch(/^up\s+True\s+3\s+3\s+0\s+0\s+0\.00/m);
    // The scale subresource is held to the same rules as the spec.
    await expect(kubectl(bed, ["scale", "meetingfleet/up", "-n", namespace, "--replicas=11"])).rejects.toThrow(
      "spec.replicas must be between spec.minReplicas and spec.maxReplicas",
    );
    expect((await fleets.get("up")).spec.replicas).toBe(3);
  });

  test("kubectl scale down by two while meetings run: the two emptiest bridges drain, nobody is cut, they go once empty", async () => {
    await fleets.ready("down", { replicas: 4 });
    await placeConferences([12, 9, 3, 2], 25);
    await eventually("meetings on all four bridges", async () => (await participantsOn("down-3")) === 2 && (await participantsOn("down-0")) === 12, 15_000);
    await operatorSees("down", 26);
    await kubectl(bed, ["scale", "meetingfleet/down", "-n", namespace, "--replicas=2"]);
    const draining = await eventually(
      "two bridges draining",
      async () => {
        const names = (await fleets.bridgePods("down"))
          .filter((p) => p.metadata.annotations?.["meet.meetingfleet.dev/draining-since"])
          .map((p) => p.metadata.name)
          .sort();
        return names.length === 2 ? names : undefined;
      },
      15_000,
    );
    expect(draining).toEqual(["down-2", "down-3"]);
    // Their meetings go on: the bridges stay while people are on them.
    await new Promise((r) => setTimeout(r, 5_000));
    expect((await fleets.bridgePods("down")).map((p) => p.metadata.name).sort()).toEqual(["down-0", "down-1", "down-2", "down-3"]);
    await eventually(
      "the drained bridges removed once empty",
      async () =>
        (await fleets.bridgePods("down"))
          .map((p) => p.metadata.name)
          .sort()
          .join() === "down-0,down-1",
      60_000,
    );
    const f = await fleets.get("down");
    expect(f.status).toMatchObject({ replicas: 2, readyReplicas: 2, drainingReplicas: 0 });
    expect(await fleets.interruptions("down")).toEqual([]);
  });

  test("past the drain deadline a bridge that still has people is shut down (Jicofo moves them) and removed", async () => {
    await fleets.ready("deadline", { replicas: 2, drainDeadline: "4s" });
    await placeConferences([5, 3], 600);
    await eventually("meetings on both bridges", async () => (await participantsOn("deadline-1")) === 3, 15_000);
    await operatorSees("deadline", 8);
    await kubectl(bed, ["scale", "meetingfleet/deadline", "-n", namespace, "--replicas=1"]);
    await eventually("deadline-1 removed", async () => (await fleets.bridgePods("deadline")).map((p) => p.metadata.name).join() === "deadline-0", 45_000);
    const cut = await fleets.interruptions("deadline");
    expect(cut).toEqual([expect.objectContaining({ bridgeId: `${namespace}/deadline-1`, participants: 3, reason: "bridge-shutting-down" })]);
    const events = await kubectl(bed, ["get", "events.events.k8s.io", "-n", namespace, "--field-selector", "reason=DrainDeadlinePassed", "-o", "name"]);
    expect(events.trim()).not.toBe("");
  });

  test("near its deadline, a drained bridge whose meeting outlasts the others' trades places with the emptied bridge: that one goes, the meeting is not cut", async () => {
    await fleets.ready("trade", { replicas: 2, drainDeadline: "20s" });
    await placeConferences([6, 2], [8, 120]);
    await eventually("meetings on both bridges", async () => (await participantsOn("trade-0")) === 6 && (await participantsOn("trade-1")) === 2, 15_000);
    await operatorSees("trade", 8);
    const deadline = Date.now() + 20_000;
    await kubectl(bed, ["scale", "meetingfleet/trade", "-n", namespace, "--replicas=1"]);
    // trade-1 (fewer people) drains; trade-0 empties after 8 s, and 15 s into the drain (the last quarter of
    // its deadline) trade-0 drains in trade-1's place and goes.
    const inService = async () => {
      const pods = await fleets.bridgePods("trade");
      return pods.length === 1 && pods[0]!.metadata.name === "trade-1" && !pods[0]!.metadata.annotations?.["meet.meetingfleet.dev/draining-since"];
    };
    await eventually("trade-0 gone, trade-1 in service", inService, 60_000);
    await eventually("trade-1's drain deadline passed", async () => Date.now() > deadline + 3_000, 60_000, 1_000);
    expect(await inService()).toBe(true);
    expect(await participantsOn("trade-1")).toBe(2);
    expect(await fleets.interruptions("trade")).toEqual([]);
    const kept = await kubectl(bed, [
      "get",
      "events.events.k8s.io",
      "-n",
      namespace,
      "--field-selector",
      "reason=KeepsItsMeetings",
      "-o",
      "jsonpath={.items[*].note}",
    ]);
    expect(kept).toContain("Undrained bridge trade-1: it still hosts meetings, so an empty bridge drains in its place");
  });

  test("when load comes back during a drain, the draining bridge is undrained instead of a new one started", async () => {
    await fleets.ready("back", { replicas: 3 });
    await placeConferences([6, 4, 2], 120);
    await eventually("meetings on back-2", async () => (await participantsOn("back-2")) === 2, 15_000);
    await operatorSees("back", 12);
    const before = new Map((await fleets.bridgePods("back")).map((p) => [p.metadata.name, p.metadata.uid]));
    await kubectl(bed, ["scale", "meetingfleet/back", "-n", namespace, "--replicas=2"]);
    const isDraining = async () =>
      !!(await fleets.bridgePods("back")).find((p) => p.metadata.name === "back-2")?.metadata.annotations?.["meet.meetingfleet.dev/draining-since"];
    await eventually("back-2 draining", isDraining, 15_000);
    await kubectl(bed, ["scale", "meetingfleet/back", "-n", namespace, "--replicas=3"]);
    await eventually("back-2 undrained", async () => !(await isDraining()), 15_000);
    await eventually(
      "the bridge itself out of drain mode",
      async () => (await emulatedBridges(bed, namespace)).find((b) => b.pod === "back-2")?.drain === false,
      15_000,
    );
    const after = new Map((await fleets.bridgePods("back")).map((p) => [p.metadata.name, p.metadata.uid]));
    expect(after).toEqual(before);
    expect(await participantsOn("back-2")).toBe(2);
    expect(await fleets.interruptions("back")).toEqual([]);
  });

  test("the samples in crds/samples apply as they are; the HostPort one becomes Ready on the test bed", async () => {
    await kubectl(bed, ["apply", "-n", namespace, "-f", path.resolve(import.meta.dirname, "../../crds/samples/hostport-fleet.yaml")]);
    await kubectl(bed, ["apply", "-n", namespace, "--dry-run=server", "-f", path.resolve(import.meta.dirname, "../../crds/samples/nodeport-fleet.yaml")]);
    await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/lectures", "-n", namespace, "--timeout=60s"]);
    const pods = await fleets.bridgePods("lectures");
    expect(pods).toHaveLength(3);
    expect(new Set(pods.map((p) => p.spec?.nodeName)).size).toBe(3); // HostPort: one bridge per node
  });

  test("invalid fleets are refused at apply time with a message naming the field; the operator's own check refuses the same ones", async () => {
    const cases: Array<[Record<string, unknown>, string | RegExp]> = [
      [{ minReplicas: 5, maxReplicas: 3, replicas: 4 }, "spec.minReplicas must be <= spec.maxReplicas"],
      [{ minReplicas: 2, replicas: 1 }, "spec.replicas must be between spec.minReplicas and spec.maxReplicas"],
      [{ signaling: { xmppServer: "x" } }, /spec\.signaling\.authPasswordSecretRef: Required value/],
      [{ maxReplicas: 30, media: { exposure: "NodePort", nodePortRange: { start: 31900, end: 31909 } } }, "spec.media.nodePortRange is too small"],
      [{ autoscaling: { targetParticipants: 0 } }, /spec\.autoscaling\.targetParticipants: Invalid value: 0: .*greater than or equal to 1/],
      [
        { maxReplicas: 2, replicas: 2, autoscaling: { schedule: [{ days: [1], start: "08:00", end: "13:00", minReplicas: 3 }] } },
        "spec.autoscaling.schedule[].minReplicas must be <= spec.maxReplicas",
      ],
    ];
    for (const [spec, message] of cases) {
      const manifest = fleets.manifest("invalid", spec);
      const server = await kubectl(bed, ["apply", "--dry-run=server", "-f", "-"], JSON.stringify(manifest)).then(
        () => "accepted",
        (e: Error) => e.message,
      );
      expect(server).toMatch(message);
      expect(fleetSpecSchema.safeParse(manifest.spec).success).toBe(false);
    }
    // On the rules' boundaries both accept.
    const edge = fleets.manifest("invalid", {
      minReplicas: 3,
      maxReplicas: 3,
      replicas: 3,
      autoscaling: { schedule: [{ days: [1], start: "08:00", end: "13:00", minReplicas: 3 }] },
    });
    await kubectl(bed, ["apply", "--dry-run=server", "-f", "-"], JSON.stringify(edge));
    expect(fleetSpecSchema.safeParse(edge.spec).success).toBe(true);
    await expect(kubectl(bed, ["get", "meetingfleet", "invalid", "-n", namespace])).rejects.toThrow(/NotFound|not found/);
  });

  test("a fleet stored under an older, looser CRD is Stalled with an event; its bridges and meetings stay; fixed, it recovers", async () => {
    // Upgrading a CRD does not re-check the fleets already stored: one saved before a rule existed reaches
    // the operator as it is. Here the rule on spec.replicas is lifted while the fleet is set under its
    // minimum, then put back. Acting on that spec would drain both bridges.
    await fleets.ready("slipped", { replicas: 2, minReplicas: 2 });
    await placeConferences([4, 3], 120);
    await eventually("meetings on both bridges", async () => (await participantsOn("slipped-1")) === 3, 15_000);
    await operatorSees("slipped", 7);
    const before = new Map((await fleets.bridgePods("slipped")).map((p) => [p.metadata.name, p.metadata.uid]));

    type Rule = { rule: string };
    const crd = await kubectlJson<{
      metadata: { managedFields?: unknown };
      spec: { versions: Array<{ schema: { openAPIV3Schema: { properties: { spec: { "x-kubernetes-validations": Rule[] } } } } }> };
    }>(bed, ["get", "crd", "meetingfleets.meet.meetingfleet.dev"]);
    const specSchema = crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec;
    specSchema["x-kubernetes-validations"] = specSchema["x-kubernetes-validations"].filter((r) => !r.rule.startsWith("self.replicas >="));
    delete crd.metadata.managedFields;
    const underMinimum = ["patch", "meetingfleet/slipped", "-n", namespace, "--type=merge", "-p", JSON.stringify({ spec: { replicas: 0 } })];
    try {
      await kubectl(bed, ["replace", "-f", "-"], JSON.stringify(crd));
      await eventually("the looser CRD in force: replicas 0 stored", () => kubectl(bed, underMinimum).then(() => true), 15_000, 500);
    } finally {
      await installCrd(bed);
    }
    await eventually(
      "the CRD's rule back in force",
      () =>
        kubectl(bed, ["apply", "--dry-run=server", "-f", "-"], JSON.stringify(fleets.manifest("probe", { minReplicas: 2, replicas: 0 }))).then(
          () => false,
          () => true,
        ),
      15_000,
      500,
    );

    const stalled = await eventually(
      "Stalled=True",
      async () => {
        const current = await fleets.get("slipped");
        return condition(current, "Stalled")?.status === "True" ? current : undefined;
      },
      20_000,
    );
    expect(condition(stalled, "Stalled")).toMatchObject({
      reason: "InvalidSpec",
      message: "invalid spec: replicas: spec.replicas must be between spec.minReplicas and spec.maxReplicas",
    });
    expect(condition(stalled, "Ready")?.status).toBe("False");
    expect(condition(stalled, "Reconciling")).toMatchObject({ status: "False", reason: "Stalled" });
    await eventually("the Stalled metric at 1", async () => (await stalledMetric("slipped")) === "1", 5_000);
    const events = await kubectl(bed, ["get", "events.events.k8s.io", "-n", namespace, "--field-selector", "reason=InvalidSpec", "-o", "name"]);
    expect(events.trim()).not.toBe("");
    // Several resyncs later nothing was drained, deleted or cut, and the operator still runs.
    await new Promise((r) => setTimeout(r, 8_000));
    const pods = await fleets.bridgePods("slipped");
    expect(new Map(pods.map((p) => [p.metadata.name, p.metadata.uid]))).toEqual(before);
    expect(pods.filter((p) => p.metadata.annotations?.["meet.meetingfleet.dev/draining-since"])).toEqual([]);
    expect(await participantsOn("slipped-1")).toBe(3);
    expect(await operator.leading()).toBe(true);
    // What is observed is still exported while the spec is invalid, so alerts on the bridges keep working.
    await placeConferences([5], 120);
    await operatorSees("slipped", 12);
    await eventually("the participants metric follows", async () => (await fleets.metric("slipped", "meetingfleet_fleet_participants")) === "12", 5_000);

    await kubectl(bed, ["patch", "meetingfleet/slipped", "-n", namespace, "--type=merge", "-p", JSON.stringify({ spec: { replicas: 2 } })]);
    await eventually("Stalled=False again", async () => condition(await fleets.get("slipped"), "Stalled")?.status === "False", 20_000);
    await eventually("the Stalled metric at 0", async () => (await stalledMetric("slipped")) === "0", 5_000);
    await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/slipped", "-n", namespace, "--timeout=60s"]);
    expect(await fleets.interruptions("slipped")).toEqual([]);
  });

  test("a fleet whose password Secret is missing is Stalled with an event, creates nothing, and recovers when it appears", async () => {
    await apply(bed, fleets.manifest("nosecret", { signaling: { xmppServer: "x", authPasswordSecretRef: { name: "absent" } } }));
    const f = await eventually(
      "Stalled=True",
      async () => {
        const current = await fleets.get("nosecret");
        return condition(current, "Stalled")?.status === "True" ? current : undefined;
      },
      20_000,
    );
    expect(condition(f, "Stalled")).toMatchObject({ reason: "SecretNotFound" });
    expect(condition(f, "Stalled")?.message).toContain("spec.signaling.authPasswordSecretRef");
    expect(condition(f, "Ready")?.status).toBe("False");
    await eventually("the Stalled metric at 1", async () => (await stalledMetric("nosecret")) === "1", 5_000);
    expect(await fleets.bridgePods("nosecret")).toEqual([]);
    const events = await kubectl(bed, ["get", "events.events.k8s.io", "-n", namespace, "--field-selector", "reason=SecretNotFound", "-o", "name"]);
    expect(events.trim()).not.toBe("");
    await apply(bed, { apiVersion: "v1", kind: "Secret", metadata: { name: "absent", namespace }, stringData: { password: "now-here" } });
    await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/nosecret", "-n", namespace, "--timeout=60s"]);
    await eventually("the Stalled metric at 0", async () => (await stalledMetric("nosecret")) === "0", 5_000);
  });

  test("a ResourceQuota that refuses bridges: Stalled with the API's reason and an Event, creates backed off (no hot loop), recovery when room comes back", async () => {
    /** POSTs of pods the API server refused. */
    const refusedCreates = () => apiRequests((l) => /code="403"/.test(l) && /resource="pods"/.test(l) && /verb="POST"/.test(l) && /subresource=""/.test(l));
    await apply(bed, { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "bridges", namespace }, spec: { hard: { pods: "1" } } });
    try {
      await apply(bed, fleets.manifest("quota", { replicas: 3 }));
      const f = await eventually(
        "Stalled=True",
        async () => {
          const current = await fleets.get("quota");
          return condition(current, "Stalled")?.status === "True" ? current : undefined;
        },
        60_000,
      );
      expect(condition(f, "Stalled")).toMatchObject({ reason: "CreateRefused" });
      expect(condition(f, "Stalled")?.message).toMatch(/exceeded quota/);
      const events = await kubectl(bed, ["get", "events.events.k8s.io", "-n", namespace, "--field-selector", "reason=CreateRefused", "-o", "name"]);
      expect(events.trim()).not.toBe("");
      // While stuck: two refused bridges per try, tries 2, 4, 8, 16 ... s apart. A try every second would be 90 writes.
      const before = await refusedCreates();
      await new Promise((resolve) => setTimeout(resolve, 45_000));
      const writes = (await refusedCreates()) - before;
      expect(writes).toBeGreaterThan(0);
      expect(writes).toBeLessThanOrEqual(16);
      expect((await fleets.bridgePods("quota")).length).toBe(1);

      await apply(bed, { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "bridges", namespace }, spec: { hard: { pods: "20" } } });
      // The next try comes at most two minutes after the last refusal.
      await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/quota", "-n", namespace, "--timeout=180s"]);
      expect(condition(await fleets.get("quota"), "Stalled")?.status).toBe("False");
    } finally {
      await kubectl(bed, ["delete", "resourcequota", "bridges", "-n", namespace, "--ignore-not-found"]);
    }
  }, 400_000);

  test("a full node pool: pending bridges named in the conditions with the scheduler's reason, an Event per distinct set, no writes while waiting, Ready once room comes back", async () => {
    // Three kwok nodes, each with host port 10777 taken by a blocker fleet: no node can take another bridge there.
    const media = { exposure: "HostPort", port: 10777 };
    await fleets.ready("blocker", { replicas: 3, media });
    await apply(bed, fleets.manifest("crowded", { replicas: 2, media }));
    const f = await eventually(
      "Ready=False, BridgesUnschedulable",
      async () => {
        const current = await fleets.get("crowded");
        return condition(current, "Ready")?.reason === "BridgesUnschedulable" ? current : undefined;
      },
      60_000,
    );
    expect(condition(f, "Ready")?.message).toMatch(/2 bridges cannot be scheduled \(crowded-0, crowded-1\): 0\/3 nodes are available: .*free ports/);
    expect(condition(f, "Reconciling")).toMatchObject({ status: "True", reason: "BridgesUnschedulable" });
    expect(condition(f, "Stalled")?.status).toBe("False");
    // While waiting: no pod, fleet, Service or ConfigMap writes at all (events and leases aside).
    // The scheduler's own pod status and binding writes are not the operator's.
    const writes = async () => {
      const text = await kubectl(bed, ["get", "--raw", "/metrics"]);
      const counts = new Map<string, number>();
      for (const [, labels, value] of text.matchAll(/^apiserver_request_total\{([^}]*)\} (\d+)$/gm)) {
        const l = labels!;
        if (!/verb="(POST|PUT|PATCH|DELETE)"/.test(l) || !/resource="(pods|meetingfleets|services|configmaps)"/.test(l)) continue;
        if (/resource="pods"/.test(l) && /subresource="(status|binding)"/.test(l)) continue;
        counts.set(l, Number(value));
      }
      return counts;
    };
    // One Event per distinct set of waiting bridges: the scheduler may turn crowded-0 away a moment before crowded-1,
    // which is two sets. While the set stays the same, no Event is added.
    const unschedulableEvents = async () =>
      (
        await kubectlJson<{ items: { note: string }[] }>(bed, [
          "get",
          "events.events.k8s.io",
          "-n",
          namespace,
          "--field-selector",
          "reason=BridgesUnschedulable,regarding.name=crowded",
        ])
      ).items.map((e) => e.note);
    const before = await writes();
    const eventsBefore = await unschedulableEvents();
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    const made = [...(await writes())].filter(([l, n]) => n > (before.get(l) ?? 0)).map(([l, n]) => `${l}: ${n - (before.get(l) ?? 0)}`);
    expect(made).toEqual([]);
    const events = await unschedulableEvents();
    expect(events).toEqual(eventsBefore);
    expect(new Set(events).size).toBe(events.length);
    expect(events.some((note) => note.includes("(crowded-0, crowded-1)"))).toBe(true);

    // Room comes back: the blocker goes, the scheduler places the waiting bridges, the fleet is Ready.
    await kubectl(bed, ["delete", "meetingfleet", "blocker", "-n", namespace]);
    await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/crowded", "-n", namespace, "--timeout=180s"]);
    expect((await fleets.bridgePods("crowded")).map((p) => p.metadata.name).sort()).toEqual(["crowded-0", "crowded-1"]);
    await kubectl(bed, ["delete", "meetingfleet", "crowded", "-n", namespace]);
  }, 400_000);

  test("conflicting writers: a user's read-modify-write updates (labels, drain deadline) and scales race the operator's status writes; 409s retried, nothing lost on either side", async () => {
    await fleets.ready("contested", { replicas: 2 });
    let conflicts = 0;
    /** What `kubectl edit` does: read, change, write back with the resourceVersion read; on 409, again. */
    const edit = async (change: (f: FleetObject & { metadata: { labels?: Record<string, string> }; spec: Record<string, unknown> }) => void) => {
      for (;;) {
        const current = await kubectlJson<FleetObject & { metadata: { labels?: Record<string, string> }; spec: Record<string, unknown> }>(bed, [
          "get",
          "meetingfleet/contested",
          "-n",
          namespace,
        ]);
        change(current);
        try {
          await kubectl(bed, ["replace", "-f", "-"], JSON.stringify(current));
          return;
        } catch (error) {
          if (!(error instanceof KubectlError) || !/modified|Conflict/i.test(error.stderr)) throw error;
          conflicts++;
        }
      }
    };
    const edits = async () => {
      for (let i = 0; i < 12; i++)
        await edit((f) => {
          f.metadata.labels = { ...f.metadata.labels, [`edit-${i}`]: "done" };
          f.spec.drainDeadline = `${10 + i}m`;
        });
    };
    const scales = async () => {
      for (const replicas of [4, 2, 5, 3, 4, 3]) {
        await kubectl(bed, ["scale", "meetingfleet/contested", "-n", namespace, `--replicas=${replicas}`]);
        await new Promise((resolve) => setTimeout(resolve, 400)); // bridges created and removed meanwhile: status writes
      }
    };
    await Promise.all([edits(), scales()]);
    console.log(`conflicting writers: ${conflicts} conflicts (409) retried by the user's edits`);

    await kubectl(bed, ["wait", "--for=jsonpath={.status.readyReplicas}=3", "meetingfleet/contested", "-n", namespace, "--timeout=120s"]);
    const f = await eventually(
      "status for the latest generation",
      async () => {
        const current = await kubectlJson<FleetObject & { metadata: { labels?: Record<string, string>; generation?: number }; spec: Record<string, unknown> }>(
          bed,
          ["get", "meetingfleet/contested", "-n", namespace],
        );
        return current.status?.observedGeneration === current.metadata.generation && condition(current, "Ready")?.status === "True" ? current : undefined;
      },
      60_000,
    );
    for (let i = 0; i < 12; i++) expect(f.metadata.labels?.[`edit-${i}`]).toBe("done");
    expect(f.spec).toMatchObject({ replicas: 3, drainDeadline: "21m" });
    const live = (await fleets.bridgePods("contested")).filter(
      (p) => !p.metadata.deletionTimestamp && !p.metadata.annotations?.["meet.meetingfleet.dev/draining-since"],
    );
    expect(new Set(live.map((p) => p.metadata.name)).size).toBe(3);
    await kubectl(bed, ["delete", "meetingfleet", "contested", "-n", namespace]);
  }, 300_000);

  test("a bridge pod deleted by hand is replaced, and its Service is not leaked", async () => {
    await fleets.ready("heal", { replicas: 2 });
    const lost = (await fleets.bridgePods("heal")).find((p) => p.metadata.name === "heal-1");
    await kubectl(bed, ["delete", "pod", "heal-1", "-n", namespace, "--wait=true"]);
    const replaced = await eventually(
      "a replacement Running",
      async () => {
        const pods = await fleets.liveBridgePods("heal");
        return pods.length === 2 && pods.every((p) => p.status?.phase === "Running" && p.metadata.uid !== lost?.metadata.uid) ? pods : undefined;
      },
      30_000,
    );
    await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/heal", "-n", namespace, "--timeout=60s"]);
    const services = await eventually(
      "one Service per bridge, none left over",
      async () => {
        const names = (await kubectl(bed, ["get", "services", "-n", namespace, "-l", "meet.meetingfleet.dev/fleet=heal", "-o", "name"]))
          .trim()
          .split("\n")
          .sort();
        return names.length === 2 ? names : undefined;
      },
      30_000,
    );
    expect(services).toEqual(replaced.map((p) => `service/${p.metadata.name}`).sort());
  });

  test("a bridge whose process exits (shut down behind the operator's back) is replaced", async () => {
    await fleets.ready("exits", { replicas: 2 });
    const victim = (await fleets.bridgePods("exits")).find((p) => p.metadata.name === "exits-0")!;
    const res = await fetch(`http://${victim.status?.podIP}:8080/colibri/shutdown`, { method: "POST", body: JSON.stringify({ "graceful-shutdown": true }) });
    expect(res.status).toBe(200);
    await eventually(
      "exits-0 replaced by a running bridge",
      async () => {
        const pods = await fleets.liveBridgePods("exits");
        return pods.length === 2 && pods.every((p) => p.status?.phase === "Running" && p.metadata.uid !== victim.metadata.uid);
      },
      30_000,
    );
    await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/exits", "-n", namespace, "--timeout=60s"]);
    const events = await kubectl(bed, ["get", "events.events.k8s.io", "-n", namespace, "--field-selector", "reason=BridgeExited", "-o", "name"]);
    expect(events.trim()).not.toBe("");
  });

  test("a bridge lost with its node is replaced on another node", async () => {
    // Two fake nodes only this fleet may use, each with its own loopback address like the others.
    const [model] = (await kubectlJson<{ items: Array<{ status: { addresses: Array<{ type: string; address: string }> } }> }>(bed, ["get", "nodes"])).items;
    const prefix = (model?.status.addresses.find((a) => a.type === "InternalIP")?.address ?? "").replace(/\.\d+$/, ".");
    const pool = `pool-${namespace}`;
    const nodes = ["a", "b"].map((suffix, i) => ({
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: `${pool}-${suffix}`,
        annotations: { "kwok.x-k8s.io/node": "fake", "testbed.meetingfleet.dev/node-ip": `${prefix}${100 + i}` },
        labels: { "meetingfleet.dev/e2e-pool": pool, "kubernetes.io/hostname": `${pool}-${suffix}`, "topology.kubernetes.io/zone": `eu-south-${suffix}` },
      },
    }));
    for (const node of nodes) await apply(bed, node);
    try {
      await fleets.ready("nodeloss", { replicas: 1, template: { nodeSelector: { "meetingfleet.dev/e2e-pool": pool } } });
      const [first] = await fleets.bridgePods("nodeloss");
      const lostNode = first?.spec?.nodeName ?? "";
      expect(lostNode.startsWith(pool)).toBe(true);
      await kubectl(bed, ["delete", "node", lostNode]);
      // The controller manager's pod garbage collector removes pods of a vanished node (after ~40 s).
      const replacement = await eventually(
        "a replacement bridge Running on the other node",
        async () => {
          const pods = (await fleets.bridgePods("nodeloss")).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase === "Running");
          return pods.length === 1 && pods[0]?.spec?.nodeName !== lostNode ? pods[0] : undefined;
        },
        120_000,
        1_000,
      );
      expect(replacement.metadata.uid).not.toBe(first?.metadata.uid);
      await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/nodeloss", "-n", namespace, "--timeout=60s"]);
    } finally {
      await kubectl(bed, ["delete", "nodes", "-l", `meetingfleet.dev/e2e-pool=${pool}`, "--ignore-not-found"]);
    }
  }, 200_000);

  test("SIGKILL in the middle of a drain and of a scale-up: the next operator finishes both, no duplicate or orphan", async () => {
    await fleets.ready("crash", { replicas: 3 });
    await placeConferences([6, 4, 2], 12);
    await eventually("meetings on crash-2", async () => (await participantsOn("crash-2")) === 2, 15_000);
    await operatorSees("crash", 12);
    await kubectl(bed, ["scale", "meetingfleet/crash", "-n", namespace, "--replicas=2"]);
    await eventually(
      "crash-2 draining",
      async () =>
        !!(await fleets.bridgePods("crash")).find((p) => p.metadata.name === "crash-2")?.metadata.annotations?.["meet.meetingfleet.dev/draining-since"],
      15_000,
    );
    await operator.kill();
    await new Promise((r) => setTimeout(r, 14_000)); // the meetings end while no operator runs
    expect((await fleets.bridgePods("crash")).map((p) => p.metadata.name)).toContain("crash-2");
    operator = await startOperator(bed, "operator", [namespace]);
    await eventually(
      "crash-2 removed by the new operator",
      async () =>
        (await fleets.bridgePods("crash"))
          .map((p) => p.metadata.name)
          .sort()
          .join() === "crash-0,crash-1",
      30_000,
    );
    expect(await fleets.interruptions("crash")).toEqual([]);

    await kubectl(bed, ["scale", "meetingfleet/crash", "-n", namespace, "--replicas=6"]);
    await eventually("a scale-up under way", async () => (await fleets.bridgePods("crash")).length > 2, 15_000);
    await operator.kill();
    operator = await startOperator(bed, "operator", [namespace]);
    await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/crash", "-n", namespace, "--timeout=60s"]);
    const names = (await fleets.bridgePods("crash")).map((p) => p.metadata.name).sort();
    expect(names).toEqual(["crash-0", "crash-1", "crash-2", "crash-3", "crash-4", "crash-5"]);
    const services = (await kubectl(bed, ["get", "services", "-n", namespace, "-l", "meet.meetingfleet.dev/fleet=crash", "-o", "name"])).trim().split("\n");
    expect(services).toHaveLength(6);
  });

  test("two replicas: one leads, the other stands by and takes over when the leader dies", async () => {
    await eventually("the first replica leading", () => operator.leading(), 15_000);
    const standby = await startOperator(bed, "standby", [namespace]);
    try {
      await new Promise((r) => setTimeout(r, 2_000));
      expect(await standby.leading()).toBe(false);
      expect(await operator.leading()).toBe(true);
      await operator.kill();
      operator = standby;
    } catch (error) {
      await standby.stop();
      throw error;
    }
    await eventually("the standby leading", () => operator.leading(), 15_000);
    await fleets.ready("failover", { replicas: 2 });
  });

  test("a template change rolls the bridges: new ones first, old ones drained one at a time, no meeting cut", async () => {
    await fleets.ready("roll", { replicas: 2, template: { image: "jitsi/jvb:stable-1" } });
    await placeConferences([4, 3], 15);
    await eventually("meetings on both bridges", async () => (await participantsOn("roll-1")) === 3, 15_000);
    await operatorSees("roll", 7);
    await kubectl(bed, [
      "patch",
      "meetingfleet/roll",
      "-n",
      namespace,
      "--type=merge",
      "-p",
      JSON.stringify({ spec: { template: { image: "jitsi/jvb:stable-2" } } }),
    ]);
    let mostDraining = 0;
    let mostPods = 0;
    await eventually(
      "both bridges on the new version",
      async () => {
        const pods = await fleets.bridgePods("roll");
        mostDraining = Math.max(mostDraining, pods.filter((p) => p.metadata.annotations?.["meet.meetingfleet.dev/draining-since"]).length);
        mostPods = Math.max(mostPods, pods.length);
        const live = pods.filter((p) => !p.metadata.deletionTimestamp);
        return live.length === 2 && live.every((p) => p.spec?.containers[0]?.image === "jitsi/jvb:stable-2") ? live : undefined;
      },
      120_000,
      500,
    );
    expect(mostDraining).toBe(1);
    expect(mostPods).toBeLessThanOrEqual(3);
    await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/roll", "-n", namespace, "--timeout=60s"]);
    expect(await fleets.interruptions("roll")).toEqual([]);
  });
});
