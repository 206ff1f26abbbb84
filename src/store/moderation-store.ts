/**
 * What moderators read and do beyond one comment: the queues, a reader's
 * history, the moderation log, reports, bans and suspensions, and a story's
 * comment settings. Every row comes back as a camelCase record.
 */
import type { Db } from "./database.ts";
import { recordChange } from "./change-feed.ts";
import { storyKeys } from "./cache-keys.ts";

export type Queue = "pending" | "reported" | "all";

export interface QueueItem {
  id: number;
  body: string;
  status: string;
  holdReasons: string;
  reportCount: number;
  reports: { reason: string; note: string }[];
  createdAt: string;
  parentId: number | null;
  reactions: number;
  reader: { id: number; displayName: string; since: string; banned: boolean };
  story: { id: number; headline: string; path: string };
}

/** A moderation queue, a page at a time (`before` an id): pending oldest first, reported most-reported first. */
export async function moderationQueue(
  db: Db,
  q: { queue: Queue; limit: number; before?: number | undefined },
): Promise<QueueItem[]> {
  let query = db
    .selectFrom("comments")
    .innerJoin("readers", "readers.id", "comments.reader_id")
    .innerJoin("stories", "stories.id", "comments.story_id")
    .select([
      "comments.id",
      "comments.body",
      "comments.status",
      "comments.hold_reasons",
      "comments.report_count",
      "comments.created_at",
      "comments.parent_id",
      "comments.reaction_count",
      "readers.id as reader_id",
      "readers.display_name",
      "readers.created_at as reader_since",
      "readers.banned_at",
      "stories.id as story_id",
      "stories.headline",
      "stories.path",
    ]);
  if (q.queue === "pending")
    query = query.where("comments.status", "=", "pending").orderBy("comments.id", "asc");
  else if (q.queue === "reported")
    query = query
      .where("comments.report_count", ">", 0)
      .where("comments.status", "=", "approved")
      .orderBy("comments.report_count", "desc")
      .orderBy("comments.id", "desc");
  else query = query.orderBy("comments.id", "desc");
  if (q.before) query = query.where("comments.id", "<", q.before);
  const rows = await query.limit(q.limit).execute();
  const reports = rows.length
    ? await db
        .selectFrom("comment_reports")
        .select(["comment_id", "reason", "note"])
        .where(
          "comment_id",
          "in",
          rows.map((r) => r.id),
        )
        .execute()
    : [];
  return rows.map((r) => ({
    id: r.id,
    body: r.body,
    status: r.status,
    holdReasons: r.hold_reasons,
    reportCount: r.report_count,
    reports: reports.filter((x) => x.comment_id === r.id).map((x) => ({ reason: x.reason, note: x.note })),
    createdAt: r.created_at,
    parentId: r.parent_id,
    reactions: r.reaction_count,
    reader: {
      id: r.reader_id,
      displayName: r.display_name,
      since: r.reader_since,
      banned: r.banned_at !== null,
    },
    story: { id: r.story_id, headline: r.headline, path: r.path },
  }));
}

export interface LogEntry {
  id: number;
  commentId: number | null;
  readerId: number | null;
  userId: number | null;
  action: string;
  reason: string;
  createdAt: string;
  /** The moderator's name; null when the rules acted. */
  moderator: string | null;
}

function logQuery(db: Db) {
  return db
    .selectFrom("moderation_log")
    .leftJoin("users", "users.id", "moderation_log.user_id")
    .select([
      "moderation_log.id",
      "moderation_log.comment_id",
      "moderation_log.reader_id",
      "moderation_log.user_id",
      "moderation_log.action",
      "moderation_log.reason",
      "moderation_log.created_at",
      "users.name as moderator",
    ])
    .orderBy("moderation_log.id", "desc");
}

type LogRow = Awaited<ReturnType<ReturnType<typeof logQuery>["execute"]>>[number];
const toLogEntry = (r: LogRow): LogEntry => ({
  id: r.id,
  commentId: r.comment_id,
  readerId: r.reader_id,
  userId: r.user_id,
  action: r.action,
  reason: r.reason,
  createdAt: r.created_at,
  moderator: r.moderator,
});

/** Every moderation action, newest first. */
export async function moderationLog(db: Db, limit: number): Promise<LogEntry[]> {
  return (await logQuery(db).limit(limit).execute()).map(toLogEntry);
}

export interface ReaderHistory {
  reader: {
    id: number;
    displayName: string;
    createdAt: string;
    verifiedAt: string | null;
    bannedAt: string | null;
    suspendedUntil: string | null;
    deletedAt: string | null;
  };
  comments: {
    id: number;
    storyId: number;
    body: string;
    status: string;
    createdAt: string;
    reportCount: number;
  }[];
  log: LogEntry[];
}

