// Self-service onboarding on the test bed: donors apply through the directory's API and its page; the
// directory checks each deployment over HTTPS as a visitor's browser and its own poller will meet it,
// holds those that pass for an administrator (policy "approval"), and refuses the others with a reason a
// person understands. Donors live as custom resources: an admin approves with kubectl, a Donor applied
// by GitOps is checked like an application, and a restarted directory lists them all again.
// The deployments are loopback HTTPS stand-ins with certificates from a CA made for this test (the
// directory trusts it through NODE_EXTRA_CA_CERTS), one self-signed, and one that never answers.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import net from "node:net";
import path from "node:path";
import { jest } from "@jest/globals";
import { type DirectoryOnBed, directoryOnBed, putReport } from "../support/directory.ts";
import { installCrd } from "../support/operator.ts";
import { createNamespace, deleteNamespace, eventually, freePort, kubectl, testbed, withEmulator } from "../support/testbed.ts";

jest.setTimeout(120_000);
const bed = testbed();
const local = withEmulator(bed);

const jitsiPage = '<!doctype html><html lang="en"><title>Jitsi Meet</title><script src="config.js"></script></html>';
const colibriStats = JSON.stringify({ stress_level: 0.1, conferences: 1, local_endpoints: 4, drain: false });

/** A CA and, signed by it, a certificate for 127.0.0.1; and a self-signed one for the same address. */
function makeCertificates(dir: string) {
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const subject = (cn: string) => ["-subj", `/CN=${cn}`];
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", ...subject("meetingfleet test CA"));
  writeFileSync(path.join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "good.key", "-out", "good.csr", ...subject("127.0.0.1"));
  openssl("x509", "-req", "-in", "good.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "good.pem", "-days", "2", "-extfile", "san.ext");
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "self.key",
    "-out",
    "self.pem",
    "-days",
    "2",
    "-addext",
    "subjectAltName=IP:127.0.0.1",
    ...subject("127.0.0.1"),
  );
  const read = (file: string) => readFileSync(path.join(dir, file));
  return { ca: path.join(dir, "ca.pem"), good: { key: read("good.key"), cert: read("good.pem") }, self: { key: read("self.key"), cert: read("self.pem") } };
}

