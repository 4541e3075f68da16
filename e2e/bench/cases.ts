// Which traces `make bench` runs: the file given as TRACE, or the built-in ones drawn with SEED.

import { readFileSync } from "node:fs";
import path from "node:path";
import { parseTrace } from "../emulator/trace.ts";
import type { TraceCase } from "./benchmark.ts";
import { flashCrowdTrace, schoolMorningTrace, weekTrace } from "./traces.ts";

const hour = 3_600_000;

export interface CaseChoice {
  /** A trace file in the emulator's CSV format; replaces the built-in traces. */
  TRACE?: string | undefined;
  /** The n-th draw of the built-in traces (1, the default, is the one the README's figures show). */
  SEED?: string | undefined;
}

export function benchCases(choice: CaseChoice): TraceCase[] {
  if (choice.TRACE) {
    const trace = parseTrace(readFileSync(choice.TRACE, "utf8"));
    const toMs = Math.max(0, ...trace.map((c) => c.startMs + c.durationMs));
    return [{ name: path.basename(choice.TRACE), trace, fromMs: 0, toMs }];
  }
  const draw = Number(choice.SEED || "1");
  if (!Number.isInteger(draw) || draw < 1) throw new Error(`SEED must be a whole number from 1 up, got ${JSON.stringify(choice.SEED)}`);
  return builtInCases(draw);
}

/** The built-in traces, n-th draw. */
export function builtInCases(draw: number): TraceCase[] {
  // Each trace keeps its own seed sequence (week 1, school 2, flash 3 at draw 1), so draw 1 is unchanged.
  return [
    { name: "week", trace: weekTrace(draw), fromMs: 0, toMs: 7 * 24 * hour },
    // The school knows its timetable: 28 classes at 8:00 and 34 at 9:00, two or three to a bridge.
    {
      name: "school-morning",
      trace: schoolMorningTrace(draw + 1),
      fromMs: 6 * hour,
      toMs: 12 * hour,
      schedule: [{ days: [1, 2, 3, 4, 5], start: "07:50", end: "10:05", minReplicas: 16 }],
    },
    { name: "flash-crowd", trace: flashCrowdTrace(draw + 2), fromMs: 9 * hour, toMs: 14 * hour },
  ];
}
