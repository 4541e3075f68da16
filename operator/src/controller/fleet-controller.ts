// The MeetingFleet controller: level-triggered reconciles of one fleet at a time, through a keyed work
// queue. Caches (reflectors) of fleets, bridge pods, bridge Services, the fleets' PodDisruptionBudgets and
// nodes (whether each is on its way out) feed it; the stats scraper wakes
// it when a bridge's figures change. One pass: gather (caches, scraped figures, the referenced Secret)
// -> decide (planFleet, pure) -> act -> write status when it changed.

import { apiVersion, type FleetSpec, type FleetStatus, fleetSpecSchema, group, kind, plural, version } from "../api/meetingfleet.ts";
import type { JvbClient } from "../bridges/jvb-client.ts";
import type { StatsScraper } from "../bridges/scraper.ts";
import { directoryName, fleetReport } from "../directory/fleet-report.ts";
import { annotations, bridgeName, type FleetRef, fleetSelector, labels, managerName, templateHash } from "../fleet/bridge-pod.ts";
import { budgetName, nodeLeavingReason } from "../fleet/disruption.ts";
import type { NodeAddress } from "../fleet/media-config.ts";
import { emptyPlan, type ObservedBridge, planFleet } from "../fleet/plan.ts";
import { computeStatus, unschedulableMessage, unschedulableNames } from "../fleet/status.ts";
import { ApiError, type KubeClient, resourcePath } from "../kube/client.ts";
import { Reflector, ReflectorGroup, type ReflectorHandlers } from "../kube/reflector.ts";
import type { KubeObject, Node, Pod } from "../kube/types.ts";
import { objectKey } from "../kube/types.ts";
import type { Metrics } from "../runtime/metrics.ts";
import { WorkQueue } from "../runtime/workqueue.ts";
import { parseDuration } from "../util/duration.ts";
import { sameJson } from "../util/same-json.ts";
import { describeZodError } from "../util/zod-error.ts";
import { act } from "./act.ts";
import { FleetAutoscalers } from "./autoscalers.ts";
import { DirectoryReports } from "./directory-reports.ts";
import type { EventRecorder, Regarding } from "./events.ts";
import { FleetSeries } from "./fleet-series.ts";
import { observeBridge } from "./observe.ts";

export interface MeetingFleet extends KubeObject {
  spec?: unknown;
  status?: FleetStatus;
}

export interface ControllerOptions {
  /** Watch these namespaces; all when empty. */
  namespaces: string[];
  resyncMs: number;
  workers: number;
  drainSettleMs: number;
  /** How often fleets with a directory section report to it. */
  directoryReportIntervalMs: number;
}

export interface ControllerDeps {
  kube: KubeClient;
  jvb: JvbClient;
  scraper: StatsScraper;
  events: EventRecorder;
  metrics: Metrics;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

const fieldManager = managerName;
const createBackoffBaseMs = 2_000;
const createBackoffMaxMs = 120_000;
const managedSelector = `${labels.managedBy}=${managerName}`;

/** What in a fleet object can change a decision: not its status, not its resourceVersion. */
function fleetFingerprint(f: MeetingFleet): string {
  return JSON.stringify([f.metadata.generation, f.metadata.labels, f.metadata.annotations, f.metadata.deletionTimestamp, f.metadata.uid]);
}

export class FleetController {
  private readonly deps: ControllerDeps;
  private readonly options: ControllerOptions;
  private readonly queue: WorkQueue;
  private readonly fleets: ReflectorGroup<MeetingFleet>;
  private readonly pods: ReflectorGroup<Pod>;
  private readonly services: ReflectorGroup<KubeObject>;
  private readonly budgets: ReflectorGroup<KubeObject>;
  private readonly nodes: ReflectorGroup<Node>;
  /** Nodes on their way out, and why: a change wakes the fleets with bridges there. */
  private readonly leavingNodes = new Map<string, string>();
  private readonly fingerprints = new Map<string, string>();
  private readonly stalledBefore = new Map<string, string>();
  /** The last unschedulable-bridges Event per fleet: one per distinct set of bridges, not one per pass. */
  private readonly unschedulableBefore = new Map<string, string>();
  /**
   * Fleets whose bridge creates the API refused (a ResourceQuota, an admission policy): no create is tried
   * again before `until`, whatever wakes the fleet meanwhile, and the wait doubles with each refusal up to
   * createBackoffMaxMs, so a stuck fleet costs a few API calls a minute, not one a second.
   */
  private readonly createBackoff = new Map<string, { until: number; refusals: number; message: string }>();
  /** One policy per autoscaled fleet: it remembers growth, its scale-down window and earlier days. */
  private readonly autoscalers: FleetAutoscalers;
  private readonly series: FleetSeries;
  private readonly directoryReports: DirectoryReports;

