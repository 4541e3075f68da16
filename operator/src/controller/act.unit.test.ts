import { fleetSpecSchema } from "../api/meetingfleet.ts";
import { emptyPlan } from "../fleet/plan.ts";
import { ApiError, type KubeClient } from "../kube/client.ts";
import type { Pod } from "../kube/types.ts";
import { act } from "./act.ts";

const spec = fleetSpecSchema.parse({
  signaling: { xmppServer: "prosody.jitsi", authPasswordSecretRef: { name: "jvb-xmpp" } },
  media: { exposure: "NodePort", nodePortRange: { start: 30000, end: 30009 } },
});
const fleet = { name: "f", namespace: "ns", uid: "u", spec };
const regarding = { apiVersion: "meet.meetingfleet.dev/v1alpha1", kind: "MeetingFleet", name: "f", namespace: "ns", uid: "u" };
const pod = { metadata: { name: "f-0", uid: "p0", namespace: "ns", annotations: { "meet.meetingfleet.dev/ordinal": "0" } } } as Pod;

/** An API that already holds the bridge's Service: a second create is refused as the API server does. */
function apiWithService(existing: boolean): { kube: KubeClient; creates: string[] } {
  const creates: string[] = [];
  const refuse = () =>
    new ApiError("POST", "/api/v1/namespaces/ns/services", 422, JSON.stringify({ reason: "Invalid", message: "provided port is already allocated" }));
  const kube = {
    server: "test",
    source: () => {
      throw new Error("not used");
    },
    get: async (path: string) => (existing && path.endsWith("/services/f-0") ? { metadata: { name: "f-0" } } : undefined),
    create: async (collection: string) => {
      creates.push(collection);
      throw refuse();
    },
    replace: async () => ({}),
    patch: async () => ({}),
    delete: async () => undefined,
  } as unknown as KubeClient;
  return { kube, creates };
}

const deps = (kube: KubeClient) => ({
  kube,
  jvb: { figures: async () => ({}) as never, setDrain: async () => undefined, shutdown: async () => undefined },
  events: { record: () => undefined },
  fieldManager: "test",
  now: () => 0,
  nodeAddresses: async () => [],
  log: { info: () => undefined, warn: () => undefined },
});

/** An API whose pod f-0 is now `current` (what a PATCH answers), and a JVB client that records its calls. */
function bridgeCalls(current: Pod) {
  const calls: string[] = [];
  const kube = {
    server: "test",
    patch: async () => current,
    get: async () => current,
    create: async () => ({}),
    delete: async () => undefined,
  } as unknown as KubeClient;
  const jvb = {
    figures: async () => ({}) as never,
    setDrain: async (ip: string, on: boolean) => void calls.push(`drain ${on} ${ip}`),
    shutdown: async (ip: string) => void calls.push(`shutdown ${ip}`),
  };
  return { deps: { ...deps(kube), jvb }, calls };
}

describe("act", () => {
  const running = (uid: string, ip: string, deleting = false) =>
    ({
      metadata: { name: "f-0", uid, namespace: "ns", ...(deleting ? { deletionTimestamp: "2026-12-05T00:00:00Z" } : {}) },
      status: { phase: "Running", podIP: ip },
    }) as Pod;
  const cached = new Map([["f-0", running("p0", "127.1.0.5")]]);
  const plan = { ...emptyPlan(), drain: [{ name: "f-0", reason: "ScaleDown" as const }], shutdown: [{ name: "f-0", reason: "DrainDeadlinePassed" as const }] };
  const noRepairs = { missingServices: [], unadvertised: [], missingBudget: false };

  test("drain and shutdown go to the bridge's address while its pod is still the one there", async () => {
    const { deps: d, calls } = bridgeCalls(running("p0", "127.1.0.5"));
    await act(d, fleet, regarding, plan, cached, noRepairs);
    expect(calls.sort()).toEqual(["drain true 127.1.0.5", "shutdown 127.1.0.5"]);
  });

  test("no drain or shutdown reaches a pod that took over the address, or a bridge being deleted", async () => {
    for (const now of [running("another-pod", "127.1.0.5"), running("p0", "127.1.0.9"), running("p0", "127.1.0.5", true)]) {
      const { deps: d, calls } = bridgeCalls(now);
      await act(d, fleet, regarding, plan, cached, noRepairs);
      expect(calls).toEqual([]);
    }
  });

  test("a bridge's Service the cache has not seen yet is no refusal: the node port is taken by that very Service", async () => {
    const { kube, creates } = apiWithService(true);
    const result = await act(deps(kube), fleet, regarding, emptyPlan(), new Map(), { missingServices: [pod], unadvertised: [], missingBudget: false });
    expect(creates).toEqual(["/api/v1/namespaces/ns/services"]);
    expect(result).toEqual({ refused: [], errors: [] });
  });

  test("a node port another Service holds is a refusal, named", async () => {
    const { kube } = apiWithService(false);
    const result = await act(deps(kube), fleet, regarding, emptyPlan(), new Map(), { missingServices: [pod], unadvertised: [], missingBudget: false });
    expect(result.refused).toEqual([expect.stringMatching(/^create service f-0: .*already allocated/)]);
  });

  test("a delete holds for the pod version it was decided on: one that changed since is left, without an error or an Event", async () => {
    const seen = { ...running("p0", "127.1.0.5"), metadata: { ...running("p0", "127.1.0.5").metadata, resourceVersion: "41" } };
    const deletes: Array<{ path: string; options: unknown }> = [];
    const events: string[] = [];
    const changedSince = (path: string, options: unknown) => {
      deletes.push({ path, options });
      return Promise.reject(new ApiError("DELETE", path, 409, JSON.stringify({ reason: "Conflict", message: "Precondition failed: ResourceVersion" })));
    };
    const kube = { server: "test", delete: changedSince } as unknown as KubeClient;
    const d = { ...deps(kube), events: { record: (_r: unknown, _t: unknown, reason: string) => void events.push(reason) } };
    const result = await act(
      d,
      fleet,
      regarding,
      { ...emptyPlan(), delete: [{ name: "f-0", reason: "NotReadyScaleDown" }] },
      new Map([["f-0", seen]]),
      noRepairs,
    );
    expect(deletes).toEqual([{ path: "/api/v1/namespaces/ns/pods/f-0", options: { uid: "p0", resourceVersion: "41" } }]);
    expect(result).toEqual({ refused: [], errors: [] });
    expect(events).toEqual([]);
  });
});
