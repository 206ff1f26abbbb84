/**
 * The composition root of the web app: `buildApp(deps)` wires the plugins,
 * the page cache and change follower, the scheduler, and every feature's
 * declared endpoints into one Fastify instance through the one request
 * pipeline (web/pipeline.ts); `listen` happens elsewhere (the CLI), so tests
 * use `app.inject()` without a port. Nothing imports this file but the CLI
 * and the tests.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import compress from "@fastify/compress";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import multipart from "@fastify/multipart";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { commentEndpoints } from "./comments/comment-endpoints.ts";
import { moderationEndpoints } from "./comments/moderation-endpoints.ts";
import path from "node:path";
import { type BulkMailer, createBulkMailer } from "./mail/bulk-mailer.ts";
import { newsletterAdminEndpoints } from "./newsletters/admin-endpoints.ts";
import { newsletterEndpoints } from "./newsletters/newsletter-endpoints.ts";
import { type PassResult, newsletterPass } from "./newsletters/newsletter-service.ts";
import { threadEndpoints } from "./comments/thread-endpoints.ts";
import type { Config } from "./config.ts";
import { GazetteError } from "./content/errors.ts";
import { type Mailer, createMailer } from "./mail/mailer.ts";
import type { MediaStore } from "./media/media-store.ts";
import { newsroomEndpoints } from "./newsroom/newsroom-endpoints.ts";
import { schedulerPass } from "./newsroom/scheduler.ts";
import { wireFeedsPass } from "./ingest/wire-feeds.ts";
import { syncConfigFeeds } from "./store/wire-store.ts";
import { readerEndpoints } from "./readers/reader-endpoints.ts";
import { readingEndpoints } from "./reading/page-endpoints.ts";
import { setMediaPublicUrl } from "./site/components.ts";
import {
  buildAdTagScript,
  buildAdsScript,
  buildCommentsScript,
  buildLiveScript,
} from "./site/comments-script.ts";
import type { Shell } from "./site/layout.ts";
import { renderError, renderNotFound } from "./site/list-pages.ts";
import { LOGO_SVG, logoPng } from "./site/logo.ts";
import { buildCss } from "./site/styles.ts";
import type { Db } from "./store/database.ts";
import { imagesByIds } from "./store/media-repo.ts";
import { forgetPagePolicy } from "./store/moderation-policy-store.ts";
import { setSearchLanguage } from "./store/search-store.ts";
import { applySettings, readSettings } from "./store/settings-store.ts";
import { listVisible } from "./store/story-queries.ts";
import { type Section, listSections } from "./store/taxonomy-store.ts";
import { type ChangeFollower, startChangeFollower } from "./web/change-follower.ts";
import { type Endpoint, asset, endpoint, json } from "./web/endpoint.ts";
import { statusOf, toGazetteError } from "./web/errors.ts";
import { z } from "zod";
import { healthCheck } from "./web/health.ts";
import { mediaResponse } from "./web/media-response.ts";
import { openApiDocument } from "./web/openapi.ts";
import { PageCache } from "./web/page-cache.ts";
import { pageSender, rawCacheHandler } from "./web/page-response.ts";
import { legacyRedirect } from "./store/import-store.ts";
import { registerEndpoints, wantsJson } from "./web/pipeline.ts";
import { AD_SERVER_HOSTS, type ThirdParty, pageKindOf, securityHeadersFor } from "./web/security-headers.ts";
import { type TrustFunction, isTls, trustFunction } from "./web/client-address.ts";
import type { AccessGate } from "./content/access.ts";
import { createAccessGate } from "./memberships/access-gate.ts";
import { membershipEndpoints } from "./memberships/membership-endpoints.ts";
import { membershipAdminEndpoints } from "./memberships/admin-endpoints.ts";
import { accessSigningKey } from "./store/membership-store.ts";
import { READER_COOKIE, SESSION_COOKIE } from "./web/sessions.ts";
import { type AdServer, createAdServer } from "./advertising/ad-server.ts";
import { adEndpoints } from "./advertising/ad-endpoints.ts";
import { adAdminEndpoints } from "./advertising/admin-endpoints.ts";
import { cacheKey } from "./store/cache-keys.ts";
import { ImportJobs } from "./newsroom/import-jobs.ts";
import { liveEndpoints } from "./live/live-endpoints.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** Reads the change feed now and drops stale pages (tests; the poller does it on its own). */
    syncChanges(): Promise<void>;
    pageCache: PageCache | undefined;
    /** Publishes due scheduled stories now (tests; the timer does it on its own). */
    runScheduler(): Promise<number[]>;
    /** Runs the due wire feeds (watch folders, polls) now (tests; the timer does it on its own). */
    runWireFeeds(): Promise<void>;
    /** Prepares due digests, queues due issues and sends what is queued, now (tests; the timer does it on its own). */
    runNewsletters(): Promise<PassResult>;
    /** Adds this process's ad counts to the database and rereads the campaigns (tests; the timer does it on its own). */
    flushAds(): Promise<void>;
    /** Imports started from the newsroom, running in this process. */
    imports: ImportJobs;
    /** Every declared endpoint the app serves (the OpenAPI document and the access tests read it). */
    endpoints: readonly Endpoint[];
    /** Every route Fastify registered, as "METHOD /path" (tests compare it with the endpoints). */
    registeredRoutes: readonly string[];
  }
}

