/**
 * Lists of stories: what the reader site lists (by section, topic, author,
 * date; related stories; the stories showing a video), what the newsroom's
 * story list shows, and the small reads of one story that other features
 * need (its headline and path; what the comment rules need of it). The
 * writes and the full story live in story-store.ts.
 */
import { type SelectQueryBuilder, sql } from "kysely";
import type { StoryStatus } from "../content/model.ts";
import type { Db } from "./database.ts";
import type { Database } from "./schema.ts";
import type { Story } from "./story-store.ts";
import { type StoryTeaser, toTeaser, visibleNow } from "./story-teasers.ts";
import { storyIdsMatchingText } from "./search-store.ts";

function teaserSelect(qb: SelectQueryBuilder<Database, "stories", object>) {
  return qb
    .innerJoin("sections", "sections.id", "stories.section_id")
    .leftJoin("live_stories", "live_stories.story_id", "stories.id")
    .select([
      "live_stories.state as live_state",
      "live_stories.last_post_at as live_last_post_at",
      "stories.id",
      "stories.path",
      "stories.headline",
      "stories.summary",
      "stories.hero_image_id",
      "stories.first_published_at",
      "stories.updated_at",
      "stories.byline",
      sql<number>`case when stories.comments_mode = 'off' then 0 else stories.comment_count end`.as(
        "comment_count",
      ),
      "sections.slug as section_slug",
      "sections.name as section_name",
      "stories.access",
      "sections.default_access as section_access",
      "stories.sponsor",
    ]);
}

/** A teaser as the store reads it (see teaserSelect). */
export type StoryFilter =
  | { kind: "all" }
  | { kind: "section"; sectionId: number }
  | { kind: "topic"; topicId: number }
  | { kind: "author"; authorId: number }
  | { kind: "since"; since: string }
  /** The news sitemap's: published since, and every live story still open (kept fresh while it is). */
  | { kind: "news"; since: string };

/** Visible stories, newest first, with the total for pagination (unless `count: false`, when total is -1). */
export async function listVisible(
  db: Db,
  filter: StoryFilter,
  page: { limit: number; offset: number; count?: boolean },
  now = new Date().toISOString(),
): Promise<{ items: StoryTeaser[]; total: number }> {
  let q = db.selectFrom("stories").where(visibleNow(now));
  switch (filter.kind) {
    case "section":
      q = q.where("stories.section_id", "=", filter.sectionId);
      break;
    case "topic":
      q = q.where("stories.id", "in", (eb) =>
        eb.selectFrom("story_topics").select("story_id").where("topic_id", "=", filter.topicId),
      );
      break;
    case "author":
      q = q.where("stories.id", "in", (eb) =>
        eb.selectFrom("story_authors").select("story_id").where("author_id", "=", filter.authorId),
      );
      break;
    case "since":
      q = q.where("stories.first_published_at", ">=", filter.since);
      break;
    case "news": {
      const since = filter.since;
      q = q.where((eb) =>
        eb.or([
          eb("stories.first_published_at", ">=", since),
          eb(
            "stories.id",
            "in",
            eb.selectFrom("live_stories").select("story_id").where("state", "=", "open"),
          ),
        ]),
      );
      break;
    }
    case "all":
      break;
  }
  const [rows, count] = await Promise.all([
    teaserSelect(q)
      .orderBy("stories.first_published_at", "desc")
      .orderBy("stories.id", "desc")
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    page.count === false
      ? Promise.resolve({ n: -1 })
      : q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toTeaser), total: Number(count.n) };
}

/**
 * Related stories: visible stories sharing a topic with `story`, most
 * recent first, then (to fill up) the newest from its section.
 */
export async function relatedStories(
  db: Db,
  story: Story,
  limit: number,
  now = new Date().toISOString(),
): Promise<StoryTeaser[]> {
  const topicIds = story.topics.map((t) => t.id);
  const byTopic = topicIds.length
    ? await teaserSelect(
        db
          .selectFrom("stories")
          .where(visibleNow(now))
          .where("stories.id", "!=", story.id)
          .where("stories.id", "in", (eb) =>
            eb.selectFrom("story_topics").select("story_id").where("topic_id", "in", topicIds),
          ),
      )
        .orderBy("stories.first_published_at", "desc")
        .limit(limit)
        .execute()
    : [];
  const out = byTopic.map(toTeaser);
  if (out.length < limit) {
    const seen = [story.id, ...out.map((t) => t.id)];
    const more = await teaserSelect(
      db
        .selectFrom("stories")
        .where(visibleNow(now))
        .where("stories.section_id", "=", story.section.id)
        .where("stories.id", "not in", seen),
    )
      .orderBy("stories.first_published_at", "desc")
      .limit(limit - out.length)
      .execute();
    out.push(...more.map(toTeaser));
  }
  return out;
}

