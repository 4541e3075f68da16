// `make bench-directory`: how the directory holds a crowd, on this machine.
// 1. Joins: GET /join/<room> against the directory (a child process on loopback, 50 deployments of
//    100-1,000 bridges that report every second, 30 % new rooms: the rooms a directory counts against a
//    deployment for a minute must all fit, or the run measures refusals), from 32 keep-alive connections
//    for DURATION seconds (5 by
//    default); beside it, the same load against a bare node:http server that answers every request
//    with a fixed redirect: the ceiling of this machine and this client. Joins per second and latency.
// 2. A burst of 1,000 new rooms over 50 donated deployments, 20 draws: placed as in 2020, at random
//    and by the directory; how unevenly each spreads it. Medians.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { tokenDigest } from "../../../operator/src/directory/tokens.ts";
import { median } from "../median.ts";
import { seededRandom } from "../traces.ts";
import { burstFigures, drawDeployments, placeBurst, placements } from "./burst.ts";

const durationS = Number(process.env.DURATION ?? 5);
const connections = 32;
const deploymentCount = 50;
const repoRoot = path.resolve(import.meta.dirname, "../../..");

interface Server {
  child: ChildProcess;
  port: number;
}

/** Starts a node program that prints a JSON line with its port; resolves once it listens. */
function startServer(args: string[]): Promise<Server> {
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const port = /"port":(\d+)/.exec(out)?.[1];
      if (port) resolve({ child, port: Number(port) });
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code} before listening: ${out}`)));
  });
}

function stopServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    server.child.once("exit", () => resolve());
    process.kill(server.child.pid!, "SIGTERM");
  });
}

function request(agent: http.Agent, port: number, method: string, urlPath: string, body?: string, headers: http.OutgoingHttpHeaders = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: urlPath, agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

interface LoadFigures {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Map<number, number>;
}

async function joinLoad(port: number): Promise<LoadFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const roomFor = () => {
    next++;
    // 30 % new rooms, the rest joins of rooms already asked for.
    return next % 10 < 3 ? `new-room-${next}` : `new-room-${Math.floor(Math.random() * next)}`;
  };
  const run = async (until: number, record: boolean) => {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < until) {
          const started = performance.now();
          const status = await request(agent, port, "GET", `/join/${roomFor()}`);
          if (record) {
            latencies.push(performance.now() - started);
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
          }
        }
      }),
    );
  };
  await run(performance.now() + 1000, false);
  const started = performance.now();
  await run(started + durationS * 1000, true);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { perSecond: latencies.length / elapsed, p50Ms: at(0.5), p99Ms: at(0.99), statuses };
}

async function benchJoins(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "directory-bench-"));
  const names = Array.from({ length: deploymentCount }, (_, i) => `deployment-${i}`);
  const registrations = names.map((name, i) => ({
    name,
    url: `https://${name}.example.org`,
    displayName: name,
    region: `region-${i % 5}`,
    tokenSha256: tokenDigest(`token-${name}`),
  }));
  writeFileSync(path.join(dir, "registrations.json"), JSON.stringify(registrations));
  const bare = await startServer([
    "-e",
    `const s = require("node:http").createServer((q, r) => r.writeHead(302, { Location: "https://deployment.example.org" + q.url }).end());
     s.keepAliveTimeout = 65000; s.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: s.address().port })));
     process.on("SIGTERM", () => { s.closeAllConnections(); s.close(() => process.exit(0)); });`,
  ]);
  const directory = await startServer([
    "operator/src/directory/main.ts",
    "--registrations",
    path.join(dir, "registrations.json"),
    "--listen-address",
    "127.0.0.1:0",
  ]);
  const reportAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const random = seededRandom(7);
  const reportAll = () =>
    Promise.all(
      names.map((name) => {
        const maxBridges = 100 + Math.floor(random() * 900);
        const body = JSON.stringify({ bridgesReady: maxBridges, maxBridges, participants: 50, conferences: 8, stress: maxBridges * 0.3 * random() });
        return request(reportAgent, directory.port, "PUT", `/api/v1/deployments/${name}/report`, body, {
          Authorization: `Bearer token-${name}`,
          "Content-Type": "application/json",
        });
      }),
    );
  let lastRound: Promise<unknown> = Promise.resolve();
  const reporting = setInterval(() => {
    lastRound = reportAll();
  }, 1000);
  try {
    const accepted = await reportAll();
    if (accepted.some((s) => s !== 204)) throw new Error(`reports refused: ${accepted.join(",")}`);
    const ceiling = await joinLoad(bare.port);
    const ours = await joinLoad(directory.port);
    const redirects = ours.statuses.get(302) ?? 0;
    console.log(`joins: ${connections} keep-alive connections for ${durationS} s, 30 % new rooms, ${deploymentCount} deployments reporting every second`);
    console.log("server                      joins/s   p50 ms   p99 ms");
    for (const [name, f] of [
      ["bare node:http redirect", ceiling],
      ["directory /join", ours],
    ] as const)
      console.log(`${name.padEnd(26)} ${f.perSecond.toFixed(0).padStart(8)} ${f.p50Ms.toFixed(2).padStart(8)} ${f.p99Ms.toFixed(2).padStart(8)}`);
    console.log(
      `directory over the bare server: ${(ours.perSecond / ceiling.perSecond).toFixed(2)}x the joins per second; ${redirects} of ${[...ours.statuses.values()].reduce((a, b) => a + b, 0)} answered with a redirect`,
    );
  } finally {
    clearInterval(reporting);
    await lastRound;
    reportAgent.destroy();
    await Promise.all([stopServer(bare), stopServer(directory)]);
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchBurst(): void {
  const draws = 20;
  const rooms = 1000;
  const figures = new Map(placements.map((p) => [p, [] as Array<ReturnType<typeof burstFigures>>]));
  for (let seed = 1; seed <= draws; seed++) {
    const deployments = drawDeployments(seededRandom(seed), deploymentCount);
    for (const placement of placements) {
      const sent = placeBurst(placement, deployments, rooms, seededRandom(1000 + seed));
      figures.get(placement)!.push(burstFigures(deployments, sent, rooms));
    }
  }
  console.log(
    `\nburst: ${rooms} new rooms over ${deploymentCount} deployments (1-20 bridges, 0-60 % load, 1 in 10 draining or not reporting), ${draws} draws: medians`,
  );
  console.log("placement        worst over fair share  peak load  pushed past full  to unhealthy  refused");
  for (const [placement, fs] of figures) {
    const m = (pick: (f: ReturnType<typeof burstFigures>) => number) => median(fs.map(pick));
    const over = m((f) => f.worstOverShare);
    console.log(
      `${placement.padEnd(16)} ${(Number.isFinite(over) ? `${over.toFixed(2)}x` : "unbounded").padStart(21)} ${`${(m((f) => f.peakLoad) * 100).toFixed(0)} %`.padStart(10)} ${m(
        (f) => f.pushedPastFull,
      )
        .toFixed(0)
        .padStart(17)} ${m((f) => f.sentToUnhealthy)
        .toFixed(0)
        .padStart(13)} ${m((f) => f.refused)
        .toFixed(0)
        .padStart(8)}`,
    );
  }
}

benchBurst();
await benchJoins();
