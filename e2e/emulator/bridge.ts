// One emulated Jitsi Videobridge: conferences and their local endpoints, drain mode, and JVB's
// shutdown state machine (ShutdownManager.kt): RUNNING -> GRACEFUL_SHUTDOWN (new conferences refused,
// running ones go on and accept joiners) -> SHUTTING_DOWN once local endpoints <= the minimum (0) or
// the graceful period (24 h) ends -> the process exits after the shutting-down delay (1 min).
// A forced shutdown goes straight to SHUTTING_DOWN. Stats are a snapshot regenerated every interval
// (5 s in JVB), so readers see figures up to one interval old, as they do from a real bridge.

import type { Clock, Timer } from "./clock.ts";
import { type ConferencePart, defaultStressModel, partPacketRate, type StressModel, wholeConference } from "./stress.ts";

export type ShutdownState = "RUNNING" | "GRACEFUL_SHUTDOWN" | "SHUTTING_DOWN";

export interface BridgeConfig {
  id: string;
  version: string;
  region?: string;
  relayId?: string;
  statsIntervalMs: number;
  gracefulShutdownMinParticipants: number;
  gracefulShutdownMaxDurationMs: number;
  shuttingDownDelayMs: number;
  stressModel: StressModel;
}

export const jvbDefaults = {
  statsIntervalMs: 5_000,
  gracefulShutdownMinParticipants: 0,
  gracefulShutdownMaxDurationMs: 24 * 3600_000,
  shuttingDownDelayMs: 60_000,
  stressModel: defaultStressModel,
} satisfies Partial<BridgeConfig>;

/** The /colibri/stats document, with JVB's field names. */
export interface ColibriStats {
  stress_level: number;
  participants: number;
  endpoints: number;
  local_endpoints: number;
  local_active_endpoints: number;
  endpoints_sending_audio: number;
  endpoints_sending_video: number;
  conferences: number;
  largest_conference: number;
  octo_endpoints: number;
  octo_conferences: number;
  /** Only with relays (Octo) enabled, as in JVB. */
  relay_id?: string;
  region?: string;
  drain: boolean;
  graceful_shutdown: boolean;
  shutting_down: boolean;
  healthy: boolean;
  version: string;
  bit_rate_download: number;
  bit_rate_upload: number;
  packet_rate_download: number;
  packet_rate_upload: number;
  total_conferences_created: number;
  total_conferences_completed: number;
  current_timestamp: string;
}

export type AllocateResult = "allocated" | "refused-shutdown" | "exited";

// Bits per forwarded packet, to turn packet rates into bit rates (an assumption: ~1,100-byte video packets).
const bitsPerPacket = 8 * 1_100;

export class EmulatedBridge {
  readonly config: BridgeConfig;
  private readonly clock: Clock;
  private readonly conferences = new Map<string, ConferencePart>();
  private drainMode = false;
  private shutdownState: ShutdownState = "RUNNING";
  private exited = false;
  private conferencesCreated = 0;
  private conferencesCompleted = 0;
  private snapshot: ColibriStats;
  private readonly timers = new Set<Timer>();
  private readonly exitListeners: Array<() => void> = [];

  constructor(config: BridgeConfig, clock: Clock) {
    this.config = config;
    this.clock = clock;
    this.snapshot = this.computeStats();
    this.scheduleStatsRefresh();
  }

  get state(): ShutdownState {
    return this.shutdownState;
  }

  get draining(): boolean {
    return this.drainMode;
  }

  get hasExited(): boolean {
    return this.exited;
  }

  get localEndpoints(): number {
    let total = 0;
    for (const part of this.conferences.values()) total += part.local;
    return total;
  }

  /** Live conferences and their parts here (what Jicofo knows from its own signalling, not from stats). */
  conferenceParts(): ReadonlyMap<string, ConferencePart> {
    return this.conferences;
  }

  /** The last stats snapshot, as GET /colibri/stats returns it. */
  stats(): ColibriStats {
    return this.snapshot;
  }

  onExit(listener: () => void): void {
    this.exitListeners.push(listener);
  }

  /** A new conference asks for this bridge (Colibri allocation by Jicofo). */
  allocate(conferenceId: string): AllocateResult {
    if (this.exited) return "exited";
    if (this.shutdownState !== "RUNNING") return "refused-shutdown";
    if (!this.conferences.has(conferenceId)) {
      this.conferences.set(conferenceId, wholeConference(0, this.config.stressModel));
      this.conferencesCreated++;
    }
    return "allocated";
  }

  /** The conference's part here changed (joiners, leavers, or its other bridges). Drain does not stop joiners; shutting down does. */
  setPart(conferenceId: string, part: ConferencePart): boolean {
    const current = this.conferences.get(conferenceId);
    if (current === undefined || this.exited) return false;
    if (part.local > current.local && this.shutdownState === "SHUTTING_DOWN") return false;
    this.conferences.set(conferenceId, part);
    this.maybeShutdown();
    return true;
  }

