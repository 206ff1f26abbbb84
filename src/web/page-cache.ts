/**
 * The rendered-page cache: whole responses in memory, tagged with surrogate
 * keys and dropped precisely when a key is invalidated. A page rendered
 * while an invalidation happened is not stored (it may hold old data).
 */
import crypto from "node:crypto";
import type { GateSpec } from "./access-variants.ts";
import type { PageAds } from "../site/ad-fill.ts";

export interface CachedPage {
  status: number;
  contentType: string;
  body: string;
  etag: string;
  cacheControl: string;
  keys: string[];
  /**
   * Set on the entry of a gated page's URL: the page varies by access, and
   * each variant is its own entry (access-variants.ts `variantKey`).
   */
  gate?: GateSpec;
  /** The campaign creatives on the page (each response counts an impression), and when it is rendered again. */
  ads?: PageAds | undefined;
  /** Compressed once when stored, so a cache hit costs no compression. */
  gzip?: Buffer;
  br?: Buffer;
}

/** A weak validator from the bytes (RFC 9110 §8.8.3): compression may change the encoding, not the meaning. */
export function etagOf(body: string): string {
  return `W/"${crypto.createHash("sha1").update(body).digest("base64url").slice(0, 22)}"`;
}

/** RFC 9110 §13.1.2: If-None-Match with weak comparison; `*` matches any current representation. */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const opaque = (t: string) => t.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((t) => opaque(t) === opaque(etag));
}

export class PageCache {
  private pages = new Map<string, CachedPage>();
  private byKey = new Map<string, Set<string>>();
  /** Bumped on every invalidation; a render that started under an older generation is not stored. */
  generation = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly maxEntries: number,
    /** The clock ad rotation windows end by (PageAds.expiresAt). */
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.pages.size;
  }

  get(url: string): CachedPage | undefined {
    let page = this.pages.get(url);
    if (page?.ads?.expiresAt !== undefined && page.ads.expiresAt <= this.now()) {
      // Its ads' rotation window is over: render it again.
      this.delete(url);
      page = undefined;
    }
    if (page) {
      this.hits++;
      // Least recently used goes first: re-insert to move to the end.
      this.pages.delete(url);
      this.pages.set(url, page);
    } else this.misses++;
    return page;
  }

  set(url: string, page: CachedPage, renderedAtGeneration: number): boolean {
    if (renderedAtGeneration !== this.generation || this.maxEntries === 0) return false;
    this.delete(url);
    this.pages.set(url, page);
    for (const k of page.keys) {
      let urls = this.byKey.get(k);
      if (!urls) this.byKey.set(k, (urls = new Set()));
      urls.add(url);
    }
    while (this.pages.size > this.maxEntries) {
      const oldest = this.pages.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
    return true;
  }

  private delete(url: string): void {
    const page = this.pages.get(url);
    if (!page) return;
    this.pages.delete(url);
    for (const k of page.keys) {
      const urls = this.byKey.get(k);
      urls?.delete(url);
      if (urls && urls.size === 0) this.byKey.delete(k);
    }
  }

  /** Drops every page tagged with any of the keys; returns how many. */
  invalidate(keys: Iterable<string>): number {
    this.generation++;
    let n = 0;
    for (const k of keys) {
      for (const url of [...(this.byKey.get(k) ?? [])]) {
        this.delete(url);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.generation++;
    this.pages.clear();
    this.byKey.clear();
  }
}
