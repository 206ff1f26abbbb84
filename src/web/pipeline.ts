/**
 * The admin API's HTTP steps, the same for every endpoint: who is signed in
 * (a server-side session from the `gz_session` cookie), whether their role
 * allows the endpoint's action, CSRF on every state-changing request,
 * input validation, and one error shape for whatever goes wrong.
 */
import crypto from "node:crypto";
import type {} from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ZodError } from "zod";
import { HttpError } from "./errors.ts";
import type { Db } from "../store/database.ts";
import { type Session, sessionByToken } from "../store/session-store.ts";
import { StoreError, StoryConflictError } from "../store/story-store.ts";
import { type User, UserError, userById } from "../store/user-store.ts";
import { type Endpoint, fieldsOf, parseOr400 } from "./endpoint.ts";
import { allowed } from "../auth/permissions.ts";
import { normalHost } from "./same-origin.ts";

export const SESSION_COOKIE = "gz_session";
/** Double-submit token for requests made before signing in (the sign-in itself, accepting an invitation). */
export const PRELOGIN_CSRF_COOKIE = "gz_csrf";

declare module "fastify" {
  interface FastifyRequest {
    newsroom?: { user: User; session: Session; token: string } | null;
  }
}

export function isSecure(req: FastifyRequest): boolean {
  return req.protocol === "https";
}

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string, expiresAt: string) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: isSecure(req),
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "lax", secure: isSecure(req) });
}

/** The pre-login CSRF token: the cookie's, or a new one set now. */
export function preloginCsrf(req: FastifyRequest, reply: FastifyReply): string {
  const existing = req.cookies[PRELOGIN_CSRF_COOKIE];
  if (existing && /^[\w-]{20,}$/.test(existing)) return existing;
  const token = crypto.randomBytes(24).toString("base64url");
  reply.setCookie(PRELOGIN_CSRF_COOKIE, token, {
    path: "/",
    httpOnly: false,
    sameSite: "strict",
    secure: isSecure(req),
  });
  return token;
}

/** Resolves the session cookie once per request. */
export async function resolveUser(db: Db, req: FastifyRequest): Promise<FastifyRequest["newsroom"]> {
  if (req.newsroom !== undefined) return req.newsroom;
  const token = req.cookies[SESSION_COOKIE];
  let found: FastifyRequest["newsroom"] = null;
  if (token && token.length <= 100) {
    const session = await sessionByToken(db, token);
    const user = session ? await userById(db, session.userId) : undefined;
    if (session && user && !user.disabled) found = { user, session, token };
  }
  req.newsroom = found;
  return found;
}

function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/**
 * CSRF (OWASP's synchronizer-token pattern): a state-changing request must
 * carry the session's token in `x-csrf-token`; before sign-in, the token of
 * the `gz_csrf` cookie (double submit). A cross-site Origin is refused too.
 */
export function checkCsrf(req: FastifyRequest, expected: string | undefined): void {
  const origin = req.headers.origin;
  if (origin && origin !== "null") {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    // Compared as URL hosts: an Origin drops the default port a Host header may carry.
    if (host !== normalHost(req.headers.host))
      throw new HttpError("GZ_ERR_CSRF", "Cross-site requests are not accepted.");
  }
  const sent = req.headers["x-csrf-token"];
  if (!sameToken(typeof sent === "string" ? sent : undefined, expected)) throw new HttpError("GZ_ERR_CSRF");
}

/** Anything a handler throws, as the API's one error type. */
export function toHttpError(err: unknown): unknown {
  if (err instanceof ZodError) {
    return new HttpError("GZ_ERR_VALIDATION", undefined, fieldsOf(err));
  }
  if (err instanceof StoreError || err instanceof UserError) {
    return new HttpError("GZ_ERR_VALIDATION", err.message, [
      { path: err.field, message: err.message.replace(/^[^:]+: /, "") },
    ]);
  }
  if (err instanceof StoryConflictError) {
    return new HttpError(
      "GZ_ERR_CONFLICT",
      `${err.latest.userName} changed this story at ${err.latest.at} (revision ${err.latest.revision}). Your version was not saved; compare the two and save again.`,
      undefined,
      { latest: err.latest },
    );
  }
  return err;
}

export function registerEndpoints(app: FastifyInstance, db: Db, endpoints: readonly Endpoint[]): void {
  for (const e of endpoints) {
    app.route({
      method: e.method,
      url: e.url,
      handler: async (req, reply) => {
        const signedIn = await resolveUser(db, req);
        if (e.permission !== "public") {
          if (!signedIn) throw new HttpError("GZ_ERR_UNAUTHENTICATED");
          if (e.permission !== "signed-in" && !allowed(signedIn.user.role, e.permission)) {
            throw new HttpError(
              "GZ_ERR_FORBIDDEN",
              `Your role (${signedIn.user.role}) does not allow ${e.permission}.`,
            );
          }
        }
        if (e.method !== "GET") {
          checkCsrf(req, signedIn ? signedIn.session.csrfToken : req.cookies[PRELOGIN_CSRF_COOKIE]);
        }
        try {
          const params = parseOr400(e.params, req.params, "address");
          const query = parseOr400(e.query, req.query, "query");
          const body = e.multipart ? undefined : parseOr400(e.body, req.body, "body");
          const result = await e.handler({ params, query, body, user: signedIn?.user, req, reply });
          reply.header("cache-control", "no-store");
          if (reply.sent) return reply;
          return reply.code(e.status ?? 200).send(result ?? { ok: true });
        } catch (err) {
          throw toHttpError(err);
        }
      },
    });
  }
}
