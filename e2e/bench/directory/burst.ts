// A burst of new rooms over donated deployments, placed three ways: as in 2020 (every browser takes the
// least-loaded server from the list it loaded, a snapshot, with servers that stopped answering still on
// it), uniformly at random over the list, and by the directory's choice. Pure, seeded.

import { chooseForNewRoom, type DeploymentLoad, defaultChoiceSettings, reportedFree } from "../../../operator/src/directory/choice.ts";

export const placements = ["2020 snapshot", "random", "directory"] as const;
export type Placement = (typeof placements)[number];

/** Donated deployments of 1-20 bridges at 0-60 % load; about one in ten draining or not reporting. */
export function drawDeployments(random: () => number, count: number): DeploymentLoad[] {
  return Array.from({ length: count }, (_, i) => {
    const capacity = 1 + Math.floor(random() * 20);
    const u = random();
    const state: DeploymentLoad["state"] = u < 0.05 ? "draining" : u < 0.1 ? "stale" : "ready";
    return { name: `deployment-${i}`, state, capacity, load: capacity * 0.6 * random() };
  });
}

export function placeBurst(placement: Placement, deployments: readonly DeploymentLoad[], rooms: number, random: () => number): Map<string, number> {
  const sent = new Map<string, number>();
  const relative = (d: DeploymentLoad) => d.load / d.capacity;
  const leastLoaded = deployments.reduce((a, b) => (relative(b) < relative(a) ? b : a));
  for (let i = 0; i < rooms; i++) {
    const chosen =
      placement === "2020 snapshot"
        ? leastLoaded.name
        : placement === "random"
          ? deployments[Math.floor(random() * deployments.length)]!.name
          : chooseForNewRoom(`burst-room-${i}`, deployments, sent);
    if (chosen !== undefined) sent.set(chosen, (sent.get(chosen) ?? 0) + 1);
  }
  return sent;
}

export interface BurstFigures {
  /** The most any deployment got over its fair share (share of free capacity): 1 is perfectly fair. */
  worstOverShare: number;
  /** The highest relative load after the burst. */
  peakLoad: number;
  /** Ready deployments the burst pushed past full (0.8). */
  pushedPastFull: number;
  /** Rooms sent to deployments that are draining or not reporting. */
  sentToUnhealthy: number;
  /** Rooms no deployment took. */
  refused: number;
}

export function burstFigures(deployments: readonly DeploymentLoad[], sent: ReadonlyMap<string, number>, rooms: number): BurstFigures {
  const { fullAt, newRoomStress } = defaultChoiceSettings;
  const totalFree = deployments.reduce((sum, d) => sum + reportedFree(d, defaultChoiceSettings), 0);
  let worstOverShare = 0;
  let peakLoad = 0;
  let pushedPastFull = 0;
  let sentToUnhealthy = 0;
  for (const d of deployments) {
    const n = sent.get(d.name) ?? 0;
    const fair = (reportedFree(d, defaultChoiceSettings) / totalFree) * rooms;
    if (n > 0) worstOverShare = Math.max(worstOverShare, fair > 0 ? n / fair : Number.POSITIVE_INFINITY);
    if (d.state !== "ready") {
      sentToUnhealthy += n;
      continue;
    }
    const after = (d.load + n * newRoomStress) / d.capacity;
    peakLoad = Math.max(peakLoad, after);
    if (d.load / d.capacity < fullAt && after > fullAt + 1e-9) pushedPastFull++;
  }
  const placed = [...sent.values()].reduce((a, b) => a + b, 0);
  return { worstOverShare, peakLoad, pushedPastFull, sentToUnhealthy, refused: rooms - placed };
}
