import { loadArrivals, loadScriptSchema, targetParticipants } from "./load.ts";

const concurrentAt = (arrivals: ReturnType<typeof loadArrivals>, tMs: number) =>
  arrivals.filter((a) => a.startMs <= tMs && tMs < a.startMs + a.durationMs).reduce((s, a) => s + a.participants, 0);

describe("load scripts", () => {
  test("constant load keeps the target, replacing conferences as they end", () => {
    const script = loadScriptSchema.parse({ kind: "constant", participants: 40, conferenceSize: 4, durationS: 100, horizonS: 500 });
    const arrivals = loadArrivals(script);
    for (const t of [0, 50_000, 99_000, 100_000, 250_000, 499_000]) expect(concurrentAt(arrivals, t)).toBe(40);
    expect(arrivals).toHaveLength(50);
  });

  test("a ramp from 0 to 300 in a minute reaches 300 at the minute and not before", () => {
    const script = loadScriptSchema.parse({ kind: "ramp", from: 0, to: 300, rampS: 60, conferenceSize: 5, durationS: 600, horizonS: 120 });
    expect(targetParticipants(script, 30)).toBe(150);
    const arrivals = loadArrivals(script);
    expect(concurrentAt(arrivals, 30_000)).toBe(150);
    expect(concurrentAt(arrivals, 59_000)).toBeLessThan(300);
    expect(concurrentAt(arrivals, 60_000)).toBe(300);
  });

  test("a step down does not cut meetings: load falls only as they end", () => {
    const script = loadScriptSchema.parse({ kind: "step", from: 80, to: 0, atS: 10, conferenceSize: 4, durationS: 100, horizonS: 300 });
    const arrivals = loadArrivals(script);
    expect(concurrentAt(arrivals, 50_000)).toBe(80);
    expect(concurrentAt(arrivals, 100_000)).toBe(0);
  });

  test("rejects unknown kinds and fields", () => {
    expect(loadScriptSchema.safeParse({ kind: "sine", participants: 3 }).success).toBe(false);
    expect(loadScriptSchema.safeParse({ kind: "constant", participants: 3, extra: 1 }).success).toBe(false);
  });
});
