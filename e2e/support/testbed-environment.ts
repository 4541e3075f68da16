// `make test` runs the e2e suite on several test beds at once, one per jest worker: TESTBED_DIRS lists
// their directories (colon-separated) and worker N takes the Nth. Each test file of a worker, and every
// process it starts, then sees that bed as TESTBED_DIR. Without TESTBED_DIRS nothing changes.
import { TestEnvironment } from "jest-environment-node";

/** The test bed of jest worker `workerId` (1, 2, ...), or undefined when no list is given. */
export function workerTestbed(testbedDirs: string | undefined, workerId: string | undefined): string | undefined {
  const dirs = (testbedDirs ?? "").split(":").filter(Boolean);
  if (dirs.length === 0) return undefined;
  const worker = Math.max(1, Number(workerId ?? "1") || 1);
  return dirs[(worker - 1) % dirs.length];
}

export default class TestbedEnvironment extends TestEnvironment {
  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    // Set before the base class copies process.env into the test's sandbox; the worker's own
    // process.env is what child processes spawned without an explicit env inherit.
    const dir = workerTestbed(process.env.TESTBED_DIRS, process.env.JEST_WORKER_ID);
    if (dir) process.env.TESTBED_DIR = dir;
    super(...args);
  }
}
