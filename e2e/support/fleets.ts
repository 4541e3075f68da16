// MeetingFleet manifests for the e2e suites: a NodePort fleet by default, with `spec` laid over it.

// Node ports are allocated cluster-wide and held until a deleted namespace is gone: each run starts at a
// random block of 20 in 31000-32699, so reruns on a reused test bed do not collide.
let portBlock = Math.floor(Math.random() * 85);

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
