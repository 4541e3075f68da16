import fc from "fast-check";
import { conferenceParts, conferenceStress, defaultStressModel, partPacketRate, stressLevel, wholeConference } from "./stress.ts";

const meetings = (count: number, size: number) => Array.from({ length: count }, () => wholeConference(size));

describe("stress model", () => {
  test("an empty bridge has no stress", () => {
    expect(stressLevel([])).toBe(0);
    expect(conferenceStress(0)).toBe(0);
  });

  test("reaches 1.0 at 100-200 participants in meetings of four (calibration band)", () => {
    let conferences = 0;
    while (stressLevel(meetings(conferences, 4)) < 1) conferences++;
    expect(conferences * 4).toBeGreaterThanOrEqual(100);
    expect(conferences * 4).toBeLessThanOrEqual(200);
  });

  test("load grows with senders x receivers: 100 people in 10 meetings of 10 cost far more than in 25 of 4", () => {
    expect(stressLevel(meetings(10, 10))).toBeGreaterThan(1.3 * stressLevel(meetings(25, 4)));
    expect(stressLevel(meetings(1, 100))).toBeGreaterThan(0.8); // past Jicofo's threshold on one bridge: Octo spreads it
  });

  test("a conference's cost per person grows with its size while everyone sends, and flattens once joiners start muted", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: defaultStressModel.startMutedAfter }), (n) => {
        expect(conferenceStress(n) / n).toBeGreaterThan(conferenceStress(n - 1) / (n - 1));
      }),
    );
    // Past ten, each muted joiner costs what it receives: 10 videos and 3 audio streams.
    const muted = defaultStressModel.startMutedAfter * defaultStressModel.videoForwardPps + defaultStressModel.audioLastN * defaultStressModel.audioForwardPps;
    expect((conferenceStress(61) - conferenceStress(60)) * defaultStressModel.loadThresholdPps).toBeCloseTo(muted, 6);
  });

  test("Octo: a conference split over bridges costs each its own part plus relays, and more in total than on one bridge", () => {
    const spread = new Map([
      ["a", { participants: 60, senders: 10 }],
      ["b", { participants: 40, senders: 0 }],
    ]);
    const parts = conferenceParts(spread);
    expect(parts.get("a")).toEqual({ local: 60, localSenders: 10, senders: 10, relays: 1, remote: 40 });
    expect(parts.get("b")).toEqual({ local: 40, localSenders: 0, senders: 10, relays: 1, remote: 60 });
    const split = partPacketRate(parts.get("a")!) + partPacketRate(parts.get("b")!);
    const whole = partPacketRate(wholeConference(100));
    // The relay carries each of the 10 senders once each way: 10 x 150 in, 10 x 150 out.
    expect(split - whole).toBeCloseTo(2 * 10 * defaultStressModel.uplinkPps, 6);
    expect(stressLevel([parts.get("a")!])).toBeLessThan(0.8);
  });

  test("stress is additive over conferences and never negative", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 40 }), (sizes) => {
        const total = stressLevel(sizes.map((s) => wholeConference(s)));
        const sum = sizes.reduce((acc, s) => acc + conferenceStress(s), 0);
        expect(total).toBeGreaterThanOrEqual(0);
        expect(total).toBeCloseTo(sum, 9);
      }),
    );
  });
});
