import { drawInstance, familyNames, population } from "./families.ts";
import { concurrentParticipants } from "./traces.ts";

const day = 86_400_000;

describe("workload families", () => {
  test("the default population holds at least 200 instances of at least 10 families", () => {
    expect(familyNames.length).toBeGreaterThanOrEqual(10);
    expect(population(20).length).toBeGreaterThanOrEqual(200);
  });

  test.each(familyNames)("%s: a warm-up of whole days, then measured days with people in them, replayed exactly from its seed", (family) => {
    const w = drawInstance(family, 3);
    expect(w.measureFromMs).toBeGreaterThan(w.fromMs);
    expect(w.toMs).toBeGreaterThan(w.measureFromMs);
    expect((w.measureFromMs - w.fromMs) % day).toBe(0);
    expect(w.trace.length).toBeGreaterThan(0);
    for (const c of w.trace) {
      expect(c.participants).toBeGreaterThanOrEqual(2);
      expect(c.durationMs).toBeGreaterThan(0);
    }
    let peak = 0;
    for (let t = w.measureFromMs; t < w.toMs; t += 600_000) peak = Math.max(peak, concurrentParticipants(w.trace, t));
    expect(peak).toBeGreaterThan(0);
    expect(drawInstance(family, 3)).toEqual(w);
    // Another instance draws its own parameters.
    expect(drawInstance(family, 4).trace).not.toEqual(w.trace);
    expect(drawInstance(family, 3, 2).trace).not.toEqual(w.trace);
  });

  test("an unknown family is named in the error", () => {
    expect(() => drawInstance("holidays", 0)).toThrow(/unknown workload family "holidays"/);
  });
});
