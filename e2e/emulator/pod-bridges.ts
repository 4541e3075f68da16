// Runs an emulated bridge for every bridge pod the fake kubelets run: when a pod is Running with an
// IP, a JVB REST server starts on <podIP>:<port> (pod IPs are loopback addresses on this machine);
// when the pod is deleted or stops running, the bridge dies with it. When a bridge's own shutdown
// state machine exits, this plays the kubelet: under restartPolicy Always the container restarts
// (a fresh, empty bridge, restartCount + 1), otherwise the pod is marked Succeeded.

import type { Pod } from "../../operator/src/kube/types.ts";
import { exitedStatus, restartsInPlace } from "../kubelet/pod-status.ts";
import { type BridgeConfig, EmulatedBridge } from "./bridge.ts";
import type { Clock } from "./clock.ts";
import type { BridgeDirectory } from "./driver.ts";
import type { Fault } from "./faults.ts";
import { type RunningServer, serveBridge } from "./jvb-http.ts";

export const bridgePodSelector = "app.kubernetes.io/name=jitsi-videobridge";

export interface PodBridgesDeps {
  patchPodStatus(namespace: string, name: string, status: Record<string, unknown>): Promise<void>;
  /** Conferences on a bridge that vanished must be re-placed (and counted as interrupted). */
  bridgeGone(bridgeId: string): void;
  clock: Clock;
  bridgeSettings: Omit<BridgeConfig, "id" | "version" | "region" | "relayId">;
  port: number;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

interface RunningBridge {
  pod: Pod;
  bridge: EmulatedBridge;
  server: Promise<RunningServer | undefined>;
  restarts: number;
  startedAt: string;
  /** Injected by the fault suite: how this bridge's REST API misbehaves. */
  fault?: Fault;
}

function env(pod: Pod, name: string): string | undefined {
  return pod.spec?.containers[0]?.env?.find((e) => e.name === name)?.value;
}

/** The bridge version Jicofo compares: the image tag (jitsi/jvb:stable-10008 -> stable-10008). */
export function bridgeVersion(pod: Pod): string {
  const image = pod.spec?.containers[0]?.image ?? "";
  const tag = image.includes(":") ? image.slice(image.lastIndexOf(":") + 1) : "";
  return tag === "" || tag.includes("/") ? "latest" : tag;
}

/** The control API's /bridges rows: every emulated bridge with its state and load. */
export function bridgeRows(bridges: PodBridges) {
  return bridges.list().map(({ namespace, pod, ip, restarts, bridge, fault }) => {
    const stats = bridge.stats();
    return {
      namespace,
      pod,
      ip,
      restarts,
      state: bridge.hasExited ? "EXITED" : bridge.state,
      drain: bridge.draining,
      version: bridge.config.version,
      participants: bridge.localEndpoints,
      conferences: bridge.conferenceParts().size,
      stress: stats.stress_level,
      fault: fault ?? null,
    };
  });
}

export function shouldRun(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && pod.status?.phase === "Running" && !!pod.status.podIP;
}

export class PodBridges implements BridgeDirectory {
  private readonly deps: PodBridgesDeps;
  private readonly running = new Map<string, RunningBridge>();
  /** Pods whose bridge exited for good; their status patch may not have come back through the watch yet. */
  private readonly finished = new Set<string>();
  /**
   * Servers still closing, by IP: a restarted bridge, or a new pod given a freed IP, must not listen
   * before the old server has let go of the address (it would fail, and the old one would answer).
   */
  private readonly closing = new Map<string, Promise<void>>();

  constructor(deps: PodBridgesDeps) {
    this.deps = deps;
  }

  *bridges(): Iterable<EmulatedBridge> {
    for (const r of this.running.values()) if (!r.bridge.hasExited) yield r.bridge;
  }

  list(): Array<{ namespace: string; pod: string; ip: string; restarts: number; bridge: EmulatedBridge; fault?: Fault }> {
    return [...this.running.values()].map((r) => ({
      ...(r.fault ? { fault: r.fault } : {}),
      namespace: r.pod.metadata.namespace ?? "",
      pod: r.pod.metadata.name,
      ip: r.pod.status?.podIP ?? "",
      restarts: r.restarts,
      bridge: r.bridge,
    }));
  }

