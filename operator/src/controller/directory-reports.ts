// Fleets with a `directory` section report their capacity and load to it every few seconds (a PUT with
// the fleet's bearer token), from the status of their latest reconcile. Reports go on a timer of their
// own, not on reconciles: the directory marks a fleet that stops reporting stale within seconds, so the
// reports must keep coming while nothing changes. A failure is logged and evented once per distinct
// error, never allowed to touch the fleet's bridges.

import type { FleetDirectory } from "../api/meetingfleet.ts";
import type { ReportBody } from "../directory/report.ts";
import { type KubeClient, resourcePath } from "../kube/client.ts";
import type { Metrics } from "../runtime/metrics.ts";
import type { EventRecorder, Regarding } from "./events.ts";

interface Reporting {
  regarding: Regarding;
  directory: FleetDirectory;
  name: string;
  body: ReportBody;
  token?: { value: string; readAt: number };
  lastError?: string;
}

const tokenTtlMs = 60_000;
const requestTimeoutMs = 3_000;

export class DirectoryReports {
  private readonly fleets = new Map<string, Reporting>();
  private timer: NodeJS.Timeout | undefined;
  private readonly deps: {
    kube: KubeClient;
    events: EventRecorder;
    metrics: Metrics;
    log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  };
  private readonly intervalMs: number;

  constructor(deps: DirectoryReports["deps"], intervalMs: number) {
    this.deps = deps;
    this.intervalMs = intervalMs;
  }

  /** The fleet's latest figures; reported from the next round on. */
  update(key: string, regarding: Regarding, directory: FleetDirectory, name: string, body: ReportBody): void {
    const known = this.fleets.get(key);
    const sameTarget = known && known.directory.url === directory.url && known.name === name && sameSecret(known.directory, directory);
    this.fleets.set(key, { regarding, directory, name, body, ...(sameTarget ? { token: known.token, lastError: known.lastError } : {}) });
  }

  /** The fleet is gone or no longer in a directory: one last report saying it takes no new rooms, then none. */
  stop(key: string): void {
    const known = this.fleets.get(key);
    if (!known) return;
    this.fleets.delete(key);
    void this.send(key, { ...known, body: { ...known.body, draining: true } });
  }

  start(): void {
    this.timer ??= setInterval(() => {
      for (const [key, reporting] of this.fleets) void this.send(key, reporting);
    }, this.intervalMs);
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async send(key: string, r: Reporting): Promise<void> {
    const labels = { namespace: r.regarding.namespace, fleet: r.regarding.name };
    let problem: string | undefined;
    try {
      const token = await this.token(r);
      if (typeof token !== "string") problem = token.problem;
      else {
        const url = `${r.directory.url.replace(/\/+$/, "")}/api/v1/deployments/${encodeURIComponent(r.name)}/report`;
        const response = await fetch(url, {
          method: "PUT",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify(r.body),
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
        const answer = (await response.text()).trim();
        if (response.ok) this.deps.metrics.directoryReports.inc({ ...labels, result: "accepted" });
        else {
          this.deps.metrics.directoryReports.inc({ ...labels, result: "refused" });
          this.problem(key, r, `the directory refused the report (${response.status}): ${answer}`);
          return;
        }
      }
    } catch (error) {
      problem = `the directory at ${r.directory.url} did not answer: ${(error as Error).message}`;
    }
    if (problem !== undefined) {
      this.deps.metrics.directoryReports.inc({ ...labels, result: "failed" });
      this.problem(key, r, problem);
    } else if (r.lastError !== undefined) {
      r.lastError = undefined;
      this.deps.log.info({ fleet: key }, "Reports to the directory accepted again");
    }
  }

  private problem(key: string, r: Reporting, message: string): void {
    if (r.lastError === message) return;
    r.lastError = message;
    this.deps.log.warn({ fleet: key, message }, "Directory report failed");
    this.deps.events.record(r.regarding, "Warning", "DirectoryReportFailed", "Report", message);
  }

  /** The token, or why there is none (named so that the Event tells an SRE what to fix). */
  private async token(r: Reporting): Promise<string | { problem: string }> {
    const now = Date.now();
    if (r.token && now - r.token.readAt < tokenTtlMs) return r.token.value;
    const ref = r.directory.tokenSecretRef;
    const secret = await this.deps.kube.get<{ data?: Record<string, string> }>(
      resourcePath({ version: "v1", plural: "secrets", namespace: r.regarding.namespace, name: ref.name }),
    );
    const where = `Secret ${r.regarding.namespace}/${ref.name}`;
    if (secret === undefined) return { problem: `${where} (spec.directory.tokenSecretRef) does not exist` };
    const data = secret.data?.[ref.key];
    if (data === undefined) return { problem: `no key "${ref.key}" in ${where}` };
    const value = Buffer.from(data, "base64").toString("utf8").trim();
    r.token = { value, readAt: now };
    return value;
  }
}

function sameSecret(a: FleetDirectory, b: FleetDirectory): boolean {
  return a.tokenSecretRef.name === b.tokenSecretRef.name && a.tokenSecretRef.key === b.tokenSecretRef.key;
}
