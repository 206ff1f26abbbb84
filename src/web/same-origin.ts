/**
 * Same-origin checks for state-changing requests: OWASP's "verify origin
 * with standard headers" (Origin, else Referer, against Host).
 */
import type { FastifyRequest } from "fastify";
import { GazetteError } from "../content/errors.ts";

/** The Host header as URL.host gives it (default ports dropped), for comparing with an Origin. */
export function normalHost(host: string | undefined): string | undefined {
  try {
    return host ? new URL(`http://${host}`).host : undefined;
  } catch {
    return undefined;
  }
}

/** Refuses a request whose Origin (or Referer) is not this site. */
export function sameOrigin(req: FastifyRequest): void {
  const source = req.headers.origin ?? req.headers.referer;
  let host: string | undefined;
  try {
    host = source && source !== "null" ? new URL(source).host : undefined;
  } catch {
    host = undefined;
  }
  if (!host || host !== normalHost(req.headers.host)) throw new GazetteError("GZ_ERR_CROSS_SITE");
}

/**
 * The page on this site a form was sent from (path and query, from the
 * Referer), or `fallback`: where a no-JavaScript action sends the reader back.
 */
export function refererPath(req: FastifyRequest, fallback: string): string {
  try {
    const u = new URL(String(req.headers.referer));
    if (u.host === normalHost(req.headers.host) && /^\/(?!\/)/.test(u.pathname)) return u.pathname + u.search;
  } catch {
    // no Referer, or not a URL
  }
  return fallback;
}
