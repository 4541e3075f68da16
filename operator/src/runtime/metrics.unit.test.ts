import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { EmulatedBridge, jvbDefaults } from "../../../e2e/emulator/bridge.ts";
import { ManualClock } from "../../../e2e/emulator/clock.ts";
import { renderMetrics } from "../../../e2e/emulator/jvb-http.ts";
import { createDirectoryMetrics } from "../directory/metrics.ts";
import { createMetrics } from "./metrics.ts";

const files = path.resolve(import.meta.dirname, "../../../charts/meetingfleet-operator/files");

/** Every PromQL expression of the dashboards (panels, template variables, annotations) and the alerts. */
function expressions(): Array<{ where: string; expr: string }> {
  const found: Array<{ where: string; expr: string }> = [];
  for (const file of readdirSync(path.join(files, "dashboards"))) {
    const dashboard = JSON.parse(readFileSync(path.join(files, "dashboards", file), "utf8")) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
      templating: { list: Array<{ name: string; query?: { query?: string } | string }> };
      annotations: { list: Array<{ name: string; expr?: string }> };
    };
    for (const p of dashboard.panels) for (const t of p.targets) found.push({ where: `${file}: ${p.title}`, expr: t.expr });
    for (const v of dashboard.templating.list)
      if (typeof v.query === "object" && v.query.query) found.push({ where: `${file}: $${v.name}`, expr: v.query.query });
    for (const a of dashboard.annotations.list) if (a.expr) found.push({ where: `${file}: annotation ${a.name}`, expr: a.expr });
  }
  const rules = parse(readFileSync(path.join(files, "alerts.yaml"), "utf8")) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
  for (const g of rules.groups) for (const r of g.rules) found.push({ where: `alert ${r.alert}`, expr: r.expr });
  return found;
}

/** Metric names in the expressions that are not exported, with where they are used. */
function unknownMetrics(all: ReadonlyArray<{ where: string; expr: string }>, exported: ReadonlySet<string>): string[] {
  return all.flatMap(({ where, expr }) =>
    (expr.match(/\b(meetingfleet|jitsi_jvb)_[a-z_]+\b/g) ?? []).filter((name) => !exported.has(name)).map((name) => `${where}: ${name}`),
  );
}

describe("metrics the dashboards and alerts use", () => {
  test("every meetingfleet_ metric they name is one the operator or the directory exports, every jitsi_jvb_ one a bridge exports", async () => {
    const exported = new Set<string>();
    const directory = createDirectoryMetrics(
      () => [],
      () => 0,
    ).registry;
    for (const m of [...(await createMetrics().registry.getMetricsAsJSON()), ...(await directory.getMetricsAsJSON())]) {
      exported.add(m.name);
      if (String(m.type) === "histogram") for (const suffix of ["_bucket", "_count", "_sum"]) exported.add(m.name + suffix);
    }
    const bridge = new EmulatedBridge({ ...jvbDefaults, id: "b", version: "1" }, new ManualClock(0));
    for (const line of renderMetrics(bridge).split("\n")) if (/^jitsi_jvb_/.test(line)) exported.add(line.split(" ")[0]!);

    const all = expressions();
    expect(all.length).toBeGreaterThan(20);
    expect(unknownMetrics(all, exported)).toEqual([]);
    // The check is not vacuous: a misspelt or foreign name is reported with where it is used.
    expect(unknownMetrics([{ where: "panel x", expr: "rate(meetingfleet_reconcile_errorz_total[5m]) + jitsi_jvb_nonsense" }], exported)).toEqual([
      "panel x: meetingfleet_reconcile_errorz_total",
      "panel x: jitsi_jvb_nonsense",
    ]);
  });
});
