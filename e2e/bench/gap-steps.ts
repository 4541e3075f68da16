// What the gap between ours and the oracle is made of: ours again with the causes the issue names taken
// away one after another, each step keeping the ones before. Shared by `make bench` (on its traces) and
// `make bench-suite GAP=1` (on the population), so both answer with the same steps.

import type { PolicySpec } from "../../operator/src/autoscale/policy.ts";
import type { SimOptions } from "./sim/fleet-sim.ts";

export interface GapStep {
  label: string;
  /** Ours' settings at this step (on top of the defaults). */
  spec: Partial<PolicySpec>;
  /** The bridge model at this step: changes no policy can make. */
  options: Partial<SimOptions>;
}

// Start-up delay: bridges useful the moment they are asked for, and without the time-of-day memory,
// which was made to start bridges before a rise that earlier days had at this hour.
const startUp: GapStep = {
  label: "ours, gap 1: bridges at once",
  spec: { prewarmFromHistory: false },
  options: { startDelayMs: 0 },
};

// Pinned meetings: a drained bridge is emptied at once and Jicofo re-places its people (each meeting
// moved is counted as interrupted), so a scale-down never waits for a meeting to end.
const pinned: GapStep = {
  label: "ours, gap 2: + meetings moved",
  spec: startUp.spec,
  options: { ...startUp.options, drainDeadlineMs: 0 },
};

// Headroom: no spare bridge, no room held for the largest rise lately or for the largest conference,
// at the defaults' target.
const headroom: GapStep = {
  label: "ours, gap 3: + no headroom",
  spec: { ...pinned.spec, headroom: 0, roomForRises: false, roomForLargestConference: false },
  options: pinned.options,
};

// Then the oracle's own target, Jicofo's threshold. What is left after this step is Jicofo's placement:
// each meeting on the least-stressed bridge of 5-second-old figures before anyone knows its size, large
// ones split with relay traffic, where the oracle packs every meeting at will, instantly.
const threshold: GapStep = {
  label: "ours, gap 4: + target 0.8",
  spec: { ...headroom.spec, targetStress: 0.8 },
  options: headroom.options,
};

export const gapSteps: readonly GapStep[] = [startUp, pinned, headroom, threshold];
