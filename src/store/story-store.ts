/**
 * Stories: saving (create or update, with topics, authors and the public
 * path) and the reads the reader site needs. A story is visible to readers
 * when it is published, has a first-published time, and its embargo (if
 * any) has passed.
 */
import crypto from "node:crypto";
import { type Selectable, sql } from "kysely";
import { z } from "zod";
import {
  type Block,
  type Source,
  type StoryContent,
  type StoryData,
  type StoryInput,
  type StoryStatus,
  blockSchema,
  storyContentSchema,
  storyStatus,
  sourceSchema,
  storyInputSchema,
  type Seo,
  seoSchema,
  type Access,
  type Sponsor,
} from "../content/model.ts";
import { effectiveAccess } from "../content/access.ts";
import { bodyWordCount } from "../content/text.ts";
import { slugify } from "../content/slug.ts";
import { storyMedia } from "../content/story-media.ts";
import { FieldError, GazetteError } from "../content/errors.ts";
import type { Db } from "./database.ts";
import type { Database } from "./schema.ts";
import { keysForStory, recordChange } from "./change-feed.ts";
import { indexStory, removeFromIndex } from "./search-store.ts";
import { visibleNow } from "./story-teasers.ts";

export type { StoryTeaser } from "./story-teasers.ts";
import {
  type Author,
  type Section,
  type Topic,
  accessOf,
  ensureTopic,
  sponsorOf,
  toSection,
} from "./taxonomy-store.ts";

export interface Story {
  id: number;
  uri: string | null;
  slug: string;
  path: string;
  headline: string;
  summary: string[];
  body: Block[];
  heroImageId: number | null;
  section: Section;
  topics: Topic[];
  authors: Author[];
  byline: string | null;
  dateline: string | null;
  sources: Source[];
  relatedVideoIds: number[];
  seo: Seo;
  /** Its own access setting; undefined: the section's default. */
  access: Access | undefined;
  /** Paid content: who paid for it. */
  sponsor: Sponsor | undefined;
  /** Who may read it in full: its own setting, else its section's default, else free. */
  effectiveAccess: Access;
  status: StoryStatus;
  firstPublishedAt: string | null;
  updatedAt: string;
  embargoUntil: string | null;
  scheduledAt: string | null;
  sourceVersion: string | null;
  wordCount: number;
  /** The number of the latest revision: a newsroom save must be based on it. */
  revision: number;
  createdBy: number | null;
  /** Approved comments (kept by comment-store). */
  commentCount: number;
  /** open | closed | off */
  commentsMode: string;
  /** In the trash since then; null when not. */
  trashedAt: string | null;
}

/**
 * Whether every revision after `base` up to `latest` only recorded a change
 * to a picture or video the story shows (recordMediaChange: the content and
 * status copied, a public note): a save based on `base` then overwrites
 * nobody's words and undoes nobody's workflow step.
 */
async function onlyMediaChangesSince(
  db: Db,
  storyId: number,
  base: number,
  latest: number,
): Promise<boolean> {
  if (base >= latest || base < 1) return false;
  const r = await db
    .selectFrom("story_revisions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("story_id", "=", storyId)
    .where("number", ">", base)
    .where("number", "<=", latest)
    .where("public_note", "is", null)
    .executeTakeFirstOrThrow();
  return Number(r.n) === 0;
}

/** A story input that the store cannot take (an unknown section, a taken slug): names the field. */
export class StoreError extends FieldError {
  override name = "StoreError";
}

/** Who made a save, as the revision history records it. */
export interface Actor {
  userId: number | null;
  name: string;
}

/** A save based on an older revision than the story's latest (optimistic concurrency). */
export class StoryConflictError extends GazetteError {
  override name = "StoryConflictError";
  constructor(
    readonly storyId: number,
    readonly latest: { revision: number; userName: string; at: string },
  ) {
    super(
      "GZ_ERR_CONFLICT",
      `${latest.userName} changed this story at ${latest.at} (revision ${latest.revision}). Your version was not saved; compare the two and save again.`,
      { details: { latest } },
    );
  }
}

const DRAFT_PREFIX = "/_draft/";

function datePath(iso: string): string {
  return iso.slice(0, 10).replace(/-/g, "/");
}

/** The public URL path of a published story: `/<section>/<yyyy>/<mm>/<dd>/<slug>`. */
export function storyPath(sectionSlug: string, firstPublishedAt: string, slug: string): string {
  return `/${sectionSlug}/${datePath(firstPublishedAt)}/${slug}`;
}

/** The path wanted, or with -2, -3 … when another story (or a redirect) has it. */
async function uniquePath(db: Db, wanted: string, storyId: number | null): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? wanted : `${wanted}-${n}`;
    const taken = await db
      .selectFrom("stories")
      .select("id")
      .where("path", "=", candidate)
      .executeTakeFirst();
    const redirect = await db
      .selectFrom("redirects")
      .select("story_id")
      .where("path", "=", candidate)
      .executeTakeFirst();
    if ((!taken || taken.id === storyId) && (!redirect || redirect.story_id === storyId)) return candidate;
  }
}

