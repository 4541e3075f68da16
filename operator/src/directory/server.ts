// The directory's HTTP face: GET /join/<room> (a redirect), the page, the JSON feed for other portals,
// PUT /api/v1/deployments/<name>/report for deployments' load reports (bearer token), and with
// onboarding on, POST /api/v1/donors (JSON or the page's form). Joins are answered from memory; nothing
// there waits on another service, so a join costs microseconds.

import type http from "node:http";
import { describeZodError } from "../util/zod-error.ts";
import type { Directory, Registration } from "./directory.ts";
import type { OnboardingAnswer } from "./donors.ts";
import type { createDirectoryMetrics } from "./metrics.ts";
import { type Application, applicationSchema } from "./onboarding.ts";
import { directoryPage, donationResultPage } from "./page.ts";
import { type LoadReport, reportBodySchema } from "./report.ts";
import { tokenMatches } from "./tokens.ts";

/** Letters and digits of any script, dots, dashes, underscores: what Jitsi's own room names allow without escaping. */
export const roomNamePattern = /^[\p{L}\p{N}_.-]{1,200}$/u;

export interface DirectoryServerOptions {
  directory: Directory;
  /** The SHA-256 of a deployment's report token; undefined for a deployment that does not report. */
  tokenDigestOf: (name: string) => string | undefined;
  metrics: ReturnType<typeof createDirectoryMetrics>;
  title: string;
  /** Told of every accepted report, so that other replicas learn it (through the Donor's status). */
  onReport?: (name: string, report: LoadReport) => void;
  /** Self-service onboarding: checks an application and stores it (absent: no donation form, 404). */
  onboard?: (application: Application) => Promise<OnboardingAnswer>;
  now?: () => number;
}

const maxBodyBytes = 16 * 1024;

export function directoryHandler(options: DirectoryServerOptions): http.RequestListener {
  const { directory, metrics, title } = options;
  const now = options.now ?? Date.now;
  const send = (res: http.ServerResponse, status: number, body: string, type = "text/plain; charset=utf-8", headers: http.OutgoingHttpHeaders = {}) =>
    void res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store", ...headers }).end(body);
  const page = (res: http.ServerResponse, status: number, notice?: string) =>
    send(res, status, directoryPage(title, directory.list(now()), notice, options.onboard !== undefined), "text/html; charset=utf-8");

  const join = (res: http.ServerResponse, room: string) => {
    if (!roomNamePattern.test(room)) return page(res, 400, "A meeting name is 1-200 letters, digits, dots, dashes or underscores.");
    const decision = directory.join(room, now());
    metrics.countJoin(decision.reason);
    if (!decision.deployment) return page(res, 503, "Every deployment is full or unavailable right now. Please try again in a minute.");
    send(res, 302, "", undefined, { Location: joinUrl(decision.deployment, room) });
  };

  const report = async (req: http.IncomingMessage, res: http.ServerResponse, name: string) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const digest = options.tokenDigestOf(name);
    if (token === undefined || digest === undefined || !tokenMatches(token, digest)) {
      metrics.countReport("unauthorized");
      return send(res, 401, "a valid bearer token for this deployment is required\n");
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (error) {
      metrics.countReport("invalid");
      return send(res, 400, `the report is not JSON: ${(error as Error).message}\n`);
    }
    const parsed = reportBodySchema.safeParse(body);
    if (!parsed.success) {
      metrics.countReport("invalid");
      return send(res, 400, `invalid report: ${describeZodError(parsed.error)}\n`);
    }
    // A fleet registers itself: its first report brings its public details, later ones keep them current.
    const { registration, ...load } = parsed.data;
    if (registration) directory.register({ name, ...registration });
    if (!directory.report(name, load, now())) {
      metrics.countReport("unknown");
      return send(res, 409, `deployment ${name} is admitted but has not said where it is: send "registration" with the report\n`);
    }
    metrics.countReport("accepted");
    options.onReport?.(name, load);
    send(res, 204, "");
  };

  const donate = async (req: http.IncomingMessage, res: http.ServerResponse, onboard: NonNullable<DirectoryServerOptions["onboard"]>) => {
    const fromForm = (req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
    const answer = (status: number, result: { phase: string; reason: string; checks: OnboardingAnswer["checks"]; token?: string }) =>
      fromForm
        ? send(res, status, donationResultPage(title, result), "text/html; charset=utf-8")
        : send(res, status, JSON.stringify(result), "application/json");
    let input: unknown;
    try {
      const text = await readBody(req);
      input = fromForm ? applicationFromForm(new URLSearchParams(text)) : JSON.parse(text);
    } catch (error) {
      return answer(400, { phase: "Refused", reason: `The application could not be read: ${(error as Error).message}`, checks: [] });
    }
    const parsed = applicationSchema.safeParse(input);
    if (!parsed.success) return answer(400, { phase: "Refused", reason: `The application is incomplete: ${describeZodError(parsed.error)}`, checks: [] });
    const { status, ...result } = await onboard(parsed.data);
    answer(status, result);
  };

  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://directory");
    const path = url.pathname;
    const method = req.method ?? "GET";
    if (method === "GET" && path.startsWith("/join/")) return join(res, safeDecode(path.slice("/join/".length)));
    if (method === "GET" && path === "/join") {
      const room = url.searchParams.get("room")?.trim() ?? "";
      if (!roomNamePattern.test(room)) return page(res, 400, "A meeting name is 1-200 letters, digits, dots, dashes or underscores.");
      return send(res, 303, "", undefined, { Location: `/join/${encodeURIComponent(room)}` });
    }
    if (method === "GET" && path === "/") return page(res, 200);
    if (method === "GET" && path === "/api/v1/deployments")
      return send(res, 200, JSON.stringify({ deployments: directory.list(now()) }), "application/json", { "Access-Control-Allow-Origin": "*" });
    const reportPath = /^\/api\/v1\/deployments\/([^/]+)\/report$/.exec(path);
    if (method === "PUT" && reportPath) {
      report(req, res, safeDecode(reportPath[1]!)).catch((error) => send(res, 400, `${(error as Error).message}\n`));
      return;
    }
    if (method === "POST" && path === "/api/v1/donors" && options.onboard) {
      donate(req, res, options.onboard).catch((error) => send(res, 500, `onboarding failed: ${(error as Error).message}\n`));
      return;
    }
    if (method === "GET" && path === "/healthz") return send(res, 200, "ok");
    if (method === "GET" && path === "/metrics") {
      metrics.registry.metrics().then((text) => send(res, 200, text, metrics.registry.contentType));
      return;
    }
    send(res, 404, "not found\n");
  };
}

export function joinUrl(deployment: Registration, room: string): string {
  return `${deployment.url.replace(/\/+$/, "")}/${encodeURIComponent(room)}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return "";
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new Error(`a request body is at most ${maxBodyBytes} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** The page's donation form as an application: stats only when a format is chosen, one URL per line. */
export function applicationFromForm(form: URLSearchParams): Record<string, unknown> {
  const text = (key: string) => form.get(key)?.trim() ?? "";
  const format = text("statsFormat");
  const urls = text("statsUrls").split(/\s+/).filter(Boolean);
  return {
    name: text("name"),
    url: text("url"),
    displayName: text("displayName"),
    region: text("region"),
    contact: text("contact"),
    ...(format ? { stats: { format, urls } } : {}),
  };
}