/** A reader's account, their comments in any status, and what moderators did; undefined if there is none. */
export async function readerHistory(db: Db, readerId: number): Promise<ReaderHistory | undefined> {
  const r = await db
    .selectFrom("readers")
    .select(["id", "display_name", "created_at", "verified_at", "banned_at", "suspended_until", "deleted_at"])
    .where("id", "=", readerId)
    .executeTakeFirst();
  if (!r) return undefined;
  const [comments, log] = await Promise.all([
    db
      .selectFrom("comments")
      .select(["id", "story_id", "body", "status", "created_at", "report_count"])
      .where("reader_id", "=", readerId)
      .orderBy("id", "desc")
      .limit(200)
      .execute(),
    logQuery(db).where("moderation_log.reader_id", "=", readerId).limit(200).execute(),
  ]);
  return {
    reader: {
      id: r.id,
      displayName: r.display_name,
      createdAt: r.created_at,
      verifiedAt: r.verified_at,
      bannedAt: r.banned_at,
      suspendedUntil: r.suspended_until,
      deletedAt: r.deleted_at,
    },
    comments: comments.map((c) => ({
      id: c.id,
      storyId: c.story_id,
      body: c.body,
      status: c.status,
      createdAt: c.created_at,
      reportCount: c.report_count,
    })),
    log: log.map(toLogEntry),
  };
}

/** Records a reader's report of a comment; false when they had reported it already. */
export async function addReport(
  db: Db,
  r: { commentId: number; readerId: number; reason: string; note: string },
  now = new Date(),
): Promise<boolean> {
  const exists = await db
    .selectFrom("comment_reports")
    .select("id")
    .where("comment_id", "=", r.commentId)
    .where("reader_id", "=", r.readerId)
    .executeTakeFirst();
  if (exists) return false;
  await db
    .insertInto("comment_reports")
    .values({
      comment_id: r.commentId,
      reader_id: r.readerId,
      reason: r.reason,
      note: r.note,
      created_at: now.toISOString(),
    })
    .execute();
  await db
    .updateTable("comments")
    .set((eb) => ({ report_count: eb("report_count", "+", 1) }))
    .where("id", "=", r.commentId)
    .execute();
  return true;
}

/** A moderator approved a reported comment: its reports are settled. */
export async function clearReports(db: Db, commentId: number): Promise<void> {
  await db.updateTable("comments").set({ report_count: 0 }).where("id", "=", commentId).execute();
}

/** Bans a reader for good, or suspends them until a time. */
export async function restrictReader(
  db: Db,
  readerId: number,
  r: { bannedAt: string } | { suspendedUntil: string },
): Promise<void> {
  await db
    .updateTable("readers")
    .set("bannedAt" in r ? { banned_at: r.bannedAt } : { suspended_until: r.suspendedUntil })
    .where("id", "=", readerId)
    .execute();
}

/** The ids of a reader's comments waiting for a moderator. */
export async function pendingCommentIds(db: Db, readerId: number): Promise<number[]> {
  const rows = await db
    .selectFrom("comments")
    .select("id")
    .where("reader_id", "=", readerId)
    .where("status", "=", "pending")
    .execute();
  return rows.map((r) => r.id);
}

export interface StoryCommentSettings {
  id: number;
  mode: "open" | "closed" | "off";
  premoderate: boolean;
  commentCount: number;
}

/** Sets a story's comment mode and pre-moderation; undefined when there is no such story. */
export async function setStoryComments(
  db: Db,
  storyId: number,
  set: { mode?: "open" | "closed" | "off" | undefined; premoderate?: boolean | undefined },
): Promise<StoryCommentSettings | undefined> {
  const values: { comments_mode?: string; premoderate?: number } = {};
  if (set.mode) values.comments_mode = set.mode;
  if (set.premoderate !== undefined) values.premoderate = set.premoderate ? 1 : 0;
  if (Object.keys(values).length) {
    const r = await db.updateTable("stories").set(values).where("id", "=", storyId).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return undefined;
    await recordChange(db, storyKeys.comments(storyId));
  }
  const row = await db
    .selectFrom("stories")
    .select(["id", "comments_mode", "premoderate", "comment_count"])
    .where("id", "=", storyId)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        mode: row.comments_mode as StoryCommentSettings["mode"],
        premoderate: row.premoderate === 1,
        commentCount: row.comment_count,
      }
    : undefined;
}
