import { gapSteps } from "../gap-steps.ts";
import { gapStepNames, oursWithName, parseOursSettings, parseSeeds, runInstance } from "./instance-runs.ts";

describe("OURS_WITH: ours at settings an admin chooses", () => {
  test("one object or a list of them, each named by its JSON", () => {
    expect(parseOursSettings('{"targetStress":0.7,"roomForRises":false}')).toEqual([{ targetStress: 0.7, roomForRises: false }]);
    expect(parseOursSettings('[{"headroom":0},{"lookaheadMs":180000}]')).toEqual([{ headroom: 0 }, { lookaheadMs: 180_000 }]);
    expect(oursWithName({ headroom: 0 })).toBe('ours with {"headroom":0}');
  });

  test.each([
    ["targetStres", '{"targetStres":0.7}', /OURS_WITH\.targetStres is no setting the suite can vary; these are: .*targetStress/],
    ["not JSON", "{targetStress:0.7}", /OURS_WITH is not JSON/],
    ["not an object", "0.7", /OURS_WITH must be an object of policy settings/],
    ["a string for a number", '[{},{"headroom":"1"}]', /OURS_WITH\[1\]\.headroom must be a number, got "1"/],
    ["the bench's own clock", '{"timeZone":"Europe/Rome"}', /OURS_WITH\.timeZone is no setting the suite can vary/],
  ])("refused, naming the field: %s", (_, text, message) => {
    expect(() => parseOursSettings(text)).toThrow(message);
  });

  test("the setting reaches the policy: no headroom and a high target run fewer bridges than the defaults", () => {
    const cheap = oursWithName({ headroom: 0, targetStress: 0.75 });
    const records = runInstance("exam-session", 0, 1, ["ours", cheap]);
    const hours = (policy: string) => records.find((r) => r.policy === policy)!.bridgeHours;
    expect(hours(cheap)).toBeLessThan(hours("ours"));
  });
});

describe("GAP=1: ours with the causes of the gap to the oracle taken away in turn", () => {
  test("each step runs on its own bridge model, meetings moved are counted, and each later step costs less", () => {
    const sameSettingsWithStartUp = oursWithName(gapSteps[0]!.spec);
    const records = runInstance("school-day", 0, 1, [sameSettingsWithStartUp, ...gapStepNames]);
    const of = (policy: string) => records.find((r) => r.policy === policy)!;
    const steps = gapStepNames.map(of);
    // Classes start together: bridges that take a minute to start leave them overloaded, bridges at once do not.
    expect(steps[0]!.overloadShare).toBeLessThan(of(sameSettingsWithStartUp).overloadShare / 10);
    expect(steps[0]!.interrupted).toBe(0);
    expect(steps[1]!.interrupted).toBeGreaterThan(0);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!.bridgeHours).toBeLessThan(steps[i - 1]!.bridgeHours);
  });
});

describe("SEED: one population or several", () => {
  test("1 by default; a list judged together, each instance recorded with its population's seed", () => {
    expect(parseSeeds(undefined)).toEqual([1]);
    expect(parseSeeds("2")).toEqual([2]);
    expect(parseSeeds("1, 2,3")).toEqual([1, 2, 3]);
    const [one, two] = [1, 2].map((seed) => runInstance("weekend", 0, seed, ["ours"]).find((r) => r.policy === "ours")!);
    expect([one!.seed, two!.seed]).toEqual([1, 2]);
    // Another population draws another day for the same family and instance.
    expect(one!.bridgeHours).not.toBe(two!.bridgeHours);
  });

  test.each([["0"], ["1,,2"], ["1.5"], ["two"], ["1,2,1"], [""]])("refused: %j", (text) => {
    expect(() => parseSeeds(text)).toThrow(/SEED/);
  });
});
