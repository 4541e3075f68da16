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

describe("act", () => {
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
});