/** Teasers for explicit story ids (related-story blocks), visible ones only. */
export async function teasersByIds(
  db: Db,
  ids: readonly number[],
  now = new Date().toISOString(),
): Promise<Map<number, StoryTeaser>> {
  const out = new Map<number, StoryTeaser>();
  if (!ids.length) return out;
  const rows = await teaserSelect(
    db
      .selectFrom("stories")
      .where(visibleNow(now))
      .where("stories.id", "in", [...ids]),
  ).execute();
  for (const r of rows) out.set(r.id, toTeaser(r));
  return out;
}

/**
 * The newest visible stories in any of the given sections or topics (by
 * slug and name; neither given: every section) published since `since`:
 * what a newsletter's digest draws on.
 */
export async function latestForDigest(
  db: Db,
  filter: { sectionSlugs: readonly string[]; topicNames: readonly string[]; since: string; limit: number },
  now = new Date().toISOString(),
): Promise<StoryTeaser[]> {
  let q = db
    .selectFrom("stories")
    .where(visibleNow(now))
    .where("stories.first_published_at", ">=", filter.since);
  const { sectionSlugs, topicNames } = filter;
  if (sectionSlugs.length || topicNames.length)
    q = q.where((eb) =>
      eb.or([
        ...(sectionSlugs.length
          ? [
              eb(
                "stories.section_id",
                "in",
                eb
                  .selectFrom("sections")
                  .select("id")
                  .where("slug", "in", [...sectionSlugs]),
              ),
            ]
          : []),
        ...(topicNames.length
          ? [
              eb(
                "stories.id",
                "in",
                eb
                  .selectFrom("story_topics")
                  .innerJoin("topics", "topics.id", "story_topics.topic_id")
                  .select("story_topics.story_id")
                  .where("topics.name", "in", [...topicNames]),
              ),
            ]
          : []),
      ]),
    );
  const rows = await teaserSelect(q)
    .orderBy("stories.first_published_at", "desc")
    .orderBy("stories.id", "desc")
    .limit(filter.limit)
    .execute();
  return rows.map(toTeaser);
}

/** Stories that show a video (body block or related-video module), for the video page. */
export async function storiesWithVideo(
  db: Db,
  videoId: number,
  now = new Date().toISOString(),
): Promise<StoryTeaser[]> {
  const rows = await teaserSelect(
    db
      .selectFrom("stories")
      .where(visibleNow(now))
      .where("stories.id", "in", (eb) =>
        eb
          .selectFrom("story_media")
          .select("story_media.story_id")
          .where("story_media.kind", "=", "video")
          .where("story_media.media_id", "=", videoId),
      ),
  )
    .orderBy("stories.first_published_at", "desc")
    .limit(5)
    .execute();
  return rows.map(toTeaser);
}

