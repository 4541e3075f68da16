// The pod (and, with NodePort exposure, the Service) that runs one bridge of a fleet. Pure: a fleet and
// an ordinal in, manifests out. Bridges are named <fleet>-<ordinal>, so a create repeated after a crash
// or from a stale cache fails with AlreadyExists instead of making a duplicate, and the ordinal picks the
// bridge's node port. Bridge pods never restart in place (restartPolicy Never): a bridge that exits is
// replaced by the operator, which keeps the count and the drain bookkeeping in one hand.

import { createHash } from "node:crypto";
import { apiVersion, type FleetSpec, kind } from "../api/meetingfleet.ts";
import { stableJson } from "../util/same-json.ts";

export const labels = {
  name: "app.kubernetes.io/name",
  instance: "app.kubernetes.io/instance",
  managedBy: "app.kubernetes.io/managed-by",
  fleet: "meet.meetingfleet.dev/fleet",
  bridge: "meet.meetingfleet.dev/bridge",
} as const;

export const annotations = {
  templateHash: "meet.meetingfleet.dev/template-hash",
  ordinal: "meet.meetingfleet.dev/ordinal",
  drainingSince: "meet.meetingfleet.dev/draining-since",
  shutdownRequestedAt: "meet.meetingfleet.dev/shutdown-requested-at",
  /** The public address written into the bridge's media ConfigMap (media-config.ts), once its node is known. */
  advertisedAddress: "meet.meetingfleet.dev/advertised-address",
} as const;

export const bridgeAppName = "jitsi-videobridge";
export const managerName = "meetingfleet-operator";
export const restPort = 8080;

export interface FleetRef {
  name: string;
  namespace: string;
  uid: string;
  spec: FleetSpec;
}

/** Selects every bridge pod of a fleet (also the scale subresource's selector). */
export function fleetSelector(fleetName: string): string {
  return `${labels.name}=${bridgeAppName},${labels.fleet}=${fleetName}`;
}

/** Changes to these parts of the spec replace bridges; replicas, bounds and the drain deadline do not. */
export function templateHash(spec: FleetSpec): string {
  const relevant = { template: spec.template, signaling: spec.signaling, media: spec.media, region: spec.region ?? null };
  return createHash("sha256").update(stableJson(relevant)).digest("hex").slice(0, 10);
}

/** Where the jitsi/jvb image reads custom-jvb.conf: the bridge's media ConfigMap is mounted here (media-config.ts). */
export const mediaConfigMountPath = "/config";

export function mediaConfigName(bridge: string): string {
  return `${bridge}-media`;
}

export function bridgeName(fleetName: string, ordinal: number): string {
  return `${fleetName}-${ordinal}`;
}

export function nodePortFor(spec: FleetSpec, ordinal: number): number | undefined {
  const range = spec.media.nodePortRange;
  if (spec.media.exposure !== "NodePort" || !range) return undefined;
  const port = range.start + ordinal;
  return port <= range.end ? port : undefined;
}

/** Owned by the fleet: garbage-collected with it. */
export function ownerReference(fleet: Pick<FleetRef, "name" | "uid">) {
  return { apiVersion, kind, name: fleet.name, uid: fleet.uid, controller: true, blockOwnerDeletion: true };
}

/** Metadata of an object the operator keeps for a fleet (not for one bridge): its labels, owned by the fleet. */
export function fleetOwnedMetadata(fleet: Pick<FleetRef, "name" | "namespace" | "uid">, name: string) {
  return {
    name,
    namespace: fleet.namespace,
    labels: { [labels.managedBy]: managerName, [labels.fleet]: fleet.name },
    ownerReferences: [ownerReference(fleet)],
  };
}

interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: object;
}

interface BridgeContainer {
  name: string;
  image: string;
  imagePullPolicy: string;
  ports: Array<{ name: string; containerPort: number; protocol: string; hostPort?: number }>;
  env: EnvEntry[];
  resources?: object;
  readinessProbe: object;
  volumeMounts: Array<{ name: string; mountPath: string; readOnly: boolean }>;
}

interface BridgePodSpec {
  restartPolicy: "Never";
  terminationGracePeriodSeconds: number;
  enableServiceLinks: boolean;
  containers: BridgeContainer[];
  volumes: Array<{ name: string; configMap: { name: string } }>;
  nodeSelector?: Record<string, string>;
  tolerations?: object[];
  priorityClassName?: string;
}

