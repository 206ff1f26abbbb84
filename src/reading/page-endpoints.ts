/**
 * The reader site: the front page, articles and their history, section,
 * topic and author pages, videos, site pages, feeds, sitemaps and search.
 * Each endpoint gathers data from the store and hands it to a pure page
 * renderer in site/; the answer is a cacheable page tagged with the cache
 * keys of everything it shows.
 */
import { legacyRedirect } from "../store/import-store.ts";
import { z } from "zod";
import type { Config } from "../config.ts";
import { GazetteError } from "../content/errors.ts";
import { diffStoryContent } from "../content/story-diff.ts";
import { LIVE_PAGE_CDN_SECONDS } from "../content/live.ts";
import { isGated, splitPreview } from "../content/access.ts";
import type { MediaStore } from "../media/media-store.ts";
import { articleInputs } from "../site/article-data.ts";
import { articleView, renderArticle } from "../site/article-page.ts";
import { liveFeed, newsSitemap, rssFeed, sitemap } from "../site/feeds.ts";
import { liveCoverage, livePostChanges, publishedLivePosts } from "../store/live-store.ts";
import { NINJS_OUT_VERSIONS, storyNinjs } from "../site/ninjs-out.ts";
import { renderCorrections, renderHistory } from "../site/history-page.ts";
import type { Shell } from "../site/layout.ts";
import {
  renderHome,
  renderListing,
  renderSitePage,
  renderVideoIndex,
  renderVideoPage,
} from "../site/list-pages.ts";
import { highlight, renderSearch } from "../site/search-page.ts";
import { type CacheKey, cacheKey, storyKeys } from "../store/cache-keys.ts";
import type { Db } from "../store/database.ts";
import { type Image, countVideos, imagesByIds, listVideos, videoById } from "../store/media-repo.ts";
import { pageBySlug } from "../store/page-store.ts";
import { correctionsForStory, publishedRevisions, recentCorrections } from "../store/revision-store.ts";
import { searchStories } from "../store/search-store.ts";
import { type StoryTeaser, visibleStoryByPath } from "../store/story-store.ts";
import { type FrontPage, placementOf } from "../store/front-page-store.ts";
import {
  type StoryFilter,
  authorNamesByStory,
  listVisible,
  teasersByIds,
  storiesWithVideo,
} from "../store/story-queries.ts";
import {
  type Section,
  authorBySlug,
  authorsBySlugs,
  listSections,
  sectionBySlug,
  topicBySlug,
} from "../store/taxonomy-store.ts";
import {
  type Endpoint,
  cached,
  cachedVariant,
  endpoint,
  idParam,
  redirect,
  slugSchema,
} from "../web/endpoint.ts";
import type { AccessGate } from "../content/access.ts";
import { listPlans } from "../store/membership-store.ts";
import type { OfferPlan } from "../site/paywall.ts";
import { type AdProvider, type PageAdContext, type PageFill, houseFill } from "../site/ad-fill.ts";
import { accessOutcome } from "../web/access-variants.ts";
import type { TrustFunction } from "../web/client-address.ts";

export interface ReadingDeps {
  config: Config;
  db: Db;
  media: MediaStore;
  /** The page shell; pass the sections when the endpoint has already read them. */
  shell: (sections?: Section[]) => Promise<Shell>;
  /** The comments enhancement script's URL. */
  commentsScript?: string | undefined;
  /** Decides which variant of a gated story a request gets (memberships/access-gate.ts). */
  access: { gate: AccessGate; trust: TrustFunction };
  /** Fills ad slots with direct-sold campaigns (advertising/ad-server.ts); house ads alone without it. */
  ads?: AdProvider | undefined;
}

/** The plans a gated page offers: on sale through Stripe, so none when payments are off. */
export async function plansOnOffer(db: Db, config: Config): Promise<OfferPlan[]> {
  if (!config.memberships.stripe) return [];
  return (await listPlans(db, { activeOnly: true })).filter((p) => p.stripePriceId);
}

const PAGE_NUMBER = "must be a whole number from 1 upwards, as in ?page=2";
const pageQuery = z.object({
  page: z.coerce.number(PAGE_NUMBER).int(PAGE_NUMBER).min(1, PAGE_NUMBER).max(100000).default(1),
});

