// What to do with a fleet's bridges, decided from what was observed: pure, so it is unit- and
// property-tested without an API server (after Agones' computeReconciliationAction).
//
// Rules, in order:
// - Bridges whose process ended are deleted (and so replaced).
// - A draining bridge is deleted once it has no local participants, by figures read after Jicofo can
//   have learnt of the drain (drainSettleMs) and showing the drain. Past its drain deadline it is told
//   to shut down (JVB's SHUTTING_DOWN, in which Jicofo moves whoever is left), and deleted when it has
//   exited or the shutdown grace has passed. A bridge whose figures are unknown is never taken for empty.
// - Too few active bridges: undrain draining ones first (load came back; their meetings never stopped),
//   then create the rest, capped per pass.
// - Too many: pods that never ran (no meeting can be on them) are deleted; otherwise the bridges with
//   the fewest conferences are drained (a drained bridge is gone when its last meeting ends, and the
//   fewer meetings it holds, the sooner that is), then the fewest local participants; never one with
//   unknown figures while one with known figures is left. Unknown figures are never read as zero.
// - A draining bridge that still hosts meetings in the last quarter of its drain deadline trades places
//   with an empty active bridge: it is undrained and the empty one drained (and so deleted at once). The
//   count stays; the empty bridge goes instead of the busy one at its deadline, so a meeting longer than
//   the deadline is not cut for a scale-down that an empty bridge could have paid for.
// - A bridge whose node is on its way out (cordoned, being removed by a node autoscaler) is drained at
//   once, whatever the count, and replaced elsewhere; it is never undrained while its node is leaving.
// - A bridge hosting meetings is protected from eviction (disruption.ts), an empty one is not.
// - Template changed (rolling upgrade): one new bridge first; when it is ready, drain one old bridge;
//   when that one is gone, the next. Jicofo never mixes bridge versions in a conference, so old and new
//   bridges serve side by side until the old meetings end.

import { wantsProtection } from "./disruption.ts";

export interface BridgeFigures {
  participants: number;
  conferences: number;
  stress: number;
  /** People in the bridge's largest conference (JVB's largest_conference), where the bridge says. */
  largestConference?: number;
  drain: boolean;
  shuttingDown: boolean;
  /** When these figures were read from the bridge. */
  readAt: number;
}

export interface ObservedBridge {
  name: string;
  ordinal: number;
  templateHash: string;
  createdAt: number;
  /** The pod is being deleted. */
  deleting: boolean;
  /** The bridge process ended (pod Succeeded or Failed). */
  exited: boolean;
  /** The pod runs (a JVB process may host meetings). A pod that never ran has none to cut. */
  running: boolean;
  /** Running and the bridge's REST API answered recently (fresh figures). */
  ready: boolean;
  /** From the pod's annotation: survives operator restarts. */
  drainingSince?: number;
  shutdownRequestedAt?: number;
  /** Fresh figures from /colibri/stats; undefined when unknown or stale. */
  figures?: BridgeFigures;
  /** The scheduler's reason why no node takes this pending bridge (a full node pool, no free host port). */
  unschedulable?: string;
  /** Why its node is on its way out (cordoned, being removed by a node autoscaler); undefined when it stays. */
  leavingNode?: string;
  /** The pod carries the in-use label and annotations that keep evictions and node autoscalers off it. */
  protectedFromEviction?: boolean;
}

export interface PlanInput {
  desiredReplicas: number;
  templateHash: string;
  drainDeadlineMs: number;
  now: number;
  bridges: readonly ObservedBridge[];
  limits?: Partial<PlanLimits>;
  /** Which bridges drain first on scale-down (default: fewest conferences). */
  victimOrder?: VictimOrder;
}

export type VictimOrder = "fewest-conferences" | "fewest-participants";

export interface PlanLimits {
  maxCreatesPerPass: number;
  maxDrainsPerPass: number;
  /** After a shutdown request, how long the bridge has to exit before its pod is deleted. */
  shutdownGraceMs: number;
  /**
   * How long after drain starts a bridge may still receive a conference: JVB publishes its drain flag
   * with its stats (every 5 s) and Jicofo acts on presence. Only figures read after this, showing the
   * drain, can prove a bridge empty.
   */
  drainSettleMs: number;
}

export const defaultLimits: PlanLimits = { maxCreatesPerPass: 16, maxDrainsPerPass: 8, shutdownGraceMs: 120_000, drainSettleMs: 15_000 };

export type Reason =
  | "BridgeExited"
  | "BridgeEmpty"
  | "DrainDeadlinePassed"
  | "ShutdownGraceElapsed"
  | "ScaleUp"
  | "ScaleDown"
  | "LoadReturned"
  | "KeepsItsMeetings"
  | "EmptyInstead"
  | "RollingUpgrade"
  | "NotReadyScaleDown"
  | "DrainStateRepair"
  | "NodeLeaving"
  | "InUse"
  | "NotInUse";

export interface Decision {
  name: string;
  reason: Reason;
}

