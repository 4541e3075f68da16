import { fleetSpecSchema } from "../api/meetingfleet.ts";
import { observedBridge } from "../fleet/fixtures.ts";
import { ApiError, type KubeClient } from "../kube/client.ts";
import { FleetAutoscalers } from "./autoscalers.ts";

// The store behind the small KubeClient interface, in memory: these tests are about what the
// autoscalers do when storage works, is missing or fails, not about the API server.
function configMapStore(fail: { get?: number; write?: number } = {}) {
  const objects = new Map<string, { data?: Record<string, string>; metadata?: object }>();
  const calls: string[] = [];
  const error = (method: string, path: string, code: number) =>
    new ApiError(method, path, code, JSON.stringify({ reason: "Test", message: `refused with ${code}` }));
  const kube = {
    server: "memory",
    source: () => {
      throw new Error("not used");
    },
    get: async (path: string) => {
      calls.push(`get ${path}`);
      if (fail.get) throw error("GET", path, fail.get);
      return objects.get(path);
    },
    create: async (collection: string, body: { metadata: { name: string } }) => {
      calls.push(`create ${collection}`);
      if (fail.write) throw error("POST", collection, fail.write);
      objects.set(`${collection}/${body.metadata.name}`, body);
      return body;
    },
    patch: async (path: string, body: { data: Record<string, string> }) => {
      calls.push(`patch ${path}`);
      if (fail.write) throw error("PATCH", path, fail.write);
      objects.set(path, { ...objects.get(path), ...body });
      return body;
    },
    replace: async () => {
      throw new Error("not used");
    },
    delete: async () => undefined,
  } as unknown as KubeClient;
  return { kube, objects, calls };
}

const spec = fleetSpecSchema.parse({
  minReplicas: 1,
  maxReplicas: 10,
  signaling: { xmppServer: "prosody.jitsi", authPasswordSecretRef: { name: "jvb-xmpp" } },
  autoscaling: { timeZone: "Europe/Rome" },
});
const fleet = { namespace: "meet", name: "lectures", uid: "uid-1" };
const path = "/api/v1/namespaces/meet/configmaps/lectures-autoscaler-memory";
const mondayNine = Date.UTC(2026, 10, 23, 8, 0);
const warnings = () => {
  const seen: string[] = [];
  return { seen, log: { warn: (_: object, msg: string) => void seen.push(msg) } };
};

