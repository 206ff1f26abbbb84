/**
 * Full-text search over headline, summary and body, behind one interface:
 * SQLite FTS5 (bm25, weights 10/4/1) or PostgreSQL full-text search
 * (ts_rank_cd over weights A/B/C). Reader queries are never passed to either
 * engine's query syntax: on SQLite every word becomes a quoted FTS5 string,
 * on PostgreSQL the text goes through websearch_to_tsquery, which accepts
 * any input. Either way quotes, operators, control characters and very long
 * strings cannot cause an error.
 */
import { PostgresAdapter, sql } from "kysely";
import { z } from "zod";
import { blockSchema } from "../content/model.ts";
import { plainText } from "../content/text.ts";
import type { Db } from "./database.ts";
import type { StoryTeaser } from "./story-store.ts";

export interface SearchQuery {
  text: string;
  sectionSlug?: string | undefined;
  /** Inclusive, YYYY-MM-DD (UTC). */
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  offset: number;
  now?: string;
}

export interface SearchHit {
  story: StoryTeaser;
  /** Plain text with \u0001…\u0002 around matched terms: escape, then mark. */
  snippet: string;
}

/** Start and end of a highlighted term inside a snippet. */
export const MARK_START = "\u0001";
export const MARK_END = "\u0002";

const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

/** The text-search configuration for a site language on PostgreSQL. */
export function pgTextConfig(language: string): string {
  return language.toLowerCase().startsWith("en") ? "english" : "simple";
}

let textConfig = "english";
/** Set once at boot from the site's language. */
export function setSearchLanguage(language: string): void {
  textConfig = pgTextConfig(language);
}

/** Words of a reader's query: letters and digits only, at most 16 words of 60 characters. */
export function queryWords(text: string): string[] {
  return (text.slice(0, 500).match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 16).map((w) => w.slice(0, 60));
}

/** An FTS5 query where every word is a quoted string (all must match); the last may be a prefix. */
export function fts5Query(text: string): string | undefined {
  const words = queryWords(text);
  if (!words.length) return undefined;
  return words.map((w, i) => `"${w}"${i === words.length - 1 && w.length >= 3 ? "*" : ""}`).join(" ");
}

/** Brings a story's row in the search index up to date (call inside the writing transaction). */
export async function indexStory(db: Db, storyId: number): Promise<void> {
  const row = await db
    .selectFrom("stories")
    .select(["headline", "summary", "body"])
    .where("id", "=", storyId)
    .executeTakeFirst();
  if (!row) return;
  const summary = z.array(z.string()).parse(JSON.parse(row.summary)).join(" ");
  const body = plainText(z.array(blockSchema).parse(JSON.parse(row.body)));
  if (isPostgres(db)) {
    const cfg = sql.lit(textConfig);
    await sql`INSERT INTO story_search (story_id, headline, summary, body, document)
      VALUES (${storyId}, ${row.headline}, ${summary}, ${body},
        setweight(to_tsvector(${cfg}::regconfig, ${row.headline}), 'A') ||
        setweight(to_tsvector(${cfg}::regconfig, ${summary}), 'B') ||
        setweight(to_tsvector(${cfg}::regconfig, ${body}), 'C'))
      ON CONFLICT (story_id) DO UPDATE SET headline = excluded.headline, summary = excluded.summary,
        body = excluded.body, document = excluded.document`.execute(db);
  } else {
    await sql`DELETE FROM story_search WHERE rowid = ${storyId}`.execute(db);
    await sql`INSERT INTO story_search (rowid, headline, summary, body) VALUES (${storyId}, ${row.headline}, ${summary}, ${body})`.execute(
      db,
    );
  }
}

