import { median } from "./median.ts";

test("the median is the middle value, the mean of the two middle ones for an even count, NaN for none", () => {
  expect(median([5, 1, 3])).toBe(3);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(median([7])).toBe(7);
  expect(median([])).toBeNaN();
});
