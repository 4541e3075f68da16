import fc from "fast-check";
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

test("RecentMaximum agrees with the largest value of the span's minutes, for any figures in time order", () => {
  const step = fc.record({ gapMs: fc.integer({ min: 0, max: 5 * minute }), value: fc.integer({ min: -3, max: 50 }), ask: fc.boolean() });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 30 * minute }), fc.array(step, { maxLength: 200 }), (spanMs, steps) => {
      const recent = new RecentMaximum(spanMs);
      const seen: Array<{ at: number; value: number }> = [];
      let now = 0;
      for (const { gapMs, value, ask } of steps) {
        now += gapMs;
        if (ask) {
          const minuteNow = Math.floor(now / minute);
          const within = seen.filter((s) => (minuteNow - Math.floor(s.at / minute)) * minute <= spanMs);
          expect(recent.max(now)).toBe(Math.max(0, ...within.map((s) => s.value)));
        } else {
          recent.add(now, value);
          seen.push({ at: now, value });
        }
      }
    }),
  );
});

test("RecentMaximum restored from what it held answers as the original would, also for a longer span", () => {
  const step = fc.record({ gapMs: fc.integer({ min: 0, max: 5 * minute }), value: fc.integer({ min: -3, max: 50 }) });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 30 * minute }), fc.array(step, { maxLength: 100 }), fc.array(step, { maxLength: 30 }), (spanMs, before, after) => {
      const original = new RecentMaximum(spanMs);
      let now = 0;
      for (const { gapMs, value } of before) {
        now += gapMs;
        original.add(now, value);
      }
      const restored = RecentMaximum.restore(spanMs, JSON.parse(JSON.stringify(original.minutes())));
      for (const { gapMs, value } of after) {
        now += gapMs;
        expect(restored.max(now)).toBe(original.max(now));
        original.add(now, value);
        restored.add(now, value);
      }
    }),
  );
});

test("RecentMaximum ignores a stored queue that is not one (out of order, not falling, not numbers)", () => {
  for (const junk of [
    undefined,
    "x",
    [
      [2, 5],
      [1, 3],
    ],
    [
      [1, 3],
      [2, 5],
    ],
    [[1, "5"]],
    [[1.5, 5]],
    [[1, 5, 0]],
  ])
    expect(RecentMaximum.restore(10 * minute, junk).minutes()).toEqual([]);
  expect(
    RecentMaximum.restore(10 * minute, [
      [1, 5],
      [2, 3],
    ]).minutes(),
  ).toEqual([
    [1, 5],
    [2, 3],
  ]);
});
