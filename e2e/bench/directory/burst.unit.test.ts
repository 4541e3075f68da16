import { seededRandom } from "../traces.ts";
import { burstFigures, drawDeployments, placeBurst } from "./burst.ts";

describe("a burst of new rooms", () => {
  test("as in 2020 it lands on the one least-loaded server; the directory spreads it within the bound and only onto healthy ones", () => {
    for (let seed = 1; seed <= 5; seed++) {
      const deployments = drawDeployments(seededRandom(seed), 50);
      const snapshot = placeBurst("2020 snapshot", deployments, 1000, seededRandom(seed));
      expect(snapshot.size).toBe(1);
      const directory = burstFigures(deployments, placeBurst("directory", deployments, 1000, seededRandom(seed)), 1000);
      const old = burstFigures(deployments, snapshot, 1000);
      expect(directory.sentToUnhealthy).toBe(0);
      expect(directory.refused).toBe(0);
      expect(directory.pushedPastFull).toBe(0);
      expect(directory.peakLoad).toBeLessThan(old.peakLoad);
      expect(directory.worstOverShare).toBeLessThan(old.worstOverShare);
    }
  });

  test("the figures count what went where", () => {
    const deployments = [
      { name: "a", state: "ready" as const, capacity: 1, load: 0.7 },
      { name: "b", state: "stale" as const, capacity: 1, load: 0 },
    ];
    const figures = burstFigures(
      deployments,
      new Map([
        ["a", 10],
        ["b", 2],
      ]),
      13,
    );
    expect(figures).toEqual({ worstOverShare: Number.POSITIVE_INFINITY, peakLoad: 0.7 + 10 * 0.02, pushedPastFull: 1, sentToUnhealthy: 2, refused: 1 });
  });
});
