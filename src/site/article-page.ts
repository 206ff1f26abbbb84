/**
 * The article page. `articleView` is pure: it turns a story and what it
 * refers to into what the page shows (reading time, ad positions, JSON-LD);
 * `renderArticle` turns that into HTML.
 */
import type { AdRules } from "../content/ad-placement.ts";
import { placeAds } from "../content/ad-placement.ts";
import { isoDuration } from "../content/duration.ts";
import type { Block } from "../content/model.ts";
import { readingTimeMinutes } from "../content/reading-time.ts";
import type { SiteConfig } from "../config.ts";
import type { Image, Video } from "../store/media-repo.ts";
import type { Correction } from "../store/revision-store.ts";
import { type CommentsBlock, commentCountLabel, renderCommentsBlock } from "./comments-view.ts";
import type { Story, StoryTeaser } from "../store/story-store.ts";
import {
  adSlot,
  credit,
  correctionLine,
  imageRendition,
  imageUrl,
  picture,
  teaser,
  time,
  videoCard,
  mediaHref,
} from "./components.ts";
import { formatDateTime, readingTimeLabel } from "./format.ts";
import { type Variant, isGateVariant, splitPreview } from "../content/access.ts";
import { type OfferPlan, GATED_CLASS, meterNoticeHtml, paywallHtml } from "./paywall.ts";
import { type SafeHtml, html } from "./html.ts";
import { type BlockContext, blockHtml } from "./blocks.ts";
import type { BlogPosting, LiveBlogPosting } from "schema-dts";
import { type LiveView, liveStreamHtml, postPath, postLabel } from "./live-view.ts";
import { type AdFill, houseFill } from "./ad-fill.ts";
import { type PageMeta, type Shell, layout } from "./layout.ts";

export interface ArticleInputs {
  story: Story;
  images: Map<number, Image>;
  videos: Map<number, Video>;
  related: StoryTeaser[];
  /** Teasers for related-story blocks, by story id. */
  linked: Map<number, StoryTeaser>;
  relatedImages: Map<number, Image>;
  /** Corrections and clarifications, oldest first. */
  corrections: Correction[];
  /** The public history page, when readers have seen more than one version. */
  historyPath: string | undefined;
  /** The comments block (absent in previews; mode "off" shows none). */
  comments?: CommentsBlock | undefined;
  /** A signed preview of an unpublished story: marked as such, never indexed. */
  preview?: { expiresAt: string } | undefined;
  /** The newest other stories of its section, for the rail beside the article on wide screens. */
  sectionLatest?: StoryTeaser[] | undefined;
  /** A gated story (its access is not free): which variant this page is, and the offer. */
  gate?: GateView | undefined;
  /** A live story: its stream of posts (one page of it). */
  live?: LiveView | undefined;
}

/** What a gated story's page needs to show its variant. */
export interface GateView {
  variant: Variant;
  /** Paragraphs in the free preview when the editor marked no point. */
  previewParagraphs: number;
  /** Plans on sale (none when payments are off). */
  plans: readonly OfferPlan[];
  /** The meter's limit for the gate's reader (anonymous or registered), for "you have read your N". */
  meterLimit: number;
  /** Comments shown only to readers who may read the story (memberships.comments = "entitled"). */
  commentsForEntitledOnly: boolean;
}

export interface ArticleView extends ArticleInputs {
  readingMinutes: number;
  /** Indexes of body blocks after which an ad slot goes. */
  adAfter: Set<number>;
  hero: Image | undefined;
  relatedVideos: Video[];
  meta: PageMeta;
  standardsPath: string;
}

