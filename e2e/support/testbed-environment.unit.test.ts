import { workerTestbed } from "./testbed-environment.ts";

describe("workerTestbed", () => {
  test("each jest worker gets its own bed, in order", () => {
    expect(workerTestbed("/b/test:/b/test-2", "1")).toBe("/b/test");
    expect(workerTestbed("/b/test:/b/test-2", "2")).toBe("/b/test-2");
  });

  test("more workers than beds share them round the list; a run in band is worker 1", () => {
    expect(workerTestbed("/b/test:/b/test-2", "3")).toBe("/b/test");
    expect(workerTestbed("/b/test:/b/test-2", undefined)).toBe("/b/test");
  });

  test("no list: TESTBED_DIR is left as it is", () => {
    expect(workerTestbed(undefined, "2")).toBeUndefined();
    expect(workerTestbed("", "1")).toBeUndefined();
  });
});