  constructor(deps: ControllerDeps, options: ControllerOptions) {
    this.deps = deps;
    this.options = options;
    this.autoscalers = new FleetAutoscalers(deps.kube, deps.log, fieldManager);
    this.series = new FleetSeries(deps.metrics);
    this.directoryReports = new DirectoryReports(deps, options.directoryReportIntervalMs);
    this.queue = new WorkQueue({
      onError: (key, error, retryInMs) => deps.log.warn({ fleet: key, err: String(error), retryInMs }, "Reconcile failed; retrying"),
    });
    const scopes = options.namespaces.length > 0 ? options.namespaces.map((namespace) => ({ namespace })) : [{}];
    const onWatchError = (what: string) => (error: unknown) => deps.log.warn({ watch: what, err: String(error) }, "Watch failed; retrying");

    const fleetHandlers = {
      upsert: (f: MeetingFleet) => {
        const key = objectKey(f);
        const fingerprint = fleetFingerprint(f);
        if (this.fingerprints.get(key) === fingerprint) return; // our own status write, or nothing that matters
        this.fingerprints.set(key, fingerprint);
        this.queue.add(key);
      },
      remove: (f: MeetingFleet) => {
        this.fingerprints.delete(objectKey(f));
        this.stalledBefore.delete(objectKey(f));
        this.unschedulableBefore.delete(objectKey(f));
        this.createBackoff.delete(objectKey(f));
        this.autoscalers.forget(objectKey(f));
        this.directoryReports.stop(objectKey(f));
        this.series.forget({ namespace: f.metadata.namespace ?? "default", fleet: f.metadata.name });
      },
    };
    // One reflector per watched namespace (one for all when none is named), read as one cache.
    const watch = <T extends KubeObject>(what: string, path: (scope: { namespace?: string }) => string, handlers: ReflectorHandlers<T>, selector?: string) =>
      new ReflectorGroup(scopes.map((scope) => new Reflector<T>(deps.kube.source(path(scope), selector), handlers, { onError: onWatchError(what) })));
    this.fleets = watch<MeetingFleet>("meetingfleets", (scope) => resourcePath({ group, version, plural, ...scope }), fleetHandlers);
    this.pods = watch<Pod>(
      "pods",
      (scope) => resourcePath({ version: "v1", plural: "pods", ...scope }),
      { upsert: (pod) => this.podChanged(pod, false), remove: (pod) => this.podChanged(pod, true) },
      managedSelector,
    );
    this.services = watch<KubeObject>(
      "services",
      (scope) => resourcePath({ version: "v1", plural: "services", ...scope }),
      { upsert: (s) => this.enqueueOwner(s), remove: (s) => this.enqueueOwner(s) },
      managedSelector,
    );
    this.budgets = watch<KubeObject>(
      "poddisruptionbudgets",
      (scope) => resourcePath({ group: "policy", version: "v1", plural: "poddisruptionbudgets", ...scope }),
      { upsert: (b) => this.enqueueOwner(b), remove: (b) => this.enqueueOwner(b) },
      managedSelector,
    );
    // Nodes are cluster-wide whatever the watched namespaces.
    this.nodes = new ReflectorGroup([
      new Reflector<Node>(
        deps.kube.source(resourcePath({ version: "v1", plural: "nodes" })),
        { upsert: (n) => this.nodeChanged(n, false), remove: (n) => this.nodeChanged(n, true) },
        { onError: onWatchError("nodes") },
      ),
    ]);
  }

  private get caches() {
    return [this.fleets, this.pods, this.services, this.budgets, this.nodes];
  }

