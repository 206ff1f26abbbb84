/**
 * The wire desk's tables: feeds, items (one per agency item, keyed by its
 * uri/guid, whichever feed or how often it came), every version as sent,
 * what could not be read, and the lease on a feed's run that lets several
 * app processes share the feeds without running one twice at once (claimed
 * in the database, as the scheduler claims a story). Items are stored
 * idempotently, so a run that dies half-way is simply run again.
 */
import { sql } from "kysely";
import type { Selectable } from "kysely";
import { slugify } from "../content/slug.ts";
import type {
  FolderSettings,
  PollSettings,
  PushSettings,
  WireFeedKind,
  WireFeedSpec,
} from "../content/wire.ts";
import type { Db } from "./database.ts";
import type { WireFeedTable, WireItemTable } from "./schema.ts";

export interface WireFeed {
  id: number;
  name: string;
  slug: string;
  kind: WireFeedKind;
  settings: Record<string, unknown>;
  secret: string | null;
  sectionSlug: string | null;
  topicNames: string[];
  mode: "queue" | "publish";
  trusted: boolean;
  killRule: "alert" | "unpublish";
  priority: number;
  enabled: boolean;
  fromConfig: boolean;
  etag: string | null;
  lastModified: string | null;
  cursor: string | null;
  nextRunAt: string | null;
  failures: number;
  lastError: string | null;
  lastSuccessAt: string | null;
}

export const folderSettings = (f: WireFeed) => f.settings as FolderSettings;
export const pollSettings = (f: WireFeed) => f.settings as PollSettings;
export const pushSettings = (f: WireFeed) => f.settings as PushSettings;

function feedOf(r: Selectable<WireFeedTable>): WireFeed {
  return {
    id: r.id,
    name: r.name,
    slug: r.slug,
    kind: r.kind as WireFeedKind,
    settings: JSON.parse(r.settings) as Record<string, unknown>,
    secret: r.secret,
    sectionSlug: r.section_slug,
    topicNames: JSON.parse(r.topic_names) as string[],
    mode: r.mode === "publish" ? "publish" : "queue",
    trusted: r.trusted === 1 || r.mode === "publish",
    killRule: r.kill_rule === "unpublish" ? "unpublish" : "alert",
    priority: r.priority,
    enabled: r.enabled === 1,
    fromConfig: r.from_config === 1,
    etag: r.etag,
    lastModified: r.last_modified,
    cursor: r.cursor,
    nextRunAt: r.next_run_at,
    failures: r.failures,
    lastError: r.last_error,
    lastSuccessAt: r.last_success_at,
  };
}

export async function listFeeds(db: Db): Promise<WireFeed[]> {
  const rows = await db.selectFrom("wire_feeds").selectAll().orderBy("priority").orderBy("name").execute();
  return rows.map(feedOf);
}

export async function feedById(db: Db, id: number): Promise<WireFeed | undefined> {
  const r = await db.selectFrom("wire_feeds").selectAll().where("id", "=", id).executeTakeFirst();
  return r ? feedOf(r) : undefined;
}

export async function feedBySlug(db: Db, slug: string): Promise<WireFeed | undefined> {
  const r = await db.selectFrom("wire_feeds").selectAll().where("slug", "=", slug).executeTakeFirst();
  return r ? feedOf(r) : undefined;
}

function feedRow(spec: WireFeedSpec, now: string) {
  return {
    name: spec.name,
    slug: spec.slug ?? slugify(spec.name),
    kind: spec.kind,
    settings: JSON.stringify(spec.settings),
    secret: spec.kind === "push" ? spec.secret : null,
    section_slug: spec.sectionSlug ?? null,
    topic_names: JSON.stringify(spec.topicNames),
    mode: spec.mode,
    trusted: spec.trusted || spec.mode === "publish" ? 1 : 0,
    kill_rule: spec.killRule,
    priority: spec.priority,
    enabled: spec.enabled ? 1 : 0,
    updated_at: now,
  };
}

/** A new feed's run state: never run, nothing cached. */
const freshRunState = {
  etag: null,
  last_modified: null,
  cursor: null,
  next_run_at: null,
  failures: 0,
  last_error: null,
  last_success_at: null,
  claimed_by: null,
  claimed_until: null,
};

