// Report tokens are kept as their SHA-256 only: the directory can check a token, not give one away.

import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A new report token: 256 random bits, URL-safe. Given to its deployment once; only its digest is kept. */
export const newToken = () => randomBytes(32).toString("base64url");

export const tokenDigest = (token: string) => createHash("sha256").update(token).digest("hex");

export function tokenMatches(token: string, digestHex: string): boolean {
  const given = Buffer.from(tokenDigest(token), "hex");
  const stored = Buffer.from(digestHex, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}