  /** Participants join a conference that lives only here. */
  join(conferenceId: string, count = 1): boolean {
    const current = this.conferences.get(conferenceId);
    return current !== undefined && this.setPart(conferenceId, wholeConference(current.local + count, this.config.stressModel));
  }

  leave(conferenceId: string, count = 1): void {
    const current = this.conferences.get(conferenceId);
    if (current !== undefined) this.setPart(conferenceId, wholeConference(Math.max(0, current.local - count), this.config.stressModel));
  }

  /** The conference ended (or Jicofo moved it away): its channels expire. */
  expire(conferenceId: string): void {
    if (!this.conferences.delete(conferenceId)) return;
    this.conferencesCompleted++;
    this.maybeShutdown();
  }

  setDrain(enabled: boolean): void {
    this.drainMode = enabled;
  }

  initiateShutdown(graceful: boolean): void {
    if (this.exited) return;
    if (!graceful) {
      this.changeToShuttingDown();
      return;
    }
    if (this.shutdownState !== "RUNNING") return;
    this.shutdownState = "GRACEFUL_SHUTDOWN";
    this.schedule(() => {
      if (this.shutdownState === "GRACEFUL_SHUTDOWN") this.changeToShuttingDown();
    }, this.config.gracefulShutdownMaxDurationMs);
    this.maybeShutdown();
  }

  /** The process is gone (pod deleted or exited): no more timers, no more answers. */
  stop(): void {
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    this.exited = true;
  }

  private maybeShutdown(): void {
    if (this.shutdownState === "GRACEFUL_SHUTDOWN" && this.localEndpoints <= this.config.gracefulShutdownMinParticipants) {
      this.changeToShuttingDown();
    }
  }

  private changeToShuttingDown(): void {
    if (this.shutdownState === "SHUTTING_DOWN") return;
    this.shutdownState = "SHUTTING_DOWN";
    this.schedule(() => this.exit(), this.config.shuttingDownDelayMs);
  }

  private exit(): void {
    if (this.exited) return;
    this.snapshot = this.computeStats();
    this.stop();
    for (const listener of this.exitListeners) listener();
  }

  private scheduleStatsRefresh(): void {
    this.schedule(() => {
      this.snapshot = this.computeStats();
      this.scheduleStatsRefresh();
    }, this.config.statsIntervalMs);
  }

  private schedule(callback: () => void, delayMs: number): void {
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer);
      callback();
    }, delayMs);
    this.timers.add(timer);
  }

  private computeStats(): ColibriStats {
    const parts = [...this.conferences.values()];
    const sum = (of: (p: ConferencePart) => number) => parts.reduce((total, p) => total + of(p), 0);
    const model = this.config.stressModel;
    const local = sum((p) => p.local);
    const octo = sum((p) => (p.relays > 0 ? p.remote : 0));
    const packets = sum((p) => partPacketRate(p, model));
    // What arrives: local senders' streams and, over relays, the remote senders'; the rest goes out.
    const received = sum((p) => (p.localSenders + (p.relays > 0 ? p.senders - p.localSenders : 0)) * model.uplinkPps);
    const forwarded = packets - received;
    const stats: ColibriStats = {
      stress_level: packets / model.loadThresholdPps,
      participants: local + octo,
      endpoints: local + octo,
      local_endpoints: local,
      local_active_endpoints: sum((p) => p.localSenders),
      endpoints_sending_audio: sum((p) => p.localSenders),
      endpoints_sending_video: sum((p) => p.localSenders),
      conferences: this.conferences.size,
      largest_conference: Math.max(0, ...parts.map((p) => p.local + p.remote)),
      octo_endpoints: octo,
      octo_conferences: parts.filter((p) => p.relays > 0).length,
      drain: this.drainMode,
      graceful_shutdown: this.shutdownState !== "RUNNING",
      shutting_down: this.shutdownState === "SHUTTING_DOWN",
      healthy: true,
      version: this.config.version,
      bit_rate_download: Math.round((received * bitsPerPacket) / 1000),
      bit_rate_upload: Math.round((forwarded * bitsPerPacket) / 1000),
      packet_rate_download: received,
      packet_rate_upload: forwarded,
      total_conferences_created: this.conferencesCreated,
      total_conferences_completed: this.conferencesCompleted,
      current_timestamp: jvbTimestamp(this.clock.now()),
    };
    if (this.config.region !== undefined) {
      stats.region = this.config.region;
      stats.relay_id = this.config.relayId ?? this.config.id;
    }
    return stats;
  }
}

/** JVB prints current_timestamp as "yyyy-MM-dd HH:mm:ss.SSS" in UTC. */
function jvbTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}
