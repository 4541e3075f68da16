import http from "node:http";
import type { AddressInfo } from "node:net";
import { Directory } from "./directory.ts";
import { StatsPoller } from "./poller.ts";

// A plain server's bridges on loopback: /ok answers stats, /broken a 502, /hung never answers.
let server: http.Server;
let base: string;
let participants = 20;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/ok") res.end(JSON.stringify({ stress_level: 0.3, conferences: 2, local_endpoints: participants }));
    else if (req.url === "/broken") res.writeHead(502).end("bad gateway");
    // /hung: left open until the poller gives up.
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function setUp(urls: string[]) {
  const directory = new Directory();
  directory.register({ name: "liceo", url: "https://meet.liceo.example", displayName: "Liceo", region: "it-north" });
  const polls: string[] = [];
  const changes: Array<string | undefined> = [];
  const deployment = { name: "liceo", stats: { format: "colibri" as const, urls } };
  const poller = new StatsPoller(() => [deployment], {
    directory,
    countPoll: (result) => polls.push(result),
    onChange: (_, problem) => changes.push(problem),
    intervalMs: 60_000,
    timeoutMs: 300,
  });
  return { directory, polls, changes, poller, deployment };
}

describe("polling a plain server's stats", () => {
  test("the bridges that answer make its report; a broken or hung one counts toward its size only", async () => {
    const { directory, polls, changes, poller, deployment } = setUp([`${base}/ok`, `${base}/broken`, `${base}/hung`]);
    await poller.poll(deployment);
    expect(directory.list(Date.now())[0]).toMatchObject({ state: "ready", participants: 20, bridgesReady: 1, maxBridges: 3 });
    expect(polls).toEqual(["ok"]);
    expect(changes).toEqual([]);
  });

  test("when none answers it reports nothing and says why once; when one answers again it says so", async () => {
    const { directory, changes, polls, poller, deployment } = setUp([`${base}/broken`, `${base}/hung`]);
    await poller.poll(deployment);
    await poller.poll(deployment);
    expect(directory.list(Date.now())[0]?.reportAgeSeconds).toBeUndefined();
    expect(polls).toEqual(["failed", "failed"]);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatch(/\/broken: HTTP 502.*\/hung: .*(timeout|aborted)/i);
    participants = 35;
    await poller.poll({ ...deployment, stats: { ...deployment.stats, urls: [`${base}/ok`] } });
    expect(changes).toEqual([expect.any(String), undefined]);
    expect(directory.list(Date.now())[0]).toMatchObject({ state: "ready", participants: 35 });
  });

  test("started, it polls at once and then every interval, until closed", async () => {
    const { polls, poller } = setUp([`${base}/ok`]);
    poller.start();
    try {
      for (let waited = 0; polls.length === 0 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(polls).toEqual(["ok"]);
    } finally {
      poller.close();
    }
  });
});
