/**
 * Sending a cacheable reader response: validators (ETag, 304), Cache-Control
 * for browsers and CDNs, Surrogate-Key for purging, and the in-memory cache.
 */
import { promisify } from "node:util";
import zlib from "node:zlib";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config.ts";
import { type CachedPage, type PageCache, etagOf, notModified } from "./page-cache.ts";
import { type SecurityHeaders, securityHeaders } from "./security-headers.ts";
import type { PageAds } from "../site/ad-fill.ts";
import { type TrustFunction, isTls } from "./client-address.ts";
import type { AccessGate } from "../content/access.ts";
import {
  type GateSpec,
  GATED_CACHE_CONTROL,
  accessOutcome,
  decidedOutcome,
  setCookies,
  variantKey,
} from "./access-variants.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The cache generation when this request started (see PageCache.set). */
    cacheGeneration?: number;
    /** The URL whose render this request does while others wait for it (see PageCache.claim). */
    cacheClaim?: string;
  }
}

export interface PageOptions {
  body: string;
  /** Surrogate keys of everything the page shows. */
  keys: Iterable<string>;
  contentType?: string;
  /** A gated page: which story and access it varies by, and which variant this body is. */
  gated?: { spec: GateSpec; variant: string };
  /** The campaign creatives the page shows. */
  ads?: PageAds | undefined;
  /** Instead of config.cache's (a live stream's few seconds). */
  cacheControl?: string | undefined;
}

/** The ad server's part in sending cached pages. */
export interface AdsHooks {
  /** Counts a response showing campaign creatives. */
  served(ads: PageAds, req: IncomingMessage): void;
  /** Has this reader seen a campaign on the page as often as its cap allows today? Then the page is rendered for them. */
  capped(ads: PageAds, req: IncomingMessage): boolean;
}

/** Public caching; a page whose ads rotate at `until` is kept by shared caches no longer than that. */
export function cacheControl(c: Config["cache"], until?: number): string {
  const sMaxAge =
    until === undefined
      ? c.sMaxAge
      : Math.max(0, Math.min(c.sMaxAge, Math.floor((until - Date.now()) / 1000)));
  return `public, max-age=${c.maxAge}, s-maxage=${sMaxAge}, stale-while-revalidate=${c.staleWhileRevalidate}, stale-if-error=86400`;
}

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

/** The best encoding both sides have (RFC 9110 §12.5.3), brotli first; q=0 refuses. */
export function pickEncoding(
  acceptEncoding: string | undefined,
  page: CachedPage,
): "br" | "gzip" | undefined {
  if (!acceptEncoding) return undefined;
  const accepted = new Set(
    acceptEncoding
      .toLowerCase()
      .split(",")
      .map((t) => t.trim().split(";"))
      .filter(([, q]) => !q || !/^\s*q\s*=\s*0(\.0*)?\s*$/.test(q))
      .map(([name]) => name!.trim()),
  );
  if (page.br && (accepted.has("br") || accepted.has("*"))) return "br";
  if (page.gzip && (accepted.has("gzip") || accepted.has("*"))) return "gzip";
  return undefined;
}

/** A cache hit as status, headers and bytes: the one answer both the raw server and Fastify send. */
export function cachedResponse(
  page: CachedPage,
  headers: IncomingHttpHeaders,
): { status: number; headers: Record<string, string>; body: Buffer | string | undefined } {
  const out: Record<string, string> = {
    etag: page.etag,
    "cache-control": page.cacheControl,
    "surrogate-key": page.keys.join(" "),
    "x-cache": "HIT",
    vary: "accept-encoding",
  };
  if (notModified(headers["if-none-match"], page.etag)) return { status: 304, headers: out, body: undefined };
  out["content-type"] = page.contentType;
  const encoding = pickEncoding(headers["accept-encoding"], page);
  if (encoding) out["content-encoding"] = encoding;
  return {
    status: page.status,
    headers: out,
    body: encoding === "br" ? page.br : encoding === "gzip" ? page.gzip : page.body,
  };
}

/**
 * Serves cache hits on the raw Node request, before Fastify's routing and
 * hooks: a hit costs a Map lookup and a write. Anything else goes on to Fastify.
 */
export function rawCacheHandler(
  cache: PageCache,
  next: (req: IncomingMessage, res: ServerResponse) => void,
  trust: TrustFunction,
  gate?: AccessGate,
  ads?: AdsHooks,
  headers: SecurityHeaders = securityHeaders,
): (req: IncomingMessage, res: ServerResponse) => void {
  const write = (req: IncomingMessage, res: ServerResponse, page: CachedPage, cookies: string[]) => {
    if (page.ads && ads?.capped(page.ads, req)) return next(req, res);
    if (page.ads) ads?.served(page.ads, req);
    const r = cachedResponse(page, req.headers);
    const body = req.method === "HEAD" ? undefined : r.body;
    if (r.body !== undefined) r.headers["content-length"] = String(Buffer.byteLength(r.body));
    res.writeHead(r.status, {
      ...headers("reader", isTls(req, trust)),
      ...r.headers,
      ...(cookies.length ? { "set-cookie": cookies } : {}),
    });
    res.end(body);
  };
  return (req, res) => {
    const url = req.url;
    if ((req.method === "GET" || req.method === "HEAD") && url) {
      const page = cache.get(url);
      if (page?.gate) {
        // A gated page: which variant this request gets is a cookie check and a lookup.
        if (!gate) return next(req, res);
        accessOutcome(req, gate, trust, page.gate).then(
          (outcome) => {
            const variant = cache.get(variantKey(url, outcome.decision.variant));
            if (variant) write(req, res, variant, setCookies(outcome, isTls(req, trust)));
            else next(req, res);
          },
          () => next(req, res),
        );
        return;
      }
      if (page) return write(req, res, page, []);
    }
    next(req, res);
  };
}

