// "Fewer bridge-hours at equal or lower overload" needs more than one point per policy: a peer tuned
// tighter uses fewer bridges and overloads more. So the tunable policies also run at several targets,
// and each peer point is matched with the cheapest point of ours whose overload is no higher.
// Ours is first matched only with points that cut no meeting (its promise). Where those do not beat the
// peer, a second match may use ours' points that cut meetings too (a short drain deadline), never more
// than the peer cuts: what an admin who accepts the peer's cuts could have instead.

export interface FrontierPoint {
  policy: string;
  /** The setting this point ran with, e.g. "target 0.5". */
  setting: string;
  bridgeHours: number;
  overloadShare: number;
  interrupted: number;
}

export interface Match {
  peer: FrontierPoint;
  /** The cheapest of ours at no more overload that cuts no meeting; undefined when there is none. */
  ours?: FrontierPoint;
  /** True when that point also costs fewer bridge-hours than the peer. */
  cheaper: boolean;
  /**
   * Only when `ours` is not cheaper: the cheapest of ours at no more overload and no more cuts than the
   * peer, when it costs fewer bridge-hours than the peer.
   */
  cheaperWithCuts?: FrontierPoint;
}

export function matchPeers(ours: readonly FrontierPoint[], peers: readonly FrontierPoint[]): Match[] {
  const cheapest = (points: readonly FrontierPoint[]) => [...points].sort((a, b) => a.bridgeHours - b.bridgeHours)[0];
  return peers.map((peer) => {
    const asGood = ours.filter((o) => o.overloadShare <= peer.overloadShare + 1e-12 && o.interrupted <= peer.interrupted);
    const best = cheapest(asGood.filter((o) => o.interrupted === 0));
    const cheaper = best !== undefined && best.bridgeHours < peer.bridgeHours;
    const withCuts = cheaper ? undefined : cheapest(asGood);
    return {
      peer,
      ...(best ? { ours: best } : {}),
      cheaper,
      ...(withCuts && withCuts.bridgeHours < peer.bridgeHours ? { cheaperWithCuts: withCuts } : {}),
    };
  });
}

/**
 * What a sweep of one policy (its target settings) costs at a given overload: linear between the two
 * points around it; undefined outside the sweep. The ablation uses it to tell whether a mechanism beats
 * simply moving the target to the same overload.
 */
export function bridgeHoursAt(sweep: readonly FrontierPoint[], overloadShare: number): number | undefined {
  const sorted = [...sweep].sort((a, b) => a.overloadShare - b.overloadShare || a.bridgeHours - b.bridgeHours);
  for (let i = 0; i < sorted.length; i++) {
    const lo = sorted[i]!;
    if (lo.overloadShare === overloadShare) return lo.bridgeHours;
    const hi = sorted[i + 1];
    if (!hi || overloadShare < lo.overloadShare || overloadShare > hi.overloadShare) continue;
    const along = (overloadShare - lo.overloadShare) / (hi.overloadShare - lo.overloadShare);
    return lo.bridgeHours + along * (hi.bridgeHours - lo.bridgeHours);
  }
  return undefined;
}
