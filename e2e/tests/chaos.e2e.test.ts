// Chaos: two operator replicas with leader election on, and the leader SIGKILLed at random moments while
// fleets autoscale under a rising and falling load, roll a template change and are scaled by hand. The test
// plays the Deployment: a killed replica is started again at once. Measured for every kill: the failover,
// from the SIGKILL to another replica reporting itself leader. Watched all along: never two live bridges with the
// same ordinal in a fleet. At the end every fleet converges to its spec, no meeting was cut, and no drain is left
// issued to conflicting ends: every bridge's own drain flag is what its pod's record says.
// `make test` kills 5 times with the tests' short lease (6 s); `make chaos` kills 20 times (CHAOS_KILLS) and,
// with CHAOS_LEASE=operator-defaults, uses the operator's default lease timings (10 s / 7 s / 2 s).

import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { jest } from "@jest/globals";
import type { Pod } from "../../operator/src/kube/types.ts";
import { median } from "../bench/median.ts";
import { clearSuite, driverStats, emulatedBridges, postLoad, stopLoad } from "../support/emulator.ts";
import { createFleetNamespace, fleetManifest } from "../support/fleets.ts";
import { installCrd, type RunningOperator, startOperator } from "../support/operator.ts";
import { apply, eventually, kubectl, kubectlJson, testbed, withEmulator } from "../support/testbed.ts";

const kills = Number(process.env.CHAOS_KILLS ?? 5);
const lease = process.env.CHAOS_LEASE === "operator-defaults" ? "operator-defaults" : "short";
jest.setTimeout(300_000 + kills * 60_000);
const bed = testbed();
const local = bed.cluster === "local" ? withEmulator(bed) : describe.skip;
let namespace: string;
const replicas: RunningOperator[] = [];
/** Every replica's log, killed ones included. */
const logFiles: string[] = [];
const start = async () => {
  const replica = await startOperator(bed, "operator-chaos", [namespace], { waitReady: false, lease });
  logFiles.push(replica.logFile);
  return replica;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What the replicas decided about a bridge, and who led when, in time order: printed when a meeting was cut,
 * since a CI run keeps its output but not the test bed's logs.
 */
function decisionsAbout(pod: string): string[] {
  const relevant = (line: string) => line.includes(`"${pod}"`) || /"msg":"(Leading|Lost the leader|Autoscaled fleet)/.test(line);
  return logFiles
    .flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .filter(relevant)
        .map((line) => ({ file: path.basename(file), line, at: Number(/"time":(\d+)/.exec(line)?.[1] ?? 0) })),
    )
    .sort((a, b) => a.at - b.at)
    .map(({ file, line }) => `${file} ${line}`);
}
const fleets = ["auto", "rolled", "scaled"];

/** Live bridges sharing an ordinal within a fleet, seen by the watcher (must stay empty). */
const duplicates: string[] = [];
/** The most live bridges the autoscaled fleet had: the load must have made it grow. */
let mostAutoscaled = 0;
let watching = true;
async function watchOrdinals(): Promise<void> {
  while (watching) {
    const pods = (await kubectlJson<{ items: Pod[] }>(bed, ["get", "pods", "-n", namespace]).catch(() => ({ items: [] as Pod[] }))).items;
    const seen = new Set<string>();
    const live = pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
    mostAutoscaled = Math.max(mostAutoscaled, live.filter((p) => p.metadata.labels?.["meet.meetingfleet.dev/fleet"] === "auto").length);
    for (const p of live) {
      const key = `${p.metadata.labels?.["meet.meetingfleet.dev/fleet"]}/${p.metadata.annotations?.["meet.meetingfleet.dev/ordinal"]}`;
      if (seen.has(key)) duplicates.push(`${key} (${p.metadata.name})`);
      seen.add(key);
    }
    await sleep(500);
  }
}

