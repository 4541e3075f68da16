// The platform program for real: `pulumi up` with the CLI, language host and providers built here (make pulumi),
// a file backend, on a test bed of its own (so the chart installs the CRD, as on a new cluster), through the same
// script as `make infra-up` / `make infra-down`. Runs in the emulator phase: the bridges' kind does not matter here.

import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { jest } from "@jest/globals";
import { eventually, kubectl, kubectlJson, type Testbed, testbed, withEmulator } from "../support/testbed.ts";

jest.setTimeout(900_000);
const outer = testbed();
const cluster = path.resolve(import.meta.dirname, "../testbed/cluster.sh");
const platform = path.resolve(import.meta.dirname, "../../infra/scripts/testbed-platform.sh");
const run = promisify(execFile);

const localOnly = outer.cluster === "local" ? withEmulator(outer) : describe.skip;
localOnly("the platform program with pulumi up", () => {
  let dir: string;
  let bed: Testbed;
  const env = (extra: Record<string, string> = {}) => ({ ...process.env, TESTBED_DIR: dir, BRIDGES: "emulator", ...extra });
  /**
   * The script's stdout, or an error with both streams (Pulumi's diagnostics go to stdout). It runs in a process
   * group of its own, so that a timeout stops Pulumi's language host and providers with it, by the group's PID.
   */
  const platformScript = (args: string[], extra: Record<string, string> = {}) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(platform, args, { env: env(extra), detached: true, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const timer = setTimeout(() => process.kill(-(child.pid ?? 0), "SIGKILL"), 600_000);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(stdout);
        else reject(new Error(`${path.basename(platform)} ${args.join(" ")} failed (${code ?? signal}):\n${stdout}\n${stderr}`));
      });
    });
  const readyBridges = async (count: number) =>
    eventually(
      `${count} bridges Ready`,
      async () => {
        const fleet = await kubectlJson<{ status?: { readyReplicas?: number; replicas?: number } }>(bed, ["get", "meetingfleet/bridges", "-n", "jitsi"]);
        return fleet.status?.readyReplicas === count && fleet.status.replicas === count ? fleet : undefined;
      },
      180_000,
    );
  const operatorPidFile = () => path.join(dir, "pulumi", "operator.pid");

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "meetingfleet-platform-"));
    await run(cluster, ["up"], { env: env(), timeout: 300_000 });
    bed = testbed(dir);
  });

  afterAll(async () => {
    // Whatever happened: the operator the script started, then the test bed, both by PID.
    if (existsSync(operatorPidFile())) {
      const pid = Number(readFileSync(operatorPidFile(), "utf8"));
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await run(cluster, ["down"], { env: env(), timeout: 120_000 });
    rmSync(dir, { recursive: true, force: true });
  });

  test("up brings the fleet Ready; a second preview shows no change; a new fleet size rolls out; destroy leaves nothing but the kept CRD", async () => {
    // make infra-up: pulumi up, then the operator, then the fleet Ready (the script waits for that).
    await platformScript(["up"]);
    const crd = await kubectlJson<{ metadata: { annotations: Record<string, string> } }>(bed, ["get", "crd", "meetingfleets.meet.meetingfleet.dev"]);
    expect(crd.metadata.annotations["meta.helm.sh/release-name"]).toBe("meetingfleet-operator");
    expect((await kubectl(bed, ["get", "deployments", "-n", "jitsi", "-o", "name"])).split("\n").sort()).toEqual(
      expect.arrayContaining(["deployment.apps/jicofo", "deployment.apps/prosody", "deployment.apps/web"]),
    );
    const secret = await kubectlJson<{ data: Record<string, string> }>(bed, ["get", "secret", "jitsi-xmpp", "-n", "jitsi"]);
    expect(Buffer.from(secret.data["jvb-password"] ?? "", "base64").toString()).toMatch(/^[A-Za-z0-9]{32}$/);
    await readyBridges(2);
    const xmppServers = await kubectl(bed, [
      "get",
      "pods",
      "-n",
      "jitsi",
      "-l",
      "meet.meetingfleet.dev/fleet=bridges",
      "-o",
      'jsonpath={.items[*].spec.containers[0].env[?(@.name=="XMPP_SERVER")].value}',
    ]);
    expect(xmppServers.trim().split(" ")).toEqual(["prosody.jitsi.svc.cluster.local", "prosody.jitsi.svc.cluster.local"]);

    // Nothing drifts: a second preview of the same config plans no change.
    await platformScript(["pulumi", "preview", "--expect-no-changes"]);

    // A new fleet size in stack config rolls out through pulumi up.
    await platformScript(["pulumi", "up", "--yes", "--skip-preview"], { FLEET_REPLICAS: "3" });
    await readyBridges(3);

    // make infra-down: everything the program made is gone, and the stack holds no resource.
    await platformScript(["down"], { FLEET_REPLICAS: "3" });
    expect(existsSync(operatorPidFile())).toBe(false);
    await eventually(
      "the platform's namespaces gone",
      async () => !/\b(jitsi|meetingfleet-system)\b/.test(await kubectl(bed, ["get", "namespaces", "-o", "name"])),
      180_000,
    );
    for (const kind of ["clusterroles", "clusterrolebindings"]) {
      expect(await kubectl(bed, ["get", kind, "-l", "app.kubernetes.io/instance=meetingfleet-operator", "-o", "name"])).toBe("");
    }
    expect(await kubectl(bed, ["get", "meetingfleets", "-A", "-o", "name"])).toBe("");
    const exported = JSON.parse(await platformScript(["pulumi", "stack", "export"])) as { deployment: { resources?: unknown[] } };
    expect(exported.deployment.resources ?? []).toEqual([]);
    // The chart keeps its CRD on uninstall (crds.keep, like cert-manager's), so no user's fleets go with a release.
    const kept = await kubectlJson<{ metadata: { annotations: Record<string, string> } }>(bed, ["get", "crd", "meetingfleets.meet.meetingfleet.dev"]);
    expect(kept.metadata.annotations["helm.sh/resource-policy"]).toBe("keep");
  });
});
