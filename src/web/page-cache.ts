/**
 * The rendered-page cache: whole responses in memory, tagged with surrogate
 * keys and dropped precisely when a key is invalidated. A page rendered
 * while an invalidation happened is not stored (it may hold old data).
 *
 * A page a change dropped is rendered once, however many readers ask for it
 * at that moment: the first request renders it, the others wait for that
 * render (`claim`) and are answered from the cache. A busy live story thus
 * costs one render per change per process, not one per waiting reader. Only
 * URLs that were cached before wait so (never a personal page).
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

/** How long a request waits for another's render of the same page before rendering it itself. */
export const RENDER_WAIT_MS = 2_000;

/** What a request that missed the cache does: render the page itself, or wait for the render under way. */
export type Claim = { wait: Promise<void> } | "render" | undefined;

interface Flight {
  done: Promise<void>;
  resolve: () => void;
  timer: NodeJS.Timeout;
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
  /** Pages rendered and offered to the cache (stored or not). */
  renders = 0;
  /** Requests that waited for another's render of their page. */
  waited = 0;
  /** URLs dropped by an invalidation (not by age): cacheable pages readers will ask for again. */
  private dropped = new Set<string>();
  /** Renders under way of dropped pages, by URL. */
  private flights = new Map<string, Flight>();

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

  /**
   * After a miss: `"render"` when this request is to render a page a change
   * dropped (call `release` when done; storing it releases too), `{ wait }`
   * when another request is rendering it (look again when it settles), and
   * undefined for a page never cached (render it; nobody waits).
   */
  claim(url: string): Claim {
    const flight = this.flights.get(url);
    if (flight) {
      this.waited++;
      return { wait: flight.done };
    }
    if (!this.dropped.has(url)) return undefined;
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    // A render that never reports back (an aborted request) does not hold readers for long.
    const timer = setTimeout(() => this.release(url), RENDER_WAIT_MS);
    timer.unref();
    this.flights.set(url, { done, resolve, timer });
    return "render";
  }

  /** The render of `url` is over (stored, not stored, or failed): whoever waits looks again. */
  release(url: string): void {
    const flight = this.flights.get(url);
    if (!flight) return;
    this.flights.delete(url);
    clearTimeout(flight.timer);
    flight.resolve();
  }

  stats(): { entries: number; hits: number; misses: number; renders: number; waited: number } {
    return {
      entries: this.pages.size,
      hits: this.hits,
      misses: this.misses,
      renders: this.renders,
      waited: this.waited,
    };
  }

  set(url: string, page: CachedPage, renderedAtGeneration: number): boolean {
    if (renderedAtGeneration !== this.generation || this.maxEntries === 0) return false;
    this.dropped.delete(url);
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
    this.release(url);
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
        this.dropped.add(url);
        n++;
      }
    }
    // Bounded like the pages: the oldest dropped URLs are forgotten first.
    for (const url of this.dropped) {
      if (this.dropped.size <= this.maxEntries) break;
      this.dropped.delete(url);
    }
    return n;
  }

  clear(): void {
    this.generation++;
    this.pages.clear();
    this.byKey.clear();
  }
}
