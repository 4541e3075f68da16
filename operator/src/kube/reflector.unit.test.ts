import { type ListWatchSource, Reflector, ReflectorGroup, type WatchEventType } from "./reflector.ts";
import type { KubeObject } from "./types.ts";

const obj = (name: string, rv: string): KubeObject => ({ metadata: { name, namespace: "ns", uid: name, resourceVersion: rv } });

/** A scripted API: lists return the current objects, each watch is kept so the test can drive it. */
class ScriptedSource implements ListWatchSource<KubeObject> {
  objects = new Map<string, KubeObject>();
  resourceVersion = "10";
  lists = 0;
  failNextLists = 0;
  watches: Array<{ from: string; emit: (t: WatchEventType, o: unknown) => void; end: (e?: unknown) => void; aborted: boolean }> = [];

  async list() {
    this.lists++;
    if (this.failNextLists > 0) {
      this.failNextLists--;
      throw new Error("connection refused");
    }
    return { items: [...this.objects.values()], resourceVersion: this.resourceVersion };
  }

  async watch(from: string, onEvent: (t: WatchEventType, o: never) => void, onDone: (e?: unknown) => void) {
    const w = { from, emit: (t: WatchEventType, o: unknown) => onEvent(t, o as never), end: onDone, aborted: false };
    this.watches.push(w);
    return {
      abort: () => {
        w.aborted = true;
      },
    };
  }

  get current() {
    const w = this.watches.at(-1);
    if (!w) throw new Error("no watch");
    return w;
  }
}

const settle = () => new Promise((r) => setTimeout(r, 5));
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 400 && !cond(); i++) await settle();
  expect(cond()).toBe(true);
};

function setup() {
  const source = new ScriptedSource();
  const seen: string[] = [];
  const reflector = new Reflector(
    source,
    {
      upsert: (o) => seen.push(`upsert ${o.metadata.name}@${o.metadata.resourceVersion}`),
      remove: (o) => seen.push(`remove ${o.metadata.name}`),
    },
    { minBackoffMs: 1, maxBackoffMs: 4 },
  );
  return { source, seen, reflector };
}

