import { foresight } from "./foresight.ts";

const minute = 60_000;
const bound = { series: [2, 2, 5, 3, 1, 1, 1].map((bridges, i) => ({ t: i * minute, bridges })), bridgeHours: 0, peakBridges: 5 };
const at = (now: number) => ({ now, bridges: [] });

describe("foresight reference", () => {
  test("keeps the most the oracle wants within the lead time, plus the spare", () => {
    const p = foresight(bound, 3 * minute, 1);
    expect(p.initialBridges).toBe(6);
    expect(p.decide(at(0))).toBe(6); // the 5 at 2 min is within 3 min
    expect(p.decide(at(3 * minute + 30_000))).toBe(4); // 3 at 3 min, then ones
    expect(p.decide(at(6 * minute))).toBe(2);
    expect(foresight(bound, 0, 0).decide(at(2 * minute + 59_000))).toBe(5);
  });

  test("scales the oracle's count, rounding up, before adding the spare", () => {
    expect(foresight(bound, 0, 1, 1.5).decide(at(2 * minute))).toBe(9); // ceil(7.5) + 1
    expect(foresight(bound, 0, 0, 1.5).decide(at(4 * minute))).toBe(2); // ceil(1.5)
  });
});
