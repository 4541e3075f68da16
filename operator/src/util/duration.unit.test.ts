import { parseDuration } from "./duration.ts";

test.each([
  ["500ms", 500],
  ["5s", 5_000],
  ["1.5s", 1_500],
  ["10m", 600_000],
  ["24h", 86_400_000],
  ["1h30m", 5_400_000],
])("parses %s as %i ms", (text, ms) => expect(parseDuration(text)).toBe(ms));

test.each(["", "5", "s", "5 s", "-5s", "5d", "5s!"])("refuses %j with the accepted form", (text) => {
  expect(() => parseDuration(text)).toThrow(/invalid duration .*e\.g\. 500ms/);
});
