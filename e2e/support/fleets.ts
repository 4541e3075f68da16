// MeetingFleet manifests for the e2e suites: a NodePort fleet by default, with `spec` laid over it, and the
// namespace such fleets run in.

import type { Pod } from "../../operator/src/kube/types.ts";
import { apply, createNamespace, kubectlJson, type Testbed } from "./testbed.ts";

// Node ports are allocated cluster-wide and held until a deleted namespace is gone: each run starts at a
// random block of 20 in 31000-32699, so reruns on a reused test bed do not collide.
let portBlock = Math.floor(Math.random() * 85);

/** A fresh namespace holding the XMPP password secret that `fleetManifest`'s bridges read (the test bed's, not a secret). */
export async function createFleetNamespace(bed: Testbed, prefix: string): Promise<string> {
  const namespace = await createNamespace(bed, prefix);
  await apply(bed, { apiVersion: "v1", kind: "Secret", metadata: { name: "jvb-xmpp", namespace }, stringData: { password: "e2e-not-a-secret" } });
  return namespace;
}

export function fleetManifest(name: string, namespace: string, spec: Record<string, unknown> = {}) {
  const start = 31000 + 20 * (portBlock++ % 85);
  return {
    apiVersion: "meet.meetingfleet.dev/v1alpha1",
    kind: "MeetingFleet",
    metadata: { name, namespace },
    spec: {
      replicas: 2,
      minReplicas: 0,
      maxReplicas: 10,
      signaling: { xmppServer: "prosody.invalid", authPasswordSecretRef: { name: "jvb-xmpp" } },
      media: { exposure: "NodePort", nodePortRange: { start, end: start + 19 } },
      ...spec,
    },
  };
}

/** The bridge pods of a fleet, as the API server has them (deleting ones included). */
export async function bridgePodsOf(bed: Testbed, namespace: string, fleet: string): Promise<Pod[]> {
  return (await kubectlJson<{ items: Pod[] }>(bed, ["get", "pods", "-n", namespace, "-l", `meet.meetingfleet.dev/fleet=${fleet}`])).items;
}
