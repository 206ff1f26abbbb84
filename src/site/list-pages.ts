/** Home, section, topic and author pages; the video pages; site pages; 404. */
import type { Block } from "../content/model.ts";
import type { Image, Video } from "../store/media-repo.ts";
import type { StoryTeaser } from "../store/story-store.ts";
import type { Section } from "../store/taxonomy-store.ts";
import type { AdRules } from "../content/ad-placement.ts";
import {
  adSlot,
  credit,
  inline,
  mediaUrl,
  pagination,
  teaser,
  time,
  videoCard,
  videoPlayer,
} from "./components.ts";
import type { AdFill } from "./ad-fill.ts";
import { formatDuration } from "../content/duration.ts";
import { formatDate } from "./format.ts";
import { type SafeHtml, html } from "./html.ts";
import { type Shell, layout } from "./layout.ts";

export interface FrontSection {
  section: Section;
  stories: StoryTeaser[];
}

/**
 * A section on the front page: its newest story with a picture, then the
 * next ones as headlines. Blocks sit side by side, so a section with two
 * stories leaves no half-empty row of pictures.
 */
function sectionBlock(
  section: Section,
  stories: StoryTeaser[],
  images: Map<number, Image>,
  tz: string,
): SafeHtml {
  const [first, ...rest] = stories;
  return html`<section class="section-block" aria-labelledby="s-${section.slug}"><h2 class="section-title" id="s-${section.slug}"><a href="/${section.slug}">${section.name}</a></h2>${first ? teaser(first, images, tz, { compact: true }) : ""}${rest.length ? html`<ul class="headline-list">${rest.map((t) => html`<li><h3><a href="${t.path}">${t.headline}</a></h3>${time(t.firstPublishedAt, tz, "date")}</li>`)}</ul>` : ""}</section>`;
}

export function renderHome(
  shell: Shell,
  lead: StoryTeaser | undefined,
  latest: StoryTeaser[],
  bySection: FrontSection[],
  images: Map<number, Image>,
  videos: Video[],
  ads?: ListAds,
): string {
  const tz = shell.site.timeZone;
  const half = Math.ceil(bySection.length / 2);
  const main = html`<h1 class="visually-hidden">${shell.site.name}: latest news</h1>
${lead ? teaser(lead, images, tz, { lead: true, showSection: true }) : html`<p>No stories have been published yet.</p>`}
${latest.length ? html`<section class="front-section" aria-labelledby="latest-h"><h2 class="section-title" id="latest-h">Latest</h2><div class="teaser-grid teaser-grid--three">${latest.map((t) => teaser(t, images, tz, { showSection: true, compact: true }))}</div></section>` : ""}
${latest.length ? listAd(ads, "home-list-1") : ""}
${bySection.length ? html`<div class="section-blocks">${bySection.slice(0, half).map(({ section, stories }) => sectionBlock(section, stories, images, tz))}</div>` : ""}
${bySection.length > 2 ? listAd(ads, "home-list-2") : ""}
${bySection.length > half ? html`<div class="section-blocks">${bySection.slice(half).map(({ section, stories }) => sectionBlock(section, stories, images, tz))}</div>` : ""}
${videos.length ? html`<section class="front-section" aria-labelledby="video-h"><h2 class="section-title" id="video-h"><a href="/video">Video</a></h2><ul class="video-grid">${videos.map((v) => videoCard(v, tz))}</ul></section>` : ""}`;
  return layout(
    shell,
    {
      title: shell.site.name,
      description: shell.site.tagline,
      canonicalPath: "/",
      og: { type: "website" },
      jsonLd: [
        {
          "@context": "https://schema.org",
          "@type": "WebSite",
          name: shell.site.name,
          url: shell.site.baseUrl,
        },
      ],
    },
    main,
  );
}

