// Calls to a bridge's private REST API (jitsi.md): stats, drain, shutdown. Node's fetch keeps
// connections alive per origin; every call has a timeout so one hung bridge cannot stall a reconcile.

import { z } from "zod";
import type { BridgeFigures } from "../fleet/plan.ts";

export type BridgeReading = Omit<BridgeFigures, "readAt">;

export interface JvbClient {
  figures(ip: string): Promise<BridgeReading>;
  setDrain(ip: string, enabled: boolean): Promise<void>;
  shutdown(ip: string, graceful: boolean): Promise<void>;
}

// Only the fields the operator uses; the rest of /colibri/stats passes through unread.
const statsSchema = z.object({
  stress_level: z.number(),
  conferences: z.number(),
  local_endpoints: z.number().optional(),
  participants: z.number().optional(),
  octo_endpoints: z.number().optional(),
  drain: z.boolean().optional(),
  shutting_down: z.boolean().optional(),
});

/** Participants who really live on the bridge: local_endpoints, or participants - octo_endpoints on older JVBs. */
export function figuresFromStats(body: unknown): BridgeReading {
  const stats = statsSchema.parse(body);
  const participants = stats.local_endpoints ?? (stats.participants !== undefined ? stats.participants - (stats.octo_endpoints ?? 0) : undefined);
  if (participants === undefined) throw new Error("stats carry neither local_endpoints nor participants");
  return { participants, conferences: stats.conferences, stress: stats.stress_level, drain: stats.drain ?? false, shuttingDown: stats.shutting_down ?? false };
}

export function httpJvbClient(port = 8080, timeoutMs = 2_000): JvbClient {
  const call = async (ip: string, method: "GET" | "POST", path: string, body?: object) => {
    const res = await fetch(`http://${ip}:${port}${path}`, {
      method,
      signal: AbortSignal.timeout(timeoutMs),
      ...(body ? { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${ip}:${port}${path}: HTTP ${res.status}`);
    return res;
  };
  return {
    async figures(ip) {
      return figuresFromStats(await (await call(ip, "GET", "/colibri/stats")).json());
    },
    async setDrain(ip, enabled) {
      await (await call(ip, "POST", `/colibri/drain/${enabled ? "enable" : "disable"}`)).arrayBuffer();
    },
    async shutdown(ip, graceful) {
      await (await call(ip, "POST", "/colibri/shutdown", { "graceful-shutdown": graceful })).arrayBuffer();
    },
  };
}