export interface AppDeps {
  config: Config;
  db: Db;
  media: MediaStore;
  /** Outgoing email; made from `config.mail` when not given (tests pass one). */
  mailer?: Mailer;
  /** Newsletter sending; made from `config.mail` when not given. */
  bulkMailer?: BulkMailer;
  /** Fastify's logger: true in `gazette serve`, false in tests. */
  logger?: boolean;
  /** The access gate's clock (the meter's month, when the crawler list is looked at again); tests move it. */
  clock?: () => Date;
}

/** Every endpoint of every feature, given what they need. */
export function allEndpoints(deps: {
  config: Config;
  db: Db;
  media: MediaStore;
  mailer: Mailer;
  shell: (sections?: Section[]) => Promise<Shell>;
  commentsScript?: string | undefined;
  reloadSettings?: () => Promise<void>;
  bulkMailer: () => BulkMailer;
  kickNewsletters: () => void;
  access: { gate: AccessGate; trust: TrustFunction };
  adServer: AdServer;
  imports: ImportJobs;
}): Endpoint[] {
  return [
    ...adEndpoints(deps),
    ...adAdminEndpoints(deps),
    ...membershipEndpoints(deps),
    ...membershipAdminEndpoints(deps),
    ...newsletterEndpoints(deps),
    ...newsletterAdminEndpoints({ ...deps, kick: deps.kickNewsletters }),
    ...newsroomEndpoints(deps),
    ...moderationEndpoints(deps),
    ...readerEndpoints(deps),
    ...commentEndpoints(deps),
    ...threadEndpoints(deps),
    ...liveEndpoints(deps),
    ...readingEndpoints({ ...deps, ads: deps.adServer }),
  ];
}

/**
 * Runs a background pass every `everyMs` in this process (0: only when
 * `tick` is called, as the tests do). One pass at a time: a tick during a
 * pass shares it. A failed pass is logged and answers `fallback`; the next
 * tick tries again. `idle()` waits for a pass under way (when stopping).
 */
