/** Small shared pieces of reader markup. */
import type { AdRules } from "../content/ad-placement.ts";
import type { AdChoiceView } from "./ad-fill.ts";
import { formatDuration } from "../content/duration.ts";
import type { Inline } from "../content/model.ts";
import type { Image, Video } from "../store/media-repo.ts";
import type { StoryTeaser } from "../store/story-store.ts";
import type { Correction } from "../store/revision-store.ts";
import { formatDate, formatDateTime, isoWithOffset } from "./format.ts";
import { type SafeHtml, html } from "./html.ts";

/**
 * Where pages link media files: `/media/…` (served by Gazette from the media
 * store), or the public base URL of a CDN in front of the bucket
 * (`GAZETTE_MEDIA_PUBLIC_URL`), set once at start.
 */
let mediaBase = "/media";
export function setMediaPublicUrl(publicUrl: string | undefined): void {
  mediaBase = publicUrl ? publicUrl.replace(/\/+$/, "") : "/media";
}

export function mediaUrl(file: string): string {
  return `${mediaBase}/${file}`;
}

/** A stored media URL (a video source is kept as `/media/files/…`) as pages link it; others unchanged. */
export function mediaHref(url: string): string {
  return url.startsWith("/media/") ? mediaUrl(url.slice("/media/".length)) : url;
}

export function inline(runs: readonly Inline[]): SafeHtml {
  return html`${runs.map((r) => {
    let out = html`${r.text}`;
    if (r.italic) out = html`<em>${out}</em>`;
    if (r.bold) out = html`<strong>${out}</strong>`;
    if (r.href) {
      const external = /^https?:/i.test(r.href);
      out = external
        ? html`<a href="${r.href}" rel="noopener">${out}</a>`
        : html`<a href="${r.href}">${out}</a>`;
    }
    return out;
  })}`;
}

/** The URL of an image at about `width` pixels (JPEG), for teasers, feeds and meta tags. */
export function imageUrl(img: Image, width = 1200): string {
  return imageRendition(img, width).url;
}

/**
 * The JPEG rendition at least `width` wide (else the widest), with its own
 * size: what og:image and JSON-LD name, so their width and height describe
 * the file they point at. A remote picture is itself.
 */
export function imageRendition(img: Image, width = 1200): { url: string; width: number; height: number } {
  if (!img.file) return { url: img.remoteUrl ?? "", width: img.width, height: img.height };
  const jpegs = img.renditions.filter((r) => r.format === "jpeg").sort((a, b) => a.width - b.width);
  const pick = jpegs.find((r) => r.width >= width) ?? jpegs[jpegs.length - 1];
  return pick
    ? { url: mediaUrl(pick.file), width: pick.width, height: pick.height }
    : { url: mediaUrl(img.file), width: img.width, height: img.height };
}

/**
 * A responsive picture: AVIF and WebP sources with a JPEG fallback, every
 * rendition in `srcset`, and `width`/`height` so the browser reserves the
 * box before the bytes arrive (no layout shift).
 */
/**
 * The class that keeps a picture's focal point in view wherever the site
 * crops it (object-fit: cover on teasers, video cards): the stylesheet has
 * one rule per point on a 10 % grid (styles.ts), as the reader CSP allows
 * no style attributes. None for the centre, the browser's own default.
 */
export function focalClass(p: { x: number; y: number } | undefined): string | undefined {
  if (!p) return undefined;
  const x = Math.round(p.x / 10) * 10;
  const y = Math.round(p.y / 10) * 10;
  return x === 50 && y === 50 ? undefined : `fp-${x}-${y}`;
}

export function picture(img: Image, opts: { sizes: string; eager?: boolean; alt?: string }): SafeHtml {
  const alt = opts.alt ?? img.alt;
  const loading = opts.eager ? html` fetchpriority="high"` : html` loading="lazy"`;
  if (!img.file) {
    return html`<img src="${img.remoteUrl ?? ""}" alt="${alt}" width="${img.width}" height="${img.height}" decoding="async"${loading}>`;
  }
  const set = (format: string) =>
    img.renditions
      .filter((r) => r.format === format)
      .map((r) => `${mediaUrl(r.file)} ${r.width}w`)
      .join(", ");
  const focus = focalClass(img.focalPoint);
  return html`<picture><source type="image/avif" srcset="${set("avif")}" sizes="${opts.sizes}"><source type="image/webp" srcset="${set("webp")}" sizes="${opts.sizes}"><img src="${imageUrl(img, 800)}" srcset="${set("jpeg")}" sizes="${opts.sizes}" alt="${alt}" width="${img.width}" height="${img.height}"${focus ? html` class="${focus}"` : ""} decoding="async"${loading}></picture>`;
}

