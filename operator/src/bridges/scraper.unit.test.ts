import type { BridgeReading, JvbClient } from "./jvb-client.ts";
import { StatsScraper } from "./scraper.ts";

const reading = (participants: number): BridgeReading => ({ participants, conferences: 1, stress: 0.1, drain: false, shuttingDown: false });

/** A client whose answer per IP the test sets: a reading, or an error. */
function fakeClient() {
  const answers = new Map<string, BridgeReading | Error>();
  const client: JvbClient = {
    async figures(ip) {
      const answer = answers.get(ip) ?? new Error(`no bridge at ${ip}`);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    setDrain: async () => {},
    shutdown: async () => {},
  };
  return { client, answers };
}

function setup(staleAfterMs = 60_000) {
  const { client, answers } = fakeClient();
  const changed: string[] = [];
  const readable: Array<[string, boolean]> = [];
  const scraper = new StatsScraper(
    client,
    { intervalMs: 1_000, staleAfterMs, concurrency: 4 },
    {
      changed: (owner) => changed.push(owner),
      scraped: () => {},
      round: () => {},
      readable: (key, _owner, error) => readable.push([key, error === undefined]),
    },
  );
  return { scraper, answers, changed, readable };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe("StatsScraper", () => {
  test("a new bridge is read at once; its figures are bound to the IP they were read from", async () => {
    const { scraper, answers, changed } = setup();
    answers.set("127.0.0.2", reading(7));
    scraper.setTarget("ns/jvb-0", "127.0.0.2", "ns/fleet");
    await settle();
    expect(scraper.figures("ns/jvb-0")?.participants).toBe(7);
    expect(changed).toEqual(["ns/fleet"]);
    // The pod now has another IP (a new pod of the same name): what was read at the old one is not its.
    scraper.setTarget("ns/jvb-0", "127.0.0.3", "ns/fleet");
    expect(scraper.figures("ns/jvb-0")).toBeUndefined();
  });

  test("a pod that stops running is forgotten; another pod given its IP is read as itself, never as the old one", async () => {
    const { scraper, answers } = setup();
    answers.set("127.0.0.2", reading(7));
    scraper.setTarget("ns/jvb-0", "127.0.0.2", "ns/fleet");
    await settle();
    scraper.setTarget("ns/jvb-0", undefined, "ns/fleet");
    expect(scraper.figures("ns/jvb-0")).toBeUndefined();
    answers.set("127.0.0.2", reading(0));
    scraper.setTarget("other/jvb-9", "127.0.0.2", "other/fleet");
    await settle();
    expect(scraper.figures("other/jvb-9")?.participants).toBe(0);
    expect(scraper.figures("ns/jvb-0")).toBeUndefined();
  });

  test("figures older than staleAfterMs are unknown, never zero", async () => {
    const { scraper, answers } = setup(1_000);
    answers.set("127.0.0.2", reading(7));
    scraper.setTarget("ns/jvb-0", "127.0.0.2", "ns/fleet");
    await settle();
    const readAt = scraper.figures("ns/jvb-0")!.readAt;
    expect(scraper.figures("ns/jvb-0", readAt + 999)?.participants).toBe(7);
    expect(scraper.figures("ns/jvb-0", readAt + 1_001)).toBeUndefined();
  });

  test("a failing bridge is reported once until it answers again, then once as readable; a starting one only after staleAfterMs", async () => {
    const { scraper, answers, readable } = setup(1_500);
    answers.set("127.0.0.2", new Error("connection refused")); // still starting
    scraper.setTarget("ns/jvb-0", "127.0.0.2", "ns/fleet");
    scraper.start();
    await new Promise((r) => setTimeout(r, 1_200));
    expect(readable).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_300)); // past staleAfterMs, still failing: reported, once
    expect(readable).toEqual([["ns/jvb-0", false]]);
    answers.set("127.0.0.2", reading(3));
    await new Promise((r) => setTimeout(r, 1_200));
    answers.set("127.0.0.2", new Error("HTTP 500")); // read before: its first failure is reported at once
    await new Promise((r) => setTimeout(r, 1_200));
    scraper.stop();
    expect(readable).toEqual([
      ["ns/jvb-0", false],
      ["ns/jvb-0", true],
      ["ns/jvb-0", false],
    ]);
  });
});
