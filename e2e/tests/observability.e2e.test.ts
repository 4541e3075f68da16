// What SREs watch, against real parts: promtool checks and unit-tests the alert rules, and a real
// Prometheus scrapes the operator and the emulated bridges while a fleet serves meetings, drains and
// cuts at its drain deadline; then every dashboard query and every alert expression is evaluated there.

import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { jest } from "@jest/globals";
import { parse } from "yaml";
import { type DirectoryOnBed, directoryOnBed } from "../support/directory.ts";
import { clearSuite, emulatedBridges, postLoad } from "../support/emulator.ts";
import { createFleetNamespace } from "../support/fleets.ts";
import { chartDir } from "../support/helm.ts";
import { installCrd, type RunningOperator, startOperator } from "../support/operator.ts";
import { promtoolBinary, type RunningPrometheus, startPrometheus } from "../support/prometheus.ts";
import { apply, eventually, freePort, kubectl, testbed, withEmulator } from "../support/testbed.ts";

jest.setTimeout(240_000);
const bed = testbed();
const local = bed.cluster === "local" ? withEmulator(bed) : describe.skip;
const files = path.join(chartDir, "files");
const run = promisify(execFile);

interface Query {
  where: string;
  expr: string;
  kind: "panel" | "variable" | "annotation" | "alert";
}

/** Every query of the dashboards and alerts, with Grafana's variables filled in for one fleet. */
function queries(namespace: string, fleet: string): Query[] {
  const fill = (expr: string) => expr.replaceAll("$namespace", namespace).replaceAll("$fleet", fleet).replaceAll("$bridge", ".*");
  // Grafana's label_values(metric, label) is the set of that label's values: `group by (label) (metric)`.
  const labelValues = (q: string) => q.replace(/^label_values\((.*), *([a-z_]+)\)$/, "group by ($2) ($1)");
  const found: Query[] = [];
  for (const file of readdirSync(path.join(files, "dashboards"))) {
    const d = JSON.parse(readFileSync(path.join(files, "dashboards", file), "utf8")) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
      templating: { list: Array<{ name: string; query?: { query?: string } | string }> };
      annotations: { list: Array<{ name: string; expr?: string }> };
    };
    for (const p of d.panels) for (const t of p.targets) found.push({ where: `${file}: ${p.title}`, expr: fill(t.expr), kind: "panel" });
    for (const v of d.templating.list)
      if (typeof v.query === "object" && v.query.query) found.push({ where: `${file}: $${v.name}`, expr: fill(labelValues(v.query.query)), kind: "variable" });
    for (const a of d.annotations.list) if (a.expr) found.push({ where: `${file}: ${a.name}`, expr: fill(a.expr), kind: "annotation" });
  }
  const rules = parse(readFileSync(path.join(files, "alerts.yaml"), "utf8")) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
  for (const g of rules.groups) for (const r of g.rules) found.push({ where: `alert ${r.alert}`, expr: r.expr, kind: "alert" });
  return found;
}

describe("alert rules (promtool)", () => {
  test("promtool check rules", async () => {
    const { stdout } = await run(promtoolBinary, ["check", "rules", path.join(files, "alerts.yaml")]);
    const defined = readFileSync(path.join(files, "alerts.yaml"), "utf8").match(/- alert: /g)!.length;
    expect(stdout).toContain(`SUCCESS: ${defined} rules found`);
  });

  test("promtool test rules: every alert firing and not firing", async () => {
    const { stdout } = await run(promtoolBinary, ["test", "rules", path.join(files, "alerts.test.yaml")]);
    expect(stdout).toMatch(/SUCCESS/);
    const tested = new Set([...readFileSync(path.join(files, "alerts.test.yaml"), "utf8").matchAll(/alertname: (\w+)/g)].map((m) => m[1]));
    const defined = new Set([...readFileSync(path.join(files, "alerts.yaml"), "utf8").matchAll(/- alert: (\w+)/g)].map((m) => m[1]));
    expect([...tested].sort()).toEqual([...defined].sort());
  });
});

