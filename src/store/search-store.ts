/**
 * Full-text search over headline, summary and body, behind one interface:
 * SQLite FTS5 (bm25, weights 10/4/1, the first hundred re-ranked by
 * `relevance`) or PostgreSQL full-text search (ts_rank_cd over weights
 * A/B/C, which does not normalise for length). Reader queries are never passed to either
 * engine's query syntax: on SQLite every word becomes a quoted FTS5 string,
 * on PostgreSQL the text goes through websearch_to_tsquery, which accepts
 * any input. Either way quotes, operators, control characters and very long
 * strings cannot cause an error.
 */
import { sql } from "kysely";
import { z } from "zod";
import { blockSchema } from "../content/model.ts";
import { plainText } from "../content/text.ts";
import type { Db } from "./database.ts";
import { dialectOf } from "./dialect.ts";
import { type StoryTeaser, type TeaserRow, toTeaser, visibleNow } from "./story-teasers.ts";

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

/** A part of a story that holds every word of the query. */
export type MatchedField = "headline" | "summary" | "text";

export interface SearchHit {
  story: StoryTeaser;
  /** Plain text with \u0001…\u0002 around matched terms: escape, then mark. */
  snippet: string;
  /** The headline with its matched words marked the same way. */
  headline: string;
  /** Where the whole query was found, best first; empty when its words are spread over several parts. */
  matchedIn: MatchedField[];
}

/**
 * How strongly the headline, the summary and the text count when ranking:
 * a story whose headline holds the words comes first, then one whose summary
 * does, then by how often the text mentions them. Not by how dense the
 * mentions are: BM25's length normalisation alone ranks a short brief that
 * names the bridge once above the long report about the bridge.
 */
export function relevance(m: { inHeadline: boolean; inSummary: boolean; textMentions: number }): number {
  return (m.inHeadline ? 10 : 0) + (m.inSummary ? 4 : 0) + Math.log2(1 + Math.min(m.textMentions, 50));
}

/** Results re-ranked by `relevance` on SQLite: the first this many by BM25. */
export const RERANKED = 100;

/** Start and end of a highlighted term inside a snippet. */
export const MARK_START = "\u0001";
export const MARK_END = "\u0002";

const isPostgres = (db: Db) => dialectOf(db).textSearch === "tsvector";

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

/**
 * Indexes every story when the index is empty but stories exist (a database
 * from before search). saveStory keeps the two in step from then on; counting
 * both on every start would cost seconds on a large archive.
 */
/** Drops a deleted story from the index (PostgreSQL's row goes with the story; FTS5 has no foreign keys). */
export async function removeFromIndex(db: Db, storyId: number): Promise<void> {
  if (!isPostgres(db)) await sql`DELETE FROM story_search WHERE rowid = ${storyId}`.execute(db);
}

export async function ensureSearchIndex(db: Db): Promise<number> {
  const anyStory = await db.selectFrom("stories").select("id").limit(1).executeTakeFirst();
  if (!anyStory) return 0;
  const anyIndexed =
    (await sql<{ one: number }>`SELECT 1 AS one FROM story_search LIMIT 1`.execute(db)).rows.length > 0;
  if (anyIndexed) return 0;
  const ids = await db.selectFrom("stories").select("id").execute();
  for (const { id } of ids) await indexStory(db, id);
  return ids.length;
}

type HitRow = TeaserRow & {
  access: string | null;
  section_access: string | null;
  snippet: string | null;
  headline_marked: string | null;
  in_headline: boolean | number;
  in_summary: boolean | number;
  in_text: boolean | number;
};

function toHit(r: HitRow): SearchHit {
  const story = toTeaser(r);
  // A gated story's text is not for every reader: its snippet is its summary.
  const gated = story.access !== "free";
  return {
    story,
    snippet: gated ? story.summary.join(" · ") : (r.snippet ?? ""),
    headline: r.headline_marked ?? r.headline,
    matchedIn: [
      ...(r.in_headline ? (["headline"] as const) : []),
      ...(r.in_summary ? (["summary"] as const) : []),
      ...(r.in_text && !gated ? (["text"] as const) : []),
    ],
  };
}

