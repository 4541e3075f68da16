// A second reference besides the oracle, to tell how much of ours' gap to the oracle any policy could
// close: a policy that knows the oracle's bridge count `leadMs` ahead (so new bridges are useful in
// time) and keeps one spare, but whose meetings stay where Jicofo put them, as real ones do. It removes
// bridges through the operator's planFleet, like ours. It is not a policy anyone can run. `factor`
// scales the oracle's count before the spare is added: the suite draws a frontier of this reference
// with it, to tell what overload any scaler could reach at what cost while Jicofo places the meetings.

import type { OracleResult } from "../oracle.ts";
import type { ScalingPolicy } from "./fleet-sim.ts";

export function foresight(bound: OracleResult, leadMs = 3 * 60_000, spare = 1, factor = 1): ScalingPolicy {
  const series = bound.series;
  // The oracle samples every minute from the trace's start: the last sample at or before t.
  const countAt = (t: number) => series[Math.max(0, Math.min(series.length - 1, Math.floor((t - (series[0]?.t ?? 0)) / 60_000)))]?.bridges ?? 0;
  const wanted = (now: number) => {
    let most = 0;
    for (let t = now; t <= now + leadMs; t += 60_000) most = Math.max(most, countAt(t));
    return Math.ceil(most * factor) + spare;
  };
  return { name: "foresight", intervalMs: 5_000, removal: "drain", initialBridges: wanted(series[0]?.t ?? 0), decide: (view) => wanted(view.now) };
}
