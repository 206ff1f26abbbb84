/**
 * The two kinds of session and their cookies: the newsroom's (`gz_session`,
 * with a CSRF token per session, and `gz_csrf` before sign-in) and readers'
 * (`gz_reader`). Both are rows in the database, so any number of app
 * processes recognise them.
 */
import crypto from "node:crypto";
import type {} from "@fastify/cookie";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Db } from "../store/database.ts";
import {
  type Reader,
  createReaderSession,
  deleteReaderSession,
  readerBySession,
} from "../store/reader-store.ts";
import { type Session, sessionByToken } from "../store/session-store.ts";
import { type User, userById } from "../store/user-store.ts";

export const SESSION_COOKIE = "gz_session";
/** Double-submit token for requests made before signing in (the sign-in itself, accepting an invitation). */
export const PRELOGIN_CSRF_COOKIE = "gz_csrf";
export const READER_COOKIE = "gz_reader";

export interface NewsroomSession {
  user: User;
  session: Session;
  token: string;
}

declare module "fastify" {
  interface FastifyRequest {
    newsroom?: NewsroomSession | null;
    gazetteReader?: Reader | null;
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

/** The newsroom session of a request, resolved once per request. */
export async function newsroomSession(db: Db, req: FastifyRequest): Promise<NewsroomSession | null> {
  if (req.newsroom !== undefined) return req.newsroom;
  const token = req.cookies[SESSION_COOKIE];
  let found: NewsroomSession | null = null;
  if (token && token.length <= 100) {
    const session = await sessionByToken(db, token);
    const user = session ? await userById(db, session.userId) : undefined;
    if (session && user && !user.disabled) found = { user, session, token };
  }
  req.newsroom = found;
  return found;
}

/** The signed-in reader of a request, resolved once per request. */
export async function readerSession(db: Db, req: FastifyRequest): Promise<Reader | null> {
  if (req.gazetteReader !== undefined) return req.gazetteReader;
  const token = req.cookies[READER_COOKIE];
  const found = token && token.length < 100 ? ((await readerBySession(db, token)) ?? null) : null;
  req.gazetteReader = found;
  return found;
}

/** Signs a reader in: a new session (any the request came with is ended) and its cookie. */
export async function startReaderSession(db: Db, req: FastifyRequest, reply: FastifyReply, readerId: number) {
  const old = req.cookies[READER_COOKIE];
  if (old) await deleteReaderSession(db, old);
  const token = await createReaderSession(db, readerId);
  reply.setCookie(READER_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: isSecure(req),
    maxAge: 30 * 86400,
  });
}

/** Signs a reader out: the session row and the cookie. */
export async function endReaderSession(db: Db, req: FastifyRequest, reply: FastifyReply) {
  const token = req.cookies[READER_COOKIE];
  if (token) await deleteReaderSession(db, token);
  reply.clearCookie(READER_COOKIE, { path: "/" });
}