  /** Starts the caches, waits for their first lists, then runs the workers until stop(). */
  async run(): Promise<void> {
    for (const cache of this.caches) cache.start();
    await Promise.all(this.caches.map((cache) => cache.synced));
    this.deps.log.info({ fleets: this.fleets.items().length, bridges: this.pods.items().length }, "Caches synced; reconciling");
    const depth = setInterval(() => this.deps.metrics.queueDepth.set(this.queue.depth), 1_000);
    depth.unref();
    this.directoryReports.start();
    await this.queue.run((key) => this.reconcile(key), this.options.workers);
    clearInterval(depth);
    this.directoryReports.close();
  }

  stop(): void {
    this.queue.stop();
    for (const cache of this.caches) cache.stop();
  }

  /** The scraper saw a bridge's figures change. */
  figuresChanged(fleetKey: string): void {
    this.queue.add(fleetKey);
  }

  private ownerKey(obj: KubeObject): string | undefined {
    const fleet = obj.metadata.labels?.[labels.fleet];
    return fleet && obj.metadata.namespace ? `${obj.metadata.namespace}/${fleet}` : undefined;
  }

  private enqueueOwner(obj: KubeObject): void {
    const key = this.ownerKey(obj);
    if (key) this.queue.add(key);
  }

  /** Only a change in whether the node is leaving matters: heartbeats and status updates wake nothing. */
  private nodeChanged(node: Node, removed: boolean): void {
    const name = node.metadata.name;
    const reason = removed ? undefined : nodeLeavingReason(node);
    if (this.leavingNodes.get(name) === reason) return;
    if (reason === undefined) this.leavingNodes.delete(name);
    else this.leavingNodes.set(name, reason);
    for (const pod of this.pods.items()) if (pod.spec?.nodeName === name) this.enqueueOwner(pod);
  }

  private podChanged(pod: Pod, removed: boolean): void {
    const owner = this.ownerKey(pod);
    if (!owner) return;
    const ip = !removed && pod.status?.phase === "Running" && !pod.metadata.deletionTimestamp ? pod.status.podIP : undefined;
    this.deps.scraper.setTarget(objectKey(pod), ip, owner);
    this.queue.add(owner);
  }

  private async reconcile(key: string): Promise<void> {
    const started = performance.now();
    const { metrics } = this.deps;
    try {
      await this.reconcileFleet(key);
      metrics.reconciles.inc({ result: "success" });
    } catch (error) {
      metrics.reconciles.inc({ result: "error" });
      metrics.reconcileErrors.inc();
      throw error;
    } finally {
      metrics.reconcileDuration.observe((performance.now() - started) / 1000);
    }
  }

