// Starts the operator as its own process against the test bed, and stops it by PID. Tests also use
// kill() to SIGKILL it mid-operation and start a fresh one, as a crashed pod would be restarted.

import { readFileSync } from "node:fs";
import path from "node:path";
import { type RunningProcess, startProcess, waitHealthy } from "./process.ts";
import { eventually, freePort, kubectl, type Testbed, waitEstablished } from "./testbed.ts";

const root = path.resolve(import.meta.dirname, "../..");
/** The project's CRDs by plural: MeetingFleets, and the directory's Donors. */
export const crdPlurals = ["meetingfleets", "donors"];

export async function installCrd(bed: Testbed): Promise<void> {
  for (const plural of crdPlurals) {
    await kubectl(bed, ["apply", "--server-side", "--force-conflicts", "-f", path.join(root, `crds/meet.meetingfleet.dev_${plural}.yaml`)]);
    await waitEstablished(bed, `${plural}.meet.meetingfleet.dev`);
  }
}

/** A process's resident memory now and at its peak (Linux), in MiB. */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}

/**
 * A process's peak RSS once it has risen less than `toleranceMiB` over `quietMs`, in MiB: the baseline a growth is
 * measured from. A fresh Node process keeps growing for tens of seconds (code compiled, pages of its binary
 * touched, the heap sized), longer on a busy machine, and then still by a page now and then; a baseline taken
 * during the climb would count it as growth.
 */
export async function settledPeakMiB(pid: number, quietMs = 10_000, toleranceMiB = 1, withinMs = 120_000): Promise<number> {
  let mark = { peak: memoryMiB(pid).peak, since: Date.now() };
  return eventually(
    `the peak RSS of process ${pid} (${Math.round(mark.peak)} MiB at first) rising less than ${toleranceMiB} MiB in ${quietMs} ms`,
    async () => {
      const peak = memoryMiB(pid).peak;
      if (peak - mark.peak >= toleranceMiB) mark = { peak, since: Date.now() };
      return Date.now() - mark.since >= quietMs && peak;
    },
    withinMs,
    1_000,
  );
}

/** Node's flags as the chart deploys the operator (its NODE_OPTIONS: the heap caps), so memory is measured as it runs. */
export function chartNodeArgs(): string[] {
  const manifests = readFileSync(path.join(root, "charts/manifests/meetingfleet-operator.yaml"), "utf8");
  const options = /name: NODE_OPTIONS\s+value: "([^"]*)"/.exec(manifests)?.[1];
  if (!options) throw new Error("charts/manifests/meetingfleet-operator.yaml sets no NODE_OPTIONS for the operator");
  return options.split(" ").filter(Boolean);
}

export interface RunningOperator extends RunningProcess {
  metricsUrl: string;
  /** What its /metrics serves now. */
  metrics(): Promise<string>;
  /** Whether this replica holds the leader lease, from its own metrics. */
  leading(): Promise<boolean>;
}

/** The operator as its own process; `namespaces` limits it to those (its own suite's), so suites never see each other's fleets. */
export async function startOperator(
  bed: Testbed,
  name = "operator",
  namespaces: string[] = [],
  /** lease "operator-defaults": the operator's own lease timings (10 s / 7 s / 2 s) rather than the tests' short ones. */
  /** nodeArgs: Node's own flags (before the script), e.g. the chart's heap settings. */
  options: { waitReady?: boolean; lease?: "short" | "operator-defaults"; extraArgs?: string[]; nodeArgs?: string[] } = {},
): Promise<RunningOperator> {
  const port = await freePort();
  const operator = startProcess(bed, name, process.execPath, [
    ...(options.nodeArgs ?? []),
    path.join(root, "operator/src/main.ts"),
    "--kubeconfig",
    bed.kubeconfig,
    "--listen-address",
    `127.0.0.1:${port}`,
    "--scrape-interval",
    "1s",
    "--stale-after",
    "4s",
    "--resync",
    "5s",
    "--drain-settle",
    "3s",
    "--leader-election-id",
    "meetingfleet-e2e",
    // Short lease timings, so a failover takes seconds in the tests. A leader steps down when no renewal
    // succeeded for its renew deadline, also when its own process was stalled that long: 5 s rides out the
    // stalls of a test bed sharing 2 cores with another (3 s once stopped a lone operator mid-suite).
    ...(options.lease === "operator-defaults" ? [] : ["--lease-duration", "6s", "--renew-deadline", "5s", "--retry-period", "500ms"]),
    ...(namespaces.length > 0 ? ["--namespace", namespaces.join(",")] : []),
    // Last, so that they win over the tests' timings above.
    ...(options.extraArgs ?? []),
  ]);
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  // A replica started while the API is away is not ready until it returns: a Deployment starts it all the same.
  if (options.waitReady !== false) await waitHealthy(operator, "operator", `http://127.0.0.1:${port}/readyz`);
  const metrics = async () => (await fetch(metricsUrl)).text();
  const leading = async () => /^meetingfleet_leader 1$/m.test(await metrics());
  return { ...operator, metricsUrl, metrics, leading };
}
