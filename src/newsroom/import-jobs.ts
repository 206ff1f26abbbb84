/**
 * Imports started from the newsroom (admins): a WordPress or Ghost export
 * uploaded through the browser is streamed to a file in the data folder
 * (never held in memory, hashed on the way), an import_runs row made for
 * it, and the importer run in the background of this server process over
 * that row — the same importers, checkpoint and report as
 * `gazette import-wordpress` / `import-ghost`. Progress is read from the row
 * (by any app server); each item's outcome from import_run_items.
 *
 * One import runs at a time on a site. A run whose process stopped (a
 * restart, a crash) is seen by its silent heartbeat as interrupted and is
 * continued from its checkpoint by `continueRun` (the Continue button), or
 * by uploading the same file again.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FastifyBaseLogger, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Config } from "../config.ts";
import { slugSchema } from "../content/model.ts";
import { GazetteError } from "../content/errors.ts";
import { HEARTBEAT_MS, ImportStopped } from "../ingest/archive-importer.ts";
import type { MediaStore } from "../media/media-store.ts";
import type { Db } from "../store/database.ts";
import { importRunHeartbeat } from "../store/import-store.ts";

export type ImportKind = "wordpress" | "ghost";

/** What the uploader chose; kept on the run so that a continued run works the same. */
export const importOptionsSchema = z
  .object({
    fetchMedia: z.boolean(),
    section: slugSchema.optional(),
    siteUrl: z
      .string()
      .trim()
      .max(300)
      .regex(/^https?:\/\/[^/\s]+/i, "must be the old site's address, e.g. https://example.com")
      .optional(),
  })
  .strict();
export type ImportJobOptions = z.infer<typeof importOptionsSchema>;

/** The form's text fields, as a browser sends them (a checkbox is "on" or absent). */
const uploadFields = z.object({
  fetchMedia: z
    .enum(["on", "true", "1", "off", "false", "0", ""])
    .optional()
    .transform((v) => v === "on" || v === "true" || v === "1"),
  section: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .pipe(slugSchema.optional()),
  siteUrl: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .pipe(importOptionsSchema.shape.siteUrl),
});

/** A run as the newsroom sees it. */
export type RunState = "running" | "interrupted" | "done" | "failed";

/** A running run silent for this long has lost its process. */
export const STALE_MS = 3 * HEARTBEAT_MS;

/** Pictures downloaded from the old site: the same limits as the CLI's defaults. */
const FETCH = { timeoutMs: 30_000, maxBytes: 50 * 1024 * 1024 };

export interface ImportJobsDeps {
  db: Db;
  media: MediaStore;
  config: Config;
  log: FastifyBaseLogger;
}

/** What a file starts with tells which export it is: XML (WXR) or JSON (Ghost). */
export function kindOf(head: Buffer): ImportKind | undefined {
  const text = head
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trimStart();
  if (text.startsWith("<")) return "wordpress";
  if (text.startsWith("{")) return "ghost";
  return undefined;
}

/** Hashes what passes through it, and keeps its first bytes. */
class Fingerprint extends Transform {
  readonly hash = crypto.createHash("sha256");
  head = Buffer.alloc(0);
  bytes = 0;
  override _transform(
    chunk: Buffer,
    _enc: BufferEncoding,
    done: (err?: Error | null, data?: Buffer) => void,
  ) {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (this.head.length < 512) this.head = Buffer.concat([this.head, chunk.subarray(0, 512)]);
    done(null, chunk);
  }
}

export class ImportJobs {
  private readonly active = new Map<number, { stop: AbortController; done: Promise<void> }>();
  private closing = false;

  constructor(private readonly deps: ImportJobsDeps) {}

  /** Where uploads wait for their run. */
  get folder(): string {
    return path.join(this.deps.config.dataDir, "imports");
  }

  /** Running here, or on another app server that said so lately. */
  stateOf(row: { id: number; status: string; heartbeat_at: string | null }, now = Date.now()): RunState {
    if (row.status === "done" || row.status === "failed") return row.status;
    if (this.active.has(row.id)) return "running";
    const beat = row.heartbeat_at ? Date.parse(row.heartbeat_at) : 0;
    return now - beat < STALE_MS ? "running" : "interrupted";
  }

