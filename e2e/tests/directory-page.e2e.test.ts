// The directory's public page in a real browser (Debian's Chromium driven by playwright-core): it lists
// the deployments, passes axe's WCAG 2.1 AA checks, and its room box joins a meeting with JavaScript off.
// The deployment the join lands on is a stand-in on loopback, so the browser never leaves this machine.
// The screenshot goes to .testbed/results/directory.png.

import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { jest } from "@jest/globals";
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { type DirectoryOnBed, directoryOnBed, putReport } from "../support/directory.ts";
import { freePort, testbed, withEmulator } from "../support/testbed.ts";

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

  beforeAll(async () => {
    // The Jitsi web front of a plain server: any path is a meeting.
    standIn = http.createServer((req, res) => res.end(`<!doctype html><html lang="en"><title>Meeting ${req.url}</title><h1>Meeting ${req.url}</h1></html>`));
    await new Promise<void>((resolve) => standIn!.listen(0, "127.0.0.1", resolve));
    meetingsUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
    directory = directoryOnBed(bed, await freePort(), [
      { name: "roma", token: "token-roma", url: meetingsUrl, displayName: "GARR Roma", region: "it-centre" },
      { name: "torino", token: "token-torino", url: "https://torino.meet.example", displayName: "Politecnico Torino", region: "it-north" },
    ]);
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
  });

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
      const audit = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
      expect(audit.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
      expect(audit.passes.length).toBeGreaterThan(10);
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
});
