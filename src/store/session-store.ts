/**
 * Server-side sessions and login throttling, in the database so that any
 * number of app processes behave as one. The cookie holds a random token;
 * the table holds its SHA-256, so reading the table does not give a session.
 */
import crypto from "node:crypto";
import { sql } from "kysely";
import type { Db } from "./database.ts";

export const SESSION_DAYS = 14;
/** last_seen_at is written at most this often (a read-mostly hot path). */
const TOUCH_MS = 5 * 60_000;

const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

export interface Session {
  userId: number;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

export async function createSession(
  db: Db,
  userId: number,
  meta: { ip: string; userAgent: string },
  now = new Date(),
): Promise<{ token: string; session: Session }> {
  const token = crypto.randomBytes(32).toString("base64url");
  const csrfToken = crypto.randomBytes(24).toString("base64url");
  const createdAt = now.toISOString();
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000).toISOString();
  await db
    .insertInto("sessions")
    .values({
      id: sha256(token),
      user_id: userId,
      csrf_token: csrfToken,
      created_at: createdAt,
      last_seen_at: createdAt,
      expires_at: expiresAt,
      ip: meta.ip.slice(0, 64),
      user_agent: meta.userAgent.slice(0, 300),
    })
    .execute();
  return { token, session: { userId, csrfToken, createdAt, expiresAt } };
}

/** The live session for a cookie token, or undefined (unknown, expired, or the account disabled). */
export async function sessionByToken(db: Db, token: string, now = new Date()): Promise<Session | undefined> {
  const r = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select([
      "sessions.user_id",
      "sessions.csrf_token",
      "sessions.created_at",
      "sessions.expires_at",
      "sessions.last_seen_at",
    ])
    .where("sessions.id", "=", sha256(token))
    .where("sessions.expires_at", ">", now.toISOString())
    .where("users.disabled_at", "is", null)
    .executeTakeFirst();
  if (!r) return undefined;
  if (now.getTime() - Date.parse(r.last_seen_at) > TOUCH_MS) {
    await db
      .updateTable("sessions")
      .set({ last_seen_at: now.toISOString() })
      .where("id", "=", sha256(token))
      .execute();
  }
  return { userId: r.user_id, csrfToken: r.csrf_token, createdAt: r.created_at, expiresAt: r.expires_at };
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", sha256(token)).execute();
}

/** "Log out everywhere": every session of the user ends now. */
export async function deleteUserSessions(db: Db, userId: number): Promise<number> {
  const r = await db.deleteFrom("sessions").where("user_id", "=", userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Login throttling policy: failures per key within a window, then a lockout. */
export interface ThrottlePolicy {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

/**
 * Sign-in throttling, three ways, so that guessing stays slow without handing
 * anyone a way to lock someone else out:
 * - one account from one address (`pair:<email>|<ip>`): five failures lock
 *   that pair for 15 minutes; the owner elsewhere is not affected;
 * - one address over many accounts (`ip:<ip>`): thirty failures, 15 minutes;
 * - one account from everywhere (`account:<email>`): after five failures in
 *   an hour each further try must wait, 1 s, 2 s, 4 s … up to a minute. A
 *   browser the owner signed in from before (its known-device cookie) skips
 *   this wait, so an attack slows the attacker, not the owner.
 */
export const PAIR_THROTTLE: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
export const IP_THROTTLE: ThrottlePolicy = { maxFailures: 30, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
export const ACCOUNT_WINDOW_MS = 60 * 60_000;
/** Failures on one account (all addresses) before each try must wait. */
export const ACCOUNT_FREE_FAILURES = 5;

/** The wait after `failures` failures on one account: none for the first few, then doubling to a minute. */
export function accountDelayMs(failures: number): number {
  if (failures < ACCOUNT_FREE_FAILURES) return 0;
  return Math.min(2 ** (failures - ACCOUNT_FREE_FAILURES) * 1000, 60_000);
}

export const throttleKey = {
  pair: (email: string, ip: string) => `pair:${email}|${ip}`,
  ip: (ip: string) => `ip:${ip}`,
  account: (email: string) => `account:${email}`,
};

/** Counts a failure against an account (any address); returns the count in the window and when the next try may come. */
export async function recordAccountFailure(
  db: Db,
  email: string,
  now = new Date(),
): Promise<{ failures: number; notBefore: string | undefined }> {
  const key = throttleKey.account(email);
  return db.transaction().execute(async (tx) => {
    const r = await tx.selectFrom("login_throttle").selectAll().where("key", "=", key).executeTakeFirst();
    const inWindow = r && now.getTime() - Date.parse(r.window_start) < ACCOUNT_WINDOW_MS;
    const failures = inWindow ? r.failures + 1 : 1;
    const delay = accountDelayMs(failures);
    const notBefore = delay ? new Date(now.getTime() + delay).toISOString() : null;
    const values = {
      failures,
      window_start: inWindow ? r.window_start : now.toISOString(),
      locked_until: notBefore,
    };
    await putThrottle(tx, key, values, r !== undefined);
    return { failures, notBefore: notBefore ?? undefined };
  });
}

/** Clears every throttle on an account (an admin's or the CLI's unlock): its slowdown and its per-address locks. */
export async function clearAccountThrottle(db: Db, email: string): Promise<number> {
  const r = await db
    .deleteFrom("login_throttle")
    .where((eb) =>
      eb.or([
        eb("key", "=", throttleKey.account(email)),
        // Every address's lock on this account: keys that start with its pair prefix (no LIKE: emails hold "_").
        sql<boolean>`substr(key, 1, ${throttleKey.pair(email, "").length}) = ${throttleKey.pair(email, "")}`,
      ]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Writes a throttle row: updates the one read before, or makes it. */
async function putThrottle(
  db: Db,
  key: string,
  values: { failures: number; window_start: string; locked_until: string | null },
  exists: boolean,
): Promise<void> {
  if (exists) await db.updateTable("login_throttle").set(values).where("key", "=", key).execute();
  else
    await db
      .insertInto("login_throttle")
      .values({ key, ...values })
      .execute();
}

/** When the key is locked out, the time it opens again. */
export async function lockedUntil(db: Db, key: string, now = new Date()): Promise<string | undefined> {
  const r = await db
    .selectFrom("login_throttle")
    .select("locked_until")
    .where("key", "=", key)
    .executeTakeFirst();
  return r?.locked_until && r.locked_until > now.toISOString() ? r.locked_until : undefined;
}

/** Counts a failed sign-in; returns the lock's end when this failure locks the key. */
export async function recordFailure(
  db: Db,
  key: string,
  policy: ThrottlePolicy,
  now = new Date(),
): Promise<string | undefined> {
  return db.transaction().execute(async (tx) => {
    const r = await tx.selectFrom("login_throttle").selectAll().where("key", "=", key).executeTakeFirst();
    const nowIso = now.toISOString();
    const inWindow = r && now.getTime() - Date.parse(r.window_start) < policy.windowMs;
    const failures = inWindow ? r.failures + 1 : 1;
    const locked =
      failures >= policy.maxFailures ? new Date(now.getTime() + policy.lockMs).toISOString() : null;
    const values = {
      failures: locked ? 0 : failures,
      window_start: inWindow ? r.window_start : nowIso,
      locked_until: locked,
    };
    await putThrottle(tx, key, values, r !== undefined);
    return locked ?? undefined;
  });
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.deleteFrom("login_throttle").where("key", "=", key).execute();
}
