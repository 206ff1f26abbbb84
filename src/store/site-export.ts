/**
 * `gazette export --out DIR` and `gazette restore DIR`: the whole site as
 * files, to rebuild it elsewhere (another machine, the other engine, a
 * restore drill). The folder holds:
 *
 *   manifest.json         what is in it, with a sha256 of every file
 *   tables/<table>.jsonl  one JSON object per row (keys sorted), rows in key order
 *   media.jsonl           every media file: key, size, sha256
 *   media/<key>           the files themselves (originals, picture sizes, videos)
 *
 * Values are written as the database holds them — dates are ISO-8601 text
 * and JSON columns text on both engines (store/schema.ts) — so an export of
 * the same site from SQLite and from PostgreSQL is byte for byte the same,
 * and export → restore → export gives the same files again; only the
 * manifest's `exportedAt` varies.
 *
 * Left out: what is a secret or belongs to one running server (sessions,
 * sign-in and reset tokens, invitations, throttles, the change feed, the
 * search index, which a restore rebuilds, the signing key of reader cookies),
 * and password hashes (newsroom users and readers set a new password after a
 * restore: `gazette user reset-password`, the readers' "forgot password").
 * Newsletter subscribers keep their link tokens, so that the unsubscribe
 * links in emails already sent keep working: keep the folder as private as
 * the database.
 *
 * A restore checks every checksum before it writes, needs a site with no
 * content, copies the media, then writes every table in one transaction:
 * a failed restore leaves the database as it was.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { sql } from "kysely";
import { contentTypeOf, type MediaStore } from "../media/media-store.ts";
import type { Db } from "./database.ts";
import { dialectOf } from "./dialect.ts";
import { migrations } from "./migrations.ts";
import { ensureSearchIndex } from "./search-store.ts";

export const EXPORT_FORMAT = "gazette-export";
export const EXPORT_FORMAT_VERSION = 1;

/** Every table exported, parents before the tables that refer to them. */
export const EXPORTED_TABLES = [
  "sections",
  "topics",
  "authors",
  "images",
  "videos",
  "users",
  "readers",
  "stories",
  "story_authors",
  "story_topics",
  "story_media",
  "story_revisions",
  "story_notes",
  "corrections",
  "correction_changes",
  "redirects",
  "notifications",
  "front_pages",
  "pages",
  "comments",
  "comment_reactions",
  "comment_reports",
  "moderation_log",
  "gift_links",
  "plans",
  "institutions",
  "reader_grants",
  "billing_subscriptions",
  "newsletters",
  "subscribers",
  "subscriptions",
  "newsletter_issues",
  "newsletter_deliveries",
  "suppressions",
  "mail_events",
  "advertisers",
  "ad_campaigns",
  "ad_creatives",
  "ad_stats",
  "wire_feeds",
  "wire_items",
  "wire_versions",
  "wire_failures",
  "import_runs",
  "import_run_items",
  "live_stories",
  "live_posts",
  "live_post_changes",
  "import_items",
  "legacy_urls",
  "settings",
] as const;

/** Tables left out, and why (the export's manifest says so too). */
export const LEFT_OUT_TABLES: Record<string, string> = {
  sessions: "newsroom sign-ins: secrets of one server",
  reader_sessions: "reader sign-ins: secrets",
  reader_tokens: "readers' sign-in and reset links: secrets",
  invitations: "one-time sign-up links: secrets",
  subscription_confirmations: "newsletter confirmation links: secrets",
  login_throttle: "sign-in throttling: state of one server",
  rate_limits: "rate limits: state of one server",
  changes: "the change feed between app processes: state of one server",
  health_probe: "the health check's write probe",
  stripe_events: "Stripe webhook deliveries already handled: Stripe's own log has them",
  story_search: "the search index: rebuilt by the restore",
};
const LEFT_OUT_PREFIXES = ["story_search", "kysely_migration", "sqlite_"];

/** Columns written as a placeholder instead of their value. */
const REDACTED: Record<string, Record<string, string>> = {
  users: { password_hash: "!" },
  readers: { password_hash: "!" },
};
/** Settings that are secrets or one server's state. */
const LEFT_OUT_SETTINGS = new Set(["access_signing_key", "visibility_checked_at"]);

