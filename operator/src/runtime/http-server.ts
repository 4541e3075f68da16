// /healthz (the process runs), /readyz (caches synced and, with leader election, leading or standing
// by) and /metrics for Prometheus.

import http from "node:http";
import type { Registry } from "prom-client";

export function serveHealth(address: { host: string; port: number }, registry: Registry, ready: () => boolean): Promise<http.Server> {
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://operator").pathname;
    if (path === "/healthz") return void res.writeHead(200).end("ok");
    if (path === "/readyz") return void (ready() ? res.writeHead(200).end("ok") : res.writeHead(503).end("not ready"));
    if (path === "/metrics") {
      res.writeHead(200, { "Content-Type": registry.contentType }).end(await registry.metrics());
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(address.port, address.host, () => resolve(server));
  });
}
