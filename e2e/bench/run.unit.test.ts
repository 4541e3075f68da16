// `make bench TRACE=file.csv`, as a user runs it: the whole benchmark on a short trace file, into a
// temporary directory, and the records the issue names in results.json.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gapSteps } from "./gap-steps.ts";

const policies = ["oracle", "static", "hpa", "agones-buffer", "jitsi-autoscaler", "ours"];

describe("make bench TRACE=file.csv", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "bench-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("replays the file with every policy and writes one record per policy, the plot and the checks", () => {
    // A burst at :00 of 40 meetings (3 to 42 people, 20 to 40 min), then 10 latecomers.
    const rows = Array.from({ length: 50 }, (_, i) => (i < 40 ? `${i * 3},${1_200 + 30 * i},${3 + i}` : `${600 + 60 * (i - 40)},1800,4`));
    const trace = path.join(dir, "lecture.csv");
    writeFileSync(trace, ["start_s,duration_s,participants", ...rows].join("\n"));

    const out = path.join(dir, "out");
    const stdout = execFileSync(process.execPath, [path.resolve(import.meta.dirname, "run.ts")], {
      env: { ...process.env, TRACE: trace, BENCH_OUT: out },
      encoding: "utf8",
    });
    expect(stdout).toContain("x oracle");

    const records = JSON.parse(readFileSync(path.join(out, "results.json"), "utf8")) as Array<Record<string, unknown>>;
    expect(records.map((r) => r.policy)).toEqual(policies);
    const of = (policy: string) => records.find((r) => r.policy === policy)!;
    for (const r of records) {
      expect(r).toMatchObject({
        trace: "lecture.csv",
        bridgeHours: expect.any(Number),
        oracleRatio: expect.any(Number),
        overloadShare: expect.any(Number),
        interrupted: expect.any(Number),
        scaleActions: expect.any(Number),
      });
      expect(r.oracleRatio).toBeCloseTo((r.bridgeHours as number) / (of("oracle").bridgeHours as number), 9);
    }
    // The static fleet holds the oracle's peak all along; a policy that overloads may use fewer bridges than the oracle.
    expect(of("static").oracleRatio as number).toBeGreaterThan(1);
    expect(of("ours").interrupted).toBe(0);

    expect(readFileSync(path.join(out, "plot.png")).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const matches = JSON.parse(readFileSync(path.join(out, "equal-overload.json"), "utf8")) as Array<{ peer: { policy: string } }>;
    expect(new Set(matches.map((m) => m.peer.policy))).toEqual(new Set(["hpa", "jitsi-autoscaler"]));

    // The gap's steps, each cause taken away in turn: with bridges useful at once, the burst at :00 finds
    // room; with no room kept at all and the oracle's target, the fleet is far cheaper than ours.
    const gap = JSON.parse(readFileSync(path.join(out, "gap.json"), "utf8")) as Array<{ policy: string; overloadShare: number; bridgeHours: number }>;
    expect(gap.map((g) => g.policy)).toEqual(gapSteps.map((step) => step.label));
    expect(gap[0]!.overloadShare).toBeLessThan((of("ours").overloadShare as number) / 2);
    expect(gap.at(-1)!.bridgeHours).toBeLessThan((of("ours").bridgeHours as number) * 0.8);
    expect(stdout).toContain("what the gap to the oracle is made of");

    // Jicofo's load redistribution, for HPA, jitsi-autoscaler and ours at Jicofo's threshold and at 0.81.
    const redistribution = JSON.parse(readFileSync(path.join(out, "redistribution.json"), "utf8")) as Array<{
      policy: string;
      endpointsMoved: number;
      interrupted: number;
    }>;
    expect(redistribution.map((r) => r.policy)).toEqual(
      [0.9, 0.81].flatMap((t) => ["hpa", "jitsi-autoscaler", "ours"].map((p) => `${p}, redistribution ${t}`)),
    );
    expect(redistribution.find((r) => r.policy === "ours, redistribution 0.81")).toMatchObject({ interrupted: 0, endpointsMoved: expect.any(Number) });
    expect(stdout).toContain("with Jicofo's load redistribution");
  }, 120_000);

  test("a SEED that is not a draw number stops it before any run, with the reason and exit code 2", () => {
    const out = path.join(dir, "refused");
    const child = spawnSync(process.execPath, [path.resolve(import.meta.dirname, "run.ts")], {
      env: { ...process.env, SEED: "0", BENCH_OUT: out },
      encoding: "utf8",
    });
    expect(child.status).toBe(2);
    expect(child.stderr).toContain('make bench: SEED must be a whole number from 1 up, got "0"');
    expect(existsSync(out)).toBe(false);
  }, 20_000);
});
