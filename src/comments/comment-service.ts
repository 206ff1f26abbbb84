/**
 * What readers and moderators do with comments, each step one transaction:
 * the rules (open, closed or off; who may post; depth; length), the
 * moderation policy (reject, hold, publish), rate limits in the database,
 * reply notifications, and the moderation log.
 */
import { commentsModeOf, moderate } from "../content/comment-rules.ts";
import { type ErrorCode, GazetteError } from "../content/errors.ts";
import type { Db } from "../store/database.ts";
import {
  type CommentView,
  commentById,
  editCommentBody,
  insertComment,
  logModeration,
  setCommentStatus,
  toggleReaction,
} from "../store/comment-store.ts";
import { readPolicy } from "../store/moderation-policy-store.ts";
import { hit } from "../store/rate-limit-store.ts";
import type { Reader } from "../store/reader-store.ts";
import { addReport, clearReports, pendingCommentIds, restrictReader } from "../store/moderation-store.ts";
import { replyNotificationAddress } from "../store/reader-store.ts";
import { commentableStory, storyRef } from "../store/story-queries.ts";
import { isStaffEmail } from "../store/user-store.ts";
import type { Mailer } from "../mail/mailer.ts";

export type CommentErrorCode =
  "closed" | "rejected" | "rate-limited" | "invalid" | "not-found" | "forbidden" | "unverified" | "banned";

const CODES: Record<CommentErrorCode, ErrorCode> = {
  closed: "GZ_ERR_COMMENTS_CLOSED",
  rejected: "GZ_ERR_COMMENT_REFUSED",
  invalid: "GZ_ERR_COMMENT_REFUSED",
  "rate-limited": "GZ_ERR_RATE_LIMITED",
  "not-found": "GZ_ERR_COMMENT_NOT_FOUND",
  forbidden: "GZ_ERR_FORBIDDEN",
  unverified: "GZ_ERR_READER_UNVERIFIED",
  banned: "GZ_ERR_READER_BANNED",
};

/** Why the comment service said no: `reason` for the reader's page, `code` for everyone else. */
export class CommentError extends GazetteError {
  override name = "CommentError";
  constructor(
    readonly reason: CommentErrorCode,
    message: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(CODES[reason], message, {
      ...(field ? { fields: [{ path: field, message }] } : {}),
      ...(retryAfterSeconds !== undefined ? { details: { retryAfterSeconds } } : {}),
    });
  }
}

/** Per reader and per network address; checked before anything is written. */
export const COMMENT_LIMITS = {
  perReaderMinute: { max: 5, windowMs: 60_000 },
  perReaderHour: { max: 40, windowMs: 3600_000 },
  perIpMinute: { max: 20, windowMs: 60_000 },
  reactionsPerMinute: { max: 60, windowMs: 60_000 },
};

function checkReader(reader: Reader, now: Date): void {
  if (reader.bannedAt) throw new CommentError("banned", "This account may no longer comment.");
  if (reader.suspendedUntil && reader.suspendedUntil > now.toISOString())
    throw new CommentError(
      "banned",
      `This account may comment again after ${reader.suspendedUntil.slice(0, 16).replace("T", " ")} UTC.`,
    );
  if (!reader.verified)
    throw new CommentError("unverified", "Confirm your email address first: follow the link we sent you.");
}

async function limit(db: Db, key: string, l: { max: number; windowMs: number }, now: Date): Promise<void> {
  const r = await hit(db, key, l, now);
  if (!r.allowed) {
    throw new CommentError(
      "rate-limited",
      `You are commenting too fast. Try again in ${r.retryAfterSeconds} seconds.`,
      undefined,
      r.retryAfterSeconds,
    );
  }
}

export interface PostResult {
  comment: CommentView;
  /** approved: visible now; pending: waiting for a moderator. */
  outcome: "approved" | "pending";
}

