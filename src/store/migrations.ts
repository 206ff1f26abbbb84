/**
 * Schema migrations, in code, applied in order by Kysely's Migrator on start
 * and by `gazette migrate`. Only dialect-neutral schema-builder calls: the
 * same migrations run on SQLite and PostgreSQL. Never edit a released
 * migration; add the next one.
 */
import {
  type CreateTableBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  sql,
} from "kysely";
import type { Block } from "../content/model.ts";
import { dialectOf } from "./dialect.ts";
import { storyMedia } from "../content/story-media.ts";
import type { Database } from "./schema.ts";

/** An auto-numbered primary key: SQLite's rowid alias, PostgreSQL's identity column. */
function idColumn(db: Kysely<unknown>) {
  const identity = dialectOf(db).autoId === "identity";
  return <T extends string>(t: CreateTableBuilder<T, never>) =>
    t.addColumn("id", "integer", (c) =>
      identity ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    );
}

const m0001_foundation: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("sections")
      .$call(idColumn(db))
      .addColumn("slug", "varchar(120)", (c) => c.notNull().unique())
      .addColumn("name", "varchar(200)", (c) => c.notNull())
      .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable("topics")
      .$call(idColumn(db))
      .addColumn("slug", "varchar(120)", (c) => c.notNull().unique())
      .addColumn("name", "varchar(200)", (c) => c.notNull())
      .addColumn("kind", "varchar(40)", (c) => c.notNull().defaultTo("subject"))
      .execute();
    await db.schema
      .createTable("authors")
      .$call(idColumn(db))
      .addColumn("slug", "varchar(120)", (c) => c.notNull().unique())
      .addColumn("name", "varchar(200)", (c) => c.notNull())
      .addColumn("bio", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("role", "varchar(200)", (c) => c.notNull().defaultTo(""))
      .execute();
    await db.schema
      .createTable("images")
      .$call(idColumn(db))
      .addColumn("file", "varchar(500)")
      .addColumn("remote_url", "text")
      .addColumn("mime", "text", (c) => c.notNull())
      .addColumn("width", "integer", (c) => c.notNull())
      .addColumn("height", "integer", (c) => c.notNull())
      .addColumn("alt", "text", (c) => c.notNull())
      .addColumn("caption", "text")
      .addColumn("credit", "text")
      .addColumn("renditions", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("source_uri", "text")
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("images_source_uri").on("images").column("source_uri").execute();
    await db.schema
      .createTable("videos")
      .$call(idColumn(db))
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("duration_seconds", "integer")
      .addColumn("poster_image_id", "integer", (c) => c.references("images.id").onDelete("set null"))
      .addColumn("sources", "text", (c) => c.notNull())
      .addColumn("caption", "text")
      .addColumn("credit", "text")
      .addColumn("source_uri", "text")
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("videos_source_uri").on("videos").column("source_uri").execute();
    await db.schema
      .createTable("stories")
      .$call(idColumn(db))
      .addColumn("uri", "text", (c) => c.unique())
      .addColumn("slug", "varchar(120)", (c) => c.notNull())
      .addColumn("path", "varchar(400)", (c) => c.notNull().unique())
      .addColumn("section_id", "integer", (c) => c.notNull().references("sections.id"))
      .addColumn("headline", "varchar(300)", (c) => c.notNull())
      .addColumn("summary", "text", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("hero_image_id", "integer", (c) => c.references("images.id").onDelete("set null"))
      .addColumn("byline", "text")
      .addColumn("dateline", "text")
      .addColumn("sources", "text", (c) => c.notNull())
      .addColumn("related_video_ids", "text", (c) => c.notNull())
      .addColumn("status", "varchar(20)", (c) => c.notNull())
      .addColumn("first_published_at", "varchar(40)")
      .addColumn("updated_at", "varchar(40)", (c) => c.notNull())
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("embargo_until", "varchar(40)")
      .addColumn("source_version", "text")
      .addColumn("word_count", "integer", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("stories_visible")
      .on("stories")
      .columns(["status", "first_published_at"])
      .execute();
    await db.schema
      .createIndex("stories_section")
      .on("stories")
      .columns(["section_id", "status", "first_published_at"])
      .execute();
    await db.schema
      .createTable("story_topics")
      .addColumn("story_id", "integer", (c) => c.notNull().references("stories.id").onDelete("cascade"))
      .addColumn("topic_id", "integer", (c) => c.notNull().references("topics.id").onDelete("cascade"))
      .addColumn("position", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("story_topics_pk", ["story_id", "topic_id"])
      .execute();
    await db.schema.createIndex("story_topics_topic").on("story_topics").column("topic_id").execute();
    await db.schema
      .createTable("story_authors")
      .addColumn("story_id", "integer", (c) => c.notNull().references("stories.id").onDelete("cascade"))
      .addColumn("author_id", "integer", (c) => c.notNull().references("authors.id").onDelete("cascade"))
      .addColumn("position", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("story_authors_pk", ["story_id", "author_id"])
      .execute();
    await db.schema.createIndex("story_authors_author").on("story_authors").column("author_id").execute();
    await db.schema
      .createTable("redirects")
      .addColumn("path", "varchar(400)", (c) => c.primaryKey())
      .addColumn("story_id", "integer", (c) => c.notNull().references("stories.id").onDelete("cascade"))
      .execute();
    await db.schema
      .createTable("pages")
      .$call(idColumn(db))
      .addColumn("slug", "varchar(120)", (c) => c.notNull().unique())
      .addColumn("title", "varchar(200)", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("updated_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("settings")
      .addColumn("key", "varchar(100)", (c) => c.primaryKey())
      .addColumn("value", "text", (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of [
      "settings",
      "pages",
      "redirects",
      "story_authors",
      "story_topics",
      "stories",
      "videos",
      "images",
      "authors",
      "topics",
      "sections",
    ]) {
      await db.schema.dropTable(t).execute();
    }
  },
};

/**
 * Full-text search: an FTS5 table on SQLite (porter stemming, accents
 * folded), a weighted tsvector with a GIN index on PostgreSQL. Both hold
 * one row per story, kept in step by saveStory (search-store.ts).
 */
const m0002_search: Migration = {
  async up(db: Kysely<unknown>) {
    if (dialectOf(db).textSearch === "tsvector") {
      await sql`CREATE TABLE story_search (
        story_id integer PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
        headline text NOT NULL,
        summary text NOT NULL,
        body text NOT NULL,
        document tsvector NOT NULL
      )`.execute(db);
      await sql`CREATE INDEX story_search_document ON story_search USING gin (document)`.execute(db);
    } else {
      await sql`CREATE VIRTUAL TABLE story_search USING fts5(headline, summary, body, tokenize = 'porter unicode61 remove_diacritics 2')`.execute(
        db,
      );
      // The ranking (headline 10, summary 4, body 1) as the table's own rank:
      // FTS5 sorts by its rank column faster than by a bm25() expression.
      await sql`INSERT INTO story_search (story_search, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0)')`.execute(
        db,
      );
    }
  },
  async down(db: Kysely<unknown>) {
    await sql`DROP TABLE story_search`.execute(db);
  },
};

/**
 * The change feed: every write that affects reader pages appends the
 * surrogate keys it invalidates, in the same transaction. Every app process
 * follows the feed (polling, woken by LISTEN/NOTIFY on PostgreSQL), so a
 * write by any process or by the CLI reaches every page cache.
 */
const m0003_changes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("changes")
      .$call(idColumn(db))
      .addColumn("keys", "text", (c) => c.notNull())
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("purged_at", "varchar(40)")
      .execute();
    // storiesBecomingVisible looks for embargoes that lifted in a time window.
    await db.schema.createIndex("stories_embargo").on("stories").column("embargo_until").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("changes").execute();
  },
};

/**
 * The newsroom: accounts, server-side sessions, login throttling,
 * invitations, revisions (every save), corrections, and the workflow
 * columns on stories (revision counter for optimistic concurrency, the
 * scheduled publication time, who created and last changed it).
 */
const m0004_newsroom: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("users")
      .$call(idColumn(db))
      .addColumn("email", "varchar(320)", (c) => c.notNull().unique())
      .addColumn("name", "varchar(200)", (c) => c.notNull())
      .addColumn("role", "varchar(20)", (c) => c.notNull())
      .addColumn("password_hash", "text", (c) => c.notNull())
      .addColumn("author_id", "integer", (c) => c.references("authors.id").onDelete("set null"))
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("disabled_at", "varchar(40)")
      .execute();
    await db.schema
      .createTable("sessions")
      .addColumn("id", "varchar(64)", (c) => c.primaryKey())
      .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("csrf_token", "varchar(64)", (c) => c.notNull())
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("last_seen_at", "varchar(40)", (c) => c.notNull())
      .addColumn("expires_at", "varchar(40)", (c) => c.notNull())
      .addColumn("ip", "varchar(64)", (c) => c.notNull().defaultTo(""))
      .addColumn("user_agent", "varchar(300)", (c) => c.notNull().defaultTo(""))
      .execute();
    await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();
    await db.schema
      .createTable("login_throttle")
      .addColumn("key", "varchar(400)", (c) => c.primaryKey())
      .addColumn("failures", "integer", (c) => c.notNull())
      .addColumn("window_start", "varchar(40)", (c) => c.notNull())
      .addColumn("locked_until", "varchar(40)")
      .execute();
    await db.schema
      .createTable("invitations")
      .addColumn("token_hash", "varchar(64)", (c) => c.primaryKey())
      .addColumn("email", "varchar(320)", (c) => c.notNull())
      .addColumn("role", "varchar(20)", (c) => c.notNull())
      .addColumn("invited_by", "integer", (c) => c.references("users.id").onDelete("set null"))
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("expires_at", "varchar(40)", (c) => c.notNull())
      .addColumn("used_at", "varchar(40)")
      .execute();
    await db.schema
      .alterTable("stories")
      .addColumn("revision", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable("stories").addColumn("scheduled_at", "varchar(40)").execute();
    await db.schema.alterTable("stories").addColumn("created_by", "integer").execute();
    await db.schema.alterTable("stories").addColumn("updated_by", "integer").execute();
    await db.schema
      .createIndex("stories_scheduled")
      .on("stories")
      .columns(["status", "scheduled_at"])
      .execute();
    await db.schema
      .createTable("story_revisions")
      .$call(idColumn(db))
      .addColumn("story_id", "integer", (c) => c.notNull().references("stories.id").onDelete("cascade"))
      .addColumn("number", "integer", (c) => c.notNull())
      .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("set null"))
      .addColumn("user_name", "varchar(200)", (c) => c.notNull())
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("status", "varchar(20)", (c) => c.notNull())
      .addColumn("published", "integer", (c) => c.notNull())
      .addColumn("note", "varchar(500)", (c) => c.notNull().defaultTo(""))
      .addColumn("data", "text", (c) => c.notNull())
      .addUniqueConstraint("story_revisions_number", ["story_id", "number"])
      .execute();
    await db.schema
      .createTable("corrections")
      .$call(idColumn(db))
      .addColumn("story_id", "integer", (c) => c.notNull().references("stories.id").onDelete("cascade"))
      .addColumn("kind", "varchar(20)", (c) => c.notNull())
      .addColumn("text", "text", (c) => c.notNull())
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("set null"))
      .execute();
    await db.schema.createIndex("corrections_story").on("corrections").column("story_id").execute();
    await db.schema.createIndex("corrections_created").on("corrections").column("created_at").execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of [
      "corrections",
      "story_revisions",
      "invitations",
      "login_throttle",
      "sessions",
      "users",
    ]) {
      await db.schema.dropTable(t).execute();
    }
  },
};

/**
 * Comments: reader accounts (apart from newsroom accounts), their sessions
 * and one-time tokens, comments with counts kept on their rows and on the
 * story, reactions, reports, the moderation log, per-story and per-section
 * comment settings, and rate-limit counters shared by every process.
 */
const m0005_comments: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("readers")
      .$call(idColumn(db))
      .addColumn("email", "varchar(320)", (c) => c.notNull().unique())
      .addColumn("display_name", "varchar(60)", (c) => c.notNull())
      .addColumn("password_hash", "text", (c) => c.notNull())
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("verified_at", "varchar(40)")
      .addColumn("banned_at", "varchar(40)")
      .addColumn("suspended_until", "varchar(40)")
      .addColumn("notify_replies", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("deleted_at", "varchar(40)")
      .execute();
    await db.schema
      .createTable("reader_sessions")
      .addColumn("id", "varchar(64)", (c) => c.primaryKey())
      .addColumn("reader_id", "integer", (c) => c.notNull().references("readers.id").onDelete("cascade"))
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("expires_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("reader_tokens")
      .addColumn("token_hash", "varchar(64)", (c) => c.primaryKey())
      .addColumn("reader_id", "integer", (c) => c.notNull().references("readers.id").onDelete("cascade"))
      .addColumn("kind", "varchar(20)", (c) => c.notNull())
      .addColumn("expires_at", "varchar(40)", (c) => c.notNull())
      .addColumn("used_at", "varchar(40)")
      .execute();
    await db.schema
      .createTable("comments")
      .$call(idColumn(db))
      .addColumn("story_id", "integer", (c) => c.notNull().references("stories.id").onDelete("cascade"))
      .addColumn("reader_id", "integer", (c) => c.notNull().references("readers.id"))
      .addColumn("parent_id", "integer", (c) => c.references("comments.id").onDelete("cascade"))
      .addColumn("depth", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("status", "varchar(20)", (c) => c.notNull())
      .addColumn("hold_reasons", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("edited_at", "varchar(40)")
      .addColumn("reaction_count", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("reply_count", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("report_count", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("is_staff", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex("comments_thread")
      .on("comments")
      .columns(["story_id", "status", "parent_id", "id"])
      .execute();
    await db.schema.createIndex("comments_parent").on("comments").columns(["parent_id", "status"]).execute();
    await db.schema.createIndex("comments_queue").on("comments").columns(["status", "created_at"]).execute();
    await db.schema
      .createIndex("comments_reader")
      .on("comments")
      .columns(["reader_id", "created_at"])
      .execute();
    await db.schema
      .createTable("comment_reactions")
      .addColumn("comment_id", "integer", (c) => c.notNull().references("comments.id").onDelete("cascade"))
      .addColumn("reader_id", "integer", (c) => c.notNull().references("readers.id").onDelete("cascade"))
      .addPrimaryKeyConstraint("comment_reactions_pk", ["comment_id", "reader_id"])
      .execute();
    await db.schema
      .createTable("comment_reports")
      .$call(idColumn(db))
      .addColumn("comment_id", "integer", (c) => c.notNull().references("comments.id").onDelete("cascade"))
      .addColumn("reader_id", "integer", (c) => c.notNull().references("readers.id").onDelete("cascade"))
      .addColumn("reason", "varchar(40)", (c) => c.notNull())
      .addColumn("note", "varchar(500)", (c) => c.notNull().defaultTo(""))
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addUniqueConstraint("comment_reports_once", ["comment_id", "reader_id"])
      .execute();
    await db.schema
      .createTable("moderation_log")
      .$call(idColumn(db))
      .addColumn("comment_id", "integer")
      .addColumn("reader_id", "integer")
      .addColumn("user_id", "integer")
      .addColumn("action", "varchar(40)", (c) => c.notNull())
      .addColumn("reason", "varchar(500)", (c) => c.notNull().defaultTo(""))
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("rate_limits")
      .addColumn("key", "varchar(400)", (c) => c.primaryKey())
      .addColumn("window_start", "varchar(40)", (c) => c.notNull())
      .addColumn("count", "integer", (c) => c.notNull())
      .execute();
    await db.schema
      .alterTable("stories")
      .addColumn("comment_count", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable("stories")
      .addColumn("comments_mode", "varchar(10)", (c) => c.notNull().defaultTo("open"))
      .execute();
    await db.schema
      .alterTable("stories")
      .addColumn("premoderate", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable("sections")
      .addColumn("premoderate", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of [
      "rate_limits",
      "moderation_log",
      "comment_reports",
      "comment_reactions",
      "comments",
      "reader_tokens",
      "reader_sessions",
      "readers",
    ]) {
      await db.schema.dropTable(t).execute();
    }
  },
};

/**
 * The scheduler's index becomes partial (scheduled stories only). As a
 * full (status, scheduled_at) index SQLite's planner, without statistics
 * for it, chose it for every `status = 'published'` query — the embargo
 * check then walked all published stories (2.4 s at 1,000,000).
 */
const m0006_scheduled_index: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex("stories_scheduled").execute();
    await db.schema
      .createIndex("stories_scheduled_due")
      .on("stories")
      .column("scheduled_at")
      .where(sql.ref("status"), "=", "scheduled")
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex("stories_scheduled_due").execute();
    await db.schema
      .createIndex("stories_scheduled")
      .on("stories")
      .columns(["status", "scheduled_at"])
      .execute();
  },
};

/**
 * Which stories show which media, as rows (it was a text search of the
 * body's JSON, which depended on key order). Filled here from every
 * stored story, a thousand at a time; saveStory keeps it from then on.
 */
const m0007_story_media: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("story_media")
      .addColumn("story_id", "integer", (c) => c.notNull().references("stories.id").onDelete("cascade"))
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("media_id", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("story_media_pk", ["story_id", "kind", "media_id"])
      .execute();
    await db.schema
      .createIndex("story_media_by_media")
      .on("story_media")
      .columns(["kind", "media_id"])
      .execute();
    const typed = db as unknown as Kysely<Database>;
    for (let after = 0; ;) {
      const rows = await typed
        .selectFrom("stories")
        .select(["id", "hero_image_id", "body", "related_video_ids"])
        .where("id", ">", after)
        .orderBy("id")
        .limit(1000)
        .execute();
      if (!rows.length) break;
      after = rows[rows.length - 1]!.id;
      const values = rows.flatMap((r) => {
        const m = storyMedia({
          heroImageId: r.hero_image_id,
          // As stored then: only `type`, `imageId` and `videoId` are read.
          body: JSON.parse(r.body) as Block[],
          relatedVideoIds: JSON.parse(r.related_video_ids) as number[],
        });
        return [
          ...m.imageIds.map((id) => ({ story_id: r.id, kind: "image" as const, media_id: id })),
          ...m.videoIds.map((id) => ({ story_id: r.id, kind: "video" as const, media_id: id })),
        ];
      });
      for (let i = 0; i < values.length; i += 300)
        await typed
          .insertInto("story_media")
          .values(values.slice(i, i + 300))
          .execute();
    }
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("story_media").execute();
  },
};

/** Corrections can be edited (each change kept) and retracted (shown as retracted, never removed). */
const m0008_correction_changes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("corrections").addColumn("updated_at", "varchar(40)").execute();
    await db.schema.alterTable("corrections").addColumn("retracted_at", "varchar(40)").execute();
    await db.schema
      .createTable("correction_changes")
      .$call(idColumn(db))
      .addColumn("correction_id", "integer", (c) =>
        c.notNull().references("corrections.id").onDelete("cascade"),
      )
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("previous_kind", "text", (c) => c.notNull())
      .addColumn("previous_text", "text", (c) => c.notNull())
      .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("set null"))
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("correction_changes_correction")
      .on("correction_changes")
      .column("correction_id")
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("correction_changes").execute();
    await db.schema.alterTable("corrections").dropColumn("retracted_at").execute();
    await db.schema.alterTable("corrections").dropColumn("updated_at").execute();
  },
};

/** Stories can be moved to the trash (and back) instead of lingering as drafts nobody wants. */
const m0009_story_trash: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("stories").addColumn("trashed_at", "varchar(40)").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("stories").dropColumn("trashed_at").execute();
  },
};

/**
 * The editors' desk: internal notes on a story (never public), notices to
 * newsroom users (in the app, and by email for those who ask), and the
 * curated order of the front page and each section's top.
 */
const m0010_desk: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("story_notes")
      .$call(idColumn(db))
      .addColumn("story_id", "integer", (c) => c.notNull().references("stories.id").onDelete("cascade"))
      .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("set null"))
      .addColumn("author_name", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("story_notes_story").on("story_notes").column("story_id").execute();
    await db.schema
      .createTable("notifications")
      .$call(idColumn(db))
      .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("story_id", "integer", (c) => c.references("stories.id").onDelete("cascade"))
      .addColumn("text", "text", (c) => c.notNull())
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("read_at", "varchar(40)")
      .execute();
    await db.schema
      .createIndex("notifications_user")
      .on("notifications")
      .columns(["user_id", "read_at"])
      .execute();
    await db.schema
      .alterTable("users")
      .addColumn("notify_by_email", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable("front_pages")
      .addColumn("page", "text", (c) => c.primaryKey())
      .addColumn("story_ids", "text", (c) => c.notNull())
      .addColumn("updated_at", "varchar(40)", (c) => c.notNull())
      .addColumn("updated_by", "integer", (c) => c.references("users.id").onDelete("set null"))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("front_pages").execute();
    await db.schema.alterTable("users").dropColumn("notify_by_email").execute();
    await db.schema.dropTable("notifications").execute();
    await db.schema.dropTable("story_notes").execute();
  },
};

