import { RecentMaximum } from "./recent-maximum.ts";

const minute = 60_000;

describe("RecentMaximum", () => {
  test("is the largest value within the span, and forgets older minutes", () => {
    const m = new RecentMaximum(10 * minute);
    expect(m.max(0)).toBe(0);
    m.add(0, 5);
    m.add(30_000, 7);
    m.add(3 * minute, 2);
    expect(m.max(3 * minute)).toBe(7);
    expect(m.max(10 * minute)).toBe(7);
    expect(m.max(11 * minute)).toBe(2);
    m.add(20 * minute, 1);
    expect(m.max(20 * minute)).toBe(1);
  });
});
