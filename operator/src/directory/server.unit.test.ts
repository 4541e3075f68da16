import { Directory } from "./directory.ts";
import { type ServedDirectory, serveDirectory } from "./serve.test-helper.ts";

let served: ServedDirectory;
let base: string;
let directory: Directory;

const goodReport = { bridgesReady: 2, maxBridges: 10, participants: 40, conferences: 6, stress: 1.2 };

beforeEach(async () => {
  directory = new Directory();
  directory.register({ name: "garr", url: "https://meet.garr.example/", displayName: "GARR <Roma>", region: "it-central" });
  served = await serveDirectory(directory, { garr: "s3cret", "donated-fleet": "fleet-token" });
  base = served.url;
});

afterEach(() => served.close());

const put = (body: unknown, token?: string) =>
  fetch(`${base}/api/v1/deployments/garr/report`, {
    method: "PUT",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const get = (path: string) => fetch(`${base}${path}`, { redirect: "manual" });

describe("directory HTTP server", () => {
  test("reports need the deployment's own token and valid figures; the reason is said", async () => {
    expect((await put(goodReport)).status).toBe(401);
    expect((await put(goodReport, "wrong")).status).toBe(401);
    const invalid = await put({ ...goodReport, participants: -1 }, "s3cret");
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toMatch(/participants/);
    const notJson = await put("{", "s3cret");
    expect(notJson.status).toBe(400);
    expect((await put(goodReport, "s3cret")).status).toBe(204);
    const feed = (await (await get("/api/v1/deployments")).json()) as { deployments: Array<Record<string, unknown>> };
    expect(feed.deployments).toEqual([expect.objectContaining({ name: "garr", state: "ready", participants: 40, relativeLoad: 0.12 })]);
  });

  test("an admitted fleet registers itself: its report brings where it is, without which it is asked for it", async () => {
    const report = (body: object) =>
      fetch(`${base}/api/v1/deployments/donated-fleet/report`, {
        method: "PUT",
        headers: { Authorization: "Bearer fleet-token" },
        body: JSON.stringify(body),
      });
    const withoutDetails = await report(goodReport);
    expect(withoutDetails.status).toBe(409);
    expect(await withoutDetails.text()).toMatch(/send "registration"/);
    const registration = { url: "https://meet.school.example", displayName: "A school", region: "it-north" };
    expect((await report({ ...goodReport, registration: { ...registration, url: "ftp://x" } })).status).toBe(400);
    expect((await report({ ...goodReport, registration })).status).toBe(204);
    expect(directory.list(Date.now()).find((d) => d.name === "donated-fleet")).toMatchObject({ ...registration, state: "ready" });
    // The token of one deployment does not report for another.
    expect((await put(goodReport, "fleet-token")).status).toBe(401);
  });

  test("/join/<room> redirects to the chosen deployment, the same one for everyone asking for that room", async () => {
    expect((await get("/join/physics")).status).toBe(503);
    expect(await (await get("/metrics")).text()).toMatch(/meetingfleet_directory_deployment_up\{deployment="garr",region="it-central"\} 0/);
    await put(goodReport, "s3cret");
    const first = await get("/join/Physics-101");
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe("https://meet.garr.example/Physics-101");
    expect((await get("/join/physics-101")).headers.get("location")).toBe("https://meet.garr.example/physics-101");
    const metrics = await (await get("/metrics")).text();
    expect(metrics).toMatch(/meetingfleet_directory_joins_total\{reason="new"\} 1/);
    expect(metrics).toMatch(/meetingfleet_directory_joins_total\{reason="sticky"\} 1/);
    expect(metrics).toMatch(/meetingfleet_directory_joins_total\{reason="none"\} 1/);
    expect(metrics).toMatch(/meetingfleet_directory_deployments\{state="ready"\} 1/);
    expect(metrics).toMatch(/meetingfleet_directory_deployment_up\{deployment="garr",region="it-central"\} 1/);
  });

  test("the form works without JavaScript: /join?room= redirects to /join/<room>; a bad name gets the page with the reason", async () => {
    const form = await get("/join?room=%20Choir%20");
    expect(form.status).toBe(303);
    expect(form.headers.get("location")).toBe("/join/Choir");
    const bad = await get("/join?room=a%20b");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/A meeting name is 1-200 letters/);
    expect((await get("/join/%E0%A4%A")).status).toBe(400);
  });

  test("the page lists deployments with state and load, escaped, and has a labelled room box", async () => {
    await put(goodReport, "s3cret");
    const page = await (await get("/")).text();
    expect(page).toContain("GARR &lt;Roma&gt;");
    expect(page).toContain("it-central");
    expect(page).toMatch(/<label for="room">/);
    expect(page).toMatch(/<form action="\/join" method="get">/);
    expect(page).toMatch(/12 %/);
  });
});
