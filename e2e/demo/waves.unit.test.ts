import { describe, expect, test } from "@jest/globals";
import { type ConferenceArrival, parseTrace } from "../emulator/trace.ts";
import { demoWaves, wavesTrace } from "./waves.ts";

const participantsAt = (trace: readonly ConferenceArrival[], s: number) =>
  trace.filter((c) => c.startMs <= s * 1000 && s * 1000 < c.startMs + c.durationMs).reduce((sum, c) => sum + c.participants, 0);

describe("the demo's load", () => {
  const trace = parseTrace(wavesTrace(demoWaves));

  test("is a valid trace of every meeting of both waves", () => {
    expect(trace).toHaveLength(110);
    expect(Math.min(...trace.map((c) => c.startMs))).toBe(5_000);
    expect(Math.max(...trace.map((c) => c.startMs))).toBeLessThan(170_000);
  });

  test("rises to about 400 in a minute, ebbs while no meeting starts, and comes back", () => {
    expect(participantsAt(trace, 0)).toBe(0);
    const peak = participantsAt(trace, 65);
    expect(peak).toBeGreaterThanOrEqual(380);
    expect(peak).toBeLessThanOrEqual(420);
    // The first wave ends gradually: meetings of neighbouring starts do not end together.
    const ebb = [90, 110, 130].map((s) => participantsAt(trace, s));
    expect(ebb[0]!).toBeLessThan(peak);
    expect(ebb[1]!).toBeLessThan(ebb[0]!);
    expect(ebb[2]!).toBeLessThan(ebb[1]!);
    expect(ebb[2]!).toBeGreaterThan(0);
    expect(participantsAt(trace, 170)).toBeGreaterThan(participantsAt(trace, 150) + 60);
    expect(participantsAt(trace, 240)).toBe(0);
  });

  test("durations stay within each wave's bounds", () => {
    for (const c of trace) {
      const wave = demoWaves.find((w) => c.startMs >= w.fromS * 1000 && c.startMs < w.toS * 1000)!;
      expect(c.durationMs).toBeGreaterThanOrEqual(wave.durationS[0] * 1000);
      expect(c.durationMs).toBeLessThanOrEqual(wave.durationS[1] * 1000);
    }
  });
});