  /** A run working now on this site, if any (one at a time). */
  private async busy(): Promise<{ id: number; file: string; started_at: string } | undefined> {
    const rows = await this.deps.db
      .selectFrom("import_runs")
      .select(["id", "status", "heartbeat_at", "file", "started_at"])
      .where("status", "=", "running")
      .orderBy("id", "desc")
      .execute();
    return rows.find((r) => this.stateOf(r) === "running");
  }

  private async refuseIfBusy(): Promise<void> {
    const b = await this.busy();
    if (b)
      throw new GazetteError(
        "GZ_ERR_CONFLICT",
        `An import is running (${b.file}, started ${b.started_at.slice(0, 16).replace("T", " ")} UTC); one runs at a time. Wait for it to finish.`,
        { details: { runId: b.id } },
      );
  }

  /**
   * Takes an upload (multipart: the export in `file`; `fetchMedia`,
   * `section`, `siteUrl`) and starts its run. The same file as an
   * interrupted run continues that run.
   */
  async receive(req: FastifyRequest, userId: number): Promise<number> {
    if (this.closing)
      throw new GazetteError("GZ_ERR_UNAVAILABLE", "The server is stopping; try again shortly.");
    await this.refuseIfBusy();
    const maxMb = this.deps.config.newsroom.maxImportMb;
    fs.mkdirSync(this.folder, { recursive: true });
    const stored = path.join(this.folder, `upload-${crypto.randomBytes(9).toString("hex")}.part`);
    const fields: Record<string, string> = {};
    let file: { name: string; fingerprint: string; head: Buffer; bytes: number } | undefined;
    try {
      try {
        for await (const part of req.parts({
          limits: { fileSize: maxMb * 1024 * 1024, files: 1, fields: 10 },
        })) {
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
          if (part.file.truncated)
            throw new GazetteError(
              "GZ_ERR_BODY_TOO_LARGE",
              `The file is larger than the ${maxMb} MB limit.`,
              {
                fields: [{ path: "file", message: `must be at most ${maxMb} MB (newsroom.maxImportMb)` }],
              },
            );
          file = {
            name: path.basename(part.filename || "export").slice(0, 300),
            fingerprint: fp.hash.digest("hex"),
            head: fp.head,
            bytes: fp.bytes,
          };
        }
      } catch (err) {
        if (err instanceof GazetteError) throw err;
        if ((err as { code?: string }).code === "FST_REQ_FILE_TOO_LARGE")
          throw new GazetteError("GZ_ERR_BODY_TOO_LARGE", `The file is larger than the ${maxMb} MB limit.`, {
            fields: [{ path: "file", message: `must be at most ${maxMb} MB (newsroom.maxImportMb)` }],
          });
        const reason = err instanceof Error ? err.message.replace(/\.$/, "") : "it could not be read";
        throw new GazetteError(
          "GZ_ERR_VALIDATION",
          `The upload is not readable multipart/form-data (${reason}). Send the export in a field named “file”.`,
          { fields: [{ path: "file", message: "is missing or cut short" }] },
        );
      }
      if (!file || file.bytes === 0)
        throw new GazetteError("GZ_ERR_VALIDATION", "Choose the export file to import.", {
          fields: [{ path: "file", message: file ? "is empty" : "is required" }],
        });
      const kind = kindOf(file.head);
      if (!kind)
        throw new GazetteError(
          "GZ_ERR_UPLOAD_TYPE",
          "That file is neither a WordPress export (WXR, .xml) nor a Ghost export (.json).",
          { fields: [{ path: "file", message: "must be a WordPress .xml or Ghost .json export" }] },
        );
      const parsed = uploadFields.safeParse(fields);
      if (!parsed.success)
        throw new GazetteError("GZ_ERR_VALIDATION", undefined, {
          fields: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
        });
      if (kind === "wordpress" && parsed.data.siteUrl)
        throw new GazetteError(
          "GZ_ERR_VALIDATION",
          "The old site's address is read from a WordPress export; leave it empty.",
          { fields: [{ path: "siteUrl", message: "is only for Ghost exports" }] },
        );
      const options: ImportJobOptions = {
        fetchMedia: parsed.data.fetchMedia,
        ...(parsed.data.section ? { section: parsed.data.section } : {}),
        ...(parsed.data.siteUrl ? { siteUrl: parsed.data.siteUrl } : {}),
      };
      await this.refuseIfBusy();
      const id = await this.record({ kind, options, userId, stored, ...file });
      this.start(id);
      return id;
    } catch (err) {
      fs.rmSync(stored, { force: true });
      throw err;
    }
  }

