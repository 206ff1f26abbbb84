/**
 * Live coverage in the database: a story's coverage (`live_stories`) and its
 * posts (`live_posts`). Every change to a post — added, published, edited,
 * pinned, deleted — takes the story's next change number in the same
 * transaction, so that "what changed after cursor N" is one indexed read;
 * each records the story's cache keys and the live stream's key on the
 * change feed (every process drops the page and the changes JSON).
 */
import type { Selectable } from "kysely";
import type { Block } from "../content/model.ts";
import {
  type LiveCoverage,
  type LivePost,
  type LivePostChange,
  type LivePostData,
  type LivePostPatch,
  type LivePostStatus,
  type LiveSettings,
  MAX_PINNED,
} from "../content/live.ts";
import { cacheKey } from "./cache-keys.ts";
import { keysForStory, recordChange } from "./change-feed.ts";
import type { Db } from "./database.ts";
import type { LivePostChangeTable, LivePostTable, LiveStoryTable } from "./schema.ts";
import { type Actor, StoreError } from "./story-store.ts";

function coverageOf(r: Selectable<LiveStoryTable>): LiveCoverage {
  return {
    storyId: r.story_id,
    state: r.state === "closed" ? "closed" : "open",
    coverageStart: r.coverage_start,
    coverageEnd: r.coverage_end,
    requireApproval: r.require_approval === 1,
    wireAppend: r.wire_append === 1,
    seq: r.seq,
    lastPostAt: r.last_post_at,
  };
}

/** A post's blocks from their JSON (written by Gazette from validated input). */
function blocksOf(json: string | null): Block[] {
  try {
    return json ? (JSON.parse(json) as Block[]) : [];
  } catch {
    return [];
  }
}

function postOf(r: Selectable<LivePostTable>): LivePost {
  let authorSlugs: string[] = [];
  try {
    authorSlugs = JSON.parse(r.author_slugs) as string[];
  } catch {
    /* written by Gazette from validated input */
  }
  const body = blocksOf(r.body);
  return {
    id: r.id,
    storyId: r.story_id,
    seq: r.seq,
    status: r.status as LivePostStatus,
    title: r.title,
    body,
    authorSlugs,
    pinned: r.pinned === 1,
    keyEvent: r.key_event === 1,
    publishedAt: r.published_at,
    editedAt: r.edited_at,
    createdAt: r.created_at,
    createdBy: r.created_by,
    sourceUri: r.source_uri,
  };
}

function changeOf(r: Selectable<LivePostChangeTable>): LivePostChange {
  return {
    id: r.id,
    postId: r.post_id,
    kind: r.kind === "deleted" ? "deleted" : "edited",
    at: r.at,
    postPublishedAt: r.post_published_at,
    before: { title: r.title_before, body: blocksOf(r.body_before) },
    after: r.kind === "deleted" ? undefined : { title: r.title_after, body: blocksOf(r.body_after) },
    note: r.note,
    userName: r.user_name,
  };
}

/** Records, for the story's public history, an edit or deletion of a published post. */
async function recordPostChange(
  db: Db,
  before: LivePost,
  after: LivePost | undefined,
  opts: { at: string; note: string | undefined; actor: Actor },
): Promise<void> {
  await db
    .insertInto("live_post_changes")
    .values({
      story_id: before.storyId,
      post_id: before.id,
      kind: after ? "edited" : "deleted",
      at: opts.at,
      post_published_at: before.publishedAt ?? before.createdAt,
      title_before: before.title,
      body_before: JSON.stringify(before.body),
      title_after: after ? after.title : null,
      body_after: after ? JSON.stringify(after.body) : null,
      note: opts.note || null,
      user_id: opts.actor.userId,
      user_name: opts.actor.name,
    })
    .execute();
}

/** The edits and deletions of a story's published posts, oldest first (its public history). */
export async function livePostChanges(db: Db, storyId: number): Promise<LivePostChange[]> {
  const rows = await db
    .selectFrom("live_post_changes")
    .selectAll()
    .where("story_id", "=", storyId)
    .orderBy("at", "asc")
    .orderBy("id", "asc")
    .execute();
  return rows.map(changeOf);
}

