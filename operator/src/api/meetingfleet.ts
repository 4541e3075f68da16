// The MeetingFleet API: the one source of truth. These zod schemas validate what the operator reads
// and generate the CRD in crds/ (`make crds`), descriptions for `kubectl explain` and the CEL rules
// that refuse inconsistent fleets at apply time included.

import { z } from "zod";
import { durationPattern } from "../util/duration.ts";
import { apiVersion, describe, dnsLabel, group, version, webUrl } from "./common.ts";

export { apiVersion, group, version };
export const kind = "MeetingFleet";
export const plural = "meetingfleets";

/** A rule across fields: CEL for the API server, which refuses a fleet that breaks it at apply time, and a predicate for the operator. */
interface CrossFieldRule<T> {
  rule: string;
  message: string;
  fieldPath?: string;
  holds: (value: T) => boolean;
}

// The operator checks the rules again: a fleet stored under an older, looser CRD reaches it unchecked, and
// acting on one (replicas under minReplicas, say) would drain bridges the user meant to keep. It stalls instead.
function withRules<T extends z.ZodType>(schema: T, rules: Array<CrossFieldRule<z.output<T>>>): T {
  return schema
    .superRefine((value, ctx) => {
      for (const r of rules) if (!r.holds(value)) ctx.addIssue({ code: "custom", message: r.message, path: r.fieldPath?.slice(1).split(".") ?? [] });
    })
    .meta({ "x-kubernetes-validations": rules.map(({ holds: _, ...cel }) => cel) });
}

const quantity = describe(z.union([z.string(), z.number().int()]), "A Kubernetes quantity, e.g. 500m, 2, 4Gi.");

const resources = describe(
  z.object({
    requests: describe(z.record(z.string(), quantity), "Minimum resources the scheduler reserves for each bridge, e.g. cpu: 4, memory: 8Gi.").optional(),
    limits: describe(z.record(z.string(), quantity), "Maximum resources a bridge may use.").optional(),
  }),
  "CPU and memory of each bridge container. A bridge's capacity grows with its CPUs.",
);

const toleration = z.object({
  key: describe(z.string(), "Taint key the toleration applies to; empty matches all keys (with operator Exists).").optional(),
  operator: describe(z.enum(["Exists", "Equal"]), "Exists or Equal (default Equal).").optional(),
  value: describe(z.string(), "Taint value to match with operator Equal.").optional(),
  effect: describe(z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]), "Taint effect to tolerate; empty matches all.").optional(),
  tolerationSeconds: describe(z.number().int(), "How long a NoExecute taint is tolerated before eviction.").optional(),
});

const envVar = z.object({
  name: describe(z.string().min(1), "Environment variable name."),
  value: describe(z.string(), "Value. Keep secrets out of here: the XMPP password comes from signaling.authPasswordSecretRef."),
});

export const bridgeTemplateSchema = describe(
  z.object({
    image: describe(z.string().min(1), "Container image of the bridge (the docker-jitsi-meet jitsi/jvb image or a compatible one).").default(
      "jitsi/jvb:stable",
    ),
    imagePullPolicy: describe(z.enum(["Always", "IfNotPresent", "Never"]), "When the kubelet pulls the image.").default("IfNotPresent"),
    resources: resources.optional(),
    nodeSelector: describe(z.record(z.string(), z.string()), "Labels a node must have to run bridges, e.g. for dedicated media nodes.").optional(),
    tolerations: describe(z.array(toleration), "Taints of media nodes that bridges tolerate.").optional(),
    env: describe(z.array(envVar), "Extra environment variables for the bridge container (docker-jitsi-meet settings such as JVB_STUN_SERVERS).").optional(),
    priorityClassName: describe(z.string(), "PriorityClass of bridge pods.").optional(),
  }),
  "The bridge pods. Changing it rolls the bridges: new ones start first, old ones drain one at a time.",
);

