// `make bench-scale`: 50 fleets sharing 100, then 500, then 1,000 bridges on kwok nodes, each bridge's stats
// served by the emulator, the operator with its production timings (stats every 5 s). For each size: apply ->
// every fleet Ready, then a steady minute: reconcile p50/p99, scrape round time, operator RSS and CPU, and the
// API requests of the kinds the operator writes, per minute by verb, plus 429s (throttling). Needs
// `TESTBED_NODES=12 make cluster-up` first (kwok nodes hold 110 pods each).

import { readFileSync } from "node:fs";
import { createFleetNamespace, fleetManifest } from "../support/fleets.ts";
import { chartNodeArgs, installCrd, memoryMiB, startOperator } from "../support/operator.ts";
import { apply, deleteNamespace, eventually, kubectl, kubectlJson, testbed } from "../support/testbed.ts";

const sizes = (process.env.BENCH_SCALE_BRIDGES ?? "100,500,1000").split(",").map(Number);
const fleetCount = Number(process.env.BENCH_SCALE_FLEETS ?? 50);
const steadyMs = Number(process.env.BENCH_SCALE_STEADY_S ?? 60) * 1000;
const bed = testbed();

type Samples = Map<string, number>;

/** Every sample of one metric family in a Prometheus text page, keyed by its labels. */
function samples(text: string, name: string): Samples {
  const found = new Map<string, number>();
  for (const [, labels, value] of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, "gm"))) found.set(labels ?? "", Number(value));
  return found;
}

const diff = (after: Samples, before: Samples) => new Map([...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)]));

/** A quantile from histogram bucket counts (upper bound of the bucket where it falls), as histogram_quantile does roughly. */
function quantile(buckets: Samples, q: number): number {
  const ordered = [...buckets]
    .map(([labels, count]) => ({ le: Number(/le="([^"]+)"/.exec(labels)?.[1]?.replace("+Inf", "Infinity")), count }))
    .sort((a, b) => a.le - b.le);
  const total = ordered.at(-1)?.count ?? 0;
  return ordered.find((b) => b.count >= q * total)?.le ?? Number.NaN;
}

const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
};

/** The API server's request counts for what the operator reads and writes, by verb and code. */
async function apiRequests(): Promise<Samples> {
  const text = await kubectl(bed, ["get", "--raw", "/metrics"]);
  const byVerb = new Map<string, number>();
  for (const [labels, value] of samples(text, "apiserver_request_total")) {
    if (!/resource="(pods|meetingfleets|services|configmaps|events|secrets|nodes|poddisruptionbudgets)"/.test(labels)) continue;
    if (/resource="pods"/.test(labels) && /subresource="(status|binding)"/.test(labels)) continue; // kwok's and the scheduler's
    if (/resource="nodes"/.test(labels) && !/verb="GET"/.test(labels)) continue; // kwok's heartbeats
    if (/resource="events"/.test(labels) && !/group="events.k8s.io"/.test(labels)) continue; // the controller manager's (core/v1)
    const verb = /verb="([^"]+)"/.exec(labels)?.[1] ?? "?";
    const code = /code="([^"]+)"/.exec(labels)?.[1] ?? "?";
    const key = code === "429" ? "429" : verb;
    byVerb.set(key, (byVerb.get(key) ?? 0) + value);
  }
  return byVerb;
}

