// Where Jicofo puts a new conference (jicofo-selector reference.conf, BridgeSelector.kt; jitsi.md):
// only operational bridges that are not shutting down and run the conference's version; non-draining
// bridges before draining ones before bridges in graceful shutdown (which will refuse it); inside the
// first tier that has any, bridges under the stress threshold (same region first), then the lowest
// corrected stress, where Jicofo adds 0.01 per endpoint it placed there in the last 20 s.
// With Octo each participant is placed: on a bridge the conference already uses while that one is
// under the threshold and holds fewer than max-bridge-participants of it; else on a new bridge under
// the threshold; else, overloaded, on the least loaded conference bridge or new bridge.

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
  const eligible = bridges.filter((b) => b.operational && !b.shuttingDown && (request.version === undefined || b.version === request.version));
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

export interface JoinLimits {
  /** Participants of one conference on one bridge (Jicofo's max-bridge-participants). */
  maxBridgeParticipants: number;
}

export interface JoinRequest extends PlacementRequest {
  /** Participants joining, in order. */
  count: number;
  /** The first this many of them send (the rest join muted). */
  senders: number;
  /** Bridges the conference already uses, with its participants on each. */
  current?: ReadonlyMap<string, number>;
}

export interface JoinResult {
  /** Joiners per bridge, in the order the bridges were first used. */
  parts: Map<string, { participants: number; senders: number }>;
  /** Joiners no bridge could take (every usable bridge at max-bridge-participants). */
  refused: number;
  /** Some joiner had to go to a bridge at or past the threshold. */
  onOverloaded: boolean;
}

/**
 * Where the joiners of one conference go. `allocate` asks a bridge new to the conference to take it
 * (a bridge may refuse, having entered graceful shutdown since its last presence).
 */
export function placeParticipants(
  bridges: readonly BridgePresence[],
  join: JoinRequest,
  limits: JoinLimits,
  rules: PlacementRules = jicofoDefaults,
  allocate: (bridgeId: string) => boolean = () => true,
): JoinResult {
  // Jicofo's own bookkeeping: every endpoint it places raises that bridge's corrected stress at once.
  const presence = new Map(bridges.map((b) => [b.id, { ...b }]));
  const onBridge = new Map(join.current ?? []);
  const result: JoinResult = { parts: new Map(), refused: 0, onOverloaded: false };
  const refusedNew = new Set<string>();
  const stress = (b: BridgePresence) => correctedStress(b, rules);
  const usable = (b: BridgePresence | undefined): b is BridgePresence => !!b && b.operational && !b.shuttingDown;

  const conferenceBridges = () =>
    [...onBridge.keys()]
      .map((id) => presence.get(id))
      .filter(usable)
      .filter((b) => (onBridge.get(b.id) ?? 0) < limits.maxBridgeParticipants)
      .sort((a, b) => stress(a) - stress(b));
  const newBridge = () =>
    selectBridge(
      [...presence.values()].filter((b) => !onBridge.has(b.id) && !refusedNew.has(b.id)),
      join,
      rules,
    );

  for (let i = 0; i < join.count; i++) {
    let target: BridgePresence | undefined;
    for (;;) {
      const withRoom = conferenceBridges();
      target = withRoom.find((b) => stress(b) < rules.stressThreshold);
      if (target) break;
      const fresh = newBridge();
      if (fresh && (stress(fresh) < rules.stressThreshold || !withRoom[0])) {
        if (allocate(fresh.id)) {
          target = fresh;
          break;
        }
        refusedNew.add(fresh.id);
        continue;
      }
      target = withRoom[0];
      break;
    }
    if (!target) {
      result.refused += join.count - i;
      break;
    }
    if (stress(target) >= rules.stressThreshold) result.onOverloaded = true;
    onBridge.set(target.id, (onBridge.get(target.id) ?? 0) + 1);
    target.recentEndpoints++;
    const part = result.parts.get(target.id) ?? { participants: 0, senders: 0 };
    part.participants++;
    if (i < join.senders) part.senders++;
    result.parts.set(target.id, part);
  }
  return result;
}

/** Adds placed joiners to a conference's spread over bridges (bridge id -> participants and senders there). */
export function addJoiners(spread: Map<string, { participants: number; senders: number }>, placed: JoinResult): void {
  for (const [bridgeId, part] of placed.parts) {
    const before = spread.get(bridgeId) ?? { participants: 0, senders: 0 };
    spread.set(bridgeId, { participants: before.participants + part.participants, senders: before.senders + part.senders });
  }
}
