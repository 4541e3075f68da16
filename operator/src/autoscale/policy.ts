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

import { TimeOfDayMemory } from "./memory.ts";
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
};

/** One bridge's latest figures. */
export interface BridgeSample {
  participants: number;
  stress: number;
}

export interface Decision {
  desired: number;
  reason: "Capacity" | "Participants" | "Growth" | "HotBridges" | "Stabilized" | "Schedule" | "History" | "UnknownFigures" | "Bounds";
  message: string;
}

/** Per participant stress when the fleet is too empty to measure it: a bridge at 1.0 holds ~130 in small meetings. */
const fallbackStressPerParticipant = 1 / 133;

export class FleetPolicy {
  private readonly spec: PolicySpec;
  private readonly demand: Array<{ at: number; participants: number }> = [];
  private readonly wanted: Array<{ at: number; desired: number }> = [];
  readonly memory: TimeOfDayMemory;

  /** `memory`: what earlier days needed, e.g. restored from storage (for the spec's time zone). */
  constructor(spec: Partial<PolicySpec> = {}, memory?: TimeOfDayMemory) {
    this.spec = { ...policyDefaults, ...spec };
    this.memory = memory?.timeZone === this.spec.timeZone ? memory : new TimeOfDayMemory(this.spec.timeZone);
  }

  /**
   * Fresh figures of every bridge that has them (draining ones included: their people count as load).
   * `unknown`: running bridges without fresh figures (unreachable, hung, or answering nonsense). Such a
   * bridge may be full, so while there is one the fleet never shrinks, and the day is not remembered.
   */
  decide(now: number, bridges: readonly BridgeSample[], current: number, unknown = 0): Decision {
    const s = this.spec;
    const participants = bridges.reduce((sum, b) => sum + b.participants, 0);
    const stress = bridges.reduce((sum, b) => sum + b.stress, 0);
    this.demand.push({ at: now, participants });
    while (this.demand.length > 1 && now - this.demand[0]!.at > s.growthWindowMs) this.demand.shift();

    const perParticipant = participants >= 20 ? stress / participants : fallbackStressPerParticipant;
    const oldest = this.demand[0]!;
    const growthPerMs = now > oldest.at ? Math.max(0, (participants - oldest.participants) / (now - oldest.at)) : 0;
    const projected = participants + growthPerMs * s.lookaheadMs;

    // Bridges past the threshold carry their load but offer no room; the rest must hold the remainder.
    const hot = bridges.filter((b) => b.stress >= s.stressThreshold);
    const hotStress = hot.reduce((sum, b) => sum + b.stress, 0);
    const remainingStress = Math.max(0, projected * perParticipant - hotStress);
    const bridgesFor = (stressToHold: number) => Math.max(Math.ceil(stressToHold / s.targetStress - 1e-9) + s.headroom + hot.length, hot.length + 1);
    const bridgesForPeople = (people: number) => (s.targetParticipants ? Math.ceil(people / s.targetParticipants - 1e-9) + s.headroom : 0);
    // Always one bridge with room, so a new conference never has to land on a hot one.
    const needed = Math.max(bridgesFor(remainingStress), bridgesForPeople(projected));
    // What the load itself needs, without the momentary growth: what a later day should have warm.
    const loadByStress = bridgesFor(Math.max(0, participants * perParticipant - hotStress));
    const loadByPeople = bridgesForPeople(participants);
    const neededForLoad = Math.max(loadByStress, loadByPeople);

    this.wanted.push({ at: now, desired: needed });
    while (this.wanted.length > 1 && now - this.wanted[0]!.at > Math.max(s.scaleDownWindowMs, s.scaleUpWindowMs)) this.wanted.shift();
    const within = (windowMs: number) => this.wanted.filter((w) => now - w.at <= windowMs).map((w) => w.desired);
    const stabilized = needed >= current ? Math.max(current, Math.min(...within(s.scaleUpWindowMs))) : Math.max(...within(s.scaleDownWindowMs));
    const scheduled = scheduledMinimum(s.schedule, now, s.timeZone);
    if (s.prewarmFromHistory && unknown === 0) this.memory.record(now, neededForLoad);
    const remembered = s.prewarmFromHistory ? this.expectedFromHistory(now, neededForLoad) : 0;
    const wanted = Math.max(stabilized, scheduled, remembered);
    const warm = unknown > 0 ? Math.max(wanted, current) : wanted;
    const bounded = Math.min(s.maxReplicas, Math.max(s.minReplicas, warm));

    const reason: Decision["reason"] =
      bounded !== warm
        ? "Bounds"
        : warm > wanted
          ? "UnknownFigures"
          : warm > stabilized
            ? scheduled >= remembered
              ? "Schedule"
              : "History"
            : stabilized !== needed
              ? "Stabilized"
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