/** Re-indexes every story when the index and the stories disagree in number (first start after the migration). */
export async function ensureSearchIndex(db: Db): Promise<number> {
  const stories = Number(
    (
      await db
        .selectFrom("stories")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const indexed = Number(
    (await sql<{ n: number }>`SELECT count(*) AS n FROM story_search`.execute(db)).rows[0]?.n ?? 0,
  );
  if (stories === indexed) return 0;
  const ids = await db.selectFrom("stories").select("id").execute();
  for (const { id } of ids) await indexStory(db, id);
  return ids.length;
}

interface HitRow {
  id: number;
  path: string;
  headline: string;
  summary: string;
  hero_image_id: number | null;
  first_published_at: string | null;
  updated_at: string;
  byline: string | null;
  section_slug: string;
  section_name: string;
  snippet: string | null;
}

/** Ranked, highlighted results among the stories a reader may see now. */
export async function searchStories(db: Db, q: SearchQuery): Promise<{ total: number; hits: SearchHit[] }> {
  const now = q.now ?? new Date().toISOString();
  const from = q.from ? `${q.from}T00:00:00.000Z` : undefined;
  const to = q.to ? `${q.to}T23:59:59.999Z` : undefined;
  const filters = sql.join(
    [
      sql`s.status = 'published'`,
      sql`s.first_published_at IS NOT NULL`,
      sql`s.first_published_at <= ${now}`,
      sql`(s.embargo_until IS NULL OR s.embargo_until <= ${now})`,
      ...(q.sectionSlug ? [sql`sec.slug = ${q.sectionSlug}`] : []),
      ...(from ? [sql`s.first_published_at >= ${from}`] : []),
      ...(to ? [sql`s.first_published_at <= ${to}`] : []),
    ],
    sql` AND `,
  );
  const columns = sql`s.id, s.path, s.headline, s.summary, s.hero_image_id, s.first_published_at, s.updated_at, s.byline,
    sec.slug AS section_slug, sec.name AS section_name`;
  let rows: HitRow[];
  let total: number;
  if (isPostgres(db)) {
    if (!queryWords(q.text).length) return { total: 0, hits: [] };
    const cfg = sql.lit(textConfig);
    const tsq = sql`websearch_to_tsquery(${cfg}::regconfig, ${q.text.slice(0, 500)})`;
    const base = sql`FROM story_search ss JOIN stories s ON s.id = ss.story_id JOIN sections sec ON sec.id = s.section_id
      WHERE ss.document @@ ${tsq} AND ${filters}`;
    total = Number((await sql<{ n: string }>`SELECT count(*) AS n ${base}`.execute(db)).rows[0]?.n ?? 0);
    rows = (
      await sql<HitRow>`SELECT ${columns},
        ts_headline(${cfg}::regconfig, ss.body, ${tsq}, 'StartSel=${sql.raw(MARK_START)}, StopSel=${sql.raw(MARK_END)}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "') AS snippet
        ${base}
        ORDER BY ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', ss.document, ${tsq}) DESC, s.first_published_at DESC
        LIMIT ${q.limit} OFFSET ${q.offset}`.execute(db)
    ).rows;
  } else {
    const match = fts5Query(q.text);
    if (!match) return { total: 0, hits: [] };
    const base = sql`FROM story_search JOIN stories s ON s.id = story_search.rowid JOIN sections sec ON sec.id = s.section_id
      WHERE story_search MATCH ${match} AND ${filters}`;
    total = Number((await sql<{ n: number }>`SELECT count(*) AS n ${base}`.execute(db)).rows[0]?.n ?? 0);
    rows = (
      await sql<HitRow>`SELECT ${columns},
        snippet(story_search, -1, ${MARK_START}, ${MARK_END}, '…', 28) AS snippet
        ${base}
        ORDER BY bm25(story_search, 10.0, 4.0, 1.0), s.first_published_at DESC
        LIMIT ${q.limit} OFFSET ${q.offset}`.execute(db)
    ).rows;
  }
  return {
    total,
    hits: rows.map((r) => ({
      story: {
        id: r.id,
        path: r.path,
        headline: r.headline,
        summary: z.array(z.string()).parse(JSON.parse(r.summary)),
        heroImageId: r.hero_image_id,
        sectionSlug: r.section_slug,
        sectionName: r.section_name,
        firstPublishedAt: r.first_published_at ?? r.updated_at,
        updatedAt: r.updated_at,
        byline: r.byline,
      },
      snippet: r.snippet ?? "",
    })),
  };
}
