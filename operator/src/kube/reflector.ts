// Keeps a local copy of a set of objects in step with the API server: list, then watch from the list's
// resourceVersion. client-node's informer stops on errors and has no queue (typescript-operator.md), so
// this loop owns recovery: a watch that ends is resumed from the last resourceVersion seen (bookmarks
// keep it fresh); 410 Gone means the version is too old, so it relists; other failures back off
// exponentially; a full relist runs periodically; and a watchdog restarts a watch that goes silent.
// Handlers see level-triggered upserts and removals, never raw watch phases.

import type { KubeObject } from "./types.ts";
import { objectKey } from "./types.ts";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

export interface WatchHandle {
  abort(): void;
}

/** What the reflector needs from the API: a list and a watch of one query. */
export interface ListWatchSource<T extends KubeObject> {
  list(): Promise<ListResult<T>>;
  watch(
    resourceVersion: string,
    onEvent: (type: WatchEventType, object: T | { code?: number; metadata?: { resourceVersion?: string } }) => void,
    onDone: (error?: unknown) => void,
  ): Promise<WatchHandle>;
}

export interface ReflectorHandlers<T> {
  upsert(object: T): void;
  remove(object: T): void;
}

export interface ReflectorOptions {
  relistIntervalMs: number;
  silenceTimeoutMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  onError?: (error: unknown) => void;
}

export const reflectorDefaults: ReflectorOptions = {
  relistIntervalMs: 5 * 60_000,
  // The API server sends a bookmark about once a minute on a quiet watch.
  silenceTimeoutMs: 150_000,
  minBackoffMs: 500,
  maxBackoffMs: 30_000,
};

// client-node ends a watch that saw no data for a while with a TimeoutError: a quiet watch, not a failure.
const isQuietEnd = (error: unknown): boolean => error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");

const isGone = (error: unknown): boolean =>
  typeof error === "object" && error !== null && ((error as { code?: number }).code === 410 || (error as { statusCode?: number }).statusCode === 410);

export class Reflector<T extends KubeObject> {
  private readonly source: ListWatchSource<T>;
  private readonly handlers: ReflectorHandlers<T>;
  private readonly options: ReflectorOptions;
  private readonly cache = new Map<string, T>();
  private resourceVersion = "";
  private watchHandle: WatchHandle | undefined;
  private stopped = false;
  private failures = 0;
  private lastEventAt = 0;
  private lastListAt = 0;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private syncedResolve: (() => void) | undefined;
  /** Resolves once the first list has been delivered to the handlers. */
  readonly synced: Promise<void>;

  constructor(source: ListWatchSource<T>, handlers: ReflectorHandlers<T>, options: Partial<ReflectorOptions> = {}) {
    this.source = source;
    this.handlers = handlers;
    this.options = { ...reflectorDefaults, ...options };
    this.synced = new Promise((resolve) => (this.syncedResolve = resolve));
  }

  start(): void {
    void this.relist();
    this.every(Math.min(this.options.silenceTimeoutMs, this.options.relistIntervalMs) / 4, () => this.checkHealth());
  }

  stop(): void {
    this.stopped = true;
    this.watchHandle?.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  items(): T[] {
    return [...this.cache.values()];
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    this.watchHandle?.abort();
    this.watchHandle = undefined;
    this.lastListAt = 0; // pauses the health check until this list is through
    let listed: ListResult<T>;
    try {
      listed = await this.source.list();
    } catch (error) {
      this.retry(error, () => this.relist());
      return;
    }
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const item of listed.items) {
      seen.add(objectKey(item));
      this.apply("MODIFIED", item);
    }
    for (const [key, old] of this.cache) if (!seen.has(key)) this.apply("DELETED", old);
    this.resourceVersion = listed.resourceVersion;
    this.lastListAt = Date.now();
    this.syncedResolve?.();
    await this.watch();
  }

  private async watch(): Promise<void> {
    if (this.stopped) return;
    this.lastEventAt = Date.now();
    let ended = false;
    let handle: WatchHandle | undefined;
    // Exactly one way out of each watch: the first ending wins, later callbacks are ignored.
    const endWith = (next: () => Promise<void> | void) => {
      ended = true;
      handle?.abort();
      void next();
    };
    const onEvent: Parameters<ListWatchSource<T>["watch"]>[1] = (type, object) => {
      if (ended || this.stopped) return;
      this.lastEventAt = Date.now();
      if (type !== "ERROR") this.failures = 0; // the watch works: the next trouble starts from the shortest backoff
      if (type === "ERROR") {
        endWith(isGone(object) ? () => this.relist() : () => this.retry(object, () => this.watch()));
        return;
      }
      const rv = object.metadata?.resourceVersion;
      if (rv) this.resourceVersion = rv;
      if (type !== "BOOKMARK") this.apply(type, object as T);
    };
    const onDone = (error?: unknown) => {
      if (ended || this.stopped) return;
      if (error === undefined || error === null || isQuietEnd(error)) {
        this.failures = 0;
        endWith(() => this.watch()); // a normal end (server or inactivity timeout): resume where we were
      } else {
        endWith(isGone(error) ? () => this.relist() : () => this.retry(error, () => this.watch()));
      }
    };
    try {
      handle = await this.source.watch(this.resourceVersion, onEvent, onDone);
    } catch (error) {
      this.retry(error, () => this.watch());
      return;
    }
    this.watchHandle = handle;
    if (this.stopped || ended) handle.abort();
  }

  private apply(type: "ADDED" | "MODIFIED" | "DELETED", object: T): void {
    const key = objectKey(object);
    if (type === "DELETED") {
      if (this.cache.delete(key)) this.handlers.remove(object);
      return;
    }
    this.cache.set(key, object);
    this.handlers.upsert(object);
  }

  private retry(error: unknown, again: () => Promise<void>): void {
    if (this.stopped) return;
    this.options.onError?.(error);
    const delay = Math.min(this.options.maxBackoffMs, this.options.minBackoffMs * 2 ** this.failures);
    this.failures++;
    this.after(delay, () => void again());
  }

  private checkHealth(): void {
    const now = Date.now();
    if (this.lastListAt === 0) return; // still listing (or backing off)
    if (now - this.lastListAt >= this.options.relistIntervalMs || now - this.lastEventAt >= this.options.silenceTimeoutMs) {
      void this.relist();
    }
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private every(ms: number, fn: () => void): void {
    this.after(ms, () => {
      fn();
      if (!this.stopped) this.every(ms, fn);
    });
  }
}

/** Several reflectors of one kind (one per watched namespace) read as one cache. */
export class ReflectorGroup<T extends KubeObject> {
  private readonly members: Reflector<T>[];
  readonly synced: Promise<void>;

  constructor(members: Reflector<T>[]) {
    this.members = members;
    this.synced = Promise.all(members.map((m) => m.synced)).then(() => undefined);
  }

  start(): void {
    for (const m of this.members) m.start();
  }

  stop(): void {
    for (const m of this.members) m.stop();
  }

  items(): T[] {
    return this.members.flatMap((m) => m.items());
  }

  get(key: string): T | undefined {
    for (const m of this.members) {
      const found = m.get(key);
      if (found) return found;
    }
    return undefined;
  }
}
