// Durations as users write them in flags and specs: "500ms", "5s", "10m", "24h", or combined ("1h30m").

const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
/** Also the CRD's pattern for duration fields, so the API server refuses what the operator could not parse. */
export const durationPattern = /^(\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (!durationPattern.test(trimmed)) {
    throw new Error(`invalid duration "${text}": use a number with a unit, e.g. 500ms, 5s, 10m, 24h, 1h30m`);
  }
  let total = 0;
  for (const [, value, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(value) * (units[unit ?? "s"] ?? 1_000);
  }
  return total;
}
