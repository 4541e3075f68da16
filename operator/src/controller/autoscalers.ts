// One FleetPolicy per autoscaled fleet, and what it has learnt stored in a ConfigMap owned by the fleet
// (`<fleet>-autoscaler-memory`): the time-of-day memory and the recent maxima. A restarted operator, or a
// new leader, reads it before its first decision, so earlier days' peaks are still warmed up for and the
// room kept for bursts and large conferences is not lost with every rollout. Storage is best effort: when
// it fails the policy works on from what it holds, and the failure is logged.

import type { FleetSpec } from "../api/meetingfleet.ts";
import { policySpecOf } from "../autoscale/fleet-spec.ts";
import { TimeOfDayMemory } from "../autoscale/memory.ts";
import { type Decision, FleetPolicy, type PolicySpec, sampleOf } from "../autoscale/policy.ts";
import { fleetOwnedMetadata } from "../fleet/bridge-pod.ts";
import type { ObservedBridge } from "../fleet/plan.ts";
import { ApiError, type KubeClient, resourcePath } from "../kube/client.ts";

export interface FleetIdentity {
  namespace: string;
  name: string;
  uid: string;
}

export type AutoscaleResult = Decision | { stalled: { reason: string; message: string } };

const memoryKey = "memory.json";
const recentKey = "recent.json";
const memoryConfigMapName = (fleet: string) => `${fleet}-autoscaler-memory`;

interface Entry {
  fingerprint: string;
  policy: FleetPolicy;
  /** Whether the ConfigMap exists (as far as this process knows). */
  stored: boolean;
  savedAt: number;
  /** The memory's revision last stored. */
  savedRevision: number;
  /** The recent maxima last stored, as stored. */
  savedRecent: string;
}

export class FleetAutoscalers {
  private readonly entries = new Map<string, Entry>();

  private readonly kube: KubeClient;
  private readonly log: { warn(obj: object, msg: string): void };
  private readonly fieldManager: string;
  /**
   * At most one memory write per fleet this often. Records change every minute and a full memory is
   * about 80 KB (two kinds of day x 1,440 minutes); losing the last few minutes of today on a restart
   * costs nothing until the same time tomorrow.
   */
  private readonly saveEveryMs: number;

  constructor(kube: KubeClient, log: { warn(obj: object, msg: string): void }, fieldManager: string, saveEveryMs = 5 * 60_000) {
    this.kube = kube;
    this.log = log;
    this.fieldManager = fieldManager;
    this.saveEveryMs = saveEveryMs;
  }

