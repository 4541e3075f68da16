// Leader election on a coordination.k8s.io Lease, modelled on client-go's: a replica takes the lease when
// it is free or its holder let it expire, renews it every retry period, and writes with the lease's
// resourceVersion so that two replicas can never both win (the loser gets 409).
// Leadership ends by the clock, not by a renewal's answer: it is valid until the start of the last successful
// renewal plus the renew deadline, and a timer steps down then, whatever call is still hanging (an API request
// may take 30 s to time out). A standby takes over no sooner than a lease duration after it saw that renewal,
// which was written after the renewal started, so with renew deadline < lease duration the old leader has
// stopped first; `isLeader` turns false at that moment too, for the writes that check it (fence.ts).
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
  /** `why`: what became of the renewals (for the log). */
  stoppedLeading(why: string): void;
  newLeader?(identity: string): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class LeaderElector {
  private readonly kube: KubeClient;
  private readonly config: LeaseConfig;
  private leading = false;
  /** Until when this replica may act as leader (by its clock); see the header. */
  private validUntil = 0;
  private stepDownTimer: ReturnType<typeof setTimeout> | undefined;
  private callbacks: LeaderCallbacks | undefined;
  /** Why the last acquire or renewal failed; undefined after a success. */
  private lastFailure: string | undefined;
  /** When the renewal under way began, if one is. */
  private attemptStartedAt: number | undefined;
  private stopped = false;
  private observedHolder = "";
  // When we last saw the lease change (by our clock), to judge expiry without trusting others' clocks.
  private observedAt = 0;
  private observedRenewTime = "";

  constructor(kube: KubeClient, config: LeaseConfig) {
    this.kube = kube;
    this.config = config;
  }

  /** Holds the lease now: false from the moment its validity ran out, even before the step-down ran. */
  get isLeader(): boolean {
    return this.leading && Date.now() < this.validUntil;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.stepDownTimer);
  }

  /** Campaigns until leading, then renews until the lease is lost or stop() is called. */
  async run(callbacks: LeaderCallbacks): Promise<void> {
    this.callbacks = callbacks;
    const { retryPeriodMs } = this.config;
    while (!this.stopped && !this.leading) {
      const attemptedAt = Date.now();
      // A win that took longer than the renew deadline is no lead: the next round renews it afresh.
      if ((await this.tryAcquireOrRenew(attemptedAt)) && this.extend(attemptedAt)) {
        this.leading = true;
        callbacks.startedLeading();
      } else await sleep(retryPeriodMs);
    }
    while (!this.stopped && this.leading) {
      await sleep(retryPeriodMs);
      const attemptedAt = Date.now();
      if ((await this.tryAcquireOrRenew(attemptedAt)) && this.leading) this.extend(attemptedAt);
    }
  }

  /** A renewal that started at `attemptedAt` succeeded: valid until then plus the renew deadline, if that is still ahead. */
  private extend(attemptedAt: number): boolean {
    const validUntil = attemptedAt + this.config.renewDeadlineMs;
    const left = validUntil - Date.now();
    if (left <= 0) return false;
    this.validUntil = validUntil;
    clearTimeout(this.stepDownTimer);
    this.stepDownTimer = setTimeout(() => this.stepDown(), left);
    return true;
  }

  private stepDown(): void {
    if (!this.leading || this.stopped) return;
    this.leading = false;
    const waiting = this.attemptStartedAt === undefined ? "" : `; a renewal has waited ${Date.now() - this.attemptStartedAt} ms for the API`;
    this.callbacks?.stoppedLeading(
      `no renewal succeeded within the renew deadline (${this.config.renewDeadlineMs} ms)${waiting}; last failure: ${this.lastFailure ?? "none"}`,
    );
  }

  /** Gives the lease up on a clean shutdown, so the next leader need not wait for it to expire. */
  async release(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    clearTimeout(this.stepDownTimer);
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

  private async tryAcquireOrRenew(now: number): Promise<boolean> {
    this.attemptStartedAt = now;
    try {
      const won = await this.acquireOrRenew(now);
      if (won) this.lastFailure = undefined;
      return won;
    } catch (error) {
      // 409: another replica wrote first. Anything else: the API is unreachable. Not leading this round.
      this.lastFailure = String(error);
      return false;
    } finally {
      this.attemptStartedAt = undefined;
    }
  }

  private async acquireOrRenew(now: number): Promise<boolean> {
    const { identity, leaseDurationMs, name, namespace } = this.config;
    const spec = { holderIdentity: identity, leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000), renewTime: microTime(now) };
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
    // Seen now, when the answer came, not when the attempt began: a renewal may have landed in between.
    const seenAt = Date.now();
    if (holder !== this.observedHolder || lease.spec.renewTime !== this.observedRenewTime) {
      // Told once per new holder, not at each of its renewals.
      if (holder !== this.observedHolder && holder && holder !== identity) this.callbacks?.newLeader?.(holder);
      this.observedHolder = holder;
      this.observedRenewTime = lease.spec.renewTime ?? "";
      this.observedAt = seenAt;
    }
    const heldByOther = holder !== "" && holder !== identity;
    const expired = seenAt - this.observedAt >= (lease.spec.leaseDurationSeconds ?? 0) * 1000;
    if (heldByOther && !expired) {
      this.lastFailure = `held by ${holder}`;
      return false;
    }
    const takingOver = holder !== identity;
    lease.spec = {
      ...lease.spec,
      ...spec,
      ...(takingOver ? { acquireTime: microTime(now), leaseTransitions: (lease.spec.leaseTransitions ?? 0) + 1 } : {}),
    };
    await this.kube.replace(this.path(), lease, "meetingfleet-operator");
    return true;
  }
}