describe("FleetAutoscalers", () => {
  test("stores the memory with the fleet, at most once per interval, and a new process warms up from it", async () => {
    const store = configMapStore();
    const { log } = warnings();
    const first = new FleetAutoscalers(store.kube, log, "test", 60_000);
    for (let t = 0; t < 5 * 60_000; t += 5_000) await first.decide(fleet, spec, [], mondayNine + t);
    const writes = store.calls.filter((c) => !c.startsWith("get"));
    expect(writes).toEqual(["create /api/v1/namespaces/meet/configmaps", ...Array(4).fill(`patch ${path}`)]);
    const stored = store.objects.get(path) as { metadata: { ownerReferences: Array<{ uid: string }> }; data: Record<string, string> };
    expect(stored.metadata.ownerReferences[0]?.uid).toBe("uid-1");

    // Make the stored Monday need 4 bridges at 9:04, as a busy Monday would have recorded.
    const snapshot = JSON.parse(stored.data["memory.json"]!);
    snapshot.slots["weekday:544"] = [4, Math.floor((mondayNine + 4 * 60_000) / 60_000)];
    stored.data["memory.json"] = JSON.stringify(snapshot);
    const restarted = new FleetAutoscalers(store.kube, log, "test", 60_000);
    expect(await restarted.decide(fleet, spec, [], mondayNine + 24 * 3_600_000)).toMatchObject({ desired: 4, reason: "History" });
  });

  test("a new leader takes over what the old one learnt: it holds the fleet it finds for a window, and keeps the room for large conferences", async () => {
    const store = configMapStore();
    const { log } = warnings();
    const minute = 60_000;
    // Three bridges at 0.55 with a class of 30 each; one went past the threshold in the first minute.
    const figures = (hot: boolean) =>
      [0, 1, 2].map((ordinal) =>
        observedBridge(ordinal, {}, { participants: hot && ordinal === 0 ? 85 : 55, stress: hot && ordinal === 0 ? 0.85 : 0.55, largestConference: 30 }),
      );
    const old = new FleetAutoscalers(store.kube, log, "test", minute);
    for (let t = 0; t <= 6 * minute; t += 5_000) await old.decide(fleet, spec, figures(t >= minute && t < 2 * minute), mondayNine + t);
    expect(Object.keys((store.objects.get(path) as { data: object }).data).sort()).toEqual(["memory.json", "recent.json"]);

    // The old leader left six running (a burst it answered); the new one decides from calm figures.
    const successor = new FleetAutoscalers(store.kube, log, "test", minute);
    const forgetful = new FleetAutoscalers(configMapStore().kube, log, "test", minute);
    const running = [...figures(false), ...[3, 4, 5].map((o) => observedBridge(o, {}, { participants: 0, stress: 0 }))];
    const takeOver = mondayNine + 6 * minute + 5_000;
    expect(await successor.decide(fleet, spec, running, takeOver)).toMatchObject({ desired: 6, reason: "Stabilized" });
    await forgetful.decide(fleet, spec, running, takeOver);
    // After the window: 1.65 of load at 0.8 - 0.3 (the class of 30) plus a bridge of headroom is 5; at 0.6, 4.
    const after = takeOver + 10 * minute + 5_000;
    expect(await successor.decide(fleet, spec, figures(false), after)).toMatchObject({ desired: 5 });
    expect(await forgetful.decide(fleet, spec, figures(false), after)).toMatchObject({ desired: 4 });
    // A damaged part costs only what it held: with recent.json cut short, the held fleet and the memory remain.
    const data = (store.objects.get(path) as { data: Record<string, string> }).data;
    data["recent.json"] = data["recent.json"]!.slice(0, 10);
    const { seen, log: watched } = warnings();
    const damaged = new FleetAutoscalers(store.kube, watched, "test", minute);
    expect(await damaged.decide(fleet, spec, running, takeOver)).toMatchObject({ desired: 6, reason: "Stabilized" });
    expect(await damaged.decide(fleet, spec, figures(false), after)).toMatchObject({ desired: 4 });
    expect(seen).toEqual(["Ignoring a damaged part of the autoscaler's memory"]);
    expect(await damaged.decide(fleet, spec, [], mondayNine + 24 * 3_600_000 - 2 * minute)).toMatchObject({ reason: "History" });
    // A changed spec keeps what the policy learnt too.
    const wider = { ...spec, maxReplicas: 12 };
    expect(await successor.decide(fleet, wider, figures(false), after + 11 * minute)).toMatchObject({ desired: 5 });
  });

  test("when the memory cannot be read or written, decisions go on and the failure is logged, not retried on every pass", async () => {
    const store = configMapStore({ get: 500, write: 403 });
    const { seen, log } = warnings();
    const autoscalers = new FleetAutoscalers(store.kube, log, "test", 60_000);
    for (let t = 0; t < 3 * 60_000; t += 5_000) expect(await autoscalers.decide(fleet, spec, [], mondayNine + t)).toMatchObject({ desired: 1 });
    expect(seen.filter((m) => m.includes("read"))).toHaveLength(1);
    expect(seen.filter((m) => m.includes("store"))).toHaveLength(3);
  });

  test("the spec's targets reach the policy: a participants target on top of the stress target", async () => {
    const { log } = warnings();
    const bridges = [0, 1].map((ordinal) => observedBridge(ordinal, {}, { participants: 100, conferences: 10, stress: 0.3, readAt: mondayNine }));
    const withTarget = { ...spec, autoscaling: { ...spec.autoscaling!, targetParticipants: 50 } };
    // 200 people: 4 bridges at 50 each plus the default bridge of headroom; the stress alone needs 2.
    expect(await new FleetAutoscalers(configMapStore().kube, log, "test").decide(fleet, spec, bridges, mondayNine)).toMatchObject({
      desired: 2,
      reason: "Capacity",
    });
    expect(await new FleetAutoscalers(configMapStore().kube, log, "test").decide(fleet, withTarget, bridges, mondayNine)).toMatchObject({
      desired: 5,
      reason: "Participants",
      message: "200 participants (at most 50 a bridge), stress 0.60, 0 bridges past 0.8: 5 bridges",
    });
  });

  test("an unknown time zone stalls the fleet instead of deciding", async () => {
    const { log } = warnings();
    const bad = { ...spec, autoscaling: { ...spec.autoscaling!, timeZone: "Mars/Olympus" } };
    expect(await new FleetAutoscalers(configMapStore().kube, log, "test").decide(fleet, bad, [], mondayNine)).toEqual({
      stalled: { reason: "InvalidTimeZone", message: 'spec.autoscaling.timeZone: unknown time zone "Mars/Olympus"' },
    });
  });
});
