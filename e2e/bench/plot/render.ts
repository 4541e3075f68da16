// Renders a Vega-Lite chart to SVG (Vega's own renderer, no browser) and to PNG (resvg, with the
// machine's fonts), so every plot of the benchmarks is drawn by a well-kept library from one spec.

import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export interface RenderedChart {
  svg: string;
  png: Buffer;
}

export async function renderChart(spec: TopLevelSpec): Promise<RenderedChart> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    // Twice the size: readable when the PNG is shown scaled down in a README.
    const png = new Resvg(svg, { fitTo: { mode: "zoom", value: 2 }, background: "white", font: { loadSystemFonts: true } }).render().asPng();
    return { svg, png };
  } finally {
    view.finalize();
  }
}