local(`chaos: the leader SIGKILLed ${kills} times while fleets scale, roll and autoscale`, () => {
  const failovers: number[] = [];
  beforeAll(async () => {
    await installCrd(bed);
    namespace = await createFleetNamespace(bed, "e2e-chaos");
    replicas.push(await start(), await start());
    await apply(
      bed,
      fleetManifest("auto", namespace, { replicas: 1, minReplicas: 1, maxReplicas: 8, autoscaling: { targetParticipants: 10, scaleDownWindow: "20s" } }),
    );
    await apply(bed, fleetManifest("rolled", namespace, { replicas: 3 }));
    await apply(bed, fleetManifest("scaled", namespace, { replicas: 2 }));
    await kubectl(bed, ["wait", "--for=condition=Ready", ...fleets.map((f) => `meetingfleet/${f}`), "-n", namespace, "--timeout=180s"]);
    void watchOrdinals();
  });
  afterAll(async () => {
    watching = false;
    await Promise.all(replicas.map((r) => r.stop()));
    await clearSuite(bed, namespace);
  });

  test("every failover within the goal; never two bridges for one ordinal; everything converges, no drain flag off its record; nobody cut", async () => {
    // A minute of rising load, then meetings ending: the autoscaled fleet grows, then drains.
    const load = { kind: "ramp", from: 0, to: 160, atS: 0, rampS: 60, conferenceSize: 4, durationS: 60, horizonS: 40 + kills * 25 };
    expect((await postLoad(bed, namespace, load)).status).toBe(200);
    for (let k = 0; k < kills; k++) {
      await sleep(2_000 + Math.random() * 8_000);
      // Something for the new leader to finish: a template change or a scale, in turns.
      if (k % 2 === 0)
        await kubectl(bed, ["patch", "meetingfleet/rolled", "-n", namespace, "--type=merge", "-p", JSON.stringify({ spec: { region: `r${k}` } })]);
      else await kubectl(bed, ["scale", "meetingfleet/scaled", "-n", namespace, `--replicas=${1 + (k % 4)}`]);
      await sleep(Math.random() * 2_000);
      const leaderIndex = await eventually(
        "a leader",
        async () => {
          const leading = await Promise.all(replicas.map((r) => r.leading().catch(() => false)));
          const index = leading.indexOf(true);
          return index >= 0 ? index : undefined;
        },
        60_000,
        100,
      );
      const killedAt = performance.now();
      await replicas[leaderIndex]!.kill();
      replicas[leaderIndex] = await start();
      // The standby usually wins; the replica started in the killed one's place may, too.
      await eventually("a new leader", async () => (await Promise.all(replicas.map((r) => r.leading().catch(() => false)))).includes(true), 60_000, 100);
      failovers.push((performance.now() - killedAt) / 1000);
    }
    await stopLoad(bed);
    for (const name of fleets)
      await eventually(
        `${name} converged`,
        async () => {
          const f = await kubectlJson<{
            metadata: { generation: number };
            status?: { observedGeneration?: number; conditions?: Array<{ type: string; status: string }> };
          }>(bed, ["get", `meetingfleet/${name}`, "-n", namespace]);
          return f.status?.observedGeneration === f.metadata.generation && f.status.conditions?.find((c) => c.type === "Ready")?.status === "True";
        },
        240_000,
      );
    // A drain one replica issued and another reversed would leave a bridge whose flag and record disagree;
    // the leader's repair (DrainStateRepair) must have put any such right.
    const drainMismatches = async () => {
      const rows = await emulatedBridges(bed, namespace);
      const pods = (await kubectlJson<{ items: Pod[] }>(bed, ["get", "pods", "-n", namespace])).items.filter(
        (p) => p.status?.phase === "Running" && !p.metadata.deletionTimestamp,
      );
      return pods
        .filter((p) => {
          const row = rows.find((r) => r.pod === p.metadata.name);
          return row !== undefined && row.drain !== (p.metadata.annotations?.["meet.meetingfleet.dev/draining-since"] !== undefined);
        })
        .map((p) => p.metadata.name);
    };
    const mismatchedAtEnd = await drainMismatches();
    await eventually("every bridge's drain flag matching its pod's record", async () => (await drainMismatches()).length === 0, 30_000, 500);
    const interrupted = (await driverStats(bed)).interruptions.filter((i) => i.bridgeId.startsWith(`${namespace}/`));
    const report = {
      kills,
      lease,
      failoverMedianS: Number(median(failovers).toFixed(1)),
      failoverMaxS: Number(Math.max(...failovers).toFixed(1)),
      failoversS: failovers.map((s) => Number(s.toFixed(1))),
      duplicateOrdinals: duplicates.length,
      mostAutoscaledBridges: mostAutoscaled,
      interrupted: interrupted.length,
      drainFlagsOffRecordAtEnd: mismatchedAtEnd.length,
    };
    console.log(`chaos: ${JSON.stringify(report)}`);
    for (const cut of interrupted) console.log(`cut ${JSON.stringify(cut)}; the replicas' trail:\n${decisionsAbout(cut.bridgeId.split("/")[1]!).join("\n")}`);
    writeFileSync(path.join(bed.dir, `chaos-${lease}-${kills}.json`), JSON.stringify(report, null, 2));
    expect(failovers).toHaveLength(kills);
    expect(median(failovers)).toBeLessThan(15);
    expect(Math.max(...failovers)).toBeLessThan(20);
    expect(duplicates).toEqual([]);
    expect(mostAutoscaled).toBeGreaterThan(2);
    expect(interrupted).toEqual([]);
  });
});
