import fc from "fast-check";
import { sameJson } from "./same-json.ts";

describe("sameJson", () => {
  test("key order does not matter, at any depth; values and array order do", () => {
    expect(sameJson({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { e: 3, d: 2 }] }, a: 1 })).toBe(true);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson(undefined, {})).toBe(false);
    expect(sameJson(null, {})).toBe(false);
  });

  test("property: an object equals itself with its keys reversed", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const reversed = (v: unknown): unknown =>
          Array.isArray(v)
            ? v.map(reversed)
            : v !== null && typeof v === "object"
              ? Object.fromEntries(
                  Object.entries(v)
                    .reverse()
                    .map(([k, x]) => [k, reversed(x)]),
                )
              : v;
        expect(sameJson(value, reversed(value))).toBe(true);
      }),
    );
  });
});
