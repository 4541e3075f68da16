import { type BridgeConfig, EmulatedBridge, jvbDefaults } from "./bridge.ts";
import { ManualClock } from "./clock.ts";

const setup = (over: Partial<BridgeConfig> = {}) => {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 9));
  const bridge = new EmulatedBridge({ ...jvbDefaults, id: "jvb-0", version: "2.3.1", ...over }, clock);
  const exits: number[] = [];
  bridge.onExit(() => exits.push(clock.now()));
  return { clock, bridge, exits };
};

describe("emulated bridge", () => {
  test("stats are a snapshot regenerated every stats interval, as JVB's are", () => {
    const { clock, bridge } = setup();
    bridge.allocate("c1");
    bridge.join("c1", 4);
    expect(bridge.stats().local_endpoints).toBe(0);
    clock.advance(5_000);
    const stats = bridge.stats();
    expect(stats).toMatchObject({ participants: 4, endpoints: 4, local_endpoints: 4, conferences: 1, largest_conference: 4, version: "2.3.1" });
    expect(stats.stress_level).toBeGreaterThan(0);
    expect(stats.current_timestamp).toBe("2026-11-22 09:00:05.000");
  });

  test("drain refuses nothing by itself: placement avoids it, joiners still come in", () => {
    const { bridge } = setup();
    bridge.setDrain(true);
    expect(bridge.allocate("c1")).toBe("allocated");
    expect(bridge.join("c1", 2)).toBe(true);
    expect(bridge.draining).toBe(true);
  });

  test("graceful shutdown refuses new conferences, keeps running ones until empty, then shuts down and exits after the delay", () => {
    const { clock, bridge, exits } = setup();
    bridge.allocate("c1");
    bridge.join("c1", 3);
    bridge.initiateShutdown(true);
    expect(bridge.state).toBe("GRACEFUL_SHUTDOWN");
    expect(bridge.allocate("c2")).toBe("refused-shutdown");
    expect(bridge.join("c1", 1)).toBe(true); // existing conferences still accept joiners
    clock.advance(3_600_000);
    expect(bridge.state).toBe("GRACEFUL_SHUTDOWN");
    bridge.leave("c1", 4);
    expect(bridge.state).toBe("SHUTTING_DOWN");
    expect(bridge.join("c1", 1)).toBe(false);
    const shuttingSince = clock.now();
    clock.advance(59_999);
    expect(exits).toEqual([]);
    clock.advance(1);
    expect(exits).toEqual([shuttingSince + 60_000]);
    expect(bridge.hasExited).toBe(true);
  });

  test("graceful shutdown of an empty bridge goes straight to shutting down", () => {
    const { bridge } = setup();
    bridge.initiateShutdown(true);
    expect(bridge.state).toBe("SHUTTING_DOWN");
  });

  test("graceful shutdown ends at the maximum duration even with participants left", () => {
    const { clock, bridge, exits } = setup({ gracefulShutdownMaxDurationMs: 10_000, shuttingDownDelayMs: 1_000 });
    bridge.allocate("c1");
    bridge.join("c1", 2);
    bridge.initiateShutdown(true);
    clock.advance(10_000);
    expect(bridge.state).toBe("SHUTTING_DOWN");
    clock.advance(1_000);
    expect(exits).toHaveLength(1);
  });

  test("a second graceful request changes nothing; a forced one shuts down at once", () => {
    const { bridge } = setup();
    bridge.allocate("c1");
    bridge.join("c1", 2);
    bridge.initiateShutdown(true);
    bridge.initiateShutdown(true);
    expect(bridge.state).toBe("GRACEFUL_SHUTDOWN");
    bridge.initiateShutdown(false);
    expect(bridge.state).toBe("SHUTTING_DOWN");
  });

  test("stats report the shutdown flags", () => {
    const { clock, bridge } = setup({ statsIntervalMs: 1_000 });
    bridge.allocate("c1");
    bridge.join("c1", 1);
    bridge.setDrain(true);
    bridge.initiateShutdown(true);
    clock.advance(1_000);
    expect(bridge.stats()).toMatchObject({ drain: true, graceful_shutdown: true, shutting_down: false });
  });
});
