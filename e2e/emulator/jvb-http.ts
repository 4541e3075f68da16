// JVB's private REST API on <podIP>:8080, as the jitsi/jvb image serves it with COLIBRI_REST_ENABLED
// and SHUTDOWN_REST_ENABLED on: the same paths, status codes and bodies (Drain.java, Shutdown.java,
// VideobridgeMetrics.kt), so the operator cannot tell it from a real bridge.

import http from "node:http";
import type { AddressInfo } from "node:net";
import type { EmulatedBridge } from "./bridge.ts";
import { answerStats, type Fault, flappedDown } from "./faults.ts";

export function renderMetrics(bridge: EmulatedBridge): string {
  const s = bridge.stats();
  const gauges: Array<[string, string, number]> = [
    ["stress", "Current stress (load / load-threshold).", s.stress_level],
    ["conferences", "Current number of conferences.", s.conferences],
    ["local_endpoints", "Current number of local endpoints.", s.local_endpoints],
    ["active_endpoints", "The number of active local endpoints (in a conference where at least one endpoint sends audio or video).", s.local_active_endpoints],
    ["largest_conference", "Size of the largest conference.", s.largest_conference],
    ["drain_mode", "Whether the bridge is in drain shutdown mode.", bridge.draining ? 1 : 0],
    ["graceful_shutdown", "Whether the bridge is in graceful shutdown mode.", bridge.state !== "RUNNING" ? 1 : 0],
    ["shutting_down", "Whether the bridge is shutting down.", bridge.state === "SHUTTING_DOWN" ? 1 : 0],
  ];
  return gauges.map(([name, help, value]) => `# HELP jitsi_jvb_${name} ${help}\n# TYPE jitsi_jvb_${name} gauge\njitsi_jvb_${name} ${value}\n`).join("");
}

const maxBodyBytes = 64 * 1024;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > maxBodyBytes) reject(new Error("body too large"));
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

/** Parses {"graceful-shutdown": boolean}; the field is required, as Jackson enforces it in JVB. */
export function parseShutdownBody(body: string): boolean | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === "object" && "graceful-shutdown" in parsed) {
      const graceful = (parsed as Record<string, unknown>)["graceful-shutdown"];
      if (typeof graceful === "boolean") return graceful;
    }
  } catch {
    // fall through: a malformed body is a 400, like Jackson's mapping error
  }
  return undefined;
}

/** The fault the test bed injected into this bridge's answers, if any (faults.ts). */
export type FaultOf = () => Fault | undefined;

async function route(bridge: EmulatedBridge, fault: Fault | undefined, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://bridge").pathname;
  const json = (status: number, value: unknown): void => {
    res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(value));
  };
  const empty = (status: number): void => {
    res.writeHead(status).end();
  };
  const key = `${req.method} ${path}`;

  if (fault === "flapping" && key === "GET /about/health" && flappedDown(Date.now())) return empty(500);
  if (fault && key === "GET /colibri/stats") return answerStats(fault, bridge.stats(), res, Date.now());
  switch (key) {
    case "GET /about/health":
      return empty(200); // JVB answers a healthy check with an empty body (measured: conformance.jvb.e2e.test.ts)
    case "GET /about/version":
      return json(200, { name: "JVB", version: bridge.config.version, os: "Linux" });
    case "GET /colibri/stats":
      return json(200, bridge.stats());
    case "GET /colibri/drain":
      return json(200, { drain: bridge.draining });
    case "POST /colibri/drain/enable":
      bridge.setDrain(true);
      return empty(200);
    case "POST /colibri/drain/disable":
      bridge.setDrain(false);
      return empty(200);
    case "POST /colibri/shutdown": {
      const graceful = parseShutdownBody(await readBody(req));
      if (graceful === undefined) return empty(400);
      bridge.initiateShutdown(graceful);
      return empty(200);
    }
    case "GET /metrics":
      res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" }).end(renderMetrics(bridge));
      return;
  }
  const knownPaths = [
    "/about/health",
    "/about/version",
    "/colibri/stats",
    "/colibri/drain",
    "/colibri/drain/enable",
    "/colibri/drain/disable",
    "/colibri/shutdown",
    "/metrics",
  ];
  empty(knownPaths.includes(path) ? 405 : 404);
}

export interface RunningServer {
  /** The port it listens on (the one asked for, or the one given for 0). */
  port: number;
  close(): Promise<void>;
}

/** Serves the bridge's REST API on host:port (0: any free port) until closed (the bridge process ends). */
export async function serveBridge(bridge: EmulatedBridge, host: string, port: number, faultOf: FaultOf = () => undefined): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    route(bridge, faultOf(), req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
