// The only module that imports @kubernetes/client-node. It takes a kubeconfig's server, credentials and
// TLS settings and offers a small REST layer over resource paths: list-watch sources, get, create,
// merge patch, delete. One generic layer serves core objects, custom resources and subresources alike,
// and always speaks wire JSON (client-node's typed calls turn timestamps into Date objects while its
// watches do not).

import https from "node:https";
import * as k8s from "@kubernetes/client-node";
import type { ListWatchSource, WatchEventType } from "./reflector.ts";
import type { KubeObject } from "./types.ts";

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  constructor(method: string, path: string, code: number, body: string) {
    let reason = "";
    let message = body.slice(0, 500);
    try {
      const status = JSON.parse(body) as { reason?: string; message?: string };
      reason = status.reason ?? "";
      message = status.message ?? message;
    } catch {
      // not a Status object
    }
    super(`${method} ${path}: HTTP ${code}${reason ? ` ${reason}` : ""}: ${message}`);
    this.code = code;
    this.reason = reason;
  }
}

export interface ResourcePath {
  group?: string;
  version: string;
  plural: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/**
 * Cached objects lose metadata.managedFields on arrival: nothing here reads them, and they are often the larger
 * part of a pod (as controller-runtime's TransformStripManagedFields does).
 */
function withoutManagedFields<T>(object: T): T {
  const metadata = (object as { metadata?: { managedFields?: unknown } } | null)?.metadata;
  if (metadata) delete metadata.managedFields;
  return object;
}

export function resourcePath(r: ResourcePath): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespace ? `/namespaces/${encodeURIComponent(r.namespace)}` : "";
  const name = r.name ? `/${encodeURIComponent(r.name)}` : "";
  const sub = r.name && r.subresource ? `/${r.subresource}` : "";
  return `${base}${ns}/${r.plural}${name}${sub}`;
}

export interface KubeClient {
  /** The API server this client talks to (for logs). */
  readonly server: string;
  source<T extends KubeObject>(collection: string, labelSelector?: string): ListWatchSource<T>;
  /** undefined when the object does not exist. */
  get<T>(path: string): Promise<T | undefined>;
  create<T>(collection: string, body: object, fieldManager: string): Promise<T>;
  /** PUT: with metadata.resourceVersion set, fails with 409 when someone changed the object meanwhile. */
  replace<T>(path: string, body: object, fieldManager: string): Promise<T>;
  /** JSON merge patch (strategic merge does not work on custom resources). */
  patch<T>(path: string, body: object, fieldManager: string): Promise<T>;
  /**
   * Deleting what is already gone is not an error. With a uid and resourceVersion, the API deletes only that
   * very version of the object and answers 409 when it changed meanwhile.
   */
  delete(path: string, options?: { uid?: string | undefined; resourceVersion?: string | undefined; gracePeriodSeconds?: number }): Promise<void>;
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
const requestTimeoutMs = 30_000;

export function connect(kubeconfigPath?: string): KubeClient {
  const config = loadKubeConfig(kubeconfigPath);
  const server = config.getCurrentCluster()?.server;
  if (!server) throw new Error("kubeconfig has no current cluster");
  const watcher = new k8s.Watch(config);
  // Keep-alive: the operator talks to the API server all the time.
  const agent = new https.Agent({ keepAlive: true, maxSockets: 16 });

  async function request<T>(method: string, path: string, body?: object, contentType = "application/json", query: Record<string, string> = {}): Promise<T> {
    const url = new URL(path, server);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const options: https.RequestOptions = {
      method,
      agent,
      headers: { Accept: "application/json", ...(payload ? { "Content-Type": contentType, "Content-Length": Buffer.byteLength(payload) } : {}) },
    };
    await config.applyToHTTPSOptions(options);
    options.agent = agent;
    return new Promise<T>((resolve, reject) => {
      const req = https.request(url, options, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve((text ? JSON.parse(text) : undefined) as T);
          else reject(new ApiError(method, path, code, text));
        });
      });
      req.setTimeout(requestTimeoutMs, () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  return {
    server,
    source<T extends KubeObject>(collection: string, labelSelector?: string): ListWatchSource<T> {
      const selector: Record<string, string> = labelSelector ? { labelSelector } : {};
      return {
        async list() {
          const result = await request<{ items: T[]; metadata?: { resourceVersion?: string } }>("GET", collection, undefined, undefined, selector);
          return { items: result.items.map(withoutManagedFields), resourceVersion: result.metadata?.resourceVersion ?? "" };
        },
        async watch(resourceVersion, onEvent, onDone) {
          const controller = await watcher.watch(
            collection,
            { resourceVersion, allowWatchBookmarks: true, timeoutSeconds: watchTimeoutSeconds + Math.floor(Math.random() * 60), ...selector },
            (phase, object) => onEvent(phase as WatchEventType, withoutManagedFields(object)),
            (error) => onDone(error ?? undefined),
          );
          return { abort: () => controller.abort() };
        },
      };
    },
    async get<T>(path: string) {
      try {
        return await request<T>("GET", path);
      } catch (error) {
        if (error instanceof ApiError && error.code === 404) return undefined;
        throw error;
      }
    },
    create<T>(collection: string, body: object, fieldManager: string) {
      return request<T>("POST", collection, body, "application/json", { fieldManager });
    },
    replace<T>(path: string, body: object, fieldManager: string) {
      return request<T>("PUT", path, body, "application/json", { fieldManager });
    },
    patch<T>(path: string, body: object, fieldManager: string) {
      return request<T>("PATCH", path, body, "application/merge-patch+json", { fieldManager });
    },
    async delete(path, options = {}) {
      const body = {
        apiVersion: "v1",
        kind: "DeleteOptions",
        propagationPolicy: "Background",
        // JSON leaves out a precondition that is undefined.
        ...(options.uid || options.resourceVersion ? { preconditions: { uid: options.uid, resourceVersion: options.resourceVersion } } : {}),
        ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
      };
      try {
        await request("DELETE", path, body);
      } catch (error) {
        if (error instanceof ApiError && error.code === 404) return;
        throw error;
      }
    },
  };
}
