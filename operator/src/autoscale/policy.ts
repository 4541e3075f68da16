// How many bridges a fleet should have, from live figures: pure, used by the operator and the benchmark.
// Evaluated whenever fresh figures arrive:
// - Capacity: Jicofo spreads new conferences over bridges under its stress threshold, so the fleet keeps
//   the mean stress of usable bridges at or below `targetStress`, leaving room for a typical new meeting.
//   A bridge already past the threshold (one big meeting) takes no new conference: it is not capacity.
//   Where `targetParticipants` is set, the fleet also keeps at most that many people per bridge and the
//   larger need wins: JVB's stress is its CPU use (or packet rate) over a configured threshold, which on
//   a shared or oddly sized server may say little, while participants are a figure an admin can check.
// - Headroom: `headroom` bridges' worth of room (at the target stress) on top, for a burst of new
//   meetings, or a large one, that lands before any new bridge is useful.
// - Look-ahead (off by default): a new bridge is useful only after a minute or so, so demand can be
//   projected `lookaheadMs` ahead with the participants' growth rate. With a bridge of headroom it cost
//   more bridge-hours than it saved at equal overload in the benchmark (e2e/bench/README.md).
// - Hysteresis: up to the lowest figure wanted during `scaleUpWindowMs` (0: at once); down only to the
//   highest figure wanted during `scaleDownWindowMs`, and only through the operator's drain (never a cut).
// - Warm before bursts: a burst at :00 arrives faster than any bridge starts, and meetings never move
//   off the bridges they land on, so no reaction can help them. The fleet keeps the scheduled minimum
//   in force (lecture hours, in local time), and adds to today's need the rise that an earlier day of
//   the same kind (weekday or weekend) saw in the next `prewarmLeadMs` (memory.ts; the operator stores
//   it with the fleet so that a restart does not forget it). The rise, not that day's level: holding
//   yesterday's level cost more than lowering the target for the same overload, in the benchmark.
// - Room that follows the day (burstRoom): the largest rise in participants within a bridge's start-up
//   time lately is held short of the threshold; and once a bridge has gone past the threshold, the target
//   is lowered by the stress of the largest conference lately. Nothing here knows what kind of day it is;
//   `make bench-suite` judges the defaults on a population of workloads (e2e/bench/README.md).
// - Taking over (a restart, a new leader, a changed spec): the new policy gets the earlier days and the
//   recent maxima (rises, largest conference, overload) its predecessor had, and holds the replicas it
//   finds through one scale-down window, since it did not see the window before it (as HPA does).

import { TimeOfDayMemory } from "./memory.ts";
import { RecentMaximum } from "./recent-maximum.ts";
import { type ScheduleEntry, scheduledMinimum } from "./schedule.ts";

export interface PolicySpec {
  minReplicas: number;
  maxReplicas: number;
  targetStress: number;
  /** People per bridge kept at or below this too, when set. */
  targetParticipants?: number;
  stressThreshold: number;
  lookaheadMs: number;
  /** How far back the growth rate is measured. */
  growthWindowMs: number;
  /** Bridges' worth of spare room kept on top of the target. */
  headroom: number;
  scaleUpWindowMs: number;
  scaleDownWindowMs: number;
  schedule: ScheduleEntry[];
  timeZone: string;
  /** Use what earlier days of the same kind needed at this time of day. */
  prewarmFromHistory: boolean;
  /** How far ahead the history is read: a bridge's start, Jicofo seeing it, and a burst's first minutes. */
  prewarmLeadMs: number;
  /** How long a new bridge takes to be useful: pod start, JVM, joining the brewery, Jicofo seeing its stats. */
  startupMs: number;
  /** How long the largest rise in participants within `startupMs`, and the largest conference, are kept in mind. */
  burstMemoryMs: number;
  /** How long a bridge seen past the threshold keeps room for the largest conference on every bridge. */
  overloadMemoryMs: number;
  /** Hold the load plus the largest rise lately short of the threshold. */
  roomForRises: boolean;
  /** Lower the target by the largest conference lately, once the fleet has overloaded. */
  roomForLargestConference: boolean;
}