async function main(): Promise<void> {
  const nodes = (await kubectl(bed, ["get", "nodes", "-o", "name"])).trim().split("\n").length;
  const largest = Math.max(...sizes);
  if (nodes * 110 < largest)
    throw new Error(`${largest} bridges need ${Math.ceil(largest / 110)} kwok nodes; the test bed has ${nodes}: TESTBED_NODES=12 make cluster-up`);
  await installCrd(bed);
  const namespace = await createFleetNamespace(bed, "bench-scale");
  // Production timings (stats every 5 s, stale after 15 s, resync 5 min) and the chart's heap settings.
  const nodeArgs = chartNodeArgs();
  const operator = await startOperator(bed, "bench-scale-operator", [namespace], {
    extraArgs: ["--scrape-interval", "5s", "--stale-after", "15s", "--resync", "5m", "--drain-settle", "15s"],
    nodeArgs,
  });
  const rows: string[] = [];
  try {
    for (const size of sizes) {
      const perFleet = Math.ceil(size / fleetCount);
      const beforeGrowth = await operator.metrics();
      const started = performance.now();
      for (let i = 0; i < fleetCount; i++)
        // The same node ports at every size: a changed range would be a template change (a rolling upgrade).
        await apply(
          bed,
          fleetManifest(`scale-${i}`, namespace, {
            replicas: perFleet,
            maxReplicas: 20,
            media: { exposure: "NodePort", nodePortRange: { start: 30000 + 20 * i, end: 30019 + 20 * i } },
          }),
        );
      await eventually(
        `${perFleet * fleetCount} bridges Ready`,
        async () => {
          const list = await kubectlJson<{ items: Array<{ status?: { readyReplicas?: number } }> }>(bed, ["get", "meetingfleets", "-n", namespace]);
          return list.items.length === fleetCount && list.items.every((f) => f.status?.readyReplicas === perFleet);
        },
        900_000,
        1_000,
      );
      const readyS = (performance.now() - started) / 1000;

      const metricsBefore = await operator.metrics();
      const growing = diff(
        samples(metricsBefore, "meetingfleet_reconcile_duration_seconds_bucket"),
        samples(beforeGrowth, "meetingfleet_reconcile_duration_seconds_bucket"),
      );
      const apiBefore = await apiRequests();
      const cpuBefore = cpuSeconds(operator.pid);
      await new Promise((resolve) => setTimeout(resolve, steadyMs));
      const metricsAfter = await operator.metrics();
      const apiAfter = await apiRequests();
      const cpu = (cpuSeconds(operator.pid) - cpuBefore) / (steadyMs / 1000);
      const reconciles = diff(
        samples(metricsAfter, "meetingfleet_reconcile_duration_seconds_bucket"),
        samples(metricsBefore, "meetingfleet_reconcile_duration_seconds_bucket"),
      );
      const rounds = diff(
        samples(metricsAfter, "meetingfleet_bridge_scrape_round_seconds_bucket"),
        samples(metricsBefore, "meetingfleet_bridge_scrape_round_seconds_bucket"),
      );
      const perMinute = [...diff(apiAfter, apiBefore)]
        .filter(([, n]) => n > 0)
        .map(([verb, n]) => `${verb} ${Math.round((n * 60_000) / steadyMs)}`)
        .join(", ");
      const memory = memoryMiB(operator.pid);
      // The V8 heap in use, next to RSS: what the objects take, not what the heap has grown to.
      const heapUsedMiB = (samples(metricsAfter, "meetingfleet_operator_nodejs_heap_size_used_bytes").get("") ?? Number.NaN) / 2 ** 20;
      const row = `| ${perFleet * fleetCount} | ${readyS.toFixed(0)} s | ${quantile(growing, 0.5) * 1000} / ${quantile(growing, 0.99) * 1000} ms | ${quantile(reconciles, 0.5) * 1000} / ${quantile(reconciles, 0.99) * 1000} ms | ${quantile(rounds, 0.5)} / ${quantile(rounds, 1)} s | ${memory.rss.toFixed(0)} MiB (peak ${memory.peak.toFixed(0)}, heap used ${heapUsedMiB.toFixed(0)}) | ${cpu.toFixed(2)} | ${perMinute} |`;
      console.log(row);
      rows.push(row);
    }
  } finally {
    await operator.stop();
    await deleteNamespace(bed, namespace);
  }
  console.log(
    [
      `\n${fleetCount} fleets; operator with the chart's NODE_OPTIONS (${nodeArgs.join(" ")}); steady window ${steadyMs / 1000} s after all Ready; quantiles are bucket upper bounds; API requests are the API server's for those kinds, the test bed's own controllers included`,
      "| bridges | apply (grown from the size before) -> all Ready | reconcile p50 / p99 while growing | reconcile p50 / p99 steady | scrape round p50 / max | operator RSS | operator CPU (cores) | API requests per minute in the steady window (operator's kinds), 429s |",
      "|---|---|---|---|---|---|---|---|",
      ...rows,
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
