import fc from "fast-check";
import { statsSourceSchema } from "../api/donor.ts";
import { loadReportSchema } from "./report.ts";
import { readingFromBody, reportFromReadings } from "./stats-source.ts";

const colibri = { stress_level: 0.42, conferences: 3, local_endpoints: 17, largest_conference: 9, drain: false, shutting_down: false, version: "2.3" };
const prometheus = `# HELP jitsi_jvb_stress Current stress (between 0 and 1).
# TYPE jitsi_jvb_stress gauge
jitsi_jvb_stress 0.42
jitsi_jvb_conferences 3.0
jitsi_jvb_local_endpoints 17.0
jitsi_jvb_largest_conference 9.0
jitsi_jvb_drain_mode 0.0
jitsi_jvb_graceful_shutdown 0.0
jitsi_jvb_shutting_down 0.0
jitsi_jvb_conferences_created_total 12.0
`;

describe("a plain server's bridge, read by the directory", () => {
  test("/colibri/stats and Prometheus /metrics give the same figures", () => {
    const expected = { participants: 17, conferences: 3, stress: 0.42, largestConference: 9, drain: false, shuttingDown: false };
    expect(readingFromBody("colibri", JSON.stringify(colibri))).toEqual(expected);
    expect(readingFromBody("prometheus", prometheus)).toEqual(expected);
    expect(readingFromBody("prometheus", prometheus.replace("jitsi_jvb_drain_mode 0.0", "jitsi_jvb_drain_mode 1.0"))).toMatchObject({ drain: true });
  });

  test("a body that is not stats is refused with what is wrong", () => {
    expect(() => readingFromBody("colibri", "<html>nginx</html>")).toThrow("not JSON");
    expect(() => readingFromBody("colibri", JSON.stringify({ ...colibri, stress_level: "high" }))).toThrow(/stress_level/);
    expect(() => readingFromBody("prometheus", "node_load1 0.3\n")).toThrow("no jitsi_jvb_stress sample");
    expect(() => readingFromBody("prometheus", prometheus.replace("jitsi_jvb_local_endpoints 17.0", "jitsi_jvb_local_endpoints -4"))).toThrow(
      /local_endpoints|participants/,
    );
  });

  test("stats URLs must be http(s), one to a hundred of them", () => {
    expect(statsSourceSchema.safeParse({ format: "colibri", urls: ["https://meet.example.org/colibri/stats"] }).success).toBe(true);
    expect(statsSourceSchema.safeParse({ format: "colibri", urls: [] }).success).toBe(false);
    expect(statsSourceSchema.safeParse({ format: "colibri", urls: ["file:///etc/passwd"] }).success).toBe(false);
    expect(statsSourceSchema.safeParse({ format: "influx", urls: ["https://x.example/"] }).success).toBe(false);
  });
});

const reading = fc.record({
  participants: fc.nat(500),
  conferences: fc.nat(50),
  stress: fc.double({ min: 0, max: 2, noNaN: true }),
  drain: fc.boolean(),
  shuttingDown: fc.boolean(),
});
const readings = fc.array(fc.oneof(reading, fc.constant(new Error("timeout"))), { minLength: 1, maxLength: 12 });

describe("a plain server's report from its bridges", () => {
  test("every bridge counts toward its size; only those that answered and take conferences are ready; people on draining ones still count", () => {
    const open = { participants: 30, conferences: 4, stress: 0.5, drain: false, shuttingDown: false };
    const draining = { participants: 12, conferences: 2, stress: 0.2, drain: true, shuttingDown: false };
    expect(reportFromReadings([open, draining, new Error("timeout"), open])).toEqual({
      bridgesReady: 2,
      maxBridges: 4,
      participants: 72,
      conferences: 10,
      stress: 1,
      draining: false,
    });
    expect(reportFromReadings([draining])).toMatchObject({ bridgesReady: 0, draining: true });
  });

  test("whatever its bridges answer, the report is one the directory accepts, and it drains only when no bridge is open", () => {
    fc.assert(
      fc.property(readings, (all) => {
        const report = reportFromReadings(all);
        if (all.every((r) => r instanceof Error)) return report === undefined;
        return loadReportSchema.safeParse(report).success && report!.draining === (report!.bridgesReady === 0);
      }),
    );
  });

  test("a server none of whose bridges answered reports nothing, so it goes stale like a silent fleet", () => {
    expect(reportFromReadings([new Error("timeout"), new Error("HTTP 502")])).toBeUndefined();
  });
});