export async function postComment(
  db: Db,
  deps: { mailer: Mailer; baseUrl: string },
  reader: Reader,
  input: { storyId: number; parentId?: number | undefined; body: string; ip: string },
  now = new Date(),
): Promise<PostResult> {
  checkReader(reader, now);
  const policy = await readPolicy(db);
  const body = input.body.replace(/\r\n?/g, "\n").trim();
  if (!body) throw new CommentError("invalid", "Write something first.", "body");
  if (body.length > policy.maxLength)
    throw new CommentError(
      "invalid",
      `Comments can be at most ${policy.maxLength} characters (this one has ${body.length}).`,
      "body",
    );
  const story = await commentableStory(db, input.storyId, now.toISOString());
  if (!story) throw new CommentError("not-found", "There is no such story.", "storyId");
  const mode = commentsModeOf(story, policy, now);
  if (mode !== "open")
    throw new CommentError(
      "closed",
      mode === "off" ? "This story does not take comments." : "Comments on this story are closed.",
    );
  let depth = 0;
  let parent: CommentView | undefined;
  if (input.parentId !== undefined) {
    parent = await commentById(db, input.parentId);
    if (!parent || parent.storyId !== story.id || parent.status !== "approved")
      throw new CommentError(
        "not-found",
        "The comment you are replying to is not there any more.",
        "parentId",
      );
    depth = parent.depth + 1;
    if (depth > policy.maxDepth)
      throw new CommentError(
        "invalid",
        "Replies cannot nest any deeper; reply to an earlier comment in this thread.",
        "parentId",
      );
  }
  await limit(db, `comment:reader:${reader.id}:m`, COMMENT_LIMITS.perReaderMinute, now);
  await limit(db, `comment:reader:${reader.id}:h`, COMMENT_LIMITS.perReaderHour, now);
  await limit(db, `comment:ip:${input.ip}:m`, COMMENT_LIMITS.perIpMinute, now);

  const staff = await isStaffEmail(db, reader.email);
  const decision = moderate(body, {
    policy,
    accountAgeHours: (now.getTime() - Date.parse(reader.createdAt)) / 3600_000,
    premoderated: story.premoderated,
    staff,
  });
  if (decision.outcome === "reject") {
    await logModeration(
      db,
      { commentId: null, readerId: reader.id, userId: null, action: "refused", reason: decision.message },
      now,
    );
    throw new CommentError("rejected", decision.message, "body");
  }
  const comment = await db.transaction().execute(async (tx) => {
    const c = await insertComment(
      tx,
      {
        storyId: story.id,
        readerId: reader.id,
        parentId: parent?.id ?? null,
        depth,
        body,
        status: decision.outcome === "approve" ? "approved" : "pending",
        holdReasons: decision.outcome === "pending" ? decision.reasons : [],
        staff,
      },
      now,
    );
    if (decision.outcome === "pending")
      await logModeration(
        tx,
        {
          commentId: c.id,
          readerId: reader.id,
          userId: null,
          action: "held",
          reason: decision.reasons.join("; "),
        },
        now,
      );
    return c;
  });
  if (comment.status === "approved" && parent) await notifyReply(db, deps, parent, comment, story);
  return { comment, outcome: comment.status === "approved" ? "approved" : "pending" };
}

/** Emails the parent comment's author about an approved reply (unless they opted out, or replied to themselves). */
export async function notifyReply(
  db: Db,
  deps: { mailer: Mailer; baseUrl: string },
  parent: CommentView,
  reply: CommentView,
  story: { headline: string; path: string },
): Promise<void> {
  if (parent.author.id === reply.author.id) return;
  const to = await replyNotificationAddress(db, parent.author.id);
  if (!to) return;
  await deps.mailer.send({
    to,
    subject: `${reply.author.displayName} replied to your comment`,
    text: `${reply.author.displayName} replied to your comment on “${story.headline}”:\n\n${reply.body}\n\nRead the conversation: ${deps.baseUrl}/comments/${reply.id}\n\nTo stop these emails, untick “Email me when someone replies” on ${deps.baseUrl}/account`,
  });
}

/** A reader edits their own comment within the edit window; the rules run again. */
export async function editOwnComment(
  db: Db,
  reader: Reader,
  id: number,
  body: string,
  now = new Date(),
): Promise<CommentView> {
  checkReader(reader, now);
  const policy = await readPolicy(db);
  const c = await commentById(db, id);
  if (!c || c.status === "deleted") throw new CommentError("not-found", "There is no such comment.");
  if (c.author.id !== reader.id) throw new CommentError("forbidden", "You can edit your own comments only.");
  if (now.getTime() - Date.parse(c.createdAt) > policy.editMinutes * 60_000)
    throw new CommentError(
      "forbidden",
      `Comments can be edited for ${policy.editMinutes} minutes after posting.`,
    );
  const text = body.replace(/\r\n?/g, "\n").trim();
  if (!text || text.length > policy.maxLength)
    throw new CommentError("invalid", `Write between 1 and ${policy.maxLength} characters.`, "body");
  const decision = moderate(text, { policy, accountAgeHours: 1e9, premoderated: false, staff: c.staff });
  if (decision.outcome === "reject") throw new CommentError("rejected", decision.message, "body");
  await db.transaction().execute(async (tx) => {
    await editCommentBody(tx, id, text, now);
    if (decision.outcome === "pending" && c.status === "approved") {
      await setCommentStatus(tx, id, "pending");
      await logModeration(
        tx,
        {
          commentId: id,
          readerId: reader.id,
          userId: null,
          action: "held",
          reason: `edited: ${decision.reasons.join("; ")}`,
        },
        now,
      );
    }
  });
  return (await commentById(db, id))!;
}

