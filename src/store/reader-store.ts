/**
 * Reader accounts (commenters), separate from newsroom accounts: sign-up
 * with a verification link, sessions, one-time tokens, deletion that keeps
 * their comments under "Deleted account". Passwords arrive hashed.
 */
import crypto from "node:crypto";
import { z } from "zod";
import type { Db } from "./database.ts";
import { FieldError } from "../content/errors.ts";
import { announceReaderChange } from "./comment-store.ts";
import { cacheKey } from "./cache-keys.ts";
import { recordChange } from "./change-feed.ts";
import { emailSchema } from "./user-store.ts";

export interface Reader {
  id: number;
  email: string;
  displayName: string;
  createdAt: string;
  verified: boolean;
  bannedAt: string | null;
  suspendedUntil: string | null;
  notifyReplies: boolean;
  deleted: boolean;
}

export const displayNameSchema = z
  .string()
  .trim()
  .min(2, "must be at least 2 characters")
  .max(40, "must be at most 40 characters")
  .regex(/^[\p{L}\p{N} .'’_-]+$/u, "may use letters, digits, spaces and . ' _ - only");

export class ReaderError extends FieldError {
  override name = "ReaderError";
}

const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

type Row = {
  id: number;
  email: string;
  display_name: string;
  created_at: string;
  verified_at: string | null;
  banned_at: string | null;
  suspended_until: string | null;
  notify_replies: number;
  deleted_at: string | null;
};

function toReader(r: Row): Reader {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    createdAt: r.created_at,
    verified: r.verified_at !== null,
    bannedAt: r.banned_at,
    suspendedUntil: r.suspended_until,
    notifyReplies: r.notify_replies === 1,
    deleted: r.deleted_at !== null,
  };
}

const columns = [
  "id",
  "email",
  "display_name",
  "created_at",
  "verified_at",
  "banned_at",
  "suspended_until",
  "notify_replies",
  "deleted_at",
] as const;

export async function readerById(db: Db, id: number): Promise<Reader | undefined> {
  const r = await db.selectFrom("readers").select(columns).where("id", "=", id).executeTakeFirst();
  return r ? toReader(r) : undefined;
}

export async function readerCredentials(
  db: Db,
  email: string,
): Promise<{ reader: Reader; passwordHash: string } | undefined> {
  const r = await db
    .selectFrom("readers")
    .select([...columns, "password_hash"])
    .where("email", "=", email.trim().toLowerCase())
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return r ? { reader: toReader(r), passwordHash: r.password_hash } : undefined;
}

export async function createReader(
  db: Db,
  r: { email: string; displayName: string; passwordHash: string; notifyReplies?: boolean },
  now = new Date(),
): Promise<Reader> {
  const email = emailSchema.parse(r.email);
  const displayName = displayNameSchema.parse(r.displayName);
  const taken = await db.selectFrom("readers").select("id").where("email", "=", email).executeTakeFirst();
  if (taken) throw new ReaderError("email", "an account with this email exists; sign in instead");
  const row = await db
    .insertInto("readers")
    .values({
      email,
      display_name: displayName,
      password_hash: r.passwordHash,
      created_at: now.toISOString(),
      notify_replies: r.notifyReplies === false ? 0 : 1,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return (await readerById(db, row.id))!;
}

/** A one-time token (email verification, password reset); returns the token, stored hashed. */
export async function createReaderToken(
  db: Db,
  readerId: number,
  kind: "verify" | "reset",
  hours: number,
  now = new Date(),
): Promise<string> {
  const token = crypto.randomBytes(24).toString("base64url");
  await db
    .insertInto("reader_tokens")
    .values({
      token_hash: sha256(token),
      reader_id: readerId,
      kind,
      expires_at: new Date(now.getTime() + hours * 3600_000).toISOString(),
    })
    .execute();
  return token;
}

/** Uses a token once; returns the reader it belongs to. */
export async function useReaderToken(
  db: Db,
  token: string,
  kind: "verify" | "reset",
  now = new Date(),
): Promise<number | undefined> {
  const row = await db
    .selectFrom("reader_tokens")
    .select("reader_id")
    .where("token_hash", "=", sha256(token))
    .where("kind", "=", kind)
    .where("used_at", "is", null)
    .where("expires_at", ">", now.toISOString())
    .executeTakeFirst();
  if (!row) return undefined;
  const r = await db
    .updateTable("reader_tokens")
    .set({ used_at: now.toISOString() })
    .where("token_hash", "=", sha256(token))
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? row.reader_id : undefined;
}

export async function markVerified(db: Db, readerId: number, now = new Date()): Promise<void> {
  await db
    .updateTable("readers")
    .set({ verified_at: now.toISOString() })
    .where("id", "=", readerId)
    .where("verified_at", "is", null)
    .execute();
  // A confirmed address may open stories (an institution's email domain).
  await recordChange(db, [cacheKey.entitlements]);
}

/**
 * Deletes an account: the row stays (comments keep their threads) but the
 * email, name and password are gone; comments show "Deleted account".
 */
export async function deleteReader(db: Db, readerId: number, now = new Date()): Promise<void> {
  await db
    .updateTable("readers")
    .set({
      email: `deleted-${readerId}-${crypto.randomBytes(6).toString("hex")}@deleted.invalid`,
      display_name: "Deleted account",
      password_hash: "!",
      deleted_at: now.toISOString(),
      notify_replies: 0,
    })
    .where("id", "=", readerId)
    .execute();
  await db.deleteFrom("reader_sessions").where("reader_id", "=", readerId).execute();
  await announceReaderChange(db, readerId);
  await recordChange(db, [cacheKey.entitlements]);
}

export async function createReaderSession(db: Db, readerId: number, now = new Date()): Promise<string> {
  const token = crypto.randomBytes(32).toString("base64url");
  await db
    .insertInto("reader_sessions")
    .values({
      id: sha256(token),
      reader_id: readerId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
    })
    .execute();
  return token;
}

export async function readerBySession(db: Db, token: string, now = new Date()): Promise<Reader | undefined> {
  const r = await db
    .selectFrom("reader_sessions")
    .innerJoin("readers", "readers.id", "reader_sessions.reader_id")
    .select(columns.map((c) => `readers.${c}` as const))
    .where("reader_sessions.id", "=", sha256(token))
    .where("reader_sessions.expires_at", ">", now.toISOString())
    .where("readers.deleted_at", "is", null)
    .executeTakeFirst();
  return r ? toReader(r as Row) : undefined;
}

export async function deleteReaderSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom("reader_sessions").where("id", "=", sha256(token)).execute();
  // A signed-out session opens nothing more, in any process (the gate keeps sessions' entitlements).
  await recordChange(db, [cacheKey.entitlements]);
}

/** Where to email a reader about replies; undefined when they opted out or left. */
export async function replyNotificationAddress(db: Db, readerId: number): Promise<string | undefined> {
  const r = await db
    .selectFrom("readers")
    .select(["email", "notify_replies", "deleted_at"])
    .where("id", "=", readerId)
    .executeTakeFirst();
  return r && r.notify_replies === 1 && !r.deleted_at ? r.email : undefined;
}

/** Changes a reader's shown name and reply emails; a new name is announced to the pages showing it. */
export async function updateReaderProfile(
  db: Db,
  readerId: number,
  p: { displayName: string; notifyReplies: boolean },
): Promise<void> {
  const before = await readerById(db, readerId);
  await db
    .updateTable("readers")
    .set({ notify_replies: p.notifyReplies ? 1 : 0, display_name: p.displayName })
    .where("id", "=", readerId)
    .execute();
  if (before && before.displayName !== p.displayName) await announceReaderChange(db, readerId);
}
