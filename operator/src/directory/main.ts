// The directory: `node operator/src/directory/main.ts --registrations file.json` and/or
// `--donors-namespace NS` (the chart's Deployment). The admitted deployments come from a file and/or
// from Donor custom resources; those that report PUT their load every few seconds, plain servers are
// polled, and /join sends each room to one of them. With --onboarding, donors apply through the page.

import { readFileSync } from "node:fs";
import http from "node:http";
import { pino } from "pino";
import { z } from "zod";
import { dnsLabel } from "../api/common.ts";
import { donorSpecSchema } from "../api/donor.ts";
import { connect } from "../kube/client.ts";
import { durationFlag, parseFlagsOrExit } from "../util/flags.ts";
import { describeZodError } from "../util/zod-error.ts";
import { Directory } from "./directory.ts";
import { Donors } from "./donors.ts";
import { createDirectoryMetrics } from "./metrics.ts";
import type { Application } from "./onboarding.ts";
import { StatsPoller } from "./poller.ts";
import { type LoadReport, registrationDetailsSchema } from "./report.ts";
import { directoryHandler } from "./server.ts";

const registrationsSchema = z.array(
  z
    .object({
      name: dnsLabel,
      ...registrationDetailsSchema.partial().shape,
      // The same fields as a Donor's: a file entry is a Donor kept outside the API server.
      tokenSha256: donorSpecSchema.shape.tokenSha256,
      stats: donorSpecSchema.shape.stats,
    })
    .refine((r) => r.tokenSha256 !== undefined || r.stats !== undefined, {
      message: "needs tokenSha256 (the deployment reports) or stats (the directory polls it)",
      path: ["tokenSha256"],
    })
    .refine((r) => r.stats === undefined || (r.url !== undefined && r.displayName !== undefined && r.region !== undefined), {
      message: "a polled deployment needs url, displayName and region",
      path: ["stats"],
    }),
);

const flagsSchema = z.object({
  registrations: z.string().min(1).optional(),
  "donors-namespace": z.string().min(1).optional(),
  kubeconfig: z.string().min(1).optional(),
  onboarding: z.enum(["off", "auto", "approval"]).default("off"),
  "check-timeout": durationFlag.prefault("5s"),
  "recheck-interval": durationFlag.prefault("6h"),
  "private-addresses": z.enum(["refuse", "allow"]).default("refuse"),
  "listen-address": z
    .string()
    .regex(/^[\d.]+:\d{1,5}$/, "must be host:port, e.g. 0.0.0.0:8080")
    .default("0.0.0.0:8080"),
  title: z.string().min(1).default("Free video meetings"),
  "stale-after": durationFlag.prefault("15s"),
  "out-after": durationFlag.prefault("60s"),
  "poll-interval": durationFlag.prefault("5s"),
  "poll-timeout": durationFlag.prefault("2s"),
  "log-level": z.enum(["debug", "info", "warn", "error"]).default("info"),
});

const usage = `usage: node operator/src/directory/main.ts [--registrations FILE] [--donors-namespace NS] [flags]
  --donors-namespace NS    the Donors (custom resources) in this namespace are admitted deployments too;
                           the directory checks each new or changed one and writes its verdict
  --kubeconfig FILE        the API server for Donors (default: in-cluster, or $KUBECONFIG)
  --onboarding off         auto: donors who pass the checks are admitted at once; approval: they wait for
                           an admin (kubectl patch donor NAME --type=merge -p '{"spec":{"approved":true}}');
                           off: no donation form. Needs --donors-namespace.
  --check-timeout 5s       how long one onboarding check may wait for an answer
  --recheck-interval 6h    Donors are checked again this often (a certificate expires); 0s: only on change
  --private-addresses refuse  the checks never fetch a URL whose name has a private, loopback or
                           link-local address (the cluster's own, the cloud's metadata); allow: tests only
  --registrations FILE     JSON list of admitted deployments: {name, tokenSha256} for those that report,
                           {url, displayName, region} for those that do not send them with their reports,
                           and stats: {format: colibri|prometheus, urls: [one per bridge]} for plain servers
                           the directory polls
  --listen-address H:P     the page, /join, the feed, reports and /metrics (default 0.0.0.0:8080)
  --title TEXT             the page's title (default "Free video meetings")
  --stale-after 15s        a deployment silent this long gets no rooms (its rooms move elsewhere)
  --out-after 60s          ... and this long: listed as offline
  --poll-interval 5s       how often the stats of deployments registered with "stats" are read
  --poll-timeout 2s        how long one stats URL may take to answer
  --log-level info`;

