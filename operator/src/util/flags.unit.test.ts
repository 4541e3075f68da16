import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const root = path.resolve(import.meta.dirname, "../../..");
const run = (program: string, args: string[]) =>
  promisify(execFile)(process.execPath, [path.join(root, program), ...args], { timeout: 20_000 }).then(
    () => ({ code: 0, stderr: "" }),
    (e: { code: number; stderr: string }) => e,
  );

describe("command-line flags", () => {
  test.each([
    ["operator/src/main.ts", ["--workers", "0"], /^operator: workers: Too small/],
    ["operator/src/main.ts", ["--scrape-interval", "often"], /^operator: scrape-interval: invalid duration "often"/],
    ["operator/src/main.ts", ["--listen-address", "everywhere"], /^operator: listen-address: must be host:port/],
    ["operator/src/main.ts", ["--no-such-flag", "1"], /^operator: Unknown option '--no-such-flag'/],
    ["e2e/emulator/main.ts", ["--control-address", "10.0.0.1:80"], /^emulator: control-address: must be a loopback address/],
  ])(
    "%s %j is refused with a clear error, the usage and exit code 2",
    async (program, args, message) => {
      const result = await run(program, args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain("usage: node");
      // Starting node on a busy 2-core machine has taken over jest's default 5 s.
    },
    20_000,
  );
});
