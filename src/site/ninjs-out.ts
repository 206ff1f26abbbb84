/**
 * A story as an IPTC ninjs item (2.2, 3.0 or 3.1), for partners and other
 * systems: `GET <story>.ninjs` and `gazette export --format ninjs`. The
 * shape is the one Gazette's own ninjs importer reads (ingest/ninjs-mapper.ts),
 * so an exported story imports back as the same story: headline, summary
 * points, the text (paragraphs, headings, lists, quotes, dividers as HTML),
 * topics, byline, dateline, dates, the hero picture with its alt text,
 * caption and credit, the other pictures and the videos as associations.
 * 3.x spells its properties in camelCase and 2.2 in lower case; nothing else
 * Gazette uses differs between them.
 *
 * Pure: the caller gathers the story's pictures and videos.
 */
import type { Block } from "../content/model.ts";
import { bodyWordCount, plainText } from "../content/text.ts";
import type { Image, Video } from "../store/media-repo.ts";
import type { Story } from "../store/story-store.ts";
import { imageRendition, inline, mediaHref, mediaUrl } from "./components.ts";
import { type SafeHtml, html } from "./html.ts";

export const NINJS_OUT_VERSIONS = ["2.2", "3.0", "3.1"] as const;
export type NinjsOutVersion = (typeof NINJS_OUT_VERSIONS)[number];

type Json = Record<string, unknown>;

export interface NinjsOutInputs {
  story: Story;
  /** The story's body as this reader may have it (a gated story's free preview on the public route). */
  body: readonly Block[];
  images: Map<number, Image>;
  videos: Map<number, Video>;
  /** Related stories' addresses and headlines, for their "Read more" links. */
  linked: Map<number, { path: string; headline: string }>;
  site: { baseUrl: string; name: string; language: string };
}

function absolute(baseUrl: string, url: string): string {
  return /^https?:\/\//i.test(url)
    ? url
    : `${baseUrl.replace(/\/+$/, "")}${url.startsWith("/") ? "" : "/"}${url}`;
}

/** The text as plain HTML the ninjs importer reads back into the same blocks. */
function bodyHtml(blocks: readonly Block[], v: NinjsOutInputs): string {
  const one = (b: Block): SafeHtml => {
    switch (b.type) {
      case "paragraph":
        return html`<p>${inline(b.content)}</p>`;
      case "heading":
        return b.level === 2
          ? html`<h2>${b.text}</h2>`
          : b.level === 3
            ? html`<h3>${b.text}</h3>`
            : html`<h4>${b.text}</h4>`;
      case "quote":
        return html`<blockquote><p>${b.text}</p>${b.attribution ? html`<footer>— ${b.attribution}</footer>` : ""}</blockquote>`;
      case "list": {
        const items = b.items.map((i) => html`<li>${inline(i)}</li>`);
        return b.ordered ? html`<ol>${items}</ol>` : html`<ul>${items}</ul>`;
      }
      case "divider":
        return html`<hr>`;
      case "embed":
        return html`<p><a href="${b.url}">${b.title}</a>${b.provider ? html` (${b.provider})` : ""}</p>`;
      case "related-story": {
        const t = v.linked.get(b.storyId);
        return t
          ? html`<p>Read more: <a href="${absolute(v.site.baseUrl, t.path)}">${t.headline}</a></p>`
          : html``;
      }
      // Pictures and videos travel as associations; the preview's end is Gazette's own.
      case "image":
      case "video":
      case "preview-end":
        return html``;
    }
  };
  return blocks.map((b) => String(one(b))).join("");
}

function pictureItem(img: Image, name: string, v: NinjsOutInputs, caption?: string): Json {
  const r = imageRendition(img, 1200);
  const original = img.file ? mediaUrl(img.file) : img.remoteUrl;
  const cap = caption ?? img.caption ?? undefined;
  return {
    name,
    uri: absolute(v.site.baseUrl, original ?? r.url),
    type: "picture",
    headlines: [{ value: img.alt }],
    ...(cap ? { descriptions: [{ role: "caption", value: cap }] } : {}),
    ...(img.credit ? { by: img.credit } : {}),
    renditions: [
      {
        name: "web",
        href: absolute(v.site.baseUrl, r.url),
        contentType: "image/jpeg",
        width: r.width,
        height: r.height,
      },
      ...(original && original !== r.url
        ? [
            {
              name: "original",
              href: absolute(v.site.baseUrl, original),
              contentType: img.mime,
              width: img.width,
              height: img.height,
            },
          ]
        : []),
    ],
  };
}