function main(): void {
  const flags = parseFlagsOrExit("directory", flagsSchema, usage);
  const log = pino({ name: "meetingfleet-directory", level: flags["log-level"] });
  const refuse = (message: string): never => {
    process.stderr.write(`directory: ${message}\n`);
    process.exit(2);
  };
  let registrations: z.output<typeof registrationsSchema> = [];
  if (flags.registrations)
    try {
      registrations = registrationsSchema.parse(JSON.parse(readFileSync(flags.registrations, "utf8")));
    } catch (error) {
      refuse(`${flags.registrations}: ${error instanceof z.ZodError ? describeZodError(error) : (error as Error).message}`);
    }
  if (!flags.registrations && !flags["donors-namespace"]) refuse("give --registrations, --donors-namespace, or both");
  if (flags.onboarding !== "off" && !flags["donors-namespace"]) refuse("--onboarding needs --donors-namespace: onboarded donors are stored as Donors");
  if (flags["out-after"] < flags["stale-after"]) refuse("--out-after must not be shorter than --stale-after");
  const directory = new Directory({ staleAfterMs: flags["stale-after"], outAfterMs: flags["out-after"] });
  // Fleets bring their details with their first report; entries with them are listed from the start.
  for (const { name, url, displayName, region } of registrations) if (url && displayName && region) directory.register({ name, url, displayName, region });
  const fileDigests = new Map(registrations.flatMap((r) => (r.tokenSha256 ? [[r.name, r.tokenSha256] as const] : [])));
  const metrics = createDirectoryMetrics(
    () => directory.list(Date.now()),
    () => directory.roomCount,
    // Read at scrape time, once the Donors below exist.
    () => donors?.phases() ?? new Map(),
  );
  const donorsNamespace = flags["donors-namespace"];
  const donors = donorsNamespace
    ? new Donors({
        kube: connect(flags.kubeconfig),
        namespace: donorsNamespace,
        directory,
        policy: flags.onboarding === "approval" ? "approval" : "auto",
        checks: { timeoutMs: flags["check-timeout"], allowPrivateAddresses: flags["private-addresses"] === "allow" },
        recheckMs: flags["recheck-interval"],
        countCheck: metrics.countCheck,
        log,
      })
    : undefined;
  donors?.start();
  const polledFromFile = registrations.flatMap(({ name, stats }) => (stats ? [{ name, stats }] : []));
  const poller = new StatsPoller(() => [...polledFromFile, ...(donors?.polled() ?? [])], {
    directory,
    countPoll: metrics.countPoll,
    onChange: (name, problem) =>
      problem ? log.warn({ deployment: name, problem }, "Polling a deployment's stats failed") : log.info({ deployment: name }, "A deployment's stats answer"),
    intervalMs: flags["poll-interval"],
    timeoutMs: flags["poll-timeout"],
  });
  poller.start();
  const onboard = flags.onboarding !== "off" && donors ? (application: Application) => donors.apply(application) : undefined;
  const server = http.createServer(
    directoryHandler({
      directory,
      // A report's token is checked against the file's digest, else its Donor's.
      tokenDigestOf: (name) => fileDigests.get(name) ?? donors?.tokenDigest(name),
      ...(donors ? { onReport: (name: string, report: LoadReport) => donors.shareReport(name, report) } : {}),
      metrics,
      title: flags.title,
      ...(onboard ? { onboard } : {}),
    }),
  );
  server.keepAliveTimeout = 65_000;
  const forget = setInterval(() => directory.forgetEndedRooms(Date.now()), 60_000);
  const [host, port] = flags["listen-address"].split(":") as [string, string];
  server.listen(Number(port), host, () => log.info({ address: server.address(), deployments: registrations.length }, "Directory listening"));
  const stop = () => {
    clearInterval(forget);
    poller.close();
    donors?.close();
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main();