  /** Makes one bridge's REST API misbehave (or behave again: undefined); false when no such bridge runs. */
  setFault(namespace: string, pod: string, fault: Fault | undefined): boolean {
    const entry = [...this.running.values()].find((r) => r.pod.metadata.namespace === namespace && r.pod.metadata.name === pod);
    if (!entry) return false;
    if (fault) entry.fault = fault;
    else delete entry.fault;
    return true;
  }

  upsert(pod: Pod): void {
    const uid = pod.metadata.uid;
    const current = this.running.get(uid);
    if (current) current.pod = pod;
    if (shouldRun(pod) && !current && !this.finished.has(uid)) this.start(pod, pod.status?.containerStatuses?.[0]?.restartCount ?? 0);
    else if (!shouldRun(pod) && current) this.stop(uid, "pod stopped running");
  }

  remove(pod: Pod): void {
    this.finished.delete(pod.metadata.uid);
    if (this.running.has(pod.metadata.uid)) this.stop(pod.metadata.uid, "pod deleted");
  }

  async close(): Promise<void> {
    const closing = [...this.running.keys()].map((uid) => this.stop(uid, "emulator stopping", false));
    await Promise.all(closing);
  }

  private start(pod: Pod, restarts: number): void {
    // A pod update from the watch and the restart after an exit can both ask; one bridge per pod.
    if (this.running.has(pod.metadata.uid)) return;
    const ip = pod.status?.podIP ?? "";
    // Pod names repeat across namespaces; the driver's records need the full key.
    const config: BridgeConfig = {
      ...this.deps.bridgeSettings,
      id: `${pod.metadata.namespace}/${pod.metadata.name}`,
      version: bridgeVersion(pod),
      relayId: env(pod, "JVB_OCTO_RELAY_ID") ?? pod.metadata.name,
    };
    const region = env(pod, "JVB_OCTO_REGION");
    if (region) config.region = region;
    const bridge = new EmulatedBridge(config, this.deps.clock);
    const server = (this.closing.get(ip) ?? Promise.resolve())
      .then(() => serveBridge(bridge, ip, this.deps.port, () => entry.fault))
      .catch((error: unknown) => {
        this.deps.log.warn({ pod: pod.metadata.name, ip, err: String(error) }, "Failed to serve bridge API");
        return undefined;
      });
    const entry: RunningBridge = { pod, bridge, server, restarts, startedAt: new Date(this.deps.clock.now()).toISOString() };
    this.running.set(pod.metadata.uid, entry);
    bridge.onExit(() => void this.exited(pod.metadata.uid, entry));
    this.deps.log.info({ pod: pod.metadata.name, namespace: pod.metadata.namespace, ip, version: config.version, restarts }, "Started bridge");
  }

  private async stop(uid: string, reason: string, notify = true): Promise<void> {
    const entry = this.running.get(uid);
    if (!entry) return;
    this.running.delete(uid);
    entry.bridge.stop();
    if (notify) this.deps.bridgeGone(entry.bridge.config.id);
    const ip = entry.pod.status?.podIP ?? "";
    const closed = entry.server.then((server) => server?.close());
    this.closing.set(ip, closed);
    await closed;
    if (this.closing.get(ip) === closed) this.closing.delete(ip);
    this.deps.log.info({ pod: entry.pod.metadata.name, reason }, "Stopped bridge");
  }

  private async exited(uid: string, entry: RunningBridge): Promise<void> {
    if (this.running.get(uid) !== entry) return;
    const { pod } = entry;
    const restart = restartsInPlace(pod);
    if (!restart) this.finished.add(uid);
    await this.stop(uid, "bridge process exited");
    const now = new Date(this.deps.clock.now()).toISOString();
    const status = exitedStatus(pod, { exitCode: 0, startedAt: entry.startedAt, finishedAt: now, restarts: entry.restarts });
    try {
      await this.deps.patchPodStatus(pod.metadata.namespace ?? "default", pod.metadata.name, status);
      if (restart) {
        const latest = { ...pod, status: { ...pod.status } };
        if (shouldRun(latest)) this.start(latest, entry.restarts + 1);
      }
    } catch (error) {
      this.deps.log.warn({ pod: pod.metadata.name, err: String(error) }, "Failed to record bridge exit in pod status");
    }
  }
}