/** How many edits and deletions of published posts a story's history tells. */
export async function countLivePostChanges(db: Db, storyId: number): Promise<number> {
  const r = await db
    .selectFrom("live_post_changes")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("story_id", "=", storyId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function liveCoverage(db: Db, storyId: number): Promise<LiveCoverage | undefined> {
  const r = await db
    .selectFrom("live_stories")
    .selectAll()
    .where("story_id", "=", storyId)
    .executeTakeFirst();
  return r ? coverageOf(r) : undefined;
}

/** Coverage of several stories at once (teasers' LIVE label and latest post time). */
export async function liveCoverages(db: Db, storyIds: readonly number[]): Promise<Map<number, LiveCoverage>> {
  if (!storyIds.length) return new Map();
  const rows = await db
    .selectFrom("live_stories")
    .selectAll()
    .where("story_id", "in", [...storyIds])
    .execute();
  return new Map(rows.map((r) => [r.story_id, coverageOf(r)]));
}

/** A change made by Gazette itself (the demo, the wire). */
const NOBODY: Actor = { userId: null, name: "Gazette" };

async function changed(db: Db, storyId: number): Promise<void> {
  await recordChange(db, [...(await keysForStory(db, storyId)), cacheKey.live(storyId)]);
}

/** Takes the story's next change number (inside the caller's transaction). */
async function nextSeq(db: Db, storyId: number, lastPostAt?: string): Promise<number> {
  const r = await db
    .selectFrom("live_stories")
    .select("seq")
    .where("story_id", "=", storyId)
    .executeTakeFirst();
  if (!r) throw new StoreError("storyId", `story ${storyId} is not covered live`);
  const seq = r.seq + 1;
  await db
    .updateTable("live_stories")
    .set({ seq, ...(lastPostAt ? { last_post_at: lastPostAt } : {}) })
    .where("story_id", "=", storyId)
    .execute();
  return seq;
}

/** Makes a story a live story (open), or changes its coverage; closing sets its end time. */
export async function saveLiveCoverage(
  db: Db,
  storyId: number,
  settings: LiveSettings,
  now = new Date(),
): Promise<LiveCoverage> {
  return db.transaction().execute(async (trx) => {
    const existing = await liveCoverage(trx, storyId);
    const state = settings.state ?? existing?.state ?? "open";
    const end =
      settings.coverageEnd !== undefined
        ? settings.coverageEnd
        : state === "closed"
          ? (existing?.coverageEnd ?? now.toISOString())
          : null;
    const values = {
      state,
      coverage_start: settings.coverageStart ?? existing?.coverageStart ?? now.toISOString(),
      coverage_end: end,
      require_approval: (settings.requireApproval ?? existing?.requireApproval ?? false) ? 1 : 0,
      wire_append: (settings.wireAppend ?? existing?.wireAppend ?? false) ? 1 : 0,
    };
    if (values.coverage_end && values.coverage_end < values.coverage_start)
      throw new StoreError("coverageEnd", "the coverage cannot end before it starts");
    if (existing) {
      await trx.updateTable("live_stories").set(values).where("story_id", "=", storyId).execute();
      // Readers learn of a closing (or reopening) through the changes, as of a post.
      await nextSeq(trx, storyId);
    } else {
      const story = await trx.selectFrom("stories").select("id").where("id", "=", storyId).executeTakeFirst();
      if (!story) throw new StoreError("storyId", `there is no story ${storyId}`);
      await trx
        .insertInto("live_stories")
        .values({ story_id: storyId, ...values })
        .execute();
    }
    await changed(trx, storyId);
    return (await liveCoverage(trx, storyId))!;
  });
}

async function pinnedCount(db: Db, storyId: number, except?: number): Promise<number> {
  let q = db
    .selectFrom("live_posts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("story_id", "=", storyId)
    .where("pinned", "=", 1)
    .where("status", "in", ["published", "pending", "draft"]);
  if (except !== undefined) q = q.where("id", "!=", except);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** A story's posts (deleted ones too) that came from the wire items whose source starts so. */
export async function livePostsFromSource(db: Db, storyId: number, prefix: string): Promise<LivePost[]> {
  const rows = await db
    .selectFrom("live_posts")
    .selectAll()
    .where("story_id", "=", storyId)
    .where("source_uri", "is not", null)
    .orderBy("id", "asc")
    .execute();
  return rows.map(postOf).filter((p) => p.sourceUri?.startsWith(prefix));
}

export async function livePostById(db: Db, id: number): Promise<LivePost | undefined> {
  const r = await db.selectFrom("live_posts").selectAll().where("id", "=", id).executeTakeFirst();
  return r ? postOf(r) : undefined;
}

/**
 * Adds a post. `status`: "published" (readers see it now), "pending" (an
 * editor approves it), "draft" (the desk only).
 */
export async function addLivePost(
  db: Db,
  storyId: number,
  data: LivePostData,
  opts: { status: "draft" | "pending" | "published"; userId: number | null; sourceUri?: string; now?: Date },
): Promise<LivePost> {
  const now = (opts.now ?? new Date()).toISOString();
  return db.transaction().execute(async (trx) => {
    const live = await liveCoverage(trx, storyId);
    if (!live) throw new StoreError("storyId", `story ${storyId} is not covered live`);
    if (data.pinned && (await pinnedCount(trx, storyId)) >= MAX_PINNED)
      throw new StoreError("pinned", `at most ${MAX_PINNED} posts stay pinned: unpin one first`);
    const published = opts.status === "published";
    const seq = await nextSeq(trx, storyId, published ? now : undefined);
    const row = await trx
      .insertInto("live_posts")
      .values({
        story_id: storyId,
        seq,
        status: opts.status,
        title: data.title ?? null,
        body: JSON.stringify(data.body),
        author_slugs: JSON.stringify(data.authorSlugs),
        pinned: data.pinned ? 1 : 0,
        key_event: data.keyEvent ? 1 : 0,
        published_at: published ? now : null,
        created_at: now,
        created_by: opts.userId,
        source_uri: opts.sourceUri ?? null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (published) await changed(trx, storyId);
    return (await livePostById(trx, row.id))!;
  });
}

/**
 * Changes a post: its text, authors, flags; publishes a draft or approves a
 * pending post (`status: "published"`). A published post whose text changes
 * is marked edited (readers see "updated") and the change is recorded for
 * the story's public history, with `patch.note` as its note to readers.
 */
export async function editLivePost(
  db: Db,
  id: number,
  patch: Omit<LivePostPatch, "status"> & { status?: "draft" | "pending" | "published" | undefined },
  opts: { actor?: Actor; now?: Date } = {},
): Promise<{ before: LivePost; after: LivePost }> {
  const at = (opts.now ?? new Date()).toISOString();
  return db.transaction().execute(async (trx) => {
    const before = await livePostById(trx, id);
    if (!before || before.status === "deleted") throw new StoreError("id", `there is no live post ${id}`);
    if (patch.pinned && !before.pinned && (await pinnedCount(trx, before.storyId, id)) >= MAX_PINNED)
      throw new StoreError("pinned", `at most ${MAX_PINNED} posts stay pinned: unpin one first`);
    if (before.status === "published" && patch.status && patch.status !== "published")
      throw new StoreError("status", "a published post cannot go back to the desk; delete it instead");
    const publishing = patch.status === "published" && before.status !== "published";
    const textChanged =
      (patch.body !== undefined && JSON.stringify(patch.body) !== JSON.stringify(before.body)) ||
      (patch.title !== undefined && (patch.title || null) !== before.title);
    const seq = await nextSeq(trx, before.storyId, publishing ? at : undefined);
    await trx
      .updateTable("live_posts")
      .set({
        seq,
        ...(patch.status ? { status: patch.status } : {}),
        ...(patch.title !== undefined ? { title: patch.title || null } : {}),
        ...(patch.body ? { body: JSON.stringify(patch.body) } : {}),
        ...(patch.authorSlugs ? { author_slugs: JSON.stringify(patch.authorSlugs) } : {}),
        ...(patch.pinned !== undefined ? { pinned: patch.pinned ? 1 : 0 } : {}),
        ...(patch.keyEvent !== undefined ? { key_event: patch.keyEvent ? 1 : 0 } : {}),
        ...(publishing ? { published_at: at } : {}),
        ...(before.status === "published" && textChanged ? { edited_at: at } : {}),
      })
      .where("id", "=", id)
      .execute();
    const after = (await livePostById(trx, id))!;
    if (before.status === "published" && textChanged)
      await recordPostChange(trx, before, after, { at, note: patch.note, actor: opts.actor ?? NOBODY });
    if (before.status === "published" || after.status === "published") await changed(trx, before.storyId);
    return { before, after };
  });
}

/**
 * Deletes a post: readers no longer see it; the row stays (who deleted it,
 * when), and a published post's deletion is recorded for the story's public
 * history with `note` as its note to readers.
 */
export async function deleteLivePost(
  db: Db,
  id: number,
  opts: { actor?: Actor; note?: string | undefined; now?: Date } = {},
): Promise<LivePost> {
  const now = opts.now ?? new Date();
  const actor = opts.actor ?? NOBODY;
  const userId = actor.userId;
  return db.transaction().execute(async (trx) => {
    const before = await livePostById(trx, id);
    if (!before || before.status === "deleted") throw new StoreError("id", `there is no live post ${id}`);
    const seq = await nextSeq(trx, before.storyId);
    await trx
      .updateTable("live_posts")
      .set({ seq, status: "deleted", pinned: 0, deleted_at: now.toISOString(), deleted_by: userId })
      .where("id", "=", id)
      .execute();
    if (before.status === "published") {
      // The newest published post's time, for teasers, without the deleted one.
      const newest = await trx
        .selectFrom("live_posts")
        .select("published_at")
        .where("story_id", "=", before.storyId)
        .where("status", "=", "published")
        .orderBy("published_at", "desc")
        .executeTakeFirst();
      await trx
        .updateTable("live_stories")
        .set({ last_post_at: newest?.published_at ?? null })
        .where("story_id", "=", before.storyId)
        .execute();
      await recordPostChange(trx, before, undefined, { at: now.toISOString(), note: opts.note, actor });
      await changed(trx, before.storyId);
    }
    return before;
  });
}

/**
 * Published posts, newest first, a page at a time: `before` is the last
 * post of the previous page (its time and id). Pinned posts are in the
 * stream too, at their time (the page also shows them on top).
 */
export async function publishedLivePosts(
  db: Db,
  storyId: number,
  opts: {
    limit: number;
    /** Posts older than this one (exclusive), or from it on (inclusive: `from`). */
    before?: { publishedAt: string; id: number } | undefined;
    from?: { publishedAt: string; id: number } | undefined;
    keyEventsOnly?: boolean;
  },
): Promise<LivePost[]> {
  let q = db
    .selectFrom("live_posts")
    .selectAll()
    .where("story_id", "=", storyId)
    .where("status", "=", "published");
  if (opts.keyEventsOnly) q = q.where("key_event", "=", 1);
  const edge = opts.before ?? opts.from;
  if (edge)
    q = q.where((eb) =>
      eb.or([
        eb("published_at", "<", edge.publishedAt),
        eb.and([eb("published_at", "=", edge.publishedAt), eb("id", opts.before ? "<" : "<=", edge.id)]),
      ]),
    );
  const rows = await q.orderBy("published_at", "desc").orderBy("id", "desc").limit(opts.limit).execute();
  return rows.map(postOf);
}

export async function pinnedLivePosts(db: Db, storyId: number): Promise<LivePost[]> {
  const rows = await db
    .selectFrom("live_posts")
    .selectAll()
    .where("story_id", "=", storyId)
    .where("status", "=", "published")
    .where("pinned", "=", 1)
    .orderBy("published_at", "desc")
    .limit(MAX_PINNED)
    .execute();
  return rows.map(postOf);
}

/** Posts the desk sees: drafts, waiting and published (not deleted), newest first. */
export async function deskLivePosts(db: Db, storyId: number, limit: number): Promise<LivePost[]> {
  const rows = await db
    .selectFrom("live_posts")
    .selectAll()
    .where("story_id", "=", storyId)
    .where("status", "!=", "deleted")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map(postOf);
}

/**
 * What readers' copies need after cursor `since`: published posts changed
 * since (new, edited, pinned) and posts deleted since that readers could
 * have seen, in change order, at most `limit`.
 */
export async function liveChangesSince(
  db: Db,
  storyId: number,
  since: number,
  limit: number,
): Promise<LivePost[]> {
  const rows = await db
    .selectFrom("live_posts")
    .selectAll()
    .where("story_id", "=", storyId)
    .where("seq", ">", since)
    .where((eb) =>
      eb.or([
        eb("status", "=", "published"),
        eb.and([eb("status", "=", "deleted"), eb("published_at", "is not", null)]),
      ]),
    )
    .orderBy("seq")
    .limit(limit)
    .execute();
  return rows.map(postOf);
}
