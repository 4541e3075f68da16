// The demo's conference load, as a trace the emulator replays: a first wave that rises to about 400
// participants in a minute and then ebbs as its meetings end at different times, and a smaller second
// wave while bridges are still draining, so the autoscaler shows growth, shrinking by drain and an
// undrain. Fixed arithmetic, no randomness: every run of the demo tells the same story.

export interface Wave {
  /** Seconds from the start of the replay. */
  fromS: number;
  toS: number;
  meetings: number;
  /** Participants per meeting cycle through these sizes. */
  sizes: readonly number[];
  /** Durations spread evenly between these bounds, so the wave ebbs rather than stops. */
  durationS: readonly [shortest: number, longest: number];
}

export const demoWaves: readonly Wave[] = [
  { fromS: 5, toS: 65, meetings: 80, sizes: [3, 4, 5, 6, 7], durationS: [60, 120] },
  { fromS: 150, toS: 170, meetings: 30, sizes: [4, 5, 6], durationS: [50, 70] },
];

/** The waves as a trace file (the emulator's CSV format). */
export function wavesTrace(waves: readonly Wave[]): string {
  const lines = ["start_s,duration_s,participants"];
  for (const w of waves) {
    for (let i = 0; i < w.meetings; i++) {
      const startS = w.fromS + ((w.toS - w.fromS) * i) / w.meetings;
      // A stride coprime with the count spreads durations so neighbours in time do not end together.
      const spread = ((i * 37) % w.meetings) / Math.max(1, w.meetings - 1);
      const durationS = w.durationS[0] + (w.durationS[1] - w.durationS[0]) * spread;
      lines.push(`${startS.toFixed(1)},${durationS.toFixed(1)},${w.sizes[i % w.sizes.length]}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
