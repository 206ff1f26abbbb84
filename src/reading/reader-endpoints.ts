/** Reader routes: each gathers data from the store and hands it to a pure page renderer. */
import fs from "node:fs";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Config } from "../config.ts";
import type { MediaStore } from "../media/media-store.ts";
import type { Db } from "../store/database.ts";
import { imagesByIds, listVideos, videoById, type Image } from "../store/media-repo.ts";
import { pageBySlug } from "../store/page-store.ts";
import { searchStories } from "../store/search-store.ts";
import { highlight, renderSearch } from "../site/search-page.ts";
import { type StoryTeaser, listVisible, storiesWithVideo, visibleStoryByPath } from "../store/story-store.ts";
import {
  type Section,
  authorBySlug,
  listSections,
  sectionBySlug,
  topicBySlug,
} from "../store/taxonomy-store.ts";
import { articleView, renderArticle } from "../site/article-page.ts";
import { newsSitemap, rssFeed, sitemap } from "../site/feeds.ts";
import type { Shell } from "../site/layout.ts";
import {
  renderHome,
  renderListing,
  renderNotFound,
  renderSitePage,
  renderVideoIndex,
  renderVideoPage,
} from "../site/list-pages.ts";
import { diffStoryContent } from "../content/story-diff.ts";
import { correctionsForStory, publishedRevisions, recentCorrections } from "../store/revision-store.ts";
import { renderCorrections, renderHistory } from "../site/history-page.ts";
import { articleInputs } from "../site/article-data.ts";
import { HttpError } from "../web/errors.ts";
import type { PageSender } from "../web/page-response.ts";

export interface ReaderDeps {
  pages: PageSender;
  config: Config;
  db: Db;
  media: MediaStore;
  cssHref: string;
  /** The comments enhancement script's URL. */
  commentsScript?: string;
}

const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100000).default(1) }).passthrough();
const slugParam = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
  .max(120);

function pageOf(req: FastifyRequest): number {
  const q = pageQuery.safeParse(req.query);
  if (!q.success)
    throw new HttpError("GZ_ERR_BAD_PARAMETER", "page: must be a whole number from 1 upwards, as in ?page=2");
  return q.data.page;
}

function slugOf(value: unknown): string {
  const r = slugParam.safeParse(value);
  if (!r.success) throw new HttpError("GZ_ERR_NOT_FOUND");
  return r.data;
}

function teaserImageIds(teasers: readonly StoryTeaser[]): number[] {
  return teasers.flatMap((t) => (t.heroImageId ? [t.heroImageId] : []));
}

