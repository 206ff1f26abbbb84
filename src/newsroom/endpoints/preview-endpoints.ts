/** Admin API: the editor's live preview, rendered by the reader site's own templates. */
import { z } from "zod";
import { storyContentSchema } from "../../content/model.ts";
import { storyMedia } from "../../content/story-media.ts";
import { effectiveAccess } from "../../content/access.ts";
import { articleView, renderArticle } from "../../site/article-page.ts";
import { imagesByIds, videosByIds } from "../../store/media-repo.ts";
import { storyById } from "../../store/story-store.ts";
import { authorsBySlugs, sectionBySlug } from "../../store/taxonomy-store.ts";
import { GazetteError } from "../../content/errors.ts";
import { endpoint } from "../../web/endpoint.ts";
import type { NewsroomDeps } from "../newsroom-endpoints.ts";

export function previewEndpoints(deps: NewsroomDeps) {
  const { db, config } = deps;
  return [
    endpoint({
      method: "POST",
      path: "/api/admin/preview",
      access: "story.preview",
      responds: "json",
      tag: "Stories",
      summary: "Render unsaved content as the reader page would show it (HTML in `html`)",
      body: z.object({ storyId: z.number().int().positive().optional(), content: storyContentSchema }),
      handler: async ({ body }) => {
        const c = body.content;
        const section = await sectionBySlug(db, c.sectionSlug);
        if (!section) {
          throw new GazetteError("GZ_ERR_VALIDATION", `There is no section "${c.sectionSlug}".`, {
            fields: [{ path: "content.sectionSlug", message: "is not a section" }],
          });
        }
        const stored = body.storyId ? await storyById(db, body.storyId) : undefined;
        const { imageIds, videoIds } = storyMedia(c);
        const authors = await authorsBySlugs(db, c.authorSlugs);
        const now = new Date().toISOString();
        const story = {
          id: stored?.id ?? 0,
          uri: null,
          slug: c.slug ?? "preview",
          path: stored?.path ?? "/preview",
          headline: c.headline,
          summary: c.summary,
          body: c.body,
          heroImageId: c.heroImageId ?? null,
          section,
          topics: c.topicNames.map((name, i) => ({ id: -1 - i, slug: "", name, kind: "subject" })),
          authors: c.authorSlugs.flatMap((s) => authors.filter((a) => a.slug === s)),
          byline: c.byline ?? null,
          dateline: c.dateline ?? null,
          sources: c.sources,
          relatedVideoIds: c.relatedVideoIds,
          seo: c.seo,
          access: c.access,
          sponsor: c.sponsor,
          effectiveAccess: effectiveAccess(c.access, section.defaultAccess),
          status: stored?.status ?? "draft",
          firstPublishedAt: stored?.firstPublishedAt ?? now,
          updatedAt: now,
          embargoUntil: c.embargoUntil ?? null,
          scheduledAt: stored?.scheduledAt ?? null,
          sourceVersion: null,
          wordCount: 0,
          revision: stored?.revision ?? 0,
          createdBy: null,
          commentCount: 0,
          commentsMode: "off",
          trashedAt: null,
        };
        const view = articleView(
          {
            story,
            images: await imagesByIds(db, imageIds),
            videos: await videosByIds(db, videoIds),
            related: [],
            linked: new Map(),
            relatedImages: new Map(),
            corrections: [],
            historyPath: undefined,
          },
          config.site,
          config.ads,
        );
        return { html: renderArticle(view, await deps.shell(), config.ads) };
      },
    }),
  ];
}