export function bridgePod(fleet: FleetRef, ordinal: number) {
  const { spec } = fleet;
  const name = bridgeName(fleet.name, ordinal);
  const env: EnvEntry[] = [
    // The advertised address comes from the media ConfigMap (media-config.ts), which maps from this address.
    { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
    { name: "JVB_PORT", value: String(spec.media.port) },
    { name: "XMPP_SERVER", value: spec.signaling.xmppServer },
    { name: "XMPP_PORT", value: String(spec.signaling.xmppPort) },
    { name: "XMPP_DOMAIN", value: spec.signaling.xmppDomain },
    { name: "XMPP_AUTH_DOMAIN", value: spec.signaling.xmppAuthDomain },
    { name: "XMPP_INTERNAL_MUC_DOMAIN", value: spec.signaling.xmppInternalMucDomain },
    { name: "JVB_BREWERY_MUC", value: spec.signaling.breweryMuc },
    { name: "JVB_AUTH_USER", value: spec.signaling.authUser },
    {
      name: "JVB_AUTH_PASSWORD",
      valueFrom: { secretKeyRef: { name: spec.signaling.authPasswordSecretRef.name, key: spec.signaling.authPasswordSecretRef.key } },
    },
    { name: "COLIBRI_REST_ENABLED", value: "true" },
    { name: "SHUTDOWN_REST_ENABLED", value: "true" },
    { name: "JVB_INSTANCE_ID", value: name },
  ];
  if (spec.region) {
    env.push({ name: "ENABLE_OCTO", value: "true" }, { name: "JVB_OCTO_REGION", value: spec.region }, { name: "JVB_OCTO_RELAY_ID", value: name });
  }
  for (const extra of spec.template.env ?? []) env.push({ name: extra.name, value: extra.value });

  const mediaPort: BridgeContainer["ports"][number] = { name: "media", containerPort: spec.media.port, protocol: "UDP" };
  if (spec.media.exposure === "HostPort") mediaPort.hostPort = spec.media.port;

  const podSpec: BridgePodSpec = {
    restartPolicy: "Never",
    // Drain happens before deletion; this only bounds how long a deleted bridge may take to exit.
    terminationGracePeriodSeconds: 60,
    enableServiceLinks: false,
    containers: [
      {
        name: "jvb",
        image: spec.template.image,
        imagePullPolicy: spec.template.imagePullPolicy,
        ports: [mediaPort, { name: "rest", containerPort: restPort, protocol: "TCP" }],
        env,
        ...(spec.template.resources ? { resources: spec.template.resources } : {}),
        readinessProbe: { httpGet: { path: "/about/health", port: restPort }, periodSeconds: 10, failureThreshold: 3 },
        volumeMounts: [{ name: "media", mountPath: mediaConfigMountPath, readOnly: true }],
      },
    ],
    // Not optional: the bridge must not start before it knows the address to advertise.
    volumes: [{ name: "media", configMap: { name: mediaConfigName(name) } }],
  };
  if (spec.template.nodeSelector) podSpec.nodeSelector = spec.template.nodeSelector;
  if (spec.template.tolerations) podSpec.tolerations = spec.template.tolerations;
  if (spec.template.priorityClassName) podSpec.priorityClassName = spec.template.priorityClassName;

  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: fleet.namespace,
      labels: {
        [labels.name]: bridgeAppName,
        [labels.instance]: fleet.name,
        [labels.managedBy]: managerName,
        [labels.fleet]: fleet.name,
        [labels.bridge]: name,
      } as Record<string, string>,
      annotations: { [annotations.templateHash]: templateHash(spec), [annotations.ordinal]: String(ordinal) },
      ownerReferences: [ownerReference(fleet)],
    },
    spec: podSpec,
  };
}

/** With NodePort exposure: the bridge's own Service, owned by its pod so it goes when the bridge goes. */
export function bridgeService(fleet: FleetRef, ordinal: number, pod: { name: string; uid: string }) {
  const nodePort = nodePortFor(fleet.spec, ordinal);
  if (nodePort === undefined) return undefined;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: pod.name,
      namespace: fleet.namespace,
      labels: { [labels.name]: bridgeAppName, [labels.managedBy]: managerName, [labels.fleet]: fleet.name, [labels.bridge]: pod.name },
      ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: pod.name, uid: pod.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      type: "NodePort",
      externalTrafficPolicy: "Local",
      selector: { [labels.bridge]: pod.name },
      ports: [{ name: "media", protocol: "UDP", port: fleet.spec.media.port, targetPort: fleet.spec.media.port, nodePort }],
    },
  };
}
