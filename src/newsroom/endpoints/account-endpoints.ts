/** Admin API: signing in and out, the session, invitations, users. */
import { z } from "zod";
import type { FastifyReply, FastifyRequest } from "fastify";
import { GazetteError } from "../../content/errors.ts";
import type { Db } from "../../store/database.ts";
import {
  ACCOUNT_FREE_FAILURES,
  IP_THROTTLE,
  PAIR_THROTTLE,
  clearAccountThrottle,
  clearFailures,
  createSession,
  deleteSession,
  deleteUserSessions,
  lockedUntil,
  recordAccountFailure,
  recordFailure,
  throttleKey,
} from "../../store/session-store.ts";
import type { Config } from "../../config.ts";
import type { Mailer } from "../../mail/mailer.ts";
import { DEVICE_COOKIE, DEVICE_COOKIE_PATH, deviceToken, isKnownDevice } from "../known-device.ts";
import {
  ROLES,
  type User,
  acceptInvitation,
  createInvitation,
  createUser,
  credentialsByEmail,
  emailSchema,
  listUsers,
  openInvitation,
  updateUser,
  userById,
} from "../../store/user-store.ts";
import {
  SESSION_COOKIE,
  clearSessionCookie,
  isSecure,
  preloginCsrf,
  setSessionCookie,
} from "../../web/sessions.ts";
import { endpoint, idParam } from "../../web/endpoint.ts";
import {
  DUMMY_HASH,
  PASSWORD_MIN_LENGTH,
  generatePassword,
  hashPassword,
  verifyPassword,
} from "../../auth/passwords.ts";
import { PERMISSIONS, roleSchema } from "../../auth/permissions.ts";

const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(200, "must be at most 200 characters");

export function userJson(u: User) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    authorSlug: u.authorSlug,
    disabled: u.disabled,
    createdAt: u.createdAt,
    permissions: Object.entries(PERMISSIONS)
      .filter(([, roles]) => (roles as readonly string[]).includes(u.role))
      .map(([action]) => action),
  };
}

/** Starts a new session (rotating away any the request came with). */
async function signIn(db: Db, req: FastifyRequest, reply: FastifyReply, user: User) {
  const old = req.cookies[SESSION_COOKIE];
  if (old) await deleteSession(db, old);
  const { token, session } = await createSession(db, user.id, {
    ip: req.ip,
    userAgent: req.headers["user-agent"] ?? "",
  });
  setSessionCookie(req, reply, token, session.expiresAt);
  // This browser is now known for this account: an attack on the account will not slow it down.
  reply.setCookie(DEVICE_COOKIE, await deviceToken(db, user.id), {
    path: DEVICE_COOKIE_PATH,
    httpOnly: true,
    sameSite: "lax",
    secure: isSecure(req),
    maxAge: 365 * 24 * 3600,
  });
  return { user: userJson(user), csrfToken: session.csrfToken };
}

function secondsUntil(iso: string): number {
  return Math.max(1, Math.ceil((Date.parse(iso) - Date.now()) / 1000));
}

/** When an account's failures reach these counts (in the hour), its holder is told by email. */
const TELL_AT = new Set([ACCOUNT_FREE_FAILURES, 25, 100, 500]);

function minutesUntil(iso: string): number {
  return Math.max(1, Math.ceil((Date.parse(iso) - Date.now()) / 60_000));
}

function lockedOut(until: string): GazetteError {
  return new GazetteError(
    "GZ_ERR_LOCKED_OUT",
    `Too many failed sign-ins. Try again in ${minutesUntil(until)} minute${minutesUntil(until) === 1 ? "" : "s"}.`,
    { details: { retryAt: until } },
  );
}

export interface AccountDeps {
  db: Db;
  config: Config;
  mailer?: Mailer | undefined;
}

