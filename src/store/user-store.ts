/**
 * Newsroom accounts and invitations. Passwords arrive here already hashed
 * (newsroom/passwords.ts); invitation tokens are stored as their SHA-256.
 */
import crypto from "node:crypto";
import { z } from "zod";
import { FieldError } from "../content/errors.ts";
import type { Db } from "./database.ts";
import { upsertAuthor } from "./taxonomy-store.ts";

export const ROLES = ["contributor", "moderator", "editor", "admin"] as const;
export type UserRole = (typeof ROLES)[number];

export interface User {
  id: number;
  email: string;
  name: string;
  role: UserRole;
  authorId: number | null;
  authorSlug: string | null;
  createdAt: string;
  disabled: boolean;
}

// One string schema (not a pipe) so the OpenAPI document says `format: email` with its pattern.
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(320)
  .email("must be an email address such as name@example.org");

export class UserError extends FieldError {
  override name = "UserError";
}

const roleOf = (r: string): UserRole => z.enum(ROLES).parse(r);

async function load(db: Db, where: { id: number } | { email: string }) {
  let q = db
    .selectFrom("users")
    .leftJoin("authors", "authors.id", "users.author_id")
    .selectAll("users")
    .select("authors.slug as author_slug");
  q = "id" in where ? q.where("users.id", "=", where.id) : q.where("users.email", "=", where.email);
  return q.executeTakeFirst();
}

type UserRow = NonNullable<Awaited<ReturnType<typeof load>>>;

function toUser(r: UserRow): User {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: roleOf(r.role),
    authorId: r.author_id,
    authorSlug: r.author_slug,
    createdAt: r.created_at,
    disabled: r.disabled_at !== null,
  };
}

export async function userById(db: Db, id: number): Promise<User | undefined> {
  const r = await load(db, { id });
  return r ? toUser(r) : undefined;
}

/** The user and their password hash, for signing in. */
export async function credentialsByEmail(
  db: Db,
  email: string,
): Promise<{ user: User; passwordHash: string } | undefined> {
  const r = await load(db, { email: email.trim().toLowerCase() });
  return r ? { user: toUser(r), passwordHash: r.password_hash } : undefined;
}

export async function listUsers(db: Db): Promise<User[]> {
  const rows = await db
    .selectFrom("users")
    .leftJoin("authors", "authors.id", "users.author_id")
    .selectAll("users")
    .select("authors.slug as author_slug")
    .orderBy("users.name")
    .execute();
  return rows.map(toUser);
}

/**
 * Creates an account with an author profile of the same name (or links the
 * given author), so that what the user writes carries their byline.
 */
export async function createUser(
  db: Db,
  u: { email: string; name: string; role: UserRole; passwordHash: string; authorSlug?: string },
  now = new Date(),
): Promise<User> {
  const email = emailSchema.parse(u.email);
  if (await load(db, { email })) throw new UserError("email", `an account for ${email} already exists`);
  const author = await upsertAuthor(db, { name: u.name, ...(u.authorSlug ? { slug: u.authorSlug } : {}) });
  const row = await db
    .insertInto("users")
    .values({
      email,
      name: u.name,
      role: u.role,
      password_hash: u.passwordHash,
      author_id: author.id,
      created_at: now.toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return (await userById(db, row.id))!;
}

export async function updateUser(
  db: Db,
  id: number,
  patch: { name?: string; role?: UserRole; disabled?: boolean; passwordHash?: string },
  now = new Date(),
): Promise<User | undefined> {
  const set: Record<string, string | null> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.role !== undefined) set.role = patch.role;
  if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
  if (patch.disabled !== undefined) set.disabled_at = patch.disabled ? now.toISOString() : null;
  if (Object.keys(set).length) await db.updateTable("users").set(set).where("id", "=", id).execute();
  return userById(db, id);
}

const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

/** Makes a one-time invitation; returns the token (shown once, stored hashed). */
export async function createInvitation(
  db: Db,
  inv: { email: string; role: UserRole; invitedBy: number | null; days?: number },
  now = new Date(),
): Promise<{ token: string; email: string; expiresAt: string }> {
  const email = emailSchema.parse(inv.email);
  if (await load(db, { email })) throw new UserError("email", `an account for ${email} already exists`);
  const token = crypto.randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + (inv.days ?? 7) * 86_400_000).toISOString();
  await db
    .insertInto("invitations")
    .values({
      token_hash: sha256(token),
      email,
      role: inv.role,
      invited_by: inv.invitedBy,
      created_at: now.toISOString(),
      expires_at: expiresAt,
    })
    .execute();
  return { token, email, expiresAt };
}

/** The invitation behind a token, if it is unused and unexpired. */
export async function openInvitation(
  db: Db,
  token: string,
  now = new Date(),
): Promise<{ email: string; role: UserRole } | undefined> {
  const r = await db
    .selectFrom("invitations")
    .select(["email", "role"])
    .where("token_hash", "=", sha256(token))
    .where("used_at", "is", null)
    .where("expires_at", ">", now.toISOString())
    .executeTakeFirst();
  return r ? { email: r.email, role: roleOf(r.role) } : undefined;
}

/**
 * Uses an invitation: marks it used (once — a second use, even racing,
 * finds it used) and creates the account. Run inside a transaction.
 */
export async function acceptInvitation(
  db: Db,
  token: string,
  a: { name: string; passwordHash: string },
  now = new Date(),
): Promise<User> {
  const inv = await openInvitation(db, token, now);
  if (!inv)
    throw new UserError("token", "this invitation link is not valid: it was used already or has expired");
  const r = await db
    .updateTable("invitations")
    .set({ used_at: now.toISOString() })
    .where("token_hash", "=", sha256(token))
    .where("used_at", "is", null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new UserError("token", "this invitation link was used already");
  return createUser(
    db,
    { email: inv.email, name: a.name, role: inv.role, passwordHash: a.passwordHash },
    now,
  );
}

/** Whether an email belongs to an active newsroom account (a reader with it is shown as staff). */
export async function isStaffEmail(db: Db, email: string): Promise<boolean> {
  return !!(await db
    .selectFrom("users")
    .select("id")
    .where("email", "=", email)
    .where("disabled_at", "is", null)
    .executeTakeFirst());
}
