// Every fault the suite can inject, read by the operator's own JVB client: each one makes the figures
// unknown (the call fails), none takes longer than the client's timeout, and the healed bridge reads again.

import { httpJvbClient } from "../../operator/src/bridges/jvb-client.ts";
import { EmulatedBridge, jvbDefaults } from "./bridge.ts";
import { systemClock } from "./clock.ts";
import { type Fault, faultSchema, flapMs, flappedDown } from "./faults.ts";
import { type RunningServer, serveBridge } from "./jvb-http.ts";

const timeoutMs = 1_000;
let server: RunningServer;
let fault: Fault | undefined;
let bridge: EmulatedBridge;

beforeAll(async () => {
  bridge = new EmulatedBridge({ ...jvbDefaults, id: "jvb-0", version: "stable" }, systemClock);
  bridge.allocate("c1");
  bridge.join("c1", 3);
  server = await serveBridge(bridge, "127.0.0.1", 0, () => fault);
});
afterAll(async () => {
  bridge.stop();
  await server.close();
});

const client = () => httpJvbClient(server.port, timeoutMs);

describe("injected bridge faults, as the operator's JVB client reads them", () => {
  test("a bridge without a fault reads", async () => {
    fault = undefined;
    await expect(client().figures("127.0.0.1")).resolves.toMatchObject({ conferences: expect.any(Number), drain: false });
  });

  // flapping fails only in its down turn; the others always.
  test.each(faultSchema.options.filter((f) => f !== "flapping"))("%s: the call fails within the timeout", async (kind) => {
    fault = kind;
    const started = performance.now();
    await expect(client().figures("127.0.0.1")).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(timeoutMs + 1_500);
  });

  test("flapping: health and stats fail in every other turn", async () => {
    expect(flappedDown(0)).toBe(false);
    expect(flappedDown(flapMs)).toBe(true);
    expect(flappedDown(2 * flapMs)).toBe(false);
    fault = "flapping";
    const outcomes = new Set<boolean>();
    const until = Date.now() + 2 * flapMs + 500;
    while (Date.now() < until && outcomes.size < 2) {
      outcomes.add(
        await client()
          .figures("127.0.0.1")
          .then(() => true)
          .catch(() => false),
      );
      await new Promise((r) => setTimeout(r, 250));
    }
    expect([...outcomes].sort()).toEqual([false, true]);
  });

  test("healed, the bridge reads again", async () => {
    fault = undefined;
    await expect(client().figures("127.0.0.1")).resolves.toBeDefined();
  });
});
