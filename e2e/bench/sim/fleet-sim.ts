// A trace-driven simulation of one bridge fleet under one scaling policy, with the emulator's bridge
// model: Jicofo's placement with Octo (placeParticipants) reading presence from stats published every
// 5 s, the stress model, a start delay before a new bridge is useful, and 80 participants per conference
// per bridge.
// Policies that remove bridges gracefully (ours, jitsi-autoscaler) act through the operator's own
// planFleet, unchanged: drain the emptiest, delete when proven empty, undrain before creating.
// Others remove bridges as their peers do: the ReplicaSet's victim (newest first, meetings cut) or
// only empty servers (Agones never deletes an Allocated one).

import { type ObservedBridge, planFleet, type VictimOrder } from "../../../operator/src/fleet/plan.ts";
import { addJoiners, type BridgePresence, correctedStress, jicofoDefaults, placeParticipants } from "../../emulator/placement.ts";
import { type ConferencePart, conferenceParts, defaultStressModel, type StressModel, sendersOf, stressLevel } from "../../emulator/stress.ts";
import { type BenchArrival, joinedBy } from "../traces.ts";
import { type LoadRedistribution, redistributionMoves } from "./load-redistribution.ts";

export interface SimOptions {
  stepMs: number;
  /** From creation until Jicofo can use the bridge: pod start, JVM, joining the brewery (assumption: 60 s). */
  startDelayMs: number;
  statsIntervalMs: number;
  maxBridgeParticipants: number;
  drainSettleMs: number;
  drainDeadlineMs: number;
  model: StressModel;
  /** Jicofo's automatic load redistribution, when switched on (it is off by default). */
  loadRedistribution?: LoadRedistribution;
  /** How often `series` records the fleet (a multiple of stepMs). */
  seriesEveryMs: number;
  /** A media pool that follows the bridges, one bridge a node (HostPort); unset: a free node is always there. */
  nodePool?: NodePoolModel;
  /** Figures count from here on: the time before is the fleet's past (warm-up), lived but not measured. */
  measureFromMs?: number;
}

/** Assumptions about an autoscaled node pool (stated in the benchmark's report). */
export interface NodePoolModel {
  /** From asking for a node to its joining the cluster: VM boot, cloud-init, k3s agent (60-180 s). */
  bootMs: number;
  /** How long an emptied node stays before the node autoscaler removes it (cluster-autoscaler: 10 min). */
  idleMs: number;
}

export const simDefaults: SimOptions = {
  stepMs: 5_000,
  startDelayMs: 60_000,
  statsIntervalMs: 5_000,
  maxBridgeParticipants: 80,
  drainSettleMs: 15_000,
  drainDeadlineMs: 8 * 3_600_000,
  model: defaultStressModel,
  seriesEveryMs: 60_000,
};

export interface BridgeView {
  id: number;
  ready: boolean;
  draining: boolean;
  ageMs: number;
  /** As last published by the bridge: stale by up to a stats interval. Undefined while starting. */
  figures?: { participants: number; conferences: number; stress: number; largestConference: number };
}

export interface FleetView {
  now: number;
  bridges: BridgeView[];
}

export type RemovalStyle = "drain" | "delete-newest" | "delete-empty";

export interface ScalingPolicy {
  name: string;
  /** How often the policy decides (ms); 0: on every step. */
  intervalMs: number;
  removal: RemovalStyle;
  /** With removal "drain": which bridges drain first (planFleet's default when unset). */
  victimOrder?: VictimOrder;
  initialBridges: number;
  /** The desired number of active (non-draining) bridges. */
  decide(view: FleetView): number;
}

export interface SimResult {
  policy: string;
  bridgeHours: number;
  /** Share of participant-time spent on a bridge above stress 0.8. */
  overloadShare: number;
  interrupted: number;
  conferencesRefused: number;
  placedOnOverloaded: number;
  scaleActions: number;
  /** Participants Jicofo's load redistribution moved to another bridge (their media restarts, their meeting goes on). */
  endpointsMoved: number;
  series: Array<{ t: number; bridges: number; participants: number }>;
  /** Node-hours of the media pool: bridges' nodes and emptied nodes not yet removed (= bridge-hours without a pool model). */
  nodeHours: number;
  peakNodes: number;
}

