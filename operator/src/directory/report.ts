// What a deployment reports every few seconds (a MeetingFleet's operator, or the directory's own poll of
// a plain Jitsi server): its capacity and load, and with it the details the page shows, so that a fleet
// registers itself. Figures are checked, because a deployment that reports nonsense must not attract or
// repel every room.

import { z } from "zod";

const count = z.number().int().min(0);

export const loadReportSchema = z
  .object({
    bridgesReady: count,
    /** Bridges it may run: a fleet's maxReplicas, a plain server's bridge count. */
    maxBridges: count,
    participants: count,
    conferences: count,
    /** Stress summed over its ready bridges (each 0 idle .. 1 at its limit). */
    stress: z.number().min(0).max(100_000),
    /** The whole deployment is going away: no new rooms. */
    draining: z.boolean().default(false),
  })
  .refine((r) => r.bridgesReady <= r.maxBridges, { message: "bridgesReady must not exceed maxBridges", path: ["bridgesReady"] });

export type LoadReport = z.output<typeof loadReportSchema>;

export const registrationDetailsSchema = z.object({
  url: z.string().regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, "must be an http(s) URL without query or fragment"),
  displayName: z.string().min(1).max(100),
  region: z.string().min(1).max(50),
});

export const reportBodySchema = z.intersection(loadReportSchema, z.object({ registration: registrationDetailsSchema.optional() }));

export type ReportBody = z.input<typeof reportBodySchema>;
