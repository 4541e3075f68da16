// The oracle: a lower bound no real policy reaches. Perfect foresight, bridges that exist the instant
// they are wanted, and conferences free to move between bridges: at each instant, the fewest bridges
// that keep every bridge under stress 0.8 (Jicofo's threshold). Stress adds up over conferences
// (the emulator's model), so this is bin packing: solved by first-fit decreasing (at most 11/9 of the
// optimum plus one) and never below the fractional bound ceil(total / 0.8). A conference that alone
// loads a bridge past 0.8 is split over as many bridges as it needs (Octo), and its relay traffic is
// left out, so the bound stays a lower one.

import { conferenceStress, defaultStressModel, type StressModel } from "../emulator/stress.ts";
import { type BenchArrival, joinedBy } from "./traces.ts";

export const stressThreshold = 0.8;

/** Fewest bridges holding conferences of these stress contributions with every bridge under `capacity`. */
export function packBridges(stresses: readonly number[], capacity = stressThreshold): number {
  // Octo splits an oversized conference: full bridges' worth, and the rest packed like any conference.
  const full = capacity - 1e-9;
  const pieces = stresses
    .filter((s) => s > 0)
    .flatMap((s) => {
      const fullParts = s < capacity ? 0 : Math.floor(s / full);
      const rest = s - fullParts * full;
      return [...Array<number>(fullParts).fill(full), ...(rest > 1e-12 ? [rest] : [])];
    });
  const sorted = pieces.sort((a, b) => b - a);
  const loads: number[] = [];
  for (const s of sorted) {
    const fit = loads.findIndex((load) => load + s < capacity);
    if (fit >= 0) loads[fit]! += s;
    else loads.push(s);
  }
  const total = sorted.reduce((a, b) => a + b, 0);
  return Math.max(loads.length, Math.ceil(total / capacity - 1e-9));
}

export interface OracleResult {
  /** Bridges wanted at each step. */
  series: Array<{ t: number; bridges: number }>;
  bridgeHours: number;
  peakBridges: number;
}

/** The oracle over a trace, sampled every `stepMs` from `fromMs` to `toMs`. */
export function oracle(trace: readonly BenchArrival[], fromMs: number, toMs: number, stepMs = 60_000, model: StressModel = defaultStressModel): OracleResult {
  const byStart = [...trace].sort((a, b) => a.startMs - b.startMs);
  const active: BenchArrival[] = [];
  const series: OracleResult["series"] = [];
  let next = 0;
  let bridgeMs = 0;
  for (let t = fromMs; t < toMs; t += stepMs) {
    while (next < byStart.length && byStart[next]!.startMs <= t) active.push(byStart[next++]!);
    for (let i = active.length - 1; i >= 0; i--) if (active[i]!.startMs + active[i]!.durationMs <= t) active.splice(i, 1);
    const bridges = packBridges(active.map((c) => conferenceStress(joinedBy(c, t), model)));
    series.push({ t, bridges });
    bridgeMs += bridges * stepMs;
  }
  return { series, bridgeHours: bridgeMs / 3_600_000, peakBridges: Math.max(0, ...series.map((s) => s.bridges)) };
}
