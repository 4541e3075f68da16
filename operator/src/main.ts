// The meetingfleet operator: `make run` (or the container's entry point). Flags are checked before
// anything starts; a bad flag is a clear error and exit code 2.

import os from "node:os";
import { pino } from "pino";
import { z } from "zod";
import { httpJvbClient } from "./bridges/jvb-client.ts";
import { StatsScraper } from "./bridges/scraper.ts";
import { kubeEventRecorder } from "./controller/events.ts";
import { FleetController } from "./controller/fleet-controller.ts";
import { connect } from "./kube/client.ts";
import { fencedJvb, fencedKube } from "./leader/fence.ts";
import { LeaderElector } from "./leader/lease.ts";
import { serveHealth } from "./runtime/http-server.ts";
import { createMetrics } from "./runtime/metrics.ts";
import { durationFlag, parseFlagsOrExit } from "./util/flags.ts";

const duration = durationFlag;

const flagsSchema = z
  .object({
    kubeconfig: z.string().optional(),
    namespace: z
      .string()
      .regex(/^[a-z0-9-]+(,[a-z0-9-]+)*$/, "must be a namespace or a comma-separated list of them")
      .transform((v) => v.split(","))
      .optional(),
    "listen-address": z
      .string()
      .regex(/^[\d.]+:\d{1,5}$/, "must be host:port, e.g. 0.0.0.0:8080")
      .default("0.0.0.0:8080"),
    "bridge-port": z.coerce.number().int().min(1).max(65535).default(8080),
    "scrape-interval": duration.prefault("5s"),
    "stale-after": duration.prefault("15s"),
    "scrape-concurrency": z.coerce.number().int().min(1).max(1000).default(64),
    resync: duration.prefault("30s"),
    "drain-settle": duration.prefault("15s"),
    "directory-report-interval": duration.prefault("5s"),
    workers: z.coerce.number().int().min(1).max(32).default(4),
    "leader-elect": z
      .enum(["true", "false"])
      .default("true")
      .transform((v) => v === "true"),
    "leader-election-namespace": z
      .string()
      .min(1)
      .default(process.env.POD_NAMESPACE ?? "default"),
    "leader-election-id": z.string().min(1).default("meetingfleet-operator"),
    "lease-duration": duration.prefault("10s"),
    "renew-deadline": duration.prefault("7s"),
    "retry-period": duration.prefault("2s"),
    "log-level": z.enum(["debug", "info", "warn", "error"]).default("info"),
  })
  // A leader steps down at its renew deadline; a standby takes over a lease duration after the last renewal.
  .refine((f) => f["renew-deadline"] < f["lease-duration"], {
    path: ["renew-deadline"],
    message: "must be shorter than --lease-duration, so that a leader has stopped before a standby may take over",
  })
  .refine((f) => f["retry-period"] < f["renew-deadline"], { path: ["retry-period"], message: "must be shorter than --renew-deadline" });

const usage = `usage: node operator/src/main.ts [flags]
  --kubeconfig PATH          cluster (default: $KUBECONFIG, then in-cluster)
  --namespace NS[,NS...]     watch only these namespaces (default: all namespaces)
  --listen-address H:P       /healthz, /readyz, /metrics (default 0.0.0.0:8080)
  --bridge-port 8080         JVB REST port on each bridge pod
  --scrape-interval 5s       how often each bridge's /colibri/stats is read
  --stale-after 15s          figures older than this are unknown
  --scrape-concurrency 64    bridges read at once
  --resync 30s               reconcile every fleet at least this often
  --drain-settle 15s         after drain starts, how long Jicofo may still place a conference there
  --directory-report-interval 5s   how often fleets with spec.directory report their load to it
  --workers 4                fleets reconciled in parallel
  --leader-elect true        run only while holding the Lease (run two replicas, one active)
  --leader-election-namespace NS   where the Lease lives (default: $POD_NAMESPACE, else default)
  --leader-election-id meetingfleet-operator
  --lease-duration 10s --renew-deadline 7s --retry-period 2s
  --log-level info`;

