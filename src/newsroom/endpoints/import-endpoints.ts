/**
 * Admin API: importing a WordPress or Ghost archive from the newsroom
 * (admins). The upload starts a run in the background (newsroom/import-jobs.ts);
 * its progress, counts and each item's outcome are read here while it works
 * and after; an interrupted run is continued from its checkpoint.
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { GazetteError } from "../../content/errors.ts";
import type { Db } from "../../store/database.ts";
import type { ImportRunTable } from "../../store/schema.ts";
import { endpoint, idParam, json } from "../../web/endpoint.ts";
import type { ImportJobs } from "../import-jobs.ts";
import type { Selectable } from "kysely";

type RunRow = Selectable<ImportRunTable>;

function parsed<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

const itemQuery = z.object({
  /** One outcome; `notes`: items that came through with something missing; `attention`: errors, skipped and notes. */
  show: z
    .enum(["all", "attention", "created", "updated", "unchanged", "skipped", "error", "notes"])
    .default("all"),
  /** The last item id of the previous page. */
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function importEndpoints(deps: { db: Db; imports: ImportJobs; dataDir: string }) {
  const { db, imports } = deps;

  async function runJson(r: RunRow) {
    const state = imports.stateOf(r);
    const by = r.started_by
      ? await db.selectFrom("users").select(["id", "name"]).where("id", "=", r.started_by).executeTakeFirst()
      : undefined;
    const { kind, ...options } = parsed<Record<string, unknown>>(r.options, {});
    const uploadThere = r.upload ? fs.existsSync(path.join(deps.dataDir, r.upload)) : false;
    return {
      id: r.id,
      origin: r.origin,
      kind: kind ?? (r.source.startsWith("ghost:") ? "ghost" : "wordpress"),
      file: r.upload_name ?? r.file,
      source: r.source,
      state,
      position: r.position,
      total: r.total,
      counts: parsed<Record<string, number>>(r.counts, {}),
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      startedBy: by ?? null,
      options: r.origin === "newsroom" ? options : null,
      error: r.error,
      report: parsed<Record<string, unknown> | null>(r.report, null),
      canContinue:
        r.origin === "newsroom" &&
        uploadThere &&
        (state === "interrupted" || (state === "failed" && r.position > 0)),
    };
  }

  async function mustRun(id: number): Promise<RunRow> {
    const r = await db.selectFrom("import_runs").selectAll().where("id", "=", id).executeTakeFirst();
    if (!r) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no import run ${id}.`);
    return r;
  }

  return [
    endpoint({
      method: "GET",
      path: "/api/admin/imports",
      access: "imports.manage",
      responds: "json",
      tag: "Imports",
      summary:
        "Import runs, newest first (from the newsroom and from the gazette command): state (running, interrupted, done, failed), progress, counts",
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      handler: async ({ query }) => {
        const rows = await db
          .selectFrom("import_runs")
          .selectAll()
          .orderBy("id", "desc")
          .limit(query.limit)
          .execute();
        return { items: await Promise.all(rows.map(runJson)) };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/imports",
      access: "imports.manage",
      responds: "json",
      tag: "Imports",
      status: 202,
      multipart: true,
      summary:
        "Import a WordPress export (WXR .xml) or a Ghost export (.json), told apart by their content (multipart: file; fetchMedia to download pictures from the old site; section for posts in none; siteUrl, Ghost only, when the export lacks it). 202 with the run, which works in the background; 409 while another import runs. The same file as an interrupted run continues it",
      handler: async ({ req, user }) =>
        json(await runJson(await mustRun(await imports.receive(req, user!.id))), 202),
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/imports/:id",
      access: "imports.manage",
      responds: "json",
      tag: "Imports",
      summary:
        "One import run: state, progress, counts, why it failed, and when done its report (what is unresolved)",
      params: idParam,
      handler: async ({ params }) => runJson(await mustRun(params.id)),
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/imports/:id/items",
      access: "imports.manage",
      responds: "json",
      tag: "Imports",
      summary:
        "Each item's outcome in an import run, in file order, a page at a time (after: the last id of the previous page): created, updated, unchanged, skipped (and why), error (and what), and notes on what did not come through whole",
      params: idParam,
      query: itemQuery,
      handler: async ({ params, query }) => {
        await mustRun(params.id);
        let q = db
          .selectFrom("import_run_items")
          .selectAll()
          .where("run_id", "=", params.id)
          .where("id", ">", query.after);
        if (query.show === "notes") q = q.where("notes", "is not", null);
        else if (query.show === "attention")
          q = q.where((eb) => eb.or([eb("status", "in", ["error", "skipped"]), eb("notes", "is not", null)]));
        else if (query.show !== "all") q = q.where("status", "=", query.show);
        const rows = await q
          .orderBy("id")
          .limit(query.limit + 1)
          .execute();
        const page = rows.slice(0, query.limit);
        return {
          items: page.map((r) => ({
            id: r.id,
            key: r.item_key,
            status: r.status,
            title: r.title,
            url: r.url,
            detail: r.detail,
            notes: parsed<string[]>(r.notes, []),
          })),
          next: rows.length > query.limit ? page.at(-1)!.id : null,
        };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/imports/:id/continue",
      access: "imports.manage",
      responds: "json",
      tag: "Imports",
      status: 202,
      summary:
        "Continue an interrupted (or failed) newsroom import from its checkpoint, with the file it was given; 409 when it is running or done, was started with the gazette command, or its file is gone (upload it again)",
      params: idParam,
      handler: async ({ params }) => {
        await imports.continueRun(params.id);
        return json(await runJson(await mustRun(params.id)), 202);
      },
    }),
  ];
}