/** Every image the story refers to (hero, body blocks, video posters are loaded with the videos). */
export function articleView(inputs: ArticleInputs, site: SiteConfig, ads: AdRules): ArticleView {
  const { story, images, videos } = inputs;
  const hero = story.heroImageId ? images.get(story.heroImageId) : undefined;
  const readingMinutes = readingTimeMinutes(story.body, { heroImage: hero !== undefined });
  const authors = story.authors.length
    ? story.authors.map((a) => a.name)
    : story.byline
      ? [story.byline]
      : [];
  const description = story.seo.description ?? story.summary[0] ?? "";
  const published = story.firstPublishedAt ?? story.updatedAt;
  const url = `${site.baseUrl}${story.path}`;
  const standardsPath = `/about/${site.standardsPage}`;
  const heroFile = hero ? imageRendition(hero, 1200) : undefined;
  const heroUrl = heroFile?.url;
  // Shares show the social picture when one was chosen, else the hero.
  const socialImage = (story.seo.socialImageId ? images.get(story.seo.socialImageId) : undefined) ?? hero;
  const socialFile = socialImage ? imageRendition(socialImage, 1200) : undefined;
  const abs = (u: string) => (/^https?:/.test(u) ? u : `${site.baseUrl}${u}`);
  const bodyVideos = story.body
    .flatMap((b) => (b.type === "video" ? [videos.get(b.videoId)] : []))
    .filter((v): v is Video => !!v);
  const relatedVideos = story.relatedVideoIds.map((id) => videos.get(id)).filter((v): v is Video => !!v);

  // schema.org NewsArticle, as Google's article documentation reads it.
  const jsonLd: Record<string, unknown> = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    headline: story.headline,
    description,
    datePublished: published,
    dateModified: story.updatedAt,
    mainEntityOfPage: url,
    url,
    author: story.authors.length
      ? story.authors.map((a) => ({
          "@type": "Person",
          name: a.name,
          url: `${site.baseUrl}/author/${a.slug}`,
        }))
      : authors.map((name) => ({ "@type": "Person", name })),
    publisher: {
      "@type": "NewsMediaOrganization",
      name: site.name,
      url: site.baseUrl,
      logo: { "@type": "ImageObject", url: `${site.baseUrl}/assets/logo.png`, width: 512, height: 512 },
      publishingPrinciples: `${site.baseUrl}${standardsPath}`,
    },
    articleSection: story.section.name,
    keywords: story.topics.map((t) => t.name).join(", "),
    wordCount: story.wordCount,
    timeRequired: `PT${readingMinutes}M`,
    isAccessibleForFree: story.effectiveAccess.level === "free",
    publishingPrinciples: `${site.baseUrl}${standardsPath}`,
    inLanguage: site.language,
  };
  if (hero && heroUrl) {
    jsonLd["image"] = {
      "@type": "ImageObject",
      url: abs(heroUrl),
      width: heroFile!.width,
      height: heroFile!.height,
      ...(hero.credit ? { creditText: hero.credit } : {}),
      ...(hero.caption ? { caption: hero.caption } : {}),
    };
  }
  if (story.effectiveAccess.level !== "free") {
    // Google's paywalled-content markup: the class wrapping exactly the gated part.
    jsonLd["hasPart"] = {
      "@type": "WebPageElement",
      isAccessibleForFree: false,
      cssSelector: `.${GATED_CLASS}`,
    };
  }
  if (story.dateline) jsonLd["locationCreated"] = { "@type": "Place", name: story.dateline };
  if (story.sponsor) {
    // Paid content says whose it is.
    const logo = story.sponsor.logoImageId ? images.get(story.sponsor.logoImageId) : undefined;
    jsonLd["sponsor"] = {
      "@type": "Organization",
      name: story.sponsor.name,
      ...(story.sponsor.url ? { url: story.sponsor.url } : {}),
      ...(logo ? { logo: abs(imageUrl(logo, 480)) } : {}),
    };
  }
  if (bodyVideos.length || relatedVideos.length) {
    jsonLd["video"] = [...bodyVideos, ...relatedVideos].map((v) => ({
      "@type": "VideoObject",
      name: v.title,
      description: v.caption ?? v.title,
      ...(v.durationSeconds !== null ? { duration: isoDuration(v.durationSeconds) } : {}),
      ...(v.poster ? { thumbnailUrl: abs(imageUrl(v.poster, 800)) } : {}),
      contentUrl: abs(mediaHref(v.sources[0]?.url ?? "")),
      uploadDate: published,
    }));
  }
  if (inputs.comments && inputs.comments.mode !== "off" && !commentsWithheld(inputs))
    jsonLd["commentCount"] = inputs.comments.count;
  // A retracted correction is shown to readers, struck through, but is no longer a correction.
  const standing = inputs.corrections.filter((c) => !c.retractedAt);
  if (standing.length) {
    // schema.org CreativeWork.correction, one CorrectionComment each.
    jsonLd["correction"] = standing.map((c) => ({
      "@type": "CorrectionComment",
      text: `${c.kind === "clarification" ? "Clarification" : "Correction"}: ${c.text}`,
      datePublished: c.createdAt,
    }));
  }
  // A live story: schema.org LiveBlogPosting, its coverage times and the updates this page shows
  // (typed by schema-dts, the schema.org vocabulary as TypeScript: a wrong property does not compile).
  if (inputs.live) {
    const live = inputs.live;
    const updates: BlogPosting[] = [...(live.older ? [] : live.pinned), ...live.posts].map((p) => ({
      "@type": "BlogPosting",
      headline: postLabel(p, 110),
      datePublished: p.publishedAt ?? p.createdAt,
      ...(p.editedAt ? { dateModified: p.editedAt } : {}),
      url: `${site.baseUrl}${postPath(story.path, p.id)}`,
    }));
    const liveLd: LiveBlogPosting = {
      "@type": "LiveBlogPosting",
      coverageStartTime: live.coverage.coverageStart,
      ...(live.coverage.coverageEnd ? { coverageEndTime: live.coverage.coverageEnd } : {}),
      ...(live.coverage.lastPostAt && live.coverage.lastPostAt > story.updatedAt
        ? { dateModified: live.coverage.lastPostAt }
        : {}),
      liveBlogUpdate: updates,
    };
    Object.assign(jsonLd, liveLd);
  }
  if (story.sources.length) {
    jsonLd["citation"] = story.sources.map((s) => ({
      "@type": "CreativeWork",
      name: s.name,
      ...(s.url ? { url: s.url } : {}),
    }));
  }

  return {
    ...inputs,
    readingMinutes,
    adAfter: new Set(placeAds(story.body, ads)),
    hero,
    relatedVideos,
    standardsPath,
    meta: {
      title: story.seo.title ?? story.headline,
      description,
      canonicalPath: story.path,
      social: { title: story.seo.socialTitle, description: story.seo.socialDescription },
      og: {
        type: "article",
        ...(socialImage && socialFile
          ? {
              image: {
                url: socialFile.url,
                width: socialFile.width,
                height: socialFile.height,
                alt: socialImage.alt,
              },
            }
          : {}),
      },
      jsonLd: [jsonLd],
      ...(inputs.preview ? { noindex: true } : {}),
    },
  };
}

