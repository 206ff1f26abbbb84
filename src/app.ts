/**
 * The composition root of the web app: `buildApp(deps)` wires plugins and
 * routes and returns the Fastify instance; `listen` happens elsewhere (the
 * CLI), so tests use `app.inject()` without a port.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import compress from "@fastify/compress";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import multipart from "@fastify/multipart";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Config } from "./config.ts";
import type { MediaStore } from "./media/media-store.ts";
import { type Db, databaseUsable } from "./store/database.ts";
import { setSearchLanguage } from "./store/search-store.ts";
import { applySettings, readSettings } from "./store/settings-store.ts";
import { listSections } from "./store/taxonomy-store.ts";
import { renderError } from "./site/list-pages.ts";
import { LOGO_SVG, logoPng } from "./site/logo.ts";
import { buildCss } from "./site/styles.ts";
import { buildCommentsScript } from "./site/comments-script.ts";
import { ERRORS, HttpError, fromFastifyError } from "./web/errors.ts";
import { type ChangeFollower, startChangeFollower } from "./web/change-follower.ts";
import { PageCache } from "./web/page-cache.ts";
import { pageSender, rawCacheHandler } from "./web/page-response.ts";
import { readerRoutes } from "./reading/reader-endpoints.ts";
import { isTls, pageKindOf, securityHeaders } from "./web/security-headers.ts";
import { newsroomRoutes } from "./newsroom/newsroom-routes.ts";
import { commentRoutes } from "./comments/comment-routes.ts";
import { type Mailer, createMailer } from "./mail/mailer.ts";
import { type Scheduler, startScheduler } from "./newsroom/scheduler.ts";
import { forgetPagePolicy } from "./store/moderation-policy-store.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** Reads the change feed now and drops stale pages (tests; the poller does it on its own). */
    syncChanges(): Promise<void>;
    pageCache: PageCache | undefined;
    /** Publishes due scheduled stories now (tests; the timer does it on its own). */
    runScheduler(): Promise<number[]>;
  }
}

export interface AppDeps {
  config: Config;
  db: Db;
  media: MediaStore;
  /** Outgoing email; made from `config.mail` when not given (tests pass one). */
  mailer?: Mailer;
  /** Fastify's logger: true in `gazette serve`, false in tests. */
  logger?: boolean;
}