function repeat<T>(
  pass: () => Promise<T>,
  fallback: T,
  everyMs: number,
  log: { error(obj: object, msg: string): void },
  what: string,
): { tick(): Promise<T>; stop(): void; idle(): Promise<unknown> } {
  let running: Promise<T> | undefined;
  const tick = async () => {
    running ??= pass()
      .catch((err: unknown) => {
        log.error({ err }, `${what} pass failed; will retry`);
        return fallback;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = everyMs > 0 ? setInterval(() => void tick(), everyMs) : undefined;
  timer?.unref();
  if (everyMs > 0) void tick();
  return { tick, stop: () => timer && clearInterval(timer), idle: () => running ?? Promise.resolve() };
}

/** The hosts an ad server's tag and a consent platform load from (none without an ad server). */
function thirdPartyHosts(a: Config["advertising"]): ThirdParty | undefined {
  if (!a.adServer) return undefined;
  const hosts = AD_SERVER_HOSTS[a.adServer.kind];
  const cmp = a.consent.cmpScriptUrl ? [new URL(a.consent.cmpScriptUrl).origin] : [];
  return {
    script: [...hosts.script, ...cmp],
    frame: [...hosts.frame, ...cmp],
    connect: [...hosts.connect, ...cmp],
  };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db } = deps;
  const { css, href: cssHref } = buildCss(config.ads);
  const commentsScript = buildCommentsScript();
  const adsScript = buildAdsScript();
  const adTagScript = buildAdTagScript();
  const liveScript = buildLiveScript();
  const adServerConfig = config.advertising.adServer;
  const adTag = adServerConfig
    ? {
        script: adTagScript.href,
        config: {
          gpt: "https://securepubads.g.doubleclick.net/tag/js/gpt.js",
          adUnits: adServerConfig.adUnits,
          consent: {
            required: config.advertising.consent.required,
            ...(config.advertising.consent.cmpScriptUrl
              ? { cmp: config.advertising.consent.cmpScriptUrl }
              : {}),
          },
        },
      }
    : undefined;
  setSearchLanguage(config.site.language);
  setMediaPublicUrl(config.media.publicUrl);
  const shell = async (sections?: Section[]): Promise<Shell> => ({
    site: config.site,
    sections: sections ?? (await listSections(db)),
    cssHref,
    adsScript: adsScript.href,
    liveScript: liveScript.href,
    adTag,
  });

  /** Any error as `{error: {code, message, fields?}}` or as the site's page (a 404 with the latest stories). */
  async function sendError(err: GazetteError, req: FastifyRequest, reply: FastifyReply) {
    const status = statusOf(err);
    reply.code(status).header("cache-control", "no-store");
    if (err.code === "GZ_ERR_STORAGE") reply.header("retry-after", "60");
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
    if (status === 404 && (req.method === "GET" || req.method === "HEAD")) {
      // An old site's address (an imported archive's permalink) answers with where it went.
      const to = await legacyRedirect(db, req.url).catch(() => undefined);
      if (to)
        return reply.code(301).header("location", to).header("cache-control", "public, max-age=3600").send();
    }
    reply.type("text/html; charset=utf-8");
    const sections = await listSections(db).catch(() => []);
    const page = { site: config.site, sections, cssHref };
    if (status !== 404) return reply.send(renderError(page, status, err.message));
    const { items } = await listVisible(db, { kind: "all" }, { limit: 3, offset: 0, count: false }).catch(
      () => ({
        items: [],
      }),
    );
    const images = await imagesByIds(
      db,
      items.flatMap((t) => (t.heroImageId ? [t.heroImageId] : [])),
    ).catch(() => new Map());
    const path = req.url.split("?")[0] ?? "/";
    return reply.send(renderNotFound(page, path, items, images, err.specific ? err.message : undefined));
  }

  const clock = deps.clock;
  const cache = config.cache.enabled
    ? new PageCache(config.cache.maxEntries, clock ? () => clock().getTime() : Date.now)
    : undefined;
  // Forwarded headers count only from the proxies the operator named (default: none).
  const trust = trustFunction(config.trustProxy);
  const log = { warn: (obj: object, msg: string) => app.log.warn(obj, msg) };
  const gate = createAccessGate({
    db,
    key: await accessSigningKey(db),
    timeZone: config.site.timeZone,
    limits: config.memberships.meter,
    graceDays: config.memberships.pastDueGraceDays,
    crawlerRangesFile: config.memberships.crawlerRangesFile,
    readerCookie: READER_COOKIE,
    newsroomCookie: SESSION_COOKIE,
    // Entitlements may be kept in memory only where the change feed is followed (the page cache on).
    cacheEntitlements: !!cache,
    log,
    ...(deps.clock ? { now: deps.clock } : {}),
  });
  // The reader pages' CSP names an ad server's hosts (and its consent platform's) only when one is configured.
  const headers = securityHeadersFor(thirdPartyHosts(config.advertising));
  const adServer = createAdServer({
    db,
    rules: () => config.ads,
    timeZone: () => config.site.timeZone,
    ...(deps.clock ? { now: deps.clock } : {}),
    log,
    // A campaign started, ended or spent its budget: this process's pages with ad slots go.
    onServingChange: () => cache?.invalidate([cacheKey.ads]),
  });
  const app = Fastify({
    // Cache hits are answered on the raw request, before routing (see rawCacheHandler).
    ...(cache
      ? {
          serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
            http.createServer(rawCacheHandler(cache, handler, trust, gate, adServer, headers)),
        }
      : {}),
    logger: deps.logger ? { level: config.logLevel } : false,
    bodyLimit: 1024 * 1024,
    trustProxy: trust,
    // Malformed URLs (bad percent-encoding) get our 400 page, not Fastify's default.
    frameworkErrors: (error, req, reply) => {
      void sendError(toGazetteError(error), req, reply);
    },
  });

  // Settings an admin changed in the newsroom, over the configuration file's values.
  const fileSettings = { site: { ...config.site }, ads: { ...config.ads } };
  const reloadSettings = async () => {
    forgetPagePolicy(db);
    applySettings(config, fileSettings, await readSettings(db));
  };
  await reloadSettings();

  const pages = pageSender(cache, config, trust, gate, adServer);
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
        onMembershipsChange: () => gate.forget(),
        onEntitlementsChange: () => gate.forgetEntitlements(),
        onAdsChange: () => adServer.forget(),
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
    if (
      req.method !== "GET" &&
      req.method !== "HEAD" &&
      reply.statusCode < 400 &&
      !req.routeOptions.config?.countOnly
    )
      await follower?.sync();
    return payload;
  });
  app.addHook("onRequest", async (req, reply) => {
    reply.headers(headers(pageKindOf(req.url), isTls(req.raw, trust)));
    if (await pages.serveCached(req, reply)) return reply;
    return undefined;
  });
  app.addHook("onResponse", async (req) => pages.done(req));

  const scheduler = repeat(
    () => schedulerPass(db, app.log),
    [],
    config.newsroom.schedulerMs,
    app.log,
    "scheduler",
  );
  app.decorate("runScheduler", () => scheduler.tick());
  app.addHook("onClose", async () => scheduler.stop());

  await syncConfigFeeds(db, config.wire.feeds);
  const wireFeeds = repeat(
    wireFeedsPass({ db, media: deps.media, log: app.log }, config.wire.leaseSeconds * 1000),
    undefined,
    config.wire.runnerMs,
    app.log,
    "wire feeds",
  );
  app.decorate("runWireFeeds", () => wireFeeds.tick());
  app.addHook("onClose", async () => wireFeeds.stop());

  let bulkMailer = deps.bulkMailer;
  const getBulkMailer = () =>
    (bulkMailer ??= createBulkMailer(config.mail, {
      connections: config.newsletters.connections,
      outboxDir: path.join(config.dataDir, "outbox"),
    }));
  let closing = false;
  const newsletterRuns = repeat(
    () =>
      newsletterPass(
        { db, config, mailer: getBulkMailer(), log: app.log },
        { stopping: () => closing, budgetMs: 30_000 },
      ),
    { queued: [], sent: 0, failed: 0, finished: [] },
    config.newsletters.runnerMs,
    app.log,
    "newsletters",
  );
  app.decorate("runNewsletters", () => newsletterRuns.tick());
  app.addHook("onClose", async () => {
    closing = true;
    newsletterRuns.stop();
    // A pass under way finishes its messages in flight and hands back the rest of its batch.
    await newsletterRuns.idle();
    if (!deps.bulkMailer) bulkMailer?.close();
  });

  const adCounts = repeat(
    () => adServer.flush(),
    undefined,
    config.advertising.flushMs,
    app.log,
    "ad counts",
  );
  app.decorate("flushAds", () => adCounts.tick());
  app.addHook("onClose", async () => {
    adCounts.stop();
    await adCounts.idle();
    // What this process counted since the last flush is not lost when it stops.
    await adServer.flush().catch((err: unknown) => app.log.error({ err }, "ad counts not saved"));
  });

  const imports = new ImportJobs({ db, media: deps.media, config, log: app.log });
  app.decorate("imports", imports);
  // An import under way stops after its current batch; it is continued later from its checkpoint.
  app.addHook("onClose", () => imports.close());

  const registeredRoutes: string[] = [];
  app.decorate("registeredRoutes", registeredRoutes);
  app.addHook("onRoute", (r) => {
    for (const m of [r.method].flat()) registeredRoutes.push(`${m} ${r.url}`);
  });

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(multipart, {
    limits: {
      fileSize: Math.max(config.newsroom.maxImageMb, config.newsroom.maxVideoMb) * 1024 * 1024,
      files: 1,
    },
  });
  await app.register(compress, { threshold: 1024, encodings: ["br", "gzip", "deflate"] });

  app.setErrorHandler(async (error, req, reply) => {
    const err = toGazetteError(error);
    if (statusOf(err) >= 500) req.log.error({ err: error }, "request failed");
    return sendError(err, req, reply);
  });
  app.setNotFoundHandler(async (req, reply) => sendError(new GazetteError("GZ_ERR_NOT_FOUND"), req, reply));

  const mailer = deps.mailer ?? createMailer(config.mail, app.log);
  const health = healthCheck({
    db,
    media: deps.media,
    sqliteDir: config.databaseUrl ? undefined : config.dataDir,
    log: app.log,
  });
  const features = allEndpoints({
    config,
    db,
    media: deps.media,
    mailer,
    shell,
    commentsScript: commentsScript.href,
    reloadSettings,
    bulkMailer: getBulkMailer,
    kickNewsletters: () => void newsletterRuns.tick(),
    imports,
    access: { gate, trust },
    adServer,
  });
  const immutable = "public, max-age=31536000, immutable";
  const site: Endpoint[] = [
    endpoint({
      method: "GET",
      path: "/healthz",
      access: "anyone",
      responds: "json",
      tag: "Operations",
      summary:
        "200 when the database and the media store both take writes; 503 naming which does not (full, read-only, permission denied, I/O error, failing, not answering). With this process's page cache figures: entries, hits, misses, renders, and requests that waited for another's render of the same page",
      handler: async () => {
        // With what the page cache did since the process started (how many renders readers cost).
        const report = { ...(await health()), ...(cache ? { pageCache: cache.stats() } : {}) };
        return report.status === "ok" ? report : json(report, 503);
      },
    }),
    endpoint({
      method: "GET",
      path: "/media/*",
      access: "anyone",
      responds: "asset",
      tag: "Assets",
      summary:
        "A media file from the media store (a picture in one size, a video): immutable, with an ETag and byte ranges",
      params: z.object({ "*": z.string() }),
      handler: async ({ params, req }) => mediaResponse(deps.media, params["*"], req),
    }),
    endpoint({
      method: "GET",
      path: cssHref,
      access: "anyone",
      responds: "asset",
      tag: "Assets",
      summary: "The stylesheet (its URL carries its content hash)",
      handler: async () => asset(css, "text/css; charset=utf-8", immutable),
    }),
    endpoint({
      method: "GET",
      path: commentsScript.href,
      access: "anyone",
      responds: "asset",
      tag: "Assets",
      summary: "The comments enhancement script (its URL carries its content hash)",
      handler: async () => asset(commentsScript.js, "text/javascript; charset=utf-8", immutable),
    }),
    endpoint({
      method: "GET",
      path: adsScript.href,
      access: "anyone",
      responds: "asset",
      tag: "Assets",
      summary: "The viewability script for pages with campaign ads (its URL carries its content hash)",
      handler: async () => asset(adsScript.js, "text/javascript; charset=utf-8", immutable),
    }),
    endpoint({
      method: "GET",
      path: liveScript.href,
      access: "anyone",
      responds: "asset",
      tag: "Assets",
      summary:
        "The live page's script: new, edited and deleted posts without a reload (its URL carries its content hash)",
      handler: async () => asset(liveScript.js, "text/javascript; charset=utf-8", immutable),
    }),
    endpoint({
      method: "GET",
      path: adTagScript.href,
      access: "anyone",
      responds: "asset",
      tag: "Assets",
      summary:
        "The ad server's tag and consent notice, for sites with an ad server (its URL carries its content hash)",
      handler: async () => asset(adTagScript.js, "text/javascript; charset=utf-8", immutable),
    }),
    endpoint({
      method: "GET",
      path: "/assets/logo.svg",
      access: "anyone",
      responds: "asset",
      tag: "Assets",
      summary: "The logo (SVG)",
      handler: async () => asset(LOGO_SVG, "image/svg+xml", "public, max-age=86400"),
    }),
    endpoint({
      method: "GET",
      path: "/assets/logo.png",
      access: "anyone",
      responds: "asset",
      tag: "Assets",
      summary: "The logo (PNG, for feeds and structured data)",
      handler: async () => asset(await logoPng(), "image/png", "public, max-age=86400"),
    }),
    endpoint({
      method: "GET",
      path: "/robots.txt",
      access: "anyone",
      responds: "asset",
      tag: "Assets",
      summary: "robots.txt: the newsroom and the API are not for crawlers; where the sitemaps are",
      handler: async () =>
        asset(
          `User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /api/\n\nSitemap: ${config.site.baseUrl}/sitemap.xml\nSitemap: ${config.site.baseUrl}/sitemap-news.xml\n`,
          "text/plain; charset=utf-8",
          "public, max-age=3600",
        ),
    }),
  ];
  let openapi = "";
  const openApiEndpoint: Endpoint = endpoint({
    method: "GET",
    path: "/api/openapi.json",
    access: "anyone",
    responds: "json",
    tag: "Operations",
    summary: "This document: every JSON endpoint, admin and public",
    handler: async () => asset(openapi, "application/json", "public, max-age=300"),
  });
  const endpoints: Endpoint[] = [...features, ...site, openApiEndpoint];
  openapi = JSON.stringify(openApiDocument(endpoints, config.site.baseUrl));
  app.decorate("endpoints", endpoints);
  registerEndpoints(app, { db, pages }, endpoints);
  return app;
}
