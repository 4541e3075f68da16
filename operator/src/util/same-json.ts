// JSON text that does not depend on the order of objects' keys: for hashes of a spec, and for comparing a
// status with the one read back. The API server keeps a merge patch's new keys after the stored ones, so a
// status read back can list its fields in another order than the one computed: compared as plain text, it
// would look changed on every pass and be written again forever.

export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export const sameJson = (a: unknown, b: unknown): boolean => stableJson(a) === stableJson(b);
