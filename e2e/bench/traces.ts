// Synthetic conference traces for the autoscaling benchmark, seeded so every run replays the same
// conferences. Shapes follow the public figures in ../shared/reference/autoscaling.md; every number
// below that is not from there is an assumption, stated where it is made.
//   week          Poisson arrivals shaped by hour of day and weekday, bursts at :00 and :30,
//                 heavy-tailed sizes, log-normal durations (mean ~50 min), peaks of ~1,000 participants
//   schoolMorning classes of 25-30 starting at 8:00 and 9:00 sharp
//   flashCrowd    a working-day background plus a press conference of 300 joining within two minutes

import type { ConferenceArrival } from "../emulator/trace.ts";

/** A meeting of a built-in trace; trace files' meetings start whole. */
export interface BenchArrival extends ConferenceArrival {
  /** Its people join evenly over this long from its start (unset: all at once). */
  joinMs?: number;
}

/** How many of the meeting's people have joined by `t` (its end is the caller's business). */
export function joinedBy(c: BenchArrival, t: number): number {
  if (t < c.startMs) return 0;
  if (!c.joinMs) return c.participants;
  return Math.min(c.participants, Math.ceil((c.participants * (t - c.startMs)) / c.joinMs));
}

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

export function normal(random: () => number): number {
  // Box-Muller; 1 - random() avoids log(0).
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Log-normal with the given mean and sigma of the underlying normal (assumption: sigma 0.6). */
export function logNormal(random: () => number, mean: number, sigma = 0.6): number {
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  return Math.exp(mu + sigma * normal(random));
}

/** Meeting sizes: most 2-4, some mid-size, a few 50-200 (assumption: 70/25/5 %). Mean about 8. */
export function meetingSize(random: () => number): number {
  const u = random();
  if (u < 0.7) return 2 + Math.floor(random() * 3);
  if (u < 0.95) return 5 + Math.floor(random() * 21);
  // Pareto tail from 30, capped at 200.
  return Math.min(200, Math.floor(30 / (1 - random()) ** (1 / 1.5)));
}

/** Relative arrival rate by hour of day for a working day (assumption shaped on lecture/office hours). */
export const weekdayProfile = [
  0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.05, 0.2, 0.6, 1.0, 1.0, 0.95, 0.6, 0.55, 0.9, 0.95, 0.85, 0.6, 0.4, 0.3, 0.25, 0.2, 0.1, 0.05,
];
/** Monday and Friday lighter, Tuesday/Wednesday busiest (Zoom's weekly shape); weekends low. */
const dayFactor = [0.9, 1.0, 1.0, 0.95, 0.8, 0.2, 0.15];

/** Fraction of each half-hour's arrivals that come in its first two minutes (assumption). */
const burstShare = 0.35;

export function poissonArrivals(random: () => number, rate: (t: number) => number, from: number, to: number, stepMs = minute): number[] {
  const times: number[] = [];
  for (let t = from; t < to; t += stepMs) {
    // Thinning per step: expected arrivals in this step, drawn as Poisson by inversion.
    const expected = rate(t) * (stepMs / minute);
    let count = 0;
    let p = Math.exp(-expected);
    let cumulative = p;
    const u = random();
    while (u > cumulative && count < 1_000) {
      count++;
      p *= expected / count;
      cumulative += p;
    }
    for (let i = 0; i < count; i++) times.push(t + random() * stepMs);
  }
  return times;
}

/**
 * A week starting on a Monday at 00:00. `peakPerMinute` conferences per minute at the busiest hour: with
 * mean size ~8 and mean duration 50 min, 1.5/min gives peaks of about 1,000 concurrent participants
 * (bursts and the size tail push peaks above the mean-rate estimate of 600).
 */
export function weekTrace(seed = 1, peakPerMinute = 1.5): ConferenceArrival[] {
  const random = seededRandom(seed);
  const rate = (t: number) => {
    const dayIndex = Math.floor(t / day) % 7;
    const hourIndex = Math.floor((t % day) / hour);
    const base = peakPerMinute * (weekdayProfile[hourIndex] ?? 0) * (dayFactor[dayIndex] ?? 0);
    // Concentrate part of each half-hour's arrivals into its first two minutes.
    const inHalfHour = t % (30 * minute);
    return inHalfHour < 2 * minute ? base * (1 - burstShare + burstShare * 15) : base * (1 - burstShare);
  };
  return poissonArrivals(random, rate, 0, 7 * day).map((startMs) => ({
    startMs,
    durationMs: Math.max(2 * minute, logNormal(random, 50 * minute)),
    participants: meetingSize(random),
  }));
}

/** 8:00 and 9:00 classes of 25-30 that start within a minute of the bell (times from midnight). */
export function schoolMorningTrace(seed = 2, classesAt8 = 28, classesAt9 = 34): ConferenceArrival[] {
  const random = seededRandom(seed);
  const classes = (at: number, count: number) =>
    Array.from({ length: count }, () => ({
      startMs: at + random() * minute,
      durationMs: 50 * minute + random() * 5 * minute,
      participants: 25 + Math.floor(random() * 6),
    }));
  const background = poissonArrivals(random, (t) => (t >= 7 * hour && t < 12 * hour ? 0.3 : 0.02), 6 * hour, 12 * hour).map((startMs) => ({
    startMs,
    durationMs: Math.max(2 * minute, logNormal(random, 30 * minute)),
    participants: 2 + Math.floor(random() * 3),
  }));
  return [...classes(8 * hour, classesAt8), ...classes(9 * hour, classesAt9), ...background].sort((a, b) => a.startMs - b.startMs);
}

/** Mid-morning background load, then at 11:00 a press conference of 300 joining within two minutes. */
export function flashCrowdTrace(seed = 3): BenchArrival[] {
  const random = seededRandom(seed);
  const background = poissonArrivals(random, () => 0.8, 9 * hour, 13 * hour).map((startMs) => ({
    startMs,
    durationMs: Math.max(2 * minute, logNormal(random, 40 * minute)),
    participants: meetingSize(random),
  }));
  // One conference: Octo spreads it over bridges (80 per bridge at most). Its people join evenly over two
  // minutes: faster than a bridge becomes useful (60 s) can be added one after another.
  const press = [{ startMs: 11 * hour + 30_000, durationMs: 60 * minute, participants: 300, joinMs: 2 * minute }];
  return [...background, ...press].sort((a, b) => a.startMs - b.startMs);
}

/** Concurrent participants at time t (for checks and plots). */
export function concurrentParticipants(trace: readonly BenchArrival[], t: number): number {
  let total = 0;
  for (const c of trace) if (t < c.startMs + c.durationMs) total += joinedBy(c, t);
  return total;
}
