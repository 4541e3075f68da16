// The directory as a test-bed process: started on a free loopback port with a registrations file,
// ready when /healthz answers, stopped by PID.

import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { StatsSource } from "../../operator/src/api/donor.ts";
import { tokenDigest } from "../../operator/src/directory/tokens.ts";
import { type RunningProcess, startProcess, waitHealthy } from "./process.ts";
import type { Testbed } from "./testbed.ts";

/** One admitted deployment: its report token in clear (the file gets its digest), or the stats the directory polls. */
export interface AdmittedDeployment {
  name: string;
  token?: string;
  url?: string;
  displayName?: string;
  region?: string;
  stats?: StatsSource;
}

export interface DirectoryOnBed {
  base: string;
  /** (Re)starts the process; the port and registrations stay. */
  start(): Promise<RunningProcess>;
  stop(): Promise<void>;
}

export function directoryOnBed(
  bed: Testbed,
  port: number,
  admitted: readonly AdmittedDeployment[],
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): DirectoryOnBed {
  const base = `http://127.0.0.1:${port}`;
  const registrations = path.join(bed.dir, `directory-registrations-${process.pid}-${port}.json`);
  let running: RunningProcess | undefined;
  const args = [
    path.join(import.meta.dirname, "../../operator/src/directory/main.ts"),
    "--registrations",
    registrations,
    "--listen-address",
    `127.0.0.1:${port}`,
  ];
  return {
    base,
    // Written at each start and removed at each stop: a restarted directory reads the same registrations.
    async start() {
      writeFileSync(
        registrations,
        JSON.stringify(admitted.map(({ token, ...details }) => ({ ...details, ...(token ? { tokenSha256: tokenDigest(token) } : {}) }))),
      );
      running = startProcess(bed, "directory", process.execPath, [...args, ...extraArgs], env);
      await waitHealthy(running, "directory", `${base}/healthz`);
      return running;
    },
    async stop() {
      await running?.stop();
      rmSync(registrations, { force: true });
    },
  };
}

/** A plain server's own report, as `PUT /api/v1/deployments/<name>/report` takes it. */
export async function putReport(base: string, name: string, token: string, report: object): Promise<number> {
  const response = await fetch(`${base}/api/v1/deployments/${name}/report`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${token}` },
    body: JSON.stringify(report),
  });
  await response.arrayBuffer();
  return response.status;
}
