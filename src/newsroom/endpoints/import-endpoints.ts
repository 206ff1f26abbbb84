/**
 * Admin API: importing a WordPress or Ghost archive from the newsroom
 * (admins). The upload is streamed to the imports folder and starts a run in
 * the background (newsroom/import-jobs.ts); its progress, counts and each
 * item's outcome are read here while it works and after; an interrupted run
 * is continued from its checkpoint.
 */
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { GazetteError } from "../../content/errors.ts";
import type { Db } from "../../store/database.ts";
import {
  type ImportRunRow,
  importRunById,
  importRunItems,
  listImportRuns,
} from "../../store/import-store.ts";
import { userById } from "../../store/user-store.ts";
import { endpoint, idParam, json } from "../../web/endpoint.ts";
import { Fingerprint, type ImportJobs, type ReceivedUpload } from "../import-jobs.ts";

function parsed<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/**
 * Streams a multipart upload's file (field "file") to `stored`, hashing it
 * on the way, and collects the text fields (before or after the file). Over
 * `maxMb`: 413; a body that is not readable multipart: 400. What was written
 * of a refused upload is removed.
 */
async function receiveUpload(req: FastifyRequest, stored: string, maxMb: number): Promise<ReceivedUpload> {
  const fields: Record<string, string> = {};
  let file: Omit<ReceivedUpload, "fields" | "stored"> | undefined;
  const tooLarge = () =>
    new GazetteError("GZ_ERR_BODY_TOO_LARGE", `The file is larger than the ${maxMb} MB limit.`, {
      fields: [{ path: "file", message: `must be at most ${maxMb} MB (newsroom.maxImportMb)` }],
    });
  try {
    for await (const part of req.parts({ limits: { fileSize: maxMb * 1024 * 1024, files: 1, fields: 10 } })) {
      if (part.type !== "file") {
        if (typeof part.value === "string") fields[part.fieldname] = part.value;
        continue;
      }
      if (part.fieldname !== "file" || file) {
        part.file.resume();
        continue;
      }
      const fp = new Fingerprint();
      await pipeline(part.file, fp, fs.createWriteStream(stored));
      if (part.file.truncated) throw tooLarge();
      file = {
        name: path.basename(part.filename || "export").slice(0, 300),
        fingerprint: fp.hash.digest("hex"),
        head: fp.head,
        bytes: fp.bytes,
      };
    }
  } catch (err) {
    fs.rmSync(stored, { force: true });
    if (err instanceof GazetteError) throw err;
    if ((err as { code?: string }).code === "FST_REQ_FILE_TOO_LARGE") throw tooLarge();
    const reason = err instanceof Error ? err.message.replace(/\.$/, "") : "it could not be read";
    throw new GazetteError(
      "GZ_ERR_VALIDATION",
      `The upload is not readable multipart/form-data (${reason}). Send the export in a field named “file”.`,
      { fields: [{ path: "file", message: "is missing or cut short" }] },
    );
  }
  if (!file) {
    fs.rmSync(stored, { force: true });
    throw new GazetteError("GZ_ERR_VALIDATION", "Choose the export file to import.", {
      fields: [{ path: "file", message: "is required" }],
    });
  }
  return { ...file, stored, fields };
}

const itemQuery = z.object({
  /** One outcome; `notes`: items that came through with something missing; `attention`: failed, skipped and notes. */
  show: z
    .enum(["all", "attention", "created", "updated", "unchanged", "skipped", "error", "notes"])
    .default("all"),
  /** The last item id of the previous page. */
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function importEndpoints(deps: { db: Db; imports: ImportJobs; maxImportMb: number }) {
  const { db, imports } = deps;

  async function runJson(r: ImportRunRow) {
    const by = r.started_by ? await userById(db, r.started_by) : undefined;
    const { kind, ...options } = parsed<Record<string, unknown>>(r.options, {});
    return {
      id: r.id,
      origin: r.origin,
      kind: kind ?? (r.source.startsWith("ghost:") ? "ghost" : "wordpress"),
      file: r.upload_name ?? r.file,
      source: r.source,
      state: imports.stateOf(r),
      position: r.position,
      total: r.total,
      counts: parsed<Record<string, number>>(r.counts, {}),
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      startedBy: by ? { id: by.id, name: by.name } : null,
      options: r.origin === "newsroom" ? options : null,
      error: r.error,
      report: parsed<Record<string, unknown> | null>(r.report, null),
      canContinue: imports.canContinue(r),
    };
  }

  async function mustRun(id: number): Promise<ImportRunRow> {
    const r = await importRunById(db, id);
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
      handler: async ({ query }) => ({
        items: await Promise.all((await listImportRuns(db, query.limit)).map(runJson)),
      }),
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
        "Import a WordPress export (WXR .xml) or a Ghost export (.json), told apart by their content (multipart: file; fetchMedia to download pictures from the old site; section for posts in no category or tag; siteUrl, Ghost only, when the export lacks it). 202 with the run, which works in the background; 409 while another import runs. The same file as an interrupted run continues it",
      handler: async ({ req, user }) => {
        // Refused before the file is read when another import runs.
        await imports.refuseIfBusy();
        const upload = await receiveUpload(req, imports.uploadPath(), deps.maxImportMb);
        return json(await runJson(await mustRun(await imports.begin(upload, user!.id))), 202);
      },
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
        const rows = await importRunItems(db, params.id, query.show, query.after, query.limit + 1);
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
