// The meetingfleet operator: `make run` (or the container's entry point). Flags are checked before
// anything starts; a bad flag is a clear error and exit code 2.

import os from "node:os";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { z } from "zod";
import { httpJvbClient } from "./bridges/jvb-client.ts";
import { StatsScraper } from "./bridges/scraper.ts";
import { kubeEventRecorder } from "./controller/events.ts";
import { FleetController } from "./controller/fleet-controller.ts";
import { connect } from "./kube/client.ts";
import { serveHealth } from "./runtime/http-server.ts";
import { createMetrics } from "./runtime/metrics.ts";
import { parseDuration } from "./util/duration.ts";
import { describeZodError } from "./util/zod-error.ts";

const duration = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

const flagsSchema = z.object({
  kubeconfig: z.string().optional(),
  namespace: z.string().min(1).optional(),
  "listen-address": z.string().regex(/^[\d.]+:\d{1,5}$/, "must be host:port, e.g. 0.0.0.0:8080").default("0.0.0.0:8080"),
  "bridge-port": z.coerce.number().int().min(1).max(65535).default(8080),
  "scrape-interval": duration.prefault("5s"),
  "stale-after": duration.prefault("15s"),
  "scrape-concurrency": z.coerce.number().int().min(1).max(1000).default(64),
  resync: duration.prefault("30s"),
  "drain-settle": duration.prefault("15s"),
  workers: z.coerce.number().int().min(1).max(32).default(4),
  "log-level": z.enum(["debug", "info", "warn", "error"]).default("info"),
});

const usage = `usage: node operator/src/main.ts [flags]
  --kubeconfig PATH          cluster (default: $KUBECONFIG, then in-cluster)
  --namespace NS             watch only NS (default: all namespaces)
  --listen-address H:P       /healthz, /readyz, /metrics (default 0.0.0.0:8080)
  --bridge-port 8080         JVB REST port on each bridge pod
  --scrape-interval 5s       how often each bridge's /colibri/stats is read
  --stale-after 15s          figures older than this are unknown
  --scrape-concurrency 64    bridges read at once
  --resync 30s               reconcile every fleet at least this often
  --drain-settle 15s         after drain starts, how long Jicofo may still place a conference there
  --workers 4                fleets reconciled in parallel
  --log-level info`;

function parseFlags(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: Object.fromEntries(Object.keys(flagsSchema.shape).map((name) => [name, { type: "string" as const }])),
  });
  return flagsSchema.parse(values);
}

async function main(): Promise<void> {
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`operator: ${error instanceof z.ZodError ? describeZodError(error) : (error as Error).message}\n${usage}\n`);
    process.exit(2);
  }
  const log = pino({ name: "meetingfleet-operator", level: flags["log-level"] });
  const kube = connect(flags.kubeconfig);
  const metrics = createMetrics();
  const identity = process.env.POD_NAME ?? os.hostname();
  const events = kubeEventRecorder(kube, "meet.meetingfleet.dev/operator", identity, (error) => log.warn({ err: String(error) }, "Failed to write an event"));
  const jvb = httpJvbClient(flags["bridge-port"]);

  let controller: FleetController | undefined;
  const scraper = new StatsScraper(
    jvb,
    { intervalMs: flags["scrape-interval"], staleAfterMs: flags["stale-after"], concurrency: flags["scrape-concurrency"] },
    {
      changed: (fleetKey) => controller?.figuresChanged(fleetKey),
      scraped: (ms, ok) => {
        metrics.scrapeDuration.observe(ms / 1000);
        if (!ok) metrics.scrapeErrors.inc();
      },
    },
  );
  controller = new FleetController(
    { kube, jvb, scraper, events, metrics, log },
    { resyncMs: flags.resync, workers: flags.workers, drainSettleMs: flags["drain-settle"], ...(flags.namespace ? { namespace: flags.namespace } : {}) },
  );

  let ready = false;
  const [host = "0.0.0.0", port = "8080"] = flags["listen-address"].split(":");
  const server = await serveHealth({ host, port: Number(port) }, metrics.registry, () => ready);
  log.info({ server: kube.server, listen: flags["listen-address"], namespace: flags.namespace ?? "(all)" }, "Operator starting");

  const shutdown = (signal: string) => {
    log.info({ signal }, "Operator stopping");
    controller?.stop();
    scraper.stop();
    server.close();
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));

  scraper.start();
  metrics.leader.set(1);
  const running = controller.run();
  ready = true;
  await running;
}

void main();