export function accountEndpoints({ db, config, mailer }: AccountDeps) {
  return [
    endpoint({
      method: "GET",
      path: "/api/admin/session",
      access: "anyone",
      identify: "newsroom",
      responds: "json",
      tag: "Session",
      summary:
        "Who is signed in, and the CSRF token to send as x-csrf-token (before sign-in: the token for signing in)",
      handler: async ({ user, session, req, reply }) => {
        if (user && session) return { user: userJson(user), csrfToken: session.session.csrfToken };
        return { user: null, csrfToken: preloginCsrf(req, reply) };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/session",
      access: "anyone",
      identify: "newsroom",
      responds: "json",
      tag: "Session",
      summary:
        "Sign in. Five failures for one account from one address lock that pair for 15 minutes; failures on an account from anywhere make each further try wait (up to a minute), except from a browser that signed in to it before",
      body: z.object({
        email: z.string().trim().min(1, "enter your email").max(320),
        password: z.string().min(1, "enter your password").max(200),
      }),
      handler: async ({ body, req, reply }) => {
        const email = body.email.toLowerCase();
        const pairKey = throttleKey.pair(email, req.ip);
        const ipKey = throttleKey.ip(req.ip);
        for (const key of [pairKey, ipKey]) {
          const until = await lockedUntil(db, key);
          if (until) {
            reply.header("retry-after", String(secondsUntil(until)));
            throw lockedOut(until);
          }
        }
        const found = await credentialsByEmail(db, email);
        const known = found ? await isKnownDevice(db, req.cookies[DEVICE_COOKIE], found.user.id) : false;
        if (!known) {
          const notBefore = await lockedUntil(db, throttleKey.account(email));
          if (notBefore) {
            reply.header("retry-after", String(secondsUntil(notBefore)));
            throw new GazetteError(
              "GZ_ERR_RATE_LIMITED",
              `This account has had many failed sign-ins; wait ${secondsUntil(notBefore)} seconds and try again.`,
              { details: { retryAt: notBefore } },
            );
          }
        }
        // Always hash once, so the answer takes as long for an unknown email.
        const ok = await verifyPassword(body.password, found?.passwordHash ?? DUMMY_HASH);
        if (!found || !ok || found.user.disabled) {
          const [pairLock] = await Promise.all([
            recordFailure(db, pairKey, PAIR_THROTTLE),
            recordFailure(db, ipKey, IP_THROTTLE),
          ]);
          if (!known) {
            const { failures } = await recordAccountFailure(db, email);
            if (found && !found.user.disabled && TELL_AT.has(failures) && mailer) {
              await mailer
                .send({
                  to: found.user.email,
                  subject: `${config.site.name}: failed sign-ins to your newsroom account`,
                  text: `There have been ${failures} failed attempts to sign in to your newsroom account (${found.user.email}) in the last hour, the latest from ${req.ip}.\n\nIf that was not you, someone may be guessing your password: you can still sign in from a browser you used before. Choose a long password you use nowhere else. An admin can clear the slowdown from the People page (or: gazette user unlock --email ${found.user.email}).\n`,
                })
                .catch((err: unknown) => req.log.warn({ err }, "the failed-sign-in warning email failed"));
            }
          }
          if (pairLock) {
            reply.header("retry-after", String(secondsUntil(pairLock)));
            throw lockedOut(pairLock);
          }
          throw new GazetteError("GZ_ERR_BAD_CREDENTIALS");
        }
        await clearFailures(db, pairKey);
        return signIn(db, req, reply, found.user);
      },
    }),
    endpoint({
      method: "DELETE",
      path: "/api/admin/session",
      access: "signed-in",
      responds: "json",
      tag: "Session",
      summary: "Sign out of this browser",
      handler: async ({ req, reply }) => {
        const token = req.cookies[SESSION_COOKIE];
        if (token) await deleteSession(db, token);
        clearSessionCookie(req, reply);
        return { ok: true };
      },
    }),
    endpoint({
      method: "DELETE",
      path: "/api/admin/sessions",
      access: "signed-in",
      responds: "json",
      tag: "Session",
      summary: "Sign out everywhere: ends every session of your account",
      handler: async ({ req, reply, user }) => {
        const ended = await deleteUserSessions(db, user!.id);
        clearSessionCookie(req, reply);
        return { ended };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/me/password",
      access: "signed-in",
      responds: "json",
      tag: "Session",
      summary: "Change your password (ends your other sessions)",
      body: z.object({ current: z.string().max(200), password: passwordSchema }),
      handler: async ({ body, user, req, reply }) => {
        const c = await credentialsByEmail(db, user!.email);
        if (!c || !(await verifyPassword(body.current, c.passwordHash))) {
          throw new GazetteError("GZ_ERR_VALIDATION", "Your current password is not right.", {
            fields: [{ path: "current", message: "is not your current password" }],
          });
        }
        await updateUser(db, user!.id, { passwordHash: await hashPassword(body.password) });
        await deleteUserSessions(db, user!.id);
        return signIn(db, req, reply, user!);
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/invitations/:token",
      access: "anyone",
      identify: "newsroom",
      responds: "json",
      tag: "Users",
      summary: "What an invitation link is for (email and role), if it is still valid",
      params: z.object({ token: z.string().min(10).max(100) }),
      handler: async ({ params, req, reply }) => {
        const inv = await openInvitation(db, params.token);
        if (!inv)
          throw new GazetteError(
            "GZ_ERR_NOT_FOUND",
            "This invitation link was used already or has expired. Ask for a new one.",
          );
        return { ...inv, csrfToken: preloginCsrf(req, reply) };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/invitations/:token/accept",
      access: "anyone",
      identify: "newsroom",
      responds: "json",
      tag: "Users",
      summary: "Accept an invitation: choose a name and password; signs you in",
      status: 201,
      params: z.object({ token: z.string().min(10).max(100) }),
      body: z.object({
        name: z.string().trim().min(1, "enter your name").max(200),
        password: passwordSchema,
      }),
      handler: async ({ params, body, req, reply }) => {
        const passwordHash = await hashPassword(body.password);
        const user = await db
          .transaction()
          .execute((tx) => acceptInvitation(tx, params.token, { name: body.name, passwordHash }));
        return signIn(db, req, reply, user);
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/invitations",
      access: "users.manage",
      responds: "json",
      tag: "Users",
      summary: "Invite someone: returns a one-time link, valid for 7 days",
      status: 201,
      body: z.object({ email: emailSchema, role: roleSchema }),
      handler: async ({ body, user, req }) => {
        const inv = await createInvitation(db, { email: body.email, role: body.role, invitedBy: user!.id });
        const origin = `${req.protocol}://${req.headers.host ?? "localhost"}`;
        return {
          email: inv.email,
          role: body.role,
          expiresAt: inv.expiresAt,
          link: `${origin}/admin/invite/${inv.token}`,
        };
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/users",
      access: "users.manage",
      responds: "json",
      tag: "Users",
      summary: "Every account",
      handler: async () => ({ items: (await listUsers(db)).map(userJson) }),
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/users",
      access: "users.manage",
      responds: "json",
      tag: "Users",
      summary: "Create an account; without a password one is generated and returned once",
      status: 201,
      body: z.object({
        email: emailSchema,
        name: z.string().trim().min(1).max(200),
        role: z.enum(ROLES),
        password: passwordSchema.optional(),
      }),
      handler: async ({ body }) => {
        const password = body.password ?? generatePassword();
        const user = await db.transaction().execute(async (tx) =>
          createUser(tx, {
            email: body.email,
            name: body.name,
            role: body.role,
            passwordHash: await hashPassword(password),
          }),
        );
        return { user: userJson(user), ...(body.password ? {} : { password }) };
      },
    }),
    endpoint({
      method: "PATCH",
      path: "/api/admin/users/:id",
      access: "users.manage",
      responds: "json",
      tag: "Users",
      summary: "Change a user's name or role, or disable the account (which ends its sessions)",
      params: idParam,
      body: z.object({
        name: z.string().trim().min(1).max(200).optional(),
        role: roleSchema.optional(),
        disabled: z.boolean().optional(),
      }),
      handler: async ({ params, body, user }) => {
        if (params.id === user!.id && (body.disabled || (body.role && body.role !== "admin"))) {
          throw new GazetteError("GZ_ERR_VALIDATION", "You cannot disable or demote your own account.", {
            fields: [{ path: body.disabled ? "disabled" : "role", message: "ask another admin" }],
          });
        }
        const updated = await updateUser(db, params.id, body);
        if (!updated) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no user ${params.id}.`);
        if (body.disabled) await deleteUserSessions(db, params.id);
        return userJson(updated);
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/users/:id/unlock",
      access: "users.manage",
      responds: "json",
      tag: "Users",
      summary: "Clear the sign-in slowdown and per-address locks on a user's account (after an attack)",
      params: idParam,
      handler: async ({ params }) => {
        const u = await userById(db, params.id);
        if (!u) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no user ${params.id}.`);
        return { cleared: await clearAccountThrottle(db, u.email) };
      },
    }),
  ];
}
