// The few Kubernetes object fields this project reads, as the API sends them. Only client.ts knows
// @kubernetes/client-node; everything else works with these shapes.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
  creationTimestamp?: string;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

export interface Volume {
  name: string;
  configMap?: { name: string; optional?: boolean };
}

export interface ContainerStatus {
  name: string;
  image?: string;
  ready?: boolean;
  restartCount?: number;
  state?: Record<string, unknown>;
}

export interface NodeTaint {
  key: string;
  value?: string;
  effect: string;
}

export interface Node extends KubeObject {
  spec?: { unschedulable?: boolean; taints?: NodeTaint[] };
  status?: { addresses?: Array<{ type: string; address: string }> };
}

export interface Pod extends KubeObject {
  spec?: {
    nodeName?: string;
    restartPolicy?: "Always" | "OnFailure" | "Never";
    containers: Array<{ name: string; image?: string; env?: EnvVar[]; volumeMounts?: Array<{ name: string; mountPath: string }> }>;
    volumes?: Volume[];
  };
  status?: {
    phase?: string;
    podIP?: string;
    hostIP?: string;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
    containerStatuses?: ContainerStatus[];
  };
}

export function objectKey(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
}

/** A Kubernetes MicroTime (Event eventTime, Lease times): RFC 3339 with microseconds. */
export const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
