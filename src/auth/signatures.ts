/**
 * Proofs a caller sends with a body it posts (a wire push, a bounce
 * webhook): a shared secret compared in constant time, and an
 * `X-Gazette-Signature: sha256=<hex HMAC-SHA256 of the body>`.
 */
import crypto from "node:crypto";

/** Two secrets compared in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** Is `header` the body's HMAC-SHA256 under `secret`, written `sha256=<hex>`? */
export function hmacSha256Valid(secret: string, body: Buffer, header: string): boolean {
  const expected = `sha256=${crypto.createHmac("sha256", secret).update(body).digest("hex")}`;
  return sameSecret(header.trim().toLowerCase(), expected);
}
