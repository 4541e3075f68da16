// What an e2e test knows about the cluster it runs on: read from the env file `make cluster-up` wrote
// (.testbed/env, or $TESTBED_DIR/env). CLUSTER=local is the built-in test bed with the bridge
// emulator; CLUSTER=kind is a kind cluster running real jitsi/jvb images.

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { isDeepStrictEqual, promisify } from "node:util";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");

export interface Testbed {
  cluster: "local" | "kind";
  dir: string;
  kubeconfig: string;
  kubectlPath: string;
  /** Local test bed with emulated bridges only: the bridge emulator's control API (its /bridges rows). */
  emulatorUrl?: string;
  /** Local test bed: the control API whose load scripts and traces play meetings (emulated or real participants). */
  driverUrl?: string;
  /** Local test bed only: pod IPs come from this 127.x block. */
  podCidr?: string;
  /** What answers on a bridge pod: the emulator, or a real JVB (BRIDGES=jvb; on kind, always real). */
  bridges: "emulator" | "jvb";
  /** BRIDGES=jvb only: the real signaling loop. */
  jitsi?: { xmppPort: number; jicofoUrl: string; jvbPassword: string; externalIpPrefix: string };
}

/** The running test bed in `dir` (default: TESTBED_DIR's). */
export function testbed(dir = process.env.TESTBED_DIR ?? path.join(root, ".testbed")): Testbed {
  let text: string;
  try {
    text = readFileSync(path.join(dir, "env"), "utf8");
  } catch {
    throw new Error(`no test bed at ${dir}: run \`make cluster-up\` first (or use \`make test\`)`);
  }
  const env = Object.fromEntries(
    text
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  const cluster = env.CLUSTER === "kind" ? "kind" : "local";
  const bridges = cluster === "kind" || env.BRIDGES === "jvb" ? "jvb" : "emulator";
  const bed: Testbed = { cluster, dir, kubeconfig: path.join(dir, "kubeconfig"), kubectlPath: env.KUBECTL ?? "kubectl", bridges };
  if (env.EMULATOR_PORT && cluster === "local") bed.driverUrl = `http://127.0.0.1:${env.EMULATOR_PORT}`;
  if (bed.driverUrl && bridges === "emulator") bed.emulatorUrl = bed.driverUrl;
  if (env.BRIDGES === "jvb") {
    const passwords = readFileSync(path.join(dir, "jitsi", "passwords.env"), "utf8");
    bed.jitsi = {
      xmppPort: Number(env.XMPP_PORT),
      jicofoUrl: `http://127.0.0.1:${env.JICOFO_PORT}`,
      jvbPassword: /^JVB_PASSWORD=(.*)$/m.exec(passwords)?.[1] ?? "",
      externalIpPrefix: env.EXTERNAL_IP_PREFIX ?? "",
    };
  }
  if (env.POD_CIDR) bed.podCidr = env.POD_CIDR;
  return bed;
}

/**
 * `describe` for suites that need the bridge emulator (its conference driver at scale, its /bridges rows,
 * fleets whose bridges sign in to no real Prosody): with real bridges (BRIDGES=jvb, kind) they are skipped,
 * and their name says why.
 */
export function withEmulator(bed: Testbed): (name: string, body: () => void) => void {
  if (bed.emulatorUrl) return describe;
  return (name, body) => describe.skip(`${name} (skipped with real bridges: needs the bridge emulator)`, body);
}

export class KubectlError extends Error {
  readonly stderr: string;
  constructor(args: string[], stderr: string) {
    super(`kubectl ${args.join(" ")} failed: ${stderr.trim()}`);
    this.stderr = stderr;
  }
}

export async function kubectl(bed: Testbed, args: string[], input?: string): Promise<string> {
  const child = run(bed.kubectlPath, ["--kubeconfig", bed.kubeconfig, ...args], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (input !== undefined) child.child.stdin?.end(input);
  try {
    return (await child).stdout;
  } catch (error) {
    throw new KubectlError(args, (error as { stderr?: string }).stderr ?? String(error));
  }
}

export async function kubectlJson<T>(bed: Testbed, args: string[]): Promise<T> {
  return JSON.parse(await kubectl(bed, [...args, "-o", "json"])) as T;
}

export async function apply(bed: Testbed, manifest: object): Promise<void> {
  await kubectl(bed, ["apply", "-f", "-"], JSON.stringify(manifest));
}

/** Polls until `check` returns a value other than undefined/false, or fails with the last reason. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Reads until the value equals `expected` and returns it; when the time is up, returns the last value read, so
 * the caller's own expect fails with the difference. For what the API server applies behind an answered write,
 * such as RBAC objects reaching the authorizer's cache.
 */
export async function settled<T>(read: () => Promise<T>, expected: T, timeoutMs = 30_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (isDeepStrictEqual(value, expected) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Waits for a CRD to be served. Not `kubectl wait --for=condition=Established`: right after an apply the
 * CRD may have no conditions yet, and kubectl then fails at once instead of waiting (seen on a busy machine).
 */
export async function waitEstablished(bed: Testbed, crd: string): Promise<void> {
  await eventually(
    `CRD ${crd} established`,
    async () => (await kubectl(bed, ["get", "crd", crd, "-o", 'jsonpath={.status.conditions[?(@.type=="Established")].status}'])).trim() === "True",
  );
}

export async function createNamespace(bed: Testbed, prefix: string): Promise<string> {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  await kubectl(bed, ["create", "namespace", name]);
  await eventually(
    `default service account in ${name}`,
    async () => (await kubectl(bed, ["get", "serviceaccount", "default", "-n", name]).catch(() => "")) !== "",
  );
  return name;
}

export async function deleteNamespace(bed: Testbed, name: string): Promise<void> {
  await kubectl(bed, ["delete", "namespace", name, "--wait=false", "--ignore-not-found"]);
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base = "", bitsText = "32"] = cidr.split("/");
  const toInt = (a: string) => a.split(".").reduce((acc, octet) => (acc << 8) + Number(octet), 0) >>> 0;
  const bits = Number(bitsText);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (toInt(ip) & mask) === (toInt(base) & mask);
}

/** The same cluster seen with only a bearer token: no client certificate of the admin rides along. */
export async function asToken(bed: Testbed, token: string): Promise<Testbed> {
  const config = JSON.parse(await kubectl(bed, ["config", "view", "--minify", "--raw", "-o", "json"])) as {
    clusters: Array<{ name: string; cluster: object }>;
  };
  const cluster = config.clusters[0];
  if (!cluster) throw new Error("kubeconfig has no cluster");
  const kubeconfig = path.join(await mkdtemp(path.join(tmpdir(), "e2e-token-")), "kubeconfig");
  await writeFile(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [cluster],
      users: [{ name: "token", user: { token } }],
      contexts: [{ name: "token", context: { cluster: cluster.name, user: "token" } }],
      "current-context": "token",
    }),
    { mode: 0o600 },
  );
  return { ...bed, kubeconfig };
}

/** A Deployment manifest: `labels` select its pods and label them. */
export function deployment(name: string, namespace: string, replicas: number, labels: Record<string, string>, podSpec: object) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
  };
}

/** A TCP port free on 127.0.0.1 right now, for a process the test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}