function send(req: FastifyRequest, reply: FastifyReply, page: CachedPage, hit: boolean): FastifyReply {
  if (hit) {
    const r = cachedResponse(page, req.headers);
    return reply.code(r.status).headers(r.headers).send(r.body);
  }
  reply
    .header("etag", page.etag)
    .header("cache-control", page.cacheControl)
    .header("surrogate-key", page.keys.join(" "))
    .header("x-cache", "MISS")
    .header("vary", "accept-encoding");
  if (notModified(req.headers["if-none-match"], page.etag)) return reply.code(304).send();
  reply.code(page.status).type(page.contentType);
  // A fresh render is compressed here, synchronously and fast (a few hundred
  // microseconds for a page); the streaming compressor costs far more per response.
  const encoding = pickEncoding(req.headers["accept-encoding"], {
    ...page,
    br: Buffer.alloc(0),
    gzip: Buffer.alloc(0),
  });
  if (encoding === "br") {
    return reply
      .header("content-encoding", "br")
      .send(zlib.brotliCompressSync(page.body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }));
  }
  if (encoding === "gzip")
    return reply.header("content-encoding", "gzip").send(zlib.gzipSync(page.body, { level: 6 }));
  return reply.send(page.body);
}

export function pageSender(
  cache: PageCache | undefined,
  config: Config,
  trust: TrustFunction,
  gate?: AccessGate,
  ads?: AdsHooks,
) {
  return {
    /** Answers from the cache when it can (onRequest hook); true when it did. */
    async serveCached(req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
      req.cacheGeneration = cache?.generation;
      if (!cache || (req.method !== "GET" && req.method !== "HEAD")) return false;
      let page = cache.get(req.url);
      if (!page) {
        // A page a change just dropped: one request renders it, the others wait and take its render.
        const claim = cache.claim(req.url);
        if (claim === "render") req.cacheClaim = req.url;
        else if (claim) {
          await claim.wait;
          req.cacheGeneration = cache.generation;
          page = cache.get(req.url);
        }
      }
      if (page?.gate) {
        if (!gate) return false;
        const outcome = await accessOutcome(req.raw, gate, trust, page.gate);
        page = cache.get(variantKey(req.url, outcome.decision.variant));
        if (!page) return false;
        const cookies = setCookies(outcome, isTls(req.raw, trust));
        if (cookies.length) reply.header("set-cookie", cookies);
      }
      if (!page) return false;
      if (page.ads && ads?.capped(page.ads, req.raw)) return false;
      if (page.ads) ads?.served(page.ads, req.raw);
      send(req, reply, page, true);
      return true;
    },
    /** The request is answered: a render it claimed is over, whatever came of it. */
    done(req: FastifyRequest): void {
      if (req.cacheClaim) cache?.release(req.cacheClaim);
    },
    sendPage(req: FastifyRequest, reply: FastifyReply, opts: PageOptions): FastifyReply {
      if (cache) cache.renders++;
      const keys = [...new Set(opts.keys)].sort();
      const page: CachedPage = {
        status: 200,
        contentType: opts.contentType ?? "text/html; charset=utf-8",
        body: opts.body,
        etag: etagOf(opts.body),
        cacheControl:
          opts.gated || opts.ads?.personal
            ? GATED_CACHE_CONTROL
            : (opts.cacheControl ?? cacheControl(config.cache, opts.ads?.expiresAt)),
        keys,
        ...(opts.ads ? { ads: opts.ads } : {}),
      };
      if (opts.ads) ads?.served(opts.ads, req.raw);
      if (opts.gated) {
        const cookies = setCookies(decidedOutcome(req.raw), isTls(req.raw, trust));
        if (cookies.length) reply.header("set-cookie", cookies);
      }
      const url = opts.gated ? variantKey(req.url, opts.gated.variant) : req.url;
      if (cache && req.method === "GET" && req.cacheGeneration !== undefined && !opts.ads?.personal) {
        // A gated page's URL says "ask the gate"; the variant is an entry of its own.
        if (opts.gated)
          cache.set(req.url, { ...page, body: "", etag: "", gate: opts.gated.spec }, req.cacheGeneration);
        // Stored at once; compressed once, off the event loop, for the hits that follow
        // (until then a hit is sent uncompressed, which is correct, only larger).
        if (cache.set(url, page, req.cacheGeneration)) {
          const raw = Buffer.from(page.body);
          void Promise.all([
            gzip(raw, { level: 9 }),
            brotli(raw, {
              params: {
                [zlib.constants.BROTLI_PARAM_QUALITY]: 9,
                [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
              },
            }),
          ]).then(([gz, br]) => {
            page.gzip = gz;
            page.br = br;
          });
        }
      }
      return send(req, reply, page, false);
    },
  };
}

export type PageSender = ReturnType<typeof pageSender>;
