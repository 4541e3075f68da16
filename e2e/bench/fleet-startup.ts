// `make bench-startup`: time from applying a MeetingFleet to all its bridges Ready (status.readyReplicas),
// for 10 and 100 bridges, three runs each, on the running test bed; and the operator's resident memory.
// Prints medians. Needs `make cluster-up` first.

import { createFleetNamespace } from "../support/fleets.ts";
import { installCrd, memoryMiB, startOperator } from "../support/operator.ts";
import { apply, deleteNamespace, eventually, kubectl, kubectlJson, testbed } from "../support/testbed.ts";
import { median } from "./median.ts";

const sizes = (process.env.BENCH_SIZES ?? "10,100").split(",").map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);

async function main(): Promise<void> {
  const bed = testbed();
  await installCrd(bed);
  const namespace = await createFleetNamespace(bed, "bench-startup");
  const operator = await startOperator(bed, "bench-operator");
  try {
    await eventually("operator leading", () => operator.leading(), 20_000);
    const idleRss = memoryMiB(operator.pid).rss;
    for (const size of sizes) {
      const times: number[] = [];
      const rss: number[] = [];
      for (let run = 0; run < runs; run++) {
        const name = `startup-${size}-${run}`;
        const started = performance.now();
        await apply(bed, {
          apiVersion: "meet.meetingfleet.dev/v1alpha1",
          kind: "MeetingFleet",
          metadata: { name, namespace },
          spec: {
            replicas: size,
            minReplicas: 0,
            maxReplicas: Math.max(size, 10),
            signaling: { xmppServer: "prosody.invalid", authPasswordSecretRef: { name: "jvb-xmpp" } },
            media: { exposure: "NodePort", nodePortRange: { start: 30000, end: 30000 + Math.max(size, 10) - 1 } },
          },
        });
        await eventually(
          `${size} bridges Ready`,
          async () => {
            const f = await kubectlJson<{ status?: { readyReplicas?: number } }>(bed, ["get", "meetingfleet", name, "-n", namespace]);
            return f.status?.readyReplicas === size;
          },
          300_000,
          100,
        );
        times.push((performance.now() - started) / 1000);
        rss.push(memoryMiB(operator.pid).rss);
        await kubectl(bed, ["delete", "meetingfleet", name, "-n", namespace, "--wait=true", "--timeout=120s"]);
        await eventually("bridges gone", async () => (await kubectl(bed, ["get", "pods", "-n", namespace, "-o", "name"])).trim() === "", 120_000);
      }
      console.log(
        `${size} bridges: apply -> all Ready median ${median(times).toFixed(1)} s (runs ${times.map((t) => t.toFixed(1)).join(", ")}); operator RSS median ${median(rss).toFixed(0)} MiB (idle ${idleRss.toFixed(0)} MiB)`,
      );
    }
  } finally {
    await operator.stop();
    await deleteNamespace(bed, namespace);
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
