// The test bed's control API on 127.0.0.1 (not part of JVB): tests, the demo and users read the
// driver's figures here (interrupted conferences above all) and start or stop load. The emulator serves it
// with its simulated Jicofo and users; with real Jitsi, the JVB runner serves it with synthetic participants.
//   GET  /healthz            200 once the pod watch has synced
//   GET  /driver             DriverStats
//   GET  /bridges            every emulated bridge: pod, IP, state, drain, participants, stress
//   POST /driver/load        body: a load script (see load.ts) or {"trace": "<csv text>"}; 400 names the fault
//   POST /driver/stop        pending arrivals dropped; running conferences go on
//   POST /driver/end-all     every running conference ends normally
//   POST /bridges/fault      body: {"namespace", "pod", "fault": one of faults.ts, or null to heal}; emulator only

import http from "node:http";
import { z } from "zod";
import { describeZodError } from "../../operator/src/util/zod-error.ts";
import type { DriverStats } from "./driver.ts";
import { type Fault, faultSchema } from "./faults.ts";
import { loadArrivals, loadScriptSchema } from "./load.ts";
import { type ConferenceArrival, parseTrace, TraceError } from "./trace.ts";

/** What plays the meetings: the emulator's conference driver, or real-Jitsi synthetic participants. */
export interface LoadDriver {
  replay(arrivals: readonly ConferenceArrival[]): void;
  stopLoad(): void;
  endAll(): void | Promise<void>;
  stats(): DriverStats;
}

export interface ControlDeps {
  driver: LoadDriver;
  /** One row per bridge the test bed runs. */
  bridgeRows: () => unknown[];
  ready: () => boolean;
  /** Injects a fault into one bridge's answers (the emulator only); false when no such bridge runs. */
  setFault?: (namespace: string, pod: string, fault: Fault | undefined) => boolean;
}

const faultRequestSchema = z.object({ namespace: z.string(), pod: z.string(), fault: faultSchema.nullable() });

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  let body = "";
  for await (const chunk of req) body += String(chunk);
  return body === "" ? {} : JSON.parse(body);
}

export function startLoad(driver: LoadDriver, body: unknown): { started: number } {
  if (body !== null && typeof body === "object" && "trace" in body && typeof body.trace === "string") {
    const arrivals = parseTrace(body.trace);
    driver.replay(arrivals);
    return { started: arrivals.length };
  }
  const script = loadScriptSchema.parse(body);
  const arrivals = loadArrivals(script);
  driver.replay(arrivals);
  return { started: arrivals.length };
}

export function serveControl({ driver, bridgeRows, ready, setFault }: ControlDeps, host: string, port: number): Promise<http.Server> {
  const server = http.createServer(async (req, res) => {
    const send = (status: number, value: unknown) => res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(value));
    try {
      switch (`${req.method} ${new URL(req.url ?? "/", "http://control").pathname}`) {
        case "GET /healthz":
          return void (ready() ? send(200, { ok: true }) : send(503, { ok: false, reason: "pod watch not synced" }));
        case "GET /driver":
          return void send(200, driver.stats());
        case "GET /bridges":
          return void send(200, bridgeRows());
        case "POST /driver/load":
          return void send(200, startLoad(driver, await readJson(req)));
        case "POST /driver/stop":
          driver.stopLoad();
          return void send(200, { ok: true });
        case "POST /driver/end-all":
          await driver.endAll();
          return void send(200, { ok: true });
        case "POST /bridges/fault": {
          if (!setFault) return void send(501, { error: "only emulated bridges take faults" });
          const { namespace, pod, fault } = faultRequestSchema.parse(await readJson(req));
          return void (setFault(namespace, pod, fault ?? undefined) ? send(200, { ok: true }) : send(404, { error: `no bridge ${namespace}/${pod}` }));
        }
        default:
          return void send(404, { error: "not found" });
      }
    } catch (error) {
      if (error instanceof z.ZodError) return void send(400, { error: describeZodError(error) });
      if (error instanceof TraceError || error instanceof SyntaxError) return void send(400, { error: error.message });
      send(500, { error: String(error) });
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