export const signalingSchema = describe(
  z.object({
    xmppServer: describe(z.string().min(1), "Host name of the XMPP server (Prosody) the bridges join."),
    xmppPort: describe(z.number().int().min(1).max(65535), "XMPP client port.").default(5222),
    xmppDomain: describe(z.string().min(1), "XMPP domain of the deployment.").default("meet.jitsi"),
    xmppAuthDomain: describe(z.string().min(1), "XMPP domain where the bridge's account lives.").default("auth.meet.jitsi"),
    xmppInternalMucDomain: describe(z.string().min(1), "XMPP domain of the internal MUC where bridges announce themselves.").default("internal-muc.meet.jitsi"),
    breweryMuc: describe(z.string().min(1), "Name of the MUC room (the brewery) in which Jicofo finds bridges.").default("jvbbrewery"),
    authUser: describe(z.string().min(1), "XMPP user of the bridges.").default("jvb"),
    authPasswordSecretRef: describe(
      z.object({
        name: describe(z.string().min(1), "Name of a Secret in the fleet's namespace."),
        key: describe(z.string().min(1), "Key in the Secret that holds the password.").default("password"),
      }),
      "Secret holding the bridges' XMPP password (JVB_AUTH_PASSWORD). The password is never written in the fleet.",
    ),
  }),
  "The Jitsi signalling stack (Prosody and Jicofo) the bridges join.",
);

export const mediaSchema = describe(
  z.object({
    exposure: describe(
      z.enum(["HostPort", "NodePort"]),
      "How a bridge's UDP media port reaches users. HostPort: the bridge's port on its node's address (one bridge per node). NodePort: a NodePort Service per bridge, with a port from nodePortRange.",
    ).default("HostPort"),
    port: describe(z.number().int().min(1024).max(65535), "The bridge's UDP media port (JVB_PORT); with HostPort also the port on the node.").default(10000),
    nodePortRange: withRules(
      describe(
        z.object({
          start: describe(z.number().int().min(1).max(65535), "First port of the range (inclusive)."),
          end: describe(z.number().int().min(1).max(65535), "Last port of the range (inclusive)."),
        }),
        "With NodePort exposure: the node ports bridges may use, one each. Must hold at least maxReplicas ports.",
      ),
      [{ rule: "self.start <= self.end", message: "spec.media.nodePortRange.start must be <= spec.media.nodePortRange.end", holds: (r) => r.start <= r.end }],
    ).optional(),
  }),
  "How each bridge's UDP media port is exposed. Clients are told the node's public address (its ExternalIP, else its InternalIP) at that port, through a ConfigMap <bridge>-media the operator writes once the bridge is scheduled.",
);

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

export const autoscalingSchema = describe(
  z.object({
    targetStress: describe(
      z.number().min(0.1).max(0.8),
      "Mean stress the usable bridges are kept at or below, leaving room for new meetings (Jicofo refuses bridges past 0.8).",
    ).default(0.6),
    targetParticipants: describe(
      z.number().int().min(1).max(10000),
      "Participants per bridge kept at or below this as well, when set (the larger need wins): for bridges whose stress figure is not calibrated to their hardware.",
    ).optional(),
    lookahead: describe(
      z.string().regex(durationPattern),
      "How far ahead participant growth is projected (0s: not at all), e.g. the time a new bridge needs to become useful (about 90s). Off by default: with headroom it did not pay in the benchmark.",
    ).default("0s"),
    headroom: describe(
      z.number().int().min(0).max(100),
      "Bridges' worth of spare room (at targetStress) kept on top of the load, for a burst of meetings that arrives before a new bridge is useful.",
    ).default(1),
    scaleUpWindow: describe(z.string().regex(durationPattern), "Bridges are added only when more were needed for this whole window (0s: at once).").default(
      "0s",
    ),
    scaleDownWindow: describe(
      z.string().regex(durationPattern),
      "Bridges are removed (by draining) only when fewer were needed for this whole window.",
    ).default("10m"),
    burstMemory: describe(
      z.string().regex(durationPattern),
      "How long the fleet keeps room for the largest rise in participants within a bridge's start-up, and (once a bridge went past the threshold) for the largest conference, after it saw them (0s: no such room). Idle bridges after a burst are this memory at work.",
    ).default("3h"),
    timeZone: describe(z.string().min(1), "IANA time zone of the schedule and of the time-of-day memory, e.g. Europe/Rome.").default("UTC"),
    schedule: describe(
      z
        .array(
          z.object({
            days: describe(z.array(z.number().int().min(0).max(6)).min(1).max(7), "Days of the week, 0 = Sunday ... 6 = Saturday."),
            start: describe(hhmm, "Local start, HH:MM."),
            end: describe(hhmm, "Local end, HH:MM (exclusive; before the start means past midnight)."),
            minReplicas: describe(
              z.number().int().min(0).max(1000),
              "Bridges kept warm in this window, so capacity is there before meetings start on the hour.",
            ),
          }),
        )
        .max(50),
      "Scheduled minimums, e.g. lecture hours.",
    ).optional(),
  }),
  "The built-in autoscaler: when present, the operator sets spec.replicas from the bridges' live figures (within minReplicas and maxReplicas).",
);