export interface Plan {
  /** Ordinals of bridges to create (lowest free ones). */
  create: Array<{ ordinal: number; reason: Reason }>;
  drain: Decision[];
  undrain: Decision[];
  shutdown: Decision[];
  delete: Decision[];
  /** Bridges whose drain mode differs from the operator's record (bridge restarted, a call failed). */
  resyncDrain: Array<Decision & { drain: boolean }>;
  /** Bridges whose eviction protection is to change (it follows whether they host meetings). */
  protect: Array<Decision & { protect: boolean }>;
  /** When a time-based rule fires next (ms from now), if any. */
  requeueAfterMs?: number;
}

/** A plan that changes nothing. */
export const emptyPlan = (): Plan => ({ create: [], drain: [], undrain: [], shutdown: [], delete: [], resyncDrain: [], protect: [] });

// Unknown figures sort last: an unreachable bridge may well be full.
const known = (n: number | undefined) => n ?? Number.POSITIVE_INFINITY;
const byParticipants = (a: ObservedBridge, b: ObservedBridge) => known(a.figures?.participants) - known(b.figures?.participants);
const byConferences = (a: ObservedBridge, b: ObservedBridge) => known(a.figures?.conferences) - known(b.figures?.conferences);
const newestFirst = (a: ObservedBridge, b: ObservedBridge) => b.createdAt - a.createdAt || a.name.localeCompare(b.name);
const victimOrders: Record<VictimOrder, (a: ObservedBridge, b: ObservedBridge) => number> = {
  "fewest-conferences": (a, b) => byConferences(a, b) || byParticipants(a, b) || newestFirst(a, b),
  "fewest-participants": (a, b) => byParticipants(a, b) || newestFirst(a, b),
};

export function planFleet(input: PlanInput): Plan {
  const limits = { ...defaultLimits, ...input.limits };
  const { now } = input;
  const plan = emptyPlan();
  const wake = (atMs: number) => {
    const inMs = Math.max(0, atMs - now);
    plan.requeueAfterMs = plan.requeueAfterMs === undefined ? inMs : Math.min(plan.requeueAfterMs, inMs);
  };

  const present = input.bridges.filter((b) => !b.deleting);
  const exited = present.filter((b) => b.exited);
  for (const b of exited) plan.delete.push({ name: b.name, reason: "BridgeExited" });

  const alive = present.filter((b) => !b.exited);
  const draining = alive.filter((b) => b.drainingSince !== undefined);
  // Bridges on a leaving node go now: drained (no new conferences) and so replaced by the count below.
  for (const b of alive.filter((b) => b.drainingSince === undefined && b.leavingNode !== undefined))
    (b.running ? plan.drain : plan.delete).push({ name: b.name, reason: "NodeLeaving" });
  const active = alive.filter((b) => b.drainingSince === undefined && b.leavingNode === undefined);

  // Draining bridges: empty -> delete; deadline -> shutdown; shutdown grace -> delete.
  const stillDraining: ObservedBridge[] = [];
  for (const b of draining) {
    if (b.shutdownRequestedAt !== undefined) {
      const graceEnds = b.shutdownRequestedAt + limits.shutdownGraceMs;
      if (now >= graceEnds) plan.delete.push({ name: b.name, reason: "ShutdownGraceElapsed" });
      else wake(graceEnds);
    } else if (!b.running || provenEmpty(b, limits.drainSettleMs)) {
      // Never ran, or empty after Jicofo knew of the drain: nothing to cut. Unknown is not zero.
      plan.delete.push({ name: b.name, reason: "BridgeEmpty" });
    } else {
      const deadline = (b.drainingSince ?? now) + input.drainDeadlineMs;
      if (now >= deadline) plan.shutdown.push({ name: b.name, reason: "DrainDeadlinePassed" });
      else {
        stillDraining.push(b);
        const settled = (b.drainingSince ?? now) + limits.drainSettleMs;
        wake(settled > now ? Math.min(deadline, settled) : deadline);
      }
    }
  }

  const outdated = active.filter((b) => b.templateHash !== input.templateHash);
  const startingCurrent = active.filter((b) => b.templateHash === input.templateHash && !b.ready);
  const excess = active.length - input.desiredReplicas;

  if (excess < 0) {
    // Load came back: a draining bridge of the current template still has its meetings and a warm JVM.
    const undrainable = stillDraining
      .filter((b) => b.templateHash === input.templateHash && b.ready && b.leavingNode === undefined)
      .sort((a, b) => (b.figures?.participants ?? 0) - (a.figures?.participants ?? 0) || a.name.localeCompare(b.name));
    const undrained = undrainable.slice(0, -excess);
    for (const b of undrained) plan.undrain.push({ name: b.name, reason: "LoadReturned" });
    const toCreate = Math.min(-excess - undrained.length, limits.maxCreatesPerPass);
    for (const ordinal of freeOrdinals(input.bridges, toCreate)) plan.create.push({ ordinal, reason: "ScaleUp" });
  } else if (excess > 0) {
    // During a roll, a new bridge that is still starting is the surge, not an excess to remove.
    const removable = outdated.length > 0 ? excess - startingCurrent.length : excess;
    const victimFirst = victimOrders[input.victimOrder ?? "fewest-conferences"];
    const notRunningFirst = (list: ObservedBridge[]) => [...list.filter((b) => !b.running), ...list.filter((b) => b.running).sort(victimFirst)];
    const current = active.filter((b) => !outdated.includes(b) && !startingCurrent.includes(b));
    const candidates = outdated.length > 0 ? [...notRunningFirst(outdated), ...notRunningFirst(current)] : notRunningFirst(active);
    let drains = 0;
    for (const b of candidates.slice(0, Math.max(0, removable))) {
      if (!b.running) plan.delete.push({ name: b.name, reason: "NotReadyScaleDown" });
      else if (drains < limits.maxDrainsPerPass) {
        plan.drain.push({ name: b.name, reason: b.templateHash === input.templateHash ? "ScaleDown" : "RollingUpgrade" });
        drains++;
      }
    }
  } else if (outdated.length > 0 && draining.length === 0 && startingCurrent.length === 0) {
    const [ordinal] = freeOrdinals(input.bridges, 1);
    if (ordinal !== undefined) plan.create.push({ ordinal, reason: "RollingUpgrade" });
  }
  if (outdated.length === 0) {
    // Only in the last quarter of the drain deadline: until then an empty bridge is the fleet's room for
    // the next big meeting, and the busy one may still empty by itself (earlier trades, measured on the
    // benchmark's population, cost overload on flash crowds and saved no meeting more).
    const tradeFrom = (b: ObservedBridge) => (b.drainingSince ?? now) + 0.75 * input.drainDeadlineMs;
    const due = stillDraining.filter((b) => tradeFrom(b) <= now);
    const { emptyLeft } = tradeEmptyForBusy(plan, due, active, input.templateHash, limits.maxDrainsPerPass);
    // With an empty bridge still there, wake when the next busy one's trade is due.
    if (emptyLeft) for (const b of stillDraining) if (tradeFrom(b) > now) wake(tradeFrom(b));
  }

  // The bridge's own drain flag follows the operator's record, whatever happened to it.
  const changing = new Set([...plan.drain, ...plan.undrain, ...plan.delete].map((d) => d.name));
  for (const b of alive) {
    if (!b.figures || changing.has(b.name) || b.shutdownRequestedAt !== undefined) continue;
    const recorded = b.drainingSince !== undefined;
    if (b.figures.drain !== recorded) plan.resyncDrain.push({ name: b.name, reason: "DrainStateRepair", drain: recorded });
  }

  const deleted = new Set(plan.delete.map((d) => d.name));
  for (const b of alive) {
    const protect = wantsProtection(b);
    if (protect !== (b.protectedFromEviction ?? false) && !deleted.has(b.name))
      plan.protect.push({ name: b.name, reason: protect ? "InUse" : "NotInUse", protect });
  }
  return plan;
}

