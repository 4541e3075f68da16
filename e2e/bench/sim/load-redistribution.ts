// Jicofo's automatic load redistribution (`jicofo.bridge.load-redistribution`, off by default; jicofo's
// LoadRedistributor.kt and jicofo-selector's reference.conf): every interval, as long as some bridge is
// not overloaded, each bridge whose corrected stress is at or above the redistribution threshold (set
// above the selection threshold of 0.8) and that was not moved from within the timeout gives up a
// number of endpoints, taken greedily from the conferences with the most endpoints on it. Jicofo
// re-invites them and its selector places them like joiners: each moved participant's media restarts
// for a moment, their meeting goes on. Jicofo's own defaults: every minute, threshold 0.9, 3-minute
// timeout, 10 endpoints a time.

export interface LoadRedistribution {
  intervalMs: number;
  stressThreshold: number;
  timeoutMs: number;
  endpoints: number;
}

export const jicofoRedistributionDefaults: LoadRedistribution = { intervalMs: 60_000, stressThreshold: 0.9, timeoutMs: 180_000, endpoints: 10 };

export interface RedistributedBridge {
  id: number;
  correctedStress: number;
  /** Endpoints each conference has on this bridge. */
  conferences: ReadonlyMap<number, number>;
}

/** Endpoints to move off one bridge, per conference. */
export interface BridgeMoves {
  bridge: number;
  moves: Map<number, number>;
}

/**
 * One run of the redistributor. `movedAt`: when each bridge last gave up endpoints; the bridges returned
 * enter their timeout now, as in Jicofo, even when they had none to give.
 */
export function redistributionMoves(
  bridges: readonly RedistributedBridge[],
  config: LoadRedistribution,
  selectionThreshold: number,
  now: number,
  movedAt: ReadonlyMap<number, number>,
): BridgeMoves[] {
  if (!bridges.some((b) => b.correctedStress < selectionThreshold)) return [];
  const resting = (id: number) => now - (movedAt.get(id) ?? -Infinity) < config.timeoutMs;
  return bridges
    .filter((b) => b.correctedStress >= config.stressThreshold && !resting(b.id))
    .map((b) => ({ bridge: b.id, moves: largestFirst(b.conferences, config.endpoints) }));
}

function largestFirst(conferences: ReadonlyMap<number, number>, wanted: number): Map<number, number> {
  const moves = new Map<number, number>();
  let left = wanted;
  for (const [conference, endpoints] of [...conferences].sort((a, b) => b[1] - a[1] || a[0] - b[0])) {
    if (left <= 0) break;
    const taken = Math.min(endpoints, left);
    if (taken > 0) moves.set(conference, taken);
    left -= taken;
  }
  return moves;
}