export interface ListingPage {
  title: string;
  kicker?: string;
  description?: string;
  basePath: string;
  page: number;
  /** Whether an older page exists. */
  hasNext: boolean;
  stories: StoryTeaser[];
  images: Map<number, Image>;
  feedPath?: string;
  currentSection?: string;
}

/** The ad slots of a list page: the site's rules and what fills them. */
export interface ListAds {
  rules: AdRules;
  fill: AdFill;
}

function listAd(ads: ListAds | undefined, id: string): SafeHtml | "" {
  if (!ads?.rules.enabled || ads.rules.listEvery === 0) return "";
  const sizes = ads.rules.bodySizes;
  return adSlot("list", id, sizes, ads.fill.pick({ position: "list", id, sizes }));
}

/** Teasers with an ad slot after every `listEvery` of them (never after the last). */
function withListAds(items: SafeHtml[], ads: ListAds | undefined, prefix: string): (SafeHtml | "")[] {
  const every = ads?.rules.enabled ? ads.rules.listEvery : 0;
  if (!every) return items;
  const out: (SafeHtml | "")[] = [];
  let n = 0;
  items.forEach((item, i) => {
    out.push(item);
    if ((i + 1) % every === 0 && i < items.length - 1) out.push(listAd(ads, `${prefix}-${++n}`));
  });
  return out;
}

export function renderListing(shell: Shell, p: ListingPage, ads?: ListAds): string {
  const tz = shell.site.timeZone;
  const main = html`<header class="page-header">${p.kicker ? html`<p class="kicker">${p.kicker}</p>` : ""}<h1>${p.title}</h1>${p.description ? html`<p>${p.description}</p>` : ""}${p.page > 1 ? html`<p>Page ${p.page}</p>` : ""}</header>
<div class="list">${
    p.stories.length
      ? html`<div class="teaser-grid">${withListAds(
          p.stories.map((t) => teaser(t, p.images, tz, { showSection: !p.currentSection, level: 2 })),
          ads,
          "list",
        )}</div>`
      : html`<p>Nothing has been published here yet.</p>`
  }${pagination(p.basePath, p.page, p.hasNext)}</div>`;
  const canonicalPath = p.page > 1 ? `${p.basePath}?page=${p.page}` : p.basePath;
  const links = [
    ...(p.feedPath
      ? [
          {
            rel: "alternate",
            href: p.feedPath,
            type: "application/rss+xml",
            title: `${p.title} | ${shell.site.name}`,
          },
        ]
      : []),
    ...(p.page > 1
      ? [{ rel: "prev", href: p.page === 2 ? p.basePath : `${p.basePath}?page=${p.page - 1}` }]
      : []),
    ...(p.hasNext ? [{ rel: "next", href: `${p.basePath}?page=${p.page + 1}` }] : []),
  ];
  return layout(
    { ...shell, ...(p.currentSection ? { currentSection: p.currentSection } : {}) },
    {
      title: p.page > 1 ? `${p.title} (page ${p.page})` : p.title,
      ...(p.description ? { description: p.description } : {}),
      canonicalPath,
      links,
    },
    main,
  );
}

export function renderVideoIndex(shell: Shell, videos: Video[], page: number, hasNext: boolean): string {
  const main = html`<header class="page-header"><h1>Video</h1><p>Reports and explainers from our newsroom.</p></header><div class="list">${videos.length ? html`<ul class="video-grid video-grid--index">${videos.map((v) => videoCard(v, shell.site.timeZone))}</ul>` : html`<p>No videos yet.</p>`}${pagination("/video", page, hasNext)}</div>`;
  return layout(
    { ...shell, currentSection: "video" },
    { title: "Video", canonicalPath: page > 1 ? `/video?page=${page}` : "/video" },
    main,
  );
}

