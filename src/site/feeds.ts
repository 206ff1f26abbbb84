/** RSS 2.0 feeds (through the `feed` library) and XML sitemaps. */
import { Feed } from "feed";
import type { SiteConfig } from "../config.ts";
import type { Image } from "../store/media-repo.ts";
import type { StoryTeaser } from "../store/story-store.ts";
import { imageUrl } from "./components.ts";
import { escapeXml } from "./html.ts";
import type { LivePost } from "../content/live.ts";
import { plainText } from "../content/text.ts";
import { postLabel, postPath } from "./live-view.ts";

export function rssFeed(
  site: SiteConfig,
  opts: { title: string; path: string; feedPath: string; description: string },
  stories: StoryTeaser[],
  images: Map<number, Image>,
  imageBytes: (img: Image) => number,
  /** Each story's authors by name (the byline text is used when it has none). */
  authors: ReadonlyMap<number, string[]> = new Map(),
): string {
  const feed = new Feed({
    title: opts.title,
    description: opts.description,
    id: `${site.baseUrl}${opts.path}`,
    link: `${site.baseUrl}${opts.path}`,
    language: site.language,
    image: `${site.baseUrl}/assets/logo.png`,
    favicon: `${site.baseUrl}/assets/logo.svg`,
    copyright: `© ${site.name}`,
    generator: "Gazette",
    feedLinks: { rss: `${site.baseUrl}${opts.feedPath}` },
    ...(stories[0] ? { updated: new Date(stories[0].updatedAt) } : {}),
  });
  for (const s of stories) {
    const img = s.heroImageId ? images.get(s.heroImageId) : undefined;
    const url = img ? imageUrl(img, 1200) : undefined;
    feed.addItem({
      title: s.headline,
      id: `${site.baseUrl}${s.path}`,
      link: `${site.baseUrl}${s.path}`,
      date: new Date(s.firstPublishedAt),
      // Summary points are sentences of their own: each ends, and the next begins, clearly.
      description: `${s.sponsoredBy ? `Sponsored by ${s.sponsoredBy}. ` : ""}${s.summary.map((p) => (/[.!?…”"]$/.test(p) ? p : `${p}.`)).join(" · ")}`,
      category: [{ name: s.sectionName }, ...(s.sponsoredBy ? [{ name: "Sponsored" }] : [])],
      ...(authors.get(s.id)?.length
        ? { author: authors.get(s.id)!.map((name) => ({ name })) }
        : s.byline
          ? { author: [{ name: s.byline }] }
          : {}),
      ...(img && url
        ? {
            enclosure: {
              url: /^https?:/.test(url) ? url : `${site.baseUrl}${url}`,
              type: img.file ? "image/jpeg" : img.mime,
              length: imageBytes(img),
            },
          }
        : {}),
    });
  }
  return feed.rss2();
}

/** A live story's own feed: its posts, newest first, each linking to its place in the stream. */
export function liveFeed(
  site: SiteConfig,
  story: { headline: string; path: string },
  posts: readonly LivePost[],
  authors: ReadonlyMap<string, { name: string }>,
): string {
  const feed = new Feed({
    title: `${story.headline} — ${site.name}`,
    description: `Live updates: ${story.headline}`,
    id: `${site.baseUrl}${story.path}`,
    link: `${site.baseUrl}${story.path}`,
    language: site.language,
    image: `${site.baseUrl}/assets/logo.png`,
    copyright: `© ${site.name}`,
    generator: "Gazette",
    feedLinks: { rss: `${site.baseUrl}${story.path}/feed.xml` },
    ...(posts[0]?.publishedAt ? { updated: new Date(posts[0].editedAt ?? posts[0].publishedAt) } : {}),
  });
  for (const p of posts) {
    const link = `${site.baseUrl}${postPath(story.path, p.id)}`;
    const names = p.authorSlugs.map((s) => authors.get(s)?.name).filter((n): n is string => !!n);
    feed.addItem({
      title: postLabel(p),
      id: link,
      link,
      date: new Date(p.publishedAt ?? p.createdAt),
      description: plainText(p.body),
      ...(names.length ? { author: names.map((name) => ({ name })) } : {}),
    });
  }
  return feed.rss2();
}

/** sitemaps.org protocol 0.9: one <url> per page. */
export function sitemap(site: SiteConfig, entries: { path: string; lastmod?: string }[]): string {
  const urls = entries
    .map(
      (e) =>
        `<url><loc>${escapeXml(site.baseUrl + e.path)}</loc>${e.lastmod ? `<lastmod>${escapeXml(e.lastmod)}</lastmod>` : ""}</url>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls}</urlset>\n`;
}

/**
 * Google News sitemap: articles published in the last 48 hours (Google's
 * rule), and live stories while open (with their latest post as lastmod), at
 * most 1,000; never paid content (Google News does not take it).
 */
export function newsSitemap(site: SiteConfig, stories: StoryTeaser[]): string {
  const urls = stories
    .filter((s) => !s.sponsoredBy)
    .slice(0, 1000)
    .map(
      (s) =>
        `<url><loc>${escapeXml(site.baseUrl + s.path)}</loc>${s.live?.open && s.live.lastPostAt ? `<lastmod>${escapeXml(s.live.lastPostAt)}</lastmod>` : ""}<news:news><news:publication><news:name>${escapeXml(site.name)}</news:name><news:language>${escapeXml(site.language)}</news:language></news:publication><news:publication_date>${escapeXml(s.firstPublishedAt)}</news:publication_date><news:title>${escapeXml(s.headline)}</news:title></news:news></url>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">${urls}</urlset>\n`;
}