export function credit(text: string | null | undefined, kind = "Photo"): SafeHtml {
  return text ? html` <span class="credit">${kind}: ${text}</span>` : html``;
}

/**
 * A moment for readers: "25 July 2024, 10:30 BST" (or the date alone) in the
 * site's time zone, with the machine-readable time and its offset.
 */
export function time(iso: string, timeZone: string, show: "date" | "date-time" = "date-time"): SafeHtml {
  return html`<time datetime="${isoWithOffset(iso, timeZone)}">${show === "date" ? formatDate(iso, timeZone) : formatDateTime(iso, timeZone)}</time>`;
}

export function durationBadge(seconds: number | null): SafeHtml {
  return seconds === null
    ? html``
    : html`<span class="duration"><span class="visually-hidden">Duration </span>${formatDuration(seconds)}</span>`;
}

/** A `<video>` that downloads nothing until the reader presses play. */
export function videoPlayer(v: Video): SafeHtml {
  const w = v.poster?.width ?? 1280;
  const h = v.poster?.height ?? 720;
  const poster = v.poster ? imageUrl(v.poster, 1200) : undefined;
  return html`<div class="player"><video controls preload="none" playsinline width="${w}" height="${h}"${poster ? html` poster="${poster}"` : ""}>${v.sources.map((s) => html`<source src="${mediaHref(s.url)}" type="${s.type}">`)}<a href="${mediaHref(v.sources[0]?.url ?? "#")}">Download the video</a></video></div>`;
}

export function videoFigure(v: Video, headingLevel: 2 | 3 = 3): SafeHtml {
  const title =
    headingLevel === 2
      ? html`<h2 class="video-title">${v.title}</h2>`
      : html`<h3 class="video-title">${v.title}</h3>`;
  return html`<figure class="video">${videoPlayer(v)}<figcaption>${durationBadge(v.durationSeconds)} ${title}${v.caption ? html`<p>${v.caption}</p>` : ""}${credit(v.credit, "Video")}</figcaption></figure>`;
}

/**
 * A video card linking to the video page (related-video module, video
 * index): the poster with a play mark and the length, the title, and (given
 * the site's time zone) the date it was added.
 */
export function videoCard(v: Video, timeZone?: string): SafeHtml {
  return html`<li class="video-card"><a href="/video/${v.id}"><span class="video-poster">${v.poster ? picture(v.poster, { sizes: "(min-width: 700px) 220px, 45vw", alt: "" }) : html`<span class="poster-placeholder"></span>`}<span class="play-mark" aria-hidden="true"></span>${durationBadge(v.durationSeconds)}</span><span class="video-card-title">${v.title}</span></a>${timeZone ? html`<span class="teaser-meta">${time(v.createdAt, timeZone, "date")}</span>` : ""}</li>`;
}

export function teaser(
  t: StoryTeaser,
  images: Map<number, Image>,
  timeZone: string,
  /** `level`: the headline's heading level (2 where the teaser sits right under the page's h1). */
  opts: {
    lead?: boolean;
    showSection?: boolean;
    level?: 2 | 3;
    /** Shown as a small picture beside the headline on phones (the front page): a small rendition is enough. */
    compact?: boolean;
  } = {},
): SafeHtml {
  const img = t.heroImageId ? images.get(t.heroImageId) : undefined;
  const headline = html`<a href="${t.path}">${t.headline}</a>`;
  return html`<article class="teaser${opts.lead ? " teaser--lead" : ""}">${
    img
      ? html`<div class="teaser-image">${picture(img, {
          sizes: opts.lead
            ? "(min-width: 1000px) 640px, 100vw"
            : opts.compact
              ? "(min-width: 700px) 300px, 7rem"
              : "(min-width: 700px) 300px, 100vw",
          alt: img.alt,
          eager: opts.lead === true,
        })}</div>`
      : ""
  }<div class="teaser-text">${opts.showSection ? html`<p class="kicker"><a href="/${t.sectionSlug}">${t.sectionName}</a></p>` : ""}${opts.lead ? html`<h2>${headline}</h2>` : opts.level === 2 ? html`<h2>${headline}</h2>` : html`<h3>${headline}</h3>`}${t.summary[0] ? html`<p class="teaser-summary">${t.summary[0]}</p>` : ""}<p class="teaser-meta">${t.live?.open ? html`<span class="teaser-live">Live</span> · ${t.live.lastPostAt ? html`latest ${time(t.live.lastPostAt, timeZone)} · ` : ""}` : ""}${t.sponsoredBy ? html`<span class="teaser-sponsored">Sponsored</span> · ` : ""}${t.access === "subscribers" ? html`<span class="teaser-access">Subscribers</span> · ` : ""}${time(t.firstPublishedAt, timeZone, "date")}${t.commentCount > 0 ? html` · <a href="${t.path}#comments">${t.commentCount === 1 ? "1 comment" : `${t.commentCount.toLocaleString("en")} comments`}</a>` : ""}</p></div></article>`;
}

