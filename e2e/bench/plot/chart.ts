// The benchmark's plot: one panel per trace, bridges over time for every policy and the oracle, so the
// gap behind each ratio in the table can be seen (where a policy holds bridges the oracle does not).

import { drawText } from "./font.ts";
import { Canvas, type Rgb } from "./png.ts";

export interface PlotPanel {
  trace: string;
  fromMs: number;
  toMs: number;
  lines: Array<{ policy: string; points: Array<{ t: number; bridges: number }> }>;
}

export const policyColors: Record<string, Rgb> = {
  oracle: [0, 0, 0],
  static: [150, 150, 150],
  hpa: [214, 39, 40],
  "agones-buffer": [44, 160, 44],
  "jitsi-autoscaler": [255, 127, 14],
  ours: [31, 119, 180],
};

const width = 1200;
const panelHeight = 260;
const left = 60;
const right = 20;
const top = 40;
const bottom = 30;
const hour = 3_600_000;
const ink: Rgb = [60, 60, 60];
const grid: Rgb = [225, 225, 225];

export function plotBenchmark(panels: readonly PlotPanel[]): Buffer {
  const canvas = new Canvas(width, top + panels.length * panelHeight);
  let x = left;
  for (const [policy, color] of Object.entries(policyColors)) {
    canvas.rect(x, 12, 14, 10, color);
    x += 20 + drawText(canvas, policy, x + 20, 12, ink) + 16;
  }
  for (const [i, panel] of panels.entries()) drawPanel(canvas, panel, top + i * panelHeight);
  return canvas.toPng();
}

function drawPanel(canvas: Canvas, panel: PlotPanel, y0: number): void {
  const plotTop = y0 + 24;
  const plotHeight = panelHeight - 24 - bottom;
  const plotWidth = width - left - right;
  const most = Math.max(1, ...panel.lines.flatMap((l) => l.points.map((p) => p.bridges)));
  const yOf = (bridges: number) => plotTop + plotHeight - (bridges / most) * plotHeight;
  const xOf = (t: number) => left + ((t - panel.fromMs) / (panel.toMs - panel.fromMs)) * plotWidth;

  drawText(canvas, `${panel.trace}: bridges over time`, left, y0 + 4, ink);
  for (const fraction of [0, 0.5, 1]) {
    const value = Math.round(most * fraction);
    canvas.line(left, yOf(value), left + plotWidth, yOf(value), grid);
    drawText(canvas, String(value), 8, yOf(value) - 5, ink);
  }
  const spanHours = (panel.toMs - panel.fromMs) / hour;
  const tickHours = spanHours > 48 ? 24 : 1;
  for (let h = 0; h <= spanHours; h += tickHours) {
    const t = panel.fromMs + h * hour;
    canvas.line(xOf(t), plotTop, xOf(t), plotTop + plotHeight, grid);
    const label = tickHours === 24 ? `D${h / 24 + 1}` : `${Math.floor(t / hour) % 24}:00`;
    if (h < spanHours) drawText(canvas, label, xOf(t) + 3, plotTop + plotHeight + 8, ink);
  }
  // Oracle last, so the bound is drawn over the policies.
  const ordered = [...panel.lines].sort((a, b) => Number(a.policy === "oracle") - Number(b.policy === "oracle"));
  for (const line of ordered) {
    const color = policyColors[line.policy] ?? ink;
    line.points.forEach((p, k) => {
      const prev = line.points[k - 1];
      if (prev) canvas.line(xOf(prev.t), yOf(prev.bridges), xOf(p.t), yOf(p.bridges), color, line.policy === "ours" || line.policy === "oracle" ? 2 : 1);
    });
  }
}
