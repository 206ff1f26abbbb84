/**
 * Surrogate keys and the change feed. A key names what a page shows:
 * `story:12`, `section:city`, `topic:ellery-harbour`, `author:ines-carvalho`,
 * `video:3`, `page:editorial-standards`, and `home`, `all` (lists of every
 * story: feeds, sitemaps, search), `sections` (the navigation). A page is
 * tagged with every key it shows; a write records the keys it touches.
 */
import { sql } from "kysely";
import { z } from "zod";
import { type CacheKey, cacheKey } from "./cache-keys.ts";
import type { Db } from "./database.ts";
import { dialectOf } from "./dialect.ts";

export const CHANGE_CHANNEL = "gazette_changes";

/** The keys a story's page and its listings depend on, as the story is now in the store. */
export async function keysForStory(db: Db, storyId: number): Promise<CacheKey[]> {
  const row = await db
    .selectFrom("stories")
    .innerJoin("sections", "sections.id", "stories.section_id")
    .select(["sections.slug as section"])
    .where("stories.id", "=", storyId)
    .executeTakeFirst();
  if (!row) return [cacheKey.story(storyId), cacheKey.home, cacheKey.all];
  const topics = await db
    .selectFrom("story_topics")
    .innerJoin("topics", "topics.id", "story_topics.topic_id")
    .select("topics.slug")
    .where("story_topics.story_id", "=", storyId)
    .execute();
  const authors = await db
    .selectFrom("story_authors")
    .innerJoin("authors", "authors.id", "story_authors.author_id")
    .select("authors.slug")
    .where("story_authors.story_id", "=", storyId)
    .execute();
  const videos = await db
    .selectFrom("story_media")
    .select("media_id")
    .where("story_id", "=", storyId)
    .where("kind", "=", "video")
    .execute();
  return [
    cacheKey.story(storyId),
    cacheKey.section(row.section),
    ...topics.map((t) => cacheKey.topic(t.slug)),
    ...authors.map((a) => cacheKey.author(a.slug)),
    ...videos.map((v) => cacheKey.video(v.media_id)),
    cacheKey.home,
    cacheKey.all,
  ];
}

/** Appends keys to the feed (inside the caller's transaction) and wakes the other processes. */
export async function recordChange(db: Db, keys: readonly CacheKey[]): Promise<void> {
  const unique = [...new Set(keys)];
  if (!unique.length) return;
  await db
    .insertInto("changes")
    .values({ keys: JSON.stringify(unique), created_at: new Date().toISOString() })
    .execute();
  if (dialectOf(db).notifies) {
    // Delivered when the transaction commits, never before.
    await sql`SELECT pg_notify(${CHANGE_CHANNEL}, '')`.execute(db);
  }
}

export interface ChangeRow {
  id: number;
  keys: string[];
}

export async function latestChangeId(db: Db): Promise<number> {
  const r = await db
    .selectFrom("changes")
    .select((eb) => eb.fn.max("id").as("id"))
    .executeTakeFirst();
  return Number(r?.id ?? 0);
}

export async function changesSince(db: Db, afterId: number, limit = 500): Promise<ChangeRow[]> {
  const rows = await db
    .selectFrom("changes")
    .select(["id", "keys"])
    .where("id", ">", afterId)
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, keys: z.array(z.string()).parse(JSON.parse(r.keys)) }));
}

/** Claims a change for purging a CDN: true for exactly one process. */
export async function claimPurge(db: Db, id: number): Promise<boolean> {
  const r = await db
    .updateTable("changes")
    .set({ purged_at: new Date().toISOString() })
    .where("id", "=", id)
    .where("purged_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Stories whose visibility changed between two instants (an embargo lifted, a publication time reached). */
export async function storiesBecomingVisible(db: Db, after: string, upTo: string): Promise<number[]> {
  const rows = await db
    .selectFrom("stories")
    .select("id")
    .where("status", "=", "published")
    .where((eb) =>
      eb.or([
        eb.and([eb("embargo_until", ">", after), eb("embargo_until", "<=", upTo)]),
        eb.and([eb("first_published_at", ">", after), eb("first_published_at", "<=", upTo)]),
      ]),
    )
    .execute();
  return rows.map((r) => r.id);
}

const VISIBILITY_KEY = "visibility_checked_at";

/** Claims the time window since the last visibility check; undefined when another process has it. */
async function claimVisibilityWindow(db: Db, now: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("settings")
    .select("value")
    .where("key", "=", VISIBILITY_KEY)
    .executeTakeFirst();
  if (!row) {
    await db
      .insertInto("settings")
      .values({ key: VISIBILITY_KEY, value: now })
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
    return undefined;
  }
  if (row.value >= now) return undefined;
  const r = await db
    .updateTable("settings")
    .set({ value: now })
    .where("key", "=", VISIBILITY_KEY)
    .where("value", "=", row.value)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? row.value : undefined;
}

/**
 * Turns the passing of time into changes: when an embargo lifts or a
 * publication time arrives, exactly one process (the one that advances the
 * `visibility_checked_at` setting) records those stories' keys.
 */
export async function recordStoriesBecomingVisible(db: Db, now: string): Promise<void> {
  // Read-only unless something became visible: no write every tick (it would,
  // among other things, restart every online backup of a SQLite file).
  const since = (
    await db.selectFrom("settings").select("value").where("key", "=", VISIBILITY_KEY).executeTakeFirst()
  )?.value;
  if (since !== undefined && (await storiesBecomingVisible(db, since, now)).length === 0) return;
  const window = await claimVisibilityWindow(db, now);
  if (!window) return;
  for (const id of await storiesBecomingVisible(db, window, now))
    await recordChange(db, await keysForStory(db, id));
}

/** Drops feed rows older than `maxAgeMs` (every process has long since read them). */
export async function pruneChanges(db: Db, maxAgeMs = 3600_000): Promise<void> {
  await db
    .deleteFrom("changes")
    .where("created_at", "<", new Date(Date.now() - maxAgeMs).toISOString())
    .execute();
}
