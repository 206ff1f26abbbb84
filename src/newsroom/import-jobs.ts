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
import { z } from "zod";
import type { Config } from "../config.ts";
import { slugSchema } from "../content/model.ts";
import { GazetteError } from "../content/errors.ts";
import { HEARTBEAT_MS, ImportStopped } from "../ingest/archive-importer.ts";
import type { MediaStore } from "../media/media-store.ts";
import type { Db } from "../store/database.ts";
import {
  type ImportRunRow,
  amendImportRunReport,
  createImportRun,
  importRunById,
  importRunHeartbeat,
  runningImportRuns,
  unfinishedRunOf,
  updateImportRun,
} from "../store/import-store.ts";

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
  log: { error(obj: object, msg: string): void };
}

/** An upload written to the imports folder (by the endpoint), with the form's text fields. */
export interface ReceivedUpload {
  /** Where it was written (removed here if it is refused). */
  stored: string;
  /** Its name on the uploader's computer. */
  name: string;
  fingerprint: string;
  head: Buffer;
  bytes: number;
  fields: Record<string, string>;
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
export class Fingerprint extends Transform {
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

  /** Whether a newsroom run can be continued here: stopped, with its file in this data folder. */
  canContinue(row: ImportRunRow): boolean {
    const state = this.stateOf(row);
    return (
      row.origin === "newsroom" &&
      !!row.upload &&
      fs.existsSync(path.join(this.deps.config.dataDir, row.upload)) &&
      (state === "interrupted" || (state === "failed" && row.position > 0))
    );
  }

  /** 409 while an import runs (on any app server; one at a time); 503 while this server stops. */
  async refuseIfBusy(): Promise<void> {
    if (this.closing)
      throw new GazetteError("GZ_ERR_UNAVAILABLE", "The server is stopping; try again shortly.");
    const b = (await runningImportRuns(this.deps.db)).find((r) => this.stateOf(r) === "running");
    if (b)
      throw new GazetteError(
        "GZ_ERR_CONFLICT",
        `An import is running (${b.upload_name ?? path.basename(b.file)}, started ${b.started_at.slice(0, 16).replace("T", " ")} UTC); one runs at a time. Wait for it to finish.`,
        { details: { runId: b.id } },
      );
  }

  /** A new file in the imports folder, for the endpoint to write an upload to. */
  uploadPath(): string {
    fs.mkdirSync(this.folder, { recursive: true });
    return path.join(this.folder, `upload-${crypto.randomBytes(9).toString("hex")}.part`);
  }

  /**
   * Starts the run of an upload: which export it is (by its first bytes),
   * the form's options checked, the run recorded, and started. The same
   * file as an interrupted run continues that run. A refused upload is
   * removed.
   */
  async begin(u: ReceivedUpload, userId: number): Promise<number> {
    try {
      if (u.bytes === 0)
        throw new GazetteError("GZ_ERR_VALIDATION", "Choose the export file to import.", {
          fields: [{ path: "file", message: "is empty" }],
        });
      const kind = kindOf(u.head);
      if (!kind)
        throw new GazetteError(
          "GZ_ERR_UPLOAD_TYPE",
          "That file is neither a WordPress export (WXR, .xml) nor a Ghost export (.json).",
          { fields: [{ path: "file", message: "must be a WordPress .xml or Ghost .json export" }] },
        );
      const parsed = uploadFields.safeParse(u.fields);
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
      const id = await this.record(u, kind, options, userId);
      this.start(id);
      return id;
    } catch (err) {
      fs.rmSync(u.stored, { force: true });
      throw err;
    }
  }

  /** The run for an upload: the interrupted run of the same file (continued), else a new one. */
  private async record(
    u: ReceivedUpload,
    kind: ImportKind,
    options: ImportJobOptions,
    userId: number,
  ): Promise<number> {
    const { db } = this.deps;
    const now = new Date().toISOString();
    const values = {
      origin: "newsroom",
      started_by: userId,
      options: JSON.stringify({ kind, ...options }),
      upload: path.relative(this.deps.config.dataDir, u.stored),
      upload_name: u.name,
      file: u.name,
      status: "running",
      heartbeat_at: now,
      error: null,
      finished_at: null,
    };
    const earlier = await unfinishedRunOf(db, u.fingerprint);
    if (earlier && this.stateOf(earlier) !== "running") {
      this.removeUpload(earlier.upload);
      await updateImportRun(db, earlier.id, values);
      return earlier.id;
    }
    return createImportRun(db, {
      ...values,
      source: `${kind}:upload`,
      fingerprint: u.fingerprint,
      started_at: now,
    });
  }

  /** Continues an interrupted (or failed) newsroom run from its checkpoint. */
  async continueRun(id: number): Promise<void> {
    const row = await importRunById(this.deps.db, id);
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
    if (!this.canContinue(row))
      throw new GazetteError(
        "GZ_ERR_CONFLICT",
        "The uploaded file is not on this server. Upload the same export again: the import continues where it stopped.",
      );
    await this.refuseIfBusy();
    await updateImportRun(this.deps.db, id, {
      status: "running",
      error: null,
      heartbeat_at: new Date().toISOString(),
      finished_at: null,
    });
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
      const row = await importRunById(db, id);
      if (!row) return;
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
      await amendImportRunReport(db, id, { format });
      this.removeUpload(upload);
      await updateImportRun(db, id, { upload: null });
    } catch (err) {
      if (err instanceof ImportStopped) {
        // Left at its checkpoint; seen as interrupted at once (not only once the heartbeat is stale).
        await updateImportRun(db, id, { heartbeat_at: null }).catch(() => undefined);
        return;
      }
      const refused = await this.refusal(err);
      if (!refused) log.error({ err, importRun: id }, "an import from the newsroom failed");
      const message = refused ?? `${err instanceof Error ? err.message : String(err)} (Continue tries again)`;
      if (refused) this.removeUpload(upload);
      await updateImportRun(db, id, {
        status: "failed",
        error: message.slice(0, 4000),
        finished_at: new Date().toISOString(),
        heartbeat_at: null,
        ...(refused ? { upload: null } : {}),
      }).catch((e: unknown) =>
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

  private removeUpload(upload: string | null): void {
    if (!upload) return;
    const file = path.resolve(this.deps.config.dataDir, upload);
    if (file.startsWith(this.folder + path.sep)) fs.rmSync(file, { force: true });
  }

  /** This process's runs, done (tests wait on it). */
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
