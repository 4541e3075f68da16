// The demo's script and live view: a MeetingFleet run by the operator's autoscaler under two waves of
// conferences placed by the simulated Jicofo (waves.ts). The fleet grows from the bridges' live stress,
// shrinks by draining the bridges with the fewest conferences (each goes when its meetings end), and
// when the second wave comes, undrains a draining bridge before it starts a new one. The operator's own
// Events say why at each step.

import type { DriverStats } from "../emulator/driver.ts";
import { type BridgeRow, driverStats, emulatedBridges, postLoad } from "../support/emulator.ts";
import { installCrd } from "../support/operator.ts";
import { apply, eventually, kubectl, kubectlJson, type Testbed, testbed } from "../support/testbed.ts";
import { demoWaves, wavesTrace } from "./waves.ts";

const namespace = "meetingfleet-demo";
const seconds = Number(process.env.DEMO_SECONDS ?? 240);
const interactive = process.stdout.isTTY;
const [firstWave, secondWave] = demoWaves;
const phases: Array<{ fromS: number; note: string }> = [
  {
    fromS: 0,
    note: `load: a wave of ${firstWave!.meetings} meetings rises to about 400 participants in a minute; the autoscaler adds bridges from their live stress`,
  },
  {
    fromS: firstWave!.toS,
    note: "no new meetings: as the wave ebbs the autoscaler drains the bridges with the fewest conferences; each goes when its meetings end",
  },
  {
    fromS: secondWave!.fromS,
    note: `a second wave of ${secondWave!.meetings} meetings: draining bridges still hold meetings and a warm JVM, so they are undrained before any new one starts`,
  },
  { fromS: secondWave!.toS + 10, note: "the second wave ebbs too: the fleet drains back down towards minReplicas, each bridge deleted only once empty" },
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

interface EventList {
  items: Array<{ eventTime?: string; metadata: { creationTimestamp?: string }; reason: string; note?: string; regarding?: { name?: string; kind?: string } }>;
}

/** The operator's latest Events about the fleet (a drain or deletion names its bridge): why it scaled, drained or deleted. */
async function latestEvents(bed: Testbed, count: number): Promise<string[]> {
  const list = await kubectlJson<EventList>(bed, ["get", "events.events.k8s.io", "-n", namespace]);
  const at = (e: EventList["items"][number]) => e.eventTime ?? e.metadata.creationTimestamp ?? "";
  return list.items
    .filter((e) => e.regarding?.kind === "MeetingFleet")
    .sort((a, b) => at(a).localeCompare(at(b)))
    .slice(-count)
    .map((e) => `  ${at(e).slice(11, 19)} ${e.reason}: ${e.note ?? ""}`);
}

/** The driver counts from its own start; a test bed kept from an earlier run (DEMO_KEEP=1) has counted already. */
function since(baseline: DriverStats, now: DriverStats): DriverStats {
  return {
    ...now,
    conferencesStarted: now.conferencesStarted - baseline.conferencesStarted,
    conferencesEnded: now.conferencesEnded - baseline.conferencesEnded,
    conferencesRefused: now.conferencesRefused - baseline.conferencesRefused,
    interrupted: now.interrupted - baseline.interrupted,
  };
}

function render(fleet: FleetView, rows: BridgeRow[], stats: DriverStats, events: string[], elapsedS: number, note: string): string {
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
        [
          r.pod.padEnd(13),
          r.ip.padEnd(15),
          (phase.get(r.pod) ?? "-").padEnd(13),
          r.state.padEnd(18),
          (r.drain ? "yes" : "no").padEnd(6),
          String(r.conferences).padStart(5),
          String(r.participants).padStart(7),
          ` ${r.stress.toFixed(2)} ${bar(r.stress)}`,
        ].join(" "),
      ),
    "",
    `conferences running ${stats.activeConferences}, participants ${stats.participants}, started ${stats.conferencesStarted}, ended ${stats.conferencesEnded}, refused ${stats.conferencesRefused}`,
    `interrupted conferences: ${stats.interrupted}`,
    note,
    "",
    "the operator's latest Events (kubectl get events -n meetingfleet-demo):",
    ...events,
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
      replicas: 1,
      minReplicas: 1,
      maxReplicas: 12,
      drainDeadline: "10m",
      // The demo compresses a day into minutes: 20 s of lower demand, not 10 min, before a bridge is drained.
      autoscaling: { scaleDownWindow: "20s" },
      signaling: { xmppServer: "prosody.demo.invalid", authPasswordSecretRef: { name: "jvb-xmpp" } },
      media: { exposure: "NodePort", nodePortRange: { start: 30500, end: 30549 } },
    },
  });
  await eventually(
    "the operator to bring the fleet up",
    async () =>
      (await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/demo", "-n", namespace, "--timeout=5s"]).then(
        () => true,
        () => false,
      )) || undefined,
    90_000,
  );
  const baseline = await driverStats(bed);
  await postLoad(bed, namespace, { trace: wavesTrace(demoWaves) });

  const start = Date.now();
  for (;;) {
    const elapsedS = Math.round((Date.now() - start) / 1000);
    const note = phases.filter((p) => elapsedS >= p.fromS).at(-1)!.note;
    const fleet = await kubectlJson<FleetView>(bed, ["get", "meetingfleet", "demo", "-n", namespace]);
    const screen = render(fleet, await emulatedBridges(bed, namespace), since(baseline, await driverStats(bed)), await latestEvents(bed, 6), elapsedS, note);
    process.stdout.write(interactive ? `\x1b[2J\x1b[H${screen}\n` : `${screen}\n\n`);
    if (seconds > 0 && elapsedS >= seconds) break;
    await new Promise((r) => setTimeout(r, interactive ? 1_000 : 10_000));
  }
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
