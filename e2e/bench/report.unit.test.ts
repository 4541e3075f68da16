import type { Ablation } from "./benchmark.ts";
import type { FrontierPoint } from "./frontier.ts";
import { ablationVerdict } from "./report.ts";

const shipped: FrontierPoint = { policy: "ours", setting: "target 0.6, headroom 1", bridgeHours: 35, overloadShare: 0.15, interrupted: 0 };
const ablation = (over: Partial<Ablation>): Ablation => ({
  trace: "flash-crowd",
  mechanism: "growth look-ahead 90 s",
  switchedOn: true,
  bridgeHours: 40,
  overloadShare: 0,
  interrupted: 0,
  shipped,
  lowestOverload: 0,
  highestOverload: 0.03,
  ...over,
});

describe("whether a mechanism earns its place", () => {
  test("read at the defaults' overload: the cheaper of the two wins", () => {
    expect(ablationVerdict(ablation({ atShippedOverload: 38 }))).toBe("moved to the defaults' overload 38.0: leaving it off is right (7.9 % fewer without)");
    expect(ablationVerdict(ablation({ atShippedOverload: 30 }))).toBe("moved to the defaults' overload 30.0: it would earn its place (16.7 % fewer with it)");
    expect(ablationVerdict(ablation({ switchedOn: false, atShippedOverload: 38 }))).toBe(
      "moved to the defaults' overload 38.0: earns its place (7.9 % fewer with it)",
    );
  });

  test("a variant whose every run overloads less than the defaults is not called worse on overload", () => {
    // Flash crowd, second draw: with the look-ahead 0-3 % overload at every target, the defaults 15 %.
    expect(ablationVerdict(ablation({}))).toBe(
      "at targets 0.4-0.7 its overload is always below the defaults' (3.00 % at most), at more bridge-hours: not comparable here",
    );
    expect(ablationVerdict(ablation({ lowestOverload: 0.2, highestOverload: 0.4 }))).toBe(
      "at targets 0.4-0.7 its overload is never as low as the defaults' (20.00 % at best)",
    );
  });

  test("a run of the variant no worse than the defaults on either figure decides it", () => {
    const better: FrontierPoint = { ...shipped, setting: "with growth look-ahead 90 s, target 0.7", bridgeHours: 34.5, overloadShare: 0.03 };
    expect(ablationVerdict(ablation({ noWorseThanShipped: better }))).toBe(
      "it would earn its place: with growth look-ahead 90 s, target 0.7: 34.5 bridge-h at 3.00 %, no worse on either",
    );
    expect(
      ablationVerdict(ablation({ switchedOn: false, mechanism: "headroom", noWorseThanShipped: { ...better, setting: "without headroom, target 0.5" } })),
    ).toBe("does not: without headroom, target 0.5: 34.5 bridge-h at 3.00 %, no worse on either");
  });

  test("a switch that changes nothing says so", () => {
    expect(ablationVerdict(ablation({ bridgeHours: 35, overloadShare: 0.15 }))).toBe("no effect here");
  });
});
