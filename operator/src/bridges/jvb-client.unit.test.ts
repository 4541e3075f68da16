import http from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { boundedText, figuresFromStats, httpJvbClient } from "./jvb-client.ts";

const real = {
  stress_level: 0.12,
  conferences: 2,
  local_endpoints: 7,
  participants: 9,
  octo_endpoints: 2,
  largest_conference: 5,
  drain: false,
  shutting_down: false,
  version: "2.3.SNAPSHOT",
};

describe("figures read from /colibri/stats", () => {
  test("a real JVB's answer: local endpoints are the bridge's participants", () => {
    expect(figuresFromStats(real)).toEqual({ participants: 7, conferences: 2, stress: 0.12, largestConference: 5, drain: false, shuttingDown: false });
    const { local_endpoints: _, largest_conference: __, ...older } = real;
    expect(figuresFromStats(older).participants).toBe(7);
    expect(figuresFromStats(older)).not.toHaveProperty("largestConference");
  });

  test.each([
    ["a negative count", { ...real, conferences: -1 }],
    ["a fractional count", { ...real, local_endpoints: 2.5 }],
    ["a negative largest conference", { ...real, largest_conference: -3 }],
    ["a count as a string", { ...real, conferences: "2" }],
    ["huge stress", { ...real, stress_level: 1e9 }],
    ["negative stress", { ...real, stress_level: -0.1 }],
    ["infinite stress (1e999 in JSON)", JSON.parse('{"stress_level":1e999,"conferences":0,"local_endpoints":0}')],
    ["more relayed endpoints than endpoints", { stress_level: 0, conferences: 1, participants: 1, octo_endpoints: 3 }],
    ["no participant figure at all", { stress_level: 0, conferences: 0 }],
    ["not an object", [1, 2, 3]],
    ["null", null],
  ])("refused, so the figures are unknown: %s", (_what, body) => {
    expect(() => figuresFromStats(body)).toThrow();
  });

  test("any JSON at all: refused, or figures a bridge could have (whole non-negative counts, finite stress)", () => {
    const statsLike = fc.record(
      {
        stress_level: fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(null)),
        conferences: fc.oneof(fc.double(), fc.integer({ min: -10, max: 200_000 }), fc.string(), fc.boolean()),
        local_endpoints: fc.oneof(fc.double(), fc.integer({ min: -10, max: 200_000 })),
        participants: fc.oneof(fc.double(), fc.integer({ min: -10, max: 200_000 })),
        octo_endpoints: fc.oneof(fc.double(), fc.integer({ min: -10, max: 200_000 })),
        drain: fc.oneof(fc.boolean(), fc.string()),
        shutting_down: fc.oneof(fc.boolean(), fc.integer()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), statsLike), (body) => {
        let figures: ReturnType<typeof figuresFromStats>;
        try {
          figures = figuresFromStats(body);
        } catch {
          return; // unknown figures: never read as zero
        }
        expect(Number.isInteger(figures.participants) && figures.participants >= 0).toBe(true);
        expect(Number.isInteger(figures.conferences) && figures.conferences >= 0).toBe(true);
        expect(Number.isFinite(figures.stress) && figures.stress >= 0).toBe(true);
        expect(typeof figures.drain).toBe("boolean");
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("reading a bridge's answer", () => {
  let server: http.Server;
  let ip: string;
  let port: number;
  let respond: (res: http.ServerResponse) => void;
  beforeAll(async () => {
    server = http.createServer((_req, res) => respond(res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    ({ address: ip, port } = server.address() as AddressInfo);
  });
  afterAll(async () => {
    server.closeAllConnections(); // the hanging answer's connection too
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test("a body of many megabytes is cut off at the bound, declared or not", async () => {
    respond = (res) => res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ ...real, padding: "x".repeat(6 * 1024 * 1024) }));
    await expect(httpJvbClient(port).figures(ip)).rejects.toThrow(/exceeds/);
    respond = (res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write(`{"padding":"${"x".repeat(1024)}`);
      const chunk = "x".repeat(64 * 1024);
      for (let i = 0; i < 100; i++) res.write(chunk);
      res.end('"}');
    };
    await expect(boundedText(await fetch(`http://${ip}:${port}/`), 1024 * 1024)).rejects.toThrow(/exceeds/);
  });

  test("malformed JSON, a 500 and a bridge that never answers are errors, not figures", async () => {
    respond = (res) => res.writeHead(200).end("{not json");
    await expect(httpJvbClient(port).figures(ip)).rejects.toThrow();
    respond = (res) => res.writeHead(500).end("boom");
    await expect(httpJvbClient(port).figures(ip)).rejects.toThrow(/HTTP 500/);
    respond = () => undefined; // hangs
    await expect(httpJvbClient(port, 200).figures(ip)).rejects.toThrow();
  });
});
