// The directory's memory: the deployments it knows with their latest reports, and where each room was
// sent. Time comes in as an argument, so that staleness and room lifetimes are tested without waiting.
// Everything here can be rebuilt from the registrations and the next round of reports; the rooms table
// is the one thing a restart forgets (see README: a restarted replica re-derives a room's deployment
// from the same hash while the figures are the same).

import { type ChoiceSettings, chooseForNewRoom, type DeploymentLoad, defaultChoiceSettings } from "./choice.ts";
import type { LoadReport } from "./report.ts";

export interface Registration {
  name: string;
  /** The public meeting URL, e.g. https://meet.example.org */
  url: string;
  displayName: string;
  region: string;
}

export type DeploymentState = "ready" | "full" | "draining" | "stale" | "out";

export interface DeploymentView extends Registration {
  state: DeploymentState;
  /** Stress over capacity: 0 idle, fullAt full. */
  relativeLoad: number;
  participants: number;
  conferences: number;
  bridgesReady: number;
  maxBridges: number;
  /** Seconds since its last report; undefined before the first. */
  reportAgeSeconds: number | undefined;
}

export type JoinReason = "sticky" | "new" | "moved" | "none";

export interface JoinDecision {
  reason: JoinReason;
  /** Absent when no deployment can take the room. */
  deployment?: Registration;
}

export interface DirectorySettings extends ChoiceSettings {
  /** No report for this long: stale, no new rooms. */
  staleAfterMs: number;
  /** No report for this long: out, its rooms go elsewhere. */
  outAfterMs: number;
  /** A room stays with its deployment for this long after its last join. */
  roomLifetimeMs: number;
  /** ... and for this long when that deployment is draining (a meeting still going on gets its late joiners). */
  drainingRoomLifetimeMs: number;
  /**
   * A room sent to a deployment counts against its free capacity for this long, whatever reports come
   * meanwhile: its people take that long to show in the deployment's stats. (Counting only until the next
   * report forgot a burst's rooms whenever a report landed in the middle of it, and skewed the split.)
   */
  pendingWindowMs: number;
}

export const defaultDirectorySettings: DirectorySettings = {
  ...defaultChoiceSettings,
  staleAfterMs: 15_000,
  outAfterMs: 60_000,
  roomLifetimeMs: 4 * 3600_000,
  drainingRoomLifetimeMs: 10 * 60_000,
  pendingWindowMs: 60_000,
};

interface Known {
  registration: Registration;
  report?: LoadReport;
  reportedAt?: number;
  /** Rooms sent here per second (ms of the second's start), within the pending window, oldest first. */
  sent: Array<{ second: number; rooms: number }>;
}

interface RoomEntry {
  deployment: string;
  lastJoin: number;
}

export class Directory {
  private readonly known = new Map<string, Known>();
  private readonly rooms = new Map<string, RoomEntry>();
  private readonly settings: DirectorySettings;

  constructor(settings: Partial<DirectorySettings> = {}) {
    this.settings = { ...defaultDirectorySettings, ...settings };
  }

  /** Adds a deployment or updates its public details; its figures stay. */
  register(registration: Registration): void {
    const existing = this.known.get(registration.name);
    if (existing) existing.registration = registration;
    else this.known.set(registration.name, { registration, sent: [] });
  }

  unregister(name: string): void {
    this.known.delete(name);
  }

  registrations(): Registration[] {
    return [...this.known.values()].map((k) => k.registration);
  }

  /**
   * A deployment's load as reported at `now`. False when the deployment is not registered. A report older
   * than the one held (another replica's, read back from the API server late) changes nothing.
   */
  report(name: string, report: LoadReport, now: number): boolean {
    const k = this.known.get(name);
    if (!k) return false;
    if (k.reportedAt !== undefined && now < k.reportedAt) return true;
    k.report = report;
    k.reportedAt = now;
    return true;
  }

  join(roomName: string, now: number): JoinDecision {
    const key = roomName.toLowerCase();
    const entry = this.rooms.get(key);
    const loads = this.loads(now);
    if (entry) {
      const state = loads.find((d) => d.load.name === entry.deployment)?.view.state ?? "out";
      const lifetime = state === "draining" ? this.settings.drainingRoomLifetimeMs : this.settings.roomLifetimeMs;
      if (state !== "stale" && state !== "out" && now - entry.lastJoin <= lifetime) {
        entry.lastJoin = now;
        return { reason: "sticky", deployment: this.known.get(entry.deployment)!.registration };
      }
    }
    const pending = new Map([...this.known].map(([name, k]) => [name, this.pendingAt(k, now)]));
    const chosen = chooseForNewRoom(
      key,
      loads.map((d) => d.load),
      pending,
      this.settings,
    );
    if (chosen === undefined) return { reason: "none" };
    const sent = this.known.get(chosen)!.sent;
    const second = now - (now % 1000);
    if (sent.at(-1)?.second === second) sent.at(-1)!.rooms++;
    else sent.push({ second, rooms: 1 });
    this.rooms.set(key, { deployment: chosen, lastJoin: now });
    const wasElsewhere = entry !== undefined && entry.deployment !== chosen && now - entry.lastJoin <= this.settings.roomLifetimeMs;
    return { reason: wasElsewhere ? "moved" : "new", deployment: this.known.get(chosen)!.registration };
  }

  /** Forgets rooms past their lifetime; returns how many rooms are remembered. */
  forgetEndedRooms(now: number): number {
    for (const [key, entry] of this.rooms) if (now - entry.lastJoin > this.settings.roomLifetimeMs) this.rooms.delete(key);
    return this.rooms.size;
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  /** Rooms sent to `k` within the pending window (older seconds are dropped here: a few dozen at most). */
  private pendingAt(k: Known, now: number): number {
    while (k.sent.length > 0 && now - k.sent[0]!.second > this.settings.pendingWindowMs) k.sent.shift();
    return k.sent.reduce((sum, s) => sum + s.rooms, 0);
  }

  list(now: number): DeploymentView[] {
    return this.loads(now)
      .map((d) => d.view)
      .sort((a, b) => a.region.localeCompare(b.region) || a.displayName.localeCompare(b.displayName));
  }

  private loads(now: number): Array<{ load: DeploymentLoad; view: DeploymentView }> {
    return [...this.known.values()].map((k) => {
      const view = this.view(k, now);
      const choiceState = view.state === "full" ? "ready" : view.state;
      return { view, load: { name: k.registration.name, state: choiceState, capacity: view.maxBridges, load: k.report?.stress ?? 0 } };
    });
  }

  private view(k: Known, now: number): DeploymentView {
    const r = k.report;
    const age = k.reportedAt === undefined ? undefined : now - k.reportedAt;
    const relativeLoad = r && r.maxBridges > 0 ? r.stress / r.maxBridges : 0;
    const state: DeploymentState =
      age === undefined || age > this.settings.outAfterMs
        ? "out"
        : age > this.settings.staleAfterMs
          ? "stale"
          : r!.draining
            ? "draining"
            : relativeLoad >= this.settings.fullAt
              ? "full"
              : "ready";
    return {
      ...k.registration,
      state,
      relativeLoad,
      participants: r?.participants ?? 0,
      conferences: r?.conferences ?? 0,
      bridgesReady: r?.bridgesReady ?? 0,
      maxBridges: r?.maxBridges ?? 0,
      reportAgeSeconds: age === undefined ? undefined : age / 1000,
    };
  }
}