local("dashboards and alerts on a real Prometheus", () => {
  let namespace: string;
  let operator: RunningOperator | undefined;
  let prometheus: RunningPrometheus | undefined;
  let directory: DirectoryOnBed | undefined;
  const fleetName = "watched";
  /** A second fleet, autoscaled and idle: the autoscaler's own series come from it. */
  const autoscaled = "auto";
  const moments: number[] = [];

  beforeAll(async () => {
    await installCrd(bed);
    namespace = await createFleetNamespace(bed, "e2e-observe");
    operator = await startOperator(bed, "observe", [namespace]);
    // A directory beside it, with one plain server whose stats never answer: the directory's alerts read it.
    directory = directoryOnBed(bed, await freePort(), [
      {
        name: "gone",
        url: "http://127.0.0.1:9",
        displayName: "Gone",
        region: "nowhere",
        stats: { format: "colibri", urls: ["http://127.0.0.1:9/colibri/stats"] },
      },
    ]);
    await directory.start();
    await fetch(`${directory.base}/join/nobody-to-take-it`);
    prometheus = await startPrometheus(bed.dir, new URL(operator.metricsUrl).host, new URL(directory.base).host);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await directory?.stop();
    await operator?.stop();
    await clearSuite(bed, namespace);
  });

  const bridgeCount = async () => (await emulatedBridges(bed, namespace)).filter((b) => b.pod.startsWith(`${fleetName}-`) && b.state !== "exited").length;
  const scaleTo = (replicas: number) =>
    kubectl(bed, ["patch", "meetingfleet", fleetName, "-n", namespace, "--type=merge", "-p", JSON.stringify({ spec: { replicas } })]);
  const fleet = (name: string, port: number, spec: Record<string, unknown>) => ({
    apiVersion: "meet.meetingfleet.dev/v1alpha1",
    kind: "MeetingFleet",
    metadata: { name, namespace },
    spec: {
      minReplicas: 0,
      maxReplicas: 5,
      signaling: { xmppServer: "prosody.invalid", authPasswordSecretRef: { name: "jvb-xmpp" } },
      media: { exposure: "NodePort", nodePortRange: { start: port, end: port + 9 } },
      ...spec,
    },
  });
  const has = async (expr: string) => ((await prometheus!.query(expr)).result.length > 0 ? true : undefined);

  test("a fleet serves meetings, drains twice and cuts at its deadline while Prometheus scrapes it", async () => {
    const port = 31000 + 20 * Math.floor(Math.random() * 85);
    await apply(bed, fleet(fleetName, port, { replicas: 3, drainDeadline: "15s" }));
    await apply(bed, fleet(autoscaled, port + 10, { replicas: 1, minReplicas: 1, maxReplicas: 2, autoscaling: {} }));
    await kubectl(bed, ["wait", "--for=condition=Ready", `meetingfleet/${fleetName}`, "-n", namespace, "--timeout=60s"]);
    await kubectl(bed, ["wait", "--for=condition=Ready", `meetingfleet/${autoscaled}`, "-n", namespace, "--timeout=60s"]);
    const bridges = await emulatedBridges(bed, namespace);
    prometheus!.setBridgeTargets(bridges.map((b) => ({ address: `${b.ip}:8080`, labels: { namespace, pod: b.pod } })));
    // Meetings that outlast the test: the drained bridges still hold them at the deadline.
    const trace = ["start_s,duration_s,participants", ...Array.from({ length: 9 }, (_, i) => `${i * 0.3},600,5`)].join("\n");
    expect((await postLoad(bed, namespace, { trace })).status).toBe(200);
    await eventually(
      "Prometheus to see the meetings on the bridges",
      async () =>
        (await has(`meetingfleet_fleet_participants{namespace="${namespace}"} > 0`)) && has(`jitsi_jvb_local_endpoints{namespace="${namespace}"} > 0`),
      60_000,
      500,
    );

    for (const replicas of [2, 1]) {
      const before = await bridgeCount();
      await scaleTo(replicas);
      await eventually(
        "a draining bridge in Prometheus",
        () => has(`meetingfleet_bridge_draining_since_timestamp_seconds{namespace="${namespace}"}`),
        30_000,
        500,
      );
      moments.push(Date.now());
      await eventually(`the drained bridge removed at its deadline (${before} -> ${replicas})`, async () => (await bridgeCount()) === replicas, 90_000, 500);
      await eventually(
        "the removal in Prometheus",
        () => has(`meetingfleet_bridge_drain_duration_seconds_count{namespace="${namespace}"} >= ${3 - replicas}`),
        30_000,
        500,
      );
    }
    moments.push(Date.now());
    expect(await has(`meetingfleet_scale_decisions_total{namespace="${namespace}", action="shutdown", reason="DrainDeadlinePassed"} >= 2`)).toBe(true);
  });

  test("every dashboard query and alert expression returns data of the right shape", async () => {
    expect(moments.length).toBe(3);
    const problems: string[] = [];
    // Both fleets, as the dashboards' "All" would select them.
    for (const q of queries(namespace, `${fleetName}|${autoscaled}`)) {
      const answers = await Promise.all(moments.map((at) => prometheus!.query(q.expr, at).catch((e: Error) => e)));
      const failed = answers.find((a): a is Error => a instanceof Error);
      if (failed) {
        problems.push(`${q.where}: ${failed.message}`);
        continue;
      }
      const ok = answers.filter((a): a is Exclude<typeof a, Error> => !(a instanceof Error));
      if (ok.some((a) => a.resultType !== "vector")) problems.push(`${q.where}: not an instant vector`);
      // Panels and variables must show something at some moment of the scenario; alerts and
      // annotations are allowed to be quiet (their firing is promtool's business).
      if ((q.kind === "panel" || q.kind === "variable") && ok.every((a) => a.result.length === 0)) problems.push(`${q.where}: no data (${q.expr})`);
      for (const a of ok) for (const s of a.result) if (!/^(-?[\d.e+-]+|NaN)$/i.test(s.value[1])) problems.push(`${q.where}: value ${s.value[1]}`);
    }
    expect(problems).toEqual([]);
  });

  test("every metric an alert uses exists in Prometheus during the scenario", async () => {
    const names = new Set(
      queries(namespace, fleetName)
        .filter((q) => q.kind === "alert")
        .flatMap((q) => q.expr.match(/\bmeetingfleet_[a-z_]+\b/g) ?? []),
    );
    const missing: string[] = [];
    for (const name of names) if ((await prometheus!.query(`count(last_over_time(${name}[10m]))`)).result.length === 0) missing.push(name);
    expect(missing).toEqual([]);
  });
});
