// A population of workloads for `make bench-suite`: families of days that schools, universities and
// communities have, each drawn many times with its own parameters (seeded, so a run replays the same
// instances). The policy is judged on all of them with the same defaults; nothing may read the family.
// Every instance starts with days the fleet has already lived through (warm-up, not counted: a fleet
// in service has a past) and is measured on the days after them. Trace time 0 is a Monday 00:00 in the
// fleet's time zone. Every figure drawn below is an assumption, stated with its range.

import { type BenchArrival, logNormal, meetingSize, poissonArrivals, seededRandom, weekdayProfile } from "./traces.ts";

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

export interface WorkloadInstance {
  family: string;
  instance: number;
  trace: BenchArrival[];
  /** The simulation starts here (the warm-up's start)... */
  fromMs: number;
  /** ...and is counted from here on. */
  measureFromMs: number;
  toMs: number;
}

type Random = () => number;
const uniform = (random: Random, lo: number, hi: number) => lo + random() * (hi - lo);
const integer = (random: Random, lo: number, hi: number) => Math.floor(uniform(random, lo, hi + 1));
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

interface BackgroundShape {
  /** Conferences per minute at the busiest hour. */
  peakPerMinute: number;
  /** Relative arrival rate by local hour. */
  profile: readonly number[];
  /** Hours the profile is moved by (a later or earlier community). */
  shiftHours: number;
  /** Share of each half hour's arrivals in its first two minutes (meetings booked on :00 and :30). */
  burstShare: number;
  meanMinutes: number;
  /** Participants per meeting. */
  size: (random: Random) => number;
}

/** Ad-hoc meetings over one day: Poisson arrivals by hour, bunched on the half hours. */
function background(random: Random, dayIndex: number, shape: BackgroundShape, volume = 1): BenchArrival[] {
  const from = dayIndex * day;
  const rate = (t: number) => {
    const localHour = (Math.floor((t - from) / hour) - Math.round(shape.shiftHours) + 48) % 24;
    const base = volume * shape.peakPerMinute * (shape.profile[localHour] ?? 0);
    const inHalfHour = t % (30 * minute);
    return inHalfHour < 2 * minute ? base * (1 - shape.burstShare + shape.burstShare * 15) : base * (1 - shape.burstShare);
  };
  return poissonArrivals(random, rate, from, from + day).map((startMs) => ({
    startMs,
    durationMs: Math.max(2 * minute, logNormal(random, shape.meanMinutes * minute)),
    participants: shape.size(random),
  }));
}

function drawBackground(random: Random, peak: [number, number], profile: readonly number[] = weekdayProfile): BackgroundShape {
  return {
    peakPerMinute: uniform(random, ...peak),
    profile,
    shiftHours: uniform(random, -1.5, 1.5),
    burstShare: uniform(random, 0, 0.5),
    meanMinutes: uniform(random, 25, 70),
    size: meetingSize,
  };
}

interface Block {
  /** Local start of the block on its day. */
  atMs: number;
  count: number;
  size: [number, number];
  durationMs: [number, number];
  /** The latest a meeting starts after the block's start. */
  jitterMs: number;
  /** How long its people take to join. */
  joinMs: number;
}

/** Meetings that start together: classes on the bell, lecture slots, conference sessions. */
function block(random: Random, dayIndex: number, b: Block): BenchArrival[] {
  return Array.from({ length: b.count }, () => ({
    startMs: dayIndex * day + b.atMs + random() * b.jitterMs,
    durationMs: uniform(random, ...b.durationMs),
    participants: integer(random, ...b.size),
    ...(b.joinMs > 0 ? { joinMs: b.joinMs } : {}),
  }));
}

/** Day-to-day variation of a day's volume (assumption: +-15 %). */
const dayVolume = (random: Random) => uniform(random, 0.85, 1.15);

