import { settled } from "./testbed.ts";

describe("settled", () => {
  test("reads until the value equals the expected one (deeply), then returns it", async () => {
    const answers = [{ nodes: "get" }, { nodes: "get", pods: "list" }, { nodes: "get", pods: "list" }];
    let reads = 0;
    const value = await settled(async () => answers[reads++]!, { pods: "list", nodes: "get" }, 10_000, 1);
    expect(value).toEqual({ nodes: "get", pods: "list" });
    expect(reads).toBe(2);
  });

  test("when the time is up it returns the last value read, for the caller's expect to show", async () => {
    let reads = 0;
    const started = Date.now();
    const value = await settled(async () => ++reads, 0, 50, 5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(value).toBe(reads);
    expect(reads).toBeGreaterThan(1);
  });
});