export async function countStories(db: Db): Promise<number> {
  const r = await db
    .selectFrom("stories")
    .select(sql<number>`count(*)`.as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A story's headline and public path (for links and emails about it). */
export async function storyRef(
  db: Db,
  id: number,
): Promise<{ id: number; headline: string; path: string } | undefined> {
  return db.selectFrom("stories").select(["id", "headline", "path"]).where("id", "=", id).executeTakeFirst();
}

/** What the comment rules need of a story readers can see now; undefined if they cannot. */
export interface CommentableStory {
  id: number;
  headline: string;
  path: string;
  commentsMode: string;
  firstPublishedAt: string | null;
  /** The story's or its section's pre-moderation. */
  premoderated: boolean;
  commentCount: number;
}

export async function commentableStory(
  db: Db,
  storyId: number,
  now = new Date().toISOString(),
): Promise<CommentableStory | undefined> {
  const r = await db
    .selectFrom("stories")
    .innerJoin("sections", "sections.id", "stories.section_id")
    .select([
      "stories.id",
      "stories.headline",
      "stories.path",
      "stories.comments_mode",
      "stories.first_published_at",
      "stories.premoderate",
      "sections.premoderate as section_premoderate",
      "stories.comment_count",
    ])
    .where("stories.id", "=", storyId)
    .where(visibleNow(now))
    .executeTakeFirst();
  return r
    ? {
        id: r.id,
        headline: r.headline,
        path: r.path,
        commentsMode: r.comments_mode,
        firstPublishedAt: r.first_published_at,
        premoderated: r.premoderate === 1 || r.section_premoderate === 1,
        commentCount: r.comment_count,
      }
    : undefined;
}

export interface NewsroomListItem {
  id: number;
  headline: string;
  /** The authors' names, or the byline as typed. */
  byline: string;
  status: StoryStatus;
  updatedAt: string;
  firstPublishedAt: string | null;
  scheduledAt: string | null;
  path: string;
  section: { slug: string; name: string };
  createdBy: number | null;
  revision: number;
}

/** The newsroom's story list: newest change first, filtered; `hasMore` when a next page exists. */
export async function newsroomStoryList(
  db: Db,
  f: {
    status?: StoryStatus | undefined;
    sectionSlug?: string | undefined;
    authorSlug?: string | undefined;
    createdBy?: number | undefined;
    /**
     * Words to find: part of the headline, the byline or an author's name
     * (any case; % and _ act as wildcards, harmless here), or the words of
     * the text and summary (the search index, word forms included).
     */
    text?: string | undefined;
    /** "published": newest first publication first (the front page's order); else the latest change first. */
    order?: "changed" | "published" | undefined;
    /** The trash instead of the stories in it. */
    trashed?: boolean | undefined;
    limit: number;
    offset: number;
  },
): Promise<{ items: NewsroomListItem[]; hasMore: boolean }> {
  let q = db
    .selectFrom("stories")
    .innerJoin("sections", "sections.id", "stories.section_id")
    .select([
      "stories.id",
      "stories.headline",
      "stories.status",
      "stories.updated_at",
      "stories.first_published_at",
      "stories.scheduled_at",
      "stories.path",
      "stories.created_by",
      "stories.revision",
      "stories.byline",
      "sections.slug as section_slug",
      "sections.name as section_name",
    ]);
  q = f.trashed ? q.where("stories.trashed_at", "is not", null) : q.where("stories.trashed_at", "is", null);
  if (f.status) q = q.where("stories.status", "=", f.status);
  if (f.sectionSlug) q = q.where("sections.slug", "=", f.sectionSlug);
  if (f.createdBy !== undefined) q = q.where("stories.created_by", "=", f.createdBy);
  if (f.authorSlug) {
    const slug = f.authorSlug;
    q = q.where("stories.id", "in", (eb) =>
      eb
        .selectFrom("story_authors")
        .innerJoin("authors", "authors.id", "story_authors.author_id")
        .select("story_authors.story_id")
        .where("authors.slug", "=", slug),
    );
  }
  if (f.text) {
    const like = `%${f.text.toLowerCase()}%`;
    const inText = await storyIdsMatchingText(db, f.text);
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(stories.headline)`, "like", like),
        eb(sql`lower(coalesce(stories.byline, ''))`, "like", like),
        eb(
          "stories.id",
          "in",
          eb
            .selectFrom("story_authors")
            .innerJoin("authors", "authors.id", "story_authors.author_id")
            .select("story_authors.story_id")
            .where(sql`lower(authors.name)`, "like", like),
        ),
        ...(inText.length ? [eb("stories.id", "in", inText)] : []),
      ]),
    );
  }
  const rows = await (
    f.order === "published"
      ? q.orderBy("stories.first_published_at", "desc")
      : q.orderBy("stories.updated_at", "desc")
  )
    .orderBy("stories.id", "desc")
    .limit(f.limit + 1)
    .offset(f.offset)
    .execute();
  const page = rows.slice(0, f.limit);
  const names = await authorNamesByStory(
    db,
    page.map((r) => r.id),
  );
  return {
    items: page.map((r) => ({
      id: r.id,
      headline: r.headline,
      byline: names.get(r.id)?.join(", ") || r.byline || "",
      status: r.status as StoryStatus,
      updatedAt: r.updated_at,
      firstPublishedAt: r.first_published_at,
      scheduledAt: r.scheduled_at,
      path: r.path,
      section: { slug: r.section_slug, name: r.section_name },
      createdBy: r.created_by,
      revision: r.revision,
    })),
    hasMore: rows.length > f.limit,
  };
}

/** A story's public path if readers can see it now. */
export async function visiblePathById(
  db: Db,
  id: number,
  now = new Date().toISOString(),
): Promise<string | undefined> {
  const row = await db
    .selectFrom("stories")
    .select("path")
    .where("id", "=", id)
    .where(visibleNow(now))
    .executeTakeFirst();
  return row?.path;
}

/** The authors' names of each story, in byline order (for feeds). */
export async function authorNamesByStory(
  db: Db,
  storyIds: readonly number[],
): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (!storyIds.length) return out;
  const rows = await db
    .selectFrom("story_authors")
    .innerJoin("authors", "authors.id", "story_authors.author_id")
    .select(["story_authors.story_id", "authors.name"])
    .where("story_authors.story_id", "in", storyIds)
    .orderBy("story_authors.story_id")
    .orderBy("story_authors.position")
    .execute();
  for (const r of rows) out.set(r.story_id, [...(out.get(r.story_id) ?? []), r.name]);
  return out;
}
