import { jest } from "@jest/globals";
import fc from "fast-check";
import { ApiError, type KubeClient } from "../kube/client.ts";
import { LeaderElector, type LeaseConfig } from "./lease.ts";

interface StoredLease {
  metadata: { name: string; namespace: string; resourceVersion: string };
  spec: Record<string, unknown>;
}

/**
 * An API server holding one Lease, reached over a network whose every leg (there and back) takes what
 * `delay()` says: a request is applied when it arrives and answered a leg later, as a real one is.
 */
class LeaseApi {
  stored: StoredLease | undefined;
  private version = 0;

  client(delay: () => number): KubeClient {
    const leg = () => new Promise((resolve) => setTimeout(resolve, delay()));
    const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
    const conflict = (method: string) => new ApiError(method, "/lease", 409, JSON.stringify({ reason: "Conflict" }));
    const write = (body: StoredLease) => {
      this.stored = { ...clone(body), metadata: { ...body.metadata, resourceVersion: String(++this.version) } };
      return clone(this.stored);
    };
    return {
      server: "fake",
      source: () => {
        throw new Error("not used");
      },
      get: async <T>() => {
        await leg();
        const seen = this.stored && clone(this.stored);
        await leg();
        return seen as T | undefined;
      },
      create: async <T>(_collection: string, body: object) => {
        await leg();
        const created = this.stored ? undefined : write(body as StoredLease);
        await leg();
        if (!created) throw conflict("POST");
        return created as T;
      },
      replace: async <T>(_path: string, body: object) => {
        await leg();
        const sent = body as StoredLease;
        const replaced = this.stored && sent.metadata.resourceVersion === this.stored.metadata.resourceVersion ? write(sent) : undefined;
        await leg();
        if (!replaced) throw conflict("PUT");
        return replaced as T;
      },
      patch: async () => {
        throw new Error("not used");
      },
      delete: async () => {
        throw new Error("not used");
      },
    };
  }
}

const config = (identity: string): LeaseConfig => ({
  namespace: "ns",
  name: "lease",
  identity,
  leaseDurationMs: 4_000,
  renewDeadlineMs: 3_000,
  retryPeriodMs: 500,
});

/** Replicas that campaign for the lease; one that steps down is replaced by a new process, as a Deployment does. */
function replicas(api: LeaseApi, count: number, delay: () => number) {
  const electors: LeaderElector[] = [];
  const events: string[] = [];
  let started = 0;
  const start = (slot: number) => {
    const identity = `replica-${started++}`;
    const elector = new LeaderElector(api.client(delay), config(identity));
    electors[slot] = elector;
    void elector.run({
      startedLeading: () => events.push(`${identity} leads`),
      stoppedLeading: () => {
        events.push(`${identity} stepped down`);
        start(slot);
      },
      newLeader: (holder) => events.push(`${identity} sees ${holder}`),
    });
  };
  for (let slot = 0; slot < count; slot++) start(slot);
  return {
    electors,
    events,
    stop: () => {
      for (const e of electors) e.stop();
    },
  };
}

describe("LeaderElector", () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  test("a leader whose renewals hang stops leading at its renew deadline, before a standby may take over", async () => {
    const api = new LeaseApi();
    let hang = false;
    const leader = new LeaderElector(
      api.client(() => (hang ? 3_600_000 : 10)),
      config("leader"),
    );
    const steps: string[] = [];
    void leader.run({ startedLeading: () => steps.push("leads"), stoppedLeading: () => steps.push(`stepped down at ${Date.now()}`) });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(leader.isLeader).toBe(true);

    hang = true; // every request from now on takes an hour
    const lastRenewalStart = Math.floor(Date.now() / 500) * 500;
    const standby = new LeaderElector(
      api.client(() => 10),
      config("standby"),
    );
    void standby.run({ startedLeading: () => steps.push(`standby leads at ${Date.now()}`), stoppedLeading: () => undefined });
    await jest.advanceTimersByTimeAsync(10_000);
    leader.stop();
    standby.stop();

    const [stepDown, takeOver] = [steps[1], steps[2]].map((s) => Number(s?.split(" at ")[1]));
    expect(steps[0]).toBe("leads");
    expect(stepDown).toBeLessThanOrEqual(lastRenewalStart + 3_000);
    expect(takeOver).toBeGreaterThan(stepDown!);
    expect(leader.isLeader).toBe(false);
    expect(standby.isLeader).toBe(true);
  });

  test("property: with any network delays, stalls included, never two replicas leading at once, and someone leads", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 400 }) }, { weight: 1, arbitrary: fc.integer({ min: 400, max: 12_000 }) }), {
          minLength: 20,
          maxLength: 200,
        }),
        async (delays) => {
          jest.setSystemTime(0);
          const api = new LeaseApi();
          let next = 0;
          const fleet = replicas(api, 2, () => delays[next++ % delays.length]!);
          let ledFor = 0;
          for (let t = 0; t < 60_000; t += 10) {
            await jest.advanceTimersByTimeAsync(10);
            const leading = fleet.electors.filter((e) => e.isLeader).length;
            expect(leading).toBeLessThanOrEqual(1);
            ledFor += leading * 10;
          }
          fleet.stop();
          await jest.advanceTimersByTimeAsync(60_000);
          expect(ledFor).toBeGreaterThan(0);
        },
      ),
      // A failure's shrinking replays many minutes of fake time.
      { numRuns: 25, endOnFailure: true },
    );
  }, 120_000);

  test("a standby hears of each new leader once, not at each of its renewals", async () => {
    const fleet = replicas(new LeaseApi(), 2, () => 5);
    await jest.advanceTimersByTimeAsync(20_000);
    fleet.stop();
    expect(fleet.events).toEqual(["replica-0 leads", "replica-1 sees replica-0"]);
  });
});
