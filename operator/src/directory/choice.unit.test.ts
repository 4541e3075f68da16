import fc from "fast-check";
import { chooseForNewRoom, type DeploymentLoad, defaultChoiceSettings, reportedFree, unitHash } from "./choice.ts";

const settings = defaultChoiceSettings;

/** Sends `rooms` new rooms one after another, no report in between, as in a burst. */
function burst(deployments: DeploymentLoad[], rooms: number, prefix = "room"): Map<string, number> {
  const sent = new Map<string, number>();
  for (let i = 0; i < rooms; i++) {
    const chosen = chooseForNewRoom(`${prefix}-${i}`, deployments, sent, settings);
    if (chosen === undefined) break;
    sent.set(chosen, (sent.get(chosen) ?? 0) + 1);
  }
  return sent;
}

const deploymentArb = fc.record({
  name: fc.string({ minLength: 1, maxLength: 8 }),
  state: fc.constantFrom("ready", "ready", "ready", "draining", "stale", "out") as fc.Arbitrary<DeploymentLoad["state"]>,
  capacity: fc.integer({ min: 0, max: 200 }),
  loadShare: fc.double({ min: 0, max: 1.2, noNaN: true }),
});
const fleetArb = fc
  .uniqueArray(deploymentArb, { minLength: 1, maxLength: 12, selector: (d) => d.name })
  .map((ds) => ds.map(({ loadShare, ...d }) => ({ ...d, load: d.capacity * loadShare })));

describe("chooseForNewRoom", () => {
  test("no room goes to a deployment that is draining, stale, out or full; none at all when every one is", () => {
    const deployments: DeploymentLoad[] = [
      { name: "draining", state: "draining", capacity: 10, load: 0 },
      { name: "stale", state: "stale", capacity: 10, load: 0 },
      { name: "out", state: "out", capacity: 10, load: 0 },
      { name: "full", state: "ready", capacity: 10, load: 8 },
    ];
    expect(burst(deployments, 100).size).toBe(0);
    const open = [...deployments, { name: "open", state: "ready" as const, capacity: 1, load: 0 }];
    const sent = burst(open, 1000);
    expect([...sent.keys()]).toEqual(["open"]);
    // It takes rooms until its free capacity (0.8 of a bridge) is spoken for, then none.
    expect(sent.get("open")).toBe(Math.floor(0.8 / settings.newRoomStress + 1e-9));
  });

  test("property: never a deployment that is not ready or has no room left", () => {
    fc.assert(
      fc.property(fleetArb, fc.integer({ min: 1, max: 300 }), (deployments, rooms) => {
        const sent = burst(deployments, rooms);
        for (const [name, n] of sent) {
          const d = deployments.find((x) => x.name === name)!;
          expect(d.state).toBe("ready");
          expect(n * settings.newRoomStress).toBeLessThanOrEqual(reportedFree(d, settings) + 1e-9);
        }
      }),
    );
  });

  test("property: in a burst no deployment gets more than its share of free capacity plus the bound", () => {
    const roomy = fc
      .uniqueArray(
        fc.record({
          name: fc.string({ minLength: 1, maxLength: 8 }),
          capacity: fc.integer({ min: 1, max: 100 }),
          used: fc.double({ min: 0, max: 0.5, noNaN: true }),
        }),
        {
          minLength: 2,
          maxLength: 12,
          selector: (d) => d.name,
        },
      )
      .map((ds) => ds.map((d) => ({ name: d.name, state: "ready" as const, capacity: d.capacity, load: d.capacity * d.used })));
    fc.assert(
      fc.property(roomy, fc.integer({ min: 1, max: 1000 }), fc.string(), (deployments, wanted, prefix) => {
        const free = deployments.map((d) => reportedFree(d, settings));
        const total = free.reduce((a, b) => a + b, 0);
        // A burst that takes at most half of the free capacity, into deployments with room for 10 rooms at least.
        fc.pre(free.every((f) => f >= 10 * settings.newRoomStress));
        const rooms = Math.min(wanted, Math.floor(total / 2 / settings.newRoomStress));
        const sent = burst(deployments, rooms, prefix);
        expect([...sent.values()].reduce((a, b) => a + b, 0)).toBe(rooms);
        deployments.forEach((d, i) => {
          const share = free[i]! / total;
          expect(sent.get(d.name) ?? 0).toBeLessThanOrEqual((1 + settings.loadBound) * share * rooms + 2);
        });
      }),
    );
  });

  test("a burst of 1,000 rooms spreads in proportion to free capacity, not onto the least loaded", () => {
    const deployments: DeploymentLoad[] = [
      { name: "a", state: "ready", capacity: 40, load: 4 }, // free 28
      { name: "b", state: "ready", capacity: 20, load: 2 }, // free 14
      { name: "c", state: "ready", capacity: 20, load: 9 }, // free 7
      { name: "d", state: "ready", capacity: 10, load: 0 }, // free 8, the least loaded
    ];
    const sent = burst(deployments, 1000);
    const free = { a: 28, b: 14, c: 7, d: 8 };
    for (const [name, f] of Object.entries(free)) expect(Math.abs((sent.get(name) ?? 0) / 1000 - f / 57)).toBeLessThan(0.03);
  });

  test("the same room, deployments and counts give the same choice on every replica, in any order", () => {
    fc.assert(
      fc.property(fleetArb, fc.string(), (deployments, room) => {
        const pending = new Map<string, number>();
        expect(chooseForNewRoom(room, [...deployments].reverse(), pending)).toBe(chooseForNewRoom(room, deployments, pending));
      }),
    );
  });

  test("unitHash is in (0, 1) and spreads rooms evenly", () => {
    const draws = Array.from({ length: 100_000 }, (_, i) => unitHash(`room-${i}`, "deployment"));
    expect(Math.min(...draws)).toBeGreaterThan(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const buckets = new Array(10).fill(0);
    for (const u of draws) buckets[Math.floor(u * 10)]++;
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });
});
