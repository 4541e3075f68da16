// Writes that only the leader may make: to the API (bridge pods, fleets' status, Events, the autoscaler's
// memory) and to the bridges (drain, shutdown). Each is checked against the lease at the moment it is sent,
// so a leader that was stalled past its lease (a starved process, a hung renewal) cannot finish a pass it
// planned on what it saw before: the replica that took over decides from fresh caches. Reads stay open.

import type { JvbClient } from "../bridges/jvb-client.ts";
import type { KubeClient } from "../kube/client.ts";

export class NotLeadingError extends Error {
  constructor(what: string) {
    super(`${what}: not sent, this replica no longer holds the leader lease`);
  }
}

/** Throws, naming the write, unless this replica leads. */
function fence(leading: () => boolean, what: string): void {
  if (!leading()) throw new NotLeadingError(what);
}

export function fencedKube(kube: KubeClient, leading: () => boolean): KubeClient {
  const check = (what: string) => fence(leading, what);
  return {
    server: kube.server,
    source: (collection, labelSelector) => kube.source(collection, labelSelector),
    get: (path) => kube.get(path),
    create: async (collection, body, fieldManager) => {
      check(`POST ${collection}`);
      return kube.create(collection, body, fieldManager);
    },
    replace: async (path, body, fieldManager) => {
      check(`PUT ${path}`);
      return kube.replace(path, body, fieldManager);
    },
    patch: async (path, body, fieldManager) => {
      check(`PATCH ${path}`);
      return kube.patch(path, body, fieldManager);
    },
    delete: async (path, options) => {
      check(`DELETE ${path}`);
      return kube.delete(path, options);
    },
  };
}

export function fencedJvb(jvb: JvbClient, leading: () => boolean): JvbClient {
  return {
    figures: (ip) => jvb.figures(ip),
    setDrain: async (ip, enabled) => {
      fence(leading, `drain ${enabled} ${ip}`);
      return jvb.setDrain(ip, enabled);
    },
    shutdown: async (ip, graceful) => {
      fence(leading, `shutdown ${ip}`);
      return jvb.shutdown(ip, graceful);
    },
  };
}
