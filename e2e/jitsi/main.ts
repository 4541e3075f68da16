// The real-JVB runner of the test bed (BRIDGES=jvb): follows bridge pods through the API server and runs a
// real Jitsi Videobridge for each (see jvb-pods.ts), and serves the test bed's control API, whose load
// scripts and traces synthetic participants play through Prosody and Jicofo (meetings.ts).
// Started by `BRIDGES=jvb make cluster-up`.

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { pino } from "pino";
import { z } from "zod";
import { connect, resourcePath } from "../../operator/src/kube/client.ts";
import { Reflector } from "../../operator/src/kube/reflector.ts";
import type { Pod } from "../../operator/src/kube/types.ts";
import { parseFlagsOrExit } from "../../operator/src/util/flags.ts";
import { serveControl } from "../emulator/control-http.ts";
import { bridgePodSelector } from "../emulator/pod-bridges.ts";
import { JvbPods } from "./jvb-pods.ts";
import { MeetingDriver } from "./meetings.ts";

const run = promisify(execFile);

const flagsSchema = z.object({
  kubeconfig: z.string().optional(),
  "jvb-dir": z.string(),
  "image-root": z.string(),
  tpl: z.string(),
  "state-dir": z.string(),
  "stats-interval": z.string().default("1 second"),
  "shutting-down-delay": z.string().default("2 seconds"),
  heap: z.string().default("384m"),
  "control-address": z
    .string()
    .regex(/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}:\d{1,5}$/, "must be a loopback address and port")
    .default("127.0.0.1:9080"),
  "xmpp-port": z.coerce.number().int().min(1).max(65535).default(5222),
  "log-level": z.enum(["debug", "info", "warn", "error"]).default("info"),
});

const usage = `usage: node e2e/jitsi/main.ts --jvb-dir DIR --image-root DIR --tpl PATH --state-dir DIR [flags]
  --kubeconfig PATH               cluster to follow (default: $KUBECONFIG)
  --jvb-dir DIR                   jitsi-videobridge.jar and lib/ (e2e/testbed/jitsi/build.sh)
  --image-root DIR                docker-jitsi-meet's jvb/rootfs (defaults/jvb.conf)
  --tpl PATH                      the images' template renderer
  --state-dir DIR                 one config directory and log per bridge
  --stats-interval "1 second"     videobridge.stats.interval (JVB: 5 seconds)
  --shutting-down-delay "2 seconds"  videobridge.shutdown.shutting-down-delay (JVB: 1 minute)
  --heap 384m                     each JVB's -Xmx
  --control-address 127.0.0.1:PORT  the control API (load scripts, traces, driver figures)
  --xmpp-port 5222                Prosody's client port on 127.0.0.1, for the synthetic participants`;

/** Puts a pod's address on lo (ice4j harvests only addresses an interface has) and takes it off again. */
const loopback = {
  async add(ip: string) {
    await run("ip", ["addr", "replace", `${ip}/32`, "dev", "lo"]);
  },
  async remove(ip: string) {
    await run("ip", ["addr", "del", `${ip}/32`, "dev", "lo"]);
  },
};

async function main(): Promise<void> {
  const flags = parseFlagsOrExit("jvb-runner", flagsSchema, usage);
  const log = pino({ name: "jvb-runner", level: flags["log-level"] });
  const kube = connect(flags.kubeconfig);
  const jvbs = new JvbPods({
    build: { jvbDir: flags["jvb-dir"], imageRoot: flags["image-root"], tpl: flags.tpl },
    settings: { statsInterval: flags["stats-interval"], shuttingDownDelay: flags["shutting-down-delay"], heap: flags.heap },
    stateDir: flags["state-dir"],
    async secret(namespace, name, key) {
      const secret = await kube.get<{ data?: Record<string, string> }>(resourcePath({ version: "v1", plural: "secrets", namespace, name }));
      const value = secret?.data?.[key];
      return value === undefined ? undefined : Buffer.from(value, "base64").toString("utf8");
    },
    async configMap(namespace, name) {
      const map = await kube.get<{ data?: Record<string, string> }>(resourcePath({ version: "v1", plural: "configmaps", namespace, name }));
      return map ? (map.data ?? {}) : undefined;
    },
    async patchPodStatus(namespace, name, status) {
      await kube.patch(resourcePath({ version: "v1", plural: "pods", namespace, name, subresource: "status" }), { status }, "jvb-runner");
    },
    loopback,
    log,
  });
  const reflector = new Reflector(kube.source<Pod>(resourcePath({ version: "v1", plural: "pods" }), bridgePodSelector), jvbs, {
    onError: (error) => log.warn({ err: String(error) }, "Pod watch failed; retrying"),
  });
  reflector.start();
  let synced = false;
  void reflector.synced.then(() => {
    synced = true;
    log.info({ server: kube.server }, "Pod watch synced");
  });
  const driver = new MeetingDriver({
    service: `xmpp://127.0.0.1:${flags["xmpp-port"]}`,
    domain: "meet.jitsi",
    mucDomain: "muc.meet.jitsi",
    focus: "focus.meet.jitsi",
  });
  const [host = "127.0.0.1", port = "9080"] = flags["control-address"].split(":");
  const control = await serveControl({ driver, bridgeRows: () => jvbs.list(), ready: () => synced }, host, Number(port));

  const shutdown = async (signal: string) => {
    log.info({ signal, bridges: jvbs.list().length }, "Stopping JVB runner");
    reflector.stop();
    driver.stopLoad();
    await driver.endAll();
    control.close();
    control.closeAllConnections();
    await jvbs.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

void main();
