// The directory's poll of plain Jitsi servers: every interval, each polled deployment's stats URLs are
// fetched (with a timeout and a size bound, so one hung or hostile server costs nothing else), and what
// answered becomes its load report. A server none of whose URLs answer reports nothing and goes stale,
// then out, by the same clock as a fleet that stopped reporting.

import type { StatsSource } from "../api/donor.ts";
import { boundedText, maxStatsBytes } from "../bridges/jvb-client.ts";
import type { Directory } from "./directory.ts";
import { readingFromBody, reportFromReadings } from "./stats-source.ts";

export interface PolledDeployment {
  name: string;
  stats: StatsSource;
}

export interface PollerDeps {
  directory: Directory;
  countPoll: (result: "ok" | "failed") => void;
  /** Told once when a deployment's poll starts failing, with why, and once when it answers again. */
  onChange: (name: string, problem: string | undefined) => void;
  intervalMs: number;
  timeoutMs: number;
}

export class StatsPoller {
  private timer: NodeJS.Timeout | undefined;
  private readonly problems = new Map<string, string>();

  private readonly deployments: () => readonly PolledDeployment[];
  private readonly deps: PollerDeps;

  /** `deployments`: asked every round, so that deployments admitted or removed meanwhile are followed. */
  constructor(deployments: () => readonly PolledDeployment[], deps: PollerDeps) {
    this.deployments = deployments;
    this.deps = deps;
  }

  start(): void {
    const round = () => Promise.all(this.deployments().map((d) => this.poll(d)));
    void round();
    this.timer = setInterval(round, this.deps.intervalMs);
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One deployment, once: resolves when its report (or its absence) is recorded. */
  async poll(d: PolledDeployment): Promise<void> {
    const readings = await Promise.all(
      d.stats.urls.map(async (url) => {
        try {
          const response = await fetch(url, { signal: AbortSignal.timeout(this.deps.timeoutMs) });
          if (!response.ok) {
            await response.body?.cancel();
            throw new Error(`HTTP ${response.status}`);
          }
          return readingFromBody(d.stats.format, await boundedText(response, maxStatsBytes));
        } catch (error) {
          return new Error(`${url}: ${(error as Error).message}`);
        }
      }),
    );
    const report = reportFromReadings(readings);
    if (report) this.deps.directory.report(d.name, report, Date.now());
    this.deps.countPoll(report ? "ok" : "failed");
    const problem = report ? undefined : `no stats URL answered: ${readings.map((r) => (r as Error).message).join("; ")}`;
    if (problem !== this.problems.get(d.name)) {
      if (problem) this.problems.set(d.name, problem);
      else this.problems.delete(d.name);
      this.deps.onChange(d.name, problem);
    }
  }
}
