import fc from "fast-check";
import type { SuiteRecord } from "./instance-runs.ts";
import { dominance, dominates, familyRows, quantile, standings, targetChecks } from "./summary.ts";

const record = (family: string, instance: number, policy: string, bridgeHours: number, overloadShare: number, interrupted = 0, seed = 1): SuiteRecord => ({
  seed,
  family,
  instance,
  policy,
  bridgeHours,
  oracleRatio: bridgeHours / 10,
  overloadShare,
  interrupted,
  conferencesRefused: 0,
});

describe("suite summary", () => {
  test("quantile is nearest-rank", () => {
    expect(quantile([5, 1, 3, 2, 4], 0.9)).toBe(5);
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(
      quantile(
        Array.from({ length: 10 }, (_, i) => i + 1),
        0.9,
      ),
    ).toBe(9);
  });

  test("the same family and instance drawn from two populations are two instances", () => {
    const records = [
      record("weekday", 0, "ours", 10, 0, 0, 1),
      record("weekday", 0, "hpa", 12, 0, 0, 1),
      record("weekday", 0, "ours", 10, 0, 0, 2),
      record("weekday", 0, "hpa", 8, 0, 0, 2),
    ];
    expect(dominance(records, ["hpa"])).toEqual([{ peer: "hpa", instances: 2, peerDominates: 0.5, oursDominates: 0.5 }]);
  });

  test("dominance needs no worse on all four and better on one", () => {
    const o = (bridgeHours: number, overloadShare = 0, interrupted = 0, conferencesRefused = 0) => ({
      bridgeHours,
      overloadShare,
      interrupted,
      conferencesRefused,
    });
    expect(dominates(o(10), o(11))).toBe(true);
    expect(dominates(o(10), o(10))).toBe(false);
    expect(dominates(o(9, 0.01), o(10))).toBe(false);
    expect(dominates(o(9, 0, 3), o(10))).toBe(false);
    // Fewer people overloaded because some were turned away is no win.
    expect(dominates(o(9, 0, 0, 1), o(10, 0.02))).toBe(false);
    expect(dominates(o(10, 0, 0, 0), o(10, 0, 0, 2))).toBe(true);
  });

  test("property: a record never dominates itself and two records never dominate each other", () => {
    const outcome = fc.record({
      bridgeHours: fc.integer({ min: 0, max: 5 }),
      overloadShare: fc.integer({ min: 0, max: 3 }),
      interrupted: fc.integer({ min: 0, max: 2 }),
      conferencesRefused: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(outcome, outcome, (a, b) => {
        expect(dominates(a, a)).toBe(false);
        expect(dominates(a, b) && dominates(b, a)).toBe(false);
      }),
    );
  });

  test("per family and over all: median, p90 and worst; dominance shares and the targets with their figures", () => {
    const records = [
      record("a", 0, "ours", 20, 0),
      record("a", 0, "hpa", 15, 0.1, 4),
      record("a", 1, "ours", 20, 0.003),
      record("a", 1, "hpa", 25, 0.01),
      record("b", 0, "ours", 30, 0.03),
      record("b", 0, "hpa", 20, 0.02),
      record("b", 0, "oracle", 10, 0),
    ];
    const rows = familyRows(records);
    expect(rows.find((r) => r.family === "a" && r.policy === "ours")).toMatchObject({ instances: 2, overloadShare: { p90: 0.003, worst: 0.003 } });
    expect(rows.find((r) => r.family === "all" && r.policy === "hpa")).toMatchObject({
      instances: 3,
      interrupted: 4,
      overloadShare: { median: 0.02, worst: 0.1 },
    });
    expect(rows.some((r) => r.policy === "oracle")).toBe(false);
    expect(dominance(records, ["hpa"])).toEqual([{ peer: "hpa", instances: 3, peerDominates: 1 / 3, oursDominates: 1 / 3 }]);
    const checks = targetChecks(records, ["hpa"]);
    expect(checks.map((c) => c.met)).toEqual([false, false, true, false, true]);
    expect(checks[0]!.figure).toBe("66.7 % of instances");
    expect(checks[1]!.figure).toBe("worst 3.00 %");
  });

  test("every setting of ours is judged against the peers on its own", () => {
    const records = [
      record("a", 0, "ours", 20, 0),
      record("a", 0, "ours: headroom 0", 12, 0.01),
      record("a", 0, "jitsi-autoscaler", 15, 0),
      record("a", 1, "ours", 20, 0),
      record("a", 1, "ours: headroom 0", 12, 0),
      record("a", 1, "jitsi-autoscaler", 15, 0.002),
      record("a", 1, "oracle", 10, 0),
    ];
    const [defaults, cheap, ...rest] = standings(records, ["jitsi-autoscaler"]);
    expect(rest).toEqual([]);
    expect(defaults).toMatchObject({ policy: "ours", within: 1, medianOracleRatio: 2, mostDominatedBy: { peer: "jitsi-autoscaler", peerDominates: 0.5 } });
    expect(cheap).toMatchObject({ policy: "ours: headroom 0", within: 0.5, worstOverload: 0.01, mostDominatedBy: { peerDominates: 0, oursDominates: 0.5 } });
  });
});