/** How a story shows in search results and social cards (content/model.ts seoSchema), as JSON. */
const m0011_story_seo: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("stories")
      .addColumn("seo", "text", (c) => c.notNull().defaultTo("{}"))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("stories").dropColumn("seo").execute();
  },
};

/** A picture's focal point: the part every crop keeps in view (percent across and down). */
const m0012_image_focal_point: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("images")
      .addColumn("focal_x", "integer", (c) => c.notNull().defaultTo(50))
      .execute();
    await db.schema
      .alterTable("images")
      .addColumn("focal_y", "integer", (c) => c.notNull().defaultTo(50))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("images").dropColumn("focal_y").execute();
    await db.schema.alterTable("images").dropColumn("focal_x").execute();
  },
};

/** One row `/healthz` rewrites to prove the database still takes writes (a full or read-only disk does not). */
const m0013_health_probe: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("health_probe")
      .addColumn("id", "integer", (c) => c.primaryKey())
      .addColumn("checked_at", "text", (c) => c.notNull())
      .execute();
    await db
      .insertInto("health_probe" as never)
      .values({ id: 1, checked_at: new Date().toISOString() } as never)
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("health_probe").execute();
  },
};

/**
 * A line readers see in a story's public history for a revision that did not
 * change the story's own content: a picture or video it shows was changed.
 */
