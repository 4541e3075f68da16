import fc from "fast-check";
import { conferencePacketRate, defaultStressModel, stressLevel } from "./stress.ts";

describe("stress model", () => {
  test("an empty bridge has no stress", () => {
    expect(stressLevel([])).toBe(0);
    expect(conferencePacketRate(0)).toBe(0);
  });

  test("reaches 1.0 at 100-200 participants in meetings of four (calibration band)", () => {
    const participantsAtFullStress = (size: number) => {
      let conferences = 0;
      while (stressLevel(Array(conferences).fill(size)) < 1) conferences++;
      return conferences * size;
    };
    expect(participantsAtFullStress(4)).toBeGreaterThanOrEqual(100);
    expect(participantsAtFullStress(4)).toBeLessThanOrEqual(200);
  });

  test("100 people in one meeting load a bridge far more than in 25 meetings of four", () => {
    const oneBig = stressLevel([100]);
    const manySmall = stressLevel(Array(25).fill(4));
    expect(oneBig).toBeGreaterThan(2 * manySmall);
    expect(oneBig).toBeGreaterThan(1); // and can exceed 1, as JVB's stress does
  });

  test("a conference's cost grows faster than its size until last-n caps it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: defaultStressModel.lastN }), (n) => {
        const perPerson = (k: number) => conferencePacketRate(k) / k;
        expect(perPerson(n)).toBeGreaterThan(perPerson(n - 1));
      }),
    );
  });

  test("stress is additive over conferences and never negative", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 40 }), (sizes) => {
        const total = stressLevel(sizes);
        const sum = sizes.reduce((acc, s) => acc + stressLevel([s]), 0);
        expect(total).toBeGreaterThanOrEqual(0);
        expect(total).toBeCloseTo(sum, 9);
      }),
    );
  });
});