describe("reflector", () => {
  test("lists, then watches from the list's resourceVersion and applies events", async () => {
    const { source, seen, reflector } = setup();
    source.objects.set("a", obj("a", "5"));
    reflector.start();
    await reflector.synced;
    await until(() => source.watches.length === 1);
    expect(source.current.from).toBe("10");
    source.current.emit("ADDED", obj("b", "11"));
    source.current.emit("MODIFIED", obj("a", "12"));
    source.current.emit("DELETED", obj("b", "13"));
    expect(seen).toEqual(["upsert a@5", "upsert b@11", "upsert a@12", "remove b"]);
    expect(reflector.items().map((o) => o.metadata.name)).toEqual(["a"]);
    reflector.stop();
  });

  test("a watch that ends normally resumes from the last resourceVersion seen, bookmarks included", async () => {
    const { source, reflector } = setup();
    reflector.start();
    await until(() => source.watches.length === 1);
    source.current.emit("ADDED", obj("a", "20"));
    source.current.emit("BOOKMARK", { metadata: { resourceVersion: "25" } });
    source.current.end();
    await until(() => source.watches.length === 2);
    expect(source.current.from).toBe("25");
    expect(source.lists).toBe(1);
    reflector.stop();
  });

  test("410 Gone relists, and objects missing from the new list are removed", async () => {
    const { source, seen, reflector } = setup();
    source.objects.set("a", obj("a", "5"));
    source.objects.set("b", obj("b", "6"));
    reflector.start();
    await until(() => source.watches.length === 1);
    source.objects.delete("b");
    source.resourceVersion = "40";
    source.current.emit("ERROR", { code: 410, metadata: {} });
    await until(() => source.watches.length === 2);
    expect(source.lists).toBe(2);
    expect(source.watches[0]?.aborted).toBe(true);
    expect(source.current.from).toBe("40");
    expect(seen).toContain("remove b");
    reflector.stop();
  });

  test("a failed list is retried with backoff until it succeeds", async () => {
    const { source, reflector } = setup();
    const errors: unknown[] = [];
    const r = new Reflector(source, { upsert: () => {}, remove: () => {} }, { minBackoffMs: 1, maxBackoffMs: 4, onError: (e) => errors.push(e) });
    source.failNextLists = 3;
    r.start();
    await r.synced;
    expect(source.lists).toBe(4);
    expect(errors).toHaveLength(3);
    r.stop();
    reflector.stop();
  });

  test("a watch that fails resumes (after backoff) without a relist; late callbacks of the old watch are ignored", async () => {
    const { source, seen, reflector } = setup();
    reflector.start();
    await until(() => source.watches.length === 1);
    const first = source.current;
    first.end(new Error("socket hang up"));
    await until(() => source.watches.length === 2);
    first.emit("ADDED", obj("ghost", "99"));
    first.end();
    await settle();
    expect(source.watches).toHaveLength(2);
    expect(seen).not.toContain("upsert ghost@99");
    expect(source.lists).toBe(1);
    reflector.stop();
  });

  test("stop aborts the watch and nothing runs afterwards", async () => {
    const { source, reflector } = setup();
    reflector.start();
    await until(() => source.watches.length === 1);
    reflector.stop();
    expect(source.current.aborted).toBe(true);
    source.current.end();
    await settle();
    expect(source.watches).toHaveLength(1);
  });

  test("a watch that goes silent is replaced by a fresh list and watch", async () => {
    const source = new ScriptedSource();
    const r = new Reflector(source, { upsert: () => {}, remove: () => {} }, { silenceTimeoutMs: 40, relistIntervalMs: 60_000 });
    r.start();
    await until(() => source.watches.length === 1);
    await until(() => source.lists === 2);
    expect(source.watches[0]?.aborted).toBe(true);
    r.stop();
  });

  test("a busy watch is still relisted periodically, catching anything a watch missed", async () => {
    const source = new ScriptedSource();
    const removed: string[] = [];
    source.objects.set("a", obj("a", "1"));
    const r = new Reflector(source, { upsert: () => {}, remove: (o) => removed.push(o.metadata.name) }, { silenceTimeoutMs: 60_000, relistIntervalMs: 60 });
    r.start();
    await until(() => source.watches.length === 1);
    source.objects.delete("a"); // deleted while no event reached us
    const keepBusy = setInterval(() => source.current.emit("BOOKMARK", { metadata: { resourceVersion: "10" } }), 5);
    await until(() => removed.includes("a"));
    clearInterval(keepBusy);
    r.stop();
  });

  test("an inactivity timeout of the client is a normal end: resumed at once, without backoff", async () => {
    const source = new ScriptedSource();
    const errors: unknown[] = [];
    const r = new Reflector(source, { upsert: () => {}, remove: () => {} }, { minBackoffMs: 10_000, onError: (e) => errors.push(e) });
    r.start();
    await until(() => source.watches.length === 1);
    for (let i = 1; i <= 5; i++) {
      source.current.end(Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" }));
      await until(() => source.watches.length === i + 1);
    }
    expect(errors).toEqual([]);
    expect(source.lists).toBe(1);
    r.stop();
  });

  test("a group of reflectors (one per namespace) syncs when all have listed and reads as one cache", async () => {
    const a = new ScriptedSource();
    const b = new ScriptedSource();
    a.objects.set("x", obj("x", "1"));
    b.objects.set("y", { metadata: { name: "y", namespace: "other", uid: "y", resourceVersion: "2" } });
    b.failNextLists = 1;
    const handlers = { upsert: () => {}, remove: () => {} };
    const group = new ReflectorGroup([
      new Reflector(a, handlers, { minBackoffMs: 1, maxBackoffMs: 4 }),
      new Reflector(b, handlers, { minBackoffMs: 1, maxBackoffMs: 4 }),
    ]);
    let synced = false;
    void group.synced.then(() => (synced = true));
    group.start();
    await until(() => synced);
    expect(b.lists).toBe(2); // the group waited for the one that had to retry
    expect(
      group
        .items()
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(["x", "y"]);
    expect(group.get("other/y")?.metadata.resourceVersion).toBe("2");
    expect(group.get("ns/z")).toBeUndefined();
    group.stop();
  });
});