local("directory onboarding: checked, held for approval or refused with a reason; donors kept as custom resources", () => {
  let namespace = "";
  let directory: DirectoryOnBed | undefined;
  let certificates: ReturnType<typeof makeCertificates>;
  let certificatesDir: string | undefined;
  let fleetToken = "";
  /** Set by the re-check test: the good deployment's stats stop parsing. */
  let goodStatsBroken = false;
  const servers: Array<https.Server | net.Server> = [];
  const held = new Set<net.Socket>();
  const at: Record<"good" | "selfSigned" | "badStats" | "silent", string> = { good: "", selfSigned: "", badStats: "", silent: "" };

  const listen = async (server: https.Server | net.Server) => {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const apply = (application: object) =>
    fetch(`${directory!.base}/api/v1/donors`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(application) });
  const application = (name: string, url: string, stats = true) => ({
    name,
    url,
    displayName: `Donor ${name}`,
    region: "it-north",
    contact: `admin@${name}.example`,
    ...(stats ? { stats: { format: "colibri", urls: [`${url}/colibri/stats`] } } : {}),
  });
  const phaseOf = async (name: string) =>
    (await kubectl(bed, ["get", "donor", name, "-n", namespace, "-o", "jsonpath={.status.phase}"]).catch(() => "(none)")).trim();
  const listed = async () =>
    ((await (await fetch(`${directory!.base}/api/v1/deployments`)).json()) as { deployments: Array<{ name: string; state: string }> }).deployments;

  beforeAll(async () => {
    await installCrd(bed);
    namespace = await createNamespace(bed, "directory-donors");
    certificatesDir = mkdtempSync(path.join(bed.dir, "certs-"));
    certificates = makeCertificates(certificatesDir);
    const certs = certificates;
    at.good = await listen(
      https.createServer(certs.good, (req, res) => res.end(req.url === "/colibri/stats" ? (goodStatsBroken ? "<html>moved</html>" : colibriStats) : jitsiPage)),
    );
    at.selfSigned = await listen(https.createServer(certs.self, (_, res) => res.end(jitsiPage)));
    at.badStats = await listen(https.createServer(certs.good, (req, res) => res.end(req.url === "/colibri/stats" ? "<html>not found</html>" : jitsiPage)));
    // Accepts connections and never says a word: not even the TLS handshake.
    at.silent = await listen(net.createServer((socket) => held.add(socket)));
    directory = directoryOnBed(
      bed,
      await freePort(),
      [],
      [
        "--donors-namespace",
        namespace,
        "--kubeconfig",
        bed.kubeconfig,
        "--onboarding",
        "approval",
        "--check-timeout",
        "2s",
        "--poll-interval",
        "1s",
        "--recheck-interval",
        "3s",
        // The stand-ins are on loopback, which the checks refuse by default.
        "--private-addresses",
        "allow",
      ],
      { ...process.env, NODE_EXTRA_CA_CERTS: certs.ca },
    );
    await directory.start();
  });

  afterAll(async () => {
    await directory?.stop();
    for (const socket of held) socket.destroy();
    for (const server of servers) {
      if (server instanceof https.Server) server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    if (namespace) await deleteNamespace(bed, namespace);
    if (certificatesDir) rmSync(certificatesDir, { recursive: true, force: true });
  });

  test("a donor with a good deployment passes every check and waits for an administrator, who approves it with kubectl", async () => {
    const answer = await apply(application("good", at.good));
    const body = (await answer.json()) as { phase: string; checks: Array<{ name: string; ok: boolean }>; token?: string };
    expect(answer.status).toBe(201);
    expect(body.phase).toBe("PendingApproval");
    expect(body.checks.map((c) => `${c.name}: ${c.ok}`)).toEqual(["https: true", "certificate: true", "web front: true", "stats: true"]);
    expect(body.token).toBeUndefined(); // a polled server needs none
    expect(await phaseOf("good")).toBe("PendingApproval");
    expect((await listed()).map((d) => d.name)).not.toContain("good");

    await kubectl(bed, ["patch", "donor", "good", "-n", namespace, "--type=merge", "-p", '{"spec":{"approved":true}}']);
    await eventually("the approved donor Admitted", async () => (await phaseOf("good")) === "Admitted", 30_000);
    await eventually(
      "the approved donor listed and ready from its polled stats",
      async () => (await listed()).find((d) => d.name === "good")?.state === "ready",
      30_000,
    );
  });

  test.each([
    ["a self-signed certificate", "self", () => at.selfSigned, /self-signed: every visitor's browser would warn them/],
    ["stats that do not parse", "badstats", () => at.badStats, /do not parse as colibri stats/],
    ["a server that does not answer", "silent", () => at.silent, /did not answer in time/],
  ])("%s is refused with the reason, and nothing is stored", async (_what, name, url, reason) => {
    const answer = await apply(application(name, url()));
    const body = (await answer.json()) as { phase: string; reason: string };
    expect(answer.status).toBe(422);
    expect(body).toMatchObject({ phase: "Refused", reason: expect.stringMatching(reason) });
    expect(await phaseOf(name)).toBe("(none)");
  });

  test("a MeetingFleet's donor applies through the page's form and gets a report token, shown once and stored only as its digest", async () => {
    const form = new URLSearchParams({
      name: "fleet",
      url: at.good,
      displayName: "Donor fleet",
      region: "it-north",
      contact: "admin@fleet.example",
      statsFormat: "",
      statsUrls: "",
    });
    const answer = await fetch(`${directory!.base}/api/v1/donors`, { method: "POST", body: form });
    expect(answer.status).toBe(201);
    const page = await answer.text();
    expect(page).toContain("an administrator will approve your deployment");
    const token = /<code id="token">([^<]+)<\/code>/.exec(page)?.[1];
    expect(token).toMatch(/^[\w-]{43}$/);
    fleetToken = token!;
    const stored = await kubectl(bed, ["get", "donor", "fleet", "-n", namespace, "-o", "json"]);
    expect(stored).not.toContain(token!);
    // Not admitted yet: its reports are refused; approved, they are taken.
    const report = { bridgesReady: 1, maxBridges: 4, participants: 0, conferences: 0, stress: 0 };
    expect(await putReport(directory!.base, "fleet", token!, report)).toBe(401);
    await kubectl(bed, ["patch", "donor", "fleet", "-n", namespace, "--type=merge", "-p", '{"spec":{"approved":true}}']);
    await eventually("the fleet's report taken", async () => (await putReport(directory!.base, "fleet", token!, report)) === 204, 30_000);
  });

  test("a second replica lists what the first one hears: reports go through the Donors' status, and both send a room to the same place", async () => {
    const second = directoryOnBed(
      bed,
      await freePort(),
      [],
      ["--donors-namespace", namespace, "--kubeconfig", bed.kubeconfig, "--private-addresses", "allow"],
      {
        ...process.env,
        NODE_EXTRA_CA_CERTS: certificates.ca,
      },
    );
    await second.start();
    // The fleet reports to the first replica only, as a Service would route it.
    const reporting = setInterval(
      () => putReport(directory!.base, "fleet", fleetToken, { bridgesReady: 3, maxBridges: 4, participants: 27, conferences: 5, stress: 0.9 }).catch(() => {}),
      1000,
    );
    try {
      const fleetOn = async (base: string) =>
        (
          (await (await fetch(`${base}/api/v1/deployments`)).json()) as { deployments: Array<{ name: string; state: string; participants: number }> }
        ).deployments.find((d) => d.name === "fleet");
      await eventually("the second replica listing the fleet's report", async () => (await fleetOn(second.base))?.participants === 27, 30_000);
      expect(await fleetOn(second.base)).toMatchObject({ state: "ready", participants: 27 });
      const hostOf = async (base: string, room: string) => (await fetch(`${base}/join/${room}`, { redirect: "manual" })).headers.get("location");
      for (const room of ["physics-101", "choir", "staff-meeting"]) expect(await hostOf(second.base, room)).toBe(await hostOf(directory!.base, room));
    } finally {
      clearInterval(reporting);
      await second.stop();
    }
  });

  test("a Donor an admin applies with kubectl is checked like an application: its verdict lands in its status", async () => {
    const spec = application("gitops", at.selfSigned);
    const { name, ...donorSpec } = spec;
    await kubectl(
      bed,
      ["apply", "-f", "-"],
      JSON.stringify({ apiVersion: "meet.meetingfleet.dev/v1alpha1", kind: "Donor", metadata: { name, namespace }, spec: donorSpec }),
    );
    await eventually("the applied Donor checked", async () => (await phaseOf("gitops")) === "Refused", 30_000);
    expect(await kubectl(bed, ["get", "donor", "gitops", "-n", namespace, "-o", "jsonpath={.status.reason}"])).toMatch(/self-signed/);
    expect((await listed()).map((d) => d.name)).not.toContain("gitops");
    // What SREs see: the registrations by phase, and the verdicts counted.
    const metrics = await (await fetch(`${directory!.base}/metrics`)).text();
    expect(metrics).toMatch(/^meetingfleet_directory_donors\{phase="Admitted"\} 2$/m);
    expect(metrics).toMatch(/^meetingfleet_directory_donors\{phase="Refused"\} 1$/m);
    // Three refused applications and this Donor, at least (the directory re-checks every few seconds here).
    expect(Number(/^meetingfleet_directory_checks_total\{phase="Refused"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(4);
  });

  test("verdicts are renewed: a deployment whose stats break is found at its next check, and the Donor says so", async () => {
    goodStatsBroken = true;
    try {
      // Approved by the administrator, so it stays admitted; the reason tells them what broke.
      await eventually(
        "the good Donor's verdict renewed",
        async () =>
          /although: The stats at .* do not parse/.test(await kubectl(bed, ["get", "donor", "good", "-n", namespace, "-o", "jsonpath={.status.reason}"])),
        30_000,
      );
      expect(await phaseOf("good")).toBe("Admitted");
    } finally {
      goodStatsBroken = false;
    }
  });

  test("a restarted directory lists the admitted donors again, from the API server", async () => {
    await directory!.stop();
    await directory!.start();
    await eventually(
      "both admitted donors listed again",
      async () => {
        const names = (await listed()).map((d) => d.name);
        return names.includes("good") && names.includes("fleet");
      },
      30_000,
    );
    // Refused applications left nothing behind; the admin's refused Donor stays, for them to fix.
    const stored = (await kubectl(bed, ["get", "donors", "-n", namespace, "-o", "jsonpath={.items[*].metadata.name}"])).trim().split(" ");
    expect(stored.sort()).toEqual(["fleet", "gitops", "good"]);
  });
});
