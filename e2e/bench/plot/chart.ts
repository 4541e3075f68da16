// The benchmark's plot: one panel per trace, bridges over time for every policy and the oracle, so the
// gap behind each ratio in the table can be seen (where a policy holds bridges the oracle does not).

import type { TopLevelSpec } from "vega-lite";

export interface PlotPanel {
  trace: string;
  fromMs: number;
  toMs: number;
  lines: Array<{ policy: string; points: Array<{ t: number; bridges: number }> }>;
}

/** One colour per policy in every chart of the benchmarks. */
export const policyColors: Record<string, string> = {
  oracle: "#000000",
  static: "#969696",
  hpa: "#d62728",
  "agones-buffer": "#2ca02c",
  "jitsi-autoscaler": "#ff7f0e",
  ours: "#1f77b4",
};

const hour = 3_600_000;

export function benchmarkChart(panels: readonly PlotPanel[]): TopLevelSpec {
  const values = panels.flatMap((panel) =>
    panel.lines.flatMap((line) =>
      line.points.map((p) => ({ trace: panel.trace, policy: line.policy, hours: (p.t - panel.fromMs) / hour, bridges: p.bridges })),
    ),
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Bridges over time, every policy at its defaults and the oracle's lower bound",
    data: { values },
    facet: { row: { field: "trace", type: "nominal", title: null, header: { labelFontSize: 13, labelAngle: 0, labelAlign: "left" } } },
    resolve: { scale: { x: "independent", y: "independent" } },
    spec: {
      width: 900,
      height: 180,
      mark: { type: "line", interpolate: "step-after", strokeWidth: 1.5 },
      encoding: {
        x: { field: "hours", type: "quantitative", title: "hours from the trace's start" },
        y: { field: "bridges", type: "quantitative", title: "bridges" },
        color: {
          field: "policy",
          type: "nominal",
          title: "policy",
          scale: { domain: Object.keys(policyColors), range: Object.values(policyColors) },
        },
        strokeWidth: { condition: { test: "datum.policy === 'ours' || datum.policy === 'oracle'", value: 2.5 }, value: 1.2 },
      },
    },
  };
}
