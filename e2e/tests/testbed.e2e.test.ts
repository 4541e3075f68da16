// The test bed itself: a real control plane whose nodes, scheduling, pod lifecycle, garbage
// collection and RBAC behave as Kubernetes does. Runs on the local test bed and on kind.

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { jest } from "@jest/globals";
import type { Pod } from "../../operator/src/kube/types.ts";
import {
  apply,
  asToken,
  createNamespace,
  deleteNamespace,
  deployment,
  eventually,
  inCidr,
  KubectlError,
  kubectl,
  kubectlJson,
  testbed,
  withEmulator,
} from "../support/testbed.ts";

jest.setTimeout(120_000);
const bed = testbed();
let namespace: string;

beforeAll(async () => {
  namespace = await createNamespace(bed, "e2e-testbed");
});
afterAll(async () => {
  await deleteNamespace(bed, namespace);
});

interface Node {
  metadata: { name: string; labels: Record<string, string> };
  status: { conditions: Array<{ type: string; status: string }>; addresses: Array<{ type: string; address: string }> };
}

test("at least three nodes are Ready, spread over zones of one region", async () => {
  const nodes = (await kubectlJson<{ items: Node[] }>(bed, ["get", "nodes"])).items.filter(
    (n) => n.metadata.labels["node-role.kubernetes.io/control-plane"] === undefined,
  );
  expect(nodes.length).toBeGreaterThanOrEqual(3);
  for (const node of nodes) {
    expect(node.status.conditions.find((c) => c.type === "Ready")?.status).toBe("True");
    expect(node.metadata.labels["topology.kubernetes.io/region"]).toBeTruthy();
    expect(node.metadata.labels["topology.kubernetes.io/zone"]).toBeTruthy();
  }
  expect(new Set(nodes.map((n) => n.metadata.labels["topology.kubernetes.io/zone"])).size).toBeGreaterThanOrEqual(3);
  if (bed.cluster === "local") {
    const ips = nodes.map((n) => n.status.addresses.find((a) => a.type === "InternalIP")?.address ?? "");
    expect(ips.every((ip) => ip.startsWith("127."))).toBe(true);
    expect(new Set(ips).size).toBe(ips.length);
  }
});

test("a Deployment's pods are scheduled across nodes and Running with their own IPs", async () => {
  await apply(
    bed,
    deployment(
      "web",
      namespace,
      4,
      { app: "web" },
      {
        containers: [{ name: "web", image: "registry.k8s.io/pause:3.10" }],
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "web" } } },
        ],
      },
    ),
  );
  const pods = await eventually("4 Running web pods", async () => {
    const items = (await kubectlJson<{ items: Pod[] }>(bed, ["get", "pods", "-n", namespace, "-l", "app=web"])).items;
    return items.length === 4 && items.every((p) => p.status?.phase === "Running" && p.status.podIP) ? items : undefined;
  });
  const ips = pods.map((p) => p.status?.podIP ?? "");
  expect(new Set(ips).size).toBe(4);
  expect(new Set(pods.map((p) => p.spec?.nodeName)).size).toBeGreaterThanOrEqual(3);
  if (bed.cluster === "local") {
    for (const ip of ips) expect(inCidr(ip, bed.podCidr ?? "")).toBe(true);
    expect(ips.every((ip) => ip.startsWith("127."))).toBe(true);
  }
});

test("the controller manager garbage-collects a deleted Deployment's pods", async () => {
  await eventually("web pods exist", async () => (await kubectl(bed, ["get", "pods", "-n", namespace, "-l", "app=web", "-o", "name"])).trim() !== "");
  await kubectl(bed, ["delete", "deployment", "web", "-n", namespace, "--wait=false"]);
  await eventually("web pods gone", async () => (await kubectl(bed, ["get", "pods", "-n", namespace, "-l", "app=web", "-o", "name"])).trim() === "");
});

test("RBAC is enforced: a service account without rights is refused, and allowed once granted", async () => {
  await kubectl(bed, ["create", "serviceaccount", "nobody", "-n", namespace]);
  const token = (await kubectl(bed, ["create", "token", "nobody", "-n", namespace, "--duration", "10m"])).trim();
  const nobody = await asToken(bed, token);
  const asNobody = (args: string[]) => kubectl(nobody, args);
  const refusal = await asNobody(["get", "pods", "-n", namespace]).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(refusal).toBeInstanceOf(KubectlError);
  expect((refusal as KubectlError).stderr).toMatch(/forbidden/i);
  expect((refusal as KubectlError).stderr).toContain(`system:serviceaccount:${namespace}:nobody`);

  await kubectl(bed, ["create", "role", "pod-reader", "-n", namespace, "--verb=get,list", "--resource=pods"]);
  await kubectl(bed, ["create", "rolebinding", "nobody-reads", "-n", namespace, "--role=pod-reader", `--serviceaccount=${namespace}:nobody`]);
  await eventually(
    "the granted read to succeed",
    async () =>
      (await asNobody(["get", "pods", "-n", namespace]).then(
        () => true,
        () => false,
      )) || undefined,
    15_000,
  );
  // Still nothing beyond the grant.
  await expect(asNobody(["get", "secrets", "-n", namespace])).rejects.toThrow(/forbidden/i);
});

