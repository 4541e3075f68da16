// Karpenter with its kwok cloud provider: a real node autoscaler on the test bed. It creates kwok nodes for
// pods no node takes (the test bed's kwok runs them, as it runs its own nodes) and removes nodes it may
// disrupt. Started as a process by the suites that need it, stopped by PID.

import { type RunningProcess, startProcess, waitHealthy } from "./process.ts";
import { freePort, kubectl, type Testbed, waitEstablished } from "./testbed.ts";
import { cachedTool } from "./tools.ts";

/** Karpenter's CRDs (NodePool, NodeClaim, NodeOverlay, KWOKNodeClass), then the controller. */
export async function startKarpenter(bed: Testbed): Promise<RunningProcess> {
  await kubectl(bed, ["apply", "--server-side", "--force-conflicts", "-f", cachedTool("karpenter-crds", "KARPENTER_VERSION")]);
  for (const crd of ["nodepools.karpenter.sh", "nodeclaims.karpenter.sh", "kwoknodeclasses.karpenter.kwok.sh"]) await waitEstablished(bed, crd);
  const [metricsPort, healthPort] = [await freePort(), await freePort()];
  const karpenter = startProcess(
    bed,
    "karpenter",
    cachedTool("karpenter-kwok", "KARPENTER_VERSION"),
    [
      "--disable-leader-election",
      "--metrics-port",
      String(metricsPort),
      "--health-probe-port",
      String(healthPort),
      // Short batching windows: a pending bridge gets its node in seconds.
      "--batch-max-duration",
      "3s",
      "--batch-idle-duration",
      "1s",
    ],
    { ...process.env, KUBECONFIG: bed.kubeconfig, SYSTEM_NAMESPACE: "kube-system", KUBERNETES_MIN_VERSION: "1.19.0-0" },
  );
  await waitHealthy(karpenter, "karpenter", `http://127.0.0.1:${healthPort}/healthz`, 60_000);
  return karpenter;
}

/** A kwok node class and a node pool of one small instance type whose empty nodes go after `consolidateAfter`. */
export function mediaNodePool(name: string, labels: Record<string, string>, consolidateAfter = "5s") {
  return [
    { apiVersion: "karpenter.kwok.sh/v1alpha1", kind: "KWOKNodeClass", metadata: { name } },
    {
      apiVersion: "karpenter.sh/v1",
      kind: "NodePool",
      metadata: { name },
      spec: {
        template: {
          metadata: { labels },
          spec: {
            nodeClassRef: { group: "karpenter.kwok.sh", kind: "KWOKNodeClass", name },
            requirements: [
              { key: "node.kubernetes.io/instance-type", operator: "In", values: ["c-2x-amd64-linux"] },
              { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
            ],
            expireAfter: "Never",
          },
        },
        disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter },
        limits: { cpu: "40" },
      },
    },
  ];
}
