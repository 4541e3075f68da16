// A real Prometheus (Debian's package) on loopback for the e2e suite: scrapes what the test names,
// answers PromQL over its HTTP API, and is stopped by PID.

import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { eventually, freePort } from "./testbed.ts";

export const prometheusBinary = process.env.PROMETHEUS ?? "/usr/bin/prometheus";
export const promtoolBinary = process.env.PROMTOOL ?? "/usr/bin/promtool";

export interface ScrapeTarget {
  address: string;
  labels: Record<string, string>;
}

export interface RunningPrometheus {
  pid: number;
  url: string;
  /** Replaces the bridges Prometheus scrapes (file-based discovery, re-read within seconds). */
  setBridgeTargets(targets: ScrapeTarget[]): void;
  /** An instant query; `at` in ms since the epoch (default: now). */
  query(expr: string, at?: number): Promise<{ resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> }>;
  stop(): Promise<void>;
}

/** Scrapes the operator at `operatorTarget` (host:port), the bridges set later, and the directory when given. */
export async function startPrometheus(dir: string, operatorTarget: string, directoryTarget?: string): Promise<RunningPrometheus> {
  if (!existsSync(prometheusBinary)) throw new Error(`${prometheusBinary} missing: \`make setup\` installs Debian's prometheus package`);
  const work = path.join(dir, `prometheus-${Date.now()}`);
  mkdirSync(work, { recursive: true });
  const bridgesFile = path.join(work, "bridges.json");
  writeFileSync(bridgesFile, "[]");
  writeFileSync(
    path.join(work, "prometheus.yml"),
    stringify({
      global: { scrape_interval: "1s", evaluation_interval: "1s" },
      scrape_configs: [
        { job_name: "meetingfleet-operator", static_configs: [{ targets: [operatorTarget] }] },
        { job_name: "jitsi-videobridge", file_sd_configs: [{ files: [bridgesFile], refresh_interval: "1s" }] },
        ...(directoryTarget ? [{ job_name: "meetingfleet-directory", static_configs: [{ targets: [directoryTarget] }] }] : []),
      ],
    }),
  );
  const port = await freePort();
  const log = openSync(path.join(work, "prometheus.log"), "a");
  const child = spawn(
    prometheusBinary,
    [
      `--config.file=${path.join(work, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(work, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", log, log] },
  );
  if (child.pid === undefined) throw new Error("prometheus did not start");
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  // Its work directory (config, TSDB, log) goes with it: the test bed's directory is reused run after run.
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timeout = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timeout);
    }
    closeSync(log);
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await eventually(
      "prometheus /-/ready",
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}`);
        return (await fetch(`${url}/-/ready`)).ok;
      },
      30_000,
    );
  } catch (error) {
    // Its log goes with its work directory: what it said is kept in the error.
    const said = readFileSync(path.join(work, "prometheus.log"), "utf8").slice(-2_000);
    await stop();
    throw new Error(`${String(error)}; prometheus said: ${said}`);
  }
  return {
    pid: child.pid,
    url,
    setBridgeTargets(targets) {
      writeFileSync(bridgesFile, JSON.stringify(targets.map((t) => ({ targets: [t.address], labels: t.labels }))));
    },
    async query(expr, at = Date.now()) {
      const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr, time: String(at / 1000) })}`);
      const body = (await res.json()) as { status: string; error?: string; data: { resultType: string; result: [] } };
      if (body.status !== "success") throw new Error(`query ${expr} failed: ${body.error}`);
      return body.data;
    },
    stop,
  };
}
