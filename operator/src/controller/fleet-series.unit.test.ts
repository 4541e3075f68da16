import { type FleetStatus, fleetSpecSchema } from "../api/meetingfleet.ts";
import { observedBridge } from "../fleet/fixtures.ts";
import { emptyPlan } from "../fleet/plan.ts";
import { createMetrics, type Metrics } from "../runtime/metrics.ts";
import { FleetSeries } from "./fleet-series.ts";

const lectures = { namespace: "uni", fleet: "lectures" };
const spec = fleetSpecSchema.parse({
  replicas: 3,
  maxReplicas: 8,
  drainDeadline: "2h",
  signaling: { xmppServer: "xmpp.example", authPasswordSecretRef: { name: "jvb" } },
  media: { exposure: "HostPort" },
});

function status(overrides: Partial<FleetStatus> = {}): FleetStatus {
  return {
    replicas: 2,
    readyReplicas: 2,
    drainingReplicas: 1,
    participants: 30,
    conferences: 4,
    maxStress: "0.40",
    averageStress: "0.25",
    conditions: [
      { type: "Ready", status: "True", reason: "AllBridgesReady", message: "", observedGeneration: 1, lastTransitionTime: "2026-11-30T08:00:00Z" },
      { type: "Stalled", status: "False", reason: "Progressing", message: "", observedGeneration: 1, lastTransitionTime: "2026-11-30T08:00:00Z" },
    ],
    bridges: [
      { name: "lectures-0", phase: "Ready", templateHash: "h", participants: 20, stress: "0.40" },
      { name: "lectures-1", phase: "Ready", templateHash: "h", participants: 10, stress: "0.10" },
      { name: "lectures-2", phase: "Draining", templateHash: "h", participants: 0, stress: "0.00", drainingSince: "2026-11-30T09:00:00Z" },
    ],
    ...overrides,
  };
}

/** Every series of the fleet metrics, as `name{label=value,...} value`, sorted. */
async function exported(metrics: Metrics): Promise<string[]> {
  const lines: string[] = [];
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    if (!m.name.startsWith("meetingfleet_fleet_") && !m.name.startsWith("meetingfleet_bridge_") && m.name !== "meetingfleet_autoscaler_desired_bridges")
      continue;
    if (String(m.type) !== "gauge") continue;
    for (const v of m.values)
      lines.push(
        `${m.name}{${Object.entries(v.labels)
          .map(([k, l]) => `${k}=${l}`)
          .join(",")}} ${v.value}`,
      );
  }
  return lines.sort();
}

/** A series of the lectures fleet as `exported` writes it; `more` adds labels after the fleet's. */
const of = (name: string, value: number, more = "") => `meetingfleet_${name}{namespace=uni,fleet=lectures${more}} ${value}`;
const bridge = (name: string, pod: string, value: number) => of(`bridge_${name}`, value, `,bridge=${pod}`);

/** A registry with the lectures fleet exported once from `status()`, as after a pass on a valid spec. */
function exportedOnce(): { metrics: Metrics; series: FleetSeries } {
  const metrics = createMetrics();
  const series = new FleetSeries(metrics);
  series.export(lectures, status(), { desired: 3, spec });
  return { metrics, series };
}

