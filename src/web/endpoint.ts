/**
 * The one way to declare an HTTP route (after Ghost's API endpoints): its
 * method and path, who may call it, how a state-changing request proves it
 * came from this site, its rate limit, the zod schemas of its input (JSON
 * and form bodies alike), and a handler that returns data, a page or a
 * redirect. `registerEndpoints` (pipeline.ts) turns a list of them into
 * Fastify routes with the same steps for all; `openApiDocument` turns the
 * same list into the OpenAPI document; the access tests walk it.
 *
 * @example
 * endpoint({
 *   method: "POST", path: "/comments/:id/report", access: "reader", responds: "negotiated",
 *   tag: "Comments", summary: "Report a comment to the moderators",
 *   params: idParam, body: z.object({ reason: z.enum(REPORT_REASONS) }),
 *   handler: async ({ params, body, reader }) => { … return page(html) },
 * })
 */
import type { GateSpec } from "./access-variants.ts";
import type { PageAds } from "../site/ad-fill.ts";
import type { Readable } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z, type ZodError, type ZodType } from "zod";
import type { Action } from "../auth/permissions.ts";
import type { Reader } from "../store/reader-store.ts";
import type { Session } from "../store/session-store.ts";
import type { User } from "../store/user-store.ts";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Who may call an endpoint: anyone; a signed-in reader (401 otherwise); any
 * signed-in newsroom account; or a newsroom account whose role allows the
 * action (`auth/permissions.ts`; 401 signed out, 403 not allowed).
 */
export type Access = "anyone" | "reader" | "signed-in" | Action;

/**
 * How a state-changing request proves it came from this site:
 * - `csrf-token`: the newsroom's synchronizer token in `x-csrf-token` (before
 *   sign-in, the `gz_csrf` double-submit cookie's), and a same-site Origin;
 * - `same-origin`: Origin (else Referer) must be this site — reader forms,
 *   which keeps cached pages free of per-reader tokens;
 * - `none`: nothing to protect (GET, or a public read by POST).
 */
export type Guard = "csrf-token" | "same-origin" | "none";

/** What the endpoint answers: JSON, an HTML page, either by the Accept header, or a file. */
export type Responds = "json" | "html" | "negotiated" | "asset";

export interface RateLimitRule<B = unknown> {
  /** Names the counter: `signup` counts under `signup:<key>`. */
  name: string;
  /** What is counted against: the caller's address, or something of the input (an email). */
  by: "ip" | ((input: { body: B; ip: string }) => string);
  max: number;
  windowMs: number;
  /** The refusal's message, given the seconds until the window ends. */
  message: (retryAfterSeconds: number) => string;
}

export interface EndpointContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The signed-in newsroom account, on endpoints that identify newsroom sessions. */
  user: User | undefined;
  /** Its session (the CSRF token, the token itself). */
  session: { session: Session; token: string } | undefined;
  /** The signed-in reader, on endpoints that identify readers. */
  reader: Reader | undefined;
  /** True when the caller asked for JSON (Accept, or an /api/ URL). */
  wantsJson: boolean;
  ip: string;
  /** For cookies, headers and multipart parts; answers go through the result. */
  req: FastifyRequest;
  reply: FastifyReply;
}

/** A declared endpoint. P, Q and B are the parsed params, query and body. */
export interface Endpoint<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** Fastify route syntax: /api/admin/stories/:id */
  path: string;
  access: Access;
  /**
   * Which session an `anyone` endpoint reads to know who is calling (a
   * `reader` endpoint reads readers', a newsroom one the newsroom's).
   */
  identify?: "reader" | "newsroom";
  /** Defaults: GET none; newsroom endpoints csrf-token; others same-origin. */
  guard?: Guard;
  rateLimit?: RateLimitRule<B>;
  responds: Responds;
  tag: string;
  summary: string;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /** Forms post `application/x-www-form-urlencoded` as well as JSON (documented so). */
  form?: boolean;
  /** multipart/form-data upload (the handler reads the parts itself). */
  multipart?: boolean;
  /**
   * The body as it was sent, unparsed, whatever its content type (a Buffer
   * in `body`, up to `maxBytes`): for a caller that signs the exact bytes
   * (a wire push's HMAC). The handler checks it itself.
   */
  rawBody?: { maxBytes: number };
  /**
   * A POST that only adds to a count (the viewability beacon): no page it
   * shows changes, so the change feed is not read after it (every other
   * successful write reads it, so that its author sees the change at once).
   */
  countOnly?: true;
  /** Success status of a JSON answer (200 unless said). */
  status?: number;
  /** A body that does not parse, answered by the endpoint (a form shown again with its errors) rather than as an error. */
  onInvalidBody?: (ctx: EndpointContext<P, Q, Record<string, unknown>>, error: ZodError) => Promise<Result>;
  handler(ctx: EndpointContext<P, Q, B>): Promise<Result | unknown>;
}

