// The autoscaler's settings as a MeetingFleet states them: one mapping, so that the operator and the
// benchmark's check against the test bed run the same policy for the same fleet.

import type { FleetSpec } from "../api/meetingfleet.ts";
import { parseDuration } from "../util/duration.ts";
import type { PolicySpec } from "./policy.ts";

export function policySpecOf(spec: FleetSpec): Partial<PolicySpec> & { timeZone: string } {
  const a = spec.autoscaling;
  if (!a) throw new Error("spec.autoscaling is not set: the fleet is not autoscaled");
  return {
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    targetStress: a.targetStress,
    targetParticipants: a.targetParticipants,
    lookaheadMs: parseDuration(a.lookahead),
    headroom: a.headroom,
    scaleUpWindowMs: parseDuration(a.scaleUpWindow),
    scaleDownWindowMs: parseDuration(a.scaleDownWindow),
    burstMemoryMs: parseDuration(a.burstMemory),
    roomForRises: parseDuration(a.burstMemory) > 0,
    roomForLargestConference: parseDuration(a.burstMemory) > 0,
    timeZone: a.timeZone,
    schedule: a.schedule ?? [],
  };
}
