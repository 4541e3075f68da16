// A test-bed process the tests start (the operator, Karpenter): its output in the test bed's logs, stopped by
// PID (SIGTERM, then SIGKILL after 5 s), and ready when its health endpoint answers.

import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import path from "node:path";
import { eventually, type Testbed } from "./testbed.ts";

export interface RunningProcess {
  pid: number;
  logFile: string;
  /** SIGTERM, then SIGKILL if it has not exited in 5 s. */
  stop(): Promise<void>;
  /** SIGKILL at once: a crash. */
  kill(): Promise<void>;
  /** Resolves with the exit code (or the signal) when the process ends by itself or is stopped. */
  exited: Promise<number | NodeJS.Signals>;
}

export function startProcess(bed: Testbed, name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): RunningProcess {
  const logFile = path.join(bed.dir, "logs", `${name}-${Date.now()}.log`);
  const out = openSync(logFile, "a");
  const child = spawn(command, args, { stdio: ["ignore", out, out], env });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} did not start`);
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? 0)));
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timeout = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timeout);
  };
  return { pid, logFile, stop: () => end("SIGTERM"), kill: () => end("SIGKILL"), exited };
}

/** Waits until `url` answers 2xx; fails early, naming the log, if the process exits first. */
export async function waitHealthy(process: RunningProcess, name: string, url: string, timeoutMs = 30_000): Promise<void> {
  let exitCode: number | NodeJS.Signals | undefined;
  void process.exited.then((code) => {
    exitCode = code;
  });
  await eventually(
    `${name} ${url} (log ${process.logFile})`,
    async () => {
      if (exitCode !== undefined) throw new Error(`${name} exited with ${exitCode}; see ${process.logFile}`);
      return (await fetch(url)).ok;
    },
    timeoutMs,
  );
}
