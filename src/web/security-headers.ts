/**
 * Security headers, computed once per kind of page. Reader pages run only
 * scripts from their own origin (comments, viewability), never inline script
 * or style — and, when the site configures an ad server or a consent
 * platform, exactly that one's documented hosts; the newsroom app loads only
 * its own bundle. Sent
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

/** Hosts the reader pages may load from besides their own origin: an ad server's and a consent platform's. */
export interface ThirdParty {
  script: string[];
  frame: string[];
  connect: string[];
}

/**
 * What Google Ad Manager's tag (GPT) loads from, per Google's guidance for a
 * Content-Security-Policy with GPT: its script and its ads' frames. Nothing
 * wider; an ad server not listed here cannot be configured.
 */
export const AD_SERVER_HOSTS: Record<"gam", ThirdParty> = {
  gam: {
    script: [
      "https://securepubads.g.doubleclick.net",
      "https://pagead2.googlesyndication.com",
      "https://tpc.googlesyndication.com",
    ],
    frame: [
      "https://securepubads.g.doubleclick.net",
      "https://tpc.googlesyndication.com",
      "https://googleads.g.doubleclick.net",
    ],
    connect: ["https://securepubads.g.doubleclick.net", "https://pagead2.googlesyndication.com"],
  },
};

function readerHeaders(extra: ThirdParty | undefined): Record<string, string> {
  const add = (base: string, hosts: string[] | undefined) =>
    hosts?.length ? `${base} ${hosts.join(" ")}` : base;
  return {
    ...COMMON,
    "content-security-policy": csp({
      "default-src": "'self'",
      // Wire pictures and videos may stay on the agency's https servers.
      "img-src": "'self' https: data:",
      "media-src": "'self' https:",
      "style-src": "'self'",
      // Scripts of our own (comments, viewability); never inline. An ad server's, only when configured.
      "script-src": add("'self'", extra?.script),
      ...(extra
        ? { "frame-src": extra.frame.join(" ") || "'none'", "connect-src": add("'self'", extra.connect) }
        : {}),
      "object-src": "'none'",
      "base-uri": "'self'",
      "form-action": "'self'",
      "frame-ancestors": "'none'",
    }),
    "x-frame-options": "DENY",
  };
}

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

/** The headers per kind of page for an app whose reader pages may also load from `thirdParty`. */
export type SecurityHeaders = (kind: PageKind, tls: boolean) => Readonly<Record<string, string>>;

export function securityHeadersFor(thirdParty?: ThirdParty): SecurityHeaders {
  const reader = readerHeaders(thirdParty);
  const table = {
    reader: { plain: reader, tls: { ...reader, ...HSTS } },
    admin: { plain: ADMIN, tls: { ...ADMIN, ...HSTS } },
  };
  return (kind, tls) => table[kind][tls ? "tls" : "plain"];
}

export function pageKindOf(url: string): PageKind {
  return url.startsWith("/admin") || url.startsWith("/api/admin") ? "admin" : "reader";
}

/** The headers of an app with no third party at all. */
export const securityHeaders: SecurityHeaders = securityHeadersFor();