/** Adds a feed; a feed of the config file replaces the stored one of the same name. */
export async function saveFeed(
  db: Db,
  spec: WireFeedSpec,
  opts: { id?: number; fromConfig?: boolean; now?: Date } = {},
): Promise<WireFeed> {
  const now = (opts.now ?? new Date()).toISOString();
  const row = feedRow(spec, now);
  const existing = opts.id
    ? await feedById(db, opts.id)
    : opts.fromConfig
      ? await db
          .selectFrom("wire_feeds")
          .selectAll()
          .where("name", "=", spec.name)
          .executeTakeFirst()
          .then((r) => (r ? feedOf(r) : undefined))
      : undefined;
  if (existing) {
    const changedSource = JSON.stringify(existing.settings) !== row.settings || existing.kind !== row.kind;
    await db
      .updateTable("wire_feeds")
      .set({
        ...row,
        from_config: opts.fromConfig ? 1 : existing.fromConfig ? 1 : 0,
        // A feed pointed elsewhere starts afresh (no stale ETag or cursor, no backoff).
        ...(changedSource
          ? { etag: null, last_modified: null, cursor: null, failures: 0, next_run_at: null }
          : {}),
      })
      .where("id", "=", existing.id)
      .execute();
    return (await feedById(db, existing.id))!;
  }
  const r = await db
    .insertInto("wire_feeds")
    .values({ ...row, ...freshRunState, from_config: opts.fromConfig ? 1 : 0, created_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  return (await feedById(db, r.id))!;
}

/**
 * The config file's feeds, created or updated by name on start (the file
 * wins over newsroom edits). Several processes may start together: a lost
 * race to create a feed is harmless, the next pass finds the winner's row.
 */
export async function syncConfigFeeds(db: Db, feeds: readonly WireFeedSpec[]): Promise<void> {
  for (const spec of feeds) {
    try {
      await saveFeed(db, spec, { fromConfig: true });
    } catch {
      await saveFeed(db, spec, { fromConfig: true });
    }
  }
}

export async function setFeedEnabled(db: Db, id: number, enabled: boolean): Promise<void> {
  await db
    .updateTable("wire_feeds")
    .set({
      enabled: enabled ? 1 : 0,
      updated_at: new Date().toISOString(),
      ...(enabled ? { next_run_at: null } : {}),
    })
    .where("id", "=", id)
    .execute();
}

export async function deleteFeed(db: Db, id: number): Promise<void> {
  await db.deleteFrom("wire_feeds").where("id", "=", id).execute();
}

/** The feed `gazette import` files its items under (made on first use). */
export async function importFeed(db: Db): Promise<WireFeed> {
  const found = await feedBySlug(db, "command-line-import");
  if (found) return found;
  const now = new Date().toISOString();
  await db
    .insertInto("wire_feeds")
    .values({
      name: "Command-line import",
      slug: "command-line-import",
      kind: "import",
      settings: "{}",
      secret: null,
      section_slug: null,
      topic_names: "[]",
      mode: "publish",
      trusted: 1,
      kill_rule: "unpublish",
      priority: 9,
      enabled: 1,
      from_config: 0,
      ...freshRunState,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column("slug").doNothing())
    .execute();
  return (await feedBySlug(db, "command-line-import"))!;
}

// ---------------------------------------------------------------- claims

/**
 * Leases a feed's next run to this process when it is due and nobody holds
 * it (or the holder's lease ran out: it died). Returns false otherwise.
 */
export async function claimFeedRun(
  db: Db,
  feedId: number,
  by: string,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const at = now.toISOString();
  const r = await db
    .updateTable("wire_feeds")
    .set({ claimed_by: by, claimed_until: new Date(now.getTime() + leaseMs).toISOString() })
    .where("id", "=", feedId)
    .where("enabled", "=", 1)
    .where((eb) => eb.or([eb("next_run_at", "is", null), eb("next_run_at", "<=", at)]))
    .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<", at)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Extends this process's lease on a feed's run; false when it lost it (it ran out and another process took over). */
export async function renewFeedRun(
  db: Db,
  feedId: number,
  by: string,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const r = await db
    .updateTable("wire_feeds")
    .set({ claimed_until: new Date(now.getTime() + leaseMs).toISOString() })
    .where("id", "=", feedId)
    .where("claimed_by", "=", by)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface FeedRunOutcome {
  nextRunAt: string;
  failures: number;
  lastError: string | null;
  etag?: string | null | undefined;
  lastModified?: string | null | undefined;
  cursor?: string | null | undefined;
  succeeded: boolean;
}

export async function finishFeedRun(
  db: Db,
  feedId: number,
  by: string,
  o: FeedRunOutcome,
  now: Date,
): Promise<void> {
  await db
    .updateTable("wire_feeds")
    .set({
      claimed_by: null,
      claimed_until: null,
      next_run_at: o.nextRunAt,
      failures: o.failures,
      last_error: o.lastError,
      ...(o.etag !== undefined ? { etag: o.etag } : {}),
      ...(o.lastModified !== undefined ? { last_modified: o.lastModified } : {}),
      ...(o.cursor !== undefined ? { cursor: o.cursor } : {}),
      ...(o.succeeded ? { last_success_at: now.toISOString() } : {}),
    })
    .where("id", "=", feedId)
    .where("claimed_by", "=", by)
    .execute();
}

// ---------------------------------------------------------------- items

export interface WireItemFields {
  key: string;
  kind: "story" | "media" | "skip";
  headline: string;
  summary: string;
  searchText: string;
  urgency: number | null;
  priority: number | null;
  pubstatus: string;
  embargoUntil: string | null;
  skipReason: string | null;
  sentAt: string | null;
}

export interface NewVersion {
  feedId: number | null;
  versionKey: string;
  ninjsVersion: string;
  payload: string;
  baseDir: string | null;
  fetchedBody?: string | null | undefined;
  warnings: string[];
  source: string;
}

export interface StoredVersion {
  itemId: number;
  /** The item was new to the desk. */
  newItem: boolean;
  /** This exact version was new (false: a repeat, nothing stored). */
  newVersion: boolean;
  /** This version is now the item's latest. */
  latest: boolean;
}

/**
 * Stores one version of an item, once: a repeat of a version already here
 * (the same feed every minute, or two processes taking the same file)
 * stores nothing. The item's summary fields follow its newest version.
 * `newer(a, b)` orders version keys (ninjs-mapper compareVersions).
 */
export async function storeVersion(
  db: Db,
  fields: WireItemFields,
  v: NewVersion,
  newer: (a: string, b: string) => number,
  now = new Date(),
): Promise<StoredVersion> {
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const summary = {
      kind: fields.kind,
      headline: fields.headline.slice(0, 1000),
      summary: fields.summary.slice(0, 2000),
      search_text: fields.searchText.slice(0, 20_000),
      urgency: fields.urgency,
      priority: fields.priority,
      pubstatus: fields.pubstatus,
      embargo_until: fields.embargoUntil,
      skip_reason: fields.skipReason,
      sent_at: fields.sentAt,
    };
    const inserted = await trx
      .insertInto("wire_items")
      .values({
        item_key: fields.key,
        feed_id: v.feedId,
        ...summary,
        latest_version: v.versionKey,
        version_count: 0,
        first_received_at: at,
        received_at: at,
      })
      .onConflict((oc) => oc.column("item_key").doNothing())
      .returning("id")
      .executeTakeFirst();
    const item = await trx
      .selectFrom("wire_items")
      .select(["id", "latest_version", "version_count"])
      .where("item_key", "=", fields.key)
      .executeTakeFirstOrThrow();
    const version = await trx
      .insertInto("wire_versions")
      .values({
        wire_item_id: item.id,
        version_key: v.versionKey,
        feed_id: v.feedId,
        ninjs_version: v.ninjsVersion,
        payload: v.payload,
        base_dir: v.baseDir,
        fetched_body: v.fetchedBody ?? null,
        warnings: JSON.stringify(v.warnings),
        source: v.source.slice(0, 1000),
        received_at: at,
      })
      .onConflict((oc) => oc.columns(["wire_item_id", "version_key"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!version) return { itemId: item.id, newItem: false, newVersion: false, latest: false };
    const latest = item.version_count === 0 || newer(v.versionKey, item.latest_version) > 0;
    await trx
      .updateTable("wire_items")
      .set({
        version_count: item.version_count + 1,
        received_at: at,
        ...(latest ? { ...summary, latest_version: v.versionKey } : {}),
      })
      .where("id", "=", item.id)
      .execute();
    return { itemId: item.id, newItem: !!inserted, newVersion: true, latest };
  });
}

export async function recordFailure(
  db: Db,
  f: { feedId: number | null; source: string; itemKey: string | null; error: string; excerpt: string },
  now = new Date(),
): Promise<void> {
  await db
    .insertInto("wire_failures")
    .values({
      feed_id: f.feedId,
      source: f.source.slice(0, 1000),
      item_key: f.itemKey?.slice(0, 500) ?? null,
      error: f.error.slice(0, 4000),
      excerpt: f.excerpt.slice(0, 4000),
      received_at: now.toISOString(),
    })
    .execute();
}

export interface WireItem {
  id: number;
  key: string;
  feedId: number | null;
  feedName: string | null;
  kind: "story" | "media" | "skip";
  headline: string;
  summary: string;
  urgency: number | null;
  priority: number | null;
  pubstatus: string;
  embargoUntil: string | null;
  skipReason: string | null;
  latestVersion: string;
  /** When the agency sent the newest version, if it said. */
  sentAt: string | null;
  versionCount: number;
  storyId: number | null;
  appliedVersion: string | null;
  appliedRevision: number | null;
  dismissedVersion: string | null;
  media: { kind: "image" | "video"; id: number } | null;
  firstReceivedAt: string;
  receivedAt: string;
  /** A version newer than the one the story was made from, not dismissed. */
  updatePending: boolean;
}

/** A version newer than the one applied to the item's story waits: not dismissed, not a kill. */
function updateWaits(
  r: Pick<
    Selectable<WireItemTable>,
    "story_id" | "applied_version" | "latest_version" | "dismissed_version" | "pubstatus"
  >,
): boolean {
  return (
    r.story_id !== null &&
    r.applied_version !== null &&
    r.latest_version !== r.applied_version &&
    r.latest_version !== r.dismissed_version &&
    r.pubstatus === "usable"
  );
}

function itemOf(r: Selectable<WireItemTable> & { feed_name: string | null }): WireItem {
  return {
    id: r.id,
    key: r.item_key,
    feedId: r.feed_id,
    feedName: r.feed_name,
    kind: r.kind as WireItem["kind"],
    headline: r.headline,
    summary: r.summary,
    urgency: r.urgency,
    priority: r.priority,
    pubstatus: r.pubstatus,
    embargoUntil: r.embargo_until,
    skipReason: r.skip_reason,
    latestVersion: r.latest_version,
    sentAt: r.sent_at,
    versionCount: r.version_count,
    storyId: r.story_id,
    appliedVersion: r.applied_version,
    appliedRevision: r.applied_revision,
    dismissedVersion: r.dismissed_version,
    media: r.media_kind && r.media_id ? { kind: r.media_kind as "image" | "video", id: r.media_id } : null,
    firstReceivedAt: r.first_received_at,
    receivedAt: r.received_at,
    updatePending: updateWaits(r),
  };
}

const itemQuery = (db: Db) =>
  db
    .selectFrom("wire_items")
    .leftJoin("wire_feeds", "wire_feeds.id", "wire_items.feed_id")
    .selectAll("wire_items")
    .select("wire_feeds.name as feed_name");

/**
 * The queue's search text: lower case, words separated by single spaces,
 * with a space in front, so that a search matches the start of words
 * ("harb" finds "Harbour"; "b" does not find "about").
 */
export function searchable(text: string): string {
  return ` ${text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()}`;
}

export interface WireFilter {
  feedId?: number | undefined;
  /** Items of this urgency or more urgent (1 is the most urgent). */
  urgency?: number | undefined;
  /** Items from feeds whose stories go to this section. */
  section?: string | undefined;
  q?: string | undefined;
  /** new: not used yet; used: a story was made from it. */
  state?: "new" | "used" | "all" | undefined;
  limit: number;
  /** Items received before this id (paging). */
  before?: number | undefined;
}

/** The queue, newest first. */
export async function listWireItems(db: Db, f: WireFilter): Promise<WireItem[]> {
  let q = itemQuery(db)
    .orderBy("wire_items.received_at", "desc")
    .orderBy("wire_items.id", "desc")
    .limit(f.limit);
  if (f.feedId) q = q.where("wire_items.feed_id", "=", f.feedId);
  if (f.urgency) q = q.where("wire_items.urgency", "<=", f.urgency);
  if (f.section) q = q.where("wire_feeds.section_slug", "=", f.section);
  if (f.state === "new")
    q = q.where("wire_items.story_id", "is", null).where("wire_items.kind", "=", "story");
  if (f.state === "used") q = q.where("wire_items.story_id", "is not", null);
  if (f.before) q = q.where("wire_items.id", "<", f.before);
  if (f.q) {
    for (const word of searchable(f.q).split(" ").filter(Boolean).slice(0, 8)) {
      const like = `% ${word}%`;
      q = q.where(sql<boolean>`wire_items.search_text like ${like}`);
    }
  }
  return (await q.execute()).map(itemOf);
}

export async function wireItemById(db: Db, id: number): Promise<WireItem | undefined> {
  const r = await itemQuery(db).where("wire_items.id", "=", id).executeTakeFirst();
  return r ? itemOf(r) : undefined;
}

export async function wireItemByKey(db: Db, key: string): Promise<WireItem | undefined> {
  const r = await itemQuery(db).where("wire_items.item_key", "=", key).executeTakeFirst();
  return r ? itemOf(r) : undefined;
}

/** The wire item a story was made from, if any. */
export async function wireItemForStory(db: Db, storyId: number): Promise<WireItem | undefined> {
  const r = await itemQuery(db).where("wire_items.story_id", "=", storyId).executeTakeFirst();
  return r ? itemOf(r) : undefined;
}

export interface WireVersion {
  id: number;
  versionKey: string;
  feedId: number | null;
  ninjsVersion: string;
  payload: string;
  baseDir: string | null;
  fetchedBody: string | null;
  warnings: string[];
  source: string;
  receivedAt: string;
}

export async function versionsOf(db: Db, itemId: number): Promise<WireVersion[]> {
  const rows = await db
    .selectFrom("wire_versions")
    .selectAll()
    .where("wire_item_id", "=", itemId)
    .orderBy("id", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    versionKey: r.version_key,
    feedId: r.feed_id,
    ninjsVersion: r.ninjs_version,
    payload: r.payload,
    baseDir: r.base_dir,
    fetchedBody: r.fetched_body,
    warnings: JSON.parse(r.warnings) as string[],
    source: r.source,
    receivedAt: r.received_at,
  }));
}

/** Of these stories, those with an agency update waiting to be applied or ignored. */
export async function storiesWithWaitingUpdates(db: Db, storyIds: readonly number[]): Promise<Set<number>> {
  if (storyIds.length === 0) return new Set();
  const rows = await db
    .selectFrom("wire_items")
    .select(["story_id", "latest_version", "applied_version", "dismissed_version", "pubstatus"])
    .where("story_id", "in", [...new Set(storyIds)])
    .execute();
  return new Set(rows.filter(updateWaits).map((r) => r.story_id!));
}

/** Links an item to the story made from it, with the version and story revision applied. */
export async function linkStory(
  db: Db,
  itemId: number,
  link: { storyId: number; version: string; revision: number },
): Promise<void> {
  await db
    .updateTable("wire_items")
    .set({ story_id: link.storyId, applied_version: link.version, applied_revision: link.revision })
    .where("id", "=", itemId)
    .execute();
}

export async function dismissVersion(db: Db, itemId: number, version: string): Promise<void> {
  await db.updateTable("wire_items").set({ dismissed_version: version }).where("id", "=", itemId).execute();
}

export async function setItemMedia(
  db: Db,
  itemId: number,
  media: { kind: "image" | "video"; id: number },
): Promise<void> {
  await db
    .updateTable("wire_items")
    .set({ media_kind: media.kind, media_id: media.id })
    .where("id", "=", itemId)
    .execute();
}

export interface WireFailure {
  id: number;
  feedId: number | null;
  source: string;
  itemKey: string | null;
  error: string;
  excerpt: string;
  receivedAt: string;
}

export async function listFailures(db: Db, limit: number, feedId?: number): Promise<WireFailure[]> {
  let q = db.selectFrom("wire_failures").selectAll().orderBy("id", "desc").limit(limit);
  if (feedId) q = q.where("feed_id", "=", feedId);
  return (await q.execute()).map((r) => ({
    id: r.id,
    feedId: r.feed_id,
    source: r.source,
    itemKey: r.item_key,
    error: r.error,
    excerpt: r.excerpt,
    receivedAt: r.received_at,
  }));
}
