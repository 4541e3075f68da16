import { jicofoRedistributionDefaults, type RedistributedBridge, redistributionMoves } from "./load-redistribution.ts";

const config = jicofoRedistributionDefaults; // every minute, threshold 0.9, 3 min timeout, 10 endpoints
const bridge = (id: number, correctedStress: number, conferences: Array<[number, number]> = []): RedistributedBridge => ({
  id,
  correctedStress,
  conferences: new Map(conferences),
});

describe("Jicofo's load redistribution", () => {
  test("takes endpoints off each bridge at or above the threshold, the conferences with most endpoints there first", () => {
    const bridges = [
      bridge(1, 0.95, [
        [7, 3],
        [8, 6],
        [9, 6],
      ]),
      bridge(2, 0.9, [[10, 4]]),
      bridge(3, 0.89, [[11, 30]]),
      bridge(4, 0.3),
    ];
    expect(redistributionMoves(bridges, config, 0.8, 0, new Map())).toEqual([
      {
        bridge: 1,
        moves: new Map([
          [8, 6],
          [9, 4],
        ]),
      },
      { bridge: 2, moves: new Map([[10, 4]]) },
    ]);
  });

  test("moves nothing while no bridge is under the selection threshold: there would be nowhere to put them", () => {
    const bridges = [bridge(1, 0.95, [[7, 20]]), bridge(2, 0.8, [[8, 5]])];
    expect(redistributionMoves(bridges, config, 0.8, 0, new Map())).toEqual([]);
    expect(redistributionMoves([...bridges, bridge(3, 0.79)], config, 0.8, 0, new Map())).toHaveLength(1);
  });

  test("a bridge moved from rests for the timeout; an overloaded bridge without conferences still starts its rest", () => {
    const bridges = [bridge(1, 0.95, [[7, 20]]), bridge(2, 0.92), bridge(3, 0.2)];
    const movedAt = new Map([[1, 0]]);
    expect(redistributionMoves(bridges, config, 0.8, config.timeoutMs - 1, movedAt)).toEqual([{ bridge: 2, moves: new Map() }]);
    expect(redistributionMoves(bridges, config, 0.8, config.timeoutMs, movedAt).map((m) => m.bridge)).toEqual([1, 2]);
  });
});
