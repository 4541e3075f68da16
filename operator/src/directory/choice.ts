// Where a new room goes: pure, so that every replica of the directory given the same figures makes the
// same choice, and so that the bounds below can be property-tested.
//
// In 2020 each browser picked the least-loaded server from a list it had loaded once, so a burst of
// visitors all picked the same one. Here each new room draws a deployment with probability in proportion
// to its free capacity (weighted rendezvous hashing: the draw is a hash of room and deployment, so it is
// the same on every replica), and free capacity counts the rooms sent there lately, which its reports
// cannot show yet. On top of that, bounded loads: during a burst no deployment takes more than (1 + loadBound) of
// its share of the burst plus one room, whatever the hash says.

/** What the directory knows of one deployment, in bridges' worth of stress (a bridge at its limit is 1). */
export interface DeploymentLoad {
  name: string;
  /** Only "ready" deployments take new rooms. */
  state: "ready" | "draining" | "stale" | "out";
  /** Bridges it may run (a fleet's maxReplicas, a plain server's bridge count). */
  capacity: number;
  /** Its bridges' stress, summed. */
  load: number;
}

export interface ChoiceSettings {
  /** Relative load (load over capacity) at which a deployment counts as full: Jicofo's own threshold. */
  fullAt: number;
  /** The stress one new room is expected to add before the next report shows it. */
  newRoomStress: number;
  /** How far past its share of a burst a deployment may go (0.1: 10 %). */
  loadBound: number;
}

export const defaultChoiceSettings: ChoiceSettings = { fullAt: 0.8, newRoomStress: 0.02, loadBound: 0.1 };

/** Free capacity at report time, before any room sent since: what a burst's shares are measured against. */
export function reportedFree(d: DeploymentLoad, settings: ChoiceSettings): number {
  return d.state === "ready" ? Math.max(0, d.capacity * settings.fullAt - d.load) : 0;
}

/**
 * The deployment for a new room, or undefined when every deployment is full, draining or gone.
 * `pending` counts the rooms sent to each deployment lately (before its stats can show them).
 */
export function chooseForNewRoom(
  room: string,
  deployments: readonly DeploymentLoad[],
  pending: ReadonlyMap<string, number>,
  settings: ChoiceSettings = defaultChoiceSettings,
): string | undefined {
  const free = deployments.map((d) => reportedFree(d, settings));
  const totalFree = free.reduce((a, b) => a + b, 0);
  const burst = deployments.reduce((sum, d) => sum + (pending.get(d.name) ?? 0), 0) + 1;
  const open = deployments.flatMap((d, i) => {
    const sent = pending.get(d.name) ?? 0;
    const left = free[i]! - sent * settings.newRoomStress;
    return left >= settings.newRoomStress ? [{ name: d.name, left, sent, share: free[i]! / totalFree }] : [];
  });
  const withinBound = open.filter((d) => d.sent < (1 + settings.loadBound) * d.share * burst + 1);
  // Some open deployment is always within its bound (the bounds add up to more than the burst); the
  // fallback only matters when that one has just filled up.
  const candidates = withinBound.length > 0 ? withinBound : open;
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    // An exponential race: -ln(u)/w is smallest for d with probability w_d / sum(w).
    const score = -Math.log(unitHash(room, c.name)) / c.left;
    if (score < bestScore || (score === bestScore && best !== undefined && c.name < best)) {
      bestScore = score;
      best = c.name;
    }
  }
  return best;
}

/** A number in (0, 1) from room and deployment: FNV-1a over both, then murmur3's finaliser. */
export function unitHash(room: string, deployment: string): number {
  let h = 0x811c9dc5;
  const text = `${room}\u0000${deployment}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return ((h >>> 0) + 0.5) / 2 ** 32;
}