const slugParams = (...names: string[]) => z.object(Object.fromEntries(names.map((n) => [n, slugSchema])));

const storyParams = z.object({
  section: slugSchema,
  y: z.string().regex(/^\d{4}$/),
  m: z.string().regex(/^\d{2}$/),
  d: z.string().regex(/^\d{2}$/),
  slug: slugSchema,
});
type StoryParams = z.infer<typeof storyParams>;
const pathOf = (p: StoryParams) => `/${p.section}/${p.y}/${p.m}/${p.d}/${p.slug}`;

const searchQuery = z.object({
  q: z
    .string()
    .optional()
    .transform((s) =>
      (s ?? "")
        // eslint-disable-next-line no-control-regex -- control characters in a query become spaces
        .replace(/[\u0000-\u001f\u007f]/g, " ")
        .trim()
        .slice(0, 500),
    ),
  section: z
    .string()
    .optional()
    .transform((s) => s || undefined)
    .pipe(
      z
        .string()
        .regex(/^[a-z0-9-]{1,120}$/, "must be a section slug such as city")
        .optional(),
    ),
  from: z
    .union([z.literal(""), z.iso.date("must be a date as YYYY-MM-DD")])
    .optional()
    .transform((s) => s || undefined),
  to: z
    .union([z.literal(""), z.iso.date("must be a date as YYYY-MM-DD")])
    .optional()
    .transform((s) => s || undefined),
  page: z.coerce.number().int().min(1).max(1000).default(1),
});
type SearchParams = z.infer<typeof searchQuery>;

function teaserImageIds(teasers: readonly StoryTeaser[]): number[] {
  return teasers.flatMap((t) => (t.heroImageId ? [t.heroImageId] : []));
}

