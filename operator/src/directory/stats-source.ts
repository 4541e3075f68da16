// A plain Jitsi server's load, read by the directory itself: the server's admin exposes each bridge's
// /colibri/stats (JSON) or its Prometheus /metrics (names under jitsi_jvb_), and the directory turns
// what answered into the same load report a MeetingFleet sends. Pure: the poller does the fetching.

import type { StatsSource } from "../api/donor.ts";
import { type BridgeReading, figuresFromStats } from "../bridges/jvb-client.ts";
import type { LoadReport } from "./report.ts";

/** The jitsi_jvb_ gauges standing for the /colibri/stats fields the reading uses. */
const prometheusNames: Record<string, string> = {
  jitsi_jvb_stress: "stress_level",
  jitsi_jvb_conferences: "conferences",
  jitsi_jvb_local_endpoints: "local_endpoints",
  jitsi_jvb_largest_conference: "largest_conference",
  jitsi_jvb_drain_mode: "drain",
  jitsi_jvb_shutting_down: "shutting_down",
};
const booleanFields = new Set(["drain", "shutting_down"]);

/** Unlabelled samples of the text exposition format: `name value [timestamp]`. */
function prometheusSamples(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\s+(\S+)/.exec(line.trim());
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

/** One bridge's figures from the body its stats URL answered; throws, naming what is wrong, on anything else. */
export function readingFromBody(format: StatsSource["format"], body: string): BridgeReading {
  if (format === "colibri") {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new Error("stats refused: the body is not JSON");
    }
    return figuresFromStats(json);
  }
  const samples = prometheusSamples(body);
  const stats: Record<string, number | boolean> = {};
  for (const [name, field] of Object.entries(prometheusNames)) {
    const value = samples.get(name);
    if (value !== undefined) stats[field] = booleanFields.has(field) ? value !== 0 : value;
  }
  if (stats.stress_level === undefined) throw new Error("stats refused: no jitsi_jvb_stress sample (is rest.prometheus.enabled on?)");
  return figuresFromStats(stats);
}

/**
 * The deployment's report from its bridges' readings (an Error where a bridge did not answer or made no
 * sense): every bridge counts toward its size, only those that answered and take conferences are ready.
 * Undefined when none answered: the deployment then reports nothing and goes stale, like a silent fleet.
 */
export function reportFromReadings(readings: ReadonlyArray<BridgeReading | Error>): LoadReport | undefined {
  const answered = readings.filter((r): r is BridgeReading => !(r instanceof Error));
  if (answered.length === 0) return undefined;
  const open = answered.filter((r) => !r.drain && !r.shuttingDown);
  return {
    bridgesReady: open.length,
    maxBridges: readings.length,
    participants: answered.reduce((sum, r) => sum + r.participants, 0),
    conferences: answered.reduce((sum, r) => sum + r.conferences, 0),
    stress: open.reduce((sum, r) => sum + r.stress, 0),
    draining: open.length === 0,
  };
}