export function readerRoutes(app: FastifyInstance, deps: ReaderDeps): void {
  const { db, config } = deps;
  const { sendPage } = deps.pages;
  const storyKeys = (teasers: readonly { id: number }[]) => teasers.map((t) => `story:${t.id}`);
  /** The page shell; pass the sections when the route has already read them. */
  const shell = async (sections?: Section[]): Promise<Shell> => ({
    site: config.site,
    sections: sections ?? (await listSections(db)),
    cssHref: deps.cssHref,
  });
  const size = config.pageSize;

  async function listing(
    req: FastifyRequest,
    reply: FastifyReply,
    filter: Parameters<typeof listVisible>[1],
    key: string,
    p: {
      title: string;
      kicker?: string;
      description?: string;
      basePath: string;
      feedPath?: string;
      currentSection?: string;
    },
  ) {
    const page = pageOf(req);
    // One more than a page tells whether an older page exists: counting a
    // section of a large archive costs more than rendering the page.
    const found = await listVisible(db, filter, { limit: size + 1, offset: (page - 1) * size, count: false });
    const hasNext = found.items.length > size;
    const items = found.items.slice(0, size);
    if (page > 1 && items.length === 0)
      throw new HttpError("GZ_ERR_NOT_FOUND", `There is no page ${page} here.`);
    const images = await imagesByIds(db, teaserImageIds(items));
    return sendPage(req, reply, {
      body: renderListing(await shell(), { ...p, page, hasNext, stories: items, images }),
      keys: [key, "sections", ...storyKeys(items)],
    });
  }

  app.get("/", async (req, reply) => {
    const sections = await listSections(db);
    const { items: latest } = await listVisible(db, { kind: "all" }, { limit: 7, offset: 0, count: false });
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
    return sendPage(req, reply, {
      body: renderHome(await shell(sections), latest[0], latest.slice(1), bySection, images, videos),
      keys: ["home", "sections", "videos", ...storyKeys(all), ...videos.map((v) => `video:${v.id}`)],
    });
  });

  app.get<{ Params: { section: string; y: string; m: string; d: string; slug: string } }>(
    "/:section/:y/:m/:d/:slug",
    async (req, reply) => {
      const { section, y, m, d, slug } = req.params;
      if (!/^\d{4}$/.test(y) || !/^\d{2}$/.test(m) || !/^\d{2}$/.test(d))
        throw new HttpError("GZ_ERR_NOT_FOUND");
      const path = `/${slugOf(section)}/${y}/${m}/${d}/${slugOf(slug)}`;
      const found = await visibleStoryByPath(db, path);
      if (!found) throw new HttpError("GZ_ERR_NOT_FOUND");
      if ("redirect" in found) return reply.redirect(found.redirect, 301);
      const sort = z
        .enum(["newest", "oldest", "reactions"])
        .catch("newest")
        .parse((req.query as { sort?: unknown }).sort);
      const { inputs, keys } = await articleInputs(db, found.story, {
        commentSort: sort,
        ...(deps.commentsScript ? { commentsScript: deps.commentsScript } : {}),
      });
      const view = articleView(inputs, config.site, config.ads);
      return sendPage(req, reply, { body: renderArticle(view, await shell(), config.ads), keys });
    },
  );

  app.get<{ Params: { section: string; y: string; m: string; d: string; slug: string } }>(
    "/:section/:y/:m/:d/:slug/history",
    async (req, reply) => {
      const { section, y, m, d, slug } = req.params;
      if (!/^\d{4}$/.test(y) || !/^\d{2}$/.test(m) || !/^\d{2}$/.test(d))
        throw new HttpError("GZ_ERR_NOT_FOUND");
      const path = `/${slugOf(section)}/${y}/${m}/${d}/${slugOf(slug)}`;
      const found = await visibleStoryByPath(db, path);
      if (!found) throw new HttpError("GZ_ERR_NOT_FOUND");
      if ("redirect" in found) return reply.redirect(`${found.redirect}/history`, 301);
      const story = found.story;
      const [versions, corrections] = await Promise.all([
        publishedRevisions(db, story.id),
        correctionsForStory(db, story.id),
      ]);
      const entries = versions.map((v, i) => ({
        number: v.number,
        at: v.createdAt,
        label: i === 0 ? "First published" : "Updated",
        diff: i === 0 ? undefined : diffStoryContent(versions[i - 1]!.content, v.content),
      }));
      return sendPage(req, reply, {
        body: renderHistory(await shell(), story, entries, corrections),
        keys: [`story:${story.id}`, "sections"],
      });
    },
  );

  app.get("/corrections", async (req, reply) => {
    const items = await recentCorrections(db, 100);
    return sendPage(req, reply, {
      body: renderCorrections(await shell(), items),
      keys: ["corrections", "sections", ...storyKeys(items.map((c) => ({ id: c.storyId })))],
    });
  });

  app.get<{ Params: { section: string } }>("/:section", async (req, reply) => {
    const section = await sectionBySlug(db, slugOf(req.params.section));
    if (!section) throw new HttpError("GZ_ERR_NOT_FOUND");
    return listing(req, reply, { kind: "section", sectionId: section.id }, `section:${section.slug}`, {
      title: section.name,
      description: section.description,
      basePath: `/${section.slug}`,
      feedPath: `/${section.slug}/feed.xml`,
      currentSection: section.slug,
    });
  });

  app.get<{ Params: { slug: string } }>("/topic/:slug", async (req, reply) => {
    const topic = await topicBySlug(db, slugOf(req.params.slug));
    if (!topic) throw new HttpError("GZ_ERR_NOT_FOUND");
    return listing(req, reply, { kind: "topic", topicId: topic.id }, `topic:${topic.slug}`, {
      title: topic.name,
      kicker: "Topic",
      basePath: `/topic/${topic.slug}`,
    });
  });

  app.get<{ Params: { slug: string } }>("/author/:slug", async (req, reply) => {
    const author = await authorBySlug(db, slugOf(req.params.slug));
    if (!author) throw new HttpError("GZ_ERR_NOT_FOUND");
    return listing(req, reply, { kind: "author", authorId: author.id }, `author:${author.slug}`, {
      title: author.name,
      kicker: author.role || "Author",
      description: author.bio,
      basePath: `/author/${author.slug}`,
    });
  });

  app.get("/video", async (req, reply) => {
    const page = pageOf(req);
    const total = Number(
      (
        await db
          .selectFrom("videos")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const totalPages = Math.max(1, Math.ceil(total / size));
    if (page > totalPages) throw new HttpError("GZ_ERR_NOT_FOUND");
    const videos = await listVideos(db, size, (page - 1) * size);
    return sendPage(req, reply, {
      body: renderVideoIndex(await shell(), videos, page, page < totalPages),
      keys: ["videos", "sections", ...videos.map((v) => `video:${v.id}`)],
    });
  });

  app.get<{ Params: { id: string } }>("/video/:id", async (req, reply) => {
    if (!/^\d{1,9}$/.test(req.params.id)) throw new HttpError("GZ_ERR_NOT_FOUND");
    const video = await videoById(db, Number(req.params.id));
    if (!video) throw new HttpError("GZ_ERR_NOT_FOUND");
    const stories = await storiesWithVideo(db, video.id);
    const images = await imagesByIds(db, teaserImageIds(stories));
    return sendPage(req, reply, {
      body: renderVideoPage(await shell(), video, stories, images),
      keys: [`video:${video.id}`, "sections", ...storyKeys(stories)],
    });
  });

  app.get<{ Params: { slug: string } }>("/about/:slug", async (req, reply) => {
    const page = await pageBySlug(db, slugOf(req.params.slug));
    if (!page) throw new HttpError("GZ_ERR_NOT_FOUND");
    return sendPage(req, reply, {
      body: renderSitePage(await shell(), page),
      keys: [`page:${page.slug}`, "sections"],
    });
  });

  const imageBytes = (img: Image) => {
    if (!img.file) return 0;
    try {
      const jpeg = img.renditions.filter((r) => r.format === "jpeg").sort((a, b) => a.width - b.width);
      const pick = jpeg.find((r) => r.width >= 1200) ?? jpeg[jpeg.length - 1];
      return fs.statSync(deps.media.absolute(pick ? pick.file : img.file)).size;
    } catch {
      return 0;
    }
  };

  /** An RSS feed of the newest 50 visible stories matching `filter`. */
  async function sendFeed(
    req: FastifyRequest,
    reply: FastifyReply,
    filter: Parameters<typeof listVisible>[1],
    feed: { title: string; description: string; path: string; feedPath: string },
    key: string,
  ) {
    const { items } = await listVisible(db, filter, { limit: 50, offset: 0, count: false });
    const images = await imagesByIds(db, teaserImageIds(items));
    return sendPage(req, reply, {
      body: rssFeed(config.site, feed, items, images, imageBytes),
      contentType: "application/rss+xml; charset=utf-8",
      keys: [key, ...storyKeys(items)],
    });
  }

  app.get("/feed.xml", (req, reply) =>
    sendFeed(
      req,
      reply,
      { kind: "all" },
      { title: config.site.name, description: config.site.tagline, path: "/", feedPath: "/feed.xml" },
      "all",
    ),
  );

  app.get<{ Params: { section: string } }>("/:section/feed.xml", async (req, reply) => {
    const section = await sectionBySlug(db, slugOf(req.params.section));
    if (!section) throw new HttpError("GZ_ERR_NOT_FOUND");
    return sendFeed(
      req,
      reply,
      { kind: "section", sectionId: section.id },
      {
        title: `${section.name} | ${config.site.name}`,
        description: section.description || section.name,
        path: `/${section.slug}`,
        feedPath: `/${section.slug}/feed.xml`,
      },
      `section:${section.slug}`,
    );
  });

  app.get("/sitemap.xml", async (req, reply) => {
    const { items } = await listVisible(db, { kind: "all" }, { limit: 50000 - 200, offset: 0, count: false });
    const sections = await listSections(db);
    const entries = [
      { path: "/", ...(items[0] ? { lastmod: items[0].updatedAt } : {}) },
      ...sections.map((s) => ({ path: `/${s.slug}` })),
      ...items.map((t) => ({ path: t.path, lastmod: t.updatedAt })),
    ];
    return sendPage(req, reply, {
      body: sitemap(config.site, entries),
      contentType: "application/xml; charset=utf-8",
      keys: ["all", "sections"],
    });
  });

  app.get("/sitemap-news.xml", async (req, reply) => {
    const since = new Date(Date.now() - 48 * 3600 * 1000).toISOString();
    const { items } = await listVisible(
      db,
      { kind: "since", since },
      { limit: 1000, offset: 0, count: false },
    );
    return sendPage(req, reply, {
      body: newsSitemap(config.site, items),
      contentType: "application/xml; charset=utf-8",
      keys: ["all"],
    });
  });

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
      .string()
      .optional()
      .transform((s) => s || undefined)
      .pipe(z.iso.date("must be a date as YYYY-MM-DD").optional()),
    to: z
      .string()
      .optional()
      .transform((s) => s || undefined)
      .pipe(z.iso.date("must be a date as YYYY-MM-DD").optional()),
    page: z.coerce.number().int().min(1).max(1000).default(1),
  });

  function parseSearch(req: FastifyRequest) {
    const r = searchQuery.safeParse(req.query);
    if (!r.success) {
      const fields = r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
      throw new HttpError(
        "GZ_ERR_BAD_PARAMETER",
        fields.map((f) => `${f.path}: ${f.message}`).join("; "),
        fields,
      );
    }
    return r.data;
  }

  /** The search a request asks for; undefined when it asks for nothing (an empty `q`). */
  function runSearch(p: ReturnType<typeof parseSearch>) {
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

  app.get("/search", async (req, reply) => {
    const p = parseSearch(req);
    const sections = await listSections(db);
    const result = await runSearch(p);
    return sendPage(req, reply, {
      body: renderSearch(await shell(sections), p, result, sections, new Map(), size),
      keys: ["all", "sections"],
    });
  });

  app.get("/api/search", async (req, reply) => {
    const p = parseSearch(req);
    const result = (await runSearch(p)) ?? { total: 0, totalIsLowerBound: false, hits: [] };
    const json = JSON.stringify({
      query: p.q,
      total: result.total,
      /** True when more stories match than were counted (total is then a lower bound). */
      totalIsLowerBound: result.totalIsLowerBound,
      page: p.page,
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
      })),
    });
    return sendPage(req, reply, {
      body: json,
      contentType: "application/json; charset=utf-8",
      keys: ["all"],
    });
  });

  app.get("/robots.txt", async (_req, reply) =>
    reply
      .type("text/plain; charset=utf-8")
      .send(
        `User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /api/\n\nSitemap: ${config.site.baseUrl}/sitemap.xml\nSitemap: ${config.site.baseUrl}/sitemap-news.xml\n`,
      ),
  );

  app.setNotFoundHandler(async (req, reply) => {
    const { items } = await listVisible(db, { kind: "all" }, { limit: 3, offset: 0, count: false }).catch(
      () => ({
        items: [] as StoryTeaser[],
      }),
    );
    const images = await imagesByIds(db, teaserImageIds(items)).catch(() => new Map<number, Image>());
    return reply
      .code(404)
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .send(renderNotFound(await shell(), req.url.split("?")[0] ?? "/", items, images));
  });
}
