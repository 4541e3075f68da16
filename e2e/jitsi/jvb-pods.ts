// The kubelet for bridge pods in the real-Jitsi test bed (BRIDGES=jvb): for every bridge pod kwok reports
// Running with an IP, one real JVB process listens on that IP. As a kubelet would, it resolves the container's
// environment (downward API, Secret keys), mounts the ConfigMap volume the pod names at /config (and waits,
// as a kubelet's mount does, while that ConfigMap or the Secret is missing), and records in the pod's status
// how the process ended. Deleting the pod stops the process (SIGTERM to its process group, SIGKILL after
// the grace period). The pod's address is put on the loopback interface while its bridge runs, so that ice4j
// finds it as a local address and offers it as the bridge's host candidate.

import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { Pod } from "../../operator/src/kube/types.ts";
import { shouldRun } from "../emulator/pod-bridges.ts";
import { exitedStatus, restartsInPlace } from "../kubelet/pod-status.ts";
import { containerEnv, type SecretLookup } from "./container-env.ts";
import { imageEnv, type JitsiBuild, renderConfig, spawnJvb, type TestBedSettings, testBedOverlay } from "./jvb-process.ts";

export const configMountPath = "/config";

export interface JvbPodsDeps {
  build: JitsiBuild;
  settings: TestBedSettings;
  stateDir: string;
  secret: SecretLookup;
  configMap(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  patchPodStatus(namespace: string, name: string, status: Record<string, unknown>): Promise<void>;
  loopback: { add(ip: string): Promise<void>; remove(ip: string): Promise<void> };
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

interface RunningJvb {
  pod: Pod;
  process?: ChildProcess;
  exited: Promise<void>;
  stopping: boolean;
  startedAt: string;
  restarts: number;
}

const retryMs = 1_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The files of the ConfigMap volume mounted at /config, or undefined while a required one is missing. */
export async function mountedConfig(pod: Pod, configMap: JvbPodsDeps["configMap"]): Promise<Record<string, string> | undefined> {
  const mount = pod.spec?.containers[0]?.volumeMounts?.find((m) => m.mountPath === configMountPath);
  const volume = mount && pod.spec?.volumes?.find((v) => v.name === mount.name);
  if (!volume?.configMap) return {};
  const data = await configMap(pod.metadata.namespace ?? "default", volume.configMap.name);
  if (data === undefined) return volume.configMap.optional ? {} : undefined;
  return data;
}

export class JvbPods {
  private readonly deps: JvbPodsDeps;
  private readonly running = new Map<string, RunningJvb>();
  private readonly finished = new Set<string>();
  /** Processes still exiting, by IP: a new bridge on a recycled IP waits for the old one to let go. */
  private readonly exiting = new Map<string, Promise<void>>();

  constructor(deps: JvbPodsDeps) {
    this.deps = deps;
  }

  list(): Array<{ namespace: string; pod: string; ip: string; pid: number | undefined }> {
    return [...this.running.values()].map((r) => ({
      namespace: r.pod.metadata.namespace ?? "",
      pod: r.pod.metadata.name,
      ip: r.pod.status?.podIP ?? "",
      pid: r.process?.pid,
    }));
  }

  upsert(pod: Pod): void {
    const uid = pod.metadata.uid;
    const current = this.running.get(uid);
    if (current) current.pod = pod;
    if (shouldRun(pod) && !current && !this.finished.has(uid)) this.start(pod, pod.status?.containerStatuses?.[0]?.restartCount ?? 0);
    else if (!shouldRun(pod) && current) void this.stop(uid, "pod stopped running");
  }

  remove(pod: Pod): void {
    this.finished.delete(pod.metadata.uid);
    if (this.running.has(pod.metadata.uid)) void this.stop(pod.metadata.uid, "pod deleted");
  }

  async close(): Promise<void> {
    await Promise.all([...this.running.keys()].map((uid) => this.stop(uid, "runner stopping")));
  }

  private start(pod: Pod, restarts: number): void {
    let markExited!: () => void;
    const entry: RunningJvb = {
      pod,
      exited: new Promise((resolve) => (markExited = resolve)),
      stopping: false,
      startedAt: new Date().toISOString(),
      restarts,
    };
    this.running.set(pod.metadata.uid, entry);
    const ip = pod.status?.podIP ?? "";
    const previous = this.exiting.get(ip) ?? Promise.resolve();
    this.exiting.set(ip, entry.exited);
    void this.supervise(entry, previous, markExited);
  }

  /** Starts the bridge once the previous process on its IP is gone, and records how it ended. */
  private async supervise(entry: RunningJvb, previous: Promise<void>, markExited: () => void): Promise<void> {
    const ip = entry.pod.status?.podIP ?? "";
    let exitCode: number | undefined;
    try {
      await previous;
      await this.launch(entry);
      const child = entry.process;
      if (child)
        exitCode = await new Promise<number>((resolve) => child.once("exit", (code, signal) => resolve(code ?? 128 + (signal === "SIGKILL" ? 9 : 15))));
    } catch (error) {
      // The container could not start (its config did not render, java did not spawn): a kubelet records a failure.
      this.deps.log.warn({ pod: entry.pod.metadata.name, err: String(error) }, "Failed to start bridge process");
      exitCode = 1;
    }
    await this.deps.loopback.remove(ip).catch(() => undefined);
    markExited();
    if (this.exiting.get(ip) === entry.exited) this.exiting.delete(ip);
    if (exitCode !== undefined) await this.exitedProcess(entry, exitCode);
  }

  /** Waits, as a kubelet does, for the Secret and ConfigMap the container needs; then starts java. */
  private async launch(entry: RunningJvb): Promise<void> {
    const { pod } = entry;
    const ip = pod.status?.podIP ?? "";
    const name = pod.metadata.name;
    let env: Record<string, string> | undefined;
    let files: Record<string, string> | undefined;
    for (let attempt = 0; !entry.stopping; attempt++) {
      try {
        env = await containerEnv(pod, pod.spec?.containers[0]?.env ?? [], this.deps.secret);
        files = await mountedConfig(pod, this.deps.configMap);
        if (files) break;
        if (attempt % 10 === 0) this.deps.log.info({ pod: name }, "Waiting for the ConfigMap mounted at /config");
      } catch (error) {
        if (attempt % 10 === 0) this.deps.log.warn({ pod: name, err: String(error) }, "Container cannot start yet");
      }
      await sleep(retryMs);
    }
    if (entry.stopping || !env || !files) return;
    const dir = join(this.deps.stateDir, `${pod.metadata.namespace}_${name}_${pod.metadata.uid.slice(0, 8)}_${entry.restarts}`);
    const environment = imageEnv(env, { name, ip });
    await renderConfig(this.deps.build, dir, environment, files, testBedOverlay(ip, this.deps.settings));
    await this.deps.loopback.add(ip);
    if (entry.stopping) return;
    entry.process = await spawnJvb(this.deps.build, dir, environment, this.deps.settings.heap, join(dir, "jvb.log"));
    // The pod went while java was being started: stop() found no process to end, so end it here.
    if (entry.stopping && entry.process.pid) process.kill(-entry.process.pid, "SIGTERM");
    entry.startedAt = new Date().toISOString();
    this.deps.log.info({ pod: name, namespace: pod.metadata.namespace, ip, pid: entry.process.pid, config: dir }, "Started JVB");
  }

  private async stop(uid: string, reason: string): Promise<void> {
    const entry = this.running.get(uid);
    if (!entry) return;
    this.running.delete(uid);
    entry.stopping = true;
    const child = entry.process;
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid, "SIGTERM");
      const grace = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
      }, 10_000);
      await entry.exited;
      clearTimeout(grace);
    }
    this.deps.log.info({ pod: entry.pod.metadata.name, reason }, "Stopped JVB");
  }

  /** The process ended by itself (a graceful shutdown, a crash) or because its pod went. */
  private async exitedProcess(entry: RunningJvb, exitCode: number): Promise<void> {
    const { pod } = entry;
    const uid = pod.metadata.uid;
    if (this.running.get(uid) !== entry) return; // stopped on purpose: the pod is gone or no longer Running
    this.running.delete(uid);
    if (!restartsInPlace(pod)) this.finished.add(uid);
    this.deps.log.info({ pod: pod.metadata.name, exitCode }, "JVB exited");
    const status = exitedStatus(pod, { exitCode, startedAt: entry.startedAt, finishedAt: new Date().toISOString(), restarts: entry.restarts });
    try {
      await this.deps.patchPodStatus(pod.metadata.namespace ?? "default", pod.metadata.name, status);
      if (restartsInPlace(pod) && shouldRun(pod)) this.start(pod, entry.restarts + 1);
    } catch (error) {
      this.deps.log.warn({ pod: pod.metadata.name, err: String(error) }, "Failed to record JVB exit in pod status");
    }
  }
}
