// The directory: `node operator/src/directory/main.ts --registrations file.json` (or the chart's
// Deployment). Deployments register with a name, public URL, region and the SHA-256 of their report
// token; they then PUT their load every few seconds, and /join sends each room to one of them.

import { readFileSync } from "node:fs";
import http from "node:http";
import { pino } from "pino";
import { z } from "zod";
import { parseFlagsOrExit } from "../util/flags.ts";
import { describeZodError } from "../util/zod-error.ts";
import { Directory } from "./directory.ts";
import { createDirectoryMetrics } from "./metrics.ts";
import { directoryHandler } from "./server.ts";

const registrationsSchema = z.array(
  z.object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a DNS label: lower-case letters, digits and dashes"),
    url: z.url({ protocol: /^https?$/ }),
    displayName: z.string().min(1).max(100),
    region: z.string().min(1).max(50),
    tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, "the hex SHA-256 of the deployment's report token"),
  }),
);

const flagsSchema = z.object({
  registrations: z.string().min(1),
  "listen-address": z
    .string()
    .regex(/^[\d.]+:\d{1,5}$/, "must be host:port, e.g. 0.0.0.0:8080")
    .default("0.0.0.0:8080"),
  title: z.string().min(1).default("Free video meetings"),
  "log-level": z.enum(["debug", "info", "warn", "error"]).default("info"),
});

const usage = `usage: node operator/src/directory/main.ts --registrations FILE [flags]
  --registrations FILE     JSON list of {name, url, displayName, region, tokenSha256}
  --listen-address H:P     the page, /join, the feed, reports and /metrics (default 0.0.0.0:8080)
  --title TEXT             the page's title (default "Free video meetings")
  --log-level info`;

function main(): void {
  const flags = parseFlagsOrExit("directory", flagsSchema, usage);
  const log = pino({ name: "meetingfleet-directory", level: flags["log-level"] });
  let registrations: z.output<typeof registrationsSchema>;
  try {
    registrations = registrationsSchema.parse(JSON.parse(readFileSync(flags.registrations, "utf8")));
  } catch (error) {
    const reason = error instanceof z.ZodError ? describeZodError(error) : (error as Error).message;
    process.stderr.write(`directory: ${flags.registrations}: ${reason}\n`);
    process.exit(2);
  }
  const directory = new Directory();
  for (const { tokenSha256: _, ...registration } of registrations) directory.register(registration);
  const tokenDigests = new Map(registrations.map((r) => [r.name, r.tokenSha256]));
  const metrics = createDirectoryMetrics(
    () => directory.list(Date.now()),
    () => directory.roomCount,
  );
  const server = http.createServer(directoryHandler({ directory, tokenDigests: () => tokenDigests, metrics, title: flags.title }));
  server.keepAliveTimeout = 65_000;
  const forget = setInterval(() => directory.forgetEndedRooms(Date.now()), 60_000);
  const [host, port] = flags["listen-address"].split(":") as [string, string];
  server.listen(Number(port), host, () => log.info({ address: server.address(), deployments: registrations.length }, "Directory listening"));
  const stop = () => {
    clearInterval(forget);
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main();
