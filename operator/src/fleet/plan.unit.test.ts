import fc from "fast-check";
import { observedBridge } from "./fixtures.ts";
import { freeOrdinals, type ObservedBridge, type PlanInput, planFleet } from "./plan.ts";

const hour = 3_600_000;
const now = 10 * hour;

const bridge = (ordinal: number, over: Partial<ObservedBridge> = {}) =>
  observedBridge(ordinal, { templateHash: "v1", createdAt: ordinal, ...over }, { conferences: 2, readAt: now });
const withPeople = (participants: number) => ({
  figures: { participants, conferences: participants > 0 ? 1 : 0, stress: participants / 100, drain: false, shuttingDown: false, readAt: now },
});
const draining = (since: number, participants: number) => ({
  drainingSince: since,
  figures: { participants, conferences: 1, stress: 0.1, drain: true, shuttingDown: false, readAt: now },
});

const plan = (bridges: ObservedBridge[], over: Partial<PlanInput> = {}) =>
  planFleet({ desiredReplicas: bridges.length, templateHash: "v1", drainDeadlineMs: 2 * hour, now, bridges, ...over });

describe("planFleet", () => {
  test("creates the missing bridges on the lowest free ordinals, capped per pass", () => {
    const p = plan([bridge(1)], { desiredReplicas: 4 });
    expect(p.create.map((c) => c.ordinal)).toEqual([0, 2, 3]);
    expect(plan([], { desiredReplicas: 40 }).create).toHaveLength(16);
  });

  test("a cordoned node's bridges are drained and replaced at once, whatever the count; a pending one there is deleted", () => {
    const leaving = { leavingNode: "node n1 is cordoned" };
    const p = plan([bridge(0, leaving), bridge(1), bridge(2, { ...leaving, running: false, ready: false, figures: undefined })], { desiredReplicas: 3 });
    expect(p.drain).toEqual([{ name: "f-0", reason: "NodeLeaving" }]);
    expect(p.delete).toEqual([{ name: "f-2", reason: "NodeLeaving" }]);
    expect(p.create.map((c) => c.ordinal)).toEqual([3, 4]);
    // Draining there already, and load comes back: the bridge on the leaving node is not the one undrained.
    const back = plan([bridge(0, { ...leaving, ...draining(now - 60_000, 20) }), bridge(1, draining(now - 60_000, 20))], { desiredReplicas: 1 });
    expect(back.undrain).toEqual([{ name: "f-1", reason: "LoadReturned" }]);
  });

  test("a bridge with meetings is protected from eviction, an empty one is not, unknown figures change nothing", () => {
    const p = plan([
      bridge(0),
      bridge(1, withPeople(0)),
      bridge(2, { protectedFromEviction: true, ...withPeople(0) }),
      bridge(3, { ready: false, figures: undefined }),
    ]);
    expect(p.protect).toEqual([
      { name: "f-0", reason: "InUse", protect: true },
      { name: "f-2", reason: "NotInUse", protect: false },
    ]);
    expect(plan([bridge(0, { protectedFromEviction: true })]).protect).toEqual([]);
  });

  test("scale-down drains the emptiest bridges, not the newest or the first", () => {
    const bridges = [bridge(0, withPeople(30)), bridge(1, withPeople(2)), bridge(2, withPeople(50)), bridge(3, withPeople(0))];
    const p = plan(bridges, { desiredReplicas: 2 });
    expect(p.drain.map((d) => d.name).sort()).toEqual(["f-1", "f-3"]);
    expect(p.delete).toEqual([]);
  });

  test("fewer conferences drain first (the bridge empties when its last meeting ends); participants break ties", () => {
    const holding = (conferences: number, participants: number) => ({ figures: { ...withPeople(participants).figures, conferences } });
    const bridges = [bridge(0, holding(6, 12)), bridge(1, holding(1, 40)), bridge(2, holding(2, 9)), bridge(3, holding(1, 30))];
    expect(plan(bridges, { desiredReplicas: 2 }).drain.map((d) => d.name)).toEqual(["f-3", "f-1"]);
    // jitsi-autoscaler's order, for its model in the benchmark.
    expect(plan(bridges, { desiredReplicas: 2, victimOrder: "fewest-participants" }).drain.map((d) => d.name)).toEqual(["f-2", "f-0"]);
  });

  test("a bridge with unknown figures is drained last, never taken for empty", () => {
    const bridges = [bridge(0, { figures: undefined, ready: false }), bridge(1, withPeople(40)), bridge(2, withPeople(60))];
    expect(plan(bridges, { desiredReplicas: 2 }).drain.map((d) => d.name)).toEqual(["f-1"]);
    const drainingUnknown = bridge(3, { drainingSince: now - hour, figures: undefined, ready: false });
    const p = plan([drainingUnknown], { desiredReplicas: 0 });
    expect(p.delete).toEqual([]);
    expect(p.requeueAfterMs).toBe(hour);
  });

  test("a pod that never ran is deleted instead of drained", () => {
    const p = plan([bridge(0, withPeople(5)), bridge(1, { running: false, ready: false, figures: undefined })], { desiredReplicas: 1 });
    expect(p.delete).toEqual([{ name: "f-1", reason: "NotReadyScaleDown" }]);
    expect(p.drain).toEqual([]);
  });

  test("empty is proven only by figures read after the drain settled and showing it: a conference may still be on its way", () => {
    const justDrained = bridge(0, draining(now - 5_000, 0));
    expect(plan([justDrained], { desiredReplicas: 0 }).delete).toEqual([]);
    expect(plan([justDrained], { desiredReplicas: 0 }).requeueAfterMs).toBe(10_000);
    const notYetShowingDrain = bridge(0, { drainingSince: now - 60_000, figures: { ...withPeople(0).figures, drain: false } });
    expect(plan([notYetShowingDrain], { desiredReplicas: 0 }).delete).toEqual([]);
    const readTooEarly = bridge(0, { drainingSince: now - 60_000, figures: { ...draining(0, 0).figures, readAt: now - 50_000 } });
    expect(plan([readTooEarly], { desiredReplicas: 0 }).delete).toEqual([]);
  });

  test("a draining bridge is deleted once empty, and waits while people are on it", () => {
    const p = plan([bridge(0, draining(now - 60_000, 0)), bridge(1, draining(now - 60_000, 7))], { desiredReplicas: 0 });
    expect(p.delete).toEqual([{ name: "f-0", reason: "BridgeEmpty" }]);
    expect(p.shutdown).toEqual([]);
    expect(p.requeueAfterMs).toBe(2 * hour - 60_000);
    expect(plan([bridge(1, draining(now - 60_000, 7))], { desiredReplicas: 0 }).requeueAfterMs).toBe(2 * hour - 60_000);
  });

  test("past the drain deadline it is shut down, and deleted when the shutdown grace has passed", () => {
    const late = bridge(0, draining(now - 2 * hour, 7));
    expect(plan([late], { desiredReplicas: 0 }).shutdown).toEqual([{ name: "f-0", reason: "DrainDeadlinePassed" }]);
    const shutting = bridge(0, { ...draining(now - 3 * hour, 7), shutdownRequestedAt: now - 60_000 });
    const waiting = plan([shutting], { desiredReplicas: 0 });
    expect(waiting.delete).toEqual([]);
    expect(waiting.requeueAfterMs).toBe(60_000);
    expect(plan([shutting], { desiredReplicas: 0, now: now + 60_000 }).delete).toEqual([{ name: "f-0", reason: "ShutdownGraceElapsed" }]);
  });

  test("when load comes back, draining bridges are undrained before any new one is created", () => {
    const bridges = [bridge(0), bridge(1, draining(now - 60_000, 3)), bridge(2, draining(now - 60_000, 20))];
    const p = plan(bridges, { desiredReplicas: 2 });
    expect(p.undrain).toEqual([{ name: "f-2", reason: "LoadReturned" }]);
    expect(p.create).toEqual([]);
    const more = plan(bridges, { desiredReplicas: 4 });
    expect(more.undrain.map((u) => u.name)).toEqual(["f-2", "f-1"]);
    expect(more.create.map((c) => c.ordinal)).toEqual([3]);
  });

  test("in the last quarter of its deadline, a draining bridge still hosting meetings trades places with an empty active one", () => {
    const late = now - 1.6 * hour; // the deadline is 2 h: trades from 1.5 h on
    const bridges = [bridge(0, withPeople(0)), bridge(1, withPeople(9)), bridge(2, draining(late, 3)), bridge(3, draining(late + 60_000, 4))];
    const p = plan(bridges, { desiredReplicas: 2 });
    // The one nearest its deadline is kept; the other still drains (no second empty bridge to trade).
    expect(p.undrain).toEqual([{ name: "f-2", reason: "KeepsItsMeetings" }]);
    expect(p.drain).toEqual([{ name: "f-0", reason: "EmptyInstead" }]);
    expect(p.create).toEqual([]);
    // Before that, the empty bridge stays the fleet's room, and the plan wakes when the trade is due.
    const early = plan([bridge(0, withPeople(0)), bridge(2, draining(now - hour, 3))], { desiredReplicas: 1 });
    expect([...early.drain, ...early.undrain]).toEqual([]);
    expect(early.requeueAfterMs).toBe(0.5 * hour);
    // The next pass, once the drain has settled: the empty bridge is deleted, the trade not undone.
    const next = [
      bridge(0, { drainingSince: now, figures: { ...withPeople(0).figures, drain: true, readAt: now + 20_000 } }),
      bridge(1, withPeople(9)),
      bridge(2, withPeople(3)),
      bridge(3, draining(late + 60_000, 4)),
    ];
    const after = plan(next, { desiredReplicas: 2, now: now + 20_000 });
    expect(after.delete).toEqual([{ name: "f-0", reason: "BridgeEmpty" }]);
    expect([...after.drain, ...after.undrain]).toEqual([]);
  });

  test("no trade for an active bridge with people or unknown figures, a draining one with nobody left, on a leaving node or of an old template", () => {
    const busyDraining = bridge(2, draining(now - 1.6 * hour, 3));
    const noTrade = (bridges: ObservedBridge[], over: Partial<PlanInput> = {}) => {
      const p = plan(bridges, { desiredReplicas: bridges.filter((b) => b.drainingSince === undefined).length, ...over });
      expect(p.undrain).toEqual([]);
      expect(p.drain).toEqual([]);
    };
    noTrade([bridge(0, withPeople(1)), busyDraining]);
    noTrade([bridge(0, { ready: false, figures: undefined }), busyDraining]);
    noTrade([bridge(0, withPeople(0)), bridge(2, draining(now - 5_000, 0))]); // empty too: it goes by itself
    noTrade([bridge(0, withPeople(0)), bridge(2, { ...draining(now - 1.6 * hour, 3), leavingNode: "node n1 is cordoned" })]);
    noTrade([bridge(0, withPeople(0)), bridge(2, { ...draining(now - 1.6 * hour, 3), templateHash: "v0" })]);
  });

  test("exited bridges are deleted; their replacement comes once they are gone", () => {
    const p = plan([bridge(0), bridge(1, { exited: true, running: false, ready: false, figures: undefined })], { desiredReplicas: 2 });
    expect(p.delete).toEqual([{ name: "f-1", reason: "BridgeExited" }]);
    expect(p.create.map((c) => c.ordinal)).toEqual([2]);
  });

  test("a rolling upgrade starts one new bridge, then drains one old bridge once the new one is ready", () => {
    const old = [bridge(0, withPeople(10)), bridge(1, withPeople(3)), bridge(2, withPeople(20))];
    const step1 = plan(old, { templateHash: "v2" });
    expect(step1.create).toEqual([{ ordinal: 3, reason: "RollingUpgrade" }]);
    expect(step1.drain).toEqual([]);

    const starting = [...old, bridge(3, { templateHash: "v2", ready: false, figures: undefined })];
    const step2 = plan(starting, { templateHash: "v2", desiredReplicas: 3 });
    expect(step2).toMatchObject({ create: [], drain: [], delete: [] });

    const ready = [...old, bridge(3, { templateHash: "v2", ...withPeople(0) })];
    const step3 = plan(ready, { templateHash: "v2", desiredReplicas: 3 });
    expect(step3.drain).toEqual([{ name: "f-1", reason: "RollingUpgrade" }]);

    const oneDraining = [old[0]!, bridge(1, draining(now, 3)), old[2]!, bridge(3, { templateHash: "v2", ...withPeople(4) })];
    const step4 = plan(oneDraining, { templateHash: "v2", desiredReplicas: 3 });
    expect(step4).toMatchObject({ create: [], drain: [], delete: [] });
  });

  test("a bridge whose drain flag disagrees with the record is put right", () => {
    const restarted = bridge(0, {
      drainingSince: now - 1000,
      figures: { participants: 5, conferences: 1, stress: 0.1, drain: false, shuttingDown: false, readAt: now },
    });
    const stray = bridge(1, { figures: { participants: 5, conferences: 1, stress: 0.1, drain: true, shuttingDown: false, readAt: now } });
    const p = plan([restarted, stray], { desiredReplicas: 1 });
    expect(p.resyncDrain).toEqual([
      { name: "f-0", reason: "DrainStateRepair", drain: true },
      { name: "f-1", reason: "DrainStateRepair", drain: false },
    ]);
  });

  test("pods being deleted are ignored, but keep their ordinals", () => {
    const p = plan([bridge(0, { deleting: true })], { desiredReplicas: 1 });
    expect(p.create.map((c) => c.ordinal)).toEqual([1]);
    expect(freeOrdinals([bridge(0), bridge(2)], 3)).toEqual([1, 3, 4]);
  });
});

