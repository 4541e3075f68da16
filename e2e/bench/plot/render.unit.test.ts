import { benchmarkChart } from "./chart.ts";
import { renderChart } from "./render.ts";

describe("renderChart", () => {
  test("draws a Vega-Lite chart to an SVG with its axes and legend, and to a PNG", async () => {
    const chart = benchmarkChart([
      {
        trace: "week",
        fromMs: 0,
        toMs: 7_200_000,
        lines: [
          {
            policy: "oracle",
            points: [
              { t: 0, bridges: 1 },
              { t: 3_600_000, bridges: 3 },
            ],
          },
          {
            policy: "ours",
            points: [
              { t: 0, bridges: 2 },
              { t: 3_600_000, bridges: 4 },
            ],
          },
        ],
      },
    ]);
    const { svg, png } = await renderChart(chart);
    expect(svg).toContain("<svg");
    for (const text of ["hours from the trace", "bridges", "ours", "oracle", "week"]) expect(svg).toContain(text);
    expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
    // Twice the SVG's width.
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    expect(png.readUInt32BE(16)).toBe(2 * width);
  });
});