/** Warm-up days, then measured days: [first simulated day, first measured day, end day]. */
function instanceOf(family: string, instance: number, trace: BenchArrival[], days: [number, number, number]): WorkloadInstance {
  return { family, instance, trace: trace.sort((a, b) => a.startMs - b.startMs), fromMs: days[0] * day, measureFromMs: days[1] * day, toMs: days[2] * day };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** A family draws one instance from its own random stream. */
type Family = (random: Random) => { trace: BenchArrival[]; days: [number, number, number] };

const evening = [0.05, 0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.2, 0.2, 0.2, 0.2, 0.25, 0.3, 0.4, 0.6, 0.9, 1.0, 0.9, 0.5, 0.2];
const weekend = [0.05, 0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.05, 0.15, 0.4, 0.7, 0.8, 0.6, 0.5, 0.6, 0.8, 0.9, 0.9, 1.0, 0.9, 0.7, 0.5, 0.3, 0.1];
/** Family calls and groups at weekends: larger than a weekday's 2-4 (assumption: 2-12). */
const familySize = (random: Random) => (random() < 0.85 ? integer(random, 2, 12) : integer(random, 13, 40));

export const families: Record<string, Family> = {
  /** Office and campus days, Monday and Tuesday lived, Wednesday measured. */
  weekday: (random) => {
    const shape = drawBackground(random, [0.3, 3]);
    return { trace: range(0, 3).flatMap((d) => background(random, d, shape, dayVolume(random))), days: [0, 2, 3] };
  },
  /** Saturday lived, Sunday measured: later, flatter, larger family meetings. */
  weekend: (random) => {
    const shape = { ...drawBackground(random, [0.1, 1], weekend), size: familySize, burstShare: uniform(random, 0, 0.2) };
    return { trace: [5, 6].flatMap((d) => background(random, d, shape, dayVolume(random))), days: [5, 6, 7] };
  },
  /** Classes of 15-30 starting on the hour from 8:00 for 3-6 hours, over light background. */
  "school-day": (random) => {
    const hours = integer(random, 3, 6);
    const perHour = range(0, hours).map(() => integer(random, 4, 45));
    const jitterMs = uniform(random, 0.5, 4) * minute;
    const joinMs = uniform(random, 0, 3) * minute;
    const shape = { ...drawBackground(random, [0.05, 0.4]), size: () => integer(random, 2, 4) };
    const trace = range(0, 3).flatMap((d) => {
      const volume = dayVolume(random);
      const classes = perHour.flatMap((count, h) =>
        block(random, d, { atMs: (8 + h) * hour, count: Math.round(count * volume), size: [15, 30], durationMs: [45 * minute, 55 * minute], jitterMs, joinMs }),
      );
      return [...classes, ...background(random, d, shape)];
    });
    return { trace, days: [0, 2, 3] };
  },
  /** Oral exams: committees calling students one after another (2-4 people, 10-30 min, short gaps). */
  "exam-session": (random) => {
    const committees = integer(random, 10, 80);
    const endHour = pick(random, [13, 17, 19]);
    const shape = drawBackground(random, [0.05, 0.5]);
    const trace = range(0, 3).flatMap((d) => {
      const exams: BenchArrival[] = [];
      for (let c = 0; c < Math.round(committees * dayVolume(random)); c++) {
        let t = d * day + 9 * hour + random() * 30 * minute;
        while (t < d * day + endHour * hour) {
          const durationMs = uniform(random, 10, 30) * minute;
          exams.push({ startMs: t, durationMs, participants: integer(random, 2, 4) });
          t += durationMs + uniform(random, 1, 10) * minute;
        }
      }
      return [...exams, ...background(random, d, shape)];
    });
    return { trace, days: [0, 2, 3] };
  },
  /** 90-minute lecture slots of 20-150 people, joined over a few minutes around the start. */
  lectures: (random) => {
    const slots = [8.5, 10.5, 12.5, 14.5, 16.5].filter(() => random() < 0.8);
    const perSlot = slots.map(() => integer(random, 3, 25));
    const largest = integer(random, 60, 150);
    const joinMs = uniform(random, 2, 10) * minute;
    const shape = drawBackground(random, [0.1, 1]);
    const trace = range(0, 3).flatMap((d) => [
      ...slots.flatMap((at, i) =>
        block(random, d, {
          atMs: at * hour - 5 * minute,
          count: Math.round(perSlot[i]! * dayVolume(random)),
          size: [20, largest],
          durationMs: [85 * minute, 95 * minute],
          jitterMs: 5 * minute,
          joinMs,
        }),
      ),
      ...background(random, d, shape),
    ]);
    return { trace, days: [0, 2, 3] };
  },
  /** Webinars of 150-400 at times of their own each day, over ordinary background. */
  webinar: (random) => {
    const shape = drawBackground(random, [0.3, 1.5]);
    const trace = range(0, 2).flatMap((d) => [
      ...background(random, d, shape, dayVolume(random)),
      ...range(0, integer(random, 1, 4)).map(() => ({
        startMs: d * day + uniform(random, 9, 18) * hour,
        durationMs: uniform(random, 45, 120) * minute,
        participants: integer(random, 150, 400),
        joinMs: uniform(random, 2, 10) * minute,
      })),
    ]);
    return { trace, days: [0, 1, 2] };
  },
  /** A crowd of 150-500 joining one meeting within 1-4 minutes, at a time no earlier day had one. */
  "flash-crowd": (random) => {
    const shape = drawBackground(random, [0.3, 1.5]);
    const crowd = {
      startMs: day + uniform(random, 9, 19) * hour,
      durationMs: uniform(random, 30, 90) * minute,
      participants: integer(random, 150, 500),
      joinMs: uniform(random, 1, 4) * minute,
    };
    return { trace: [...range(0, 2).flatMap((d) => background(random, d, shape, dayVolume(random))), crowd], days: [0, 1, 2] };
  },
  /** Quiet days, then 2-4 times busier ones (a term starts, a lockdown), then quiet again. */
  "regime-change": (random) => {
    const shape = drawBackground(random, [0.2, 0.8]);
    const busy = uniform(random, 2, 4);
    const volumes = [1, 1, busy, busy, 1];
    return { trace: volumes.flatMap((v, d) => background(random, d, shape, v * dayVolume(random))), days: [0, 1, 5] };
  },
  /** Two to four regions, each with its own working day, hours apart. */
  regions: (random) => {
    const regions = range(0, integer(random, 2, 4)).map((i) => ({
      ...drawBackground(random, [0.2, 1.5]),
      shiftHours: i === 0 ? 0 : pick(random, [-9, -6, -5, 1, 2, 5.5, 7, 8]),
    }));
    const trace = range(0, 3).flatMap((d) => regions.flatMap((shape) => background(random, d, shape, dayVolume(random))));
    return { trace, days: [0, 2, 3] };
  },
  /** Associations, choirs and volunteers: evenings, meetings of 5-40 booked on the hour and half hour. */
  "evening-community": (random) => {
    const shape = { ...drawBackground(random, [0.1, 1], evening), burstShare: uniform(random, 0.3, 0.7), size: () => integer(random, 5, 40) };
    return { trace: range(0, 3).flatMap((d) => background(random, d, shape, dayVolume(random))), days: [0, 2, 3] };
  },
  /** Spring 2020: every day 15-50 % busier than the day before. */
  growth: (random) => {
    const shape = drawBackground(random, [0.15, 0.6]);
    const rate = uniform(random, 1.15, 1.5);
    return { trace: range(0, 4).flatMap((d) => background(random, d, shape, rate ** d)), days: [0, 2, 4] };
  },
  /** A two-day online conference after an ordinary day: a keynote, then parallel tracks every hour. */
  "online-conference": (random) => {
    const shape = drawBackground(random, [0.2, 1]);
    const tracks = integer(random, 3, 10);
    const keynote = integer(random, 150, 450);
    const trace = [...range(0, 3).flatMap((d) => background(random, d, shape, dayVolume(random)))];
    for (const d of [1, 2]) {
      trace.push({ startMs: d * day + 9 * hour, durationMs: hour, participants: keynote, joinMs: uniform(random, 3, 8) * minute });
      for (let h = 10; h < 17; h++) {
        if (h === 13) continue;
        trace.push(
          ...block(random, d, {
            atMs: h * hour,
            count: tracks,
            size: [30, 200],
            durationMs: [45 * minute, 50 * minute],
            jitterMs: 2 * minute,
            joinMs: 3 * minute,
          }),
        );
      }
    }
    return { trace, days: [0, 1, 3] };
  },
};

export const familyNames = Object.keys(families);

/** Instance `i` of a family: its own seed, so any instance can be replayed alone. */
export function drawInstance(family: string, instance: number, seed = 1): WorkloadInstance {
  const draw = families[family];
  if (!draw) throw new Error(`unknown workload family ${JSON.stringify(family)}; known: ${familyNames.join(", ")}`);
  const random = seededRandom(hashSeed(`${seed}:${family}:${instance}`));
  const { trace, days } = draw(random);
  return instanceOf(family, instance, trace, days);
}

/** The whole population: `perFamily` instances of every family. */
export function population(perFamily: number): Array<{ family: string; instance: number }> {
  return familyNames.flatMap((family) => range(0, perFamily).map((instance) => ({ family, instance })));
}

/** FNV-1a over the text: stable seeds from names. */
function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
