// Carries out a plan: the only place where decisions turn into API calls and bridge calls. Every step
// is idempotent, so a pass cut short (crash, lost leadership, API error) is finished by the next one:
// creates of deterministic names answer AlreadyExists, deletes of gone pods answer NotFound, and the
// drain record is written to the pod before the bridge is told, so a restarted operator knows.

import type { JvbClient } from "../bridges/jvb-client.ts";
import { annotations, bridgePod, bridgeService, type FleetRef } from "../fleet/bridge-pod.ts";
import { bridgesInUseBudget, protectionPatch } from "../fleet/disruption.ts";
import { advertisedAddress, mediaConfigMap, type NodeAddress } from "../fleet/media-config.ts";
import type { Decision, Plan } from "../fleet/plan.ts";
import { ApiError, type KubeClient, resourcePath } from "../kube/client.ts";
import type { Pod } from "../kube/types.ts";
import type { EventRecorder, Regarding } from "./events.ts";

export interface ActDeps {
  kube: KubeClient;
  jvb: JvbClient;
  events: EventRecorder;
  fieldManager: string;
  now: () => number;
  /** The addresses of a node, undefined when it does not exist. */
  nodeAddresses(node: string): Promise<readonly NodeAddress[] | undefined>;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export interface ActResult {
  /** Creates the API refused for a reason retrying will not fix (forbidden, invalid): the fleet is stalled. */
  refused: string[];
  /** Failures worth retrying. */
  errors: string[];
}

const podsPath = (namespace: string, name?: string) => resourcePath({ version: "v1", plural: "pods", namespace, ...(name ? { name } : {}) });
const servicesPath = (namespace: string) => resourcePath({ version: "v1", plural: "services", namespace });
const configMapsPath = (namespace: string) => resourcePath({ version: "v1", plural: "configmaps", namespace });
const budgetsPath = (namespace: string) => resourcePath({ group: "policy", version: "v1", plural: "poddisruptionbudgets", namespace });

export interface Repairs {
  /** Bridges of a NodePort fleet without their Service (created before a crash, or deleted by hand). */
  missingServices: readonly Pod[];
  /** Bridges scheduled to a node whose public address is not yet in their media ConfigMap. */
  unadvertised: readonly Pod[];
  /** The fleet has no PodDisruptionBudget for its bridges in use (new fleet, or deleted by hand). */
  missingBudget: boolean;
}

export async function act(
  deps: ActDeps,
  fleet: FleetRef,
  regarding: Regarding,
  plan: Plan,
  pods: ReadonlyMap<string, Pod>,
  repairs: Repairs,
): Promise<ActResult> {
  const result: ActResult = { refused: [], errors: [] };
  const { kube, jvb, events, fieldManager } = deps;
  const fail = (what: string, error: unknown) => {
    const refused = error instanceof ApiError && [400, 403, 422].includes(error.code);
    (refused ? result.refused : result.errors).push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  };
  const annotate = (name: string, values: Record<string, string | null>) =>
    kube.patch<Pod>(podsPath(fleet.namespace, name), { metadata: { annotations: values } }, fieldManager);
  /**
   * The bridge is told after the record is written; if the call fails, the next pass repairs it. JVB's REST API
   * names no identity of its own, so the address is checked against the API's pod as it is now (the record's
   * write answers with it): the same pod (uid) at the same IP, not being deleted. A cache that missed a deletion,
   * and another pod that took the freed IP, then get no drain or shutdown meant for the old bridge.
   */
  const tellBridge = async (name: string, now: Pod | undefined, call: (ip: string) => Promise<void>) => {
    const cached = pods.get(name);
    const ip = cached?.status?.podIP;
    if (!ip) return;
    if (!now || now.metadata.uid !== cached.metadata.uid || now.status?.podIP !== ip || now.metadata.deletionTimestamp) {
      deps.log.warn({ bridge: name, ip }, "Not calling the bridge: its pod is no longer the one at this address");
      return;
    }
    try {
      await call(ip);
    } catch (error) {
      deps.log.warn({ bridge: name, err: String(error) }, "Bridge call failed; will retry");
    }
  };

  /**
   * A bridge's Service. One that exists already (made by an earlier pass; the cache had not seen it yet) is fine:
   * a repeated create with the same node port is refused with 422 "provided port is already allocated" before
   * its name is checked, so a refusal is checked against what is there.
   */
  const createService = async (service: { metadata: { name: string } }) => {
    try {
      await kube.create(servicesPath(fleet.namespace), service, fieldManager);
    } catch (error) {
      const exists = async () =>
        (await kube.get(resourcePath({ version: "v1", plural: "services", namespace: fleet.namespace, name: service.metadata.name }))) !== undefined;
      if (error instanceof ApiError && (error.code === 409 || error.code === 422) && (await exists())) return;
      throw error;
    }
  };

  const created: string[] = [];
  await Promise.all(
    plan.create.map(async ({ ordinal, reason }) => {
      const manifest = bridgePod(fleet, ordinal);
      try {
        const pod = await kube.create<Pod>(podsPath(fleet.namespace), manifest, fieldManager);
        created.push(pod.metadata.name);
        const service = bridgeService(fleet, ordinal, { name: pod.metadata.name, uid: pod.metadata.uid });
        if (service) await createService(service);
      } catch (error) {
        if (error instanceof ApiError && error.code === 409) return; // created by an earlier pass
        fail(`create ${manifest.metadata.name} (${reason})`, error);
      }
    }),
  );
  if (created.length > 0) {
    events.record(regarding, "Normal", plan.create[0]?.reason ?? "ScaleUp", "CreateBridges", `Created bridges ${created.sort().join(", ")}`);
  }

  // Services of bridges created before a crash (or deleted by hand) are put back.
  await Promise.all(
    repairs.missingServices.map(async (pod) => {
      const ordinal = Number(pod.metadata.annotations?.[annotations.ordinal]);
      const service = bridgeService(fleet, ordinal, { name: pod.metadata.name, uid: pod.metadata.uid });
      if (service) await createService(service).catch((error: unknown) => fail(`create service ${pod.metadata.name}`, error));
    }),
  );

  if (repairs.missingBudget) {
    await kube.create(budgetsPath(fleet.namespace), bridgesInUseBudget(fleet), fieldManager).catch((error: unknown) => {
      if (!(error instanceof ApiError && error.code === 409)) fail("create the bridges' PodDisruptionBudget", error);
    });
  }

  // A bridge's container starts once its media ConfigMap exists; the pod's annotation records it was written.
  await Promise.all(
    repairs.unadvertised.map(async (pod) => {
      const node = pod.spec?.nodeName ?? "";
      try {
        const address = advertisedAddress((await deps.nodeAddresses(node)) ?? []);
        if (!address) {
          result.errors.push(`bridge ${pod.metadata.name}: node ${node} has no ExternalIP or InternalIP yet`);
          return;
        }
        const ordinal = Number(pod.metadata.annotations?.[annotations.ordinal]);
        const configMap = mediaConfigMap(fleet, ordinal, { name: pod.metadata.name, uid: pod.metadata.uid }, address);
        await kube.create(configMapsPath(fleet.namespace), configMap, fieldManager).catch((error: unknown) => {
          if (!(error instanceof ApiError && error.code === 409)) throw error; // written by an earlier pass
        });
        await annotate(pod.metadata.name, { [annotations.advertisedAddress]: address });
      } catch (error) {
        if (error instanceof ApiError && error.code === 404) return; // the pod is already gone
        fail(`advertise ${pod.metadata.name}`, error);
      }
    }),
  );

  const step = async <D extends Decision>(
    decisions: D[],
    what: string,
    run: (d: D) => Promise<void>,
    event?: (d: D) => [type: "Normal" | "Warning", note: string],
  ) => {
    await Promise.all(
      decisions.map(async (d) => {
        try {
          await run(d);
          if (event) {
            const [type, note] = event(d);
            events.record(regarding, type, d.reason, what, note);
          }
        } catch (error) {
          if (error instanceof ApiError && error.code === 404) return; // the pod is already gone
          if (error instanceof ApiError && error.code === 409) {
            // A write conditioned on the pod as decided (a delete's preconditions) found it changed: its watch event
            // brings the next pass, which decides again.
            deps.log.info({ bridge: d.name, reason: d.reason }, `${what}: not done, the pod changed since the decision`);
            return;
          }
          fail(`${what} ${d.name} (${d.reason})`, error);
        }
      }),
    );
  };
  const nowIso = new Date(deps.now()).toISOString();

  // Undrained before any drain of the same pass: a bridge trading places with an empty one is back in
  // service before the empty one leaves it, so Jicofo never has fewer bridges to choose from meanwhile.
  await step(
    plan.undrain,
    "UndrainBridge",
    async (d) => {
      const now = await annotate(d.name, { [annotations.drainingSince]: null });
      await tellBridge(d.name, now, (ip) => jvb.setDrain(ip, false));
    },
    (d) => [
      "Normal",
      d.reason === "KeepsItsMeetings"
        ? `Undrained bridge ${d.name}: it still hosts meetings, so an empty bridge drains in its place (${d.reason})`
        : `Undrained bridge ${d.name}: load came back, it takes new conferences again (${d.reason})`,
    ],
  );

  await step(
    plan.drain,
    "DrainBridge",
    async (d) => {
      const now = await annotate(d.name, { [annotations.drainingSince]: nowIso });
      await tellBridge(d.name, now, (ip) => jvb.setDrain(ip, true));
    },
    (d) => ["Normal", `Draining bridge ${d.name}: no new conferences; it is removed when its meetings end (${d.reason})`],
  );

  await step(
    plan.shutdown,
    "ShutdownBridge",
    async (d) => {
      const now = await annotate(d.name, { [annotations.shutdownRequestedAt]: nowIso });
      // Not graceful: straight to SHUTTING_DOWN, in which Jicofo moves the remaining participants away.
      await tellBridge(d.name, now, (ip) => jvb.shutdown(ip, false));
    },
    (d) => ["Warning", `Bridge ${d.name} still had participants at its drain deadline; shutting it down so Jicofo moves them`],
  );

  // A delete was decided on the pod as the cache had it (not running yet, empty after its drain, exited), so it
  // holds for that version of the pod only: one that changed since (started, undrained, given meetings) is left
  // for the next pass, which its watch event brings.
  await step(
    plan.delete,
    "DeleteBridge",
    async (d) => {
      const seen = pods.get(d.name)?.metadata;
      await kube.delete(podsPath(fleet.namespace, d.name), { uid: seen?.uid, resourceVersion: seen?.resourceVersion });
    },
    (d) => [d.reason === "ShutdownGraceElapsed" ? "Warning" : "Normal", `Deleted bridge ${d.name} (${d.reason})`],
  );

  // Not an Event each: bridges go in and out of use all day.
  await step(plan.protect, "ProtectBridge", async (d) => {
    await kube.patch(podsPath(fleet.namespace, d.name), protectionPatch(d.protect), fieldManager);
  });

  await step(plan.resyncDrain, "RepairDrain", async (d) => {
    await tellBridge(d.name, await kube.get<Pod>(podsPath(fleet.namespace, d.name)), (ip) => jvb.setDrain(ip, d.drain));
  });

  return result;
}
