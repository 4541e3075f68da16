// The Donor API: one donated deployment the directory sends meetings to, as a custom resource in the
// directory's namespace, so that `kubectl get donors` lists them and GitOps can manage them. A donor
// onboards through the directory's page or API (which creates the Donor after its checks) or an admin
// applies one; either way the directory checks it and writes the verdict into its status.

import { z } from "zod";
import { apiVersion, describe, group, version, webUrl } from "./common.ts";

export { apiVersion, group, version };
export const donorKind = "Donor";
export const donorPlural = "donors";

export const statsSourceSchema = describe(
  z.object({
    format: describe(z.enum(["colibri", "prometheus"]), "colibri: each URL is a bridge's /colibri/stats (JSON); prometheus: its /metrics (jitsi_jvb_*)."),
    urls: describe(
      z
        .array(z.string().regex(/^https?:\/\/[^\s/?#]+(\/[^\s#]*)?$/, "must be an http(s) URL without fragment"))
        .min(1)
        .max(100),
      "One URL per bridge, e.g. https://meet.example.org/colibri/stats behind the server's proxy.",
    ),
  }),
  "A plain Jitsi server's bridges, whose stats the directory polls.",
);

export type StatsSource = z.output<typeof statsSourceSchema>;

export const donorSpecSchema = describe(
  z.object({
    url: describe(webUrl, "Where people join meetings: the deployment's Jitsi Meet web front, e.g. https://meet.example.org."),
    displayName: describe(z.string().min(1).max(100), "Name shown on the directory's page."),
    region: describe(z.string().min(1).max(50), "Region shown on the directory's page, e.g. it-north."),
    contact: describe(z.email(), "E-mail address of the person the directory's admin can write to."),
    stats: statsSourceSchema.optional(),
    tokenSha256: describe(
      z.string().regex(/^[0-9a-f]{64}$/, "the hex SHA-256 of the deployment's report token"),
      "For a deployment that reports itself (a MeetingFleet): the hex SHA-256 of its report token. The token is never stored.",
    ).optional(),
    approved: describe(z.boolean(), "Set by an administrator: admit this deployment whatever its checks say.").default(false),
  }),
  "A donated deployment: a MeetingFleet that reports to the directory (tokenSha256), or a plain Jitsi server it polls (stats).",
);

export const donorPhases = ["Admitted", "PendingApproval", "Refused"] as const;

export const donorStatusSchema = describe(
  z.object({
    phase: describe(
      z.enum(donorPhases),
      "Admitted: the directory sends it meetings. PendingApproval: its checks passed, an admin approves. Refused: see reason.",
    ),
    reason: describe(z.string(), "Why, in words for the donor."),
    checks: describe(
      z.array(
        z.object({
          name: describe(z.string(), "https, certificate, web front or stats."),
          ok: describe(z.boolean(), "Whether it passed."),
          message: describe(z.string(), "What was found."),
        }),
      ),
      "The onboarding checks, in order.",
    ).optional(),
    checkedAt: describe(z.string(), "When the checks ran (RFC 3339).").optional(),
    load: describe(
      z.object({
        bridgesReady: describe(z.number().int().min(0), "Bridges taking new conferences."),
        maxBridges: describe(z.number().int().min(0), "Bridges it may run."),
        participants: describe(z.number().int().min(0), "People in meetings."),
        conferences: describe(z.number().int().min(0), "Meetings."),
        stress: describe(z.number().min(0), "Stress summed over its ready bridges."),
        draining: describe(z.boolean(), "It takes no new rooms."),
        reportedAt: describe(z.number().int(), "When the report arrived (ms since the epoch)."),
      }),
      "Its latest load report, as one directory replica received it: every replica reads it from here.",
    ).optional(),
    observedGeneration: describe(z.number().int(), "The spec generation the checks ran on.").optional(),
  }),
  "The directory's verdict on this deployment.",
);

export type DonorSpec = z.output<typeof donorSpecSchema>;
export type DonorStatus = z.output<typeof donorStatusSchema>;