  /** The run for an upload: the interrupted run of the same file (continued), else a new one. */
  private async record(u: {
    kind: ImportKind;
    options: ImportJobOptions;
    userId: number;
    stored: string;
    name: string;
    fingerprint: string;
  }): Promise<number> {
    const { db } = this.deps;
    const now = new Date().toISOString();
    const upload = path.relative(this.deps.config.dataDir, u.stored);
    const values = {
      origin: "newsroom",
      started_by: u.userId,
      options: JSON.stringify({ kind: u.kind, ...u.options }),
      upload,
      upload_name: u.name,
      file: u.name,
      status: "running",
      heartbeat_at: now,
      error: null,
    };
    const earlier = await db
      .selectFrom("import_runs")
      .select(["id", "status", "heartbeat_at", "upload"])
      .where("fingerprint", "=", u.fingerprint)
      .where("status", "in", ["running", "failed"])
      .where("position", ">", 0)
      .orderBy("id", "desc")
      .executeTakeFirst();
    if (earlier && this.stateOf(earlier) !== "running") {
      if (earlier.upload) this.removeUpload(earlier.upload);
      await db.updateTable("import_runs").set(values).where("id", "=", earlier.id).execute();
      return earlier.id;
    }
    const row = await db
      .insertInto("import_runs")
      .values({
        ...values,
        source: `${u.kind}:upload`,
        fingerprint: u.fingerprint,
        started_at: now,
        total: 0,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Continues an interrupted (or failed) newsroom run from its checkpoint. */
  async continueRun(id: number): Promise<void> {
    if (this.closing)
      throw new GazetteError("GZ_ERR_UNAVAILABLE", "The server is stopping; try again shortly.");
    const row = await this.deps.db
      .selectFrom("import_runs")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    if (!row) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no import run ${id}.`);
    const state = this.stateOf(row);
    if (state === "running" || state === "done")
      throw new GazetteError(
        "GZ_ERR_CONFLICT",
        `Import run ${id} is ${state}; there is nothing to continue.`,
      );
    if (row.origin !== "newsroom")
      throw new GazetteError(
        "GZ_ERR_CONFLICT",
        "This import was started with the gazette command; run the same command again and it continues where it stopped.",
      );
    if (!row.upload || !fs.existsSync(path.join(this.deps.config.dataDir, row.upload)))
      throw new GazetteError(
        "GZ_ERR_CONFLICT",
        "The uploaded file is no longer on this server. Upload the same export again: the import continues where it stopped.",
      );
    await this.refuseIfBusy();
    await this.deps.db
      .updateTable("import_runs")
      .set({ status: "running", error: null, heartbeat_at: new Date().toISOString(), finished_at: null })
      .where("id", "=", id)
      .execute();
    this.start(id);
  }

  /** Runs the import of a recorded run in the background of this process. */
  private start(id: number): void {
    const stop = new AbortController();
    const done = this.run(id, stop.signal).finally(() => this.active.delete(id));
    this.active.set(id, { stop, done });
  }

  private async run(id: number, signal: AbortSignal): Promise<void> {
    const { db, media, config, log } = this.deps;
    const heartbeat = setInterval(() => {
      importRunHeartbeat(db, id).catch(() => undefined);
    }, HEARTBEAT_MS);
    heartbeat.unref();
    let upload: string | null = null;
    try {
      const row = await db
        .selectFrom("import_runs")
        .selectAll()
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      upload = row.upload;
      const { kind, ...rest } = JSON.parse(row.options ?? "{}") as { kind: ImportKind } & ImportJobOptions;
      const options = importOptionsSchema.parse(rest);
      const file = path.join(config.dataDir, upload ?? "");
      const common = {
        db,
        media,
        baseUrl: config.site.baseUrl,
        fetchMedia: options.fetchMedia ? FETCH : undefined,
        defaultSection: options.section
          ? {
              slug: options.section,
              name: options.section.replace(/-/g, " ").replace(/^./, (c) => c.toUpperCase()),
            }
          : undefined,
        runId: id,
        signal,
      };
      let format: string;
      if (kind === "wordpress") {
        const { importWordpress } = await import("../ingest/wordpress/wp-importer.ts");
        format = `WordPress (WXR ${(await importWordpress(file, common)).wxrVersion})`;
      } else {
        const { importGhost } = await import("../ingest/ghost/ghost-importer.ts");
        format = `Ghost ${(await importGhost(file, { ...common, siteUrl: options.siteUrl })).ghostVersion}`;
      }
      await this.amendReport(id, { format });
      this.removeUpload(upload);
      await db.updateTable("import_runs").set({ upload: null }).where("id", "=", id).execute();
    } catch (err) {
      if (err instanceof ImportStopped) {
        // Left at its checkpoint; seen as interrupted at once (not after the heartbeat goes stale).
        await db
          .updateTable("import_runs")
          .set({ heartbeat_at: null })
          .where("id", "=", id)
          .execute()
          .catch(() => undefined);
        return;
      }
      const refused = await this.refusal(err);
      if (!refused) log.error({ err, importRun: id }, "an import from the newsroom failed");
      const message = refused ?? `${err instanceof Error ? err.message : String(err)} (Continue tries again)`;
      if (refused) this.removeUpload(upload);
      await db
        .updateTable("import_runs")
        .set({
          status: "failed",
          error: message.slice(0, 4000),
          finished_at: new Date().toISOString(),
          heartbeat_at: null,
          ...(refused ? { upload: null } : {}),
        })
        .where("id", "=", id)
        .execute()
        .catch((e: unknown) =>
          log.error({ err: e, importRun: id }, "an import's failure could not be recorded"),
        );
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** The importer refused the file (it wrote nothing): the message says why; else undefined. */
  private async refusal(err: unknown): Promise<string | undefined> {
    const { WpImportError, WxrError } = await import("../ingest/wordpress/wp-importer.ts");
    const { GhostExportError } = await import("../ingest/ghost/ghost-importer.ts");
    if (err instanceof WpImportError || err instanceof WxrError || err instanceof GhostExportError)
      return `The file was refused: ${err.message}. Nothing was imported.`;
    return undefined;
  }

  private async amendReport(id: number, extra: Record<string, unknown>): Promise<void> {
    const r = await this.deps.db
      .selectFrom("import_runs")
      .select("report")
      .where("id", "=", id)
      .executeTakeFirst();
    let report: Record<string, unknown> = {};
    try {
      report = JSON.parse(r?.report ?? "{}") as Record<string, unknown>;
    } catch {
      /* written by us; a broken one is replaced */
    }
    await this.deps.db
      .updateTable("import_runs")
      .set({ report: JSON.stringify({ ...report, ...extra }) })
      .where("id", "=", id)
      .execute();
  }

  private removeUpload(upload: string | null): void {
    if (!upload) return;
    const file = path.resolve(this.deps.config.dataDir, upload);
    if (file.startsWith(this.folder + path.sep)) fs.rmSync(file, { force: true });
  }

  /** Runs of this process, done (tests wait on it). */
  async idle(): Promise<void> {
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  /** Stops this process's runs between two batches; each continues later from its checkpoint. */
  async close(): Promise<void> {
    this.closing = true;
    for (const a of this.active.values()) a.stop.abort();
    await this.idle();
  }
}