export class ExportError extends Error {}

type Row = Record<string, unknown>;

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  formatVersion: number;
  /** The only thing that differs between two exports of the same site. */
  exportedAt: string;
  varies: string[];
  /** The newest migration the database had. */
  schema: string;
  tables: { name: string; file: string; rows: number; sha256: string }[];
  media: { file: string; files: number; bytes: number; sha256: string };
  leftOut: { tables: Record<string, string>; columns: Record<string, string>; settings: string[] };
}

const sha256 = (data: Buffer | string) => crypto.createHash("sha256").update(data).digest("hex");

async function sha256File(file: string): Promise<string> {
  const h = crypto.createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/** A row with its keys sorted and its integers as numbers (PostgreSQL's bigints arrive as text). */
function normalRow(row: Row, table: string): Row {
  const out: Row = {};
  for (const k of Object.keys(row).sort()) {
    const v = row[k];
    out[k] = typeof v === "bigint" ? Number(v) : v instanceof Date ? v.toISOString() : v;
  }
  const redact = REDACTED[table];
  if (redact) for (const [k, v] of Object.entries(redact)) if (k in out) out[k] = v;
  return out;
}

/** A total order on rows without an id: numbers by value, text by code unit, null first. */
function compareRows(a: Row, b: Row): number {
  for (const k of Object.keys(a)) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    if (x === null || x === undefined) return -1;
    if (y === null || y === undefined) return 1;
    if (typeof x === "number" && typeof y === "number") return x - y;
    const s = String(x);
    const t = String(y);
    if (s !== t) return s < t ? -1 : 1;
  }
  return 0;
}

async function columnsOf(db: Db): Promise<Map<string, string[]>> {
  const tables = await db.introspection.getTables();
  return new Map(tables.map((t) => [t.name, t.columns.map((c) => c.name)]));
}

/** Tables of the database that the export neither writes nor leaves out knowingly (a new migration's). */
export async function unclassifiedTables(db: Db): Promise<string[]> {
  const names = [...(await columnsOf(db)).keys()];
  return names.filter(
    (n) =>
      !(EXPORTED_TABLES as readonly string[]).includes(n) &&
      !(n in LEFT_OUT_TABLES) &&
      !LEFT_OUT_PREFIXES.some((p) => n.startsWith(p)),
  );
}

/**
 * The tables are named at run time, which Kysely's typed builder cannot
 * check: queries here go through an untyped handle of the same database.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Untyped = any;

/** A table's rows, normalised, in key order. */
async function* rowsOf(db: Db, table: string, columns: string[]): AsyncIterable<Row> {
  const q = db as Untyped;
  if (columns.includes("id")) {
    let after = -1;
    for (;;) {
      const page = (await q
        .selectFrom(table)
        .selectAll()
        .where("id", ">", after)
        .orderBy("id")
        .limit(1000)
        .execute()) as Row[];
      if (!page.length) return;
      for (const r of page) yield normalRow(r, table);
      after = Number(page[page.length - 1]!["id"]);
    }
  }
  const all = ((await q.selectFrom(table).selectAll().execute()) as Row[]).map((r) => normalRow(r, table));
  all.sort(compareRows);
  yield* all;
}

export interface ExportResult {
  dir: string;
  manifest: ExportManifest;
}