/** Keeps each endpoint's types while collecting them in one array. */
export function endpoint<P, Q, B>(e: Endpoint<P, Q, B>): Endpoint {
  return e as unknown as Endpoint;
}

/** The effective guard of an endpoint. */
export function guardOf(e: Pick<Endpoint, "method" | "guard" | "access" | "identify">): Guard {
  if (e.guard) return e.guard;
  if (e.method === "GET") return "none";
  return newsroomAccess(e) ? "csrf-token" : "same-origin";
}

/** Whether an endpoint belongs to the newsroom (its access, or the session it identifies). */
export function newsroomAccess(e: Pick<Endpoint, "access" | "identify">): boolean {
  return e.access !== "anyone" && e.access !== "reader" ? true : e.identify === "newsroom";
}

type ResultSpec =
  | { kind: "json"; status: number; data: unknown }
  /** A page for this caller only (`private, no-store`). */
  | { kind: "page"; status: number; html: string }
  /** A public page (or feed, or JSON) that caches, tagged with what it shows. */
  | {
      kind: "cached";
      body: string;
      keys: Iterable<string>;
      contentType: string;
      gated?: { spec: GateSpec; variant: string } | undefined;
      ads?: PageAds | undefined;
      /** Instead of the site's page caching (config.cache): a live stream's seconds. */
      cacheControl?: string | undefined;
    }
  | { kind: "redirect"; to: string; status: 301 | 302 | 303 }
  | {
      kind: "asset";
      status: number;
      /** A stream is piped (a media file from the store). */
      body: string | Buffer | Readable;
      contentType: string;
      cacheControl: string;
      headers?: Record<string, string>;
    };

/** What a handler answers besides plain data (which is sent as JSON). */
export class Result {
  constructor(readonly spec: ResultSpec) {}
}

export const json = (data: unknown, status = 200) => new Result({ kind: "json", status, data });
export const page = (html: string, status = 200) => new Result({ kind: "page", status, html });
export const cached = (
  body: string,
  keys: Iterable<string>,
  contentType = "text/html; charset=utf-8",
  ads?: PageAds,
  /** Instead of the site's page caching (an open live story's page). */
  cacheControl?: string,
) => new Result({ kind: "cached", body, keys, contentType, ads, cacheControl });

/**
 * A public answer cached for `seconds` only by browsers and shared caches
 * (a live stream's changes); this process keeps it until a key it shows
 * changes, as any page.
 */
export const cachedBriefly = (body: string, keys: Iterable<string>, contentType: string, seconds: number) =>
  new Result({
    kind: "cached",
    body,
    keys,
    contentType,
    cacheControl: `public, max-age=${seconds}, s-maxage=${seconds}, stale-while-revalidate=${seconds}`,
  });

/** One access variant of a gated page (web/access-variants.ts): cached per variant, never per reader. */
export const cachedVariant = (
  body: string,
  keys: Iterable<string>,
  gated: { spec: GateSpec; variant: string },
  ads?: PageAds,
) => new Result({ kind: "cached", body, keys, contentType: "text/html; charset=utf-8", gated, ads });
export const redirect = (to: string, status: 301 | 302 | 303 = 303) =>
  new Result({ kind: "redirect", to, status });
export const asset = (
  body: string | Buffer | Readable,
  contentType: string,
  cacheControl: string,
  opts: { status?: number; headers?: Record<string, string> } = {},
) =>
  new Result({
    kind: "asset",
    status: opts.status ?? 200,
    body,
    contentType,
    cacheControl,
    ...(opts.headers ? { headers: opts.headers } : {}),
  });

/**
 * A positive integer in the URL, written plainly: "12", never "1e3", "0x10",
 * " 1" or "012" (which a number coercion would read as 1000, 16, 1 and 12).
 * The OpenAPI document says the same (a string of digits).
 */
export const positiveIntInPath = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, "must be a positive whole number written in digits")
  .transform(Number)
  .refine((n) => n <= 2 ** 31 - 1, "is too large");

/** A positive integer id in the URL. */
export const idParam = z.object({ id: positiveIntInPath });

/** A URL slug: lower-case words joined by hyphens. */
export const slugSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
  .max(120);

/** Only paths on this site, so a `return` parameter cannot send readers elsewhere. */
export function safeReturn(v: unknown): string {
  return typeof v === "string" && /^\/(?!\/)[^\s\\]*$/.test(v) && v.length < 500 ? v : "/";
}
