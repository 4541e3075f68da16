// A stack's monthly cost from its config: node count x flavor price. Pure, so the README's table and
// the tests come from the same function.

import { type FlavorPrice, hoursPerMonth } from "./prices.ts";

export interface NodePool {
  role: string;
  count: number;
  flavor: string;
}

export interface CostLine extends NodePool {
  eurPerMonth: number;
}

export interface CostEstimate {
  lines: CostLine[];
  eurPerMonth: number;
  /** Flavors the price table does not know: the total leaves them out. */
  unpriced: string[];
}

export function estimateCost(pools: readonly NodePool[], prices: Readonly<Record<string, FlavorPrice>>): CostEstimate {
  const lines: CostLine[] = [];
  const unpriced: string[] = [];
  for (const pool of pools) {
    const price = prices[pool.flavor];
    if (!price) {
      unpriced.push(pool.flavor);
      continue;
    }
    lines.push({ ...pool, eurPerMonth: Math.round(pool.count * price.eurPerHour * hoursPerMonth * 100) / 100 });
  }
  return { lines, eurPerMonth: Math.round(lines.reduce((sum, l) => sum + l.eurPerMonth, 0) * 100) / 100, unpriced };
}

/** A cluster config's node pools: one control plane, the workers, the media nodes. */
export function clusterPools(cluster: {
  controlPlane: { flavor: string };
  workers: { count: number; flavor: string };
  media: { count: number; flavor: string };
}): NodePool[] {
  return [
    { role: "control plane", count: 1, flavor: cluster.controlPlane.flavor },
    { role: "workers", ...cluster.workers },
    { role: "media", ...cluster.media },
  ];
}

/** A week of media load as the benchmark measured it (`make bench`, .bench/nodes.json): one bridge a node. */
export interface MediaWeek {
  nodeHours: number;
  peakNodes: number;
}

export interface MediaPoolCosts {
  /** Nodes that follow the bridges: the week's node-hours, scaled to a month. */
  autoscaledEurPerMonth: number;
  /** A fixed pool large enough for the week's peak, up all month. */
  fixedForPeakEurPerMonth: number;
}

const hoursPerWeek = 7 * 24;

/** What the media pool of one flavor costs a month for this week of load, autoscaled and fixed. */
export function mediaPoolCosts(week: MediaWeek, price: FlavorPrice): MediaPoolCosts {
  const eur = (hours: number) => Math.round(hours * price.eurPerHour * 100) / 100;
  return { autoscaledEurPerMonth: eur((week.nodeHours * hoursPerMonth) / hoursPerWeek), fixedForPeakEurPerMonth: eur(week.peakNodes * hoursPerMonth) };
}