function wantsJson(req: FastifyRequest): boolean {
  return req.url.startsWith("/api/") || (req.headers.accept ?? "").includes("application/json");
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db } = deps;
  const { css, href: cssHref } = buildCss(config.ads);
  const commentsScript = buildCommentsScript();
  setSearchLanguage(config.site.language);

  async function sendError(err: HttpError, req: FastifyRequest, reply: FastifyReply) {
    reply.code(err.status).header("cache-control", "no-store");
    if (wantsJson(req)) {
      return reply.send({
        error: {
          code: err.code,
          message: err.message,
          ...(err.fields ? { fields: err.fields } : {}),
          ...err.details,
        },
      });
    }
    const sections = await listSections(db).catch(() => []);
    return reply
      .type("text/html; charset=utf-8")
      .send(renderError({ site: config.site, sections, cssHref }, err.status, err.message));
  }

  const cache = config.cache.enabled ? new PageCache(config.cache.maxEntries) : undefined;
  const app = Fastify({
    // Cache hits are answered on the raw request, before routing (see rawCacheHandler).
    ...(cache
      ? {
          serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
            http.createServer(rawCacheHandler(cache, handler)),
        }
      : {}),
    logger: deps.logger ? { level: config.logLevel } : false,
    bodyLimit: 1024 * 1024,
    trustProxy: true,
    // Malformed URLs (bad percent-encoding) get our 400 page, not Fastify's default.
    frameworkErrors: (error, req, reply) => {
      void sendError(fromFastifyError(error as { code?: string; message: string }), req, reply);
    },
  });

  // Settings an admin changed in the newsroom, over the configuration file's values.
  const fileSettings = { site: { ...config.site }, ads: { ...config.ads } };
  const reloadSettings = async () => {
    forgetPagePolicy(db);
    applySettings(config, fileSettings, await readSettings(db));
  };
  await reloadSettings();

  const pages = pageSender(cache, config);
  const follower: ChangeFollower | undefined = cache
    ? await startChangeFollower({
        db,
        cache,
        pollMs: config.cache.pollMs,
        databaseUrl: config.databaseUrl,
        purge: config.cache.purgeUrl
          ? { url: config.cache.purgeUrl, token: config.cache.purgeToken }
          : undefined,
        log: app.log,
        onSettingsChange: reloadSettings,
      })
    : undefined;
  app.decorate("pageCache", cache);
  app.decorate("syncChanges", async () => {
    await follower?.sync();
  });
  app.addHook("onClose", async () => {
    await follower?.stop();
  });
  // A write must show on the next page the same person loads, even before the
  // change follower's next poll: every successful state change reads the feed.
  app.addHook("onSend", async (req, reply, payload) => {
    if (req.method !== "GET" && req.method !== "HEAD" && reply.statusCode < 400) await follower?.sync();
    return payload;
  });
  app.addHook("onRequest", async (req, reply) => {
    reply.headers(securityHeaders(pageKindOf(req.url), isTls(req.raw)));
    if (pages.serveCached(req, reply)) return reply;
    return undefined;
  });

  const scheduler: Scheduler = startScheduler(db, config.newsroom.schedulerMs, app.log);
  app.decorate("runScheduler", () => scheduler.tick());
  app.addHook("onClose", async () => scheduler.stop());

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(multipart, {
    limits: {
      fileSize: Math.max(config.newsroom.maxImageMb, config.newsroom.maxVideoMb) * 1024 * 1024,
      files: 1,
    },
  });
  await app.register(compress, { threshold: 1024, encodings: ["br", "gzip", "deflate"] });
  await app.register(fastifyStatic, {
    root: deps.media.root,
    prefix: "/media/",
    immutable: true,
    maxAge: "365d",
    index: false,
    list: false,
    wildcard: true,
  });

  app.setErrorHandler(async (error, req, reply) => {
    const err =
      error instanceof HttpError
        ? error
        : fromFastifyError(error as { code?: string; statusCode?: number; message: string });
    if (err.status === 404 && err.message === ERRORS.GZ_ERR_NOT_FOUND.message && !wantsJson(req))
      return reply.callNotFound();
    if (err.status >= 500) req.log.error({ err: error }, "request failed");
    return sendError(err, req, reply);
  });

  app.get("/healthz", async (_req, reply) => {
    const ok = await databaseUsable(db);
    return reply
      .code(ok ? 200 : 503)
      .header("cache-control", "no-store")
      .send(ok ? { status: "ok" } : { status: "unavailable", database: "not usable" });
  });

  app.get(cssHref, async (_req, reply) =>
    reply
      .type("text/css; charset=utf-8")
      .header("cache-control", "public, max-age=31536000, immutable")
      .send(css),
  );
  app.get(commentsScript.href, async (_req, reply) =>
    reply
      .type("text/javascript; charset=utf-8")
      .header("cache-control", "public, max-age=31536000, immutable")
      .send(commentsScript.js),
  );
  app.get("/assets/logo.svg", async (_req, reply) =>
    reply.type("image/svg+xml").header("cache-control", "public, max-age=86400").send(LOGO_SVG),
  );
  app.get("/assets/logo.png", async (_req, reply) =>
    reply
      .type("image/png")
      .header("cache-control", "public, max-age=86400")
      .send(await logoPng()),
  );

  const mailer = deps.mailer ?? createMailer(config.mail, app.log);
  newsroomRoutes(app, { config, db, media: deps.media, cssHref, reloadSettings, mailer });
  commentRoutes(app, {
    config,
    db,
    mailer,
    shell: async () => ({ site: config.site, sections: await listSections(db), cssHref }),
    pages,
    commentsScript: commentsScript.href,
  });
  readerRoutes(app, { config, db, media: deps.media, cssHref, pages, commentsScript: commentsScript.href });
  return app;
}
