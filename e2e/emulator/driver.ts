// The conference driver: a simulated Jicofo plus its users. Conferences arrive from a load script or a
// trace; Jicofo places its participants by its selection rules with Octo (a conference may span
// bridges), reading presence (stress, drain, shutdown state) from the bridge's periodic stats as it does
// from XMPP presence. Participants never move while their bridge lives. When a bridge disappears or
// starts SHUTTING_DOWN with people still in it, Jicofo re-invites them elsewhere: their call is cut.
// That is the harm the operator must avoid, so every such conference is recorded as interrupted.

import type { EmulatedBridge } from "./bridge.ts";
import type { Clock, Timer } from "./clock.ts";
import { addJoiners, type BridgePresence, jicofoDefaults, type PlacementRules, placeParticipants } from "./placement.ts";
import { conferenceParts, sendersOf } from "./stress.ts";
import type { ConferenceArrival } from "./trace.ts";

export interface BridgeDirectory {
  bridges(): Iterable<EmulatedBridge>;
}

export interface DriverOptions {
  placement: PlacementRules;
  /** Participants per conference per bridge (Jicofo's max-bridge-participants); Octo spills the rest. */
  maxBridgeParticipants: number;
  /** How long Jicofo counts an endpoint it placed as "recent" when correcting stress. */
  rampUpMs: number;
  /** How often Jicofo looks at presence to move conferences off bridges that are shutting down. */
  healthCheckMs: number;
  /** Replay speed: 60 plays a trace hour in a minute. */
  timeScale: number;
}

export const driverDefaults: DriverOptions = {
  placement: jicofoDefaults,
  maxBridgeParticipants: 80,
  rampUpMs: 20_000,
  healthCheckMs: 1_000,
  timeScale: 1,
};

export interface Interruption {
  conferenceId: string;
  bridgeId: string;
  participants: number;
  reason: "bridge-gone" | "bridge-shutting-down";
  at: string;
}

export interface DriverStats {
  activeConferences: number;
  participants: number;
  pendingArrivals: number;
  conferencesStarted: number;
  conferencesEnded: number;
  conferencesRefused: number;
  participantsRefused: number;
  placedOnOverloadedBridge: number;
  interrupted: number;
  interruptions: Interruption[];
}

interface Conference {
  id: string;
  region?: string;
  /** Bridge id -> the conference's participants and senders there. */
  spread: Map<string, { participants: number; senders: number }>;
  endTimer?: Timer;
}

const participantsOf = (c: Conference) => [...c.spread.values()].reduce((sum, p) => sum + p.participants, 0);

const keptInterruptions = 200;

export class ConferenceDriver {
  private readonly directory: BridgeDirectory;
  private readonly clock: Clock;
  private readonly options: DriverOptions;
  private readonly conferences = new Map<string, Conference>();
  private readonly recentPlacements = new Map<string, Array<{ at: number; count: number }>>();
  private readonly pending = new Set<Timer>();
  private nextId = 1;
  private healthTimer: Timer | undefined;
  private readonly counters = {
    conferencesStarted: 0,
    conferencesEnded: 0,
    conferencesRefused: 0,
    participantsRefused: 0,
    placedOnOverloadedBridge: 0,
    interrupted: 0,
  };
  private readonly interruptions: Interruption[] = [];

  constructor(directory: BridgeDirectory, clock: Clock, options: Partial<DriverOptions> = {}) {
    this.directory = directory;
    this.clock = clock;
    this.options = { ...driverDefaults, ...options };
    this.scheduleHealthCheck();
  }

