// Spreads the population's instances over worker threads, one per core: each worker asks for the next
// instance when it is done with one, so long instances do not leave cores idle.

import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { SuiteRecord } from "./instance-runs.ts";
import type { SuiteTask } from "./worker.ts";

export async function runPopulation(tasks: readonly SuiteTask[], policies: readonly string[], onDone?: (done: number) => void): Promise<SuiteRecord[]> {
  const queue = [...tasks];
  const records: SuiteRecord[] = [];
  let done = 0;
  const workers = Math.max(1, Math.min(availableParallelism(), queue.length));
  await Promise.all(
    Array.from(
      { length: workers },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(new URL("./worker.ts", import.meta.url), { workerData: { policies } });
          worker.on("message", (batch: SuiteRecord[]) => {
            if (batch.length > 0) onDone?.(++done);
            records.push(...batch);
            worker.postMessage(queue.shift() ?? null);
          });
          worker.on("error", reject);
          worker.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`a suite worker exited with ${code}`))));
        }),
    ),
  );
  return records;
}