export function renderVideoPage(
  shell: Shell,
  v: Video,
  stories: StoryTeaser[],
  images: Map<number, Image>,
): string {
  const tz = shell.site.timeZone;
  const main = html`<article class="story"><header class="story-header"><p class="kicker"><a href="/video">Video</a></p><h1>${v.title}</h1><p class="story-meta video-meta">${v.durationSeconds !== null ? html`${formatDuration(v.durationSeconds)} · ` : ""}Added ${time(v.createdAt, tz, "date")}</p></header><figure class="video">${videoPlayer(v)}${v.caption || v.credit ? html`<figcaption>${v.caption ? html`<p>${v.caption}</p>` : ""}${credit(v.credit, "Video")}</figcaption>` : ""}</figure>${stories.length ? html`<section class="related" aria-labelledby="in-h"><h2 id="in-h">In these stories</h2><div class="teaser-grid">${stories.map((t) => teaser(t, images, tz, { showSection: true }))}</div></section>` : ""}</article>`;
  const poster = v.poster;
  return layout(
    { ...shell, currentSection: "video" },
    {
      title: v.title,
      ...(v.caption ? { description: v.caption } : {}),
      canonicalPath: `/video/${v.id}`,
      og: {
        type: "video.other",
        ...(poster
          ? {
              image: {
                url: poster.file ? mediaUrl(poster.file) : (poster.remoteUrl ?? ""),
                width: poster.width,
                height: poster.height,
                alt: poster.alt,
              },
            }
          : {}),
      },
    },
    main,
  );
}

function proseBlock(b: Block): SafeHtml {
  switch (b.type) {
    case "paragraph":
      return html`<p>${inline(b.content)}</p>`;
    case "heading":
      return b.level === 2 ? html`<h2>${b.text}</h2>` : html`<h3>${b.text}</h3>`;
    case "list":
      return b.ordered
        ? html`<ol>${b.items.map((i) => html`<li>${inline(i)}</li>`)}</ol>`
        : html`<ul>${b.items.map((i) => html`<li>${inline(i)}</li>`)}</ul>`;
    case "quote":
      return html`<blockquote><p>${b.text}</p>${b.attribution ? html`<footer>— ${b.attribution}</footer>` : ""}</blockquote>`;
    case "divider":
      return html`<hr>`;
    default:
      return html``;
  }
}

export function renderSitePage(
  shell: Shell,
  page: { slug: string; title: string; body: Block[]; updatedAt: string },
): string {
  const main = html`<article class="prose"><h1>${page.title}</h1>${page.body.map(proseBlock)}<p class="teaser-meta">Last updated ${formatDate(page.updatedAt, shell.site.timeZone)}</p></article>`;
  return layout(shell, { title: page.title, canonicalPath: `/about/${page.slug}` }, main);
}

export function renderNotFound(
  shell: Shell,
  path: string,
  suggestions: StoryTeaser[],
  images: Map<number, Image>,
  /** What the site knows more specifically (“There is no page 5 here.”). */
  note?: string,
): string {
  const main = html`<div class="not-found"><h1>We can’t find that page</h1>${note ? html`<p>${note}</p>` : ""}<p>There is nothing at <code>${path.slice(0, 200)}</code>. It may have moved, or the address may have a typo.</p><ul><li><a href="/">Go to the front page</a></li>${shell.sections.map((s) => html`<li><a href="/${s.slug}">${s.name}</a></li>`)}</ul>${suggestions.length ? html`<h2 class="section-title">Latest stories</h2><div class="teaser-grid">${suggestions.map((t) => teaser(t, images, shell.site.timeZone, { showSection: true }))}</div>` : ""}</div>`;
  return layout(shell, { title: "Page not found", noindex: true }, main);
}

export function renderError(shell: Shell, status: number, message: string): string {
  const title = status >= 500 ? "Something went wrong" : "We couldn’t handle that request";
  const main = html`<div class="not-found"><h1>${title}</h1><p>${message}</p><p><a href="/">Go to the front page</a></p></div>`;
  return layout(shell, { title, noindex: true }, main);
}
