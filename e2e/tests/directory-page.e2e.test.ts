// The directory's public page in a real browser (Debian's Chromium driven by playwright-core): it lists
// the deployments, passes axe's WCAG 2.1 AA checks (the donation form and its answer too), its room box
// joins a meeting with JavaScript off, and so does a donation, answered with the checks' reasons.
// The deployment the join lands on is a stand-in on loopback, so the browser never leaves this machine.
// The screenshot goes to .testbed/results/directory.png.

import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { jest } from "@jest/globals";
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { type DirectoryOnBed, directoryOnBed, putReport } from "../support/directory.ts";
import { installCrd } from "../support/operator.ts";
import { createNamespace, deleteNamespace, freePort, testbed, withEmulator } from "../support/testbed.ts";

jest.setTimeout(120_000);
const bed = testbed();
// One run is enough: the page does not depend on which bridges the bed runs.
const local = withEmulator(bed);
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

local("directory page in Chromium", () => {
  let directory: DirectoryOnBed | undefined;
  let standIn: http.Server | undefined;
  let browser: Browser | undefined;
  let meetingsUrl = "";
  let namespace = "";

  beforeAll(async () => {
    // The Jitsi web front of a plain server: any path is a meeting.
    standIn = http.createServer((req, res) => res.end(`<!doctype html><html lang="en"><title>Meeting ${req.url}</title><h1>Meeting ${req.url}</h1></html>`));
    await new Promise<void>((resolve) => standIn!.listen(0, "127.0.0.1", resolve));
    meetingsUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
    await installCrd(bed);
    namespace = await createNamespace(bed, "directory-page");
    directory = directoryOnBed(
      bed,
      await freePort(),
      [
        { name: "roma", token: "token-roma", url: meetingsUrl, displayName: "GARR Roma", region: "it-centre" },
        { name: "torino", token: "token-torino", url: "https://torino.meet.example", displayName: "Politecnico Torino", region: "it-north" },
      ],
      ["--donors-namespace", namespace, "--kubeconfig", bed.kubeconfig, "--onboarding", "approval"],
    );
    await directory.start();
    const load = { bridgesReady: 4, maxBridges: 10, conferences: 12, stress: 1.2 };
    expect(await putReport(directory.base, "roma", "token-roma", { ...load, participants: 87 })).toBe(204);
    expect(await putReport(directory.base, "torino", "token-torino", { ...load, participants: 31, draining: true })).toBe(204);
    browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
  });

  const withPage = async (options: BrowserContextOptions, use: (page: Page) => Promise<void>) => {
    const context = await browser!.newContext(options);
    try {
      const page = await context.newPage();
      await page.goto(directory!.base);
      await use(page);
    } finally {
      await context.close();
    }
  };

  afterAll(async () => {
    await browser?.close();
    await directory?.stop();
    standIn?.closeAllConnections();
    await new Promise((resolve) => standIn?.close(resolve));
    if (namespace) await deleteNamespace(bed, namespace);
  });

  const axeViolations = async (page: Page) => {
    const audit = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(audit.passes.length).toBeGreaterThan(10);
    return audit.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  };

  test("lists every deployment with its region, state and load, and passes axe's WCAG 2.1 AA checks", async () => {
    await withPage({ viewport: { width: 900, height: 600 } }, async (page) => {
      const rows = await page.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent?.trim())));
      expect(rows).toEqual(
        expect.arrayContaining([
          ["GARR Roma", "it-centre", "open", expect.stringMatching(/^\d+ %/), "87"],
          ["Politecnico Torino", "it-north", "closing", expect.stringMatching(/^\d+ %/), "31"],
        ]),
      );
      await page.screenshot({ path: path.join(bed.dir, "results", "directory.png"), fullPage: true });
      expect(await page.getByRole("heading", { name: "Donate a server" }).count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
    });
  });

  test("with JavaScript off, the room box joins the meeting on the open deployment, typed by keyboard", async () => {
    await withPage({ javaScriptEnabled: false }, async (page) => {
      // The box is the first thing a keyboard reaches, and it is labelled.
      await page.keyboard.press("Tab");
      expect(await page.locator(":focus").getAttribute("id")).toBe("room");
      expect(await page.locator('label[for="room"]').textContent()).toBe("Meeting name");
      await page.keyboard.type("garr-weekly");
      await Promise.all([page.waitForURL(`${meetingsUrl}/garr-weekly`), page.keyboard.press("Enter")]);
      expect(await page.locator("h1").textContent()).toBe("Meeting /garr-weekly");
    });
  });

  test("a name the box does not allow is refused by the page itself, and by the server with a notice", async () => {
    await withPage({ javaScriptEnabled: false }, async (page) => {
      await page.getByLabel("Meeting name").fill("two words");
      await page.getByRole("button", { name: "Join" }).click();
      expect(new URL(page.url()).pathname).toBe("/");
      expect(await page.locator("#room:invalid").count()).toBe(1);
      const refused = await page.goto(`${directory!.base}/join?room=two%20words`);
      expect(refused?.status()).toBe(400);
      expect(await page.getByRole("alert").textContent()).toMatch(/A meeting name is 1-200 letters/);
    });
  });

  test("with JavaScript off, a donation through the form is answered with the checks and their reasons, accessibly", async () => {
    await withPage({ javaScriptEnabled: false }, async (page) => {
      await page.getByLabel("Short name").fill("liceo-galilei");
      await page.getByLabel("Meeting address").fill(meetingsUrl);
      await page.getByLabel("Name shown here").fill("Liceo Galilei");
      await page.getByLabel("Region").fill("it-north");
      await page.getByLabel("Contact e-mail").fill("admin@liceo.example");
      await Promise.all([page.waitForURL(`${directory!.base}/api/v1/donors`), page.getByRole("button", { name: "Check and submit" }).click()]);
      // The stand-in is plain http: refused, and told why.
      expect(await page.getByRole("status").textContent()).toMatch(/Not admitted\. The meeting URL must start with https:\/\//);
      expect(await page.getByRole("listitem").allTextContents()).toEqual([expect.stringMatching(/^Failed: The meeting URL must start with https/)]);
      await page.screenshot({ path: path.join(bed.dir, "results", "directory-donation.png"), fullPage: true });
    });
    await withPage({}, async (page) => {
      const form = new URLSearchParams({ name: "x", url: meetingsUrl, displayName: "X", region: "r", contact: "a@b.example" });
      await page.setContent(await (await fetch(`${directory!.base}/api/v1/donors`, { method: "POST", body: form })).text());
      expect(await axeViolations(page)).toEqual([]);
    });
  });
});