/**
 * Busy draining bridges, the nearest to their deadline first, trade places with empty active ones: the
 * count stays, the empty bridge goes now, and the meetings on the busy one are no longer on a clock.
 */
function tradeEmptyForBusy(
  plan: Plan,
  stillDraining: readonly ObservedBridge[],
  active: readonly ObservedBridge[],
  templateHash: string,
  maxDrains: number,
): { emptyLeft: boolean } {
  const chosen = new Set([...plan.drain, ...plan.undrain].map((d) => d.name));
  const busy = stillDraining
    .filter((b) => !chosen.has(b.name) && b.templateHash === templateHash && b.ready && b.leavingNode === undefined && (b.figures?.participants ?? 0) > 0)
    .sort((a, b) => (a.drainingSince ?? 0) - (b.drainingSince ?? 0) || a.name.localeCompare(b.name));
  const empty = active.filter((b) => b.ready && !chosen.has(b.name) && b.figures?.participants === 0 && b.figures.conferences === 0);
  const trades = Math.min(busy.length, empty.length, maxDrains - plan.drain.length);
  for (let i = 0; i < trades; i++) {
    plan.undrain.push({ name: busy[i]!.name, reason: "KeepsItsMeetings" });
    plan.drain.push({ name: empty[i]!.name, reason: "EmptyInstead" });
  }
  return { emptyLeft: empty.length > trades };
}

/** Empty by figures read after the drain had settled, and showing it: no conference can still be on its way. */
export function provenEmpty(b: ObservedBridge, drainSettleMs: number): boolean {
  const f = b.figures;
  return f !== undefined && b.drainingSince !== undefined && f.participants === 0 && f.drain && f.readAt >= b.drainingSince + drainSettleMs;
}

/** The lowest ordinals no bridge uses (a deleting pod still holds its name). */
export function freeOrdinals(bridges: readonly ObservedBridge[], count: number): number[] {
  const used = new Set(bridges.map((b) => b.ordinal));
  const free: number[] = [];
  for (let ordinal = 0; free.length < count; ordinal++) if (!used.has(ordinal)) free.push(ordinal);
  return free;
}