/** Writes the site into `dir` (which must not exist, or be empty). */
export async function exportSite(
  db: Db,
  media: MediaStore,
  dir: string,
  onProgress?: (what: string) => void,
): Promise<ExportResult> {
  if (fs.existsSync(dir) && (!fs.statSync(dir).isDirectory() || fs.readdirSync(dir).length))
    throw new ExportError(`${dir} exists and is not an empty folder; name a new one`);
  const unknown = await unclassifiedTables(db);
  if (unknown.length)
    throw new ExportError(
      `the database has tables the export does not know (${unknown.join(", ")}): this Gazette is older than its database`,
    );
  const columns = await columnsOf(db);
  fs.mkdirSync(path.join(dir, "tables"), { recursive: true });
  const tables: ExportManifest["tables"] = [];
  // One snapshot of every table, while the server may be writing: read in one transaction
  // (SQLite's WAL gives a read transaction its snapshot; PostgreSQL needs repeatable read).
  const snapshot =
    dialectOf(db).engine === "postgres"
      ? db.transaction().setIsolationLevel("repeatable read")
      : db.transaction();
  await snapshot.execute(async (trx) => {
    for (const table of EXPORTED_TABLES) {
      const cols = columns.get(table);
      if (!cols) throw new ExportError(`the database has no table ${table}: run gazette migrate first`);
      const file = `tables/${table}.jsonl`;
      const out = fs.createWriteStream(path.join(dir, file));
      let rows = 0;
      for await (const row of rowsOf(trx, table, cols)) {
        if (table === "settings" && LEFT_OUT_SETTINGS.has(String(row["key"]))) continue;
        if (!out.write(`${JSON.stringify(row)}\n`))
          await new Promise<void>((r) => out.once("drain", () => r()));
        rows++;
      }
      await new Promise<void>((resolve, reject) =>
        out.end((err?: Error | null) => (err ? reject(err) : resolve())),
      );
      tables.push({ name: table, file, rows, sha256: await sha256File(path.join(dir, file)) });
      onProgress?.(`${table}: ${rows} row(s)`);
    }
  });

  // The media: every file of the store, in key order.
  const keys: { key: string; size: number }[] = [];
  for await (const k of media.blobs.list("")) keys.push(k);
  keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const list: string[] = [];
  let bytes = 0;
  for (const { key } of keys) {
    const data = await media.blobs.get(key);
    if (!data) continue;
    const target = path.join(dir, "media", ...key.split("/"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data);
    list.push(JSON.stringify({ key, sha256: sha256(data), size: data.length }));
    bytes += data.length;
  }
  const mediaList = list.length ? `${list.join("\n")}\n` : "";
  fs.writeFileSync(path.join(dir, "media.jsonl"), mediaList);
  onProgress?.(`media: ${list.length} file(s), ${bytes} bytes`);

  const names = Object.keys(migrations).sort();
  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    exportedAt: new Date().toISOString(),
    varies: ["exportedAt"],
    schema: names[names.length - 1]!,
    tables,
    media: { file: "media.jsonl", files: list.length, bytes, sha256: sha256(mediaList) },
    leftOut: {
      tables: LEFT_OUT_TABLES,
      columns: Object.fromEntries(
        Object.entries(REDACTED).flatMap(([t, cs]) =>
          Object.keys(cs).map((c) => [`${t}.${c}`, "not exported: set a new password after a restore"]),
        ),
      ),
      settings: [...LEFT_OUT_SETTINGS],
    },
  };
  fs.writeFileSync(path.join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, manifest };
}

/** Reads and checks an export's manifest and every file's checksum; throws ExportError naming what is wrong. */
export async function verifyExport(dir: string): Promise<ExportManifest> {
  const file = path.join(dir, "manifest.json");
  if (!fs.existsSync(file)) throw new ExportError(`${dir} has no manifest.json: not a Gazette export`);
  let manifest: ExportManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, "utf8")) as ExportManifest;
  } catch (err) {
    throw new ExportError(`manifest.json is not JSON (${(err as Error).message})`);
  }
  if (manifest.format !== EXPORT_FORMAT || !Array.isArray(manifest.tables) || !manifest.media)
    throw new ExportError("manifest.json: not a Gazette export (format is not gazette-export)");
  if (manifest.formatVersion !== EXPORT_FORMAT_VERSION)
    throw new ExportError(
      `manifest.json: export format ${String(manifest.formatVersion)}; this Gazette reads format ${EXPORT_FORMAT_VERSION}`,
    );
  const names = Object.keys(migrations).sort();
  if (!names.includes(manifest.schema))
    throw new ExportError(
      `manifest.json: the export's database is at ${String(manifest.schema)}, newer than this Gazette (${names.at(-1)}): upgrade Gazette first`,
    );
  for (const t of manifest.tables) {
    if (!(EXPORTED_TABLES as readonly string[]).includes(t.name))
      throw new ExportError(`manifest.json: unknown table ${t.name}`);
    const p = path.join(dir, "tables", `${t.name}.jsonl`);
    if (!fs.existsSync(p)) throw new ExportError(`${t.file} is missing`);
    if ((await sha256File(p)) !== t.sha256)
      throw new ExportError(`${t.file} does not match its checksum in manifest.json: the copy is damaged`);
  }
  const listFile = path.join(dir, "media.jsonl");
  if (!fs.existsSync(listFile)) throw new ExportError("media.jsonl is missing");
  if ((await sha256File(listFile)) !== manifest.media.sha256)
    throw new ExportError("media.jsonl does not match its checksum in manifest.json: the copy is damaged");
  for await (const line of readline.createInterface({ input: fs.createReadStream(listFile) })) {
    if (!line) continue;
    const { key, sha256: sum } = JSON.parse(line) as { key: string; sha256: string };
    const p = path.join(dir, "media", ...key.split("/"));
    if (!fs.existsSync(p)) throw new ExportError(`media/${key} is missing`);
    if ((await sha256File(p)) !== sum)
      throw new ExportError(`media/${key} does not match its checksum in media.jsonl: the copy is damaged`);
  }
  return manifest;
}

