// A keyed work queue with client-go's semantics: a key waits in the queue at most once however often
// it is added; a key being processed is never processed twice at once (an add during processing runs it
// again afterwards); failures retry with per-key exponential backoff; success forgets the backoff.
// Reconciles are level-triggered, so coalescing many events into one pass loses nothing.

export interface WorkQueueOptions {
  baseRetryMs: number;
  maxRetryMs: number;
  onError?: (key: string, error: unknown, retryInMs: number) => void;
}

export const workQueueDefaults: WorkQueueOptions = { baseRetryMs: 250, maxRetryMs: 60_000 };

export type Worker = (key: string) => Promise<void>;

export class WorkQueue {
  private readonly options: WorkQueueOptions;
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; timer: ReturnType<typeof setTimeout> }>();
  private waiters: Array<() => void> = [];
  private stopped = false;

  constructor(options: Partial<WorkQueueOptions> = {}) {
    this.options = { ...workQueueDefaults, ...options };
  }

  get depth(): number {
    return this.queue.length;
  }

  add(key: string): void {
    if (this.stopped || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return; // re-queued when its current run ends
    this.queue.push(key);
    this.waiters.shift()?.();
  }

  /** Adds the key after a delay; an earlier pending delay for the key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.delayed.set(key, { at, timer });
  }

  /** Runs `worker` on keys with up to `concurrency` keys in flight, until stop(). */
  run(worker: Worker, concurrency = 2): Promise<void> {
    const loops = Array.from({ length: concurrency }, () => this.loop(worker));
    return Promise.all(loops).then(() => undefined);
  }

  stop(): void {
    this.stopped = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    for (const wake of this.waiters) wake();
    this.waiters = [];
  }

  private async next(): Promise<string | undefined> {
    while (!this.stopped && this.queue.length === 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.stopped ? undefined : this.queue.shift();
  }

  private async loop(worker: Worker): Promise<void> {
    for (;;) {
      const key = await this.next();
      if (key === undefined) return;
      this.dirty.delete(key);
      this.processing.add(key);
      try {
        await worker(key);
        this.failures.delete(key);
      } catch (error) {
        const attempts = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, attempts);
        const retryInMs = Math.min(this.options.maxRetryMs, this.options.baseRetryMs * 2 ** (attempts - 1));
        this.options.onError?.(key, error, retryInMs);
        this.addAfter(key, retryInMs);
      } finally {
        this.processing.delete(key);
        if (this.dirty.has(key) && !this.stopped) {
          this.queue.push(key);
          this.waiters.shift()?.();
        }
      }
    }
  }
}
