// What a MeetingFleet tells its directory, from the status the operator computed: pure.

import type { FleetDirectory, FleetSpec, FleetStatus } from "../api/meetingfleet.ts";
import type { ReportBody } from "./report.ts";

/** The fleet's name in the directory: as its spec says, else <namespace>-<fleet>. */
export const directoryName = (directory: FleetDirectory, namespace: string, fleet: string) => directory.name ?? `${namespace}-${fleet}`;

export function fleetReport(spec: FleetSpec & { directory: FleetDirectory }, status: FleetStatus, deleting: boolean): ReportBody {
  const ready = (status.bridges ?? []).filter((b) => b.phase === "Ready");
  return {
    registration: { url: spec.directory.publicUrl, displayName: spec.directory.displayName, region: spec.directory.region },
    bridgesReady: status.readyReplicas ?? 0,
    maxBridges: spec.maxReplicas,
    participants: status.participants ?? 0,
    conferences: status.conferences ?? 0,
    stress: ready.reduce((sum, b) => sum + (b.stress === undefined ? 0 : Number(b.stress)), 0),
    draining: spec.directory.draining || deleting,
  };
}
