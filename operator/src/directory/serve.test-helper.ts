// A directory on a loopback port for unit tests: its real HTTP handler, admitted tokens given in clear.
// (Named *.test-helper.ts: not a test itself, and left out of the image with the tests.)

import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Directory } from "./directory.ts";
import { createDirectoryMetrics } from "./metrics.ts";
import { directoryHandler } from "./server.ts";
import { tokenDigest } from "./tokens.ts";

export interface ServedDirectory {
  url: string;
  close(): Promise<void>;
}

export async function serveDirectory(directory: Directory, tokens: Record<string, string>, title = "Meetings"): Promise<ServedDirectory> {
  const metrics = createDirectoryMetrics(
    () => directory.list(Date.now()),
    () => directory.roomCount,
  );
  const digests = new Map(Object.entries(tokens).map(([name, token]) => [name, tokenDigest(token)]));
  const server = http.createServer(directoryHandler({ directory, tokenDigestOf: (name) => digests.get(name), metrics, title }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
