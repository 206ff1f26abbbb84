/**
 * The wire desk over HTTP: the push endpoint agencies send to (its own
 * authentication: an HMAC-SHA256 signature of the body with the feed's
 * secret, or the secret as a bearer token — no session, no CSRF token), and
 * the admin API behind the newsroom's wire queue: items, their preview and
 * versions, "Use as draft", "Publish as is", a story's waiting agency update
 * (apply or ignore), what could not be read, and the feeds (admins).
 */
import { z } from "zod";
import { allowed } from "../../auth/permissions.ts";
import { hmacSha256Valid, sameSecret } from "../../auth/signatures.ts";
import { GazetteError } from "../../content/errors.ts";
import { wireFeedInputSchema } from "../../content/wire.ts";
import { changedParagraphs } from "../../content/story-diff.ts";
import { readNinjsItem } from "../../ingest/ninjs-read.ts";
import { WirePayloadError, readWirePayload } from "../../ingest/wire-formats.ts";
import {
  applyWireUpdate,
  breathe,
  dismissWireUpdate,
  receiveItem,
  storyWireState,
  useWireItem,
} from "../../ingest/wire-desk.ts";
import type { MediaStore } from "../../media/media-store.ts";
import type { Db } from "../../store/database.ts";
import { contentOf, storyById } from "../../store/story-store.ts";
import {
  type WireFeed,
  deleteFeed,
  feedById,
  feedBySlug,
  listFailures,
  listFeeds,
  listWireItems,
  pushSettings,
  recordFailure,
  saveFeed,
  setFeedEnabled,
  versionsOf,
  wireItemById,
  wireItemForStory,
} from "../../store/wire-store.ts";
import { endpoint, idParam, json } from "../../web/endpoint.ts";

export interface WireEndpointDeps {
  db: Db;
  media: MediaStore;
  maxPushBytes: number;
}

/** A feed as the newsroom sees it: never its secret. */
function feedJson(f: WireFeed) {
  const { secret, ...rest } = f;
  return { ...rest, hasSecret: secret !== null };
}

/** Is this push signed (or carrying the bearer token) with the feed's secret? */
export function pushAuthorised(secret: string, body: Buffer, headers: Record<string, unknown>): boolean {
  const sig = headers["x-gazette-signature"];
  if (typeof sig === "string") return hmacSha256Valid(secret, body, sig);
  const auth = headers["authorization"];
  if (typeof auth === "string" && /^bearer\s+/i.test(auth))
    return sameSecret(auth.replace(/^bearer\s+/i, ""), secret);
  return false;
}

