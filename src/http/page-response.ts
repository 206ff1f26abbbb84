/**
 * Sending a cacheable reader response: validators (ETag, 304), Cache-Control
 * for browsers and CDNs, Surrogate-Key for purging, and the in-memory cache.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config.ts";
import { type CachedPage, type PageCache, etagOf, notModified } from "./page-cache.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The cache generation when this request started (see PageCache.set). */
    cacheGeneration?: number;
  }
}

export interface PageOptions {
  body: string;
  /** Surrogate keys of everything the page shows. */
  keys: Iterable<string>;
  contentType?: string;
}

export function cacheControl(c: Config["cache"]): string {
  return `public, max-age=${c.maxAge}, s-maxage=${c.sMaxAge}, stale-while-revalidate=${c.staleWhileRevalidate}, stale-if-error=86400`;
}

function send(req: FastifyRequest, reply: FastifyReply, page: CachedPage, hit: boolean): FastifyReply {
  reply
    .header("etag", page.etag)
    .header("cache-control", page.cacheControl)
    .header("surrogate-key", page.keys.join(" "))
    .header("x-cache", hit ? "HIT" : "MISS")
    .header("vary", "accept-encoding");
  if (notModified(req.headers["if-none-match"], page.etag)) return reply.code(304).send();
  return reply.code(page.status).type(page.contentType).send(page.body);
}

export function pageSender(cache: PageCache | undefined, config: Config) {
  return {
    /** Answers from the cache when it can (onRequest hook); true when it did. */
    serveCached(req: FastifyRequest, reply: FastifyReply): boolean {
      req.cacheGeneration = cache?.generation;
      if (!cache || (req.method !== "GET" && req.method !== "HEAD")) return false;
      const page = cache.get(req.url);
      if (!page) return false;
      send(req, reply, page, true);
      return true;
    },
    sendPage(req: FastifyRequest, reply: FastifyReply, opts: PageOptions): FastifyReply {
      const keys = [...new Set(opts.keys)].sort();
      const page: CachedPage = {
        status: 200,
        contentType: opts.contentType ?? "text/html; charset=utf-8",
        body: opts.body,
        etag: etagOf(opts.body),
        cacheControl: cacheControl(config.cache),
        keys,
      };
      if (cache && req.method === "GET" && req.cacheGeneration !== undefined)
        cache.set(req.url, page, req.cacheGeneration);
      return send(req, reply, page, false);
    },
  };
}

export type PageSender = ReturnType<typeof pageSender>;