export function readingEndpoints(deps: ReadingDeps): Endpoint[] {
  const { db, config, shell } = deps;
  const size = config.pageSize;

  /** What fills a page's ad slots, and the keys that drop it when campaigns change. */
  async function adsFor(
    ctx: PageAdContext,
    cookie: string | undefined,
  ): Promise<{ fill: PageFill; keys: CacheKey[] }> {
    if (!config.ads.enabled) return { fill: { ...houseFill([], 0), record: () => undefined }, keys: [] };
    const fill = deps.ads
      ? await deps.ads.fill(ctx, cookie)
      : { ...houseFill(config.ads.houseAds, ctx.storyId ?? 0), record: () => undefined };
    return { fill, keys: [cacheKey.ads] };
  }

  /** The visible stories an editor placed on a front page, in their order. */
  async function placedTeasers(page: FrontPage): Promise<StoryTeaser[]> {
    const { storyIds } = await placementOf(db, page);
    if (!storyIds.length) return [];
    const found = await teasersByIds(db, storyIds);
    return storyIds.flatMap((id) => found.get(id) ?? []);
  }

  async function listing(
    page: number,
    filter: StoryFilter,
    key: CacheKey,
    p: {
      title: string;
      kicker?: string;
      description?: string;
      basePath: string;
      feedPath?: string;
      currentSection?: string;
    },
    cookie: string | undefined,
    placed: readonly StoryTeaser[] = [],
    target: { sectionSlug?: string; topicSlugs?: string[] } = {},
  ) {
    // One more than a page tells whether an older page exists: counting a
    // section of a large archive costs more than rendering the page.
    const found = await listVisible(db, filter, { limit: size + 1, offset: (page - 1) * size, count: false });
    const hasNext = found.items.length > size;
    // The first page opens with the stories an editor placed there.
    const placedIds = new Set(placed.map((t) => t.id));
    const items =
      page === 1 && placed.length
        ? [...placed, ...found.items.slice(0, size).filter((t) => !placedIds.has(t.id))].slice(
            0,
            Math.max(size, placed.length),
          )
        : found.items.slice(0, size);
    if (page > 1 && items.length === 0)
      throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no page ${page} here.`);
    const images = await imagesByIds(db, teaserImageIds(items));
    const ads = await adsFor({ page: `${p.basePath}?page=${page}`, ...target }, cookie);
    return cached(
      renderListing(
        await shell(),
        { ...p, page, hasNext, stories: items, images },
        { rules: config.ads, fill: ads.fill },
      ),
      [key, cacheKey.sections, ...storyKeys.of(items), ...ads.keys],
      undefined,
      ads.fill.record(),
    );
  }

  /** The byte size of the picture a feed encloses (the 1200-wide JPEG); 0 when the store does not have it. */
  const imageBytes = async (img: Image): Promise<number> => {
    if (!img.file) return 0;
    const jpeg = img.renditions.filter((r) => r.format === "jpeg").sort((a, b) => a.width - b.width);
    const pick = jpeg.find((r) => r.width >= 1200) ?? jpeg[jpeg.length - 1];
    const info = await deps.media.blobs.head(pick ? pick.file : img.file).catch(() => undefined);
    return info?.size ?? 0;
  };

  /** An RSS feed of the newest 50 visible stories matching `filter`. */
  async function feed(
    filter: StoryFilter,
    f: { title: string; description: string; path: string; feedPath: string },
    key: CacheKey,
  ) {
    const { items } = await listVisible(db, filter, { limit: 50, offset: 0, count: false });
    const [images, authors] = await Promise.all([
      imagesByIds(db, teaserImageIds(items)),
      authorNamesByStory(
        db,
        items.map((t) => t.id),
      ),
    ]);
    const sizes = new Map(
      await Promise.all([...images.values()].map(async (img) => [img.id, await imageBytes(img)] as const)),
    );
    return cached(
      rssFeed(config.site, f, items, images, (img) => sizes.get(img.id) ?? 0, authors),
      [key, ...storyKeys.of(items)],
      "application/rss+xml; charset=utf-8",
    );
  }

  /** The search a request asks for; undefined when it asks for nothing (an empty `q`). */
  function runSearch(p: SearchParams) {
    return p.q
      ? searchStories(db, {
          text: p.q,
          sectionSlug: p.section,
          from: p.from,
          to: p.to,
          limit: size,
          offset: (p.page - 1) * size,
        })
      : Promise.resolve(undefined);
  }

  const page = { tag: "Reader pages", access: "anyone", responds: "html" } as const;

  return [
    endpoint({
      ...page,
      method: "GET",
      path: "/",
      summary: "The front page: the latest stories, each section's newest, and videos",
      handler: async ({ req }) => {
        // WordPress's plain permalinks (/?p=123) of an imported archive.
        if (/^\/\?(?:.*&)?(?:p|page_id|attachment_id)=/.test(req.url)) {
          const to = await legacyRedirect(db, req.url);
          if (to) return redirect(to, 301);
        }
        const sections = await listSections(db);
        // The stories an editor placed lead, in their order; the newest fill the rest.
        const placed = await placedTeasers("home");
        const placedIds = new Set(placed.map((t) => t.id));
        const { items: newest } = await listVisible(
          db,
          { kind: "all" },
          { limit: 7 + placed.length, offset: 0, count: false },
        );
        const latest = [...placed, ...newest.filter((t) => !placedIds.has(t.id))].slice(
          0,
          Math.max(7, placed.length),
        );
        const seen = new Set(latest.map((t) => t.id));
        const bySection = [];
        for (const section of sections) {
          const { items } = await listVisible(
            db,
            { kind: "section", sectionId: section.id },
            { limit: 7, offset: 0, count: false },
          );
          const fresh = items.filter((t) => !seen.has(t.id)).slice(0, 4);
          fresh.forEach((t) => seen.add(t.id));
          if (fresh.length) bySection.push({ section, stories: fresh });
        }
        const videos = await listVideos(db, 4, 0);
        const all = [...latest, ...bySection.flatMap((s) => s.stories)];
        const images = await imagesByIds(db, teaserImageIds(all));
        const ads = await adsFor({ page: "/" }, req.headers.cookie);
        return cached(
          renderHome(await shell(sections), latest[0], latest.slice(1), bySection, images, videos, {
            rules: config.ads,
            fill: ads.fill,
          }),
          [
            cacheKey.home,
            cacheKey.sections,
            cacheKey.videos,
            ...storyKeys.of(all),
            ...videos.map((v) => cacheKey.video(v.id)),
            ...ads.keys,
          ],
          undefined,
          ads.fill.record(),
        );
      },
    }),
    endpoint({
      ...page,
      method: "GET",
      path: "/:section/:y/:m/:d/:slug",
      summary: "An article (an old address answers 301 to the story's address now)",
      params: storyParams,
      query: z.object({
        sort: z.enum(["newest", "oldest", "reactions"]).catch("newest"),
        /** A live story's page of posts from this post on (older posts, a shared post). */
        from: z.coerce.number().int().positive().max(2_000_000_000).optional().catch(undefined),
      }),
      handler: async ({ params, query, req }) => {
        const found = await visibleStoryByPath(db, pathOf(params));
        if (!found) throw new GazetteError("GZ_ERR_NOT_FOUND");
        if ("redirect" in found) return redirect(found.redirect, 301);
        const { inputs, keys } = await articleInputs(db, found.story, {
          commentSort: query.sort,
          liveFrom: query.from,
          ...(deps.commentsScript ? { commentsScript: deps.commentsScript } : {}),
        });
        const story = found.story;
        const ads = await adsFor(
          {
            page: story.path,
            storyId: story.id,
            sectionSlug: story.section.slug,
            topicSlugs: story.topics.map((t) => t.slug),
          },
          req.headers.cookie,
        );
        if (!isGated(story.effectiveAccess)) {
          const view = articleView(inputs, config.site, config.ads);
          // An open live story's page changes by the minute: shared caches keep it seconds, not minutes.
          const open = inputs.live?.coverage.state === "open";
          return cached(
            renderArticle(view, await shell(), config.ads, ads.fill),
            [...keys, ...ads.keys],
            undefined,
            ads.fill.record(),
            open
              ? `public, max-age=0, s-maxage=${LIVE_PAGE_CDN_SECONDS}, stale-while-revalidate=${LIVE_PAGE_CDN_SECONDS}, stale-if-error=86400`
              : undefined,
          );
        }
        // A gated story: one variant per kind of reader, decided per request.
        const spec = { storyId: story.id, access: story.effectiveAccess };
        const { decision } = await accessOutcome(req.raw, deps.access.gate, deps.access.trust, spec);
        const m = config.memberships;
        const view = articleView(
          {
            ...inputs,
            gate: {
              variant: decision.variant,
              previewParagraphs: m.previewParagraphs,
              plans: await plansOnOffer(db, config),
              meterLimit:
                decision.reason === "meter-spent"
                  ? decision.variant === "gate-registered"
                    ? m.meter.registered
                    : m.meter.anonymous
                  : 0,
              commentsForEntitledOnly: m.comments === "entitled",
            },
          },
          config.site,
          config.ads,
        );
        return cachedVariant(
          renderArticle(view, await shell(), config.ads, ads.fill),
          [...keys, cacheKey.memberships, ...ads.keys],
          {
            spec,
            variant: decision.variant,
          },
          ads.fill.record(),
        );
      },
    }),
    endpoint({
      ...page,
      responds: "asset",
      method: "GET",
      path: "/:section/:y/:m/:d/:slug.ninjs",
      summary:
        "An article as an IPTC ninjs item (version 2.2, 3.0 or 3.1, default 3.1); a gated story's text is its free preview",
      params: storyParams,
      query: z.object({
        version: z
          .enum(NINJS_OUT_VERSIONS, { error: "ask for ninjs 2.2, 3.0 or 3.1 (the default)" })
          .default("3.1"),
      }),
      handler: async ({ params, query }) => {
        const found = await visibleStoryByPath(db, pathOf(params));
        if (!found) throw new GazetteError("GZ_ERR_NOT_FOUND");
        if ("redirect" in found) return redirect(`${found.redirect}.ninjs?version=${query.version}`, 301);
        const story = found.story;
        const { inputs, keys } = await articleInputs(db, story);
        const body = isGated(story.effectiveAccess)
          ? splitPreview(story.body, config.memberships.previewParagraphs).preview
          : story.body;
        const item = storyNinjs(
          {
            story,
            body,
            images: inputs.images,
            videos: inputs.videos,
            linked: inputs.linked,
            site: config.site,
          },
          query.version,
        );
        return cached(`${JSON.stringify(item, null, 2)}\n`, keys, "application/json; charset=utf-8");
      },
    }),
    endpoint({
      ...page,
      responds: "asset",
      method: "GET",
      path: "/:section/:y/:m/:d/:slug/feed.xml",
      summary: "A live story's own RSS feed: its latest 50 posts, each linking to its place in the stream",
      params: storyParams,
      handler: async ({ params }) => {
        const found = await visibleStoryByPath(db, pathOf(params));
        if (!found) throw new GazetteError("GZ_ERR_NOT_FOUND");
        if ("redirect" in found) return redirect(`${found.redirect}/feed.xml`, 301);
        const story = found.story;
        // A gated story's posts are its text: not in a feed anyone can read.
        if (isGated(story.effectiveAccess) || !(await liveCoverage(db, story.id)))
          throw new GazetteError("GZ_ERR_NOT_FOUND");
        const posts = await publishedLivePosts(db, story.id, { limit: 50 });
        const authors = await authorsBySlugs(db, [...new Set(posts.flatMap((p) => p.authorSlugs))]);
        return cached(
          liveFeed(config.site, story, posts, new Map(authors.map((a) => [a.slug, a]))),
          [cacheKey.story(story.id), cacheKey.live(story.id), ...authors.map((a) => cacheKey.author(a.slug))],
          "application/rss+xml; charset=utf-8",
        );
      },
    }),
    endpoint({
      ...page,
      method: "GET",
      path: "/:section/:y/:m/:d/:slug/history",
      summary: "An article's public history: every published version, with what changed, and its corrections",
      params: storyParams,
      handler: async ({ params }) => {
        const found = await visibleStoryByPath(db, pathOf(params));
        if (!found) throw new GazetteError("GZ_ERR_NOT_FOUND");
        if ("redirect" in found) return redirect(`${found.redirect}/history`, 301);
        const story = found.story;
        const [versions, corrections, liveChanges] = await Promise.all([
          publishedRevisions(db, story.id),
          correctionsForStory(db, story.id),
          livePostChanges(db, story.id),
        ]);
        // A gated story's history shows changes to its free preview only:
        // the rest of its text is not for every reader, here or anywhere.
        const gated = isGated(story.effectiveAccess);
        const shown = (c: (typeof versions)[number]["content"]) =>
          gated ? { ...c, body: splitPreview(c.body, config.memberships.previewParagraphs).preview } : c;
        const entries = versions.map((v, i) => {
          if (i === 0)
            return { number: v.number, at: v.createdAt, label: "First published", diff: undefined };
          const before = versions[i - 1]!.content;
          const diff = diffStoryContent(shown(before), shown(v.content));
          if (
            gated &&
            JSON.stringify(splitPreview(before.body, config.memberships.previewParagraphs).rest) !==
              JSON.stringify(splitPreview(v.content.body, config.memberships.previewParagraphs).rest)
          )
            diff.other.push(
              "The text after the free preview changed (subscribers see the story as it is now).",
            );
          // A change to a picture or video the story shows is told in its own words.
          if (v.publicNote) diff.other.push(v.publicNote);
          return { number: v.number, at: v.createdAt, label: "Updated", diff };
        });
        const live = { changes: liveChanges, words: !gated };
        return cached(renderHistory(await shell(), story, entries, corrections, live), [
          cacheKey.story(story.id),
          cacheKey.sections,
        ]);
      },
    }),
    endpoint({
      ...page,
      method: "GET",
      path: "/corrections",
      summary: "The latest corrections, newest first",
      handler: async () => {
        const items = await recentCorrections(db, 100);
        return cached(renderCorrections(await shell(), items), [
          cacheKey.corrections,
          cacheKey.sections,
          ...items.map((c) => cacheKey.story(c.storyId)),
        ]);
      },
    }),
    endpoint({
      ...page,
      method: "GET",
      path: "/:section",
      summary: "A section's stories, newest first, a page at a time",
      params: slugParams("section"),
      query: pageQuery,
      handler: async ({ params, query, req }) => {
        const section = await sectionBySlug(db, params["section"]!);
        if (!section) throw new GazetteError("GZ_ERR_NOT_FOUND");
        return listing(
          query.page,
          { kind: "section", sectionId: section.id },
          cacheKey.section(section.slug),
          {
            title: section.name,
            description: section.description,
            basePath: `/${section.slug}`,
            feedPath: `/${section.slug}/feed.xml`,
            currentSection: section.slug,
          },
          req.headers.cookie,
          query.page === 1 ? await placedTeasers(`section:${section.slug}`) : [],
          { sectionSlug: section.slug },
        );
      },
    }),
    endpoint({
      ...page,
      method: "GET",
      path: "/topic/:slug",
      summary: "A topic's stories, newest first",
      params: slugParams("slug"),
      query: pageQuery,
      handler: async ({ params, query, req }) => {
        const topic = await topicBySlug(db, params["slug"]!);
        if (!topic) throw new GazetteError("GZ_ERR_NOT_FOUND");
        return listing(
          query.page,
          { kind: "topic", topicId: topic.id },
          cacheKey.topic(topic.slug),
          {
            title: topic.name,
            kicker: "Topic",
            basePath: `/topic/${topic.slug}`,
          },
          req.headers.cookie,
          [],
          { topicSlugs: [topic.slug] },
        );
      },
    }),
    endpoint({
      ...page,
      method: "GET",
      path: "/author/:slug",
      summary: "An author's page: who they are and their stories",
      params: slugParams("slug"),
      query: pageQuery,
      handler: async ({ params, query, req }) => {
        const author = await authorBySlug(db, params["slug"]!);
        if (!author) throw new GazetteError("GZ_ERR_NOT_FOUND");
        return listing(
          query.page,
          { kind: "author", authorId: author.id },
          cacheKey.author(author.slug),
          {
            title: author.name,
            kicker: author.role || "Author",
            description: author.bio,
            basePath: `/author/${author.slug}`,
          },
          req.headers.cookie,
        );
      },
    }),
    endpoint({
      ...page,
      method: "GET",
      path: "/video",
      summary: "Every video, newest first",
      query: pageQuery,
      handler: async ({ query }) => {
        const totalPages = Math.max(1, Math.ceil((await countVideos(db)) / size));
        if (query.page > totalPages) throw new GazetteError("GZ_ERR_NOT_FOUND");
        const videos = await listVideos(db, size, (query.page - 1) * size);
        return cached(renderVideoIndex(await shell(), videos, query.page, query.page < totalPages), [
          cacheKey.videos,
          cacheKey.sections,
          ...videos.map((v) => cacheKey.video(v.id)),
        ]);
      },
    }),
    endpoint({
      ...page,
      method: "GET",
      path: "/video/:id",
      summary: "A video's page, with the stories that show it",
      params: idParam,
      handler: async ({ params }) => {
        const video = await videoById(db, params.id);
        if (!video) throw new GazetteError("GZ_ERR_NOT_FOUND");
        const stories = await storiesWithVideo(db, video.id);
        const images = await imagesByIds(db, teaserImageIds(stories));
        return cached(renderVideoPage(await shell(), video, stories, images), [
          cacheKey.video(video.id),
          cacheKey.sections,
          ...storyKeys.of(stories),
        ]);
      },
    }),
    endpoint({
      ...page,
      method: "GET",
      path: "/about/:slug",
      summary: "A site page (editorial standards, contact, community rules …)",
      params: slugParams("slug"),
      handler: async ({ params }) => {
        const p = await pageBySlug(db, params["slug"]!);
        if (!p) throw new GazetteError("GZ_ERR_NOT_FOUND");
        return cached(renderSitePage(await shell(), p), [cacheKey.page(p.slug), cacheKey.sections]);
      },
    }),
    endpoint({
      ...page,
      responds: "asset",
      method: "GET",
      path: "/feed.xml",
      summary: "RSS: the newest 50 stories",
      handler: async () =>
        feed(
          { kind: "all" },
          { title: config.site.name, description: config.site.tagline, path: "/", feedPath: "/feed.xml" },
          cacheKey.all,
        ),
    }),
    endpoint({
      ...page,
      responds: "asset",
      method: "GET",
      path: "/:section/feed.xml",
      summary: "RSS: a section's newest 50 stories",
      params: slugParams("section"),
      handler: async ({ params }) => {
        const section = await sectionBySlug(db, params["section"]!);
        if (!section) throw new GazetteError("GZ_ERR_NOT_FOUND");
        return feed(
          { kind: "section", sectionId: section.id },
          {
            title: `${section.name} | ${config.site.name}`,
            description: section.description || section.name,
            path: `/${section.slug}`,
            feedPath: `/${section.slug}/feed.xml`,
          },
          cacheKey.section(section.slug),
        );
      },
    }),
    endpoint({
      ...page,
      responds: "asset",
      method: "GET",
      path: "/sitemap.xml",
      summary: "The sitemap: the front page, sections and stories",
      handler: async () => {
        const { items } = await listVisible(
          db,
          { kind: "all" },
          { limit: 50000 - 200, offset: 0, count: false },
        );
        const sections = await listSections(db);
        const entries = [
          { path: "/", ...(items[0] ? { lastmod: items[0].updatedAt } : {}) },
          ...sections.map((s) => ({ path: `/${s.slug}` })),
          ...items.map((t) => ({ path: t.path, lastmod: t.updatedAt })),
        ];
        return cached(
          sitemap(config.site, entries),
          [cacheKey.all, cacheKey.sections],
          "application/xml; charset=utf-8",
        );
      },
    }),
    endpoint({
      ...page,
      responds: "asset",
      method: "GET",
      path: "/sitemap-news.xml",
      summary:
        "The news sitemap: stories of the last 48 hours, and live stories while their coverage is open",
      handler: async () => {
        const since = new Date(Date.now() - 48 * 3600 * 1000).toISOString();
        const { items } = await listVisible(
          db,
          { kind: "news", since },
          { limit: 1000, offset: 0, count: false },
        );
        return cached(newsSitemap(config.site, items), [cacheKey.all], "application/xml; charset=utf-8");
      },
    }),
    endpoint({
      ...page,
      method: "GET",
      path: "/search",
      summary: "Search stories, with section and date filters",
      query: searchQuery,
      handler: async ({ query }) => {
        const sections = await listSections(db);
        const result = await runSearch(query);
        return cached(renderSearch(await shell(sections), query, result, sections, new Map(), size), [
          cacheKey.all,
          cacheKey.sections,
        ]);
      },
    }),
    endpoint({
      ...page,
      responds: "json",
      tag: "Search",
      method: "GET",
      path: "/api/search",
      summary: "Search stories readers can see now; matched terms come back marked in `snippetHtml`",
      query: searchQuery,
      handler: async ({ query }) => {
        const result = (await runSearch(query)) ?? { total: 0, totalIsLowerBound: false, hits: [] };
        const json = JSON.stringify({
          query: query.q,
          total: result.total,
          /** True when more stories match than were counted (total is then a lower bound). */
          totalIsLowerBound: result.totalIsLowerBound,
          page: query.page,
          pageSize: size,
          results: result.hits.map((h) => ({
            headline: h.story.headline,
            url: `${config.site.baseUrl}${h.story.path}`,
            path: h.story.path,
            section: { slug: h.story.sectionSlug, name: h.story.sectionName },
            publishedAt: h.story.firstPublishedAt,
            summary: h.story.summary,
            /** HTML: the text escaped, matched terms in <mark>. */
            snippetHtml: highlight(h.snippet).value,
            /** HTML: the headline escaped, matched terms in <mark>. */
            headlineHtml: highlight(h.headline).value,
            /** The parts that hold every word of the query ("headline", "summary", "text"). */
            matchedIn: h.matchedIn,
          })),
        });
        return cached(json, [cacheKey.all], "application/json; charset=utf-8");
      },
    }),
  ];
}
