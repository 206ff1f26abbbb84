/**
 * The request pipeline: the same steps, in the same order, for every
 * declared endpoint (endpoint.ts):
 *
 *   identify (newsroom or reader session) → access (401/403) → guard
 *   (CSRF token or same origin) → input (params, query, body by zod) →
 *   rate limit → handler → answer (JSON, page, cached page, redirect, file)
 *
 * Anything thrown goes to the app's one error handler (errors.ts maps it).
 */
import crypto from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodType } from "zod";
import { allowed } from "../auth/permissions.ts";
import { GazetteError } from "../content/errors.ts";
import type { Db } from "../store/database.ts";
import { hit } from "../store/rate-limit-store.ts";
import { type Endpoint, type EndpointContext, Result, guardOf, newsroomAccess } from "./endpoint.ts";
import { fieldsOf } from "./errors.ts";
import type { PageSender } from "./page-response.ts";
import { normalHost, sameOrigin } from "./same-origin.ts";
import { PRELOGIN_CSRF_COOKIE, newsroomSession, readerSession } from "./sessions.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Endpoint.countOnly: a write after which the change feed is not read. */
    countOnly?: boolean;
  }
}

export interface PipelineDeps {
  db: Db;
  /** Sends cacheable public pages. */
  pages: PageSender;
}

/** True when the caller asked for JSON: an /api/ URL, or `Accept: application/json`. */
export function wantsJson(req: FastifyRequest): boolean {
  return req.url.startsWith("/api/") || (req.headers.accept ?? "").includes("application/json");
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
  // The token alone is not enough: the request must also say it comes from
  // this site — its Origin, or when a browser sends none, its Referer. A
  // missing pair or an opaque "null" Origin (a sandboxed frame, a data: page)
  // is refused like a foreign one.
  const origin = req.headers.origin;
  const source = origin === undefined ? req.headers.referer : origin;
  let host: string | undefined;
  try {
    host = source && source !== "null" ? new URL(source).host : undefined;
  } catch {
    host = undefined;
  }
  // Compared as URL hosts: an Origin drops the default port a Host header may carry.
  if (!host || host !== normalHost(req.headers.host))
    throw new GazetteError(
      "GZ_ERR_CSRF",
      host
        ? "Cross-site requests are not accepted."
        : "Send the Origin (or Referer) header of this site's page with the request; requests that do not say where they come from are not accepted.",
    );
  const sent = req.headers["x-csrf-token"];
  if (!sameToken(typeof sent === "string" ? sent : undefined, expected))
    throw new GazetteError("GZ_ERR_CSRF");
}

type Where = "params" | "query" | "body";

function parse<T>(schema: ZodType<T> | undefined, value: unknown, where: Where): T {
  if (!schema) return value as T;
  // No body at all reads as an empty object; a JSON `null` is not one (the OpenAPI document says object).
  const r = schema.safeParse(value === undefined && where === "body" ? {} : value);
  if (r.success) return r.data;
  // An address that cannot name anything is not found; a bad query or body says which field.
  if (where === "params") throw new GazetteError("GZ_ERR_NOT_FOUND", undefined, { cause: r.error });
  const fields = fieldsOf(r.error);
  const listed = fields
    .slice(0, 3)
    .map((f) => `${f.path === "(root)" ? where : f.path}: ${f.message}`)
    .join("; ");
  throw where === "query"
    ? new GazetteError("GZ_ERR_BAD_PARAMETER", listed, { fields, cause: r.error })
    : new GazetteError("GZ_ERR_VALIDATION", `The ${where} is not valid: ${listed}`, {
        fields,
        cause: r.error,
      });
}

/** Sends what a handler returned. */
function answer(deps: PipelineDeps, e: Endpoint, req: FastifyRequest, reply: FastifyReply, out: unknown) {
  if (reply.sent) return reply;
  if (!(out instanceof Result)) {
    return reply
      .code(e.status ?? 200)
      .header("cache-control", "no-store")
      .send(out ?? { ok: true });
  }
  const r = out.spec;
  switch (r.kind) {
    case "json":
      return reply.code(r.status).header("cache-control", "no-store").send(r.data);
    case "page":
      return reply
        .code(r.status)
        .type("text/html; charset=utf-8")
        .header("cache-control", "private, no-store")
        .send(r.html);
    case "cached":
      return deps.pages.sendPage(req, reply, {
        body: r.body,
        keys: r.keys,
        contentType: r.contentType,
        ...(r.gated ? { gated: r.gated } : {}),
        ...(r.ads ? { ads: r.ads } : {}),
        ...(r.cacheControl ? { cacheControl: r.cacheControl } : {}),
      });
    case "redirect":
      return reply.header("cache-control", "no-store").redirect(r.to, r.status);
    case "asset":
      return reply
        .code(r.status)
        .type(r.contentType)
        .header("cache-control", r.cacheControl)
        .headers(r.headers ?? {})
        .send(r.body);
  }
}

