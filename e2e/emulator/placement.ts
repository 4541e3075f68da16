// Where Jicofo puts a new conference (jicofo-selector reference.conf, BridgeSelector.kt; jitsi.md):
// only operational bridges that are not shutting down and run the conference's version; non-draining
// bridges before draining ones before bridges in graceful shutdown (which will refuse it); inside the
// first tier that has any, bridges under the stress threshold (same region first), then the lowest
// corrected stress, where Jicofo adds 0.01 per endpoint it placed there in the last 20 s.

export interface BridgePresence {
  id: string;
  /** Healthy and answering, as Jicofo's health checks see it. */
  operational: boolean;
  draining: boolean;
  gracefulShutdown: boolean;
  shuttingDown: boolean;
  /** Last stress_level the bridge reported. */
  stress: number;
  /** Endpoints Jicofo placed on this bridge during the ramp-up window (its own bookkeeping). */
  recentEndpoints: number;
  version: string;
  region?: string;
}

export interface PlacementRules {
  stressThreshold: number;
  averageParticipantStress: number;
}

export const jicofoDefaults: PlacementRules = { stressThreshold: 0.8, averageParticipantStress: 0.01 };

export interface PlacementRequest {
  /** Set when the conference already runs a bridge version: Jicofo never mixes versions. */
  version?: string;
  region?: string;
}

export function correctedStress(bridge: BridgePresence, rules: PlacementRules = jicofoDefaults): number {
  return bridge.stress + bridge.recentEndpoints * rules.averageParticipantStress;
}

export function selectBridge(
  bridges: readonly BridgePresence[],
  request: PlacementRequest = {},
  rules: PlacementRules = jicofoDefaults,
): BridgePresence | undefined {
  const eligible = bridges.filter(
    (b) => b.operational && !b.shuttingDown && (request.version === undefined || b.version === request.version),
  );
  const tiers = [
    eligible.filter((b) => !b.draining && !b.gracefulShutdown),
    eligible.filter((b) => b.draining && !b.gracefulShutdown),
    eligible.filter((b) => b.gracefulShutdown),
  ];
  const tier = tiers.find((t) => t.length > 0);
  if (!tier) return undefined;

  const stress = (b: BridgePresence) => correctedStress(b, rules);
  const notOverloaded = tier.filter((b) => stress(b) < rules.stressThreshold);
  const sameRegion = notOverloaded.filter((b) => request.region !== undefined && b.region === request.region);
  const pool = sameRegion.length > 0 ? sameRegion : notOverloaded.length > 0 ? notOverloaded : tier;
  return [...pool].sort((a, b) => stress(a) - stress(b) || a.id.localeCompare(b.id))[0];
}
