// How many bridges a fleet should have, from live figures: pure, used by the operator and the benchmark.
// First version (issue 4 goes further). Evaluated whenever fresh figures arrive:
// - Capacity: Jicofo spreads new conferences over bridges under its stress threshold, so the fleet keeps
//   the mean stress of usable bridges at or below `targetStress`, leaving room for a typical new meeting.
//   A bridge already past the threshold (one big meeting) takes no new conference: it is not capacity.
// - Look-ahead: a new bridge is useful only after `lookaheadMs` (start, JVM, Jicofo noticing). Demand is
//   projected that far with the participants' growth rate, so bridges are asked for before the threshold
//   is crossed.
// - Hysteresis: up at once; down only to the highest figure wanted during `scaleDownWindowMs`, and only
//   through the operator's drain (never a cut).

export interface PolicySpec {
  minReplicas: number;
  maxReplicas: number;
  targetStress: number;
  stressThreshold: number;
  lookaheadMs: number;
  /** How far back the growth rate is measured. */
  growthWindowMs: number;
  scaleDownWindowMs: number;
}

export const policyDefaults: PolicySpec = {
  minReplicas: 1,
  maxReplicas: 100,
  targetStress: 0.6,
  stressThreshold: 0.8,
  lookaheadMs: 90_000,
  growthWindowMs: 120_000,
  scaleDownWindowMs: 600_000,
};

export interface BridgeSample {
  /** Ready for new conferences: running, not draining, figures known. */
  usable: boolean;
  participants: number;
  stress: number;
}

export interface Decision {
  desired: number;
  reason: "Capacity" | "Growth" | "HotBridges" | "ScaleDownStabilized" | "Bounds";
  message: string;
}

/** Per participant stress when the fleet is too empty to measure it: a bridge at 1.0 holds ~130 in small meetings. */
const fallbackStressPerParticipant = 1 / 133;

export class FleetPolicy {
  private readonly spec: PolicySpec;
  private readonly demand: Array<{ at: number; participants: number }> = [];
  private readonly wanted: Array<{ at: number; desired: number }> = [];

  constructor(spec: Partial<PolicySpec> = {}) {
    this.spec = { ...policyDefaults, ...spec };
  }

  /** Fresh figures of every bridge that has them (draining ones included: their people count as load). */
  decide(now: number, bridges: readonly BridgeSample[], current: number): Decision {
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
    const forLoad = Math.ceil(remainingStress / s.targetStress - 1e-9) + hot.length;
    // Always one bridge with room, so a new conference never has to land on a hot one.
    const needed = Math.max(forLoad, hot.length + 1);

    this.wanted.push({ at: now, desired: needed });
    while (this.wanted.length > 1 && now - this.wanted[0]!.at > s.scaleDownWindowMs) this.wanted.shift();
    const stabilized = needed >= current ? needed : Math.max(...this.wanted.map((w) => w.desired));
    const bounded = Math.min(s.maxReplicas, Math.max(s.minReplicas, stabilized));

    const reason: Decision["reason"] =
      bounded !== stabilized ? "Bounds" : stabilized > needed ? "ScaleDownStabilized" : growthPerMs > 0 && forLoad > Math.ceil((participants * perParticipant - hotStress) / s.targetStress) ? "Growth" : hot.length > 0 ? "HotBridges" : "Capacity";
    const message = `${participants} participants (projected ${Math.round(projected)} in ${Math.round(s.lookaheadMs / 1000)} s), stress ${stress.toFixed(2)}, ${hot.length} bridges past ${s.stressThreshold}: ${bounded} bridges`;
    return { desired: bounded, reason, message };
  }
}