/**
 * An ad slot: labelled, with its size reserved by CSS (no layout shift),
 * and the attributes an ad server's tag reads to fill it. A campaign's
 * creative links through our click address (counted, then forwarded) and
 * names its creative for the viewability script; a house creative is shown
 * until (unless) an ad server replaces it.
 */
export function adSlot(
  kind: "top" | "body" | "rail" | "list",
  id: string,
  sizes: AdRules["bodySizes"],
  choice: AdChoiceView,
): SafeHtml {
  const sizeList = sizes.map(([w, h]) => `${w}x${h}`).join(",");
  return html`<aside class="ad ad--${kind}" aria-label="Advertisement" data-ad-slot="${id}" data-ad-sizes="${sizeList}"${choice?.kind === "campaign" ? html` data-ad-creative="${String(choice.creativeId)}"` : ""}><p class="ad-label">Advertisement</p><div class="ad-creative">${adCreative(choice)}</div></aside>`;
}

function adCreative(choice: AdChoiceView): SafeHtml {
  if (!choice) return html``;
  if (choice.kind === "house") {
    const a = choice.ad;
    return html`<a class="house-ad" href="${a.href}" rel="sponsored"><span class="house-ad-advertiser">${a.advertiser}</span><strong class="house-ad-headline">${a.headline}</strong><span class="house-ad-text">${a.text}</span><span class="house-ad-cta">${a.cta}</span></a>`;
  }
  if (choice.image) {
    const { img, width, height, alt } = choice.image;
    return html`<a class="image-ad" href="${choice.clickUrl}" rel="sponsored noopener">${picture(
      { ...img, width, height },
      { sizes: `${width}px`, alt },
    )}</a>`;
  }
  return html`<a class="house-ad" href="${choice.clickUrl}" rel="sponsored noopener"><span class="house-ad-advertiser">${choice.advertiser}</span><strong class="house-ad-headline">${choice.headline}</strong><span class="house-ad-text">${choice.body}</span><span class="house-ad-cta">${choice.cta}</span></a>`;
}

export function pagination(basePath: string, page: number, hasNext: boolean): SafeHtml {
  if (page === 1 && !hasNext) return html``;
  const link = (p: number) => (p === 1 ? basePath : `${basePath}?page=${p}`);
  return html`<nav class="pagination" aria-label="Pages">${page > 1 ? html`<a rel="prev" href="${link(page - 1)}">← Newer</a>` : html`<span></span>`}<span>Page ${page}</span>${hasNext ? html`<a rel="next" href="${link(page + 1)}">Older →</a>` : html`<span></span>`}</nav>`;
}

/**
 * One correction as readers see it, wherever it is shown (the story, its
 * history, /corrections): its kind and time, "updated" when it was reworded,
 * and when retracted, its text struck through and the retraction dated —
 * never silently removed.
 */
export function correctionLine(c: Correction, timeZone: string, opts: { showKind?: boolean } = {}): SafeHtml {
  const name = c.kind === "clarification" ? "Clarification" : "Correction";
  const label = html`${opts.showKind === false ? "" : `${name}, `}${time(c.createdAt, timeZone)}`;
  if (c.retractedAt)
    return html`<p class="correction correction--retracted"><strong>${label}, retracted ${time(c.retractedAt, timeZone)}:</strong> <del>${c.text}</del></p>`;
  return html`<p class="correction"><strong>${label}${c.updatedAt ? html` (updated ${time(c.updatedAt, timeZone)})` : ""}:</strong> ${c.text}</p>`;
}
