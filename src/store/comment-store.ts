/**
 * Comments: threads under stories, the approved count kept on the story
 * (never counted per request), reactions, reports, and the moderation log.
 * Every change to what readers see records the story's keys on the change
 * feed, so cached article pages show the new count at once.
 */
import { sql } from "kysely";
import { cacheKey, storyKeys } from "./cache-keys.ts";
import type { Db } from "./database.ts";
import { recordChange } from "./change-feed.ts";

export type CommentStatus = "pending" | "approved" | "rejected" | "deleted";

export interface CommentView {
  id: number;
  storyId: number;
  parentId: number | null;
  depth: number;
  body: string;
  status: CommentStatus;
  createdAt: string;
  editedAt: string | null;
  reactionCount: number;
  replyCount: number;
  staff: boolean;
  author: { id: number; displayName: string };
}

type Row = {
  id: number;
  story_id: number;
  parent_id: number | null;
  depth: number;
  body: string;
  status: string;
  created_at: string;
  edited_at: string | null;
  reaction_count: number;
  reply_count: number;
  is_staff: number;
  reader_id: number;
  display_name: string;
};

function toView(r: Row): CommentView {
  return {
    id: r.id,
    storyId: r.story_id,
    parentId: r.parent_id,
    depth: r.depth,
    body: r.body,
    status: r.status as CommentStatus,
    createdAt: r.created_at,
    editedAt: r.edited_at,
    reactionCount: r.reaction_count,
    replyCount: r.reply_count,
    staff: r.is_staff === 1,
    author: { id: r.reader_id, displayName: r.display_name },
  };
}

function base(db: Db) {
  return db
    .selectFrom("comments")
    .innerJoin("readers", "readers.id", "comments.reader_id")
    .select([
      "comments.id",
      "comments.story_id",
      "comments.parent_id",
      "comments.depth",
      "comments.body",
      "comments.status",
      "comments.created_at",
      "comments.edited_at",
      "comments.reaction_count",
      "comments.reply_count",
      "comments.is_staff",
      "comments.reader_id",
      "readers.display_name",
    ]);
}

export async function commentById(db: Db, id: number): Promise<CommentView | undefined> {
  const r = await base(db).where("comments.id", "=", id).executeTakeFirst();
  return r ? toView(r) : undefined;
}

/** Adds 1 or -1 to the story's approved count and the parent's reply count, and announces the change. */
async function counted(
  db: Db,
  c: { story_id: number; parent_id: number | null },
  delta: 1 | -1,
): Promise<void> {
  await db
    .updateTable("stories")
    .set((eb) => ({ comment_count: eb("comment_count", "+", delta) }))
    .where("id", "=", c.story_id)
    .execute();
  if (c.parent_id !== null) {
    await db
      .updateTable("comments")
      .set((eb) => ({ reply_count: eb("reply_count", "+", delta) }))
      .where("id", "=", c.parent_id)
      .execute();
  }
  await recordChange(db, storyKeys.comments(c.story_id));
}

