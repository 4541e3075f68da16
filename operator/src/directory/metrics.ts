// The directory's Prometheus metrics, named by Prometheus conventions under meetingfleet_directory_.

import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { DeploymentState, DeploymentView, JoinReason } from "./directory.ts";

const states: DeploymentState[] = ["ready", "full", "draining", "stale", "out"];

/** `donorPhases`: the Donors (registrations) by phase, when the directory keeps Donors. */
export function createDirectoryMetrics(
  deployments: () => readonly DeploymentView[],
  roomsRemembered: () => number,
  donorPhases: () => ReadonlyMap<string, number> = () => new Map(),
) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "meetingfleet_directory_" });
  /** A counter of events by one label: the function counts one for the label's value. */
  const counter = (name: string, help: string, label: string) => {
    const c = new Counter({ name, help, labelNames: [label], registers: [registry] });
    return (value: string) => c.inc({ [label]: value });
  };
  const joins = counter(
    "meetingfleet_directory_joins_total",
    "Joins answered, by how the deployment was chosen (sticky, new, moved) or none when no deployment could take the room.",
    "reason",
  );
  const reports = counter("meetingfleet_directory_reports_total", "Load reports received, by result (accepted, unauthorized, unknown, invalid).", "result");
  const checks = counter(
    "meetingfleet_directory_checks_total",
    "Onboarding checks of deployments (applications and Donors), by verdict (Admitted, PendingApproval, Refused).",
    "phase",
  );
  const polls = counter(
    "meetingfleet_directory_polls_total",
    "Polls of plain servers' stats, by result (ok: at least one of its bridges answered; failed: none did).",
    "result",
  );
  new Gauge({
    name: "meetingfleet_directory_deployments",
    help: "Registered deployments by state; stale and out ones get no new rooms.",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const all = deployments();
      for (const state of states) this.set({ state }, all.filter((d) => d.state === state).length);
    },
  });
  new Gauge({
    name: "meetingfleet_directory_deployment_up",
    help: "1 while a deployment reports (or answers its polls) in time, 0 once it is stale or out: a donor that went away.",
    labelNames: ["deployment", "region"],
    registers: [registry],
    collect() {
      // Reset first: a deployment no longer registered leaves no series behind.
      this.reset();
      for (const d of deployments()) this.set({ deployment: d.name, region: d.region }, d.state === "stale" || d.state === "out" ? 0 : 1);
    },
  });
  new Gauge({
    name: "meetingfleet_directory_donors",
    help: "Donors (registered deployments) by phase: Admitted, PendingApproval (waiting for an administrator), Refused, Unchecked.",
    labelNames: ["phase"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [phase, count] of donorPhases()) this.set({ phase }, count);
    },
  });
  new Gauge({
    name: "meetingfleet_directory_rooms",
    help: "Rooms the directory remembers a deployment for.",
    registers: [registry],
    collect() {
      this.set(roomsRemembered());
    },
  });
  return { registry, countJoin: (reason: JoinReason) => joins(reason), countReport: reports, countPoll: polls, countCheck: checks };
}
