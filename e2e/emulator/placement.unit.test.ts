import fc from "fast-check";
import { selectBridge, type BridgePresence } from "./placement.ts";

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
});