export interface RestoreResult {
  tables: number;
  rows: number;
  mediaFiles: number;
}

/** Loads an export into a site without content: checks everything first, then media, then one transaction. */
export async function restoreSite(
  db: Db,
  media: MediaStore,
  dir: string,
  onProgress?: (what: string) => void,
): Promise<RestoreResult> {
  const manifest = await verifyExport(dir);
  const columns = await columnsOf(db);
  const q = db as Untyped;
  for (const t of manifest.tables) {
    if (t.name === "settings") continue;
    const any = (await q
      .selectFrom(t.name)
      .select(sql`1`.as("one"))
      .limit(1)
      .execute()) as unknown[];
    if (any.length)
      throw new ExportError(
        `this site already has ${t.name}: restore into a new data folder (GAZETTE_DATA) or an empty database`,
      );
  }

  // Media first: content-addressed files a failed restore would leave unreferenced, never wrong.
  let mediaFiles = 0;
  for await (const line of readline.createInterface({
    input: fs.createReadStream(path.join(dir, "media.jsonl")),
  })) {
    if (!line) continue;
    const { key } = JSON.parse(line) as { key: string };
    await media.blobs.put(
      key,
      fs.readFileSync(path.join(dir, "media", ...key.split("/"))),
      contentTypeOf(key),
    );
    mediaFiles++;
  }
  onProgress?.(`media: ${mediaFiles} file(s)`);

  let rows = 0;
  await db.transaction().execute(async (trx) => {
    const t = trx as Untyped;
    for (const table of manifest.tables) {
      const cols = new Set(columns.get(table.name) ?? []);
      let batch: Row[] = [];
      const flush = async () => {
        if (!batch.length) return;
        if (table.name === "settings")
          for (const r of batch)
            await t
              .insertInto("settings")
              .values(r)
              .onConflict((oc: Untyped) => oc.column("key").doUpdateSet({ value: r["value"] }))
              .execute();
        else await t.insertInto(table.name).values(batch).execute();
        rows += batch.length;
        batch = [];
      };
      let n = 0;
      for await (const line of readline.createInterface({
        input: fs.createReadStream(path.join(dir, "tables", `${table.name}.jsonl`)),
      })) {
        if (!line) continue;
        n++;
        const row = JSON.parse(line) as Row;
        for (const k of Object.keys(row))
          if (!cols.has(k))
            throw new ExportError(
              `tables/${table.name}.jsonl line ${n}: column ${k} is not in this database`,
            );
        batch.push(row);
        if (batch.length >= 100) await flush();
      }
      await flush();
      onProgress?.(`${table.name}: ${n} row(s)`);
    }
  });
  // PostgreSQL's identity columns continue after the restored ids.
  if (dialectOf(db).autoId === "identity")
    for (const table of manifest.tables) {
      if (!columns.get(table.name)?.includes("id")) continue;
      const seq = (
        await sql<{ seq: string | null }>`SELECT pg_get_serial_sequence(${table.name}, 'id') AS seq`.execute(
          db,
        )
      ).rows[0]?.seq;
      if (seq)
        await sql`SELECT setval(${seq}, GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL) FROM ${sql.table(table.name)}`.execute(
          db,
        );
    }
  await ensureSearchIndex(db);
  return { tables: manifest.tables.length, rows, mediaFiles };
}