/** Comments are left off this variant: gated, and comments are for entitled readers only. */
function commentsWithheld(v: Pick<ArticleInputs, "gate">): boolean {
  return !!v.gate && v.gate.commentsForEntitledOnly && isGateVariant(v.gate.variant);
}

/**
 * The HTML level of each heading in a body: never more than one below the
 * one before it, counting from the page's h1, so a story whose first
 * heading is a subheading gets an h2 (a skipped level confuses screen
 * readers' heading navigation; the W3C checker flags it).
 */
export function headingLevels(body: readonly Block[]): Map<number, 2 | 3 | 4> {
  const out = new Map<number, 2 | 3 | 4>();
  let last = 1;
  body.forEach((b, i) => {
    if (b.type !== "heading") return;
    const level = Math.min(b.level, last + 1) as 2 | 3 | 4;
    out.set(i, level);
    last = level;
  });
  return out;
}

function correctionsBox(v: ArticleView, tz: string): SafeHtml {
  const kinds = new Set(v.corrections.map((c) => c.kind));
  const one = kinds.size === 1 ? [...kinds][0]! : undefined;
  const name = (k: string) => (k === "clarification" ? "Clarification" : "Correction");
  const heading = one
    ? `${name(one)}${v.corrections.length > 1 ? "s" : ""}`
    : "Corrections and clarifications";
  return html`<section class="corrections-box" aria-labelledby="corr-h"><h2 id="corr-h">${heading}</h2>${v.corrections.map((c) => correctionLine(c, tz, { showKind: !one }))}<p class="corrections-more"><a href="/corrections">All corrections</a>${v.historyPath ? html` · <a href="${v.historyPath}">Every version of this story</a>` : ""}</p></section>`;
}