export const policyDefaults: PolicySpec = {
  minReplicas: 1,
  maxReplicas: 100,
  targetStress: 0.6,
  stressThreshold: 0.8,
  lookaheadMs: 0,
  growthWindowMs: 120_000,
  headroom: 1,
  scaleUpWindowMs: 0,
  scaleDownWindowMs: 600_000,
  schedule: [],
  timeZone: "UTC",
  prewarmFromHistory: true,
  prewarmLeadMs: 6 * 60_000,
  startupMs: 90_000,
  burstMemoryMs: 3 * 3_600_000,
  overloadMemoryMs: 24 * 3_600_000,
  roomForRises: true,
  roomForLargestConference: true,
};

/** One bridge's latest figures. */
export interface BridgeSample {
  participants: number;
  stress: number;
  /** People in its largest conference, where known. */
  largestConference?: number;
}

export const sampleOf = (f: BridgeSample): BridgeSample => ({
  participants: f.participants,
  stress: f.stress,
  ...(f.largestConference === undefined ? {} : { largestConference: f.largestConference }),
});

export interface Decision {
  desired: number;
  reason: "Capacity" | "Participants" | "Growth" | "HotBridges" | "Stabilized" | "Schedule" | "History" | "UnknownFigures" | "Bounds";
  message: string;
}

/** The recent maxima, as plain JSON: a successor (restart, new leader, changed spec) starts from them. */
export interface RecentSnapshot {
  version: 1;
  rises: Array<[number, number]>;
  largest: Array<[number, number]>;
  overloaded: Array<[number, number]>;
}

/** What a new policy takes over from an earlier one. */
export interface Inheritance {
  /** What earlier days needed (kept only when its time zone is the spec's). */
  memory?: TimeOfDayMemory;
  /** A `RecentSnapshot`, e.g. read back from storage; anything else is ignored. */
  recent?: unknown;
  /** It takes over a running fleet: the replicas found at its first decision are held for one scale-down window. */
  takesOver?: boolean;
}

/** Per participant stress when the fleet is too empty to measure it: a bridge at 1.0 holds ~130 in small meetings. */
const fallbackStressPerParticipant = 1 / 133;

export class FleetPolicy {
  private readonly spec: PolicySpec;
  private readonly demand: Array<{ at: number; participants: number }> = [];
  private readonly wanted: Array<{ at: number; desired: number }> = [];
  /** The largest rise in participants within a start-up time, lately. */
  private readonly rises: RecentMaximum;
  /** The largest conference, lately. */
  private readonly largest: RecentMaximum;
  /** 1 in the minutes a bridge was past the threshold, lately. */
  private readonly overloaded: RecentMaximum;
  readonly memory: TimeOfDayMemory;
  private readonly takesOver: boolean;
  /** The replicas found at the first decision, when taking over a running fleet. */
  private found: { at: number; replicas: number } | undefined;

  constructor(spec: Partial<PolicySpec> = {}, inheritance: Inheritance = {}) {
    this.spec = { ...policyDefaults, ...spec };
    const { memory, takesOver = false } = inheritance;
    this.memory = memory?.timeZone === this.spec.timeZone ? memory : new TimeOfDayMemory(this.spec.timeZone);
    const recent = isRecentSnapshot(inheritance.recent) ? inheritance.recent : undefined;
    this.rises = RecentMaximum.restore(this.spec.burstMemoryMs, recent?.rises);
    this.largest = RecentMaximum.restore(this.spec.burstMemoryMs, recent?.largest);
    this.overloaded = RecentMaximum.restore(this.spec.overloadMemoryMs, recent?.overloaded);
    this.takesOver = takesOver;
  }

  recent(): RecentSnapshot {
    return { version: 1, rises: this.rises.minutes(), largest: this.largest.minutes(), overloaded: this.overloaded.minutes() };
  }

