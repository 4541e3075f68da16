// Bridge pods and their REST API, the same way on both clusters: on the local test bed a bridge
// answers on <podIP>:8080 (a loopback address); on kind pod IPs are not reachable from the host, so
// calls go through the API server's pod proxy.

import http from "node:http";
import type { Pod } from "../../operator/src/kube/types.ts";
import { kubectl, type Testbed } from "./testbed.ts";

export const bridgeLabels = { "app.kubernetes.io/name": "jitsi-videobridge" };
export const jvbImage = process.env.JVB_IMAGE ?? "jitsi/jvb:stable";

/** The container of a bridge pod: the jitsi/jvb image with its REST APIs on, not joined to any XMPP server. */
export function bridgeContainer(image = jvbImage) {
  const env = {
    COLIBRI_REST_ENABLED: "true",
    SHUTDOWN_REST_ENABLED: "true",
    JVB_DISABLE_XMPP: "true",
    JVB_DISABLE_STUN: "true",
  };
  return {
    name: "jvb",
    image,
    imagePullPolicy: "IfNotPresent",
    ports: [{ name: "rest", containerPort: 8080, protocol: "TCP" }],
    env: Object.entries(env).map(([name, value]) => ({ name, value })),
  };
}

export function bridgePod(name: string, namespace: string, options: { restartPolicy?: string; image?: string } = {}) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels: bridgeLabels },
    spec: { restartPolicy: options.restartPolicy ?? "Never", terminationGracePeriodSeconds: 5, containers: [bridgeContainer(options.image)] },
  };
}

export interface BridgeResponse {
  status: number;
  body: string;
}

/**
 * An Accept header on every call, as curl and Prometheus send one: a real JVB answers /metrics without one
 * with a 500 (a NullPointerException in its content negotiation; found by conformance.jvb.e2e.test.ts).
 */
export function requestHeaders(withJsonBody: boolean): Record<string, string> {
  return { Accept: "*/*", ...(withJsonBody ? { "Content-Type": "application/json" } : {}) };
}

/** A call straight to <ip>:8080, for bridges this machine can reach (the local test bed's, in-process ones). */
export function direct(ip: string, method: string, path: string, body?: string): Promise<BridgeResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: ip, port: 8080, method, path, timeout: 5_000, agent: false, headers: requestHeaders(body !== undefined) }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${ip}:8080${path} timed out`)));
    req.on("error", reject);
    req.end(body);
  });
}

async function proxied(bed: Testbed, pod: Pod, method: string, path: string, body?: string): Promise<BridgeResponse> {
  const raw = `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}:8080/proxy${path}`;
  try {
    const out = method === "GET" ? await kubectl(bed, ["get", "--raw", raw]) : await kubectl(bed, ["create", "--raw", raw, "-f", "-"], body ?? "{}");
    return { status: 200, body: out };
  } catch (error) {
    const match = /\((\d{3})\)|status code (\d{3})|Error from server \((\w+)\)/.exec(String(error));
    const named: Record<string, number> = { BadRequest: 400, NotFound: 404, ServiceUnavailable: 503, InternalError: 500 };
    return { status: Number(match?.[1] ?? match?.[2] ?? named[match?.[3] ?? ""] ?? 0), body: String(error) };
  }
}

export function bridgeCall(bed: Testbed, pod: Pod, method: "GET" | "POST", path: string, body?: string): Promise<BridgeResponse> {
  const ip = pod.status?.podIP;
  if (!ip) throw new Error(`pod ${pod.metadata.name} has no IP yet`);
  return bed.cluster === "local" ? direct(ip, method, path, body) : proxied(bed, pod, method, path, body);
}

export async function bridgeJson<T>(bed: Testbed, pod: Pod, path: string): Promise<T> {
  const res = await bridgeCall(bed, pod, "GET", path);
  if (res.status !== 200) throw new Error(`GET ${path} on ${pod.metadata.name}: HTTP ${res.status} ${res.body}`);
  return JSON.parse(res.body) as T;
}
