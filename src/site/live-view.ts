/**
 * A live story's stream for readers: whether it is live or has ended, the
 * key events (each linking to its post), the pinned posts, then the posts
 * newest first, a page at a time, each with its own anchor and share link.
 * Readable without JavaScript; the live script (next to it) only adds what
 * arrives later. Pure: the page's data is loaded by article-data.ts.
 */
import type { LiveCoverage, LivePost } from "../content/live.ts";
import { postAnchor } from "../content/live.ts";
import { plainText } from "../content/text.ts";
import type { Author } from "../store/taxonomy-store.ts";
import { type BlockContext, blockHtml } from "./blocks.ts";
import { time } from "./components.ts";
import { formatClock, formatDate, isoWithOffset, localDay } from "./format.ts";
import { type SafeHtml, html } from "./html.ts";

export interface LiveView {
  coverage: LiveCoverage;
  /** Pinned posts, on top of the first page. */
  pinned: LivePost[];
  /** Key events, newest first (the summary at the top). */
  keyEvents: LivePost[];
  /** The posts of this page, newest first (on the first page, without the pinned ones shown above). */
  posts: LivePost[];
  /** This page starts at an older post (`?from=`): not the live head. */
  older: boolean;
  /** The first post of the next (older) page. */
  nextFrom: number | undefined;
  /** How many edits and deletions of published posts the story's history tells. */
  changes: number;
  /** Author profiles of the posts, by slug. */
  authors: ReadonlyMap<string, Author>;
  /** What the posts' blocks refer to. */
  blocks: BlockContext;
}

/** Where a post is read: its page of the stream, at its anchor. */
export function postPath(storyPath: string, id: number): string {
  return `${storyPath}?from=${id}#${postAnchor(id)}`;
}