function videoItem(video: Video, name: string, v: NinjsOutInputs): Json {
  const poster = video.poster ? imageRendition(video.poster, 1200) : undefined;
  return {
    name,
    uri: absolute(v.site.baseUrl, video.sources[0]?.url ?? `/video/${video.id}`),
    type: "video",
    headlines: [{ value: video.title }],
    ...(video.caption ? { descriptions: [{ role: "caption", value: video.caption }] } : {}),
    ...(video.credit ? { by: video.credit } : {}),
    renditions: [
      ...video.sources.map((s, i) => ({
        name: i === 0 ? "video" : `video-${i + 1}`,
        href: absolute(v.site.baseUrl, mediaHref(s.url)),
        contentType: s.type,
        ...(video.durationSeconds !== null ? { duration: video.durationSeconds } : {}),
      })),
      ...(poster
        ? [
            {
              name: "poster",
              href: absolute(v.site.baseUrl, poster.url),
              contentType: "image/jpeg",
              width: poster.width,
              height: poster.height,
            },
          ]
        : []),
    ],
  };
}

/** ninjs 2.2 spells every property in lower case; 3.x in camelCase. */
function lowerKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerKeys);
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, x]) => [k.toLowerCase(), lowerKeys(x)]));
}

/** The story as a ninjs item of `version`. */
export function storyNinjs(v: NinjsOutInputs, version: NinjsOutVersion): Json {
  const { story, site } = v;
  const url = absolute(site.baseUrl, story.path);
  const host = new URL(site.baseUrl).host;
  const body = bodyHtml(v.body, v);
  const byline = story.authors.length
    ? story.authors
        .map((a) => a.name)
        .join(", ")
        .replace(/, ([^,]*)$/, " and $1")
    : (story.byline ?? undefined);
  const associations: Json[] = [];
  const hero = story.heroImageId ? v.images.get(story.heroImageId) : undefined;
  if (hero) associations.push(pictureItem(hero, "featureimage", v));
  let n = 0;
  for (const b of v.body) {
    if (b.type === "image") {
      const img = v.images.get(b.imageId);
      if (img && img.id !== hero?.id) associations.push(pictureItem(img, `picture${++n}`, v, b.caption));
    } else if (b.type === "video") {
      const video = v.videos.get(b.videoId);
      if (video) associations.push(videoItem(video, `video${++n}`, v));
    }
  }
  const item: Json = {
    uri: `urn:gazette:${host}:story:${story.id}`,
    type: "text",
    version: String(story.revision),
    ...(story.firstPublishedAt ? { firstCreated: story.firstPublishedAt } : {}),
    versionCreated: story.updatedAt,
    pubStatus: "usable",
    language: site.language,
    headlines: [{ role: "main", value: story.headline }],
    ...(story.summary.length
      ? {
          descriptions: [
            {
              role: "summary",
              contentType: "text/html",
              value: `<ul>${story.summary.map((s) => String(html`<li>${s}</li>`)).join("")}</ul>`,
            },
          ],
        }
      : {}),
    bodies: [
      {
        role: "main",
        contentType: "text/html",
        value: body,
        charCount: plainText(v.body).length,
        wordCount: bodyWordCount(v.body),
      },
    ],
    ...(byline ? { by: byline } : {}),
    ...(story.dateline ? { located: story.dateline } : {}),
    ...(story.topics.length
      ? {
          subjects: story.topics.map((t) => ({
            name: t.name,
            uri: absolute(site.baseUrl, `/topic/${t.slug}`),
          })),
        }
      : {}),
    altIds: [{ role: "url", value: url }],
    copyrightHolder: site.name,
    copyrightNotice: `© ${(story.firstPublishedAt ?? story.updatedAt).slice(0, 4)} ${site.name}`,
    ...(associations.length ? { associations } : {}),
  };
  return version === "2.2" ? (lowerKeys(item) as Json) : item;
}