export const fleetDirectorySchema = describe(
  z.object({
    url: describe(webUrl, "Base URL of the directory the fleet reports to, e.g. https://directory.example.org."),
    name: describe(dnsLabel, "This fleet's name in the directory, as its admin admitted it (default: <namespace>-<fleet>).").optional(),
    tokenSecretRef: describe(
      z.object({
        name: describe(z.string().min(1), "Name of a Secret in the fleet's namespace."),
        key: describe(z.string().min(1), "Key in the Secret that holds the token.").default("token"),
      }),
      "Secret holding the report token the directory gave this fleet. The token is never written in the fleet.",
    ),
    publicUrl: describe(webUrl, "Where people join meetings on this fleet: its Jitsi Meet web front, e.g. https://meet.example.org."),
    displayName: describe(z.string().min(1).max(100), "Name shown on the directory's page, e.g. the donor's."),
    region: describe(z.string().min(1).max(50), "Region shown on the directory's page, e.g. it-north."),
    draining: describe(z.boolean(), "Ask the directory for no new rooms (meetings already here go on), e.g. before maintenance.").default(false),
  }),
  "Report this fleet's capacity and load to a directory every few seconds, so that the directory sends meetings here.",
);

const fleetSpecFields = describe(
  z.object({
    replicas: describe(z.number().int().min(0).max(1000), "Desired number of bridges (the scale subresource: kubectl scale, HPA and KEDA set it).").default(2),
    minReplicas: describe(z.number().int().min(0).max(1000), "Fewest bridges the fleet keeps.").default(1),
    maxReplicas: describe(z.number().int().min(1).max(1000), "Most bridges the fleet may run.").default(10),
    drainDeadline: describe(
      z.string().regex(durationPattern),
      "How long a draining bridge may keep its meetings before it is shut down anyway (e.g. 90m, 8h). Meetings still running then are cut. The default, a working day, lets a scale-down, a roll or a node drain wait for nearly every meeting (Jitsi's own graceful shutdown waits up to 24h); a shorter one bounds how long a roll or a node drain can take.",
    ).default("8h"),
    region: describe(z.string().min(1), "Region the bridges announce for Octo (JVB_OCTO_REGION); Octo is enabled when set.").optional(),
    template: bridgeTemplateSchema.prefault({}),
    signaling: signalingSchema,
    media: mediaSchema.prefault({}),
    autoscaling: autoscalingSchema.optional(),
    directory: fleetDirectorySchema.optional(),
  }),
  "What the fleet should be.",
);

