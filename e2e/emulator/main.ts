// The bridge emulator: follows bridge pods through the API server, serves JVB's REST API on each pod
// IP, and drives conferences onto the bridges like Jicofo. Run by `make cluster-up`; see README.md.

import { readFileSync } from "node:fs";
import { pino } from "pino";
import { z } from "zod";
import { connect, resourcePath } from "../../operator/src/kube/client.ts";
import { Reflector } from "../../operator/src/kube/reflector.ts";
import type { Pod } from "../../operator/src/kube/types.ts";
import { durationFlag, parseFlagsOrExit } from "../../operator/src/util/flags.ts";
import { jvbDefaults } from "./bridge.ts";
import { systemClock } from "./clock.ts";
import { serveControl, startLoad } from "./control-http.ts";
import { ConferenceDriver } from "./driver.ts";
import { bridgePodSelector, bridgeRows, PodBridges } from "./pod-bridges.ts";
import { parseTrace } from "./trace.ts";

const duration = durationFlag;
const loopbackAddress = z.string().regex(/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}:\d{1,5}$/, "must be a loopback address and port, e.g. 127.0.0.1:9080");

const flagsSchema = z.object({
  kubeconfig: z.string().optional(),
  namespace: z.string().optional(),
  "control-address": loopbackAddress.default("127.0.0.1:9080"),
  "bridge-port": z.coerce.number().int().min(1).max(65535).default(8080),
  "stats-interval": duration.prefault(`${jvbDefaults.statsIntervalMs}ms`),
  "shutting-down-delay": duration.prefault("1m"),
  "graceful-shutdown-max-duration": duration.prefault("24h"),
  "time-scale": z.coerce.number().positive().default(1),
  trace: z.string().optional(),
  load: z.string().optional(),
  "log-level": z.enum(["debug", "info", "warn", "error"]).default("info"),
});

const usage = `usage: node e2e/emulator/main.ts [flags]
  --kubeconfig PATH                 cluster to follow (default: $KUBECONFIG)
  --namespace NS                    only bridge pods in NS (default: all namespaces)
  --control-address 127.0.0.1:PORT  control API (default 127.0.0.1:9080)
  --bridge-port PORT                JVB REST port on each pod IP (default 8080)
  --stats-interval 5s               how often a bridge regenerates /colibri/stats (JVB: 5s)
  --shutting-down-delay 1m          SHUTTING_DOWN to exit (JVB: 1m)
  --graceful-shutdown-max-duration 24h
  --time-scale N                    replay traces N times faster
  --trace FILE                      replay a trace CSV from the start (checked before anything starts)
  --load JSON                       start a load script, e.g. '{"kind":"constant","participants":200}'
  --log-level info`;

async function main(): Promise<void> {
  const flags = parseFlagsOrExit("emulator", flagsSchema, usage);
  let initialLoad: unknown;
  try {
    // Bad input is refused before anything starts.
    if (flags.trace) initialLoad = { trace: readFileSync(flags.trace, "utf8") };
    if (flags.load) initialLoad = JSON.parse(flags.load);
    if (initialLoad && typeof initialLoad === "object" && "trace" in initialLoad) parseTrace(String(initialLoad.trace));
  } catch (error) {
    process.stderr.write(`emulator: ${(error as Error).message}\n${usage}\n`);
    process.exit(2);
  }

  const log = pino({ name: "bridge-emulator", level: flags["log-level"] });
  const kube = connect(flags.kubeconfig);
  const clock = systemClock;
  const bridges: PodBridges = new PodBridges({
    patchPodStatus: async (namespace, name, status) => {
      await kube.patch(resourcePath({ version: "v1", plural: "pods", namespace, name, subresource: "status" }), { status }, "bridge-emulator");
    },
    bridgeGone: (id) => driver.bridgeGone(id),
    clock,
    port: flags["bridge-port"],
    bridgeSettings: {
      ...jvbDefaults,
      statsIntervalMs: flags["stats-interval"],
      shuttingDownDelayMs: flags["shutting-down-delay"],
      gracefulShutdownMaxDurationMs: flags["graceful-shutdown-max-duration"],
    },
    log,
  });
  const driver = new ConferenceDriver(bridges, clock, { timeScale: flags["time-scale"] });
  const pods = resourcePath({ version: "v1", plural: "pods", ...(flags.namespace ? { namespace: flags.namespace } : {}) });
  const reflector = new Reflector(kube.source<Pod>(pods, bridgePodSelector), bridges, {
    onError: (error) => log.warn({ err: String(error) }, "Pod watch failed; retrying"),
  });
  let synced = false;
  reflector.start();
  void reflector.synced.then(() => {
    synced = true;
    log.info({ server: kube.server, bridges: [...bridges.bridges()].length }, "Pod watch synced");
  });

  const [host = "127.0.0.1", port = "9080"] = flags["control-address"].split(":");
  const control = await serveControl(
    { driver, bridgeRows: () => bridgeRows(bridges), ready: () => synced, setFault: (namespace, pod, fault) => bridges.setFault(namespace, pod, fault) },
    host,
    Number(port),
  );
  log.info({ address: flags["control-address"] }, "Control API listening");
  if (initialLoad) log.info(startLoad(driver, initialLoad), "Started initial load");

  const shutdown = async (signal: string) => {
    log.info({ signal }, "Stopping emulator");
    reflector.stop();
    driver.shutdown();
    control.close();
    control.closeAllConnections();
    await bridges.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

void main();