async function main(): Promise<void> {
  const flags = parseFlagsOrExit("operator", flagsSchema, usage);
  const log = pino({ name: "meetingfleet-operator", level: flags["log-level"] });
  const kube = connect(flags.kubeconfig);
  const metrics = createMetrics();
  // Unique per process: two replicas on one host must not share a lease identity.
  const identity = process.env.POD_NAME ?? `${os.hostname()}-${process.pid}`;
  const elector = flags["leader-elect"]
    ? new LeaderElector(kube, {
        namespace: flags["leader-election-namespace"],
        name: flags["leader-election-id"],
        identity,
        leaseDurationMs: flags["lease-duration"],
        renewDeadlineMs: flags["renew-deadline"],
        retryPeriodMs: flags["retry-period"],
      })
    : undefined;
  // Everything but the election itself writes only while this replica holds the lease.
  const leading = () => elector?.isLeader ?? true;
  const leaderKube = fencedKube(kube, leading);
  const events = kubeEventRecorder(leaderKube, "meet.meetingfleet.dev/operator", identity, (error) =>
    log.warn({ err: String(error) }, "Failed to write an event"),
  );
  const jvb = fencedJvb(httpJvbClient(flags["bridge-port"]), leading);

  const scraper = new StatsScraper(
    jvb,
    { intervalMs: flags["scrape-interval"], staleAfterMs: flags["stale-after"], concurrency: flags["scrape-concurrency"] },
    {
      // The scraper starts only once the controller exists (when leading).
      changed: (fleetKey) => controller.figuresChanged(fleetKey),
      scraped: (ms, ok) => {
        metrics.scrapeDuration.observe(ms / 1000);
        if (!ok) metrics.scrapeErrors.inc();
      },
      round: (ms) => metrics.scrapeRound.observe(ms / 1000),
      readable: (bridge, fleet, error) => {
        if (error)
          log.warn(
            { bridge, fleet, err: String(error) },
            "Cannot read the bridge's stats: its figures are unknown, and it is neither removed nor counted as empty",
          );
        else log.info({ bridge, fleet }, "Bridge's stats readable again");
      },
    },
  );
  const controller = new FleetController(
    { kube: leaderKube, jvb, scraper, events, metrics, log },
    {
      resyncMs: flags.resync,
      workers: flags.workers,
      drainSettleMs: flags["drain-settle"],
      directoryReportIntervalMs: flags["directory-report-interval"],
      namespaces: flags.namespace ?? [],
    },
  );

  let ready = false;
  const [host = "0.0.0.0", port = "8080"] = flags["listen-address"].split(":");
  const server = await serveHealth({ host, port: Number(port) }, metrics.registry, () => ready);
  log.info({ server: kube.server, listen: flags["listen-address"], namespaces: flags.namespace ?? "(all)" }, "Operator starting");

  const lead = () => {
    metrics.leader.set(1);
    log.info({ identity }, "Leading: reconciling fleets");
    scraper.start();
    void controller.run();
  };
  const shutdown = async (signal: string) => {
    log.info({ signal }, "Operator stopping");
    controller.stop();
    scraper.stop();
    elector?.stop();
    await elector?.release();
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  metrics.leader.set(0);
  ready = true; // a standby replica is healthy and ready too
  if (!elector) return lead();
  await elector.run({
    startedLeading: lead,
    // Half-done passes are safe to abandon (every step is idempotent), but two leaders are not: exit now.
    stoppedLeading: (why) => {
      metrics.leader.set(0);
      log.error({ identity, why }, "Lost the leader lease; exiting");
      process.exit(1);
    },
    newLeader: (holder) => log.info({ leader: holder }, "Another replica leads; standing by"),
  });
}

void main();