/** "Sponsored by X" with the sponsor's logo: paid content is labelled before anything else. */
function sponsorLine(sponsor: NonNullable<Story["sponsor"]>, images: Map<number, Image>): SafeHtml {
  const logo = sponsor.logoImageId ? images.get(sponsor.logoImageId) : undefined;
  const name = sponsor.url
    ? html`<a href="${sponsor.url}" rel="sponsored noopener">${sponsor.name}</a>`
    : html`${sponsor.name}`;
  return html`<p class="sponsored-label"><span class="sponsored-tag">Sponsored</span> Paid content by ${name}${logo ? html` <img class="sponsor-logo" src="${imageUrl(logo, 480)}" alt="" height="28" width="${Math.round((28 * logo.width) / logo.height)}">` : ""}</p>`;
}

export function renderArticle(
  v: ArticleView,
  shell: Shell,
  ads: AdRules,
  fill: AdFill = houseFill(ads.houseAds, v.story.id),
): string {
  const { story } = v;
  const site = shell.site;
  const tz = site.timeZone;
  const published = story.firstPublishedAt ?? story.updatedAt;
  const updated = story.updatedAt > published ? story.updatedAt : undefined;
  const byline = story.authors.length
    ? html`By ${story.authors.map((a, i) => html`${i > 0 ? (i === story.authors.length - 1 ? " and " : ", ") : ""}<a href="/author/${a.slug}" rel="author">${a.name}</a>`)}`
    : story.byline
      ? html`${/^by\s/i.test(story.byline) ? "" : "By "}${story.byline}`
      : html``;
  const blocks: BlockContext = {
    images: v.images,
    videos: v.videos,
    linked: v.linked,
    dateline: story.dateline,
  };
  let firstParagraph = true;
  let slotNo = 0;
  const levels = headingLevels(story.body);
  const blockAt = (b: Block, i: number, noAd = false) => {
    const isFirst = b.type === "paragraph" && firstParagraph;
    if (b.type === "paragraph") firstParagraph = false;
    const block = blockHtml(b, blocks, isFirst, levels.get(i));
    if (noAd || !v.adAfter.has(i)) return block;
    slotNo++;
    const id = `story-body-${slotNo}`;
    return html`${block}${adSlot("body", id, ads.bodySizes, fill.pick({ position: "body", id, sizes: ads.bodySizes }))}`;
  };
  // A gated story: the preview, then the rest inside the class the JSON-LD
  // names — or, for a reader without access, the offer and nothing more.
  const gate = v.gate;
  const split = gate ? splitPreview(story.body, gate.previewParagraphs) : undefined;
  const body = !gate
    ? story.body.map((b, i) => blockAt(b, i))
    : isGateVariant(gate.variant)
      ? // No advertisement between the preview and the offer.
        html`${split!.preview.map((b, i) => blockAt(b, i, i === split!.preview.length - 1))}${paywallHtml(gate, story.effectiveAccess, story.path, site.name)}`
      : html`${split!.preview.map((b, i) => blockAt(b, i))}<div class="${GATED_CLASS}">${split!.rest.map((b, i) => blockAt(b, i + story.body.length - split!.rest.length))}</div>`;
  const top =
    ads.enabled && ads.top
      ? adSlot(
          "top",
          "story-top",
          ads.topSizes,
          fill.pick({ position: "top", id: "story-top", sizes: ads.topSizes }),
        )
      : undefined;

  const rail =
    v.sectionLatest?.length || ads.enabled
      ? html`<section class="rail" aria-labelledby="rail-h"><h2 class="rail-title" id="rail-h">Latest in ${story.section.name}</h2>${v.sectionLatest?.length ? html`<ol class="rail-list">${v.sectionLatest.map((t) => html`<li><a href="${t.path}">${t.headline}</a> ${time(t.firstPublishedAt, tz, "date")}</li>`)}</ol><p class="rail-more"><a href="/${story.section.slug}">More from ${story.section.name}</a></p>` : ""}${ads.enabled ? adSlot("rail", "story-rail", ads.bodySizes, fill.pick({ position: "rail", id: "story-rail", sizes: ads.bodySizes })) : ""}</section>`
      : html``;
  const main = html`${v.preview ? html`<p class="preview-banner" role="status">Preview — not published. This link expires ${formatDateTime(v.preview.expiresAt, tz)}.</p>` : ""}<div class="story-layout"><div class="story-column"><article class="story">
<header class="story-header">
<p class="kicker"><a href="/${story.section.slug}">${story.section.name}</a></p>${story.sponsor ? sponsorLine(story.sponsor, v.images) : ""}
<h1>${story.headline}</h1>
${story.summary.length ? html`<ul class="summary">${story.summary.map((s) => html`<li>${s}</li>`)}</ul>` : ""}
<div class="story-meta">
${byline.value ? html`<p class="byline">${byline}</p>` : ""}
<p class="dates">${
    story.status === "published"
      ? html`Published ${time(published, tz)}${updated ? html`<span class="updated"> · Updated ${time(updated, tz)}</span>` : ""}${v.historyPath ? html` · <a href="${v.historyPath}">See what changed</a>` : ""}`
      : story.status === "scheduled" && story.scheduledAt
        ? html`Not published yet · scheduled for ${time(story.scheduledAt, tz)}`
        : "Not published yet"
  }</p>
<p class="trust"><span class="reading-time">${readingTimeLabel(v.readingMinutes)}</span> · <a href="${v.standardsPath}">Why you can trust ${site.name}</a>${v.comments && v.comments.mode !== "off" && !commentsWithheld(v) ? html` · <a href="#comments" class="comment-count">${commentCountLabel(v.comments.count)}</a>` : ""}</p>
</div>
</header>
${v.corrections.length ? correctionsBox(v, tz) : ""}
${v.hero ? html`<figure class="hero">${picture(v.hero, { sizes: "(min-width: 1040px) 1000px, 100vw", eager: true })}${v.hero.caption || v.hero.credit ? html`<figcaption>${v.hero.caption ?? ""}${credit(v.hero.credit)}</figcaption>` : ""}</figure>` : ""}
<div class="story-body">
${gate && gate.variant.startsWith("metered-") ? meterNoticeHtml(gate) : ""}${body}
</div>
${v.live && !(gate && isGateVariant(gate.variant)) ? liveStreamHtml(v.live, story, site) : ""}
${gate && gate.variant === "full" ? html`<form method="post" action="/membership/gifts" class="gift-form"><input type="hidden" name="storyId" value="${story.id}"><button type="submit">Give this story to someone</button> <span class="form-hint">Subscribers can share a few stories a month in full.</span></form>` : ""}
${story.sources.length ? html`<section class="sources" aria-labelledby="sources-h"><h2 id="sources-h">Sources</h2><ul>${story.sources.map((s) => html`<li><strong>${s.url ? html`<a href="${s.url}" rel="noopener">${s.name}</a>` : s.name}</strong>${s.description ? html`: ${s.description}` : ""}</li>`)}</ul><p class="sources-note">How we source and verify: <a href="${v.standardsPath}">our editorial standards</a>.</p></section>` : ""}
${story.topics.length ? html`<nav class="topics" aria-label="Topics"><h2 class="visually-hidden">Topics</h2><ul>${story.topics.map((t) => html`<li><a href="/topic/${t.slug}">${t.name}</a></li>`)}</ul></nav>` : ""}
</article>
${v.comments && !commentsWithheld(v) ? renderCommentsBlock(v.comments, tz) : v.comments ? html`<section class="comments comments-withheld" aria-labelledby="comments-h" id="comments"><h2 id="comments-h">Comments</h2><p>The conversation is open to readers of the whole story.</p></section>` : ""}
${v.relatedVideos.length ? html`<section class="related-videos" aria-labelledby="rv-h"><h2 id="rv-h">Watch</h2><ul class="video-grid">${v.relatedVideos.map((x) => videoCard(x))}</ul></section>` : ""}
${v.related.length ? html`<section class="related" aria-labelledby="related-h"><h2 id="related-h">Related stories</h2><div class="teaser-grid">${v.related.map((t) => teaser(t, v.relatedImages, tz, { showSection: true }))}</div></section>` : ""}</div>${rail}</div>`;
  return layout(
    { ...shell, currentSection: story.section.slug },
    v.meta,
    main,
    top ? { beforeMain: top } : {},
  );
}
