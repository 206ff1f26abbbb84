/**
 * Security headers, computed once per kind of page. Reader pages run only
 * the comments script from their own origin, never inline script or style; the newsroom app loads only its own bundle. Sent
 * by Fastify's onRequest hook and by the raw cache-hit path alike.
 */

export type PageKind = "reader" | "admin";

const COMMON: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
  "cross-origin-opener-policy": "same-origin",
};

function csp(directives: Record<string, string>): string {
  return Object.entries(directives)
    .map(([k, v]) => `${k} ${v}`)
    .join("; ");
}

const READER = {
  ...COMMON,
  "content-security-policy": csp({
    "default-src": "'self'",
    // Wire pictures and videos may stay on the agency's https servers.
    "img-src": "'self' https: data:",
    "media-src": "'self' https:",
    "style-src": "'self'",
    // One script of our own (the comments enhancement); never inline.
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
  }),
  "x-frame-options": "DENY",
};

const ADMIN = {
  ...COMMON,
  "content-security-policy": csp({
    "default-src": "'self'",
    "img-src": "'self' https: data: blob:",
    "media-src": "'self' https: blob:",
    "style-src": "'self'",
    "script-src": "'self'",
    "connect-src": "'self'",
    // The live preview is a same-origin srcdoc frame.
    "frame-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'self'",
  }),
  "x-frame-options": "SAMEORIGIN",
};

/** RFC 6797: HSTS only over TLS (a browser ignores it over plain HTTP anyway). */
const HSTS = { "strict-transport-security": "max-age=31536000; includeSubDomains" };

const TABLE = {
  reader: { plain: READER, tls: { ...READER, ...HSTS } },
  admin: { plain: ADMIN, tls: { ...ADMIN, ...HSTS } },
};

export function pageKindOf(url: string): PageKind {
  return url.startsWith("/admin") || url.startsWith("/api/admin") ? "admin" : "reader";
}

export function securityHeaders(kind: PageKind, tls: boolean): Readonly<Record<string, string>> {
  return TABLE[kind][tls ? "tls" : "plain"];
}