export const fleetSpecSchema = withRules(fleetSpecFields, [
  {
    rule: "self.minReplicas <= self.maxReplicas",
    message: "spec.minReplicas must be <= spec.maxReplicas",
    fieldPath: ".minReplicas",
    holds: (s) => s.minReplicas <= s.maxReplicas,
  },
  {
    rule: "self.replicas >= self.minReplicas && self.replicas <= self.maxReplicas",
    message: "spec.replicas must be between spec.minReplicas and spec.maxReplicas",
    fieldPath: ".replicas",
    holds: (s) => s.replicas >= s.minReplicas && s.replicas <= s.maxReplicas,
  },
  {
    rule: "self.media.exposure != 'NodePort' || has(self.media.nodePortRange)",
    message: "spec.media.nodePortRange is required when spec.media.exposure is NodePort",
    fieldPath: ".media",
    holds: (s) => s.media.exposure !== "NodePort" || s.media.nodePortRange !== undefined,
  },
  {
    rule: "!has(self.autoscaling) || !has(self.autoscaling.schedule) || self.autoscaling.schedule.all(e, e.minReplicas <= self.maxReplicas)",
    message: "spec.autoscaling.schedule[].minReplicas must be <= spec.maxReplicas",
    fieldPath: ".autoscaling.schedule",
    holds: (s) => (s.autoscaling?.schedule ?? []).every((e) => e.minReplicas <= s.maxReplicas),
  },
  {
    rule: "!has(self.media.nodePortRange) || self.media.nodePortRange.end - self.media.nodePortRange.start + 1 >= self.maxReplicas",
    message: "spec.media.nodePortRange is too small: it must hold at least spec.maxReplicas ports",
    fieldPath: ".media.nodePortRange",
    holds: (s) => s.media.nodePortRange === undefined || s.media.nodePortRange.end - s.media.nodePortRange.start + 1 >= s.maxReplicas,
  },
]);

export const bridgePhases = ["Pending", "Starting", "Ready", "Draining", "ShuttingDown", "Failed"] as const;

const bridgeStatus = z.object({
  name: describe(z.string(), "Pod name of the bridge."),
  phase: describe(
    z.enum(bridgePhases),
    "Pending (not scheduled), Starting (API not answering yet), Ready, Draining (no new conferences), ShuttingDown, Failed.",
  ),
  participants: describe(z.number().int(), "Local participants, from the bridge's last stats; absent when unknown.").optional(),
  stress: describe(z.string(), "Stress level from the bridge's last stats (load / load threshold), as a decimal string.").optional(),
  drainingSince: describe(z.string(), "When draining started (RFC 3339).").optional(),
  templateHash: describe(z.string(), "Hash of the bridge template the bridge was created from.").optional(),
});

const condition = z.object({
  type: describe(z.string(), "Ready, Reconciling or Stalled."),
  status: describe(z.enum(["True", "False", "Unknown"]), "Status of the condition."),
  reason: describe(z.string(), "Machine-readable reason, CamelCase."),
  message: describe(z.string(), "Human-readable explanation."),
  observedGeneration: describe(z.number().int(), "Generation of the spec the condition was computed from.").optional(),
  lastTransitionTime: describe(z.string(), "When the status last changed (RFC 3339)."),
});

export const fleetStatusSchema = describe(
  z.object({
    observedGeneration: describe(z.number().int(), "Generation of the spec this status describes.").optional(),
    replicas: describe(z.number().int(), "Bridges that exist (any phase).").optional(),
    readyReplicas: describe(z.number().int(), "Bridges ready for new conferences.").optional(),
    drainingReplicas: describe(z.number().int(), "Bridges draining or shutting down.").optional(),
    selector: describe(z.string(), "Label selector of the fleet's bridge pods (for the scale subresource).").optional(),
    participants: describe(z.number().int(), "Participants on all bridges with known figures.").optional(),
    conferences: describe(z.number().int(), "Conferences on all bridges with known figures.").optional(),
    averageStress: describe(z.string(), "Mean stress of bridges with known figures, as a decimal string.").optional(),
    maxStress: describe(z.string(), "Highest stress of any bridge, as a decimal string.").optional(),
    bridges: describe(z.array(bridgeStatus), "One entry per bridge.").optional(),
    conditions: describe(z.array(condition), "Ready, Reconciling and Stalled (kstatus).").optional(),
  }),
  "What the fleet is, as the operator last saw it.",
);

export type FleetSpec = z.output<typeof fleetSpecSchema>;
export type FleetDirectory = z.output<typeof fleetDirectorySchema>;
export type FleetStatus = z.output<typeof fleetStatusSchema>;
export type BridgeStatus = z.output<typeof bridgeStatus>;
export type Condition = z.output<typeof condition>;
export type BridgePhase = (typeof bridgePhases)[number];
