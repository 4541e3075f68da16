// The demo's script and live view: a Deployment of emulated bridges, a ramp of conferences placed by
// the simulated Jicofo, and, a minute in, the emptiest bridge drained and gracefully shut down, the
// way the operator removes a bridge without cutting a meeting.

import type { Pod } from "../../operator/src/kube/types.ts";
import { bridgeCall, bridgeContainer, bridgeLabels } from "../support/bridges.ts";
import { driverStats, emulatedBridges, postLoad, type BridgeRow } from "../support/emulator.ts";
import { apply, deployment, kubectl, kubectlJson, testbed } from "../support/testbed.ts";

const namespace = "meetingfleet-demo";
const bridges = Number(process.env.DEMO_BRIDGES ?? 4);
const seconds = Number(process.env.DEMO_SECONDS ?? 300);
const drainAtS = 60;
const interactive = process.stdout.isTTY;

function bar(stress: number, width = 20): string {
  const filled = Math.min(width, Math.round(stress * width));
  return "#".repeat(filled) + ".".repeat(width - filled) + (stress >= 0.8 ? " !" : "  ");
}

function render(rows: BridgeRow[], stats: Awaited<ReturnType<typeof driverStats>>, elapsedS: number, note: string): string {
  const lines = [
    `meetingfleet demo: emulated Jitsi Videobridges on the local test bed (${elapsedS}s${seconds ? ` of ${seconds}s` : ""}, Ctrl-C ends)`,
    "",
    "BRIDGE                          IP              STATE              DRAIN  CONFS  PEOPLE  STRESS",
    ...rows
      .sort((a, b) => a.pod.localeCompare(b.pod))
      .map((r) =>
        [r.pod.padEnd(31), r.ip.padEnd(15), r.state.padEnd(18), (r.drain ? "yes" : "no").padEnd(6), String(r.conferences).padStart(5), String(r.participants).padStart(7), ` ${r.stress.toFixed(2)} ${bar(r.stress)}`].join(" "),
      ),
    "",
    `conferences running ${stats.activeConferences}, participants ${stats.participants}, started ${stats.conferencesStarted}, ended ${stats.conferencesEnded}, refused ${stats.conferencesRefused}`,
    `interrupted conferences: ${stats.interrupted}`,
    note,
  ];
  return lines.join("\n");
}

async function main(): Promise<void> {
  const bed = testbed();
  await kubectl(bed, ["create", "namespace", namespace]).catch(() => undefined);
  await apply(bed, deployment("bridges", namespace, bridges, bridgeLabels, { containers: [bridgeContainer()] }));
  await postLoad(bed, { kind: "ramp", from: 0, to: 120 * bridges, atS: 5, rampS: 90, conferenceSize: 5, durationS: 150, horizonS: 3_600 });

  const start = Date.now();
  let note = `load: ramp to ${120 * bridges} participants over 90 s; at ${drainAtS}s the emptiest bridge is drained and shut down gracefully`;
  let drained = false;
  for (;;) {
    const elapsedS = Math.round((Date.now() - start) / 1000);
    const rows = await emulatedBridges(bed, namespace);
    if (!drained && elapsedS >= drainAtS && rows.length > 0) {
      drained = true;
      const victim = [...rows].filter((r) => r.state === "RUNNING").sort((a, b) => a.participants - b.participants)[0];
      if (victim) {
        const pod = await kubectlJson<Pod>(bed, ["get", "pod", victim.pod, "-n", namespace]);
        await bridgeCall(bed, pod, "POST", "/colibri/drain/enable");
        await bridgeCall(bed, pod, "POST", "/colibri/shutdown", JSON.stringify({ "graceful-shutdown": true }));
        note = `${victim.pod} drained and in graceful shutdown with ${victim.participants} participants: it takes no new conferences and exits when its meetings end (then its Deployment restarts it)`;
      }
    }
    const screen = render(rows, await driverStats(bed), elapsedS, note);
    process.stdout.write(interactive ? `\x1b[2J\x1b[H${screen}\n` : `${screen}\n\n`);
    if (seconds > 0 && elapsedS >= seconds) break;
    await new Promise((r) => setTimeout(r, interactive ? 1_000 : 10_000));
  }
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
