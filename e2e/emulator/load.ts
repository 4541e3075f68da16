// Load scripts: a target number of concurrent participants over time, turned into conference arrivals.
// Conferences of a fixed size start whenever the participants in running conferences fall below the
// target, and each runs its full duration, so load falls only as meetings end: nobody is cut when the
// target drops, as in life.
//   constant: `participants` throughout
//   step:     `from` until `atS`, then `to`
//   ramp:     `from`, rising (or falling) linearly to `to` over `rampS` seconds starting at `atS`

import { z } from "zod";
import type { ConferenceArrival } from "./trace.ts";

const common = {
  conferenceSize: z.number().int().min(1).max(500).default(4),
  durationS: z.number().positive().default(600),
  horizonS: z
    .number()
    .positive()
    .max(7 * 86_400)
    .default(3_600),
  region: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/)
    .optional(),
};
const participants = z.number().int().min(0).max(100_000);

export const loadScriptSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("constant"), participants, ...common }).strict(),
  z.object({ kind: z.literal("step"), from: participants, to: participants, atS: z.number().min(0), ...common }).strict(),
  z
    .object({ kind: z.literal("ramp"), from: participants, to: participants, atS: z.number().min(0).default(0), rampS: z.number().positive(), ...common })
    .strict(),
]);

export type LoadScript = z.infer<typeof loadScriptSchema>;

/** Target concurrent participants at second `t` of the script. */
export function targetParticipants(script: LoadScript, t: number): number {
  switch (script.kind) {
    case "constant":
      return script.participants;
    case "step":
      return t < script.atS ? script.from : script.to;
    case "ramp": {
      const progress = Math.min(1, Math.max(0, (t - script.atS) / script.rampS));
      return Math.round(script.from + (script.to - script.from) * progress);
    }
  }
}

/** Arrivals over the script's horizon, evaluated once a second. */
export function loadArrivals(script: LoadScript): ConferenceArrival[] {
  const arrivals: ConferenceArrival[] = [];
  const endTimes: number[] = []; // seconds at which running conferences end
  const durationS = script.durationS;
  for (let t = 0; t < script.horizonS; t++) {
    while (endTimes.length > 0 && (endTimes[0] ?? Infinity) <= t) endTimes.shift();
    const running = endTimes.length * script.conferenceSize;
    const missing = targetParticipants(script, t) - running;
    const starts = Math.max(0, Math.floor(missing / script.conferenceSize));
    for (let i = 0; i < starts; i++) {
      const arrival: ConferenceArrival = { startMs: t * 1000, durationMs: durationS * 1000, participants: script.conferenceSize };
      if (script.region !== undefined) arrival.region = script.region;
      arrivals.push(arrival);
      endTimes.push(t + durationS); // equal durations: pushing keeps the list sorted
    }
  }
  return arrivals;
}
