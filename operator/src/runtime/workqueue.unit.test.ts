import { WorkQueue } from "./workqueue.ts";

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe("work queue", () => {
  test("coalesces repeated adds of a waiting key into one run", async () => {
    const q = new WorkQueue();
    const runs: string[] = [];
    for (let i = 0; i < 5; i++) q.add("a");
    q.add("b");
    void q.run(async (key) => void runs.push(key));
    await tick();
    expect(runs).toEqual(["a", "b"]);
    q.stop();
  });

  test("never runs one key twice at once; an add during its run runs it again afterwards", async () => {
    const q = new WorkQueue();
    let inFlight = 0;
    let maxInFlight = 0;
    let runs = 0;
    void q.run(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      runs++;
      if (runs === 1) q.add("a");
      await tick(10);
      inFlight--;
    }, 4);
    q.add("a");
    await tick(60);
    expect(maxInFlight).toBe(1);
    expect(runs).toBe(2);
    q.stop();
  });

  test("retries a failing key with growing backoff and forgets it after a success", async () => {
    const times: number[] = [];
    const errors: number[] = [];
    const q = new WorkQueue({ baseRetryMs: 10, maxRetryMs: 1_000, onError: (_k, _e, retry) => errors.push(retry) });
    void q.run(async () => {
      times.push(Date.now());
      if (times.length < 4) throw new Error("API down");
    });
    q.add("a");
    await tick(200);
    expect(times).toHaveLength(4);
    expect(errors).toEqual([10, 20, 40]);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(gaps[2]).toBeGreaterThanOrEqual(35);
    q.stop();
  });

  test("addAfter delays a key, and the earliest pending delay wins", async () => {
    const q = new WorkQueue();
    const runs: number[] = [];
    const start = Date.now();
    void q.run(async () => void runs.push(Date.now() - start));
    q.addAfter("a", 80);
    q.addAfter("a", 20);
    q.addAfter("a", 60);
    await tick(120);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toBeGreaterThanOrEqual(15);
    expect(runs[0]).toBeLessThan(60);
    q.stop();
  });
});
