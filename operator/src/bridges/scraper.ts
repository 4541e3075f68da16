// Reads /colibri/stats from every bridge every few seconds, many at once but at most `concurrency` in
// flight. A bridge whose last good answer is older than `staleAfterMs` has unknown figures: never zero.
// When a bridge's figures change in a way that matters to a decision (participants, conferences, drain,
// shutdown, known vs unknown), the owning fleet is told so its reconcile runs at once.

import type { BridgeFigures } from "../fleet/plan.ts";
import type { JvbClient } from "./jvb-client.ts";

export interface ScraperOptions {
  intervalMs: number;
  staleAfterMs: number;
  concurrency: number;
}

export interface ScrapeObserver {
  changed(owner: string): void;
  scraped(durationMs: number, ok: boolean): void;
  /** Every bridge was read once (a round), in this time. */
  round(durationMs: number): void;
  /** A bridge's stats could not be read (once, until a read succeeds again), or could again. */
  readable(key: string, owner: string, error: unknown | undefined): void;
}

interface Target {
  ip: string;
  owner: string;
  /** When the scraper was given this target: a bridge still starting is not yet a failing one. */
  since: number;
}

const signature = (f: BridgeFigures | undefined) => (f ? `${f.participants}/${f.conferences}/${f.drain}/${f.shuttingDown}` : "unknown");

export class StatsScraper {
  private readonly targets = new Map<string, Target>();
  private readonly latest = new Map<string, { figures: BridgeFigures; ip: string }>();
  private readonly reported = new Map<string, string>();
  /** Bridges whose last read failed: their failure was reported. */
  private readonly failing = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly client: JvbClient;
  private readonly options: ScraperOptions;
  private readonly observer: ScrapeObserver;

  constructor(client: JvbClient, options: ScraperOptions, observer: ScrapeObserver) {
    this.client = client;
    this.options = options;
    this.observer = observer;
  }

  /** A bridge to read (ip set) or to forget (ip undefined). */
  setTarget(key: string, ip: string | undefined, owner: string): void {
    if (ip) {
      const before = this.targets.get(key);
      const target = { ip, owner, since: before?.ip === ip ? before.since : Date.now() };
      this.targets.set(key, target);
      if (!before) void this.scrapeOne(key, target); // a new bridge is read at once, not next round
    } else {
      this.targets.delete(key);
      this.latest.delete(key);
      this.reported.delete(key);
      this.failing.delete(key);
    }
  }

  figures(key: string, now = Date.now()): BridgeFigures | undefined {
    const entry = this.latest.get(key);
    if (!entry || now - entry.figures.readAt > this.options.staleAfterMs || entry.ip !== this.targets.get(key)?.ip) return undefined;
    return entry.figures;
  }

  start(): void {
    const round = async () => {
      if (this.stopped) return;
      await this.scrapeAll();
      if (!this.stopped) this.timer = setTimeout(() => void round(), this.options.intervalMs);
    };
    void round();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async scrapeAll(): Promise<void> {
    const started = performance.now();
    const entries = [...this.targets.entries()];
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const [key, target] = entries[next++]!;
        await this.scrapeOne(key, target);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, entries.length) }, worker));
    // Figures that went stale without a failed call (a target that vanished mid-round) are reported too.
    for (const [key, target] of this.targets) this.report(key, target.owner);
    this.observer.round(performance.now() - started);
  }

  private async scrapeOne(key: string, target: Target): Promise<void> {
    const started = performance.now();
    try {
      const reading = await this.client.figures(target.ip);
      if (this.targets.get(key)?.ip === target.ip) this.latest.set(key, { figures: { ...reading, readAt: Date.now() }, ip: target.ip });
      this.observer.scraped(performance.now() - started, true);
      if (this.failing.delete(key)) this.observer.readable(key, target.owner, undefined);
    } catch (error) {
      this.observer.scraped(performance.now() - started, false);
      // A failure counts once the bridge was read before, or has had staleAfterMs to start answering.
      const established = this.latest.has(key) || Date.now() - target.since > this.options.staleAfterMs;
      if (established && this.targets.get(key)?.ip === target.ip && !this.failing.has(key)) {
        this.failing.add(key);
        this.observer.readable(key, target.owner, error);
      }
    }
    this.report(key, target.owner);
  }

  private report(key: string, owner: string): void {
    const now = signature(this.figures(key));
    if (this.reported.get(key) === now) return;
    this.reported.set(key, now);
    this.observer.changed(owner);
  }
}