describe("a fleet's series", () => {
  test("from a spec it acts on: the spec's figures, what was observed, conditions and one set per bridge", async () => {
    const { metrics } = exportedOnce();
    const lines = await exported(metrics);
    expect(lines).toEqual(
      expect.arrayContaining([
        of("fleet_bridges", 3, ",state=desired"),
        of("fleet_bridges", 2, ",state=current"),
        of("fleet_bridges", 1, ",state=draining"),
        of("fleet_max_bridges", 8),
        of("fleet_drain_deadline_seconds", 7200),
        of("fleet_participants", 30),
        of("fleet_stress_max", 0.4),
        of("fleet_condition", 1, ",type=Ready"),
        of("fleet_condition", 0, ",type=Stalled"),
        of("bridge_phase", 1, ",bridge=lectures-2,phase=Draining"),
        bridge("participants", "lectures-0", 20),
        bridge("draining_since_timestamp_seconds", "lectures-2", Date.parse("2026-11-30T09:00:00Z") / 1000),
      ]),
    );
    expect(lines.filter((l) => l.startsWith("meetingfleet_bridge_draining_since"))).toHaveLength(1);
  });

  test("while the spec is invalid, what is observed still moves and the spec's figures keep the last applied values", async () => {
    const { metrics, series } = exportedOnce();
    const bridges = status().bridges?.map((b) => (b.name === "lectures-1" ? { ...b, participants: 60, stress: "0.85" } : b));
    series.export(lectures, status({ participants: 80, maxStress: "0.85", bridges }));
    const lines = await exported(metrics);
    expect(lines).toEqual(
      expect.arrayContaining([
        of("fleet_participants", 80),
        of("fleet_stress_max", 0.85),
        bridge("stress", "lectures-1", 0.85),
        of("fleet_bridges", 3, ",state=desired"),
        of("fleet_max_bridges", 8),
        of("fleet_drain_deadline_seconds", 7200),
      ]),
    );
  });

  test("a bridge's old phase, its unknown figures and a gone bridge leave no series behind", async () => {
    const { metrics, series } = exportedOnce();
    series.export(
      lectures,
      status({
        bridges: [
          { name: "lectures-0", phase: "Draining", templateHash: "h", participants: 20, stress: "0.40", drainingSince: "2026-11-30T10:00:00Z" },
          { name: "lectures-1", phase: "Ready", templateHash: "h" },
        ],
      }),
      { desired: 1, spec },
    );
    const bridgeLines = (await exported(metrics)).filter((l) => l.startsWith("meetingfleet_bridge_"));
    expect(bridgeLines).toEqual([
      bridge("draining_since_timestamp_seconds", "lectures-0", Date.parse("2026-11-30T10:00:00Z") / 1000),
      bridge("participants", "lectures-0", 20),
      of("bridge_phase", 1, ",bridge=lectures-0,phase=Draining"),
      of("bridge_phase", 1, ",bridge=lectures-1,phase=Ready"),
      bridge("stress", "lectures-0", 0.4),
    ]);
  });

  test("a deleted fleet's series all go; another fleet's stay", async () => {
    const { metrics, series } = exportedOnce();
    const other = { namespace: "uni", fleet: "exams" };
    metrics.autoscalerDesired.set(lectures, 4);
    series.export(other, status({ bridges: [{ name: "exams-0", phase: "Ready", templateHash: "h", participants: 5, stress: "0.05" }] }), { desired: 1, spec });
    series.forget(lectures);
    const lines = await exported(metrics);
    expect(lines.filter((l) => l.includes("fleet=lectures"))).toEqual([]);
    expect(lines.filter((l) => l.includes("fleet=exams")).length).toBeGreaterThan(10);
  });

  test("each decision is counted by action and reason; a bridge removed after draining is timed, one removed undrained is not", async () => {
    const { metrics, series } = exportedOnce();
    const now = Date.parse("2026-11-30T09:30:00Z");
    const plan = {
      ...emptyPlan(),
      create: [
        { ordinal: 3, reason: "ScaleUp" as const },
        { ordinal: 4, reason: "ScaleUp" as const },
      ],
      drain: [{ name: "lectures-0", reason: "ScaleDown" as const }],
      delete: [
        { name: "lectures-2", reason: "BridgeEmpty" as const },
        { name: "lectures-1", reason: "NotReadyScaleDown" as const },
      ],
    };
    series.planned(
      lectures,
      plan,
      [0, 1, 2].map((i) => observedBridge(i, { name: `lectures-${i}`, ...(i === 2 ? { drainingSince: now - 600_000 } : {}) })),
      now,
    );
    series.autoscalerWants(lectures, 5);
    series.autoscaled(lectures, "Capacity");
    const decisions = (await metrics.decisions.get()).values.map((v) => `${v.labels.action}/${v.labels.reason} ${v.value}`).sort();
    expect(decisions).toEqual(["autoscale/Capacity 1", "create/ScaleUp 2", "delete/BridgeEmpty 1", "delete/NotReadyScaleDown 1", "drain/ScaleDown 1"]);
    const drained = (await metrics.drainDuration.get()).values;
    expect(drained.find((v) => v.metricName?.endsWith("_count"))?.value).toBe(1);
    expect(drained.find((v) => v.metricName?.endsWith("_sum"))?.value).toBe(600);
    expect(await exported(metrics)).toContain("meetingfleet_autoscaler_desired_bridges{namespace=uni,fleet=lectures} 5");
  });
});
