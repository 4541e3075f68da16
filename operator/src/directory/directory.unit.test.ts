import { Directory, defaultDirectorySettings } from "./directory.ts";
import type { LoadReport } from "./report.ts";

const { staleAfterMs, outAfterMs, roomLifetimeMs, drainingRoomLifetimeMs, pendingWindowMs } = defaultDirectorySettings;

function report(figures: Partial<LoadReport> = {}): LoadReport {
  return { bridgesReady: 2, maxBridges: 10, participants: 30, conferences: 5, stress: 1, draining: false, ...figures };
}

/** Three deployments that reported at time 0. */
function directoryOfThree(): Directory {
  const directory = new Directory();
  for (const name of ["rome", "milan", "bari"]) {
    directory.register({ name, url: `https://${name}.example.org`, displayName: name, region: "it" });
    directory.report(name, report(), 0);
  }
  return directory;
}

describe("Directory", () => {
  test("everyone asking for the same room meets on the same deployment, whatever the case of its name", () => {
    const directory = directoryOfThree();
    const first = directory.join("Physics-101", 1000);
    expect(first.reason).toBe("new");
    for (let t = 2000; t < 10_000; t += 1000) {
      const again = directory.join("physics-101", t);
      expect(again).toEqual({ reason: "sticky", deployment: first.deployment });
    }
  });

  test("a room stays while people keep joining it, and is a new room after its lifetime without a join", () => {
    const directory = directoryOfThree();
    const first = directory.join("choir", 0);
    // Keep every deployment reporting so that none goes stale meanwhile.
    const keepReporting = (t: number) => {
      for (const r of directory.registrations()) directory.report(r.name, report(), t);
    };
    keepReporting(roomLifetimeMs);
    expect(directory.join("choir", roomLifetimeMs).reason).toBe("sticky");
    keepReporting(2 * roomLifetimeMs + 1);
    expect(directory.join("choir", 2 * roomLifetimeMs + 1).reason).toBe("new");
    expect(first.deployment).toBeDefined();
  });

  test("a deployment that stops reporting is stale, then out, within seconds; its rooms move elsewhere", () => {
    const directory = directoryOfThree();
    const room = directory.join("board-meeting", 0);
    const silent = room.deployment!.name;
    const others = directory.registrations().filter((r) => r.name !== silent);
    const reportOthers = (t: number) => {
      for (const r of others) directory.report(r.name, report(), t);
    };
    reportOthers(staleAfterMs + 1);
    expect(directory.list(staleAfterMs + 1).find((d) => d.name === silent)?.state).toBe("stale");
    const moved = directory.join("board-meeting", staleAfterMs + 1);
    expect(moved.reason).toBe("moved");
    expect(moved.deployment!.name).not.toBe(silent);
    reportOthers(outAfterMs + 1);
    expect(directory.list(outAfterMs + 1).find((d) => d.name === silent)?.state).toBe("out");
    for (let i = 0; i < 200; i++) expect(directory.join(`room-${i}`, outAfterMs + 1).deployment!.name).not.toBe(silent);
  });

  test("a draining deployment takes no new rooms and keeps a room's late joiners for a while", () => {
    const directory = directoryOfThree();
    const room = directory.join("lecture", 0);
    const draining = room.deployment!.name;
    directory.report(draining, report({ draining: true }), 1);
    expect(directory.join("lecture", 2)).toEqual({ reason: "sticky", deployment: room.deployment });
    for (let i = 0; i < 200; i++) expect(directory.join(`new-${i}`, 3).deployment!.name).not.toBe(draining);
    for (const r of directory.registrations()) directory.report(r.name, report({ draining: r.name === draining }), drainingRoomLifetimeMs + 3);
    const after = directory.join("lecture", drainingRoomLifetimeMs + 3);
    expect(after.reason).toBe("moved");
    expect(after.deployment!.name).not.toBe(draining);
  });

  test("a full deployment takes no new rooms; with every one full, gone or draining there is no deployment", () => {
    const directory = directoryOfThree();
    directory.report("rome", report({ stress: 8 }), 1);
    expect(directory.list(1).find((d) => d.name === "rome")).toMatchObject({ state: "full", relativeLoad: 0.8 });
    for (let i = 0; i < 200; i++) expect(directory.join(`r-${i}`, 1).deployment!.name).not.toBe("rome");
    directory.report("milan", report({ draining: true }), 1);
    directory.report("bari", report({ stress: 9 }), 1);
    expect(directory.join("one-more", 1)).toEqual({ reason: "none" });
  });

  test("rooms sent lately count against free capacity for the pending window, whatever reports come meanwhile", () => {
    const directory = new Directory();
    directory.register({ name: "small", url: "https://small.example.org", displayName: "small", region: "eu" });
    // One bridge, free 0.8 at report time: 40 rooms of 0.02 each.
    directory.report("small", report({ maxBridges: 1, bridgesReady: 1, stress: 0 }), 0);
    const reasons = Array.from({ length: 50 }, (_, i) => directory.join(`room-${i}`, 1).reason);
    expect(reasons.filter((r) => r === "new")).toHaveLength(40);
    expect(reasons.at(-1)).toBe("none");
    // A report right after the burst cannot show its rooms yet: they still count.
    directory.report("small", report({ maxBridges: 1, bridgesReady: 1, stress: 0.2 }), 2);
    expect(directory.join("room-after-report", 3).reason).toBe("none");
    // Once the window has passed, the reports speak for them.
    directory.report("small", report({ maxBridges: 1, bridgesReady: 1, stress: 0.2 }), pendingWindowMs + 2);
    expect(directory.join("room-after-window", pendingWindowMs + 3).reason).toBe("new");
  });

  test("a report older than the one held changes nothing (another replica's, read back late)", () => {
    const directory = new Directory();
    directory.register({ name: "rome", url: "https://rome.example.org", displayName: "Rome", region: "eu" });
    directory.report("rome", report({ participants: 40 }), 2_000);
    expect(directory.report("rome", report({ participants: 10 }), 1_000)).toBe(true);
    expect(directory.list(2_000)[0]).toMatchObject({ participants: 40, reportAgeSeconds: 0 });
  });

  test("reports for an unknown deployment are refused; a deployment never heard from is out", () => {
    const directory = new Directory();
    expect(directory.report("nobody", report(), 0)).toBe(false);
    directory.register({ name: "quiet", url: "https://quiet.example.org", displayName: "Quiet", region: "eu" });
    expect(directory.list(0)).toEqual([expect.objectContaining({ name: "quiet", state: "out", reportAgeSeconds: undefined })]);
    expect(directory.join("room", 0)).toEqual({ reason: "none" });
  });

  test("ended rooms are forgotten, live ones kept", () => {
    const directory = directoryOfThree();
    directory.join("old", 0);
    for (const r of directory.registrations()) directory.report(r.name, report(), roomLifetimeMs);
    directory.join("recent", roomLifetimeMs);
    expect(directory.forgetEndedRooms(roomLifetimeMs + 1)).toBe(1);
  });
});