const m0014_revision_public_note: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("story_revisions").addColumn("public_note", "text").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("story_revisions").dropColumn("public_note").execute();
  },
};

/**
 * The wire desk: feeds (folder, push, poll), the items they bring (one row
 * per agency item, whatever feed or how often it came), each version as
 * sent, and what could not be read. A feed's run is claimed on its row
 * (claimed_by/claimed_until), so several app processes share the feeds
 * without running one twice at once.
 */
const m0015_wire: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("wire_feeds")
      .$call(idColumn(db))
      .addColumn("name", "varchar(200)", (c) => c.notNull().unique())
      .addColumn("slug", "varchar(120)", (c) => c.notNull().unique())
      .addColumn("kind", "varchar(20)", (c) => c.notNull())
      .addColumn("settings", "text", (c) => c.notNull().defaultTo("{}"))
      .addColumn("secret", "text")
      .addColumn("section_slug", "varchar(120)")
      .addColumn("topic_names", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("mode", "varchar(20)", (c) => c.notNull().defaultTo("queue"))
      .addColumn("trusted", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("kill_rule", "varchar(20)", (c) => c.notNull().defaultTo("alert"))
      .addColumn("priority", "integer", (c) => c.notNull().defaultTo(5))
      .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("from_config", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("etag", "text")
      .addColumn("last_modified", "text")
      .addColumn("cursor", "text")
      .addColumn("next_run_at", "varchar(40)")
      .addColumn("failures", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("last_error", "text")
      .addColumn("last_success_at", "varchar(40)")
      .addColumn("claimed_by", "varchar(100)")
      .addColumn("claimed_until", "varchar(40)")
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("updated_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("wire_items")
      .$call(idColumn(db))
      .addColumn("item_key", "varchar(500)", (c) => c.notNull().unique())
      .addColumn("feed_id", "integer", (c) => c.references("wire_feeds.id").onDelete("set null"))
      .addColumn("kind", "varchar(20)", (c) => c.notNull())
      .addColumn("headline", "text", (c) => c.notNull())
      .addColumn("summary", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("search_text", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("urgency", "integer")
      .addColumn("priority", "integer")
      .addColumn("pubstatus", "varchar(20)", (c) => c.notNull().defaultTo("usable"))
      .addColumn("embargo_until", "varchar(40)")
      .addColumn("skip_reason", "text")
      .addColumn("latest_version", "varchar(200)", (c) => c.notNull())
      .addColumn("sent_at", "varchar(40)")
      .addColumn("version_count", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("story_id", "integer", (c) => c.references("stories.id").onDelete("set null"))
      .addColumn("applied_version", "varchar(200)")
      .addColumn("applied_revision", "integer")
      .addColumn("dismissed_version", "varchar(200)")
      .addColumn("media_kind", "varchar(20)")
      .addColumn("media_id", "integer")
      .addColumn("first_received_at", "varchar(40)", (c) => c.notNull())
      .addColumn("received_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("wire_items_received").on("wire_items").column("received_at").execute();
    await db.schema.createIndex("wire_items_story").on("wire_items").column("story_id").execute();
    await db.schema
      .createTable("wire_versions")
      .$call(idColumn(db))
      .addColumn("wire_item_id", "integer", (c) =>
        c.notNull().references("wire_items.id").onDelete("cascade"),
      )
      .addColumn("version_key", "varchar(200)", (c) => c.notNull())
      .addColumn("feed_id", "integer", (c) => c.references("wire_feeds.id").onDelete("set null"))
      .addColumn("ninjs_version", "varchar(20)", (c) => c.notNull())
      .addColumn("payload", "text", (c) => c.notNull())
      .addColumn("base_dir", "text")
      .addColumn("fetched_body", "text")
      .addColumn("warnings", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("source", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("received_at", "varchar(40)", (c) => c.notNull())
      .addUniqueConstraint("wire_versions_item_version", ["wire_item_id", "version_key"])
      .execute();
    await db.schema
      .createTable("wire_failures")
      .$call(idColumn(db))
      .addColumn("feed_id", "integer", (c) => c.references("wire_feeds.id").onDelete("cascade"))
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("item_key", "varchar(500)")
      .addColumn("error", "text", (c) => c.notNull())
      .addColumn("excerpt", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("received_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("wire_failures_received").on("wire_failures").column("received_at").execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ["wire_failures", "wire_versions", "wire_items", "wire_feeds"])
      await db.schema.dropTable(t).execute();
  },
};

const m0016_newsletters: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("newsletters")
      .$call(idColumn(db))
      .addColumn("slug", "varchar(120)", (c) => c.notNull().unique())
      .addColumn("name", "varchar(200)", (c) => c.notNull())
      .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("from_name", "varchar(200)", (c) => c.notNull())
      .addColumn("from_email", "varchar(320)", (c) => c.notNull())
      .addColumn("reply_to", "varchar(320)")
      .addColumn("section_slugs", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("topic_names", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("schedule", "text")
      .addColumn("auto_send", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("digest_size", "integer", (c) => c.notNull().defaultTo(8))
      .addColumn("listed", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("next_digest_at", "varchar(40)")
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("updated_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("subscribers")
      .$call(idColumn(db))
      .addColumn("email", "varchar(320)", (c) => c.notNull().unique())
      .addColumn("token", "varchar(64)", (c) => c.notNull().unique())
      .addColumn("reader_id", "integer", (c) => c.references("readers.id").onDelete("set null"))
      .addColumn("source", "varchar(20)", (c) => c.notNull())
      .addColumn("soft_bounces", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("confirmed_at", "varchar(40)")
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("subscriptions")
      .addColumn("subscriber_id", "integer", (c) =>
        c.notNull().references("subscribers.id").onDelete("cascade"),
      )
      .addColumn("newsletter_id", "integer", (c) =>
        c.notNull().references("newsletters.id").onDelete("cascade"),
      )
      .addColumn("status", "varchar(20)", (c) => c.notNull())
      .addColumn("consent", "text", (c) => c.notNull().defaultTo("{}"))
      .addColumn("subscribed_at", "varchar(40)")
      .addColumn("unsubscribed_at", "varchar(40)")
      .addColumn("updated_at", "varchar(40)", (c) => c.notNull())
      .addPrimaryKeyConstraint("subscriptions_pk", ["subscriber_id", "newsletter_id"])
      .execute();
    await db.schema
      .createIndex("subscriptions_newsletter")
      .on("subscriptions")
      .columns(["newsletter_id", "status"])
      .execute();
    await db.schema
      .createTable("subscription_confirmations")
      .addColumn("token_hash", "varchar(64)", (c) => c.primaryKey())
      .addColumn("subscriber_id", "integer", (c) =>
        c.notNull().references("subscribers.id").onDelete("cascade"),
      )
      .addColumn("newsletter_ids", "text", (c) => c.notNull())
      .addColumn("consent", "text", (c) => c.notNull())
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("expires_at", "varchar(40)", (c) => c.notNull())
      .addColumn("used_at", "varchar(40)")
      .execute();
    await db.schema
      .createTable("suppressions")
      .addColumn("email", "varchar(320)", (c) => c.primaryKey())
      .addColumn("reason", "varchar(20)", (c) => c.notNull())
      .addColumn("detail", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("newsletter_issues")
      .$call(idColumn(db))
      .addColumn("newsletter_id", "integer", (c) =>
        c.notNull().references("newsletters.id").onDelete("cascade"),
      )
      .addColumn("kind", "varchar(20)", (c) => c.notNull())
      .addColumn("subject", "text", (c) => c.notNull())
      .addColumn("intro", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("story_ids", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("url", "text")
      .addColumn("status", "varchar(20)", (c) => c.notNull())
      .addColumn("scheduled_for", "varchar(40)")
      .addColumn("send_at", "varchar(40)")
      .addColumn("html", "text")
      .addColumn("text", "text")
      .addColumn("recipients", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("created_by", "integer", (c) => c.references("users.id").onDelete("set null"))
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("updated_at", "varchar(40)", (c) => c.notNull())
      .addColumn("queued_at", "varchar(40)")
      .addColumn("finished_at", "varchar(40)")
      .addUniqueConstraint("newsletter_issues_occurrence", ["newsletter_id", "scheduled_for"])
      .execute();
    await db.schema
      .createIndex("newsletter_issues_status")
      .on("newsletter_issues")
      .columns(["status", "send_at"])
      .execute();
    await db.schema
      .createTable("newsletter_deliveries")
      .$call(idColumn(db))
      .addColumn("issue_id", "integer", (c) =>
        c.notNull().references("newsletter_issues.id").onDelete("cascade"),
      )
      .addColumn("subscriber_id", "integer", (c) => c.notNull())
      .addColumn("email", "varchar(320)", (c) => c.notNull())
      .addColumn("status", "varchar(20)", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("next_attempt_at", "varchar(40)", (c) => c.notNull())
      .addColumn("claimed_by", "varchar(100)")
      .addColumn("claimed_until", "varchar(40)")
      .addColumn("uncertain", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("error", "text")
      .addColumn("sent_at", "varchar(40)")
      .addColumn("bounced_at", "varchar(40)")
      .addUniqueConstraint("newsletter_deliveries_once", ["issue_id", "subscriber_id"])
      .execute();
    await db.schema
      .createIndex("newsletter_deliveries_queue")
      .on("newsletter_deliveries")
      .columns(["issue_id", "status", "id"])
      .execute();
    await db.schema
      .createIndex("newsletter_deliveries_email")
      .on("newsletter_deliveries")
      .columns(["email", "id"])
      .execute();
    await db.schema
      .createTable("mail_events")
      .$call(idColumn(db))
      .addColumn("kind", "varchar(20)", (c) => c.notNull())
      .addColumn("bounce", "varchar(10)")
      .addColumn("email", "varchar(320)", (c) => c.notNull())
      .addColumn("message_id", "text")
      .addColumn("delivery_id", "integer")
      .addColumn("source", "varchar(20)", (c) => c.notNull())
      .addColumn("detail", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("at", "varchar(40)", (c) => c.notNull())
      .addColumn("received_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("mail_events_email").on("mail_events").columns(["email", "id"]).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of [
      "mail_events",
      "newsletter_deliveries",
      "newsletter_issues",
      "suppressions",
      "subscription_confirmations",
      "subscriptions",
      "subscribers",
      "newsletters",
    ])
      await db.schema.dropTable(t).execute();
  },
};

/**
 * Memberships: who may read what (a story's access, a section's default),
 * paid plans, Stripe customers and subscriptions (only ever written from
 * Stripe's webhooks, each event once), the newsroom's grants, institutions
 * (email domains, IP ranges) and gift links.
 */
const m0017_memberships: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("stories").addColumn("access", "text").execute();
    await db.schema.alterTable("sections").addColumn("default_access", "text").execute();
    await db.schema.alterTable("readers").addColumn("stripe_customer_id", "varchar(100)").execute();
    await db.schema
      .createIndex("readers_stripe_customer")
      .on("readers")
      .column("stripe_customer_id")
      .unique()
      .execute();
    await db.schema
      .createTable("plans")
      .$call(idColumn(db))
      .addColumn("slug", "varchar(120)", (c) => c.notNull().unique())
      .addColumn("name", "varchar(200)", (c) => c.notNull())
      .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("price_minor", "integer", (c) => c.notNull())
      .addColumn("currency", "varchar(3)", (c) => c.notNull())
      .addColumn("interval", "varchar(10)", (c) => c.notNull())
      .addColumn("stripe_price_id", "varchar(200)")
      .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("updated_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("billing_subscriptions")
      .addColumn("id", "varchar(100)", (c) => c.primaryKey())
      .addColumn("reader_id", "integer", (c) => c.references("readers.id").onDelete("set null"))
      .addColumn("customer_id", "varchar(100)", (c) => c.notNull())
      .addColumn("price_id", "varchar(200)")
      .addColumn("plan_slug", "varchar(120)")
      .addColumn("status", "varchar(30)", (c) => c.notNull())
      .addColumn("amount_minor", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("currency", "varchar(3)", (c) => c.notNull().defaultTo("usd"))
      .addColumn("interval", "varchar(10)", (c) => c.notNull().defaultTo("month"))
      .addColumn("current_period_end", "varchar(40)")
      .addColumn("cancel_at_period_end", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("past_due_since", "varchar(40)")
      .addColumn("event_created", "integer", (c) => c.notNull())
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("updated_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("billing_subscriptions_reader")
      .on("billing_subscriptions")
      .columns(["reader_id", "status"])
      .execute();
    await db.schema
      .createTable("stripe_events")
      .addColumn("id", "varchar(100)", (c) => c.primaryKey())
      .addColumn("type", "varchar(100)", (c) => c.notNull())
      .addColumn("created", "integer", (c) => c.notNull())
      .addColumn("received_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("reader_grants")
      .$call(idColumn(db))
      .addColumn("reader_id", "integer", (c) => c.notNull().references("readers.id").onDelete("cascade"))
      .addColumn("kind", "varchar(20)", (c) => c.notNull())
      .addColumn("plan_slug", "varchar(120)")
      .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("expires_at", "varchar(40)")
      .addColumn("created_by", "integer", (c) => c.references("users.id").onDelete("set null"))
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("revoked_at", "varchar(40)")
      .execute();
    await db.schema.createIndex("reader_grants_reader").on("reader_grants").column("reader_id").execute();
    await db.schema
      .createTable("institutions")
      .$call(idColumn(db))
      .addColumn("name", "varchar(200)", (c) => c.notNull())
      .addColumn("email_domains", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("ip_ranges", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("plan_slug", "varchar(120)")
      .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("updated_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("gift_links")
      .$call(idColumn(db))
      .addColumn("story_id", "integer", (c) => c.notNull().references("stories.id").onDelete("cascade"))
      .addColumn("reader_id", "integer", (c) => c.references("readers.id").onDelete("set null"))
      .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("set null"))
      .addColumn("max_uses", "integer", (c) => c.notNull())
      .addColumn("uses", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("expires_at", "varchar(40)", (c) => c.notNull())
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("gift_links_reader")
      .on("gift_links")
      .columns(["reader_id", "created_at"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of [
      "gift_links",
      "institutions",
      "reader_grants",
      "stripe_events",
      "billing_subscriptions",
      "plans",
    ])
      await db.schema.dropTable(t).execute();
    await db.schema.dropIndex("readers_stripe_customer").execute();
    await db.schema.alterTable("readers").dropColumn("stripe_customer_id").execute();
    await db.schema.alterTable("sections").dropColumn("default_access").execute();
    await db.schema.alterTable("stories").dropColumn("access").execute();
  },
};

/**
 * Advertising: advertisers, direct-sold campaigns and their creatives, and
 * counts per creative and day (never per reader). Sponsored stories name
 * their sponsor.
 */
const m0018_advertising: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("advertisers")
      .$call(idColumn(db))
      .addColumn("name", "varchar(200)", (c) => c.notNull())
      .addColumn("contact_email", "varchar(320)")
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("updated_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("ad_campaigns")
      .$call(idColumn(db))
      .addColumn("advertiser_id", "integer", (c) => c.notNull().references("advertisers.id"))
      .addColumn("name", "varchar(200)", (c) => c.notNull())
      .addColumn("status", "varchar(20)", (c) => c.notNull())
      .addColumn("starts_at", "varchar(40)", (c) => c.notNull())
      .addColumn("ends_at", "varchar(40)")
      .addColumn("priority", "integer", (c) => c.notNull().defaultTo(5))
      .addColumn("weight", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("budget_impressions", "integer")
      .addColumn("frequency_cap", "integer")
      .addColumn("targeting", "text", (c) => c.notNull().defaultTo("{}"))
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("updated_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("ad_creatives")
      .$call(idColumn(db))
      .addColumn("campaign_id", "integer", (c) =>
        c.notNull().references("ad_campaigns.id").onDelete("cascade"),
      )
      .addColumn("kind", "varchar(10)", (c) => c.notNull())
      .addColumn("name", "varchar(200)", (c) => c.notNull())
      .addColumn("href", "text", (c) => c.notNull())
      .addColumn("weight", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("image_id", "integer", (c) => c.references("images.id").onDelete("set null"))
      .addColumn("width", "integer")
      .addColumn("height", "integer")
      .addColumn("alt", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("headline", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("body", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("cta", "varchar(100)", (c) => c.notNull().defaultTo(""))
      .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("updated_at", "varchar(40)", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("ad_creatives_campaign").on("ad_creatives").column("campaign_id").execute();
    await db.schema
      .createTable("ad_stats")
      .addColumn("creative_id", "integer", (c) =>
        c.notNull().references("ad_creatives.id").onDelete("cascade"),
      )
      .addColumn("campaign_id", "integer", (c) => c.notNull())
      .addColumn("day", "varchar(10)", (c) => c.notNull())
      .addColumn("impressions", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("viewable", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("clicks", "integer", (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint("ad_stats_pk", ["creative_id", "day"])
      .execute();
    await db.schema.createIndex("ad_stats_campaign").on("ad_stats").columns(["campaign_id", "day"]).execute();
    await db.schema.alterTable("stories").addColumn("sponsor", "text").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("stories").dropColumn("sponsor").execute();
    for (const t of ["ad_stats", "ad_creatives", "ad_campaigns", "advertisers"])
      await db.schema.dropTable(t).execute();
  },
};

/**
 * Moving in: what an importer brought (one row per source item, so a second
 * run updates instead of duplicating), where each run got to (a resumable
 * checkpoint), and the old site's addresses that now answer 301.
 */
const m0019_imports: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("import_items")
      .addColumn("source", "varchar(300)", (c) => c.notNull())
      .addColumn("item_key", "varchar(300)", (c) => c.notNull())
      .addColumn("kind", "varchar(20)", (c) => c.notNull())
      .addColumn("target_id", "integer", (c) => c.notNull())
      .addColumn("content_hash", "varchar(64)", (c) => c.notNull())
      .addColumn("target_revision", "integer")
      .addColumn("links_pending", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("imported_at", "varchar(40)", (c) => c.notNull())
      .addPrimaryKeyConstraint("import_items_pk", ["source", "item_key"])
      .execute();
    await db.schema
      .createIndex("import_items_links")
      .on("import_items")
      .columns(["source", "links_pending"])
      .execute();
    await db.schema
      .createTable("import_runs")
      .$call(idColumn(db))
      .addColumn("source", "varchar(300)", (c) => c.notNull())
      .addColumn("file", "text", (c) => c.notNull())
      .addColumn("fingerprint", "varchar(64)", (c) => c.notNull())
      .addColumn("started_at", "varchar(40)", (c) => c.notNull())
      .addColumn("finished_at", "varchar(40)")
      .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("total", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("status", "varchar(20)", (c) => c.notNull())
      .addColumn("counts", "text", (c) => c.notNull().defaultTo("{}"))
      .execute();
    await db.schema
      .createIndex("import_runs_fingerprint")
      .on("import_runs")
      .columns(["source", "fingerprint"])
      .execute();
    await db.schema
      .createTable("legacy_urls")
      .addColumn("path", "varchar(1000)", (c) => c.primaryKey())
      .addColumn("target_kind", "varchar(20)", (c) => c.notNull())
      .addColumn("target_ref", "varchar(300)", (c) => c.notNull())
      .addColumn("source", "varchar(300)", (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ["legacy_urls", "import_runs", "import_items"]) await db.schema.dropTable(t).execute();
  },
};

/**
 * Imports started from the newsroom: who started a run, with which options,
 * the uploaded file it reads, a heartbeat (a run whose process stopped is
 * seen as interrupted, to be continued), why it failed, its final report;
 * and every item's outcome, for the run's report page.
 */
const m0020_import_jobs: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("import_runs")
      .addColumn("origin", "varchar(20)", (c) => c.notNull().defaultTo("cli"))
      .execute();
    for (const [name, type] of [
      ["started_by", "integer"],
      ["options", "text"],
      ["upload", "text"],
      ["upload_name", "varchar(300)"],
      ["heartbeat_at", "varchar(40)"],
      ["error", "text"],
      ["report", "text"],
    ] as const)
      await db.schema.alterTable("import_runs").addColumn(name, type).execute();
    await db.schema
      .createTable("import_run_items")
      .$call(idColumn(db))
      .addColumn("run_id", "integer", (c) => c.notNull())
      .addColumn("item_key", "varchar(300)", (c) => c.notNull())
      .addColumn("status", "varchar(20)", (c) => c.notNull())
      .addColumn("title", "text")
      .addColumn("url", "text")
      .addColumn("detail", "text")
      .addColumn("notes", "text")
      .execute();
    await db.schema
      .createIndex("import_run_items_key")
      .on("import_run_items")
      .columns(["run_id", "item_key"])
      .unique()
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("import_run_items").execute();
    for (const c of [
      "origin",
      "started_by",
      "options",
      "upload",
      "upload_name",
      "heartbeat_at",
      "error",
      "report",
    ])
      await db.schema.alterTable("import_runs").dropColumn(c).execute();
  },
};

/**
 * Live coverage: a story whose body is a stream of posts. `live_stories`
 * holds the coverage (open or closed, its times, the desk's rules) and the
 * story's change counter; each post keeps the counter's value of its last
 * change (`seq`), so "what changed after cursor N" is one indexed read,
 * edits and deletions (kept as tombstones) included.
 */
const m0021_live: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("live_stories")
      .addColumn("story_id", "integer", (c) => c.primaryKey())
      .addColumn("state", "varchar(20)", (c) => c.notNull())
      .addColumn("coverage_start", "varchar(40)", (c) => c.notNull())
      .addColumn("coverage_end", "varchar(40)")
      .addColumn("require_approval", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("wire_append", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("seq", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("last_post_at", "varchar(40)")
      .execute();
    await db.schema
      .createTable("live_posts")
      .$call(idColumn(db))
      .addColumn("story_id", "integer", (c) => c.notNull())
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("status", "varchar(20)", (c) => c.notNull())
      .addColumn("title", "text")
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("author_slugs", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("pinned", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("key_event", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("published_at", "varchar(40)")
      .addColumn("edited_at", "varchar(40)")
      .addColumn("created_at", "varchar(40)", (c) => c.notNull())
      .addColumn("created_by", "integer")
      .addColumn("deleted_at", "varchar(40)")
      .addColumn("deleted_by", "integer")
      .addColumn("source_uri", "varchar(1000)")
      .execute();
    await db.schema.createIndex("live_posts_changes").on("live_posts").columns(["story_id", "seq"]).execute();
    await db.schema
      .createIndex("live_posts_stream")
      .on("live_posts")
      .columns(["story_id", "status", "published_at"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("live_posts").execute();
    await db.schema.dropTable("live_stories").execute();
  },
};

/**
 * The public record of changes to published live posts: each edit (the
 * words before and after) and each deletion, with who made it and the note
 * readers see. The story's history page lists them; the post itself only
 * says "Updated".
 */
const m0022_live_post_changes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("live_post_changes")
      .$call(idColumn(db))
      .addColumn("story_id", "integer", (c) => c.notNull())
      .addColumn("post_id", "integer", (c) => c.notNull())
      .addColumn("kind", "varchar(20)", (c) => c.notNull())
      .addColumn("at", "varchar(40)", (c) => c.notNull())
      .addColumn("post_published_at", "varchar(40)", (c) => c.notNull())
      .addColumn("title_before", "text")
      .addColumn("body_before", "text", (c) => c.notNull())
      .addColumn("title_after", "text")
      .addColumn("body_after", "text")
      .addColumn("note", "text")
      .addColumn("user_id", "integer")
      .addColumn("user_name", "varchar(200)", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("live_post_changes_story")
      .on("live_post_changes")
      .columns(["story_id", "at"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("live_post_changes").execute();
  },
};

export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001_foundation,
  "0002_search": m0002_search,
  "0003_changes": m0003_changes,
  "0004_newsroom": m0004_newsroom,
  "0005_comments": m0005_comments,
  "0006_scheduled_index": m0006_scheduled_index,
  "0007_story_media": m0007_story_media,
  "0008_correction_changes": m0008_correction_changes,
  "0009_story_trash": m0009_story_trash,
  "0010_desk": m0010_desk,
  "0011_story_seo": m0011_story_seo,
  "0012_image_focal_point": m0012_image_focal_point,
  "0013_health_probe": m0013_health_probe,
  "0014_revision_public_note": m0014_revision_public_note,
  "0015_wire": m0015_wire,
  "0016_newsletters": m0016_newsletters,
  "0017_memberships": m0017_memberships,
  "0018_advertising": m0018_advertising,
  "0019_imports": m0019_imports,
  "0020_import_jobs": m0020_import_jobs,
  "0021_live": m0021_live,
  "0022_live_post_changes": m0022_live_post_changes,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies every pending migration; returns the names applied. Throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  // On PostgreSQL the bookkeeping tables go in the connection's own schema:
  // Kysely would otherwise find another schema's tables and skip creating them.
  let migrationTableSchema: string | undefined;
  if (dialectOf(db).schemas) {
    const r = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    migrationTableSchema = r.rows[0]?.schema;
  }
  const migrator = new Migrator({ db, provider, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
