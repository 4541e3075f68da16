// The demo's script and live view: a MeetingFleet run by the operator, a ramp of conferences placed by
// the simulated Jicofo, then `kubectl scale` down (the operator drains the emptiest bridge and removes
// it when its meetings end) and back up (it undrains a draining bridge rather than start a new one).

import { driverStats, emulatedBridges, postLoad, type BridgeRow } from "../support/emulator.ts";
import { installCrd } from "../support/operator.ts";
import { apply, eventually, kubectl, kubectlJson, testbed } from "../support/testbed.ts";

const namespace = "meetingfleet-demo";
const bridges = Number(process.env.DEMO_BRIDGES ?? 4);
const seconds = Number(process.env.DEMO_SECONDS ?? 240);
const interactive = process.stdout.isTTY;
const script: Array<{ atS: number; replicas: number; note: string }> = [
  { atS: 70, replicas: bridges - 1, note: `kubectl scale --replicas=${bridges - 1}: the operator drains the emptiest bridge; it goes when its meetings end` },
  { atS: 110, replicas: bridges, note: `kubectl scale --replicas=${bridges}: a draining bridge is undrained rather than a new one started` },
];

interface FleetView {
  spec: { replicas: number };
  status?: {
    readyReplicas?: number;
    drainingReplicas?: number;
    participants?: number;
    maxStress?: string;
    bridges?: Array<{ name: string; phase: string }>;
    conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
  };
}

function bar(stress: number, width = 20): string {
  const filled = Math.min(width, Math.round(stress * width));
  return "#".repeat(filled) + ".".repeat(width - filled) + (stress >= 0.8 ? " !" : "  ");
}

function render(fleet: FleetView, rows: BridgeRow[], stats: Awaited<ReturnType<typeof driverStats>>, elapsedS: number, note: string): string {
  const phase = new Map(fleet.status?.bridges?.map((b) => [b.name, b.phase]));
  const ready = fleet.status?.conditions?.find((c) => c.type === "Ready");
  const reconciling = fleet.status?.conditions?.find((c) => c.type === "Reconciling");
  return [
    `meetingfleet demo: the operator runs a MeetingFleet of emulated Jitsi Videobridges (${elapsedS}s${seconds ? ` of ${seconds}s` : ""}, Ctrl-C ends)`,
    "",
    `fleet ${namespace}/demo: desired ${fleet.spec.replicas}, ready ${fleet.status?.readyReplicas ?? 0}, draining ${fleet.status?.drainingReplicas ?? 0}, participants ${fleet.status?.participants ?? 0}, max stress ${fleet.status?.maxStress ?? "-"}`,
    `  Ready=${ready?.status ?? "?"} (${ready?.message ?? ""})  Reconciling=${reconciling?.status ?? "?"} (${reconciling?.reason ?? ""})`,
    "",
    "BRIDGE        IP              OPERATOR      JVB STATE          DRAIN  CONFS  PEOPLE  STRESS",
    ...rows
      .sort((a, b) => a.pod.localeCompare(b.pod))
      .map((r) =>
        [r.pod.padEnd(13), r.ip.padEnd(15), (phase.get(r.pod) ?? "-").padEnd(13), r.state.padEnd(18), (r.drain ? "yes" : "no").padEnd(6), String(r.conferences).padStart(5), String(r.participants).padStart(7), ` ${r.stress.toFixed(2)} ${bar(r.stress)}`].join(" "),
      ),
    "",
    `conferences running ${stats.activeConferences}, participants ${stats.participants}, started ${stats.conferencesStarted}, ended ${stats.conferencesEnded}, refused ${stats.conferencesRefused}`,
    `interrupted conferences: ${stats.interrupted}`,
    note,
  ].join("\n");
}

async function main(): Promise<void> {
  const bed = testbed();
  await installCrd(bed);
  await kubectl(bed, ["create", "namespace", namespace]).catch(() => undefined);
  await apply(bed, { apiVersion: "v1", kind: "Secret", metadata: { name: "jvb-xmpp", namespace }, stringData: { password: "demo-only" } });
  await apply(bed, {
    apiVersion: "meet.meetingfleet.dev/v1alpha1",
    kind: "MeetingFleet",
    metadata: { name: "demo", namespace },
    spec: {
      replicas: bridges,
      minReplicas: 1,
      maxReplicas: 20,
      drainDeadline: "10m",
      signaling: { xmppServer: "prosody.demo.invalid", authPasswordSecretRef: { name: "jvb-xmpp" } },
      media: { exposure: "NodePort", nodePortRange: { start: 30500, end: 30549 } },
    },
  });
  await eventually("the operator to bring the fleet up", async () => (await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/demo", "-n", namespace, "--timeout=5s"]).then(() => true, () => false)) || undefined, 90_000);
  await postLoad(bed, { kind: "ramp", from: 0, to: 100 * bridges, atS: 5, rampS: 60, conferenceSize: 5, durationS: 75, horizonS: 3_600 });

  const start = Date.now();
  let note = `load: ramp to ${100 * bridges} participants over 60 s, meetings of 5 lasting 75 s`;
  let step = 0;
  for (;;) {
    const elapsedS = Math.round((Date.now() - start) / 1000);
    const next = script[step];
    if (next && elapsedS >= next.atS) {
      await kubectl(bed, ["scale", "meetingfleet/demo", "-n", namespace, `--replicas=${next.replicas}`]);
      note = next.note;
      step++;
    }
    const fleet = await kubectlJson<FleetView>(bed, ["get", "meetingfleet", "demo", "-n", namespace]);
    const screen = render(fleet, await emulatedBridges(bed, namespace), await driverStats(bed), elapsedS, note);
    process.stdout.write(interactive ? `\x1b[2J\x1b[H${screen}\n` : `${screen}\n\n`);
    if (seconds > 0 && elapsedS >= seconds) break;
    await new Promise((r) => setTimeout(r, interactive ? 1_000 : 10_000));
  }
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