export async function deleteOwnComment(db: Db, reader: Reader, id: number): Promise<void> {
  const c = await commentById(db, id);
  if (!c || c.status === "deleted") throw new CommentError("not-found", "There is no such comment.");
  if (c.author.id !== reader.id)
    throw new CommentError("forbidden", "You can delete your own comments only.");
  await db.transaction().execute(async (tx) => {
    await setCommentStatus(tx, id, "deleted");
    await logModeration(tx, {
      commentId: id,
      readerId: reader.id,
      userId: null,
      action: "deleted by author",
      reason: "",
    });
  });
}

export async function reactTo(
  db: Db,
  reader: Reader,
  id: number,
  now = new Date(),
): Promise<{ on: boolean; count: number }> {
  checkReader(reader, now);
  const c = await commentById(db, id);
  if (!c || c.status !== "approved") throw new CommentError("not-found", "There is no such comment.");
  await limit(db, `react:reader:${reader.id}`, COMMENT_LIMITS.reactionsPerMinute, now);
  return db.transaction().execute((tx) => toggleReaction(tx, id, reader.id));
}

export const REPORT_REASONS = ["abusive", "spam", "off-topic", "misinformation", "other"] as const;

export async function report(
  db: Db,
  reader: Reader,
  id: number,
  reason: (typeof REPORT_REASONS)[number],
  note: string,
  now = new Date(),
): Promise<void> {
  checkReader(reader, now);
  const c = await commentById(db, id);
  if (!c || c.status !== "approved") throw new CommentError("not-found", "There is no such comment.");
  await db.transaction().execute(async (tx) => {
    const added = await addReport(
      tx,
      { commentId: id, readerId: reader.id, reason, note: note.slice(0, 500) },
      now,
    );
    if (!added) return;
    await logModeration(
      tx,
      {
        commentId: id,
        readerId: reader.id,
        userId: null,
        action: "reported",
        reason: `${reason}${note ? `: ${note.slice(0, 200)}` : ""}`,
      },
      now,
    );
  });
}

export type ModeratorAction =
  { kind: "approve" } | { kind: "reject" } | { kind: "ban" } | { kind: "suspend"; days: number };

/** A moderator's decision on a comment (and, for ban/suspend, its author), logged with who and why. */
export async function moderateComment(
  db: Db,
  deps: { mailer: Mailer; baseUrl: string },
  moderator: { id: number },
  commentId: number,
  action: ModeratorAction,
  reason: string,
  now = new Date(),
): Promise<CommentView> {
  const c = await commentById(db, commentId);
  if (!c) throw new CommentError("not-found", "There is no such comment.");
  const wasApproved = c.status === "approved";
  await db.transaction().execute(async (tx) => {
    if (action.kind === "approve") await setCommentStatus(tx, commentId, "approved");
    else await setCommentStatus(tx, commentId, "rejected");
    if (action.kind === "ban" || action.kind === "suspend") {
      await restrictReader(
        tx,
        c.author.id,
        action.kind === "ban"
          ? { bannedAt: now.toISOString() }
          : { suspendedUntil: new Date(now.getTime() + action.days * 86_400_000).toISOString() },
      );
    }
    if (action.kind === "ban") {
      // Their other waiting comments go too.
      for (const id of await pendingCommentIds(tx, c.author.id)) await setCommentStatus(tx, id, "rejected");
    }
    if (action.kind === "approve") await clearReports(tx, commentId);
    await logModeration(
      tx,
      {
        commentId,
        readerId: c.author.id,
        userId: moderator.id,
        action: action.kind === "suspend" ? `suspend ${action.days}d` : action.kind,
        reason,
      },
      now,
    );
  });
  const after = (await commentById(db, commentId))!;
  if (!wasApproved && after.status === "approved" && after.parentId !== null) {
    const parent = await commentById(db, after.parentId);
    const story = await storyRef(db, after.storyId);
    if (parent && story) await notifyReply(db, deps, parent, after, story);
  }
  return after;
}
