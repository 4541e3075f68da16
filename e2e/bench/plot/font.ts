// A 3x5 pixel font (uppercase letters, digits, a few signs) for the plot's labels: the machines that
// run the benchmark need no font files. Each glyph is five rows of three pixels, top to bottom.

import type { Canvas, Rgb } from "./png.ts";

const glyphs: Record<string, string> = {
  A: "010 101 111 101 101",
  B: "110 101 110 101 110",
  C: "011 100 100 100 011",
  D: "110 101 101 101 110",
  E: "111 100 110 100 111",
  F: "111 100 110 100 100",
  G: "011 100 101 101 011",
  H: "101 101 111 101 101",
  I: "111 010 010 010 111",
  J: "001 001 001 101 010",
  K: "101 101 110 101 101",
  L: "100 100 100 100 111",
  M: "101 111 111 101 101",
  N: "110 101 101 101 101",
  O: "010 101 101 101 010",
  P: "110 101 110 100 100",
  Q: "010 101 101 110 011",
  R: "110 101 110 101 101",
  S: "011 100 010 001 110",
  T: "111 010 010 010 010",
  U: "101 101 101 101 111",
  V: "101 101 101 101 010",
  W: "101 101 111 111 101",
  X: "101 101 010 101 101",
  Y: "101 101 010 010 010",
  Z: "111 001 010 100 111",
  "0": "111 101 101 101 111",
  "1": "010 110 010 010 111",
  "2": "110 001 010 100 111",
  "3": "110 001 010 001 110",
  "4": "101 101 111 001 001",
  "5": "111 100 110 001 110",
  "6": "011 100 111 101 111",
  "7": "111 001 010 010 010",
  "8": "111 101 111 101 111",
  "9": "111 101 111 001 110",
  "-": "000 000 111 000 000",
  ".": "000 000 000 000 010",
  ":": "000 010 000 010 000",
  "/": "001 001 010 100 100",
  " ": "000 000 000 000 000",
};

/** Draws `text` with its top-left corner at (x, y), each font pixel `scale` pixels wide; returns the width. */
export function drawText(canvas: Canvas, text: string, x: number, y: number, color: Rgb, scale = 2): number {
  let cursor = x;
  for (const char of text.toUpperCase()) {
    const rows = (glyphs[char] ?? glyphs[" "]!).split(" ");
    for (const [dy, row] of rows.entries()) {
      for (const [dx, bit] of [...row].entries()) if (bit === "1") canvas.rect(cursor + dx * scale, y + dy * scale, scale, scale, color);
    }
    cursor += 4 * scale;
  }
  return cursor - x;
}
