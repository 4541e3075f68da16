import fc from "fast-check";
import { bridgeHoursAt, type FrontierPoint, matchPeers } from "./frontier.ts";

const point = (policy: string, bridgeHours: number, overloadShare: number, interrupted = 0): FrontierPoint => ({
  policy,
  setting: "",
  bridgeHours,
  overloadShare,
  interrupted,
});

describe("equal-overload matching", () => {
  test("picks the cheapest of ours at no more overload, and says whether it beats the peer", () => {
    const ours = [point("ours", 900, 0.01), point("ours", 800, 0.03), point("ours", 700, 0.05)];
    const [tight, loose, strict] = matchPeers(ours, [point("hpa", 812, 0.04, 1829), point("hpa", 1000, 0.01), point("hpa", 600, 0.001)]);
    expect(tight).toMatchObject({ ours: { bridgeHours: 800 }, cheaper: true });
    expect(loose).toMatchObject({ ours: { bridgeHours: 900 }, cheaper: true });
    expect(strict).toMatchObject({ cheaper: false });
    expect(strict?.ours).toBeUndefined();
  });

  test("a point of ours that interrupts more meetings than the peer never counts", () => {
    const [m] = matchPeers([point("ours", 100, 0, 3)], [point("jitsi", 200, 0.5, 1)]);
    expect(m?.ours).toBeUndefined();
  });

  test("ours is matched among points that cut no meeting; points that cut only fill in where those are not cheaper", () => {
    const keeping = point("ours", 700, 0.1);
    const [beaten, unbeaten] = matchPeers(
      [keeping, point("ours", 500, 0.1, 50), point("ours", 400, 0.1, 150)],
      [point("hpa", 800, 0.2, 100), point("hpa", 600, 0.2, 100)],
    );
    expect(beaten).toEqual({ peer: expect.objectContaining({ bridgeHours: 800 }), ours: keeping, cheaper: true });
    expect(unbeaten).toMatchObject({ ours: keeping, cheaper: false, cheaperWithCuts: { bridgeHours: 500, interrupted: 50 } });
  });

  test("property: a match is the cheapest of ours that cuts nothing at no more overload; a match with cuts never cuts more", () => {
    const arb = fc.record({
      bridgeHours: fc.double({ min: 1, max: 1e4, noNaN: true }),
      overloadShare: fc.double({ min: 0, max: 1, noNaN: true }),
      interrupted: fc.integer({ min: 0, max: 5 }),
    });
    fc.assert(
      fc.property(fc.array(arb, { maxLength: 8 }), fc.array(arb, { maxLength: 8 }), (ours, peers) => {
        const ourPoints = ours.map((o) => ({ policy: "ours", setting: "", ...o }));
        for (const m of matchPeers(
          ourPoints,
          peers.map((p) => ({ policy: "peer", setting: "", ...p })),
        )) {
          const keepingAsGood = ourPoints.filter((o) => o.interrupted === 0 && o.overloadShare <= m.peer.overloadShare + 1e-12);
          expect(m.ours?.bridgeHours).toBe(keepingAsGood.length ? Math.min(...keepingAsGood.map((o) => o.bridgeHours)) : undefined);
          if (m.cheaperWithCuts) {
            expect(m.cheaper).toBe(false);
            expect(m.cheaperWithCuts.overloadShare).toBeLessThanOrEqual(m.peer.overloadShare + 1e-12);
            expect(m.cheaperWithCuts.interrupted).toBeLessThanOrEqual(m.peer.interrupted);
            expect(m.cheaperWithCuts.bridgeHours).toBeLessThan(m.peer.bridgeHours);
          }
          if (!m.ours) continue;
          expect(m.ours.overloadShare).toBeLessThanOrEqual(m.peer.overloadShare + 1e-12);
          expect(m.ours.interrupted).toBe(0);
          expect(m.cheaper).toBe(m.ours.bridgeHours < m.peer.bridgeHours);
        }
      }),
    );
  });

  test("a sweep's cost at a given overload is read between its two points around it, and not outside", () => {
    const sweep = [point("ours", 700, 0.05), point("ours", 900, 0.01), point("ours", 800, 0.03)];
    expect(bridgeHoursAt(sweep, 0.02)).toBeCloseTo(850);
    expect(bridgeHoursAt(sweep, 0.03)).toBe(800);
    expect(bridgeHoursAt(sweep, 0.05)).toBe(700);
    expect(bridgeHoursAt(sweep, 0.005)).toBeUndefined();
    expect(bridgeHoursAt(sweep, 0.06)).toBeUndefined();
  });
});
