// `make demo` stays true: its script runs against the test bed with the operator, and what it shows
// (the autoscaler growing the fleet under the first wave, then draining it as the wave ebbs, nobody
// cut) is read back from its own screens. The second wave is left out to keep the suite short.

import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { jest } from "@jest/globals";
import { demoWaves } from "../demo/waves.ts";
import { driverStats, endAllConferences, stopLoad } from "../support/emulator.ts";
import { type RunningOperator, startOperator } from "../support/operator.ts";
import { deleteNamespace, testbed, withEmulator } from "../support/testbed.ts";

jest.setTimeout(300_000);
const bed = testbed();
const local = bed.cluster === "local" ? withEmulator(bed) : describe.skip;
const namespace = "meetingfleet-demo";
const demoScript = path.resolve(import.meta.dirname, "../demo/demo.ts");

local("make demo", () => {
  let operator: RunningOperator | undefined;
  let demo: ChildProcess | undefined;

  afterAll(async () => {
    if (demo && demo.exitCode === null && demo.signalCode === null) demo.kill("SIGKILL");
    await operator?.stop();
    await stopLoad(bed);
    await endAllConferences(bed);
    await deleteNamespace(bed, namespace);
  });

  test("the autoscaler grows the fleet under the first wave and drains it as the wave ebbs, with no meeting cut", async () => {
    operator = await startOperator(bed, "demo-operator", [namespace]);
    const before = await driverStats(bed);
    let output = "";
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      demo = spawn(process.execPath, [demoScript], { env: { ...process.env, TESTBED_DIR: bed.dir, DEMO_SECONDS: "130" }, stdio: ["ignore", "pipe", "pipe"] });
      demo.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      demo.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      demo.once("error", reject);
      demo.once("exit", resolve);
    });
    // Its screens, for whoever reads a failure.
    writeFileSync(path.join(bed.dir, "logs", "demo-test.log"), output);
    expect({ exitCode, tail: output.slice(-2_000) }).toEqual({ exitCode: 0, tail: expect.any(String) });

    const screens = output.split("meetingfleet demo: ").slice(1);
    expect(screens.length).toBeGreaterThanOrEqual(10);
    const desired = screens.map((s) => Number(/desired (\d+)/.exec(s)?.[1]));
    expect(Math.max(...desired)).toBeGreaterThanOrEqual(5);
    expect(desired.at(-1)!).toBeLessThan(Math.max(...desired));
    expect(output).toMatch(/Autoscaled: \d+ -> \d+ bridges \(Capacity\)/);
    expect(output).toMatch(/ScaleDown: Draining bridge demo-\d+/);
    const interrupted = screens.map((s) => Number(/interrupted conferences: (\d+)/.exec(s)?.[1]));
    expect(interrupted.every((n) => n === 0)).toBe(true);
    // The screens count from the demo's start (the emulator may have served earlier tests), and the
    // driver's own count agrees that nobody was cut.
    expect(Number(/started (\d+)/.exec(screens.at(-1)!)?.[1])).toBe(demoWaves[0]!.meetings);
    expect((await driverStats(bed)).interrupted - before.interrupted).toBe(0);
  });
});
