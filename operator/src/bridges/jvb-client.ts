// Calls to a bridge's private REST API (jitsi.md): stats, drain, shutdown. Node's fetch keeps
// connections alive per origin; every call has a timeout so one hung bridge cannot stall a reconcile, and
// a stats body is read only up to a bound, so a broken or hostile bridge cannot fill the operator's memory.
// Figures that are absurd (negative or fractional counts, stress beyond any real bridge, wrong types) are
// refused like unreadable ones: the bridge's figures are then unknown, never zero.

import { z } from "zod";
import type { BridgeFigures } from "../fleet/plan.ts";
import { describeZodError } from "../util/zod-error.ts";

export type BridgeReading = Omit<BridgeFigures, "readAt">;

export interface JvbClient {
  figures(ip: string): Promise<BridgeReading>;
  setDrain(ip: string, enabled: boolean): Promise<void>;
  shutdown(ip: string, graceful: boolean): Promise<void>;
}

/** A real JVB's stats are about 4 KB; 256 times that is no bridge's answer. */
export const maxStatsBytes = 1024 * 1024;
/** Stress is load over threshold: a bridge far past 1 is possible, past this it is a broken figure. */
const maxStress = 1_000;
/** More endpoints or conferences than any bridge could hold. */
const maxCount = 100_000;
const count = z.number().int().min(0).max(maxCount);

// Only the fields the operator uses; the rest of /colibri/stats passes through unread.
const statsSchema = z.object({
  stress_level: z.number().min(0).max(maxStress),
  conferences: count,
  local_endpoints: count.optional(),
  participants: count.optional(),
  octo_endpoints: count.optional(),
  largest_conference: count.optional(),
  drain: z.boolean().optional(),
  shutting_down: z.boolean().optional(),
});

/** Participants who really live on the bridge: local_endpoints, or participants - octo_endpoints on older JVBs. */
export function figuresFromStats(body: unknown): BridgeReading {
  const parsed = statsSchema.safeParse(body);
  if (!parsed.success) throw new Error(`stats refused: ${describeZodError(parsed.error)}`);
  const stats = parsed.data;
  const participants = stats.local_endpoints ?? (stats.participants !== undefined ? stats.participants - (stats.octo_endpoints ?? 0) : undefined);
  if (participants === undefined) throw new Error("stats carry neither local_endpoints nor participants");
  if (participants < 0) throw new Error("stats count more relayed endpoints than endpoints");
  return {
    participants,
    conferences: stats.conferences,
    stress: stats.stress_level,
    ...(stats.largest_conference === undefined ? {} : { largestConference: stats.largest_conference }),
    drain: stats.drain ?? false,
    shuttingDown: stats.shutting_down ?? false,
  };
}

/** The body as text, refused (and the connection dropped) once it grows past `limit` bytes. */
export async function boundedText(res: Response, limit: number): Promise<string> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > limit) {
    await res.body?.cancel();
    throw new Error(`body of ${declared} bytes exceeds ${limit}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!res.body) return "";
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new Error(`body exceeds ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
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
      return figuresFromStats(JSON.parse(await boundedText(await call(ip, "GET", "/colibri/stats"), maxStatsBytes)));
    },
    async setDrain(ip, enabled) {
      await (await call(ip, "POST", `/colibri/drain/${enabled ? "enable" : "disable"}`)).arrayBuffer();
    },
    async shutdown(ip, graceful) {
      await (await call(ip, "POST", "/colibri/shutdown", { "graceful-shutdown": graceful })).arrayBuffer();
    },
  };
}
