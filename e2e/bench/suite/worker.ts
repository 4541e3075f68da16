// A worker of `make bench-suite`: runs the instances it is handed, one at a time, and sends back their records.

import { parentPort, workerData } from "node:worker_threads";
import { runInstance } from "./instance-runs.ts";

export interface SuiteTask {
  seed: number;
  family: string;
  instance: number;
}

const { policies } = workerData as { policies: string[] };
parentPort!.on("message", (task: SuiteTask | null) => {
  if (task === null) {
    parentPort!.close();
    return;
  }
  parentPort!.postMessage(runInstance(task.family, task.instance, task.seed, policies));
});
parentPort!.postMessage([]);