/** A post's words for a list (its title, else the start of its text). */
export function postLabel(p: Pick<LivePost, "title" | "body">, max = 120): string {
  if (p.title) return p.title;
  const text = plainText(p.body).replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max - 1).replace(/\s+\S*$/, "")}…` : text;
}

/**
 * A post's time as a live page shows it: "14:05 GMT", and the day after it
 * ("1 December 2026"), which the page hides (class `same-day` on the post)
 * when the post above is of the same day.
 */
function clock(iso: string, timeZone: string, withDay = true): SafeHtml {
  return html`<time datetime="${isoWithOffset(iso, timeZone)}">${formatClock(iso, timeZone)}${withDay ? html`<span class="live-day"> · ${formatDate(iso, timeZone)}</span>` : ""}</time>`;
}

/**
 * Marks each item whose day is the one above's (`same-day`: its day is not
 * repeated). The live script does the same to what it adds.
 */
function sameDays<T extends { publishedAt: string | null; createdAt: string }>(
  posts: readonly T[],
  timeZone: string,
): boolean[] {
  return posts.map(
    (p, i) =>
      i > 0 &&
      localDay(p.publishedAt ?? p.createdAt, timeZone) ===
        localDay(posts[i - 1]!.publishedAt ?? posts[i - 1]!.createdAt, timeZone),
  );
}

/** A key event in the summary at the top: its time and words, linking to the post. */
export function keyEventHtml(p: LivePost, href: string, timeZone: string, sameDay = false): SafeHtml {
  const at = p.publishedAt ?? p.createdAt;
  return html`<li data-post="${p.id}" data-published="${at}" data-day="${localDay(at, timeZone)}"${sameDay ? html` class="same-day"` : ""}><a href="${href}">${clock(at, timeZone)} ${postLabel(p)}</a></li>`;
}

/** One post: its time (linking to itself), title, authors, blocks, "updated", share link. */
export function livePostHtml(
  p: LivePost,
  ctx: {
    storyPath: string;
    baseUrl: string;
    timeZone: string;
    authors: ReadonlyMap<string, Author>;
    blocks: BlockContext;
  },
  sameDay = false,
): SafeHtml {
  const anchor = postAnchor(p.id);
  const at = p.publishedAt ?? p.createdAt;
  const edited = p.editedAt
    ? localDay(p.editedAt, ctx.timeZone) === localDay(at, ctx.timeZone)
      ? clock(p.editedAt, ctx.timeZone, false)
      : time(p.editedAt, ctx.timeZone)
    : undefined;
  const authors = p.authorSlugs.map((s) => ctx.authors.get(s)).filter((a): a is Author => !!a);
  const titleId = `${anchor}-title`;
  const cls = `live-post${p.pinned ? " pinned" : ""}${p.keyEvent ? " key-event" : ""}${sameDay ? " same-day" : ""}`;
  return html`<article class="${cls}" id="${anchor}" data-seq="${p.seq}" data-published="${at}" data-day="${localDay(at, ctx.timeZone)}"${p.title ? html` aria-labelledby="${titleId}"` : ""}><header class="live-post-head"><p class="live-post-time"><a href="#${anchor}">${clock(at, ctx.timeZone)}</a>${edited ? html` <a class="live-post-updated" href="${ctx.storyPath}/history#live-changes">Updated ${edited}</a>` : ""}</p>${p.pinned ? html`<p class="live-flag">Pinned</p>` : ""}${p.keyEvent ? html`<p class="live-flag">Key event</p>` : ""}${p.title ? html`<h3 id="${titleId}">${p.title}</h3>` : ""}${authors.length ? html`<p class="live-post-by">By ${authors.map((a, i) => html`${i > 0 ? (i === authors.length - 1 ? " and " : ", ") : ""}<a href="/author/${a.slug}">${a.name}</a>`)}</p>` : ""}</header><div class="live-post-body">${p.body.map((b) => blockHtml(b, ctx.blocks, false, p.title ? 4 : 3))}</div><footer class="live-post-foot"><a class="live-share" href="${ctx.baseUrl}${postPath(ctx.storyPath, p.id)}">Link to this post</a></footer></article>`;
}

/** The live section of the story page. */
export function liveStreamHtml(
  v: LiveView,
  story: { id: number; path: string },
  site: { baseUrl: string; timeZone: string },
): SafeHtml {
  const ctx = {
    storyPath: story.path,
    baseUrl: site.baseUrl,
    timeZone: site.timeZone,
    authors: v.authors,
    blocks: v.blocks,
  };
  const open = v.coverage.state === "open";
  const keyDays = sameDays(v.keyEvents, site.timeZone);
  const streamDays = sameDays(v.posts, site.timeZone);
  const pinnedDays = sameDays(v.pinned, site.timeZone);
  // Anchors on this page: the stream's posts and, on the first page, the pinned ones.
  const onPage = new Set([...v.posts, ...(v.older ? [] : v.pinned)].map((p) => p.id));
  const status = open
    ? html`<p class="live-status"><span class="live-badge">Live</span> Updates newest first${v.coverage.lastPostAt ? html` · latest ${time(v.coverage.lastPostAt, site.timeZone)}` : ""}</p>`
    : html`<p class="live-status live-ended" role="status">This live coverage has ended${v.coverage.coverageEnd ? html` (${time(v.coverage.coverageEnd, site.timeZone)})` : ""}.</p>`;
  const keyEvents = v.keyEvents.length
    ? html`<nav class="live-key-events" aria-labelledby="key-events-h"><h2 id="key-events-h">Key events</h2><ol>${v.keyEvents.map((p, i) => keyEventHtml(p, onPage.has(p.id) ? `#${postAnchor(p.id)}` : postPath(story.path, p.id), site.timeZone, keyDays[i]))}</ol></nav>`
    : html``;
  const pinned =
    !v.older && v.pinned.length
      ? html`<section class="live-pinned" aria-labelledby="pinned-h"><h2 id="pinned-h" class="visually-hidden">Pinned</h2>${v.pinned.map((p, i) => livePostHtml(p, ctx, pinnedDays[i]))}</section>`
      : html``;
  const pages = html`<nav class="live-pages" aria-label="Older and newer posts">${v.older ? html`<a href="${story.path}">Latest posts</a>` : ""}${v.nextFrom !== undefined ? html`<a href="${story.path}?from=${v.nextFrom}" rel="next">Older posts</a>` : ""}</nav>`;
  return html`<section class="live" aria-labelledby="live-h" data-live="${open ? `/live/${story.id}/changes.json` : ""}" data-cursor="${v.coverage.seq}"${v.older ? html` data-older` : ""}><h2 id="live-h" class="visually-hidden">Live coverage</h2>${status}${keyEvents}${pinned}<div class="live-new" hidden></div><ol class="live-stream">${v.posts.map((p, i) => html`<li>${livePostHtml(p, ctx, streamDays[i])}</li>`)}</ol>${v.posts.length ? "" : html`<p class="live-empty">No updates yet.</p>`}${pages}</section>`;
}
