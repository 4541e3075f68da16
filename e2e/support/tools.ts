// The test bed's binaries, built from the Go module proxy into the cache keyed by version
// (e2e/testbed/tools/build.sh; versions in its versions.env).

import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export function pinnedVersion(key: string): string {
  const versions = readFileSync(path.join(root, "e2e/testbed/tools/versions.env"), "utf8");
  const version = new RegExp(`^${key}=(.+)$`, "m").exec(versions)?.[1];
  if (!version) throw new Error(`${key} missing from e2e/testbed/tools/versions.env`);
  return version;
}

/** `<cache>/bin/<name>-<version>`, as build.sh leaves it. */
export function cachedTool(name: string, versionKey: string): string {
  return path.join(process.env.MEETINGFLEET_CACHE ?? path.join(homedir(), ".cache/meetingfleet"), "bin", `${name}-${pinnedVersion(versionKey)}`);
}