  private async reconcileFleet(key: string): Promise<void> {
    const fleet = this.fleets.get(key);
    if (!fleet || fleet.metadata.deletionTimestamp) {
      this.directoryReports.stop(key);
      return; // owned bridges go with it (garbage collection)
    }
    const { kube, events, log } = this.deps;
    const namespace = fleet.metadata.namespace ?? "default";
    const regarding: Regarding = { apiVersion, kind, name: fleet.metadata.name, namespace, uid: fleet.metadata.uid };
    const seriesLabels = { namespace, fleet: fleet.metadata.name };
    const generation = fleet.metadata.generation ?? 0;
    const now = Date.now();

    const pods = this.pods.items().filter((p) => p.metadata.namespace === namespace && p.metadata.labels?.[labels.fleet] === fleet.metadata.name);
    const bridges = pods.map((p) =>
      observeBridge(p, this.deps.scraper.figures(objectKey(p), now), p.spec?.nodeName ? this.leavingNodes.get(p.spec.nodeName) : undefined),
    );

    const parsed = fleetSpecSchema.safeParse(fleet.spec);
    if (!parsed.success) {
      // The CRD schema should have refused this; whatever slipped through changes nothing on the bridges.
      const message = `invalid spec: ${describeZodError(parsed.error)}`;
      const status = computeStatus({
        generation,
        desiredReplicas: 0,
        templateHash: "",
        selector: fleetSelector(fleet.metadata.name),
        bridges,
        plan: emptyPlan(),
        stalled: { reason: "InvalidSpec", message },
        ...this.previous(fleet),
        now,
      });
      await this.writeStatus(fleet, status);
      this.series.export(seriesLabels, status);
      this.stalledEvent(key, regarding, "InvalidSpec", message);
      return;
    }
    const spec = parsed.data;
    const ref: FleetRef = { name: fleet.metadata.name, namespace, uid: fleet.metadata.uid, spec };
    const hash = templateHash(spec);

    let stalled: { reason: string; message: string } | undefined;

    let desiredReplicas = spec.replicas;
    if (spec.autoscaling) {
      const decision = await this.autoscalers.decide({ namespace, name: fleet.metadata.name, uid: fleet.metadata.uid }, spec, bridges, now);
      if ("stalled" in decision) stalled ??= decision.stalled;
      else {
        this.series.autoscalerWants(seriesLabels, decision.desired);
        if (decision.desired !== spec.replicas) {
          // Written to spec.replicas, as an HPA would through the scale subresource: kubectl shows it.
          const path = resourcePath({ group, version, plural, namespace, name: fleet.metadata.name });
          await kube.patch(path, { spec: { replicas: decision.desired } }, fieldManager);
          events.record(
            regarding,
            "Normal",
            "Autoscaled",
            "Scale",
            `${spec.replicas} -> ${decision.desired} bridges (${decision.reason}): ${decision.message}`,
          );
          this.series.autoscaled(seriesLabels, decision.reason);
          log.info({ fleet: key, from: spec.replicas, to: decision.desired, reason: decision.reason }, "Autoscaled fleet");
          desiredReplicas = decision.desired;
        }
      }
    }

    const plan = planFleet({
      desiredReplicas,
      templateHash: hash,
      drainDeadlineMs: parseDuration(spec.drainDeadline),
      now,
      bridges,
      limits: { drainSettleMs: this.options.drainSettleMs },
    });
    // The password matters only to new bridges, so it is looked up only when some are to be created.
    // Without it they cannot start; running ones are still drained and removed safely.
    if (plan.create.length > 0) {
      stalled ??= await this.missingSecret(spec, namespace);
      const backoff = this.createBackoff.get(key);
      if (!stalled && backoff && now < backoff.until) stalled = { reason: "CreateRefused", message: backoff.message };
      if (stalled) plan.create = [];
    }
    const triedCreates = plan.create.length > 0;

    const byName = new Map(pods.map((p) => [p.metadata.name, p]));
    const serviceNames = new Set(
      this.services
        .items()
        .filter((s) => s.metadata.namespace === namespace)
        .map((s) => s.metadata.name),
    );
    const live = pods.filter((p) => !p.metadata.deletionTimestamp);
    const repairs = {
      missingServices: spec.media.exposure === "NodePort" ? live.filter((p) => !serviceNames.has(p.metadata.name)) : [],
      unadvertised: live.filter((p) => p.spec?.nodeName && !p.metadata.annotations?.[annotations.advertisedAddress]),
      missingBudget: !this.budgets.get(`${namespace}/${budgetName(fleet.metadata.name)}`),
    };

    const result = await act(
      { ...this.deps, fieldManager, now: () => now, nodeAddresses: (node) => this.nodeAddresses(node) },
      ref,
      regarding,
      plan,
      byName,
      repairs,
    );
    this.series.planned(seriesLabels, plan, bridges, now);
    if (result.refused.length > 0) {
      const message = result.refused.join("; ");
      stalled ??= { reason: "CreateRefused", message };
      const refusals = (this.createBackoff.get(key)?.refusals ?? 0) + 1;
      this.createBackoff.set(key, { until: now + Math.min(createBackoffBaseMs * 2 ** (refusals - 1), createBackoffMaxMs), refusals, message });
    } else if (triedCreates) {
      this.createBackoff.delete(key);
    }

    const status = computeStatus({
      generation,
      desiredReplicas,
      templateHash: hash,
      selector: fleetSelector(fleet.metadata.name),
      bridges,
      plan,
      ...(stalled ? { stalled } : {}),
      ...this.previous(fleet),
      now,
    });
    await this.writeStatus(fleet, status);
    this.series.export(seriesLabels, status, { desired: desiredReplicas, spec });
    if (spec.directory) {
      const inDirectory = { ...spec, directory: spec.directory };
      this.directoryReports.update(
        key,
        regarding,
        spec.directory,
        directoryName(spec.directory, namespace, fleet.metadata.name),
        fleetReport(inDirectory, status, false),
      );
    } else this.directoryReports.stop(key);
    if (stalled) this.stalledEvent(key, regarding, stalled.reason, stalled.message);
    else this.stalledBefore.delete(key);
    this.unschedulableEvent(key, regarding, bridges);

    if (result.errors.length > 0) throw new Error(result.errors.join("; "));
    const acted = plan.create.length + plan.delete.length + plan.drain.length + plan.undrain.length + plan.shutdown.length > 0;
    // Acting changes the world: look again soon. Otherwise wake for the next deadline, or resync.
    const retryCreates = this.createBackoff.get(key)?.until;
    const next = Math.min(
      acted ? 1_000 : this.options.resyncMs,
      plan.requeueAfterMs ?? Number.POSITIVE_INFINITY,
      retryCreates !== undefined ? Math.max(0, retryCreates - now) : Number.POSITIVE_INFINITY,
    );
    this.queue.addAfter(key, next);
    if (acted)
      log.info(
        {
          fleet: key,
          create: plan.create.map((c) => bridgeName(fleet.metadata.name, c.ordinal)),
          drain: plan.drain.map((d) => d.name),
          undrain: plan.undrain.map((d) => d.name),
          delete: plan.delete.map((d) => d.name),
          shutdown: plan.shutdown.map((d) => d.name),
        },
        "Reconciled fleet",
      );
  }

