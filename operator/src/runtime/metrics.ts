// The operator's Prometheus metrics (prom-client), named by Prometheus conventions under meetingfleet_.

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "meetingfleet_operator_" });
  const fleetLabels = ["namespace", "fleet"] as const;
  const histogram = (name: string, help: string, buckets: number[]) => new Histogram({ name, help, buckets, registers: [registry] });
  return {
    registry,
    reconciles: new Counter({
      name: "meetingfleet_reconcile_operations_total",
      help: "Fleet reconciles, by result.",
      labelNames: ["result"],
      registers: [registry],
    }),
    reconcileErrors: new Counter({
      name: "meetingfleet_reconcile_errors_total",
      help: "Fleet reconciles that failed and will be retried.",
      registers: [registry],
    }),
    reconcileDuration: histogram(
      "meetingfleet_reconcile_duration_seconds",
      "Time of one fleet reconcile.",
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    ),
    queueDepth: new Gauge({ name: "meetingfleet_workqueue_depth", help: "Fleets waiting for a reconcile.", registers: [registry] }),
    scrapeDuration: histogram(
      "meetingfleet_bridge_scrape_duration_seconds",
      "Time of one /colibri/stats call.",
      [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
    ),
    scrapeRound: histogram(
      "meetingfleet_bridge_scrape_round_seconds",
      "Time to read every bridge once; past the scrape interval, figures age more than the interval says.",
      [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ),
    scrapeErrors: new Counter({ name: "meetingfleet_bridge_scrape_errors_total", help: "Failed /colibri/stats calls.", registers: [registry] }),
    bridges: new Gauge({
      name: "meetingfleet_fleet_bridges",
      help: "Bridges of a fleet by state (desired, current, ready, draining).",
      labelNames: [...fleetLabels, "state"],
      registers: [registry],
    }),
    participants: new Gauge({
      name: "meetingfleet_fleet_participants",
      help: "Participants on a fleet's bridges with known figures.",
      labelNames: fleetLabels,
      registers: [registry],
    }),
    conferences: new Gauge({
      name: "meetingfleet_fleet_conferences",
      help: "Conferences on a fleet's bridges with known figures.",
      labelNames: fleetLabels,
      registers: [registry],
    }),
    stressMax: new Gauge({ name: "meetingfleet_fleet_stress_max", help: "Highest bridge stress in a fleet.", labelNames: fleetLabels, registers: [registry] }),
    stressAverage: new Gauge({
      name: "meetingfleet_fleet_stress_average",
      help: "Mean bridge stress in a fleet.",
      labelNames: fleetLabels,
      registers: [registry],
    }),
    condition: new Gauge({
      name: "meetingfleet_fleet_condition",
      help: "A fleet's status conditions (Ready, Reconciling, Stalled): 1 while True, 0 while False.",
      labelNames: [...fleetLabels, "type"],
      registers: [registry],
    }),
    maxBridges: new Gauge({ name: "meetingfleet_fleet_max_bridges", help: "A fleet's spec.maxReplicas.", labelNames: fleetLabels, registers: [registry] }),
    drainDeadline: new Gauge({
      name: "meetingfleet_fleet_drain_deadline_seconds",
      help: "A fleet's spec.drainDeadline.",
      labelNames: fleetLabels,
      registers: [registry],
    }),
    bridgeDrainingSince: new Gauge({
      name: "meetingfleet_bridge_draining_since_timestamp_seconds",
      help: "When a draining bridge started draining (Unix time).",
      labelNames: [...fleetLabels, "bridge"],
      registers: [registry],
    }),
    bridgeStress: new Gauge({
      name: "meetingfleet_bridge_stress",
      help: "A bridge's stress_level from its last stats (absent while unknown).",
      labelNames: [...fleetLabels, "bridge"],
      registers: [registry],
    }),
    bridgeParticipants: new Gauge({
      name: "meetingfleet_bridge_participants",
      help: "A bridge's local participants from its last stats (absent while unknown).",
      labelNames: [...fleetLabels, "bridge"],
      registers: [registry],
    }),
    bridgePhase: new Gauge({
      name: "meetingfleet_bridge_phase",
      help: "1 for a bridge's current phase (Pending, Starting, Ready, Draining, ShuttingDown, Failed).",
      labelNames: [...fleetLabels, "bridge", "phase"],
      registers: [registry],
    }),
    drainDuration: new Histogram({
      name: "meetingfleet_bridge_drain_duration_seconds",
      help: "From drain start to the bridge's removal.",
      labelNames: fleetLabels,
      buckets: [60, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800],
      registers: [registry],
    }),
    decisions: new Counter({
      name: "meetingfleet_scale_decisions_total",
      help: "Bridge decisions by action and reason.",
      labelNames: [...fleetLabels, "action", "reason"],
      registers: [registry],
    }),
    autoscalerDesired: new Gauge({
      name: "meetingfleet_autoscaler_desired_bridges",
      help: "Bridges the built-in autoscaler wants for a fleet.",
      labelNames: fleetLabels,
      registers: [registry],
    }),
    directoryReports: new Counter({
      name: "meetingfleet_directory_reports_sent_total",
      help: "Load reports a fleet sent to its directory, by result (accepted, refused, failed: no answer or no token).",
      labelNames: [...fleetLabels, "result"],
      registers: [registry],
    }),
    leader: new Gauge({ name: "meetingfleet_leader", help: "1 while this replica leads.", registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