interface Bridge {
  id: number;
  createdAt: number;
  readyAt: number;
  drainingSince?: number;
  /** Conference id -> its part here. */
  parts: Map<number, ConferencePart>;
  /** Live figures, refreshed whenever a part changes. */
  stress: number;
  participants: number;
  recent: Array<{ at: number; count: number }>;
  published?: { participants: number; conferences: number; stress: number; largestConference: number; drain: boolean; at: number };
}

interface Conference {
  id: number;
  endsAt: number;
  /** Bridge id -> participants and senders there. */
  spread: Map<string, { participants: number; senders: number }>;
}

export function simulate(trace: readonly BenchArrival[], policy: ScalingPolicy, fromMs: number, toMs: number, options: Partial<SimOptions> = {}): SimResult {
  const o = { ...simDefaults, ...options };
  const arrivals = [...trace].filter((c) => c.startMs >= fromMs && c.startMs < toMs).sort((a, b) => a.startMs - b.startMs);
  const bridges = new Map<number, Bridge>();
  const conferences = new Map<number, Conference>();
  let nextBridge = 0;
  let nextConference = 0;
  let nextArrival = 0;
  let lastDecision = -Infinity;
  let desired = policy.initialBridges;
  const zeroCounters = {
    nodeMs: 0,
    peakNodes: 0,
    bridgeMs: 0,
    participantMs: 0,
    overloadMs: 0,
    interrupted: 0,
    refused: 0,
    placedOnOverloaded: 0,
    scaleActions: 0,
    endpointsMoved: 0,
  };
  const counters = { ...zeroCounters };
  let measuring = false;
  /** When Jicofo's load redistribution last moved endpoints off each bridge. */
  const movedAt = new Map<number, number>();
  const series: SimResult["series"] = [];
  /** Meetings whose people are still joining. */
  let filling: Array<{ arrival: BenchArrival; conference: Conference; joined: number; refused: boolean }> = [];

  /** Emptied nodes of the pool model, by the time the node autoscaler removes each. */
  let idleNodesUntil: number[] = [];
  const addBridge = (now: number, ready = false) => {
    const id = nextBridge++;
    // A new bridge takes an emptied node when there is one, and otherwise waits for a new node to boot.
    idleNodesUntil = idleNodesUntil.filter((until) => until > now);
    const bootMs = o.nodePool && !ready && idleNodesUntil.shift() === undefined ? o.nodePool.bootMs : 0;
    bridges.set(id, { id, createdAt: now, readyAt: ready ? now : now + bootMs + o.startDelayMs, parts: new Map(), stress: 0, participants: 0, recent: [] });
  };
  for (let i = 0; i < policy.initialBridges; i++) addBridge(fromMs, true);

  const isReady = (b: Bridge, now: number) => now >= b.readyAt;
  /** The bridge as Jicofo sees it: its last stats, and the endpoints Jicofo placed there in the last 20 s. */
  const presenceOf = (b: Bridge, now: number): BridgePresence => {
    b.recent = b.recent.filter((r) => now - r.at < 20_000);
    return {
      id: String(b.id),
      operational: true,
      draining: b.published?.drain ?? false,
      gracefulShutdown: false,
      shuttingDown: false,
      stress: b.published?.stress ?? 0,
      recentEndpoints: b.recent.reduce((a, r) => a + r.count, 0),
      version: "1",
    };
  };
  const refresh = (b: Bridge) => {
    b.stress = stressLevel(b.parts.values(), o.model);
    b.participants = [...b.parts.values()].reduce((a, p) => a + p.local, 0);
  };
  /** Writes a conference's spread into the bridges it touches (relays and senders change every part). */
  const spreadOut = (conference: Conference, touched: Iterable<number>) => {
    const parts = conferenceParts(conference.spread);
    for (const id of new Set([...touched, ...[...conference.spread.keys()].map(Number)])) {
      const b = bridges.get(id);
      if (!b) continue;
      const part = parts.get(String(id));
      if (part) b.parts.set(conference.id, part);
      else b.parts.delete(conference.id);
      refresh(b);
    }
  };

  /** Jicofo places joiners of a conference; false when some of them found no bridge. */
  const join = (conference: Conference, count: number, senders: number, now: number): boolean => {
    const presence = [...bridges.values()].filter((b) => isReady(b, now)).map((b) => presenceOf(b, now));
    const current = new Map([...conference.spread].map(([id, p]) => [id, p.participants]));
    const placed = placeParticipants(presence, { count, senders, current }, { maxBridgeParticipants: o.maxBridgeParticipants }, jicofoDefaults);
    if (placed.onOverloaded) counters.placedOnOverloaded++;
    addJoiners(conference.spread, placed);
    for (const [id, p] of placed.parts) bridges.get(Number(id))!.recent.push({ at: now, count: p.participants });
    spreadOut(conference, []);
    return placed.refused === 0;
  };

  const removeBridge = (id: number, now: number) => {
    const bridge = bridges.get(id);
    if (!bridge) return;
    bridges.delete(id);
    if (o.nodePool) idleNodesUntil.push(now + o.nodePool.idleMs);
    for (const confId of bridge.parts.keys()) {
      const conference = conferences.get(confId);
      const lost = conference?.spread.get(String(id));
      if (!conference || !lost) continue;
      conference.spread.delete(String(id));
      if (lost.participants > 0) counters.interrupted++;
      // Jicofo re-invites them elsewhere: the meeting goes on after the cut.
      if (!join(conference, lost.participants, lost.senders, now)) counters.refused++;
      if (conference.spread.size === 0) conferences.delete(confId);
    }
  };

  /** Jicofo moves endpoints off overloaded bridges and re-invites them: its selector places them anew. */
  const redistribute = (now: number, config: LoadRedistribution) => {
    const candidates = [...bridges.values()]
      .filter((b) => isReady(b, now) && b.published)
      .map((b) => ({
        id: b.id,
        correctedStress: correctedStress(presenceOf(b, now)),
        conferences: new Map([...b.parts.keys()].map((c) => [c, conferences.get(c)?.spread.get(String(b.id))?.participants ?? 0])),
      }));
    for (const { bridge, moves } of redistributionMoves(candidates, config, jicofoDefaults.stressThreshold, now, movedAt)) {
      movedAt.set(bridge, now);
      for (const [id, count] of moves) {
        const conference = conferences.get(id)!;
        const part = conference.spread.get(String(bridge))!;
        const senders = Math.round((part.senders * count) / part.participants);
        if (count === part.participants) conference.spread.delete(String(bridge));
        else conference.spread.set(String(bridge), { participants: part.participants - count, senders: part.senders - senders });
        spreadOut(conference, [bridge]);
        if (!join(conference, count, senders, now)) counters.refused++;
        counters.endpointsMoved += count;
      }
    }
  };

  const view = (now: number): FleetView => ({
    now,
    bridges: [...bridges.values()].map((b) => {
      const v: BridgeView = { id: b.id, ready: isReady(b, now), draining: b.drainingSince !== undefined, ageMs: now - b.createdAt };
      if (b.published) {
        const { participants, conferences, stress, largestConference } = b.published;
        v.figures = { participants, conferences, stress, largestConference };
      }
      return v;
    }),
  });

  const observed = (now: number): ObservedBridge[] =>
    [...bridges.values()].map((b) => {
      const ob: ObservedBridge = {
        name: String(b.id),
        ordinal: b.id,
        templateHash: "t",
        createdAt: b.createdAt,
        deleting: false,
        exited: false,
        running: true,
        ready: isReady(b, now) && !!b.published,
      };
      if (b.drainingSince !== undefined) ob.drainingSince = b.drainingSince;
      if (b.published && isReady(b, now)) ob.figures = { ...b.published, shuttingDown: false, readAt: b.published.at };
      return ob;
    });

  const act = (now: number) => {
    const active = [...bridges.values()].filter((b) => b.drainingSince === undefined);
    if (policy.removal === "drain") {
      const plan = planFleet({
        desiredReplicas: desired,
        templateHash: "t",
        drainDeadlineMs: o.drainDeadlineMs,
        now,
        bridges: observed(now),
        limits: { drainSettleMs: o.drainSettleMs, maxCreatesPerPass: 1_000, maxDrainsPerPass: 1_000 },
        ...(policy.victimOrder ? { victimOrder: policy.victimOrder } : {}),
      });
      for (const _ of plan.create) addBridge(now);
      for (const d of plan.drain) bridges.get(Number(d.name))!.drainingSince = now;
      for (const d of plan.undrain) delete bridges.get(Number(d.name))!.drainingSince;
      for (const d of [...plan.delete, ...plan.shutdown]) removeBridge(Number(d.name), now);
      return;
    }
    if (desired > active.length) for (let i = active.length; i < desired; i++) addBridge(now);
    if (desired < active.length) {
      const excess = active.length - desired;
      const victims =
        policy.removal === "delete-newest"
          ? [...active].sort((a, b) => Number(isReady(a, now)) - Number(isReady(b, now)) || b.createdAt - a.createdAt).slice(0, excess)
          : active.filter((b) => b.parts.size === 0).slice(0, excess);
      for (const v of victims) removeBridge(v.id, now);
    }
  };

  for (let now = fromMs; now < toMs; now += o.stepMs) {
    if (!measuring && now >= (o.measureFromMs ?? fromMs)) {
      measuring = true;
      Object.assign(counters, zeroCounters);
    }
    for (const c of [...conferences.values()]) {
      if (c.endsAt > now) continue;
      conferences.delete(c.id);
      const touched = [...c.spread.keys()].map(Number);
      c.spread.clear();
      spreadOut(c, touched);
    }
    while (nextArrival < arrivals.length && arrivals[nextArrival]!.startMs < now + o.stepMs) {
      const arrival = arrivals[nextArrival++]!;
      filling.push({
        arrival,
        conference: { id: nextConference++, endsAt: arrival.startMs + arrival.durationMs, spread: new Map() },
        joined: 0,
        refused: false,
      });
    }
    // Those who arrive before the next step join now; the first senders of the meeting send.
    for (const f of filling) {
      const due = joinedBy(f.arrival, now + o.stepMs);
      if (due <= f.joined || now >= f.conference.endsAt) continue;
      const senders = Math.max(0, Math.min(due, sendersOf(f.arrival.participants, o.model)) - f.joined);
      if (!join(f.conference, due - f.joined, senders, now) && !f.refused) {
        f.refused = true;
        counters.refused++;
      }
      f.joined = due;
      if (f.conference.spread.size > 0) conferences.set(f.conference.id, f.conference);
    }
    filling = filling.filter((f) => f.joined < f.arrival.participants && now < f.conference.endsAt);
    if ((now - fromMs) % o.statsIntervalMs === 0) {
      for (const b of bridges.values()) {
        if (!isReady(b, now)) continue;
        const largestConference = Math.max(0, ...[...b.parts.values()].map((p) => p.local + p.remote));
        b.published = {
          participants: b.participants,
          conferences: b.parts.size,
          stress: b.stress,
          largestConference,
          drain: b.drainingSince !== undefined,
          at: now,
        };
      }
    }
    if (o.loadRedistribution && (now - fromMs) % o.loadRedistribution.intervalMs === 0) redistribute(now, o.loadRedistribution);
    if (now - lastDecision >= policy.intervalMs) {
      lastDecision = now;
      const before = desired;
      desired = policy.decide(view(now));
      if (desired !== before) counters.scaleActions++;
    }
    act(now);

    let participants = 0;
    let overloaded = 0;
    for (const b of bridges.values()) {
      participants += b.participants;
      if (b.stress > jicofoDefaults.stressThreshold) overloaded += b.participants;
    }
    counters.participantMs += participants * o.stepMs;
    counters.overloadMs += overloaded * o.stepMs;
    counters.bridgeMs += bridges.size * o.stepMs;
    const nodes = bridges.size + idleNodesUntil.filter((until) => until > now).length;
    counters.nodeMs += nodes * o.stepMs;
    counters.peakNodes = Math.max(counters.peakNodes, nodes);
    if (measuring && (now - fromMs) % o.seriesEveryMs === 0) series.push({ t: now, bridges: bridges.size, participants });
  }

  return {
    policy: policy.name,
    bridgeHours: counters.bridgeMs / 3_600_000,
    nodeHours: counters.nodeMs / 3_600_000,
    peakNodes: counters.peakNodes,
    overloadShare: counters.participantMs > 0 ? counters.overloadMs / counters.participantMs : 0,
    interrupted: counters.interrupted,
    conferencesRefused: counters.refused,
    placedOnOverloaded: counters.placedOnOverloaded,
    scaleActions: counters.scaleActions,
    endpointsMoved: counters.endpointsMoved,
    series,
  };
}
