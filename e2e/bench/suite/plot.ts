// The population's plot: for every family, the distribution over its instances of each policy's overload
// and bridge-hours over the oracle (box: quartiles; whiskers: 1.5 IQR; dots: instances beyond).

import type { TopLevelSpec } from "vega-lite";
import { policyColors } from "../plot/chart.ts";
import type { SuiteRecord } from "./instance-runs.ts";

export function suiteChart(records: readonly SuiteRecord[], policies: readonly string[]): TopLevelSpec {
  const values = records
    .filter((r) => policies.includes(r.policy))
    .map((r) => ({ family: r.family, policy: r.policy, overload: r.overloadShare * 100, ratio: r.oracleRatio }));
  const color = {
    field: "policy",
    type: "nominal" as const,
    title: "policy",
    scale: { domain: [...policies], range: policies.map((p) => policyColors[p] ?? "#8c564b") },
  };
  const panel = (field: string, title: string, scale: object) => ({
    width: 1000,
    height: 260,
    mark: { type: "boxplot" as const, extent: 1.5, size: 9 },
    encoding: {
      x: { field: "family", type: "nominal" as const, title: "workload family", axis: { labelAngle: -30 } },
      xOffset: { field: "policy", type: "nominal" as const, sort: [...policies] },
      y: { field, type: "quantitative" as const, title, scale },
      color,
    },
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `Every policy at its defaults over ${new Set(values.map((v) => `${v.family}#`)).size} families of workloads`,
    data: { values },
    vconcat: [
      panel("overload", "participant-time on overloaded bridges (%, symlog)", { type: "symlog", constant: 0.5 }),
      panel("ratio", "bridge-hours over the oracle (x, log)", { type: "log" }),
    ],
  };
}
