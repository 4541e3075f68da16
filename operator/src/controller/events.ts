// Kubernetes Events (events.k8s.io/v1) about a fleet: scale, drain, delete, invalid specs. Best effort:
// an event that cannot be written is logged, never allowed to fail a reconcile.

import { type KubeClient, resourcePath } from "../kube/client.ts";
import { microTime } from "../kube/types.ts";

export interface Regarding {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid: string;
}

export interface EventRecorder {
  record(regarding: Regarding, type: "Normal" | "Warning", reason: string, action: string, note: string): void;
}

export function kubeEventRecorder(kube: KubeClient, controller: string, instance: string, onError: (error: unknown) => void): EventRecorder {
  return {
    record(regarding, type, reason, action, note) {
      const event = {
        apiVersion: "events.k8s.io/v1",
        kind: "Event",
        metadata: { generateName: `${regarding.name}-`, namespace: regarding.namespace },
        eventTime: microTime(Date.now()),
        reportingController: controller,
        reportingInstance: instance,
        action,
        reason,
        type,
        note: note.slice(0, 1000),
        regarding,
      };
      kube.create(resourcePath({ group: "events.k8s.io", version: "v1", plural: "events", namespace: regarding.namespace }), event, controller).catch(onError);
    },
  };
}
