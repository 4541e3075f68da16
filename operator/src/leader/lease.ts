// Leader election on a coordination.k8s.io Lease, modelled on client-go's: a replica takes the lease when
// it is free or its holder let it expire, renews it every retry period, and writes with the lease's
// resourceVersion so that two replicas can never both win (the loser gets 409). A leader that cannot
// renew within the renew deadline stops leading; the caller exits so the process restarts clean.
// client-go's defaults are lease 15 s, renew deadline 10 s, retry 2 s; ours are 10 s, 7 s, 2 s. A standby takes
// over between one lease and one lease plus two retry periods after the leader's death (it judges expiry from
// when it saw the last renewal, and looks every retry period): 15 s gave a median failover of 16.0 s in 20
// SIGKILLs (`make chaos`), past the 15 s goal; 10 s keeps it under, with three renewal tries before a leader
// that cannot reach the API steps down.

import { type KubeClient, resourcePath } from "../kube/client.ts";
import { microTime } from "../kube/types.ts";

export interface LeaseConfig {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

interface Lease {
  apiVersion: "coordination.k8s.io/v1";
  kind: "Lease";
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export interface LeaderCallbacks {
  startedLeading(): void;
  stoppedLeading(): void;
  newLeader?(identity: string): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class LeaderElector {
  private readonly kube: KubeClient;
  private readonly config: LeaseConfig;
  private leading = false;
  private stopped = false;
  private observedHolder = "";
  // When we last saw the lease change (by our clock), to judge expiry without trusting others' clocks.
  private observedAt = 0;
  private observedRenewTime = "";

  constructor(kube: KubeClient, config: LeaseConfig) {
    this.kube = kube;
    this.config = config;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Campaigns until leading, then renews until the lease is lost or stop() is called. */
  async run(callbacks: LeaderCallbacks): Promise<void> {
    const { retryPeriodMs, renewDeadlineMs } = this.config;
    while (!this.stopped && !this.leading) {
      if (await this.tryAcquireOrRenew(callbacks)) {
        this.leading = true;
        callbacks.startedLeading();
      } else await sleep(retryPeriodMs);
    }
    let lastRenew = Date.now();
    while (!this.stopped && this.leading) {
      await sleep(retryPeriodMs);
      if (await this.tryAcquireOrRenew(callbacks)) lastRenew = Date.now();
      else if (Date.now() - lastRenew > renewDeadlineMs) {
        this.leading = false;
        callbacks.stoppedLeading();
      }
    }
  }

  /** Gives the lease up on a clean shutdown, so the next leader need not wait for it to expire. */
  async release(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    const lease = await this.kube.get<Lease>(this.path()).catch(() => undefined);
    if (lease?.spec.holderIdentity !== this.config.identity) return;
    lease.spec = { ...lease.spec, holderIdentity: "", leaseDurationSeconds: 1, renewTime: microTime(Date.now()) };
    await this.kube.replace(this.path(), lease, "meetingfleet-operator").catch(() => undefined);
  }

  private path(withName = true): string {
    return resourcePath({
      group: "coordination.k8s.io",
      version: "v1",
      plural: "leases",
      namespace: this.config.namespace,
      ...(withName ? { name: this.config.name } : {}),
    });
  }

  private async tryAcquireOrRenew(callbacks: LeaderCallbacks): Promise<boolean> {
    const { identity, leaseDurationMs, name, namespace } = this.config;
    const now = Date.now();
    const spec = { holderIdentity: identity, leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000), renewTime: microTime(now) };
    try {
      const lease = await this.kube.get<Lease>(this.path());
      if (!lease) {
        await this.kube.create(
          this.path(false),
          {
            apiVersion: "coordination.k8s.io/v1",
            kind: "Lease",
            metadata: { name, namespace },
            spec: { ...spec, acquireTime: microTime(now), leaseTransitions: 0 },
          },
          "meetingfleet-operator",
        );
        return true;
      }
      const holder = lease.spec.holderIdentity ?? "";
      if (holder !== this.observedHolder || lease.spec.renewTime !== this.observedRenewTime) {
        this.observedHolder = holder;
        this.observedRenewTime = lease.spec.renewTime ?? "";
        this.observedAt = now;
        if (holder && holder !== identity) callbacks.newLeader?.(holder);
      }
      const heldByOther = holder !== "" && holder !== identity;
      const expired = now - this.observedAt >= (lease.spec.leaseDurationSeconds ?? 0) * 1000;
      if (heldByOther && !expired) return false;
      const takingOver = holder !== identity;
      lease.spec = {
        ...lease.spec,
        ...spec,
        ...(takingOver ? { acquireTime: microTime(now), leaseTransitions: (lease.spec.leaseTransitions ?? 0) + 1 } : {}),
      };
      await this.kube.replace(this.path(), lease, "meetingfleet-operator");
      return true;
    } catch {
      // 409: another replica wrote first. Anything else: the API is unreachable. Not leading this round.
      return false;
    }
  }
}
