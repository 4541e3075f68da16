// The directory's Prometheus metrics, named by Prometheus conventions under meetingfleet_directory_.

import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { DeploymentState, DeploymentView, JoinReason } from "./directory.ts";

const states: DeploymentState[] = ["ready", "full", "draining", "stale", "out"];

export function createDirectoryMetrics(deployments: () => readonly DeploymentView[], roomsRemembered: () => number) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "meetingfleet_directory_" });
  const joins = new Counter({
    name: "meetingfleet_directory_joins_total",
    help: "Joins answered, by how the deployment was chosen (sticky, new, moved) or none when no deployment could take the room.",
    labelNames: ["reason"],
    registers: [registry],
  });
  const reports = new Counter({
    name: "meetingfleet_directory_reports_total",
    help: "Load reports received, by result (accepted, unauthorized, unknown, invalid).",
    labelNames: ["result"],
    registers: [registry],
  });
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
    name: "meetingfleet_directory_rooms",
    help: "Rooms the directory remembers a deployment for.",
    registers: [registry],
    collect() {
      this.set(roomsRemembered());
    },
  });
  return { registry, countJoin: (reason: JoinReason) => joins.inc({ reason }), countReport: (result: string) => reports.inc({ result }) };
}