/** One endpoint's steps, as a Fastify handler. */
export function endpointHandler(deps: PipelineDeps, e: Endpoint) {
  const { db } = deps;
  const guard = guardOf(e);
  const identify = e.access === "reader" ? "reader" : newsroomAccess(e) ? "newsroom" : e.identify;
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const signedIn = identify === "newsroom" ? await newsroomSession(db, req) : null;
    const reader = identify === "reader" ? await readerSession(db, req) : null;

    if (e.access === "reader" && !reader)
      throw new GazetteError("GZ_ERR_UNAUTHENTICATED", "Sign in to do this.");
    if (e.access !== "anyone" && e.access !== "reader") {
      if (!signedIn) throw new GazetteError("GZ_ERR_UNAUTHENTICATED");
      if (e.access !== "signed-in" && !allowed(signedIn.user.role, e.access))
        throw new GazetteError(
          "GZ_ERR_FORBIDDEN",
          `Your role (${signedIn.user.role}) does not allow ${e.access}.`,
        );
    }

    if (guard === "csrf-token")
      checkCsrf(req, signedIn ? signedIn.session.csrfToken : req.cookies[PRELOGIN_CSRF_COOKIE]);
    else if (guard === "same-origin") sameOrigin(req);

    const params = parse(e.params, req.params, "params");
    const query = parse(e.query, req.query, "query");
    const ctx: EndpointContext<unknown, unknown, unknown> = {
      params,
      query,
      body: undefined,
      user: signedIn?.user,
      session: signedIn ? { session: signedIn.session, token: signedIn.token } : undefined,
      reader: reader ?? undefined,
      wantsJson: wantsJson(req),
      ip: req.ip,
      req,
      reply,
    };
    if (e.rawBody) ctx.body = req.body;
    else if (!e.multipart) {
      if (e.onInvalidBody && e.body) {
        const r = e.body.safeParse(req.body ?? {});
        if (!r.success)
          return answer(
            deps,
            e,
            req,
            reply,
            await e.onInvalidBody({ ...ctx, body: (req.body ?? {}) as Record<string, unknown> }, r.error),
          );
        ctx.body = r.data;
      } else ctx.body = parse(e.body, req.body, "body");
    }

    if (e.rateLimit) {
      const l = e.rateLimit;
      const key = l.by === "ip" ? req.ip : l.by({ body: ctx.body, ip: req.ip });
      const r = await hit(db, `${l.name}:${key}`, { max: l.max, windowMs: l.windowMs });
      if (!r.allowed) {
        reply.header("retry-after", String(r.retryAfterSeconds));
        throw new GazetteError("GZ_ERR_RATE_LIMITED", l.message(r.retryAfterSeconds), {
          details: { retryAfterSeconds: r.retryAfterSeconds },
        });
      }
    }

    return answer(deps, e, req, reply, await e.handler(ctx));
  };
}

export function registerEndpoints(
  app: FastifyInstance,
  deps: PipelineDeps,
  endpoints: readonly Endpoint[],
): void {
  for (const e of endpoints) {
    const raw = e.rawBody;
    if (!raw) {
      app.route({
        method: e.method,
        url: e.path,
        config: { countOnly: e.countOnly === true },
        handler: endpointHandler(deps, e),
      });
      continue;
    }
    // Its own scope: every content type is read as the bytes sent, up to the endpoint's limit.
    void app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: raw.maxBytes }, (_req, body, done) =>
        done(null, body),
      );
      scope.route({
        method: e.method,
        url: e.path,
        bodyLimit: raw.maxBytes,
        config: { countOnly: e.countOnly === true },
        handler: endpointHandler(deps, e),
      });
    });
  }
}
