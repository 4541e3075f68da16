import * as pulumi from "@pulumi/pulumi";
import { mediaLabel } from "../cluster/cloud-init.ts";
import { parseConfig, platformSchema } from "../config.ts";
import { mockPulumi, ofType, outputValue, type Registered, reveal, settle } from "../testing/mocks.ts";
import { chartDir, platformArgs } from "./from-config.ts";
import { Platform } from "./platform.ts";

const registered: Registered[] = mockPulumi();

async function build(platform: Record<string, unknown>): Promise<{ created: Registered[]; platform: Platform }> {
  const mark = registered.length;
  const p = new Platform(`p${mark}`, platformArgs(parseConfig(platformSchema, "platform", platform), pulumi.secret("apiVersion: v1\nkind: Config\n")));
  await outputValue(p.fleet.id);
  await settle();
  return { created: registered.slice(mark), platform: p };
}

describe("platform", () => {
  test("installs the operator chart (with its CRD) from this repository before the MeetingFleet, and the fleet uses the generated secret", async () => {
    const { created } = await build({ jitsi: { domain: "meet.example.org" }, fleet: { replicas: 2 } });
    const operator = ofType(created, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === chartDir);
    const fleet = ofType(created, "kubernetes:meet.meetingfleet.dev/v1alpha1:MeetingFleet")[0];
    expect(operator).toBeDefined();
    expect(fleet).toBeDefined();
    // A resource registers only once those it depends on are registered: the chart (and its CRD) first.
    expect(operator!.order).toBeLessThan(fleet!.order);
    const spec = fleet!.inputs.spec as {
      signaling: { authPasswordSecretRef: { name: string; key: string }; xmppServer: string };
      template: Record<string, unknown>;
      replicas: number;
    };
    expect(spec.signaling.authPasswordSecretRef).toEqual({ name: "jitsi-xmpp", key: "jvb-password" });
    expect(spec.signaling.xmppServer).toBe("prosody.jitsi.svc.cluster.local");
    expect(spec.replicas).toBe(2);
    expect(spec.template.nodeSelector).toEqual({ [mediaLabel]: "true" });
    const values = operator!.inputs.values as { watch: { mode: string; namespaces: string[] }; crds: { install: boolean } };
    expect(values.watch).toEqual({ mode: "namespaces", namespaces: ["jitsi"] });
    expect(values.crds.install).toBe(true);
    expect(operator!.inputs.name).toBe("meetingfleet-operator");
  });

  test("on a cluster whose CRD was applied without Helm, the chart leaves the CRD alone", async () => {
    const { created } = await build({ jitsi: { domain: "meet.example.org" }, installCrds: false });
    const operator = ofType(created, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === chartDir);
    expect((operator!.inputs.values as { crds: { install: boolean } }).crds.install).toBe(false);
  });

  test("the XMPP passwords stay secret, and prosody and the bridges read the same Secret", async () => {
    const { created, platform } = await build({ jitsi: { domain: "meet.example.org" } });
    const secret = ofType(created, "kubernetes:core/v1:Secret")[0]!;
    const stringData = reveal(secret.inputs.stringData);
    expect(stringData.secret).toBe(true);
    expect(Object.keys(stringData.value as Record<string, string>).sort()).toEqual(["jicofo-password", "jvb-password"]);
    expect(await pulumi.isSecret(platform.xmppSecret.stringData)).toBe(true);
    const prosody = ofType(created, "kubernetes:apps/v1:Deployment").find((d) => (d.inputs.metadata as { name: string }).name === "prosody")!;
    const env = (
      prosody.inputs.spec as {
        template: { spec: { containers: Array<{ env: Array<{ name: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }> }> } };
      }
    ).template.spec.containers[0]!.env;
    expect(env.find((e) => e.name === "JVB_AUTH_PASSWORD")?.valueFrom?.secretKeyRef).toEqual({ name: "jitsi-xmpp", key: "jvb-password" });
  });

  test("signaling without bridges of its own: web, prosody and jicofo, and no jvb", async () => {
    const { created } = await build({ jitsi: { domain: "meet.example.org" } });
    const names = ofType(created, "kubernetes:apps/v1:Deployment")
      .map((d) => (d.inputs.metadata as { name: string }).name)
      .sort();
    expect(names).toEqual(["jicofo", "prosody", "web"]);
  });

  test("Services and the Ingress are awaited as Pulumi does, unless config says their addresses never come", async () => {
    const skipAwait = (created: Registered[]) =>
      [...ofType(created, "kubernetes:core/v1:Service"), ...ofType(created, "kubernetes:networking.k8s.io/v1:Ingress")].map(
        (r) => (r.inputs.metadata as { annotations?: Record<string, string> }).annotations?.["pulumi.com/skipAwait"],
      );
    const waiting = skipAwait((await build({ jitsi: { domain: "meet.example.org" } })).created);
    expect(waiting).toEqual([undefined, undefined, undefined]);
    const notWaiting = skipAwait((await build({ jitsi: { domain: "meet.example.org", waitForAddresses: false } })).created);
    expect(notWaiting).toEqual(["true", "true", "true"]);
  });

  test("monitoring and cert-manager only when asked; the operator chart waits for the monitoring CRDs", async () => {
    const plain = await build({ jitsi: { domain: "meet.example.org" } });
    expect(ofType(plain.created, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart)).toEqual([chartDir]);
    const full = await build({
      jitsi: { domain: "meet.example.org" },
      monitoring: { enabled: true },
      certManager: { enabled: true, email: "noc@example.org" },
    });
    const releases = ofType(full.created, "kubernetes:helm.sh/v3:Release");
    const monitoring = releases.find((r) => r.inputs.chart === "kube-prometheus-stack")!;
    const operator = releases.find((r) => r.inputs.chart === chartDir)!;
    expect(monitoring.order).toBeLessThan(operator.order);
    expect((operator.inputs.values as { prometheusRule: { enabled: boolean } }).prometheusRule.enabled).toBe(true);
    expect(releases.some((r) => r.inputs.chart === "cert-manager")).toBe(true);
    const issuer = ofType(full.created, "kubernetes:cert-manager.io/v1:ClusterIssuer")[0]!;
    const ingress = ofType(full.created, "kubernetes:networking.k8s.io/v1:Ingress")[0]!;
    expect((ingress.inputs.metadata as { annotations: Record<string, string> }).annotations["cert-manager.io/cluster-issuer"]).toBe(
      (issuer.inputs.metadata as { name: string }).name,
    );
  });

  test("bad stack config fails before anything is created, naming the key", async () => {
    expect(() => parseConfig(platformSchema, "platform", { jitsi: { domain: "Meet Example" }, fleet: { minReplicas: 5, maxReplicas: 2 } })).toThrow(
      /platform\.jitsi\.domain: must be a host name[\s\S]*platform\.fleet: fleet\.minReplicas must be <= fleet\.maxReplicas/,
    );
    await expect(build({ jitsi: { domain: "meet.example.org" }, certManager: { enabled: true } })).rejects.toThrow(/certManager\.email/);
  });
});
