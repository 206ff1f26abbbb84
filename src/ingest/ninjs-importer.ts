/**
 * `gazette import`: reads ninjs files (any version, dialect or envelope:
 * wire-formats.ts) and hands each item to the wire desk (wire-desk.ts) as
 * the "Command-line import" feed: published at once, or only queued with
 * `--queue`. Each item is its own transaction, so an invalid item leaves
 * nothing behind and the others still import. Remote (http) media are kept
 * as references and never fetched: nothing can hang offline.
 */
import fs from "node:fs";
import path from "node:path";
import type { MediaStore } from "../media/media-store.ts";
import type { Db } from "../store/database.ts";
import { visiblePathById } from "../store/story-queries.ts";
import { importFeed } from "../store/wire-store.ts";
import type { SchemaVersion } from "./ninjs-schema.ts";
import { WirePayloadError, readWirePayload } from "./wire-formats.ts";
import { receiveItem } from "./wire-desk.ts";

export type ImportStatus = "created" | "updated" | "unchanged" | "skipped" | "queued" | "error";

export interface ImportResult {
  file: string;
  uri: string | null;
  status: ImportStatus;
  /** The public path, when the story is visible to readers now. */
  url?: string;
  reason?: string;
  error?: string;
  /** What did not come through whole although the item was imported (text sanitising removed). */
  warnings?: string[];
}

export interface ImportDeps {
  db: Db;
  media: MediaStore;
  /**
   * Exact conformance (`gazette import --strict`): the item as sent must be
   * valid against its version's schema; no dialect is read and a property
   * the schema does not know is an error. Off by default: unknown properties
   * are left out and reported as warnings.
   */
  strict?: boolean;
  /** Judge every item as this ninjs version (`--ninjs-version`), whatever it declares. */
  ninjsVersion?: SchemaVersion;
  /** Section for imported stories (ninjs has no sections). Created when missing. */
  section?: { slug: string; name: string };
  /** Only put the items in the wire queue (`gazette import --queue`); editors pick from there. */
  queue?: boolean;
  now?: () => Date;
}

async function publicUrl(deps: ImportDeps, id: number): Promise<{ url?: string }> {
  const now = (deps.now?.() ?? new Date()).toISOString();
  const path = await visiblePathById(deps.db, id, now);
  return path ? { url: path } : {};
}

/** Imports every item of one file. A file that is not JSON (or holds no item) is one error result. */
export async function importFile(deps: ImportDeps, file: string): Promise<ImportResult[]> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return [
      {
        file,
        uri: null,
        status: "error",
        error:
          code === "ENOENT"
            ? "no such file"
            : code === "EISDIR"
              ? "is a folder, not a file"
              : `cannot read (${code})`,
      },
    ];
  }
  let payload: ReturnType<typeof readWirePayload>;
  try {
    payload = readWirePayload(text, { strict: deps.strict ?? false });
  } catch (err) {
    if (err instanceof WirePayloadError) return [{ file, uri: null, status: "error", error: err.message }];
    throw err;
  }
  const feed = await importFeed(deps.db);
  const baseDir = path.dirname(path.resolve(file));
  const out: ImportResult[] = [];
  for (const { label, raw } of payload.items) {
    const r = await receiveItem({ db: deps.db, media: deps.media, now: deps.now }, feed, raw, {
      source: `${file}${label ? ` ${label.replace(/: $/, "")}` : ""}`,
      baseDir,
      strict: deps.strict,
      ninjsVersion: deps.ninjsVersion,
      queueOnly: deps.queue,
      defaultSection: deps.section,
      payloadWarnings: payload.warnings,
    });
    out.push({
      file,
      uri: r.uri,
      status: r.status,
      ...(r.storyId && r.status !== "error" ? await publicUrl(deps, r.storyId) : {}),
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.error ? { error: `${label}${r.error}` } : {}),
      ...(r.warnings?.length ? { warnings: r.warnings } : {}),
    });
  }
  return out;
}
