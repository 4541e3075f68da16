// Ways a bridge's REST API can be broken or hostile, for the fault-injection suite: set on one emulated
// bridge through the control API, and played on its GET /colibri/stats (and, when flapping, its health).
// The bridge itself goes on hosting its conferences: only what the operator reads from it is wrong.

import type http from "node:http";
import { z } from "zod";
import type { ColibriStats } from "./bridge.ts";

export const faultSchema = z.enum([
  /** Correct figures, but only after `slowAnswerMs`: past any sensible scrape timeout. */
  "slow",
  /** Accepts the request and never answers. */
  "hang",
  "error",
  /** JSON cut off in the middle. */
  "malformed",
  /** A well-formed body of `hugeBodyBytes`, streamed without a length. */
  "huge",
  /** Numbers as strings and booleans. */
  "wrong-types",
  "negative",
  /** A bare NaN, as some JSON writers emit it. */
  "nan-stress",
  "huge-stress",
  /** Healthy and unhealthy (health and stats 500) in turns of `flapMs`. */
  "flapping",
]);
export type Fault = z.infer<typeof faultSchema>;

export const slowAnswerMs = 6_000;
export const hugeBodyBytes = 64 * 1024 * 1024;
export const flapMs = 3_000;

/** Whether a flapping bridge is in its unhealthy turn at `now`. */
export const flappedDown = (now: number) => Math.floor(now / flapMs) % 2 === 1;

/** Answers GET /colibri/stats as the fault has it. */
export function answerStats(fault: Fault, stats: ColibriStats, res: http.ServerResponse, now: number): void {
  const json = (value: unknown) => void res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(value));
  switch (fault) {
    case "slow": {
      const timer = setTimeout(() => json(stats), slowAnswerMs);
      res.once("close", () => clearTimeout(timer));
      return;
    }
    case "hang":
      return; // the server's closeAllConnections() ends it when the bridge stops
    case "error":
      res.writeHead(500).end("Internal Server Error");
      return;
    case "malformed":
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(stats).slice(0, 40));
      return;
    case "huge":
      streamHugeBody(stats, res);
      return;
    case "wrong-types":
      json({ ...stats, stress_level: String(stats.stress_level), conferences: String(stats.conferences), local_endpoints: true });
      return;
    case "negative":
      json({ ...stats, conferences: -3, local_endpoints: -40, participants: -40 });
      return;
    case "nan-stress":
      res
        .writeHead(200, { "Content-Type": "application/json" })
        .end(JSON.stringify({ ...stats, stress_level: 0 }).replace('"stress_level":0', '"stress_level":NaN'));
      return;
    case "huge-stress":
      json({ ...stats, stress_level: 1e300 });
      return;
    case "flapping":
      if (flappedDown(now)) res.writeHead(500).end();
      else json(stats);
      return;
  }
}

/** Valid JSON whose padding field makes it `hugeBodyBytes` long, written as fast as the reader takes it. */
function streamHugeBody(stats: ColibriStats, res: http.ServerResponse): void {
  const head = `${JSON.stringify(stats).slice(0, -1)},"padding":"`;
  const chunk = "x".repeat(64 * 1024);
  let sent = head.length;
  res.writeHead(200, { "Content-Type": "application/json" });
  res.write(head);
  const pump = () => {
    while (!res.destroyed && sent < hugeBodyBytes) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
    if (!res.destroyed) res.end('"}');
  };
  pump();
}