export type SaveOutcome = { id: number; path: string; created: boolean; revision: number };

export interface SaveOptions {
  /** The story to update; otherwise the input's `uri` names it, or a new story is made. */
  id?: number;
  now?: Date;
  /** Recorded on the revision; importers and the demo pass a name without a user. */
  actor?: Actor;
  /** The revision the change was made on: if the story has moved on, StoryConflictError. */
  baseRevision?: number;
  /** A short description of the save for the revision list ("Published", "Restored revision 3"). */
  note?: string;
}

/**
 * Creates or updates a story. `id` (or, failing that, the input's `uri`)
 * names the story to update. Must run inside a transaction when the caller
 * needs all-or-nothing with other writes (the importer does).
 */
export async function saveStory(db: Db, input: StoryInput, opts: SaveOptions = {}): Promise<SaveOutcome> {
  const data: StoryData = storyInputSchema.parse(input);
  if (!data.headline && (data.status === "published" || data.status === "scheduled"))
    throw new StoreError("headline", "a story readers can see needs a headline");
  const now = (opts.now ?? new Date()).toISOString();
  const section = await db
    .selectFrom("sections")
    .selectAll()
    .where("slug", "=", data.sectionSlug)
    .executeTakeFirst();
  if (!section) throw new StoreError("sectionSlug", `no section "${data.sectionSlug}"; create it first`);

  let existing =
    opts.id !== undefined
      ? await db.selectFrom("stories").selectAll().where("id", "=", opts.id).executeTakeFirst()
      : data.uri
        ? await db.selectFrom("stories").selectAll().where("uri", "=", data.uri).executeTakeFirst()
        : undefined;
  if (opts.id !== undefined && !existing) throw new StoreError("id", `no story ${opts.id}`);
  if (
    existing &&
    opts.baseRevision !== undefined &&
    existing.revision !== opts.baseRevision &&
    !(await onlyMediaChangesSince(db, existing.id, opts.baseRevision, existing.revision))
  ) {
    throw await conflictOf(db, existing.id, existing.revision);
  }
  const actor = opts.actor ?? { userId: null, name: "Gazette" };
  // Pages that showed the story as it was (old section, topics, authors) must go too.
  const keysBefore = existing ? await keysForStory(db, existing.id) : [];

  // Until first published, the address follows the headline; after that it
  // is fixed unless a new slug is given (the old address then redirects).
  const slug = data.slug ?? (existing?.first_published_at ? existing.slug : slugify(data.headline));
  const firstPublishedAt =
    existing?.first_published_at ??
    (data.status === "published" ? (data.firstPublishedAt ?? now) : (data.firstPublishedAt ?? null));
  const values = {
    uri: data.uri ?? existing?.uri ?? null,
    slug,
    section_id: section.id,
    headline: data.headline,
    summary: JSON.stringify(data.summary),
    body: JSON.stringify(data.body),
    hero_image_id: data.heroImageId ?? null,
    byline: data.byline ?? null,
    dateline: data.dateline ?? null,
    sources: JSON.stringify(data.sources),
    related_video_ids: JSON.stringify(data.relatedVideoIds),
    seo: JSON.stringify(data.seo),
    access: data.access ? JSON.stringify(data.access) : null,
    sponsor: data.sponsor ? JSON.stringify(data.sponsor) : null,
    status: data.status,
    first_published_at: firstPublishedAt,
    updated_at: data.updatedAt ?? now,
    embargo_until: data.embargoUntil ?? null,
    scheduled_at: data.status === "scheduled" ? (data.scheduledAt ?? null) : null,
    source_version: data.sourceVersion ?? null,
    word_count: bodyWordCount(data.body),
    updated_by: actor.userId,
  };
  if (data.status === "scheduled" && !values.scheduled_at) {
    throw new StoreError("scheduledAt", "a scheduled story needs the time it is due");
  }

  let id: number;
  let created = false;
  const revision = (existing?.revision ?? 0) + 1;
  if (existing) {
    id = existing.id;
    // The revision check again, in the write itself: two saves racing on one
    // base revision cannot both succeed.
    const r = await db
      .updateTable("stories")
      .set({ ...values, revision })
      .where("id", "=", id)
      .where("revision", "=", existing.revision)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) {
      const now = await db
        .selectFrom("stories")
        .select("revision")
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      throw await conflictOf(db, id, now.revision);
    }
  } else {
    created = true;
    const row = await db
      .insertInto("stories")
      .values({
        ...values,
        revision,
        path: `${DRAFT_PREFIX}${crypto.randomUUID()}`,
        created_at: now,
        created_by: actor.userId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    id = row.id;
    existing = undefined;
  }
  await db
    .insertInto("story_revisions")
    .values({
      story_id: id,
      number: revision,
      user_id: actor.userId,
      user_name: actor.name,
      created_at: now,
      status: data.status,
      published: data.status === "published" ? 1 : 0,
      note: opts.note ?? (created ? "Created" : "Saved"),
      data: JSON.stringify(storyContentSchema.parse(data)),
    })
    .execute();

  // The public path is fixed from the first publication date; a later change
  // of slug or section moves the story and leaves a redirect behind.
  const current =
    existing?.path ??
    (await db.selectFrom("stories").select("path").where("id", "=", id).executeTakeFirstOrThrow()).path;
  let path = current;
  if (firstPublishedAt) {
    const wanted = storyPath(section.slug, firstPublishedAt, slug);
    const base = current.startsWith(DRAFT_PREFIX) ? null : current.replace(/-\d+$/, "");
    if (base !== wanted) {
      path = await uniquePath(db, wanted, id);
      await db.updateTable("stories").set({ path }).where("id", "=", id).execute();
      if (!current.startsWith(DRAFT_PREFIX)) {
        await db.deleteFrom("redirects").where("path", "=", current).execute();
        await db.insertInto("redirects").values({ path: current, story_id: id }).execute();
      }
    }
  }

  await db.deleteFrom("story_topics").where("story_id", "=", id).execute();
  const topicIds = new Set<number>();
  for (const name of data.topicNames) {
    const t = await ensureTopic(db, name);
    if (topicIds.has(t.id)) continue;
    topicIds.add(t.id);
    await db
      .insertInto("story_topics")
      .values({ story_id: id, topic_id: t.id, position: topicIds.size })
      .execute();
  }
  await db.deleteFrom("story_authors").where("story_id", "=", id).execute();
  let pos = 0;
  for (const slugA of new Set(data.authorSlugs)) {
    const a = await db.selectFrom("authors").select("id").where("slug", "=", slugA).executeTakeFirst();
    if (!a) throw new StoreError("authorSlugs", `no author "${slugA}"`);
    await db.insertInto("story_authors").values({ story_id: id, author_id: a.id, position: ++pos }).execute();
  }
  const logo = data.sponsor?.logoImageId;
  if (logo && !(await db.selectFrom("images").select("id").where("id", "=", logo).executeTakeFirst()))
    throw new StoreError("sponsor.logoImageId", `no picture ${logo}: upload the sponsor's logo first`);
  await db.deleteFrom("story_media").where("story_id", "=", id).execute();
  const media = storyMedia(data);
  const mediaRows = [
    ...media.imageIds.map((m) => ({ story_id: id, kind: "image" as const, media_id: m })),
    ...media.videoIds.map((m) => ({ story_id: id, kind: "video" as const, media_id: m })),
  ];
  if (mediaRows.length) await db.insertInto("story_media").values(mediaRows).execute();
  await indexStory(db, id);
  await recordChange(db, [...keysBefore, ...(await keysForStory(db, id))]);
  return { id, path, created, revision };
}

async function conflictOf(db: Db, storyId: number, revision: number): Promise<StoryConflictError> {
  const last = await db
    .selectFrom("story_revisions")
    .select(["user_name", "created_at"])
    .where("story_id", "=", storyId)
    .where("number", "=", revision)
    .executeTakeFirst();
  return new StoryConflictError(storyId, {
    revision,
    userName: last?.user_name ?? "someone",
    at: last?.created_at ?? "",
  });
}

const jsonStrings = z.array(z.string());
const jsonNumbers = z.array(z.number());

type StoryRow = Selectable<Database["stories"]>;

async function hydrate(db: Db, row: StoryRow): Promise<Story> {
  const [section, topics, authors] = await Promise.all([
    db
      .selectFrom("sections")
      .selectAll()
      .where("id", "=", row.section_id)
      .executeTakeFirstOrThrow()
      .then(toSection),
    db
      .selectFrom("story_topics")
      .innerJoin("topics", "topics.id", "story_topics.topic_id")
      .selectAll("topics")
      .where("story_topics.story_id", "=", row.id)
      .orderBy("story_topics.position")
      .execute(),
    db
      .selectFrom("story_authors")
      .innerJoin("authors", "authors.id", "story_authors.author_id")
      .selectAll("authors")
      .where("story_authors.story_id", "=", row.id)
      .orderBy("story_authors.position")
      .execute(),
  ]);
  return {
    id: row.id,
    uri: row.uri,
    slug: row.slug,
    path: row.path,
    headline: row.headline,
    summary: jsonStrings.parse(JSON.parse(row.summary)),
    body: z.array(blockSchema).parse(JSON.parse(row.body)),
    heroImageId: row.hero_image_id,
    section,
    topics,
    authors,
    byline: row.byline,
    dateline: row.dateline,
    sources: z.array(sourceSchema).parse(JSON.parse(row.sources)),
    relatedVideoIds: jsonNumbers.parse(JSON.parse(row.related_video_ids)),
    seo: seoOf(row.seo),
    access: accessOf(row.access),
    sponsor: sponsorOf(row.sponsor),
    effectiveAccess: effectiveAccess(accessOf(row.access), section.defaultAccess),
    status: storyStatusOf(row.status),
    firstPublishedAt: row.first_published_at,
    updatedAt: row.updated_at,
    embargoUntil: row.embargo_until,
    scheduledAt: row.scheduled_at,
    sourceVersion: row.source_version,
    wordCount: row.word_count,
    revision: row.revision,
    createdBy: row.created_by,
    commentCount: row.comment_count,
    commentsMode: row.comments_mode,
    trashedAt: row.trashed_at,
  };
}

/** A stored story's SEO fields; an unreadable value (hand-edited row) reads as none, never as an error page. */
function seoOf(json: string): Seo {
  const parsed = seoSchema.safeParse(JSON.parse(json || "{}"));
  return parsed.success ? parsed.data : {};
}

function storyStatusOf(s: string): StoryStatus {
  const parsed = storyStatus.safeParse(s);
  return parsed.success ? parsed.data : "draft";
}

export async function storyById(db: Db, id: number): Promise<Story | undefined> {
  const row = await db.selectFrom("stories").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? hydrate(db, row) : undefined;
}

export async function storyByUri(db: Db, uri: string): Promise<Story | undefined> {
  const row = await db.selectFrom("stories").selectAll().where("uri", "=", uri).executeTakeFirst();
  return row ? hydrate(db, row) : undefined;
}

/** A story a reader may see at `path`, or where an old path now points. */
export async function visibleStoryByPath(
  db: Db,
  path: string,
  now = new Date().toISOString(),
): Promise<{ story: Story } | { redirect: string } | undefined> {
  const row = await db
    .selectFrom("stories")
    .selectAll()
    .where("path", "=", path)
    .where(visibleNow(now))
    .executeTakeFirst();
  if (row) return { story: await hydrate(db, row) };
  const r = await db
    .selectFrom("redirects")
    .innerJoin("stories", "stories.id", "redirects.story_id")
    .select("stories.path")
    .where("redirects.path", "=", path)
    .where(visibleNow(now))
    .executeTakeFirst();
  return r ? { redirect: r.path } : undefined;
}

/** Scheduled stories whose time has come, the earliest first. */
export async function dueScheduledStories(db: Db, now: string, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom("stories")
    .select("id")
    // A literal, so that SQLite can use the partial index (scheduled stories only).
    .where("status", "=", sql.lit("scheduled"))
    .where("scheduled_at", "<=", now)
    .orderBy("scheduled_at")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Claims a scheduled story for publication: a conditional update (still
 * scheduled, still at this revision), so that of several processes only one
 * wins. True for the winner.
 */
export async function claimScheduledStory(db: Db, id: number, revision: number): Promise<boolean> {
  const claim = await db
    .updateTable("stories")
    .set({ status: "published" })
    .where("id", "=", id)
    .where("status", "=", "scheduled")
    .where("revision", "=", revision)
    .executeTakeFirst();
  return Number(claim.numUpdatedRows) === 1;
}

/** Moves a story to the trash, or takes it out (`trashed` false). The caller checks who may. */
export async function setTrashed(db: Db, id: number, trashed: boolean, now = new Date()): Promise<void> {
  await db
    .updateTable("stories")
    .set({ trashed_at: trashed ? now.toISOString() : null })
    .where("id", "=", id)
    .execute();
}

/**
 * Deletes a story nobody has worked on: its first revision only, still a
 * draft, made by `userId` (a "New story" left untouched). False when it is
 * anything more, which is then kept.
 */
export async function discardUntouchedStory(db: Db, id: number, userId: number): Promise<boolean> {
  const r = await db
    .deleteFrom("stories")
    .where("id", "=", id)
    .where("revision", "=", 1)
    .where("status", "=", "draft")
    .where("created_by", "=", userId)
    // A story put in the trash was kept on purpose.
    .where("trashed_at", "is", null)
    .executeTakeFirst();
  if (Number(r.numDeletedRows) !== 1) return false;
  await removeFromIndex(db, id);
  return true;
}

/** The editable content of a stored story (what a revision holds). */
export function contentOf(story: Story): StoryContent {
  return storyContentSchema.parse({
    // A draft's address follows its headline until it is first published,
    // unless someone chose one (it then differs from the headline's).
    ...(story.firstPublishedAt || story.slug !== slugify(story.headline) ? { slug: story.slug } : {}),
    headline: story.headline,
    summary: story.summary,
    body: story.body,
    ...(story.heroImageId ? { heroImageId: story.heroImageId } : {}),
    sectionSlug: story.section.slug,
    topicNames: story.topics.map((t) => t.name),
    authorSlugs: story.authors.map((a) => a.slug),
    ...(story.byline ? { byline: story.byline } : {}),
    ...(story.dateline ? { dateline: story.dateline } : {}),
    sources: story.sources,
    relatedVideoIds: story.relatedVideoIds,
    seo: story.seo,
    ...(story.access ? { access: story.access } : {}),
    ...(story.sponsor ? { sponsor: story.sponsor } : {}),
    ...(story.embargoUntil ? { embargoUntil: story.embargoUntil } : {}),
  });
}
