// Report tokens are kept as their SHA-256 only: the directory can check a token, not give one away.

import { createHash, timingSafeEqual } from "node:crypto";

export const tokenDigest = (token: string) => createHash("sha256").update(token).digest("hex");

export function tokenMatches(token: string, digestHex: string): boolean {
  const given = Buffer.from(tokenDigest(token), "hex");
  const stored = Buffer.from(digestHex, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}
