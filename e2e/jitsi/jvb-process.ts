// One real Jitsi Videobridge process for one bridge pod, started the way the jitsi/jvb image starts it:
// the image's jvb.conf and logging.properties rendered by `tpl` from the container's environment, the files
// of a ConfigMap mounted at /config copied beside them (the image's custom-jvb.conf), then java with the
// image's system properties. A test-bed overlay follows the image's config: the bridge binds its HTTP
// servers and media to the pod's own loopback address, SCTP is off (no native library here), STUN is off
// (no traffic leaves this machine), stress follows the packet rate (not the whole machine's CPU).

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdir, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface JitsiBuild {
  /** jitsi-videobridge.jar and lib/ (ice4j with the loopback patch). */
  jvbDir: string;
  /** docker-jitsi-meet's jvb/ root (defaults/jvb.conf, defaults/logging.properties). */
  imageRoot: string;
  tpl: string;
}

export interface TestBedSettings {
  statsInterval: string;
  shuttingDownDelay: string;
  heap: string;
}

/** HOCON appended after the image's config (and so after its custom-jvb.conf). */
export function testBedOverlay(podIP: string, settings: TestBedSettings): string {
  return `
# --- test-bed overlay (meetingfleet e2e/jitsi/jvb-process.ts) ---
videobridge.http-servers.private.host = "${podIP}"
videobridge.http-servers.public.host = "${podIP}"
videobridge.sctp.enabled = false
videobridge.health.require-valid-address = false
videobridge.stats.interval = ${settings.statsInterval}
videobridge.shutdown.shutting-down-delay = ${settings.shuttingDownDelay}
videobridge.load-management.load-measurements.load-measurement = "packet-rate"
ice4j.harvest.allowed-addresses = [ "${podIP}" ]
ice4j.harvest.mapping.stun.enabled = false
ice4j.harvest.mapping.stun.addresses = []
ice4j.harvest.mapping.aws.enabled = false
`;
}

/** The environment the image's scripts see: the container's, plus what its start script derives. */
export function imageEnv(containerEnv: Record<string, string>, pod: { name: string; ip: string }): Record<string, string> {
  return { ...containerEnv, HOSTNAME: pod.name, LOCAL_ADDRESS: pod.ip, JVB_INSTANCE_ID: containerEnv.JVB_INSTANCE_ID ?? pod.name };
}

export async function renderConfig(
  build: JitsiBuild,
  configDir: string,
  env: Record<string, string>,
  mountedFiles: Record<string, string>,
  overlay: string,
): Promise<void> {
  await mkdir(configDir, { recursive: true });
  for (const [file, content] of Object.entries(mountedFiles)) await writeFile(join(configDir, file), content);
  const render = async (template: string) => (await run(build.tpl, [join(build.imageRoot, "defaults", template)], { env })).stdout;
  await writeFile(join(configDir, "jvb.conf"), (await render("jvb.conf")) + overlay);
  await writeFile(join(configDir, "logging.properties"), await render("logging.properties"));
}

/**
 * Starts java in its own process group so that stopping the bridge stops all of it, with the container's
 * environment (as the image's with-contenv does: JVB's config may refer to it, e.g. ${POD_IP}).
 */
export async function spawnJvb(build: JitsiBuild, configDir: string, env: Record<string, string>, heap: string, logFile: string): Promise<ChildProcess> {
  const log = await open(logFile, "a");
  const child = spawn(
    "java",
    [
      `-Xmx${heap}`,
      // Two cores run the whole test bed: a small GC and the client compiler start a bridge faster.
      "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1",
      `-Djava.util.logging.config.file=${join(configDir, "logging.properties")}`,
      `-Dconfig.file=${join(configDir, "jvb.conf")}`,
      `-Dnet.java.sip.communicator.SC_HOME_DIR_LOCATION=${configDir}`,
      "-Dnet.java.sip.communicator.SC_HOME_DIR_NAME=.",
      `-Djava.io.tmpdir=${configDir}`,
      "-Dorg.ice4j.ice.harvest.ALLOW_LOOPBACK=true",
      "-cp",
      `${join(build.jvbDir, "jitsi-videobridge.jar")}:${join(build.jvbDir, "lib", "*")}`,
      "org.jitsi.videobridge.MainKt",
    ],
    { stdio: ["ignore", log.fd, log.fd], detached: true, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env } },
  );
  child.once("exit", () => void log.close());
  return child;
}