  /**
   * Fresh figures of every bridge that has them (draining ones included: their people count as load).
   * `unknown`: running bridges without fresh figures (unreachable, hung, or answering nonsense). Such a
   * bridge may be full, so while there is one the fleet never shrinks, and the day is not remembered.
   */
  decide(now: number, bridges: readonly BridgeSample[], current: number, unknown = 0): Decision {
    const s = this.spec;
    if (this.takesOver && !this.found) this.found = { at: now, replicas: current };
    const participants = bridges.reduce((sum, b) => sum + b.participants, 0);
    const stress = bridges.reduce((sum, b) => sum + b.stress, 0);
    this.demand.push({ at: now, participants });
    while (this.demand.length > 1 && now - this.demand[0]!.at > Math.max(s.growthWindowMs, s.startupMs)) this.demand.shift();

    const perParticipant = participants >= 20 ? stress / participants : fallbackStressPerParticipant;
    const { target, burstStress } = this.burstRoom(now, bridges, participants, perParticipant, unknown);
    // After a burst like the largest lately, the bridges are still short of the threshold.
    const burstFill = (target + s.stressThreshold) / 2;
    const oldest = this.demand.find((d) => now - d.at <= s.growthWindowMs)!;
    const growthPerMs = now > oldest.at ? Math.max(0, (participants - oldest.participants) / (now - oldest.at)) : 0;
    const projected = participants + growthPerMs * s.lookaheadMs;

    // Bridges past the threshold carry their load but offer no room; the rest must hold the remainder.
    const hot = bridges.filter((b) => b.stress >= s.stressThreshold);
    const hotStress = hot.reduce((sum, b) => sum + b.stress, 0);
    const remainingStress = Math.max(0, projected * perParticipant - hotStress);
    const bridgesFor = (stressToHold: number) =>
      Math.max(Math.ceil(stressToHold / target - 1e-9) + s.headroom, Math.ceil((stressToHold + burstStress) / burstFill - 1e-9), 1) + hot.length;
    const bridgesForPeople = (people: number) => (s.targetParticipants ? Math.ceil(people / s.targetParticipants - 1e-9) + s.headroom : 0);
    // Always one bridge with room, so a new conference never has to land on a hot one.
    const needed = Math.max(bridgesFor(remainingStress), bridgesForPeople(projected));
    // What the load itself needs, without the momentary growth: what a later day should have warm.
    const loadByStress = bridgesFor(Math.max(0, participants * perParticipant - hotStress));
    const loadByPeople = bridgesForPeople(participants);
    const neededForLoad = Math.max(loadByStress, loadByPeople);

    const scheduled = scheduledMinimum(s.schedule, now, s.timeZone);
    if (s.prewarmFromHistory && unknown === 0) this.memory.record(now, neededForLoad);
    const remembered = s.prewarmFromHistory ? this.expectedFromHistory(now, neededForLoad) : 0;
    // Bridges warmed for a burst stay through the scale-down window like any others: the burst may come
    // a few minutes later than on the earlier day, after that day's record has already passed.
    const withHistory = Math.max(needed, remembered);
    this.wanted.push({ at: now, desired: withHistory });
    while (this.wanted.length > 1 && now - this.wanted[0]!.at > Math.max(s.scaleDownWindowMs, s.scaleUpWindowMs)) this.wanted.shift();
    const within = (windowMs: number) => this.wanted.filter((w) => now - w.at <= windowMs).map((w) => w.desired);
    // The window before a take-over was the predecessor's: what it left running counts as wanted in it.
    const found = this.found && now - this.found.at <= s.scaleDownWindowMs ? this.found.replicas : 0;
    const stabilized = withHistory >= current ? Math.max(current, Math.min(...within(s.scaleUpWindowMs))) : Math.max(found, ...within(s.scaleDownWindowMs));
    const wanted = Math.max(stabilized, scheduled);
    const warm = unknown > 0 ? Math.max(wanted, current) : wanted;
    const bounded = Math.min(s.maxReplicas, Math.max(s.minReplicas, warm));

    const reason: Decision["reason"] =
      bounded !== warm
        ? "Bounds"
        : warm > wanted
          ? "UnknownFigures"
          : warm > stabilized
            ? "Schedule"
            : stabilized !== needed
              ? stabilized === withHistory && withHistory > needed
                ? "History"
                : "Stabilized"
              : needed > neededForLoad
                ? "Growth"
                : loadByPeople > loadByStress
                  ? "Participants"
                  : hot.length > 0
                    ? "HotBridges"
                    : "Capacity";
    const projection = s.lookaheadMs > 0 ? ` (projected ${Math.round(projected)} in ${Math.round(s.lookaheadMs / 1000)} s)` : "";
    const perBridge = s.targetParticipants ? ` (at most ${s.targetParticipants} a bridge)` : "";
    const unread = unknown > 0 ? `, ${unknown} bridges with unknown figures (held)` : "";
    const message = `${participants} participants${perBridge}${projection}, stress ${stress.toFixed(2)}, ${hot.length} bridges past ${s.stressThreshold}${unread}: ${bounded} bridges`;
    return { desired: bounded, reason, message };
  }

