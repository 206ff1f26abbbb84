/**
 * Importers' bookkeeping: which source item became which row (a second run
 * updates instead of duplicating), each run's checkpoint (a killed import
 * continues where it stopped), and the old site's addresses, answered with
 * a 301 to what they became.
 */
import type { Selectable } from "kysely";
import type { Db } from "./database.ts";
import type { ImportRunItemTable, ImportRunTable } from "./schema.ts";
import { visibleNow } from "./story-teasers.ts";

export interface ImportedItem {
  kind: string;
  targetId: number;
  contentHash: string;
  targetRevision: number | null;
  linksPending: boolean;
}

export async function importedItem(db: Db, source: string, key: string): Promise<ImportedItem | undefined> {
  const r = await db
    .selectFrom("import_items")
    .selectAll()
    .where("source", "=", source)
    .where("item_key", "=", key)
    .executeTakeFirst();
  return r
    ? {
        kind: r.kind,
        targetId: r.target_id,
        contentHash: r.content_hash,
        targetRevision: r.target_revision,
        linksPending: r.links_pending === 1,
      }
    : undefined;
}

export async function recordImportedItem(
  db: Db,
  source: string,
  key: string,
  item: ImportedItem,
  now = new Date(),
): Promise<void> {
  const values = {
    kind: item.kind,
    target_id: item.targetId,
    content_hash: item.contentHash,
    target_revision: item.targetRevision,
    links_pending: item.linksPending ? 1 : 0,
    imported_at: now.toISOString(),
  };
  await db
    .insertInto("import_items")
    .values({ source, item_key: key, ...values })
    .onConflict((oc) => oc.columns(["source", "item_key"]).doUpdateSet(values))
    .execute();
}

/** Items whose text still links to the old site's address of something imported later. */
export async function itemsWithPendingLinks(
  db: Db,
  source: string,
  afterKey: string,
  limit: number,
): Promise<{ key: string; targetId: number }[]> {
  const rows = await db
    .selectFrom("import_items")
    .select(["item_key", "target_id"])
    .where("source", "=", source)
    .where("links_pending", "=", 1)
    .where("item_key", ">", afterKey)
    .orderBy("item_key")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ key: r.item_key, targetId: r.target_id }));
}

export async function clearPendingLinks(
  db: Db,
  source: string,
  key: string,
  targetRevision: number | null,
): Promise<void> {
  await db
    .updateTable("import_items")
    .set({ links_pending: 0, ...(targetRevision !== null ? { target_revision: targetRevision } : {}) })
    .where("source", "=", source)
    .where("item_key", "=", key)
    .execute();
}

export interface ImportRun {
  id: number;
  position: number;
  total: number;
  status: string;
  startedAt: string;
}

/**
 * The run to continue: the last unfinished run of the same source over the
 * same file (by content), or a new one.
 */