  async decide(fleet: FleetIdentity, spec: FleetSpec, bridges: readonly ObservedBridge[], now: number): Promise<AutoscaleResult> {
    const a = spec.autoscaling!;
    try {
      new Intl.DateTimeFormat("en", { timeZone: a.timeZone });
    } catch {
      return { stalled: { reason: "InvalidTimeZone", message: `spec.autoscaling.timeZone: unknown time zone "${a.timeZone}"` } };
    }
    const policySpec = policySpecOf(spec);
    const key = `${fleet.namespace}/${fleet.name}`;
    const entry = await this.entry(key, fleet, JSON.stringify(policySpec), policySpec);

    const alive = bridges.filter((b) => !b.deleting && !b.exited);
    const samples = alive.flatMap((b) => (b.figures ? [sampleOf(b.figures)] : []));
    const unknown = alive.filter((b) => b.running && !b.figures).length;
    const decision = entry.policy.decide(now, samples, alive.filter((b) => b.drainingSince === undefined).length, unknown);
    if (now - entry.savedAt >= this.saveEveryMs) {
      const recent = JSON.stringify(entry.policy.recent());
      if (entry.policy.memory.revision !== entry.savedRevision || recent !== entry.savedRecent) await this.save(entry, fleet, now, recent);
    }
    return decision;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  /**
   * The fleet's policy. Each new one takes over a running fleet (this process just started, became the
   * leader, or the spec changed); a changed spec's keeps what the old one learnt (memory: same time zone).
   */
  private async entry(key: string, fleet: FleetIdentity, fingerprint: string, policySpec: Partial<PolicySpec> & { timeZone: string }): Promise<Entry> {
    let entry = this.entries.get(key);
    if (entry && entry.fingerprint === fingerprint) return entry;
    if (entry) {
      const policy = new FleetPolicy(policySpec, { memory: entry.policy.memory, recent: entry.policy.recent(), takesOver: true });
      // Another time zone starts a memory of its own, which the next save stores in place of the old one.
      entry = { ...entry, fingerprint, policy, savedRevision: policy.memory === entry.policy.memory ? entry.savedRevision : -1 };
    } else {
      const { memory, recent, stored } = await this.load(fleet);
      const policy = new FleetPolicy(policySpec, { memory: TimeOfDayMemory.restore(memory, policySpec.timeZone), recent, takesOver: true });
      entry = { fingerprint, policy, stored, savedAt: Number.NEGATIVE_INFINITY, savedRevision: 0, savedRecent: JSON.stringify(policy.recent()) };
    }
    this.entries.set(key, entry);
    return entry;
  }

  private async load(fleet: FleetIdentity): Promise<{ memory: unknown; recent: unknown; stored: boolean }> {
    const name = `${fleet.namespace}/${fleet.name}`;
    let cm: { data?: Record<string, string> } | undefined;
    try {
      cm = await this.kube.get<{ data?: Record<string, string> }>(this.path(fleet));
    } catch (error) {
      this.log.warn({ fleet: name, err: String(error) }, "Could not read the autoscaler's memory; starting without earlier days");
      return { memory: undefined, recent: undefined, stored: true };
    }
    // Each key on its own: a damaged one (edited by hand, cut short) costs only what it held.
    const parsed = (key: string) => {
      const text = cm?.data?.[key];
      try {
        return text === undefined ? undefined : JSON.parse(text);
      } catch (error) {
        this.log.warn({ fleet: name, key, err: String(error) }, "Ignoring a damaged part of the autoscaler's memory");
        return undefined;
      }
    };
    return { memory: parsed(memoryKey), recent: parsed(recentKey), stored: cm !== undefined };
  }

  /** Stores the memory and `recent`, the recent maxima as JSON. */
  private async save(entry: Entry, fleet: FleetIdentity, now: number, recent: string): Promise<void> {
    entry.savedAt = now;
    const revision = entry.policy.memory.revision;
    const data = { [memoryKey]: JSON.stringify(entry.policy.memory.snapshot()), [recentKey]: recent };
    try {
      // The patch also claims a ConfigMap made by hand (e.g. restored from a backup) for the fleet.
      if (entry.stored) await this.kube.patch(this.path(fleet), this.configMap(fleet, data), this.fieldManager);
      else
        await this.kube.create(
          resourcePath({ version: "v1", plural: "configmaps", namespace: fleet.namespace }),
          this.configMap(fleet, data),
          this.fieldManager,
        );
      entry.stored = true;
      entry.savedRevision = revision;
      entry.savedRecent = recent;
    } catch (error) {
      // Gone (404 on patch) or already there (409 on create): the next save takes the other way.
      if (error instanceof ApiError && (error.code === 404 || error.code === 409)) entry.stored = error.code === 409;
      this.log.warn({ fleet: `${fleet.namespace}/${fleet.name}`, err: String(error) }, "Could not store the autoscaler's memory; will retry");
    }
  }

  private path(fleet: FleetIdentity): string {
    return resourcePath({ version: "v1", plural: "configmaps", namespace: fleet.namespace, name: memoryConfigMapName(fleet.name) });
  }

  private configMap(fleet: FleetIdentity, data: Record<string, string>) {
    return {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: fleetOwnedMetadata(fleet, memoryConfigMapName(fleet.name)),
      data,
    };
  }
}
