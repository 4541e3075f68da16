// `make test` runs the e2e suite on several test beds at once, one per jest worker: TESTBED_DIRS lists
// their directories (colon-separated) and worker N takes the Nth. Each test file of a worker, and every
// process it starts, then sees that bed as TESTBED_DIR. Without TESTBED_DIRS nothing changes.
import { TestEnvironment } from "jest-environment-node";

export default class TestbedEnvironment extends TestEnvironment {
  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    // Set before the base class copies process.env into the test's sandbox; the worker's own
    // process.env is what child processes spawned without an explicit env inherit.
    const dirs = (process.env.TESTBED_DIRS ?? "").split(":").filter(Boolean);
    const worker = Number(process.env.JEST_WORKER_ID ?? "1");
    if (dirs.length > 0) process.env.TESTBED_DIR = dirs[(worker - 1) % dirs.length];
    super(...args);
  }
}