/** The ids of one page of results on SQLite, best first (see `relevance`). */
async function sqliteTopIds(
  db: Db,
  match: string,
  base: ReturnType<typeof sql>,
  q: SearchQuery,
): Promise<number[]> {
  // The first RERANKED by BM25 are put in relevance order; later pages follow BM25.
  if (q.offset >= RERANKED) return sqliteBm25Ids(db, match, base, q);
  const top = await sqliteBm25Ids(db, match, base, { ...q, offset: 0, limit: RERANKED });
  if (top.length === 0) return [];
  const ids = sql.join(top);
  const inField = async (column: "headline" | "summary") =>
    new Set(
      (
        await sql<{ id: number }>`SELECT rowid AS id FROM story_search
          WHERE story_search MATCH ${`{${column}} : (${match})`} AND rowid IN (${ids})`.execute(db)
      ).rows.map((r) => r.id),
    );
  const [inHeadline, inSummary] = [await inField("headline"), await inField("summary")];
  const mentions = new Map(
    (
      await sql<{
        id: number;
        marked: string;
      }>`SELECT rowid AS id, highlight(story_search, 2, ${MARK_START}, '') AS marked
        FROM story_search WHERE story_search MATCH ${match} AND rowid IN (${ids})`.execute(db)
    ).rows.map((r) => [r.id, r.marked.split(MARK_START).length - 1]),
  );
  const score = new Map(
    top.map((id) => [
      id,
      relevance({
        inHeadline: inHeadline.has(id),
        inSummary: inSummary.has(id),
        textMentions: mentions.get(id) ?? 0,
      }),
    ]),
  );
  // A stable sort: equal scores keep BM25's order.
  const ranked = [...top].sort((a, b) => score.get(b)! - score.get(a)!);
  const page = ranked.slice(q.offset, q.offset + q.limit);
  if (q.offset + q.limit <= RERANKED || top.length < RERANKED) return page;
  return [
    ...page,
    ...(await sqliteBm25Ids(db, match, base, {
      ...q,
      offset: RERANKED,
      limit: q.offset + q.limit - RERANKED,
    })),
  ];
}

/**
 * The ids of one page by BM25 alone, best first. Without filters, ranking runs
 * inside FTS5 alone on a few more candidates than the page needs, and only
 * those are checked for visibility: joining every match to its story costs
 * four times as much when a common word matches most of the archive. When
 * too many candidates turn out not to be visible, the full join decides.
 */
async function sqliteBm25Ids(
  db: Db,
  match: string,
  base: ReturnType<typeof sql>,
  q: SearchQuery,
): Promise<number[]> {
  const full = async () =>
    (
      await sql<{ id: number }>`SELECT s.id ${base}
        ORDER BY rank, s.first_published_at DESC
        LIMIT ${q.limit} OFFSET ${q.offset}`.execute(db)
    ).rows.map((r) => r.id);
  if (q.sectionSlug || q.from || q.to) return full();
  const want = q.offset + q.limit;
  const fetch = want * 2 + 50;
  const candidates = (
    await sql<{ id: number }>`SELECT rowid AS id FROM story_search WHERE story_search MATCH ${match}
      ORDER BY rank LIMIT ${fetch}`.execute(db)
  ).rows.map((r) => r.id);
  if (!candidates.length) return [];
  const now = q.now ?? new Date().toISOString();
  const visible = new Set(
    (
      await db
        .selectFrom("stories")
        .select("id")
        .where("id", "in", candidates)
        .where(visibleNow(now))
        .execute()
    ).map((r) => r.id),
  );
  const ranked = candidates.filter((id) => visible.has(id));
  if (ranked.length < want && candidates.length === fetch) return full();
  return ranked.slice(q.offset, want);
}

/**
 * Stories of any status whose headline, summary or text hold the words (the
 * newsroom's story list; readers' search sees only what is published). At
 * most `cap`, best matches first.
 */
export async function storyIdsMatchingText(db: Db, text: string, cap = 2000): Promise<number[]> {
  if (isPostgres(db)) {
    if (!queryWords(text).length) return [];
    const cfg = sql.lit(textConfig);
    const r = await sql<{ id: number }>`SELECT story_id AS id FROM story_search
      WHERE document @@ websearch_to_tsquery(${cfg}::regconfig, ${text.slice(0, 500)}) LIMIT ${cap}`.execute(
      db,
    );
    return r.rows.map((x) => Number(x.id));
  }
  const match = fts5Query(text);
  if (!match) return [];
  const r = await sql<{ id: number }>`SELECT rowid AS id FROM story_search WHERE story_search MATCH ${match}
    ORDER BY rank LIMIT ${cap}`.execute(db);
  return r.rows.map((x) => Number(x.id));
}

/** Matches are counted up to this many; past it the page says "more than". */
export const MAX_COUNTED = 1000;