export async function insertComment(
  db: Db,
  c: {
    storyId: number;
    readerId: number;
    parentId: number | null;
    depth: number;
    body: string;
    status: "pending" | "approved";
    holdReasons: string[];
    staff: boolean;
    /** Recommendations it came with (an imported comment); new comments have none. */
    reactionCount?: number;
  },
  now = new Date(),
): Promise<CommentView> {
  const row = await db
    .insertInto("comments")
    .values({
      story_id: c.storyId,
      reader_id: c.readerId,
      parent_id: c.parentId,
      depth: c.depth,
      body: c.body,
      status: c.status,
      hold_reasons: c.holdReasons.join("; "),
      created_at: now.toISOString(),
      is_staff: c.staff ? 1 : 0,
      reaction_count: c.reactionCount ?? 0,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (c.status === "approved") await counted(db, { story_id: c.storyId, parent_id: c.parentId }, 1);
  return (await commentById(db, row.id))!;
}

/**
 * Moves a comment to a new status, keeping the counts right whichever way
 * it goes (approved ↔ anything else). Returns false when it was already there.
 */
export async function setCommentStatus(db: Db, id: number, status: CommentStatus): Promise<boolean> {
  const c = await db
    .selectFrom("comments")
    .select(["status", "story_id", "parent_id"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!c || c.status === status) return false;
  const r = await db
    .updateTable("comments")
    .set({ status })
    .where("id", "=", id)
    .where("status", "=", c.status)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  if (c.status === "approved") await counted(db, c, -1);
  else if (status === "approved") await counted(db, c, 1);
  else await recordChange(db, [cacheKey.comments(c.story_id)]);
  return true;
}

export async function editCommentBody(db: Db, id: number, body: string, now = new Date()): Promise<void> {
  const c = await db
    .selectFrom("comments")
    .select(["story_id"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  await db.updateTable("comments").set({ body, edited_at: now.toISOString() }).where("id", "=", id).execute();
  await recordChange(db, storyKeys.comments(c.story_id));
}

export type CommentSort = "newest" | "oldest" | "reactions";

/** How many replies of each comment a page shows; the rest are on the comment's thread page. */
export const REPLIES_SHOWN = 3;

/** Approved comments with their first replies, by parent id. */
export type RepliesByParent = Map<number, CommentView[]>;

/**
 * One page of top-level approved comments with, under each, its first
 * REPLIES_SHOWN approved replies (and theirs, down the depth limit), after
 * `cursor` (an opaque position from the last page). Keyset pagination: the
 * cost of page 500 is the cost of page 1; and a comment with 5,000 replies
 * costs what one with three does (its count is stored; the rest are a link).
 */
export async function commentPage(
  db: Db,
  storyId: number,
  opts: { sort: CommentSort; limit: number; cursor?: string | undefined },
): Promise<{ comments: CommentView[]; replies: RepliesByParent; next: string | undefined }> {
  let q = base(db)
    .where("comments.story_id", "=", storyId)
    .where("comments.status", "=", "approved")
    .where("comments.parent_id", "is", null);
  const cur = opts.cursor ? decodeCursor(opts.cursor) : undefined;
  if (opts.sort === "reactions") {
    if (cur)
      q = q.where((eb) =>
        eb.or([
          eb("comments.reaction_count", "<", cur.k),
          eb.and([eb("comments.reaction_count", "=", cur.k), eb("comments.id", "<", cur.id)]),
        ]),
      );
    q = q.orderBy("comments.reaction_count", "desc").orderBy("comments.id", "desc");
  } else if (opts.sort === "oldest") {
    if (cur) q = q.where("comments.id", ">", cur.id);
    q = q.orderBy("comments.id", "asc");
  } else {
    if (cur) q = q.where("comments.id", "<", cur.id);
    q = q.orderBy("comments.id", "desc");
  }
  const rows = (await q.limit(opts.limit + 1).execute()).map(toView);
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  const next =
    rows.length > opts.limit && last ? encodeCursor({ k: last.reactionCount, id: last.id }) : undefined;
  return { comments: page, replies: await firstReplies(db, page), next };
}

/**
 * A comment's thread: the comment, one page of its approved replies
 * (oldest first, `limit` at a time after the reply `after`), each with its
 * own first replies.
 */
export async function threadPage(
  db: Db,
  commentId: number,
  opts: { limit: number; after?: number | undefined },
): Promise<{ comment: CommentView; replies: RepliesByParent; next: number | undefined } | undefined> {
  const row = await base(db).where("comments.id", "=", commentId).executeTakeFirst();
  if (!row || row.status !== "approved") return undefined;
  const comment = toView(row);
  let q = base(db)
    .where("comments.parent_id", "=", commentId)
    .where("comments.status", "=", "approved")
    .orderBy("comments.id", "asc")
    .limit(opts.limit + 1);
  if (opts.after !== undefined) q = q.where("comments.id", ">", opts.after);
  const rows = (await q.execute()).map(toView);
  const direct = rows.slice(0, opts.limit);
  const replies = await firstReplies(db, direct);
  if (direct.length) replies.set(commentId, direct);
  const next = rows.length > opts.limit ? direct[direct.length - 1]?.id : undefined;
  return { comment, replies, next };
}

/** Parents per statement when picking first replies (a compound SELECT has a limit on its arms). */
const PARENTS_PER_STATEMENT = 100;

/**
 * The first REPLIES_SHOWN approved replies of each comment in `parents`
 * that has any (its stored reply count says so), then theirs, level by
 * level. Each level is two statements: one picks the ids, a LIMIT per parent
 * read from the (parent_id, status) index, however many replies a parent
 * has; one reads those comments.
 */
async function firstReplies(db: Db, parents: readonly CommentView[]): Promise<RepliesByParent> {
  const replies: RepliesByParent = new Map();
  let level = parents.filter((c) => c.replyCount > 0).map((c) => c.id);
  while (level.length) {
    const ids: number[] = [];
    for (let i = 0; i < level.length; i += PARENTS_PER_STATEMENT) {
      const arms = level
        .slice(i, i + PARENTS_PER_STATEMENT)
        .map(
          (id) =>
            sql`select id from (select id from comments where parent_id = ${id} and status = 'approved' order by id limit ${REPLIES_SHOWN}) as first_replies`,
        );
      const r = await sql<{ id: number }>`${sql.join(arms, sql` union all `)}`.execute(db);
      for (const { id } of r.rows) ids.push(Number(id));
    }
    if (!ids.length) break;
    const rows = (await base(db).where("comments.id", "in", ids).orderBy("comments.id", "asc").execute()).map(
      toView,
    );
    for (const r of rows) {
      const list = replies.get(r.parentId!) ?? [];
      list.push(r);
      replies.set(r.parentId!, list);
    }
    level = rows.filter((c) => c.replyCount > 0).map((c) => c.id);
  }
  return replies;
}

/**
 * A reader's name changed (renamed, or the account deleted): every story
 * they commented on shows it, so those pages are dropped from the caches.
 */
export async function announceReaderChange(db: Db, readerId: number): Promise<void> {
  const rows = await db
    .selectFrom("comments")
    .select("story_id")
    .distinct()
    .where("reader_id", "=", readerId)
    .execute();
  await recordChange(
    db,
    rows.map((r) => cacheKey.comments(r.story_id)),
  );
}

function encodeCursor(c: { k: number; id: number }): string {
  return Buffer.from(`${c.k}.${c.id}`).toString("base64url");
}

function decodeCursor(s: string): { k: number; id: number } | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(Buffer.from(s, "base64url").toString());
  return m ? { k: Number(m[1]), id: Number(m[2]) } : undefined;
}

/** Toggles a reader's reaction; returns whether it is now on and the new count. */
export async function toggleReaction(
  db: Db,
  commentId: number,
  readerId: number,
): Promise<{ on: boolean; count: number }> {
  const had = await db
    .selectFrom("comment_reactions")
    .select("comment_id")
    .where("comment_id", "=", commentId)
    .where("reader_id", "=", readerId)
    .executeTakeFirst();
  if (had) {
    await db
      .deleteFrom("comment_reactions")
      .where("comment_id", "=", commentId)
      .where("reader_id", "=", readerId)
      .execute();
  } else {
    await db.insertInto("comment_reactions").values({ comment_id: commentId, reader_id: readerId }).execute();
  }
  await db
    .updateTable("comments")
    .set((eb) => ({ reaction_count: eb("reaction_count", "+", had ? -1 : 1) }))
    .where("id", "=", commentId)
    .execute();
  const c = await db
    .selectFrom("comments")
    .select(["reaction_count", "story_id"])
    .where("id", "=", commentId)
    .executeTakeFirstOrThrow();
  await recordChange(db, [cacheKey.comments(c.story_id)]);
  return { on: !had, count: c.reaction_count };
}

export async function logModeration(
  db: Db,
  e: {
    commentId: number | null;
    readerId: number | null;
    userId: number | null;
    action: string;
    reason: string;
  },
  now = new Date(),
): Promise<void> {
  await db
    .insertInto("moderation_log")
    .values({
      comment_id: e.commentId,
      reader_id: e.readerId,
      user_id: e.userId,
      action: e.action,
      reason: e.reason,
      created_at: now.toISOString(),
    })
    .execute();
}
