/**
 * The editors' desk: internal notes on stories (never shown to readers) and
 * notices to newsroom users. Notes and notices never reach a reader page, so
 * nothing here is announced on the change feed.
 */
import type { Db } from "./database.ts";

export type NoteKind = "note" | "returned";

export interface StoryNote {
  id: number;
  storyId: number;
  userId: number | null;
  authorName: string;
  kind: NoteKind;
  body: string;
  createdAt: string;
}

export async function addStoryNote(
  db: Db,
  note: { storyId: number; userId: number | null; authorName: string; kind: NoteKind; body: string },
  now = new Date(),
): Promise<StoryNote> {
  const createdAt = now.toISOString();
  const row = await db
    .insertInto("story_notes")
    .values({
      story_id: note.storyId,
      user_id: note.userId,
      author_name: note.authorName,
      kind: note.kind,
      body: note.body,
      created_at: createdAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), ...note, createdAt };
}

/** A story's notes, oldest first. */
export async function storyNotes(db: Db, storyId: number): Promise<StoryNote[]> {
  const rows = await db
    .selectFrom("story_notes")
    .selectAll()
    .where("story_id", "=", storyId)
    .orderBy("id", "asc")
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    storyId: r.story_id,
    userId: r.user_id,
    authorName: r.author_name,
    kind: r.kind as NoteKind,
    body: r.body,
    createdAt: r.created_at,
  }));
}

export type NoticeKind = "submitted" | "returned" | "published" | "correction" | "note" | "wire";

export interface Notice {
  id: number;
  kind: NoticeKind;
  storyId: number | null;
  text: string;
  createdAt: string;
  read: boolean;
}

/** Recipients of a notice: id, and where to email them when they asked for email. */
export interface Recipient {
  id: number;
  email: string;
  name: string;
  byEmail: boolean;
}

/** Active users with one of these roles (editors and admins for a story submitted for review). */
export async function usersWithRoles(db: Db, roles: readonly string[]): Promise<Recipient[]> {
  const rows = await db
    .selectFrom("users")
    .select(["id", "email", "name", "notify_by_email"])
    .where("role", "in", [...roles])
    .where("disabled_at", "is", null)
    .execute();
  return rows.map((r) => ({ id: r.id, email: r.email, name: r.name, byEmail: r.notify_by_email === 1 }));
}

/** The active user (a story's writer), if any. */
export async function recipientById(db: Db, id: number | null): Promise<Recipient | undefined> {
  if (id === null) return undefined;
  const r = await db
    .selectFrom("users")
    .select(["id", "email", "name", "notify_by_email"])
    .where("id", "=", id)
    .where("disabled_at", "is", null)
    .executeTakeFirst();
  return r ? { id: r.id, email: r.email, name: r.name, byEmail: r.notify_by_email === 1 } : undefined;
}

export async function addNotices(
  db: Db,
  userIds: readonly number[],
  notice: { kind: NoticeKind; storyId: number | null; text: string },
  now = new Date(),
): Promise<void> {
  const unique = [...new Set(userIds)];
  if (!unique.length) return;
  await db
    .insertInto("notifications")
    .values(
      unique.map((user_id) => ({
        user_id,
        kind: notice.kind,
        story_id: notice.storyId,
        text: notice.text,
        created_at: now.toISOString(),
        read_at: null,
      })),
    )
    .execute();
}

/** A user's newest notices. */
export async function noticesFor(db: Db, userId: number, limit = 30): Promise<Notice[]> {
  const rows = await db
    .selectFrom("notifications")
    .selectAll()
    .where("user_id", "=", userId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind as NoticeKind,
    storyId: r.story_id,
    text: r.text,
    createdAt: r.created_at,
    read: r.read_at !== null,
  }));
}

export async function unreadNoticeCount(db: Db, userId: number): Promise<number> {
  const r = await db
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Marks a user's notices read: all of them, or those up to and including `upTo`. */
export async function markNoticesRead(
  db: Db,
  userId: number,
  upTo?: number,
  now = new Date(),
): Promise<void> {
  let q = db
    .updateTable("notifications")
    .set({ read_at: now.toISOString() })
    .where("user_id", "=", userId)
    .where("read_at", "is", null);
  if (upTo !== undefined) q = q.where("id", "<=", upTo);
  await q.execute();
}

export async function setNotifyByEmail(db: Db, userId: number, on: boolean): Promise<void> {
  await db
    .updateTable("users")
    .set({ notify_by_email: on ? 1 : 0 })
    .where("id", "=", userId)
    .execute();
}

export async function notifyByEmail(db: Db, userId: number): Promise<boolean> {
  const r = await db
    .selectFrom("users")
    .select("notify_by_email")
    .where("id", "=", userId)
    .executeTakeFirst();
  return r?.notify_by_email === 1;
}

/** What waits for the newsroom: stories in review, and comments waiting for a moderator. */
export async function deskCounts(db: Db): Promise<{ inReview: number; heldComments: number }> {
  const [review, held] = await Promise.all([
    db
      .selectFrom("stories")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "=", "review")
      .where("trashed_at", "is", null)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("comments")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "=", "pending")
      .executeTakeFirstOrThrow(),
  ]);
  return { inReview: Number(review.n), heldComments: Number(held.n) };
}
