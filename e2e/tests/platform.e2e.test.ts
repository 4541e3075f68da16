// The Pulumi platform program's Kubernetes side on the real control plane. The Pulumi CLI's Node.js
// language host and Kubernetes provider are not served by the Go module proxy here (infra/README.md),
// so the program runs under Pulumi's mocks; every object it registers is then installed the way the
// provider would (the Helm release with helm, the rest with server-side apply, in registration
// order), and the operator must bring up the MeetingFleet it declares.

import { writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { jest } from "@jest/globals";
import * as pulumi from "@pulumi/pulumi";
import { parseConfig, platformSchema } from "../../infra/src/config.ts";
import { platformArgs } from "../../infra/src/platform/from-config.ts";
import { Platform } from "../../infra/src/platform/platform.ts";
import { mockPulumi, outputValue, type Registered, reveal, settle } from "../../infra/src/testing/mocks.ts";
import { helm } from "../support/helm.ts";
import { installCrd, type RunningOperator, startOperator } from "../support/operator.ts";
import { deleteNamespace, kubectl, testbed, withEmulator } from "../support/testbed.ts";

jest.setTimeout(180_000);
const bed = testbed();
const local = bed.cluster === "local" ? withEmulator(bed) : describe.skip;
const suffix = Math.random().toString(36).slice(2, 7);
const operatorNamespace = `mf-platform-${suffix}`;
const jitsiNamespace = `jitsi-${suffix}`;
const release = `platform-${suffix}`;

/** A registered Kubernetes resource as the manifest the provider would send. */
function manifest(r: Registered): Record<string, unknown> {
  const [, groupVersion = "", kind = ""] = /^kubernetes:(.+):(\w+)$/.exec(r.type) ?? [];
  const apiVersion = groupVersion.startsWith("core/") ? groupVersion.slice(5) : groupVersion;
  const body: Record<string, unknown> = { apiVersion, kind };
  for (const [key, value] of Object.entries(r.inputs)) if (key !== "apiVersion" && key !== "kind") body[key] = reveal(value).value;
  return body;
}

local("Pulumi platform program on the test bed", () => {
  let operator: RunningOperator | undefined;
  let registered: Registered[] = [];

  beforeAll(async () => {
    registered = mockPulumi();
    const config = parseConfig(platformSchema, "platform", {
      operatorNamespace,
      jitsiNamespace,
      jitsi: { domain: "meet.localtest.me" },
      fleet: { replicas: 1, minReplicas: 1, maxReplicas: 2, onMediaNodes: false },
    });
    const platform = new Platform("p", platformArgs(config, pulumi.secret(bed.kubeconfig)));
    await outputValue(platform.fleet.id);
    await settle();
    await installCrd(bed);
  });

  afterAll(async () => {
    await operator?.stop();
    await helm(["uninstall", release, "-n", operatorNamespace, "--ignore-not-found"], bed.kubeconfig).catch(() => undefined);
    for (const ns of [jitsiNamespace, operatorNamespace]) await deleteNamespace(bed, ns);
  });

  test("its objects install in registration order and the operator runs the MeetingFleet it declares", async () => {
    const kube = registered.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "pulumi:providers:kubernetes");
    const kinds = kube.map((r) => r.type.split(":")[2]);
    expect([...kinds].sort()).toEqual([
      "Deployment",
      "Deployment",
      "Deployment",
      "Ingress",
      "MeetingFleet",
      "Namespace",
      "Namespace",
      "Release",
      "Secret",
      "Service",
      "Service",
    ]);
    // Registration follows dependencies: namespaces first, the MeetingFleet after the chart (its CRD) and the Secret.
    const at = (kind: string) => kinds.indexOf(kind);
    expect(Math.max(at("Namespace"), kinds.lastIndexOf("Namespace"))).toBeLessThan(Math.min(...kinds.map((k, i) => (k === "Namespace" ? Infinity : i))));
    expect(at("MeetingFleet")).toBeGreaterThan(Math.max(at("Release"), at("Secret")));
    for (const r of kube) {
      if (r.type === "kubernetes:helm.sh/v3:Release") {
        // What the provider's Helm release does: the chart from this repository with the program's values.
        const values = path.join(await mkdtemp(path.join(tmpdir(), "platform-")), "values.json");
        writeFileSync(values, JSON.stringify(r.inputs.values));
        await kubectl(bed, [
          "annotate",
          "--overwrite",
          "crd",
          "meetingfleets.meet.meetingfleet.dev",
          `meta.helm.sh/release-name=${release}`,
          `meta.helm.sh/release-namespace=${operatorNamespace}`,
        ]);
        await kubectl(bed, ["label", "--overwrite", "crd", "meetingfleets.meet.meetingfleet.dev", "app.kubernetes.io/managed-by=Helm"]);
        await helm(["install", release, String(r.inputs.chart), "-n", String(r.inputs.namespace), "-f", values, "--wait", "--timeout", "120s"], bed.kubeconfig);
        continue;
      }
      await kubectl(bed, ["apply", "--server-side", "--field-manager", "pulumi-kubernetes", "-f", "-"], JSON.stringify(manifest(r)));
    }
    expect((await kubectl(bed, ["get", "deployment", "-n", operatorNamespace, "-o", "name"])).trim()).toBe(`deployment.apps/${release}-meetingfleet-operator`);
    expect((await kubectl(bed, ["get", "deployment", "-n", jitsiNamespace, "-o", "name"])).trim().split("\n").sort()).toEqual([
      "deployment.apps/jicofo",
      "deployment.apps/prosody",
      "deployment.apps/web",
    ]);

    // kwok only pretends to run the chart's operator pods: the operator under test runs beside them.
    operator = await startOperator(bed, "platform", [jitsiNamespace]);
    await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/bridges", "-n", jitsiNamespace, "--timeout=90s"]);
    const bridges = await kubectl(bed, [
      "get",
      "pods",
      "-n",
      jitsiNamespace,
      "-l",
      "meet.meetingfleet.dev/fleet=bridges",
      "-o",
      'jsonpath={.items[*].spec.containers[0].env[?(@.name=="XMPP_SERVER")].value}',
    ]);
    expect(bridges.trim()).toBe(`prosody.${jitsiNamespace}.svc.cluster.local`);
  });
});