  /** Replaces whatever load was pending with these arrivals, timed from now. Running conferences go on. */
  replay(arrivals: readonly ConferenceArrival[]): void {
    this.stopLoad();
    const scale = this.options.timeScale;
    for (const arrival of arrivals) {
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(timer);
        this.start(arrival);
      }, arrival.startMs / scale);
      this.pending.add(timer);
    }
  }

  stopLoad(): void {
    for (const t of this.pending) t.cancel();
    this.pending.clear();
  }

  /** Every running conference ends normally (its people hang up): not an interruption. */
  endAll(): void {
    for (const conference of [...this.conferences.values()]) this.end(conference);
  }

  shutdown(): void {
    this.stopLoad();
    this.healthTimer?.cancel();
    for (const c of this.conferences.values()) c.endTimer?.cancel();
  }

  /** The bridge process is gone (pod deleted, node lost, process exited). */
  bridgeGone(bridgeId: string): void {
    for (const conference of [...this.conferences.values()]) {
      if (conference.spread.has(bridgeId)) this.interrupt(conference, bridgeId, "bridge-gone");
    }
  }

  stats(): DriverStats {
    let participants = 0;
    for (const c of this.conferences.values()) participants += participantsOf(c);
    return {
      ...this.counters,
      activeConferences: this.conferences.size,
      participants,
      pendingArrivals: this.pending.size,
      interruptions: [...this.interruptions],
    };
  }

  /** Jicofo's view of the bridges: presence as last reported, plus its own recent placements. */
  presence(): BridgePresence[] {
    const now = this.clock.now();
    const result: BridgePresence[] = [];
    for (const bridge of this.directory.bridges()) {
      const stats = bridge.stats();
      const recent = (this.recentPlacements.get(bridge.config.id) ?? []).filter((p) => now - p.at < this.options.rampUpMs);
      this.recentPlacements.set(bridge.config.id, recent);
      const presence: BridgePresence = {
        id: bridge.config.id,
        operational: !bridge.hasExited && stats.healthy,
        draining: stats.drain,
        gracefulShutdown: stats.graceful_shutdown,
        shuttingDown: stats.shutting_down,
        stress: stats.stress_level,
        recentEndpoints: recent.reduce((sum, p) => sum + p.count, 0),
        version: stats.version,
      };
      if (stats.region !== undefined) presence.region = stats.region;
      result.push(presence);
    }
    return result;
  }

  private findBridge(id: string): EmulatedBridge | undefined {
    for (const bridge of this.directory.bridges()) if (bridge.config.id === id) return bridge;
    return undefined;
  }

  private start(arrival: ConferenceArrival): void {
    const conference: Conference = { id: `conf-${this.nextId++}`, spread: new Map() };
    if (arrival.region !== undefined) conference.region = arrival.region;
    this.join(conference, arrival.participants, sendersOf(arrival.participants));
    if (conference.spread.size === 0) {
      this.counters.conferencesRefused++;
      return;
    }
    this.counters.conferencesStarted++;
    conference.endTimer = this.clock.setTimeout(() => this.end(conference), arrival.durationMs / this.options.timeScale);
    this.conferences.set(conference.id, conference);
  }

  /** Jicofo places `count` joiners of a conference (the first `senders` of them unmuted). */
  private join(conference: Conference, count: number, senders: number): void {
    const request = {
      count,
      senders,
      current: new Map([...conference.spread].map(([id, p]) => [id, p.participants])),
      ...(conference.region !== undefined ? { region: conference.region } : {}),
    };
    const placed = placeParticipants(
      this.presence(),
      request,
      this.options,
      this.options.placement,
      (bridgeId) => this.findBridge(bridgeId)?.allocate(conference.id) === "allocated",
    );
    this.counters.participantsRefused += placed.refused;
    if (placed.onOverloaded) this.counters.placedOnOverloadedBridge++;
    addJoiners(conference.spread, placed);
    const now = this.clock.now();
    for (const [bridgeId, part] of placed.parts) {
      const recent = this.recentPlacements.get(bridgeId) ?? [];
      recent.push({ at: now, count: part.participants });
      this.recentPlacements.set(bridgeId, recent);
    }
    this.spreadOut(conference);
  }

  /** Tells every bridge of the conference its part (relays and senders change with every move). */
  private spreadOut(conference: Conference): void {
    for (const [bridgeId, part] of conferenceParts(conference.spread)) this.findBridge(bridgeId)?.setPart(conference.id, part);
  }

  private end(conference: Conference): void {
    conference.endTimer?.cancel();
    this.conferences.delete(conference.id);
    for (const bridgeId of conference.spread.keys()) this.findBridge(bridgeId)?.expire(conference.id);
    this.counters.conferencesEnded++;
  }

  private interrupt(conference: Conference, bridgeId: string, reason: Interruption["reason"]): void {
    const lost = conference.spread.get(bridgeId);
    if (!lost) return;
    this.counters.interrupted++;
    this.interruptions.push({ conferenceId: conference.id, bridgeId, participants: lost.participants, reason, at: new Date(this.clock.now()).toISOString() });
    if (this.interruptions.length > keptInterruptions) this.interruptions.shift();
    conference.spread.delete(bridgeId);
    this.findBridge(bridgeId)?.expire(conference.id);

    // Jicofo re-invites them to other bridges; the meeting goes on there, after the cut.
    this.join(conference, lost.participants, lost.senders);
    if (conference.spread.size === 0) this.end(conference);
  }

  private scheduleHealthCheck(): void {
    this.healthTimer = this.clock.setTimeout(() => {
      const shuttingDown = new Set(
        this.presence()
          .filter((p) => p.shuttingDown)
          .map((p) => p.id),
      );
      for (const conference of [...this.conferences.values()]) {
        for (const bridgeId of [...conference.spread.keys()]) if (shuttingDown.has(bridgeId)) this.interrupt(conference, bridgeId, "bridge-shutting-down");
      }
      this.scheduleHealthCheck();
    }, this.options.healthCheckMs);
  }
}
