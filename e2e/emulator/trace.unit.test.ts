import { parseTrace, TraceError } from "./trace.ts";

const refusal = (text: string): TraceError => {
  try {
    parseTrace(text);
  } catch (e) {
    if (e instanceof TraceError) return e;
    throw e;
  }
  throw new Error("trace was accepted");
};

describe("trace files", () => {
  test("parses conferences in start order, with optional region, skipping comments and blank lines", () => {
    const arrivals = parseTrace("# a lecture morning\nstart_s,duration_s,participants,region\n60,1800,25,eu-south\n\n0,3000,4,\n");
    expect(arrivals).toEqual([
      { startMs: 0, durationMs: 3_000_000, participants: 4 },
      { startMs: 60_000, durationMs: 1_800_000, participants: 25, region: "eu-south" },
    ]);
  });

  test("accepts a file without the region column", () => {
    expect(parseTrace("start_s,duration_s,participants\n1.5,10,2")).toEqual([{ startMs: 1500, durationMs: 10_000, participants: 2 }]);
  });

  test.each([
    ["start_s,duration_s,participants\n0,abc,4", 2, "duration_s"],
    ["start_s,duration_s,participants\n0,60,4\n-1,60,4", 3, "start_s"],
    ["start_s,duration_s,participants\n0,60,2.5", 2, "participants"],
    ["start_s,duration_s,participants\n0,60,0", 2, "participants"],
    ["start_s,duration_s,participants\n0,0,3", 2, "duration_s"],
    ["start_s,duration_s,participants,region\n0,60,3,eu south", 2, "region"],
    ["start_s,duration_s,participants\n0,60", 2, "row"],
    ["start_s,duration_s,participants\n0,60,3,eu", 2, "row"],
    ["start,duration_s,participants\n0,60,3", 1, "header"],
    ["# only a comment\n", 1, "header"],
  ])("refuses %j naming line %i and field %s", (text, line, field) => {
    const error = refusal(text);
    expect(error.line).toBe(line);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`line ${line}`);
    expect(error.message).toContain(field);
  });
});