const itemFilter = z.object({
  feed: z.coerce.number().int().positive().optional(),
  urgency: z.coerce.number().int().min(1).max(9).optional(),
  section: z
    .string()
    .regex(/^[a-z0-9-]{1,120}$/)
    .optional(),
  q: z.string().trim().max(200).optional(),
  state: z.enum(["new", "used", "all"]).default("all"),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function wireEndpoints(deps: WireEndpointDeps) {
  const { db } = deps;

  async function mustFeed(id: number): Promise<WireFeed> {
    const f = await feedById(db, id);
    if (!f) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no wire feed ${id}.`);
    return f;
  }

  return [
    endpoint({
      method: "POST",
      path: "/api/wire/push/:feed",
      access: "anyone",
      guard: "none",
      rawBody: { maxBytes: deps.maxPushBytes },
      responds: "json",
      status: 202,
      tag: "Wire",
      summary:
        "An agency pushes ninjs (an item, a list, an API envelope or a feed) to a push feed, signed with the feed's secret: X-Gazette-Signature: sha256=<hex HMAC-SHA256 of the body>, or Authorization: Bearer <secret>. 202 once every item is stored (or recorded as failed).",
      params: z.object({ feed: z.string().regex(/^[a-z0-9-]{1,120}$/, "must be a feed's slug") }),
      handler: async ({ params, body, req }) => {
        const feed = await feedBySlug(db, params.feed);
        // An unknown feed and a wrong secret answer alike: the endpoint tells a stranger nothing.
        const raw = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
        if (!feed || feed.kind !== "push" || !feed.secret || !pushAuthorised(feed.secret, raw, req.headers))
          throw new GazetteError("GZ_ERR_WIRE_SIGNATURE");
        if (!feed.enabled)
          throw new GazetteError(
            "GZ_ERR_UNAVAILABLE",
            `The feed ${feed.name} is switched off in the newsroom.`,
          );
        const max = pushSettings(feed).maxMegabytes * 1024 * 1024;
        if (raw.length > max)
          throw new GazetteError(
            "GZ_ERR_BODY_TOO_LARGE",
            `This feed takes pushes up to ${pushSettings(feed).maxMegabytes} MB.`,
          );
        const text = raw.toString("utf8");
        const source = `push ${feed.name} from ${req.ip}`;
        let payload;
        try {
          payload = readWirePayload(text);
        } catch (err) {
          if (!(err instanceof WirePayloadError)) throw err;
          await recordFailure(db, {
            feedId: feed.id,
            source,
            itemKey: null,
            error: err.message,
            excerpt: text.slice(0, 2000),
          });
          throw new GazetteError("GZ_ERR_BAD_JSON", `Nothing stored: ${err.message}`);
        }
        const items = [];
        for (const { label, raw: item } of payload.items) {
          await breathe();
          const r = await receiveItem({ db, media: deps.media }, feed, item, {
            source: `${source}${label ? ` ${label.replace(/: $/, "")}` : ""}`,
            baseDir: null,
            payloadWarnings: payload.warnings,
          });
          items.push({
            uri: r.uri,
            status: r.status,
            ...(r.reason ? { reason: r.reason } : {}),
            ...(r.error ? { error: r.error } : {}),
            ...(r.warnings ? { warnings: r.warnings } : {}),
          });
        }
        return json({ received: items.length, items }, 202);
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/wire/items",
      access: "wire.read",
      responds: "json",
      tag: "Wire",
      summary:
        "The wire queue, newest first: filter by feed, urgency (this or more urgent), section, text, used or not",
      query: itemFilter,
      handler: async ({ query }) => ({
        items: await listWireItems(db, {
          feedId: query.feed,
          urgency: query.urgency,
          section: query.section,
          q: query.q,
          state: query.state,
          before: query.before,
          limit: query.limit,
        }),
        feeds: (await listFeeds(db)).map((f) => ({
          id: f.id,
          name: f.name,
          trusted: f.trusted,
          kind: f.kind,
        })),
      }),
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/wire/items/:id",
      access: "wire.read",
      responds: "json",
      tag: "Wire",
      summary:
        "One wire item: what its newest version would make (headline, summary, body, byline, pictures), its versions, and what was left out",
      params: idParam,
      handler: async ({ params }) => {
        const item = await wireItemById(db, params.id);
        if (!item) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no wire item ${params.id}.`);
        const versions = await versionsOf(db, item.id);
        const latest = versions.find((v) => v.versionKey === item.latestVersion) ?? versions[0];
        const read = latest
          ? readNinjsItem(JSON.parse(latest.payload) as unknown, { fetchedBody: latest.fetchedBody })
          : undefined;
        const m = read?.ok ? read.mapped : undefined;
        const feed = item.feedId ? await feedById(db, item.feedId) : undefined;
        return {
          item,
          trusted: feed?.trusted ?? false,
          preview:
            m?.kind === "story"
              ? {
                  headline: m.story.headline,
                  summary: m.story.summary,
                  body: m.story.body,
                  byline: m.story.byline ?? null,
                  dateline: m.story.dateline ?? null,
                  embargoUntil: m.story.embargoUntil ?? null,
                  pictures: [m.hero, ...m.images.map((i) => i.image)]
                    .filter((p) => !!p)
                    .map((p) => ({ alt: p.alt, caption: p.caption ?? null, credit: p.credit ?? null })),
                  ednote: m.ednote ?? null,
                }
              : null,
          versions: versions.map((v) => ({
            versionKey: v.versionKey,
            ninjsVersion: v.ninjsVersion,
            receivedAt: v.receivedAt,
            source: v.source,
            warnings: v.warnings,
          })),
        };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/wire/items/:id/use",
      access: "story.create",
      responds: "json",
      tag: "Wire",
      summary:
        "Make a story from the item's newest version, linked to it and credited to the agency: a draft, or published at once (publish: true; editors, trusted feeds only). An item already used answers its story.",
      params: idParam,
      body: z.object({ publish: z.boolean().default(false) }),
      handler: async ({ params, body, user }) => {
        const item = await wireItemById(db, params.id);
        if (!item) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no wire item ${params.id}.`);
        const feed = item.feedId ? await feedById(db, item.feedId) : undefined;
        if (body.publish) {
          if (!allowed(user!.role, "story.publish"))
            throw new GazetteError("GZ_ERR_FORBIDDEN", "Publishing as is is for editors; use it as a draft.");
          if (!feed?.trusted)
            throw new GazetteError(
              "GZ_ERR_WIRE_ITEM",
              `${feed?.name ?? "This feed"} is not a trusted feed: use its items as drafts.`,
            );
        }
        return useWireItem({ db, media: deps.media }, item.id, {
          actor: { userId: user!.id, name: user!.name },
          publish: body.publish,
          feed,
        });
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/stories/:id/wire",
      access: "newsroom.read",
      responds: "json",
      tag: "Wire",
      summary:
        "The wire item a story was made from (null if none), and the agency's newer version waiting to be applied or ignored, as a word-level diff",
      params: idParam,
      handler: async ({ params }) => {
        const story = await storyById(db, params.id);
        if (!story) throw new GazetteError("GZ_ERR_STORY_NOT_FOUND");
        const item = await wireItemForStory(db, story.id);
        if (!item) return { wire: null };
        const state = await storyWireState({ db, media: deps.media }, item, contentOf(story));
        return {
          wire: {
            item: state.item,
            update: state.update
              ? {
                  version: state.update.version,
                  receivedAt: state.update.receivedAt,
                  text: state.update.diff.text.map((f) => ({ ...f, paragraphs: changedParagraphs(f.parts) })),
                  other: state.update.diff.other,
                }
              : null,
          },
        };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/wire/items/:id/apply",
      access: "story.publish",
      responds: "json",
      tag: "Wire",
      summary:
        "Apply the agency's newer version to the story made from the item (what the agency wrote is replaced; section, topics and settings stay)",
      params: idParam,
      handler: async ({ params, user }) =>
        applyWireUpdate({ db, media: deps.media }, params.id, { userId: user!.id, name: user!.name }),
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/wire/items/:id/dismiss",
      access: "story.publish",
      responds: "json",
      tag: "Wire",
      summary: "Ignore the agency's newer version (a later one is offered again)",
      params: idParam,
      handler: async ({ params }) => {
        await dismissWireUpdate({ db, media: deps.media }, params.id);
        return { ok: true };
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/wire/failures",
      access: "wire.read",
      responds: "json",
      tag: "Wire",
      summary: "What feeds brought that could not be read, newest first, with the reason",
      query: z.object({ feed: z.coerce.number().int().positive().optional() }),
      handler: async ({ query }) => ({ failures: await listFailures(db, 100, query.feed) }),
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/wire/feeds",
      access: "wire.manage",
      responds: "json",
      tag: "Wire",
      summary: "The wire feeds, with each one's state (last success, last error, failures in a row)",
      handler: async () => ({ feeds: (await listFeeds(db)).map(feedJson) }),
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/wire/feeds",
      access: "wire.manage",
      responds: "json",
      status: 201,
      tag: "Wire",
      summary: "Add a feed: a watch folder, a push endpoint (with its secret) or a polled URL",
      body: wireFeedInputSchema,
      handler: async ({ body }) => {
        const slug = body.slug ?? undefined;
        if (slug && (await feedBySlug(db, slug)))
          throw new GazetteError("GZ_ERR_DUPLICATE", `A feed already has the address ${slug}.`);
        if ((await listFeeds(db)).some((f) => f.name === body.name))
          throw new GazetteError("GZ_ERR_DUPLICATE", `A feed is already called ${body.name}.`);
        return json({ feed: feedJson(await saveFeed(db, body)) }, 201);
      },
    }),
    endpoint({
      method: "PUT",
      path: "/api/admin/wire/feeds/:id",
      access: "wire.manage",
      responds: "json",
      tag: "Wire",
      summary: "Change a feed (a feed from the config file is changed there, not here)",
      params: idParam,
      body: wireFeedInputSchema,
      handler: async ({ params, body }) => {
        const feed = await mustFeed(params.id);
        if (feed.fromConfig)
          throw new GazetteError(
            "GZ_ERR_WIRE_ITEM",
            `${feed.name} is defined in the config file: change it there.`,
          );
        return { feed: feedJson(await saveFeed(db, body, { id: feed.id })) };
      },
    }),
    endpoint({
      method: "PATCH",
      path: "/api/admin/wire/feeds/:id",
      access: "wire.manage",
      responds: "json",
      tag: "Wire",
      summary: "Switch a feed on or off (a feed that is off takes nothing: a push to it answers 503)",
      params: idParam,
      body: z.object({ enabled: z.boolean() }),
      handler: async ({ params, body }) => {
        const feed = await mustFeed(params.id);
        await setFeedEnabled(db, feed.id, body.enabled);
        return { feed: feedJson((await feedById(db, feed.id))!) };
      },
    }),
    endpoint({
      method: "DELETE",
      path: "/api/admin/wire/feeds/:id",
      access: "wire.manage",
      responds: "json",
      tag: "Wire",
      summary: "Remove a feed (its items stay in the queue)",
      params: idParam,
      handler: async ({ params }) => {
        const feed = await mustFeed(params.id);
        if (feed.fromConfig)
          throw new GazetteError(
            "GZ_ERR_WIRE_ITEM",
            `${feed.name} is defined in the config file: remove it there.`,
          );
        await deleteFeed(db, feed.id);
        return { ok: true };
      },
    }),
  ];
}
