import { inflateSync } from "node:zlib";
import { plotBenchmark } from "./chart.ts";
import { drawText } from "./font.ts";
import { Canvas } from "./png.ts";

/** Decodes what Canvas.toPng writes (one IDAT, filter 0) back into width, height and pixels. */
function decode(png: Buffer): { width: number; height: number; pixel: (x: number, y: number) => number[] } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idatAt = png.indexOf("IDAT");
  const raw = inflateSync(png.subarray(idatAt + 4, idatAt + 4 + png.readUInt32BE(idatAt - 4)));
  expect(png.subarray(-8, -4).toString("ascii")).toBe("IEND");
  return { width, height, pixel: (x, y) => [...raw.subarray(y * (width * 3 + 1) + 1 + x * 3, y * (width * 3 + 1) + 4 + x * 3)] };
}

describe("PNG plot", () => {
  test("a canvas round-trips through PNG: size, background, a drawn line", () => {
    const canvas = new Canvas(20, 10);
    canvas.line(0, 5, 19, 5, [255, 0, 0]);
    const image = decode(canvas.toPng());
    expect(image).toMatchObject({ width: 20, height: 10 });
    expect(image.pixel(10, 5)).toEqual([255, 0, 0]);
    expect(image.pixel(10, 2)).toEqual([255, 255, 255]);
  });

  test("text takes four font pixels per character and inks only inside its box", () => {
    const canvas = new Canvas(40, 12);
    expect(drawText(canvas, "ab1", 0, 0, [0, 0, 0], 2)).toBe(24);
    let inked = 0;
    for (let y = 0; y < 12; y++)
      for (let x = 0; x < 40; x++)
        if (canvas.get(x, y)[0] === 0) {
          inked++;
          expect(x).toBeLessThan(24);
          expect(y).toBeLessThan(10);
        }
    expect(inked).toBeGreaterThan(0);
  });

  test("the benchmark plot has a panel per trace and draws each policy in its colour", () => {
    const points = (bridges: number) => [
      { t: 0, bridges },
      { t: 3_600_000, bridges },
    ];
    const png = plotBenchmark([
      {
        trace: "a",
        fromMs: 0,
        toMs: 3_600_000,
        lines: [
          { policy: "oracle", points: points(2) },
          { policy: "ours", points: points(4) },
        ],
      },
      { trace: "b", fromMs: 0, toMs: 3_600_000, lines: [{ policy: "hpa", points: points(1) }] },
    ]);
    const image = decode(png);
    expect(image.height).toBe(40 + 2 * 260);
    const column = (x: number) => Array.from({ length: image.height }, (_, y) => image.pixel(x, y).join());
    expect(column(600)).toContain([31, 119, 180].join()); // ours
    expect(column(600)).toContain([214, 39, 40].join()); // hpa, in the second panel
  });
});