export async function startImportRun(
  db: Db,
  r: { source: string; file: string; fingerprint: string; total: number; runId?: number | undefined },
  now = new Date(),
): Promise<{ run: ImportRun; resumed: boolean }> {
  if (r.runId !== undefined) {
    // A run the newsroom made for its upload: it is this run, new or continued.
    const row = await db
      .selectFrom("import_runs")
      .selectAll()
      .where("id", "=", r.runId)
      .executeTakeFirstOrThrow();
    await db
      .updateTable("import_runs")
      .set({
        source: r.source,
        fingerprint: r.fingerprint,
        total: r.total,
        status: "running",
        error: null,
        heartbeat_at: now.toISOString(),
      })
      .where("id", "=", r.runId)
      .execute();
    return {
      run: {
        id: row.id,
        position: row.position,
        total: r.total,
        status: "running",
        startedAt: row.started_at,
      },
      resumed: row.position > 0,
    };
  }
  const last = await db
    .selectFrom("import_runs")
    .selectAll()
    .where("source", "=", r.source)
    .where("fingerprint", "=", r.fingerprint)
    .orderBy("id", "desc")
    .executeTakeFirst();
  if (last && last.status === "running" && last.position > 0)
    return {
      run: {
        id: last.id,
        position: last.position,
        total: last.total,
        status: last.status,
        startedAt: last.started_at,
      },
      resumed: true,
    };
  const row = await db
    .insertInto("import_runs")
    .values({
      source: r.source,
      file: r.file,
      fingerprint: r.fingerprint,
      started_at: now.toISOString(),
      total: r.total,
      status: "running",
      heartbeat_at: now.toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return {
    run: { id: row.id, position: 0, total: r.total, status: "running", startedAt: now.toISOString() },
    resumed: false,
  };
}

/** The checkpoint: written in the same transaction as the items it counts. */
export async function advanceImportRun(
  db: Db,
  runId: number,
  position: number,
  counts: Record<string, number>,
  now = new Date(),
): Promise<void> {
  await db
    .updateTable("import_runs")
    .set({ position, counts: JSON.stringify(counts), heartbeat_at: now.toISOString() })
    .where("id", "=", runId)
    .execute();
}

/** The run is still working (written every few seconds while it is). */
export async function importRunHeartbeat(db: Db, runId: number, now = new Date()): Promise<void> {
  await db
    .updateTable("import_runs")
    .set({ heartbeat_at: now.toISOString() })
    .where("id", "=", runId)
    .where("status", "=", "running")
    .execute();
}

/** One item's outcome, for the run's report (again for an item written again after a crash). */
export interface RunItem {
  key: string;
  status: string;
  title?: string | undefined;
  url?: string | undefined;
  reason?: string | undefined;
  error?: string | undefined;
  notes?: string[] | undefined;
}

export async function recordRunItems(db: Db, runId: number, items: readonly RunItem[]): Promise<void> {
  // The last outcome of each key (an export may repeat an item; one statement cannot write a row twice).
  const last = [...new Map(items.map((r) => [r.key.slice(0, 300), r])).values()];
  if (!last.length) return;
  // One statement for the batch: an import of 20,000 posts writes 2,000 of these, not 20,000.
  await db
    .insertInto("import_run_items")
    .values(
      last.map((r) => ({
        run_id: runId,
        item_key: r.key.slice(0, 300),
        status: r.status,
        title: r.title?.slice(0, 1000) ?? null,
        url: r.url ?? null,
        detail: (r.error ?? r.reason)?.slice(0, 4000) ?? null,
        notes: r.notes?.length ? JSON.stringify(r.notes) : null,
      })),
    )
    .onConflict((oc) =>
      oc.columns(["run_id", "item_key"]).doUpdateSet((eb) => ({
        status: eb.ref("excluded.status"),
        title: eb.ref("excluded.title"),
        url: eb.ref("excluded.url"),
        detail: eb.ref("excluded.detail"),
        notes: eb.ref("excluded.notes"),
      })),
    )
    .execute();
}

export async function finishImportRun(
  db: Db,
  runId: number,
  status: "done" | "failed",
  counts: Record<string, number>,
  now = new Date(),
  report?: Record<string, unknown>,
): Promise<void> {
  await db
    .updateTable("import_runs")
    .set({
      status,
      finished_at: now.toISOString(),
      counts: JSON.stringify(counts),
      heartbeat_at: null,
      ...(report ? { report: JSON.stringify(report) } : {}),
    })
    .where("id", "=", runId)
    .execute();
}

export async function importRunCounts(db: Db, runId: number): Promise<Record<string, number>> {
  const r = await db.selectFrom("import_runs").select("counts").where("id", "=", runId).executeTakeFirst();
  try {
    return r ? (JSON.parse(r.counts) as Record<string, number>) : {};
  } catch {
    return {};
  }
}

export type LegacyTargetKind = "story" | "page" | "section" | "topic" | "author" | "media";

/** Points an old address at what it became (a later import of the same address wins). */
export async function saveLegacyUrl(
  db: Db,
  path: string,
  target: { kind: LegacyTargetKind; ref: string },
  source: string,
): Promise<void> {
  const values = { target_kind: target.kind, target_ref: target.ref, source };
  await db
    .insertInto("legacy_urls")
    .values({ path, ...values })
    .onConflict((oc) => oc.column("path").doUpdateSet(values))
    .execute();
}

/**
 * An old site's address in the form legacy_urls keeps it: the path without
 * a trailing slash (the root stays "/"), and of the query only what names a
 * post on WordPress's plain permalinks (?p=, ?page_id=, ?attachment_id=).
 * Undefined when it cannot be an old address.
 */
export function legacyKey(pathAndQuery: string): string | undefined {
  let u: URL;
  try {
    u = new URL(pathAndQuery, "http://old.invalid");
  } catch {
    return undefined;
  }
  const p = u.pathname.replace(/\/+$/, "") || "/";
  if (p.length > 900) return undefined;
  for (const name of ["p", "page_id", "attachment_id"]) {
    const v = u.searchParams.get(name);
    if (v && /^\d{1,12}$/.test(v)) return `${p === "/" ? "" : p}/?${name}=${v}`;
  }
  return p === "/" ? undefined : p;
}

/**
 * Where an old address now lives, for a 301: only to something readers can
 * see (a story still unpublished answers 404, as its new address would).
 */
export async function legacyRedirect(
  db: Db,
  pathAndQuery: string,
  now = new Date(),
): Promise<string | undefined> {
  const key = legacyKey(pathAndQuery);
  if (!key) return undefined;
  const r = await db
    .selectFrom("legacy_urls")
    .select(["target_kind", "target_ref"])
    .where("path", "=", key)
    .executeTakeFirst();
  if (!r) return undefined;
  switch (r.target_kind) {
    case "story": {
      const s = await db
        .selectFrom("stories")
        .select("path")
        .where("id", "=", Number(r.target_ref))
        .where(visibleNow(now.toISOString()))
        .executeTakeFirst();
      return s?.path;
    }
    case "page":
      return `/about/${r.target_ref}`;
    case "section":
      return `/${r.target_ref}`;
    case "topic":
      return `/topic/${r.target_ref}`;
    case "author":
      return `/author/${r.target_ref}`;
    case "media":
      return `/media/${r.target_ref}`;
    default:
      return undefined;
  }
}

/** An import run as stored (the newsroom's view of runs reads it whole). */
export type ImportRunRow = Selectable<ImportRunTable>;

export async function importRunById(db: Db, id: number): Promise<ImportRunRow | undefined> {
  return db.selectFrom("import_runs").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Runs, newest first. */
export async function listImportRuns(db: Db, limit: number): Promise<ImportRunRow[]> {
  return db.selectFrom("import_runs").selectAll().orderBy("id", "desc").limit(limit).execute();
}

/** Runs whose status says running (some may have lost their process: see their heartbeat). */
export async function runningImportRuns(db: Db): Promise<ImportRunRow[]> {
  return db
    .selectFrom("import_runs")
    .selectAll()
    .where("status", "=", "running")
    .orderBy("id", "desc")
    .execute();
}

/** The newest unfinished run of this file that got somewhere: a new upload of it continues it. */
export async function unfinishedRunOf(db: Db, fingerprint: string): Promise<ImportRunRow | undefined> {
  return db
    .selectFrom("import_runs")
    .selectAll()
    .where("fingerprint", "=", fingerprint)
    .where("status", "in", ["running", "failed"])
    .where("position", ">", 0)
    .orderBy("id", "desc")
    .executeTakeFirst();
}

export type ImportRunPatch = Partial<
  Pick<
    ImportRunRow,
    | "origin"
    | "started_by"
    | "options"
    | "upload"
    | "upload_name"
    | "file"
    | "status"
    | "heartbeat_at"
    | "error"
    | "finished_at"
  >
>;

export async function updateImportRun(db: Db, id: number, patch: ImportRunPatch): Promise<void> {
  await db.updateTable("import_runs").set(patch).where("id", "=", id).execute();
}

/** A run for a newsroom upload, before its importer has read the file. */
export async function createImportRun(
  db: Db,
  values: ImportRunPatch & {
    source: string;
    file: string;
    fingerprint: string;
    started_at: string;
    status: string;
  },
): Promise<number> {
  const row = await db
    .insertInto("import_runs")
    .values({ ...values, total: 0 })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Adds to a run's stored report (the export's format, known to the caller). */
export async function amendImportRunReport(
  db: Db,
  id: number,
  extra: Record<string, unknown>,
): Promise<void> {
  const r = await db.selectFrom("import_runs").select("report").where("id", "=", id).executeTakeFirst();
  let report: Record<string, unknown> = {};
  try {
    report = JSON.parse(r?.report ?? "{}") as Record<string, unknown>;
  } catch {
    /* written by Gazette; a damaged one is replaced */
  }
  await db
    .updateTable("import_runs")
    .set({ report: JSON.stringify({ ...report, ...extra }) })
    .where("id", "=", id)
    .execute();
}

export type RunItemFilter =
  "all" | "attention" | "notes" | "created" | "updated" | "unchanged" | "skipped" | "error";

/** A run's items in file order after `after` (an item id), `limit` of them (one more tells there are others). */
export async function importRunItems(
  db: Db,
  runId: number,
  show: RunItemFilter,
  after: number,
  limit: number,
): Promise<Selectable<ImportRunItemTable>[]> {
  let q = db.selectFrom("import_run_items").selectAll().where("run_id", "=", runId).where("id", ">", after);
  if (show === "notes") q = q.where("notes", "is not", null);
  else if (show === "attention")
    q = q.where((eb) => eb.or([eb("status", "in", ["error", "skipped"]), eb("notes", "is not", null)]));
  else if (show !== "all") q = q.where("status", "=", show);
  return q.orderBy("id").limit(limit).execute();
}
