import { EmulatedBridge, jvbDefaults } from "./bridge.ts";
import { ManualClock } from "./clock.ts";
import { ConferenceDriver } from "./driver.ts";

const fleet = (count: number) => {
  const clock = new ManualClock(0);
  const bridges = new Map<string, EmulatedBridge>();
  const add = (id: string, version = "2.3") =>
    bridges.set(id, new EmulatedBridge({ ...jvbDefaults, statsIntervalMs: 1_000, shuttingDownDelayMs: 5_000, id, version }, clock));
  for (let i = 0; i < count; i++) add(`jvb-${i}`);
  const driver = new ConferenceDriver({ bridges: () => bridges.values() }, clock);
  const remove = (id: string) => {
    bridges.get(id)?.stop();
    bridges.delete(id);
    driver.bridgeGone(id);
  };
  return { clock, bridges, driver, add, remove };
};

const arrivals = (n: number, size: number, everyMs: number, durationMs: number) =>
  Array.from({ length: n }, (_, i) => ({ startMs: i * everyMs, durationMs, participants: size }));

describe("conference driver", () => {
  test("spreads conferences across bridges by stress and ends them on time", () => {
    const { clock, bridges, driver } = fleet(3);
    driver.replay(arrivals(30, 4, 2_000, 120_000));
    clock.advance(60_000);
    expect(driver.stats()).toMatchObject({ activeConferences: 30, participants: 120, conferencesStarted: 30, pendingArrivals: 0, interrupted: 0 });
    const perBridge = [...bridges.values()].map((b) => b.localEndpoints);
    expect(Math.max(...perBridge) - Math.min(...perBridge)).toBeLessThanOrEqual(8);
    clock.advance(120_000);
    expect(driver.stats()).toMatchObject({ activeConferences: 0, conferencesEnded: 30, interrupted: 0 });
  });

  test("draining a bridge steers new conferences away without touching running ones", () => {
    const { clock, bridges, driver } = fleet(2);
    driver.replay(arrivals(4, 4, 1_000, 600_000));
    clock.advance(10_000);
    const drained = bridges.get("jvb-0")!;
    const before = drained.localEndpoints;
    expect(before).toBeGreaterThan(0);
    drained.setDrain(true);
    clock.advance(1_000); // the next stats snapshot carries the flag to Jicofo
    driver.replay(arrivals(6, 4, 1_000, 600_000));
    clock.advance(10_000);
    expect(drained.localEndpoints).toBe(before);
    expect(driver.stats().interrupted).toBe(0);
  });

  test("a bridge that disappears with people on it interrupts their conferences, which Jicofo re-places", () => {
    const { clock, driver, bridges, remove } = fleet(2);
    driver.replay(arrivals(4, 3, 1_000, 600_000));
    clock.advance(5_000);
    const victim = bridges.get("jvb-0")!;
    const lostConferences = victim.conferenceParts().size;
    expect(lostConferences).toBeGreaterThan(0);
    remove("jvb-0");
    const stats = driver.stats();
    expect(stats.interrupted).toBe(lostConferences);
    expect(stats.interruptions.every((i) => i.bridgeId === "jvb-0" && i.reason === "bridge-gone")).toBe(true);
    expect(stats.activeConferences).toBe(4);
    expect(bridges.get("jvb-1")!.conferenceParts().size).toBe(4);
  });

  test("graceful shutdown of an emptied bridge interrupts nothing", () => {
    const { clock, driver, bridges, remove } = fleet(2);
    const bridge = bridges.get("jvb-0")!;
    bridge.onExit(() => remove("jvb-0"));
    bridge.setDrain(true);
    clock.advance(1_000);
    driver.replay(arrivals(3, 4, 1_000, 30_000));
    clock.advance(5_000);
    bridge.initiateShutdown(true);
    clock.advance(60_000);
    expect(bridges.has("jvb-0")).toBe(false);
    expect(driver.stats()).toMatchObject({ interrupted: 0, conferencesEnded: 3 });
  });

  test("a forced shutdown with people on the bridge is an interruption", () => {
    const { clock, driver, bridges } = fleet(2);
    driver.replay(arrivals(2, 4, 1_000, 600_000));
    clock.advance(3_000);
    const busy = [...bridges.values()].find((b) => b.localEndpoints > 0)!;
    busy.initiateShutdown(false);
    clock.advance(3_000);
    expect(driver.stats().interrupted).toBeGreaterThan(0);
    expect(driver.stats().interruptions[0]?.reason).toBe("bridge-shutting-down");
  });

  test("refuses a conference when no bridge can take it, and caps participants per conference per bridge", () => {
    const { clock, driver } = fleet(0);
    driver.replay(arrivals(1, 4, 0, 10_000));
    clock.advance(1);
    expect(driver.stats().conferencesRefused).toBe(1);
    const second = fleet(1);
    second.driver.replay(arrivals(1, 100, 0, 10_000));
    second.clock.advance(1);
    expect(second.driver.stats()).toMatchObject({ participants: 80, participantsRefused: 20 });
  });

  test("Octo: a meeting of 200 spreads over bridges, each under the threshold; losing one bridge cuts only its part", () => {
    const { clock, bridges, driver, remove } = fleet(4);
    driver.replay(arrivals(1, 200, 0, 600_000));
    clock.advance(1_000);
    const used = [...bridges.values()].filter((b) => b.localEndpoints > 0);
    expect(used.length).toBeGreaterThanOrEqual(3);
    expect(used.reduce((sum, b) => sum + b.localEndpoints, 0)).toBe(200);
    for (const b of used) {
      expect(b.stats()).toMatchObject({ octo_conferences: 1, largest_conference: 200 });
      expect(b.stats().octo_endpoints).toBe(200 - b.localEndpoints);
      expect(b.stats().stress_level).toBeLessThan(0.8);
    }
    const senders = used.find((b) => b.stats().endpoints_sending_video === 10)!;
    remove(senders.config.id);
    expect(driver.stats()).toMatchObject({ interrupted: 1, participants: 200, activeConferences: 1 });
    expect(driver.stats().interruptions[0]?.participants).toBe(senders.stats().local_endpoints);
  });

  test("time scale replays a trace faster", () => {
    const clock = new ManualClock(0);
    const bridge = new EmulatedBridge({ ...jvbDefaults, id: "b", version: "1" }, clock);
    const driver = new ConferenceDriver({ bridges: () => [bridge] }, clock, { timeScale: 60 });
    driver.replay([{ startMs: 3_600_000, durationMs: 600_000, participants: 2 }]);
    clock.advance(59_999);
    expect(driver.stats().conferencesStarted).toBe(0);
    clock.advance(1);
    expect(driver.stats().conferencesStarted).toBe(1);
    clock.advance(10_000);
    expect(driver.stats().conferencesEnded).toBe(1);
  });
});