describe("planFleet properties", () => {
  const arbBridge = (ordinal: number) =>
    fc
      .record({
        templateHash: fc.constantFrom("v1", "v2"),
        deleting: fc.boolean(),
        exited: fc.boolean(),
        running: fc.boolean(),
        known: fc.boolean(),
        participants: fc.integer({ min: 0, max: 80 }),
        drainingFor: fc.option(fc.integer({ min: 0, max: 4 * hour }), { nil: undefined }),
        shutdownFor: fc.option(fc.integer({ min: 0, max: 4 * 60_000 }), { nil: undefined }),
        leaving: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
        protectedFromEviction: fc.boolean(),
        conferences: fc.integer({ min: 0, max: 3 }),
      })
      .map((r): ObservedBridge => {
        const b: ObservedBridge = {
          name: `f-${ordinal}`,
          ordinal,
          templateHash: r.templateHash,
          createdAt: ordinal,
          deleting: r.deleting,
          exited: r.exited,
          running: r.running && !r.exited,
          ready: r.running && !r.exited && r.known,
          protectedFromEviction: r.protectedFromEviction,
        };
        if (r.leaving) b.leavingNode = "node n is cordoned";
        if (b.ready)
          b.figures = {
            participants: r.participants,
            conferences: r.participants > 0 ? Math.max(1, r.conferences) : r.conferences,
            stress: 0.2,
            drain: r.drainingFor !== undefined && r.known,
            shuttingDown: false,
            readAt: now - (r.shutdownFor ?? 0),
          };
        if (r.drainingFor !== undefined) b.drainingSince = now - r.drainingFor;
        if (r.drainingFor !== undefined && r.shutdownFor !== undefined) b.shutdownRequestedAt = now - r.shutdownFor;
        return b;
      });
  const arbInput = fc
    .integer({ min: 0, max: 12 })
    .chain((n) => fc.tuple(fc.tuple(...Array.from({ length: n }, (_, i) => arbBridge(i))), fc.integer({ min: 0, max: 12 }), fc.constantFrom("v1", "v2")))
    .map(([bridges, desiredReplicas, templateHash]): PlanInput => ({ bridges, desiredReplicas, templateHash, drainDeadlineMs: 2 * hour, now }));

  test("no meeting is cut: every deletion or shutdown is of an exited, never-run, empty, past-deadline or past-grace bridge", () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const p = planFleet(input);
        const find = (name: string) => input.bridges.find((b) => b.name === name)!;
        for (const d of p.delete) {
          const b = find(d.name);
          expect(b.deleting).toBe(false);
          const provenEmpty = b.figures?.participants === 0 && b.figures.drain && b.figures.readAt >= (b.drainingSince ?? Infinity) + 15_000;
          const safe = b.exited || !b.running || provenEmpty || (b.shutdownRequestedAt !== undefined && input.now - b.shutdownRequestedAt >= 120_000);
          expect({ bridge: b, reason: d.reason, safe }).toMatchObject({ safe: true });
        }
        for (const s of p.shutdown) {
          const b = find(s.name);
          expect(input.now - (b.drainingSince ?? Infinity)).toBeGreaterThanOrEqual(input.drainDeadlineMs);
        }
      }),
    );
  });

  test("without a roll, the active count after the plan is the desired count when no cap binds", () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const p = planFleet({ ...input, templateHash: "v1", bridges: input.bridges.map((b) => ({ ...b, templateHash: "v1" })) });
        const active = input.bridges.filter((b) => !b.deleting && !b.exited && b.drainingSince === undefined);
        const removed = new Set([...p.drain, ...p.delete].map((d) => d.name));
        const after = active.filter((b) => !removed.has(b.name)).length + p.create.length + p.undrain.length;
        const capped = p.create.length === 16 || p.drain.filter((d) => d.reason !== "NodeLeaving").length === 8;
        if (!capped) expect(after).toBe(input.desiredReplicas);
      }),
    );
  });

  test("created ordinals are free and distinct; a bridge gets at most one decision of each kind", () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const p = planFleet(input);
        const used = new Set(input.bridges.map((b) => b.ordinal));
        const ordinals = p.create.map((c) => c.ordinal);
        expect(new Set(ordinals).size).toBe(ordinals.length);
        for (const o of ordinals) expect(used.has(o)).toBe(false);
        const touched = [...p.drain, ...p.undrain, ...p.delete, ...p.shutdown].map((d) => d.name);
        expect(new Set(touched).size).toBe(touched.length);
      }),
    );
  });

  test("no meeting nears its deadline on a draining bridge while an empty active bridge stays", () => {
    // Ready bridges of one template on staying nodes, some draining, many empty: where a trade is due.
    const arbFleet = fc.tuple(
      fc.array(
        fc.record({
          drainingFor: fc.option(fc.integer({ min: 0, max: 2 * hour - 1 }), { nil: undefined }),
          participants: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
        }),
        { minLength: 1, maxLength: 10 },
      ),
      fc.integer({ min: 0, max: 10 }),
    );
    fc.assert(
      fc.property(arbFleet, ([drawn, desiredReplicas]) => {
        const bridges = drawn.map((d, i) =>
          bridge(i, d.drainingFor === undefined ? withPeople(d.participants) : draining(now - d.drainingFor, d.participants)),
        );
        const p = plan(bridges, { desiredReplicas });
        if (p.create.length > 0) return; // load came back: undrained and created, nothing to trade
        const gone = new Set([...p.drain, ...p.delete].map((d) => d.name));
        const undrained = new Set(p.undrain.map((d) => d.name));
        const emptyActive = bridges.filter((b) => b.drainingSince === undefined && !gone.has(b.name) && b.figures?.participants === 0);
        const nearDeadline = (b: ObservedBridge) => now - b.drainingSince! >= 1.5 * hour;
        const busyDraining = bridges.filter(
          (b) => b.drainingSince !== undefined && nearDeadline(b) && !undrained.has(b.name) && (b.figures?.participants ?? 0) > 0,
        );
        expect(emptyActive.length === 0 || busyDraining.length === 0).toBe(true);
        expect(bridges.filter((b) => b.drainingSince === undefined).length - p.drain.length + p.undrain.length).toBe(Math.min(desiredReplicas, bridges.length));
      }),
    );
  });

  test("no bridge stays on a leaving node: each running one is drained (never undrained), each that never ran deleted", () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const p = planFleet(input);
        const removed = new Set([...p.drain, ...p.delete].map((d) => d.name));
        const undrained = new Set(p.undrain.map((d) => d.name));
        for (const b of input.bridges.filter((b) => b.leavingNode !== undefined && !b.deleting && !b.exited)) {
          expect(undrained.has(b.name)).toBe(false);
          if (b.drainingSince === undefined) expect(removed.has(b.name)).toBe(true);
        }
      }),
    );
  });

  test("eviction protection follows meetings: on while known figures show any, off when they show none, kept when unknown", () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const p = planFleet(input);
        const changes = new Map(p.protect.map((d) => [d.name, d.protect]));
        const deleted = new Set(p.delete.map((d) => d.name));
        for (const b of input.bridges.filter((b) => !b.deleting && !deleted.has(b.name))) {
          const after = changes.get(b.name) ?? b.protectedFromEviction ?? false;
          if (b.exited || !b.running) expect(after).toBe(false);
          else if (b.figures) expect(after).toBe(b.figures.conferences > 0 || b.figures.participants > 0);
          else expect(after).toBe(b.protectedFromEviction ?? false);
        }
      }),
    );
  });

  test("a scale-down never drains a bridge of unknown figures while a running, known one of the same template stays", () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const p = planFleet({ ...input, templateHash: "v1", bridges: input.bridges.map((b) => ({ ...b, templateHash: "v1" })) });
        // Bridges on a leaving node go whatever their figures: not a scale-down choice.
        const drained = new Set(p.drain.filter((d) => d.reason !== "NodeLeaving").map((d) => d.name));
        const active = input.bridges.filter((b) => !b.deleting && !b.exited && b.drainingSince === undefined && b.running && b.leavingNode === undefined);
        const drainedUnknown = active.some((b) => drained.has(b.name) && !b.figures);
        const keptKnown = active.some((b) => !drained.has(b.name) && b.figures);
        expect(drainedUnknown && keptKnown).toBe(false);
      }),
    );
  });
});