export interface SearchResult {
  total: number;
  /** True when more than MAX_COUNTED stories match (total is then MAX_COUNTED). */
  totalIsLowerBound: boolean;
  hits: SearchHit[];
}

/** Ranked, highlighted results among the stories a reader may see now. */
export async function searchStories(db: Db, q: SearchQuery): Promise<SearchResult> {
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
    sec.slug AS section_slug, sec.name AS section_name, s.access AS access, sec.default_access AS section_access`;
  // Counting stops at MAX_COUNTED; ranking picks the page of ids first, and
  // snippets are made for that page only (made in the same query as the
  // ranking, they would be computed for every match before sorting).
  let rows: HitRow[];
  let counted: number;
  if (isPostgres(db)) {
    if (!queryWords(q.text).length) return { total: 0, totalIsLowerBound: false, hits: [] };
    const cfg = sql.lit(textConfig);
    const tsq = sql`websearch_to_tsquery(${cfg}::regconfig, ${q.text.slice(0, 500)})`;
    const base = sql`FROM story_search ss JOIN stories s ON s.id = ss.story_id JOIN sections sec ON sec.id = s.section_id
      WHERE ss.document @@ ${tsq} AND ${filters}`;
    counted = Number(
      (
        await sql<{
          n: string;
        }>`SELECT count(*) AS n FROM (SELECT 1 ${base} LIMIT ${MAX_COUNTED + 1}) m`.execute(db)
      ).rows[0]?.n ?? 0,
    );
    rows = (
      await sql<HitRow>`WITH top AS (
          SELECT s.id, ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', ss.document, ${tsq}) AS r, s.first_published_at AS p
          ${base}
          ORDER BY r DESC, p DESC LIMIT ${q.limit} OFFSET ${q.offset})
        SELECT ${columns},
          ts_headline(${cfg}::regconfig, ss.body, ${tsq}, 'StartSel=${sql.raw(MARK_START)}, StopSel=${sql.raw(MARK_END)}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "') AS snippet,
          ts_headline(${cfg}::regconfig, ss.headline, ${tsq}, 'StartSel=${sql.raw(MARK_START)}, StopSel=${sql.raw(MARK_END)}, HighlightAll=true') AS headline_marked,
          ts_filter(ss.document, '{a}') @@ ${tsq} AS in_headline,
          ts_filter(ss.document, '{b}') @@ ${tsq} AS in_summary,
          ts_filter(ss.document, '{c}') @@ ${tsq} AS in_text
        FROM top JOIN story_search ss ON ss.story_id = top.id JOIN stories s ON s.id = top.id JOIN sections sec ON sec.id = s.section_id
        ORDER BY top.r DESC, top.p DESC`.execute(db)
    ).rows;
  } else {
    const match = fts5Query(q.text);
    if (!match) return { total: 0, totalIsLowerBound: false, hits: [] };
    const base = sql`FROM story_search JOIN stories s ON s.id = story_search.rowid JOIN sections sec ON sec.id = s.section_id
      WHERE story_search MATCH ${match} AND ${filters}`;
    counted = Number(
      (
        await sql<{
          n: number;
        }>`SELECT count(*) AS n FROM (SELECT 1 ${base} LIMIT ${MAX_COUNTED + 1})`.execute(db)
      ).rows[0]?.n ?? 0,
    );
    const top = await sqliteTopIds(db, match, base, q);
    const inColumn = (column: "headline" | "summary" | "body") =>
      sql`story_search.rowid IN (SELECT rowid FROM story_search WHERE story_search MATCH ${`{${column}} : (${match})`}
        AND rowid IN (${sql.join(top.length ? top : [0])}))`;
    if (top.length === 0) rows = [];
    else {
      const found = (
        await sql<HitRow>`SELECT ${columns}, snippet(story_search, -1, ${MARK_START}, ${MARK_END}, '…', 28) AS snippet,
            highlight(story_search, 0, ${MARK_START}, ${MARK_END}) AS headline_marked,
            ${inColumn("headline")} AS in_headline, ${inColumn("summary")} AS in_summary, ${inColumn("body")} AS in_text
          FROM story_search JOIN stories s ON s.id = story_search.rowid JOIN sections sec ON sec.id = s.section_id
          WHERE story_search MATCH ${match} AND story_search.rowid IN (${sql.join(top)})`.execute(db)
      ).rows;
      const byId = new Map(found.map((r) => [r.id, r]));
      rows = top.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
    }
  }
  const total = Math.min(counted, MAX_COUNTED);
  return {
    total,
    totalIsLowerBound: counted > MAX_COUNTED,
    hits: rows.map(toHit),
  };
}