  /**
   * The stress each bridge is filled to, and the room kept for a burst, from what the fleet saw lately:
   * - Jicofo puts a new conference on a bridge before anyone knows how many will join it, then fills
   *   that bridge up to its threshold as they do, and meetings never move. Once a bridge of this fleet
   *   has gone past the threshold (within `overloadMemoryMs`), every bridge keeps room for one more of
   *   the largest conferences seen lately: the target is lowered by its stress, to no less than half.
   *   A fleet that never overloads keeps its target, and its cost.
   * - New people arrive faster than bridges start: the fleet holds its load plus the largest rise in
   *   participants seen within one start-up time lately, short of the threshold (halfway between target
   *   and threshold, since the burst needs no headroom of its own).
   * Both are read from the fleet's own figures, so they follow whatever the day brings.
   */
  private burstRoom(now: number, bridges: readonly BridgeSample[], participants: number, perParticipant: number, unknown: number) {
    const s = this.spec;
    // A bridge whose figures came back is not a rise: only a fleet read whole measures one.
    if (unknown === 0) {
      const lowest = Math.min(...this.demand.filter((d) => now - d.at <= s.startupMs).map((d) => d.participants));
      this.rises.add(now, participants - lowest);
    }
    // Large conferences cost more per person than pairs do: the dearest bridge's figure, not the mean.
    const dearest = Math.max(perParticipant, ...bridges.filter((b) => b.participants >= 20).map((b) => b.stress / b.participants));
    this.largest.add(now, Math.max(0, ...bridges.map((b) => (b.largestConference ?? 0) * dearest)));
    this.overloaded.add(now, bridges.some((b) => b.stress >= s.stressThreshold) ? 1 : 0);
    const room = s.roomForLargestConference && this.overloaded.max(now) > 0 ? this.largest.max(now) : 0;
    const target = Math.min(s.targetStress, Math.max(s.targetStress / 2, s.stressThreshold - room));
    return { target, burstStress: s.roomForRises ? this.rises.max(now) * perParticipant : 0 };
  }

  /**
   * Today's need plus the rise an earlier day of the same kind saw from the coming minute to its peak
   * within the lead: today may be busier or quieter than that day, its bursts come at the same times.
   * Without a record for the coming minute, that day's peak itself.
   */
  private expectedFromHistory(now: number, neededNow: number): number {
    // The current minute holds today's own record (just made), so an earlier day starts at the next one.
    const base = this.memory.earlierDay(now, 60_000);
    let peak = base ?? 0;
    for (let ahead = 120_000; ahead <= this.spec.prewarmLeadMs; ahead += 60_000) peak = Math.max(peak, this.memory.earlierDay(now, ahead) ?? 0);
    if (peak === 0) return 0;
    return base === undefined ? peak : neededNow + Math.max(0, peak - base);
  }
}

function isRecentSnapshot(value: unknown): value is RecentSnapshot {
  return typeof value === "object" && value !== null && (value as Partial<RecentSnapshot>).version === 1;
}
