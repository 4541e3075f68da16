import fc from "fast-check";
import { type BridgePresence, placeParticipants, selectBridge } from "./placement.ts";

const bridge = (id: string, over: Partial<BridgePresence> = {}): BridgePresence => ({
  id,
  operational: true,
  draining: false,
  gracefulShutdown: false,
  shuttingDown: false,
  stress: 0.1,
  recentEndpoints: 0,
  version: "2.3",
  ...over,
});

describe("Jicofo placement", () => {
  test("picks the least stressed bridge", () => {
    const chosen = selectBridge([bridge("a", { stress: 0.5 }), bridge("b", { stress: 0.2 }), bridge("c", { stress: 0.3 })]);
    expect(chosen?.id).toBe("b");
  });

  test("never picks a bridge that is shutting down or not operational", () => {
    const chosen = selectBridge([bridge("a", { shuttingDown: true, stress: 0 }), bridge("b", { operational: false, stress: 0 })]);
    expect(chosen).toBeUndefined();
  });

  test("prefers non-draining bridges even when they are busier, uses draining ones as a last resort", () => {
    expect(selectBridge([bridge("a", { draining: true, stress: 0 }), bridge("b", { stress: 0.7 })])?.id).toBe("b");
    expect(selectBridge([bridge("a", { draining: true, stress: 0.5 })])?.id).toBe("a");
  });

  test("prefers draining bridges to ones in graceful shutdown", () => {
    expect(selectBridge([bridge("a", { gracefulShutdown: true, stress: 0 }), bridge("b", { draining: true, stress: 0.6 })])?.id).toBe("b");
  });

  test("counts endpoints it recently placed (0.01 each) before stats catch up", () => {
    const chosen = selectBridge([bridge("a", { stress: 0.1, recentEndpoints: 30 }), bridge("b", { stress: 0.3 })]);
    expect(chosen?.id).toBe("b");
  });

  test("keeps a conference on its version: never mixes bridge versions", () => {
    const chosen = selectBridge([bridge("old", { stress: 0 }), bridge("new", { version: "2.4", stress: 0.6 })], { version: "2.4" });
    expect(chosen?.id).toBe("new");
  });

  test("prefers the conference's region among bridges under the stress threshold", () => {
    const bridges = [bridge("eu", { region: "eu", stress: 0.5 }), bridge("us", { region: "us", stress: 0.1 }), bridge("eu-hot", { region: "eu", stress: 0.9 })];
    expect(selectBridge(bridges, { region: "eu" })?.id).toBe("eu");
  });

  test("property: the choice is eligible and no eligible bridge of a better tier or lower stress is passed over", () => {
    const arbBridge = fc.record({
      id: fc.string({ minLength: 1, maxLength: 4 }),
      operational: fc.boolean(),
      draining: fc.boolean(),
      gracefulShutdown: fc.boolean(),
      shuttingDown: fc.boolean(),
      stress: fc.double({ min: 0, max: 2, noNaN: true }),
      recentEndpoints: fc.integer({ min: 0, max: 50 }),
      version: fc.constantFrom("2.3", "2.4"),
    });
    fc.assert(
      fc.property(fc.uniqueArray(arbBridge, { selector: (b) => b.id, maxLength: 12 }), (bridges) => {
        const chosen = selectBridge(bridges);
        const eligible = bridges.filter((b) => b.operational && !b.shuttingDown);
        if (eligible.length === 0) return expect(chosen).toBeUndefined();
        expect(chosen).toBeDefined();
        const tier = (b: BridgePresence) => (b.gracefulShutdown ? 2 : b.draining ? 1 : 0);
        const best = Math.min(...eligible.map(tier));
        expect(tier(chosen!)).toBe(best);
        const sameTier = eligible.filter((b) => tier(b) === best);
        const corrected = (b: BridgePresence) => b.stress + b.recentEndpoints * 0.01;
        if (corrected(chosen!) >= 0.8) expect(sameTier.every((b) => corrected(b) >= 0.8)).toBe(true);
        const under = sameTier.filter((b) => (corrected(chosen!) < 0.8 ? corrected(b) < 0.8 : true));
        expect(corrected(chosen!)).toBeCloseTo(Math.min(...under.map(corrected)), 9);
      }),
    );
  });

  describe("participants with Octo", () => {
    const limits = { maxBridgeParticipants: 80 };

    test("a small meeting stays whole on the least stressed bridge", () => {
      const r = placeParticipants([bridge("a", { stress: 0.5 }), bridge("b", { stress: 0.2 })], { count: 6, senders: 6 }, limits);
      expect([...r.parts]).toEqual([["b", { participants: 6, senders: 6 }]]);
      expect(r).toMatchObject({ refused: 0, onOverloaded: false });
    });

    test("joiners spill to a new bridge once the conference's bridge reaches the threshold (0.01 per placed endpoint)", () => {
      const r = placeParticipants([bridge("a", { stress: 0.5 }), bridge("b", { stress: 0.6 })], { count: 50, senders: 10 }, limits);
      // a: 0.5 + 30 x 0.01 = 0.8; then b takes the rest (0.6 + 20 x 0.01 = 0.8).
      expect([...r.parts]).toEqual([
        ["a", { participants: 30, senders: 10 }],
        ["b", { participants: 20, senders: 0 }],
      ]);
      expect(r.onOverloaded).toBe(false);
    });

    test("at most max-bridge-participants of one conference per bridge; the rest is refused when no bridge is left", () => {
      // Past 0.8 after 50 joiners, a still takes them (no other bridge) up to the cap.
      const r = placeParticipants([bridge("a", { stress: 0.3 })], { count: 100, senders: 10 }, limits);
      expect(r.parts.get("a")?.participants).toBe(80);
      expect(r).toMatchObject({ refused: 20, onOverloaded: true });
    });

    test("joiners of a running conference go to its bridges first; a bridge refusing allocation is skipped", () => {
      const bridges = [bridge("a", { stress: 0.3 }), bridge("b", { stress: 0.1 }), bridge("c", { stress: 0 })];
      const kept = placeParticipants(bridges, { count: 5, senders: 0, current: new Map([["a", 20]]) }, limits);
      expect([...kept.parts.keys()]).toEqual(["a"]);
      const refusing = placeParticipants(bridges, { count: 5, senders: 5 }, limits, undefined, (id) => id !== "c");
      expect([...refusing.parts.keys()]).toEqual(["b"]);
    });

    test("property: every joiner is placed or refused, no bridge gets more than the cap", () => {
      fc.assert(
        fc.property(fc.array(fc.double({ min: 0, max: 1.2, noNaN: true }), { maxLength: 6 }), fc.integer({ min: 1, max: 400 }), (stresses, count) => {
          const r = placeParticipants(
            stresses.map((stress, i) => bridge(`b${i}`, { stress })),
            { count, senders: Math.min(count, 10) },
            limits,
          );
          const placed = [...r.parts.values()].reduce((sum, p) => sum + p.participants, 0);
          expect(placed + r.refused).toBe(count);
          expect([...r.parts.values()].reduce((sum, p) => sum + p.senders, 0)).toBe(placed > 0 ? Math.min(count, 10) : 0);
          for (const p of r.parts.values()) expect(p.participants).toBeLessThanOrEqual(80);
        }),
      );
    });
  });
});
