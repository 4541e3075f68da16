// The address a bridge tells clients to send media to. JVB advertises its pod's own address and whatever
// static mappings its config names; clients on the internet can reach neither the pod IP nor, on most
// clouds, the node's private InternalIP (status.hostIP), only the node's public address: its ExternalIP
// (a floating or primary public IP). A pod cannot learn that from the downward API, and the node is known
// only once the pod is scheduled, so the operator writes it then: a ConfigMap per bridge, mounted where
// the jitsi/jvb image reads custom-jvb.conf (/config), with a static mapping from the pod's address and
// media port to the node's public address and the port clients use (the host port, or the bridge's node
// port). The kubelet starts the container only once that ConfigMap exists. Bridges need no API access.

import { bridgeAppName, type FleetRef, labels, managerName, mediaConfigName, nodePortFor, ownerReference } from "./bridge-pod.ts";

export const mediaConfigFile = "custom-jvb.conf";

export interface NodeAddress {
  type: string;
  address: string;
}

/** The node's public address: ExternalIP when it has one, else its InternalIP (on-premises, kind). */
export function advertisedAddress(addresses: readonly NodeAddress[]): string | undefined {
  return addresses.find((a) => a.type === "ExternalIP")?.address ?? addresses.find((a) => a.type === "InternalIP")?.address;
}

/**
 * HOCON for JVB, included after the image's jvb.conf so that its static mapping list replaces the image's.
 * ${POD_IP} is resolved by JVB's config library from the container's environment (the downward API).
 */
export function mediaConfig(spec: FleetRef["spec"], ordinal: number, address: string): string {
  const publicPort = nodePortFor(spec, ordinal) ?? spec.media.port;
  return [
    "# Written by meetingfleet-operator: clients reach this bridge at its node's public address.",
    "ice4j.harvest.mapping.static-mappings = [",
    `  { name = "node", local-address = \${POD_IP}, local-port = ${spec.media.port}, public-address = ${JSON.stringify(address)}, public-port = ${publicPort} }`,
    "]",
    "",
  ].join("\n");
}

/** Owned by the bridge's pod: it goes when the bridge goes. */
export function mediaConfigMap(fleet: FleetRef, ordinal: number, pod: { name: string; uid: string }, address: string) {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: mediaConfigName(pod.name),
      namespace: fleet.namespace,
      labels: { [labels.name]: bridgeAppName, [labels.managedBy]: managerName, [labels.fleet]: fleet.name, [labels.bridge]: pod.name },
      ownerReferences: [{ ...ownerReference({ name: pod.name, uid: pod.uid }), apiVersion: "v1", kind: "Pod" }],
    },
    data: { [mediaConfigFile]: mediaConfig(fleet.spec, ordinal, address) },
  };
}