  private async missingSecret(spec: FleetSpec, namespace: string): Promise<{ reason: string; message: string } | undefined> {
    const ref = spec.signaling.authPasswordSecretRef;
    const secret = await this.deps.kube.get<{ data?: Record<string, string> }>(resourcePath({ version: "v1", plural: "secrets", namespace, name: ref.name }));
    if (secret && secret.data?.[ref.key] !== undefined) return undefined;
    return {
      reason: "SecretNotFound",
      message: `spec.signaling.authPasswordSecretRef: ${secret ? `key "${ref.key}" not in` : "no"} Secret ${namespace}/${ref.name}; no new bridges until it exists`,
    };
  }

  /** From the node cache; a node that joined a moment ago may not be there yet, so then from the API. */
  private async nodeAddresses(node: string): Promise<readonly NodeAddress[] | undefined> {
    const found = this.nodes.get(node) ?? (await this.deps.kube.get<Node>(resourcePath({ version: "v1", plural: "nodes", name: node })));
    return found ? (found.status?.addresses ?? []) : undefined;
  }

  private previous(fleet: MeetingFleet): { previous?: FleetStatus } {
    return fleet.status ? { previous: fleet.status } : {};
  }

  private async writeStatus(fleet: MeetingFleet, status: FleetStatus): Promise<void> {
    if (sameJson(fleet.status, status)) return;
    const path = resourcePath({ group, version, plural, namespace: fleet.metadata.namespace ?? "default", name: fleet.metadata.name, subresource: "status" });
    // A merge patch replaces the status' lists whole, which is what a full recomputation wants.
    try {
      const updated = await this.deps.kube.patch<MeetingFleet>(path, { status }, fieldManager);
      fleet.status = updated.status ?? status;
    } catch (error) {
      if (error instanceof ApiError && error.code === 404) return; // deleted meanwhile; its removal event follows
      throw error;
    }
  }

  /**
   * Pending bridges no node takes (a full node pool): not Stalled, since a node autoscaler or an admin may
   * add room and the pods then start by themselves; the operator creates no more meanwhile (they count as
   * the fleet's), so it waits without writing. One Warning per distinct set of such bridges.
   */
  private unschedulableEvent(key: string, regarding: Regarding, bridges: readonly ObservedBridge[]): void {
    const waiting = bridges.filter((b) => !b.deleting && b.unschedulable !== undefined);
    const names = unschedulableNames(waiting).join(",");
    if ((this.unschedulableBefore.get(key) ?? "") === names) return;
    if (names === "") this.unschedulableBefore.delete(key);
    else {
      this.unschedulableBefore.set(key, names);
      const message = unschedulableMessage(waiting);
      this.deps.events.record(regarding, "Warning", "BridgesUnschedulable", "Schedule", message);
      this.deps.log.warn({ fleet: key, message }, "Bridges cannot be scheduled");
    }
  }

  private stalledEvent(key: string, regarding: Regarding, reason: string, message: string): void {
    if (this.stalledBefore.get(key) === message) return; // once per distinct problem, not once per pass
    this.stalledBefore.set(key, message);
    this.deps.events.record(regarding, "Warning", reason, "Reconcile", message);
    this.deps.log.warn({ fleet: key, reason, message }, "Fleet stalled");
  }
}
