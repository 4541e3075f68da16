// The only module that imports @kubernetes/client-node. It turns a kubeconfig into the small
// interfaces the rest of the project uses (list-watch sources, patches), so tests and callers never
// depend on the client library's shapes or its quirks (object-parameter calls, explicit patch types).

import * as k8s from "@kubernetes/client-node";
import https from "node:https";
import type { ListWatchSource, WatchEventType } from "./reflector.ts";
import type { KubeObject, Pod } from "./types.ts";

export interface KubeClient {
  /** The API server this client talks to (for logs). */
  readonly server: string;
  podSource(query: { namespace?: string; labelSelector?: string }): ListWatchSource<Pod>;
  /** JSON merge patch of a pod's status subresource (what a kubelet writes). */
  patchPodStatus(namespace: string, name: string, status: Record<string, unknown>): Promise<void>;
}

export function loadKubeConfig(kubeconfigPath?: string): k8s.KubeConfig {
  const config = new k8s.KubeConfig();
  if (kubeconfigPath) config.loadFromFile(kubeconfigPath);
  else config.loadFromDefault();
  return config;
}

// A watch asks the server to end it after this long, so a dead connection is noticed even when the
// client-side inactivity timeout does not fire; the reflector resumes from its resourceVersion.
const watchTimeoutSeconds = 300;

/** GET of an API path returning wire JSON (typed calls turn timestamps into Dates; watches do not). */
async function getJson<T>(config: k8s.KubeConfig, path: string, query: Record<string, string>): Promise<T> {
  const server = config.getCurrentCluster()?.server;
  if (!server) throw new Error("kubeconfig has no current cluster");
  const url = new URL(path, server);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const options: https.RequestOptions = { method: "GET", headers: { Accept: "application/json" } };
  await config.applyToHTTPSOptions(options);
  return new Promise<T>((resolve, reject) => {
    const req = https.request(url, options, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        if (res.statusCode === 200) resolve(JSON.parse(body) as T);
        else reject(Object.assign(new Error(`GET ${path}: HTTP ${res.statusCode}: ${body.slice(0, 300)}`), { code: res.statusCode }));
      });
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${path}: timed out`)));
    req.on("error", reject);
    req.end();
  });
}

function listWatchSource<T extends KubeObject>(config: k8s.KubeConfig, path: string, labelSelector?: string): ListWatchSource<T> {
  const watch = new k8s.Watch(config);
  const selector: Record<string, string> = labelSelector ? { labelSelector } : {};
  return {
    async list() {
      const result = await getJson<{ items: T[]; metadata?: { resourceVersion?: string } }>(config, path, selector);
      return { items: result.items, resourceVersion: result.metadata?.resourceVersion ?? "" };
    },
    async watch(resourceVersion, onEvent, onDone) {
      const controller = await watch.watch(
        path,
        {
          resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: watchTimeoutSeconds + Math.floor(Math.random() * 60),
          ...selector,
        },
        (phase, object) => onEvent(phase as WatchEventType, object),
        (error) => onDone(error ?? undefined),
      );
      return { abort: () => controller.abort() };
    },
  };
}

export function connect(kubeconfigPath?: string): KubeClient {
  const config = loadKubeConfig(kubeconfigPath);
  const core = config.makeApiClient(k8s.CoreV1Api);
  const mergePatch = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
  return {
    server: config.getCurrentCluster()?.server ?? "(none)",
    podSource({ namespace, labelSelector }) {
      const path = namespace ? `/api/v1/namespaces/${namespace}/pods` : "/api/v1/pods";
      return listWatchSource<Pod>(config, path, labelSelector);
    },
    async patchPodStatus(namespace, name, status) {
      await core.patchNamespacedPodStatus({ namespace, name, body: { status } }, mergePatch);
    },
  };
}