// Starting and stopping test beds does not depend on the kind of bridge: it runs in the emulator phase.
const localOnly = bed.cluster === "local" ? withEmulator(bed) : describe.skip;
localOnly("local test bed lifecycle", () => {
  const script = path.resolve(import.meta.dirname, "../testbed/cluster.sh");
  const records = "/tmp/meetingfleet-testbeds";

  test("cluster-up is idempotent: a second `up` starts nothing and keeps every PID", async () => {
    const status = async () => (await promisify(execFile)(script, ["status"], { env: { ...process.env, TESTBED_DIR: bed.dir } })).stdout;
    const before = await status();
    const { stderr } = await promisify(execFile)(script, ["up"], { env: { ...process.env, TESTBED_DIR: bed.dir }, timeout: 60_000 });
    expect(stderr).not.toMatch(/started /);
    expect(stderr).toMatch(/ready in/);
    expect(await status()).toBe(before);
    expect(before).not.toMatch(/stopped/);
  });

  test("a failed `up` stops all it started, and the ports it picks lie below the range of outgoing connections", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "meetingfleet-failed-up-"));
    const env = { ...process.env, TESTBED_DIR: dir };
    const up = promisify(execFile)(script, ["up"], { env, timeout: 90_000 }).then(
      () => "up succeeded",
      (error: { stderr?: string }) => error.stderr ?? String(error),
    );
    const holder = net.createServer();
    let ports: Record<string, number> = {};
    try {
      // Hold kwok's port as soon as the ports are picked, before kwok starts.
      ports = await eventually(
        "the new test bed's ports",
        async () => {
          const text = existsSync(path.join(dir, "env")) ? readFileSync(path.join(dir, "env"), "utf8") : "";
          return text ? Object.fromEntries([...text.matchAll(/^(\w+_PORT)=(\d+)$/gm)].map((m) => [m[1]!, Number(m[2])])) : undefined;
        },
        30_000,
        20,
      );
      await new Promise<void>((resolve, reject) => holder.once("error", reject).listen(ports.KWOK_PORT, "127.0.0.1", resolve));
      const stderr = await up;
      expect(stderr).toMatch(/kwok exited while waiting/);
      expect(stderr).toMatch(/up failed: stopping what it started/);
      const { stdout } = await promisify(execFile)(script, ["status"], { env });
      expect(stdout).not.toMatch(/running/);
      expect(stdout.match(/: stopped/g)).toHaveLength(6);
      expect(existsSync(path.join(dir, "env"))).toBe(false);
    } finally {
      holder.close();
      await up;
      await promisify(execFile)(script, ["down"], { env });
      rmSync(dir, { recursive: true, force: true });
    }
    const ephemeralLow = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    // etcd (2), API server, controller manager, scheduler, kwok, the control API, Prosody and Jicofo (BRIDGES=jvb)
    expect(Object.keys(ports)).toHaveLength(9);
    for (const port of Object.values(ports)) expect(port).toBeLessThan(ephemeralLow);
  });

  test("test beds started at the same moment (make test starts several) come up with no port or address block in common", async () => {
    const dirs = [0, 1].map(() => mkdtempSync(path.join(os.tmpdir(), "meetingfleet-twin-up-")));
    const envOf = (dir: string) => ({ ...process.env, TESTBED_DIR: dir, BRIDGES: "emulator" });
    try {
      await Promise.all(dirs.map((dir) => promisify(execFile)(script, ["up"], { env: envOf(dir), timeout: 180_000 })));
      const picked = dirs.map((dir) =>
        [...readFileSync(path.join(dir, "env"), "utf8").matchAll(/^(\w+_PORT|TESTBED_BLOCK)=(\d+)$/gm)].map(
          (m) => `${m[1] === "TESTBED_BLOCK" ? "block" : "port"} ${m[2]}`,
        ),
      );
      expect(picked[0]).toHaveLength(10);
      expect(picked[1]).toHaveLength(10);
      expect(picked[0]!.filter((p) => picked[1]!.includes(p))).toEqual([]);
      // Both answer, each on its own API server.
      for (const dir of dirs) await kubectl(testbed(dir), ["get", "--raw", "/readyz"]);
      // What keeps them apart, also before a bed listens: each bed's ports and block are on record while it lives.
      const recorded = () => readdirSync(records).map((f) => readFileSync(path.join(records, f), "utf8"));
      for (const dir of dirs) expect(recorded()).toContain(readFileSync(path.join(dir, "env"), "utf8"));
      await promisify(execFile)(script, ["down"], { env: envOf(dirs[0]!) });
      expect(recorded().some((r) => r.includes(`TESTBED_DIR=${dirs[0]}\n`))).toBe(false);
      expect(recorded().some((r) => r.includes(`TESTBED_DIR=${dirs[1]}\n`))).toBe(true);
    } finally {
      for (const dir of dirs) {
        await promisify(execFile)(script, ["down"], { env: envOf(dir) });
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
