// The conference driver: a simulated Jicofo plus its users. Conferences arrive from a load script or a
// trace; Jicofo places each on a bridge by its selection rules, reading presence (stress, drain,
// shutdown state) from the bridge's periodic stats as it does from XMPP presence; participants join and
// leave. A conference is never moved while its bridge lives. When its bridge disappears or starts
// SHUTTING_DOWN with people still in it, Jicofo re-invites them elsewhere: their call is cut. That is
// the harm the operator must avoid, so every such conference is recorded as interrupted.

import type { EmulatedBridge } from "./bridge.ts";
import type { Clock, Timer } from "./clock.ts";
import { correctedStress, jicofoDefaults, selectBridge, type BridgePresence, type PlacementRules } from "./placement.ts";
import type { ConferenceArrival } from "./trace.ts";

export interface BridgeDirectory {
  bridges(): Iterable<EmulatedBridge>;
}

export interface DriverOptions {
  placement: PlacementRules;
  /** Participants per conference per bridge (Jicofo's max-bridge-participants); joiners past it are refused. */
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
  participants: number;
  region?: string;
  bridgeId: string;
  endTimer: Timer;
}

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
    for (const c of this.conferences.values()) c.endTimer.cancel();
  }

  /** The bridge process is gone (pod deleted, node lost, process exited). */
  bridgeGone(bridgeId: string): void {
    for (const conference of [...this.conferences.values()]) {
      if (conference.bridgeId === bridgeId) this.interrupt(conference, "bridge-gone");
    }
  }

  stats(): DriverStats {
    let participants = 0;
    for (const c of this.conferences.values()) participants += c.participants;
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
    const id = `conf-${this.nextId++}`;
    const durationMs = arrival.durationMs / this.options.timeScale;
    const placed = this.place(id, arrival.participants, arrival.region);
    if (!placed) {
      this.counters.conferencesRefused++;
      return;
    }
    this.counters.conferencesStarted++;
    const conference: Conference = {
      id,
      participants: placed.participants,
      bridgeId: placed.bridgeId,
      endTimer: this.clock.setTimeout(() => this.end(conference), durationMs),
    };
    if (arrival.region !== undefined) conference.region = arrival.region;
    this.conferences.set(id, conference);
  }

  /** Places a conference and lets its participants join; undefined when no bridge takes it. */
  private place(id: string, participants: number, region?: string): { bridgeId: string; participants: number } | undefined {
    const candidates = this.presence();
    for (;;) {
      const request = region === undefined ? {} : { region };
      const chosen = selectBridge(candidates, request, this.options.placement);
      if (!chosen) return undefined;
      const bridge = this.findBridge(chosen.id);
      if (bridge && bridge.allocate(id) === "allocated") {
        if (correctedStress(chosen, this.options.placement) >= this.options.placement.stressThreshold) {
          this.counters.placedOnOverloadedBridge++;
        }
        const admitted = Math.min(participants, this.options.maxBridgeParticipants);
        this.counters.participantsRefused += participants - admitted;
        bridge.join(id, admitted);
        const recent = this.recentPlacements.get(chosen.id) ?? [];
        recent.push({ at: this.clock.now(), count: admitted });
        this.recentPlacements.set(chosen.id, recent);
        return { bridgeId: chosen.id, participants: admitted };
      }
      // The bridge refused (it entered graceful shutdown since its last presence): try the others.
      candidates.splice(candidates.indexOf(chosen), 1);
    }
  }

  private end(conference: Conference): void {
    conference.endTimer.cancel();
    this.conferences.delete(conference.id);
    const bridge = this.findBridge(conference.bridgeId);
    bridge?.leave(conference.id, conference.participants);
    bridge?.expire(conference.id);
    this.counters.conferencesEnded++;
  }

  private interrupt(conference: Conference, reason: Interruption["reason"]): void {
    this.counters.interrupted++;
    this.interruptions.push({
      conferenceId: conference.id,
      bridgeId: conference.bridgeId,
      participants: conference.participants,
      reason,
      at: new Date(this.clock.now()).toISOString(),
    });
    if (this.interruptions.length > keptInterruptions) this.interruptions.shift();
    this.findBridge(conference.bridgeId)?.expire(conference.id);

    // Jicofo re-invites everyone to a new bridge; the meeting goes on there, after the cut.
    const placed = this.place(conference.id, conference.participants, conference.region);
    if (placed) {
      conference.bridgeId = placed.bridgeId;
      conference.participants = placed.participants;
    } else {
      conference.endTimer.cancel();
      this.conferences.delete(conference.id);
      this.counters.conferencesEnded++;
    }
  }

  private scheduleHealthCheck(): void {
    this.healthTimer = this.clock.setTimeout(() => {
      const shuttingDown = new Set(this.presence().filter((p) => p.shuttingDown).map((p) => p.id));
      for (const conference of [...this.conferences.values()]) {
        if (shuttingDown.has(conference.bridgeId)) this.interrupt(conference, "bridge-shutting-down");
      }
      this.scheduleHealthCheck();
    }, this.options.healthCheckMs);
  }
}
