// Self-service onboarding: a donor submits a deployment (its public meeting URL, and for a plain server
// the stats URLs the directory will poll); the directory checks it the way a visitor's browser and its own
// poller will meet it, and admits it, holds it for an administrator, or refuses it with a reason a person
// understands. The checks are I/O (`runChecks`); the verdict is pure (`verdict`).

import { lookup } from "node:dns/promises";
import { BlockList } from "node:net";
import type { z } from "zod";
import { dnsLabel } from "../api/common.ts";
import { donorSpecSchema } from "../api/donor.ts";
import { boundedText, maxStatsBytes } from "../bridges/jvb-client.ts";
import { readingFromBody } from "./stats-source.ts";

/** What a donor submits: a Donor's spec without what the directory or an admin sets, and its name. */
export const applicationSchema = donorSpecSchema.omit({ tokenSha256: true, approved: true }).extend({ name: dnsLabel });

export type Application = z.output<typeof applicationSchema>;

export interface Check {
  name: "https" | "address" | "certificate" | "web front" | "stats";
  ok: boolean;
  message: string;
}

export type AdmissionPolicy = "auto" | "approval";
export type Phase = "Admitted" | "PendingApproval" | "Refused";

/**
 * The verdict on a deployment: admitted, or held for an administrator (as the policy says), when every
 * check passed; refused with the first failure otherwise; admitted whatever the checks say when an
 * administrator approved it (spec.approved).
 */
export function verdict(checks: readonly Check[], policy: AdmissionPolicy, approved = false): { phase: Phase; reason: string } {
  const failed = checks.find((c) => !c.ok);
  if (approved) return { phase: "Admitted", reason: failed ? `Approved by an administrator, although: ${failed.message}` : "Approved by an administrator." };
  if (failed) return { phase: "Refused", reason: failed.message };
  return policy === "auto"
    ? { phase: "Admitted", reason: "Every check passed." }
    : { phase: "PendingApproval", reason: "Every check passed; an administrator approves new deployments here." };
}

/** What a failed TLS or TCP connection means, said for a donor rather than a developer. */
export function connectionProblem(host: string, error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as { name?: string }).name ?? "";
  switch (code) {
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
      return `The certificate of ${host} is self-signed: every visitor's browser would warn them. Use one from a public authority, e.g. Let's Encrypt.`;
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
      return `The certificate of ${host} is not signed by an authority browsers trust, or the server does not send its intermediate certificates.`;
    case "CERT_HAS_EXPIRED":
      return `The certificate of ${host} has expired: renew it.`;
    case "CERT_NOT_YET_VALID":
      return `The certificate of ${host} is not valid yet: check the server's clock.`;
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `The certificate of ${host} is for another name: ${cause?.message ?? ""}`.trim();
    case "ECONNREFUSED":
      return `${host} refuses connections on its HTTPS port.`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `${host} is not a name the DNS knows.`;
    case "TimeoutError":
    case "UND_ERR_CONNECT_TIMEOUT":
    case "UND_ERR_HEADERS_TIMEOUT":
      return `${host} did not answer in time.`;
    default:
      return `${host} could not be reached: ${cause?.message ?? (error as Error).message}.`;
  }
}

/** A Jitsi Meet web front serves its app: the page names Jitsi or loads its config. */
const looksLikeJitsiMeet = (html: string) => /jitsi|config\.js|external_api\.js|libs\/app\.bundle/i.test(html);

const maxPageBytes = 2 * 1024 * 1024;

/** Every check of an application, in order; stops at the first one that makes the rest meaningless. */
export interface CheckOptions {
  timeoutMs: number;
  /** Let URLs reach private, loopback and link-local addresses (tests on loopback only). */
  allowPrivateAddresses: boolean;
}

/**
 * Addresses the directory never fetches for a stranger: its own cluster and hosts, the cloud's metadata
 * service. Checked on the name's addresses before any request (a name that changes its answer between
 * this lookup and the fetch could still get through; the directory's NetworkPolicy is the second line).
 */
const privateAddresses = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
] as const)
  privateAddresses.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
] as const)
  privateAddresses.addSubnet(network, prefix, "ipv6");

/** Why a URL's host must not be fetched, or undefined when it may. */
async function privateHostProblem(url: URL): Promise<string | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = await lookup(host, { all: true });
  } catch (error) {
    return connectionProblem(url.host, { cause: error });
  }
  const inside = addresses.find((a) => privateAddresses.check(a.address, a.family === 6 ? "ipv6" : "ipv4"));
  return inside ? `${url.host} is a private address (${inside.address}): a donated deployment must be reachable from the internet.` : undefined;
}

export async function runChecks(application: Application, options: CheckOptions): Promise<Check[]> {
  const { timeoutMs } = options;
  const url = new URL(application.url);
  const host = url.host;
  if (url.protocol !== "https:")
    return [{ name: "https", ok: false, message: `The meeting URL must start with https://: browsers give camera and microphone only to secure pages.` }];
  const checks: Check[] = [{ name: "https", ok: true, message: "The meeting URL is https." }];
  // Every URL the checks would fetch, before any is: the meeting URL and the stats.
  if (!options.allowPrivateAddresses)
    for (const target of [url, ...(application.stats?.urls ?? []).map((u) => new URL(u))]) {
      const problem = await privateHostProblem(target);
      if (problem) return [...checks, { name: "address", ok: false, message: problem }];
    }
  if (!options.allowPrivateAddresses) checks.push({ name: "address", ok: true, message: "Every address to check is a public one." });
  let page: Response;
  try {
    page = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
  } catch (error) {
    checks.push({ name: "certificate", ok: false, message: connectionProblem(host, error) });
    return checks;
  }
  checks.push({ name: "certificate", ok: true, message: `${host} has a valid certificate.` });
  const html = await boundedText(page, maxPageBytes).catch(() => "");
  checks.push(
    page.ok && looksLikeJitsiMeet(html)
      ? { name: "web front", ok: true, message: `${url.href} serves Jitsi Meet.` }
      : { name: "web front", ok: false, message: `${url.href} answers${page.ok ? "" : ` HTTP ${page.status}`}, but not with a Jitsi Meet page.` },
  );
  if (!application.stats) return checks;
  for (const statsUrl of application.stats.urls) {
    const statsHost = new URL(statsUrl).host;
    try {
      const response = await fetch(statsUrl, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) {
        await response.body?.cancel();
        checks.push({ name: "stats", ok: false, message: `The stats at ${statsUrl} answer HTTP ${response.status}.` });
        continue;
      }
      readingFromBody(application.stats.format, await boundedText(response, maxStatsBytes));
      checks.push({ name: "stats", ok: true, message: `The stats at ${statsUrl} answer and parse.` });
    } catch (error) {
      const message = (error as Error).message.startsWith("stats refused")
        ? `The stats at ${statsUrl} do not parse as ${application.stats.format} stats: ${(error as Error).message.replace(/^stats refused: /, "")}.`
        : connectionProblem(statsHost, error);
      checks.push({ name: "stats", ok: false, message });
    }
  }
  return checks;
}
