/**
 * `gazette import`: reads ninjs files, validates each item against the IPTC
 * schema, maps it (ninjs-mapper), copies local media into the media store
 * and writes the story — each item in its own transaction, so an invalid
 * item leaves nothing behind and the others still import. Remote (http)
 * media are kept as references and never fetched: nothing can hang offline.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Block } from "../content/model.ts";
import { MediaError, type MediaStore } from "../media/media-store.ts";
import type { Db } from "../store/database.ts";
import { insertImage, insertVideo, mediaBySourceUri } from "../store/media-repo.ts";
import { type Story, contentOf, saveStory, storyByUri } from "../store/story-store.ts";
import { visiblePathById } from "../store/story-queries.ts";
import { sectionBySlug, upsertSection } from "../store/taxonomy-store.ts";
import {
  type MappedImage,
  type MappedItem,
  type MappedVideo,
  type RenditionRef,
  NinjsMappingError,
  compareVersions,
  mapNinjsItem,
  nitfToHtml,
} from "./ninjs-mapper.ts";
import { droppedTextWarnings, htmlToBlocksReporting } from "./html-to-blocks.ts";
import { type SchemaVersion, checkNinjsLenient, validateNinjs } from "./ninjs-schema.ts";
import { WirePayloadError, fromDialect, readWirePayload } from "./wire-formats.ts";

export type ImportStatus = "created" | "updated" | "unchanged" | "skipped" | "error";

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
  now?: () => Date;
}

/** An expected, per-item failure: reported with its field, never with a stack trace. */
class ItemError extends Error {
  constructor(message: string) {
    super(message);
  }
}

type Href = { kind: "local"; path: string } | { kind: "remote"; url: string };

function classifyHref(href: string, baseDir: string, field: string): Href {
  if (/^https?:\/\//i.test(href)) return { kind: "remote", url: href };
  let local: string;
  if (/^file:/i.test(href)) {
    try {
      local = fileURLToPath(href);
    } catch {
      throw new ItemError(`${field}: "${href}" is not a usable file: URL`);
    }
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(href)) {
    throw new ItemError(
      `${field}: unsupported scheme in "${href.slice(0, 60)}"; use http(s), file: or a path relative to the file`,
    );
  } else {
    local = path.resolve(baseDir, decodeURI(href));
  }
  return { kind: "local", path: insideFolder(local, baseDir, href, field) };
}

/**
 * A local rendition must lie in the folder of the file being imported (or
 * under it), symbolic links followed: an item must not publish a file from
 * elsewhere on the machine (/etc/…, ../private/…, file:///home/…).
 */
function insideFolder(local: string, baseDir: string, href: string, field: string): string {
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  const base = real(baseDir);
  const target = real(local);
  if (target !== base && target.startsWith(base + path.sep)) return local;
  throw new ItemError(
    `${field}: "${href.slice(0, 120)}" is outside the folder of the file being imported (${baseDir}); put the picture in that folder or one under it`,
  );
}

interface ResolvedImage {
  file: string | null;
  remoteUrl: string | null;
  mime: string;
  width: number;
  height: number;
  renditions: Awaited<ReturnType<MediaStore["putImage"]>>["renditions"];
}

async function resolveImage(img: MappedImage, baseDir: string, media: MediaStore): Promise<ResolvedImage> {
  const refs = img.renditions.map((r, i) => ({
    r,
    i,
    href: classifyHref(r.href, baseDir, `${img.field}.renditions`),
  }));
  const local = refs.find((x) => x.href.kind === "local");
  if (local && local.href.kind === "local") {
    const field = `${img.field}.renditions[${local.i}].href`;
    let data: Buffer;
    try {
      data = fs.readFileSync(local.href.path);
    } catch {
      throw new ItemError(`${field}: no readable file at ${local.href.path}`);
    }
    try {
      const stored = await media.putImage(data);
      return {
        file: stored.file,
        remoteUrl: null,
        mime: stored.mime,
        width: stored.width,
        height: stored.height,
        renditions: stored.renditions,
      };
    } catch (err) {
      if (err instanceof MediaError) throw new ItemError(`${field}: ${err.message}`);
      throw err;
    }
  }
  // Remote only: the rendition closest to (not above) 1600 px wide, with the size ninjs reports.
  const remote = refs.filter(
    (x): x is typeof x & { href: { kind: "remote"; url: string } } => x.href.kind === "remote",
  );
  const pick = remote.find((x) => (x.r.width ?? 0) <= 1600) ?? remote[0]!;
  const width = pick.r.width ?? 1200;
  const height = pick.r.height ?? Math.round((width * 2) / 3);
  return {
    file: null,
    remoteUrl: pick.href.url,
    mime: pick.r.contentType ?? "image/jpeg",
    width,
    height,
    renditions: [],
  };
}

async function videoSource(
  r: RenditionRef,
  baseDir: string,
  field: string,
  media: MediaStore,
): Promise<{ url: string; type: string }> {
  const href = classifyHref(r.href, baseDir, field);
  const type = r.contentType ?? (/\.webm/i.test(r.href) ? "video/webm" : "video/mp4");
  if (href.kind === "remote") return { url: href.url, type };
  let data: Buffer;
  try {
    data = fs.readFileSync(href.path);
  } catch {
    throw new ItemError(`${field}: no readable file at ${href.path}`);
  }
  return { url: `/media/${await media.putFile(data, path.extname(href.path).slice(1) || "mp4")}`, type };
}

/**
 * An agency API sends the story's text as a rendition (NITF or HTML) beside
 * the item rather than inside it: a local file is read into the body; a
 * remote one is not fetched by `gazette import` (nothing may hang offline)
 * and the story comes in without its text, with a warning saying where it is.
 */
async function readBodyRendition(mapped: MappedItem & { kind: "story" }, baseDir: string): Promise<void> {
  const r = mapped.bodyRendition!;
  const href = classifyHref(r.href, baseDir, "renditions");
  if (href.kind === "remote") {
    mapped.warnings.push(
      `the body is only in a rendition at ${href.url.slice(0, 200)}, which import does not fetch`,
    );
    return;
  }
  let doc: string;
  try {
    doc = await fs.promises.readFile(href.path, "utf8");
  } catch {
    throw new ItemError(`renditions: no readable body file at ${href.path}`);
  }
  const { blocks, dropped } = htmlToBlocksReporting(nitfToHtml(doc));
  if (blocks.length === 0)
    throw new ItemError(
      `renditions: the body file ${path.basename(href.path)} has no text a reader could be shown`,
    );
  mapped.story.body = blocks;
  mapped.warnings.push(...droppedTextWarnings(dropped));
}

function insertAfterParagraphs(body: Block[], inserts: { block: Block; afterParagraph: number }[]): Block[] {
  const out: Block[] = [];
  let paragraphs = 0;
  const pending = [...inserts].sort((a, b) => a.afterParagraph - b.afterParagraph);
  for (const b of body) {
    out.push(b);
    if (b.type === "paragraph") paragraphs++;
    while (pending[0] && pending[0].afterParagraph <= paragraphs) out.push(pending.shift()!.block);
  }
  for (const p of pending) out.push(p.block);
  return out;
}

/** How many unknown property names a warning lists before "and N more". */
const NAMES_SHOWN = 12;

export type ReadItem =
  | { ok: true; uri: string; ninjsVersion: string; mapped: MappedItem; warnings: string[] }
  | { ok: false; uri: string | null; error: string };

/**
 * One item, from what was sent to what Gazette would make of it: the
 * sender's dialect read (lenient mode), checked against the schema of its
 * ninjs version, mapped. No I/O: the wire queue stores this, the importer
 * writes it.
 */
export function readNinjsItem(
  raw: unknown,
  options: { strict?: boolean | undefined; ninjsVersion?: SchemaVersion | undefined } = {},
): ReadItem {
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    return { ok: false, uri: null, error: "expected a ninjs object" };
  const sent = raw as Record<string, unknown>;
  const item = options.strict ? sent : fromDialect(sent).item;
  const uri =
    typeof item["uri"] === "string" ? item["uri"] : item["uri"] === undefined ? null : String(item["uri"]);
  const warnings: string[] = [];
  let checked: Record<string, unknown> = item;
  let ninjsVersion: string;
  if (options.strict) {
    const problems = validateNinjs(item, { version: options.ninjsVersion });
    if (problems.errors.length)
      return { ok: false, uri, error: `not valid ninjs ${problems.version}: ${problems.errors.join("; ")}` };
    ninjsVersion = problems.version;
  } else {
    if (uri === null)
      return {
        ok: false,
        uri,
        error:
          "uri: is required (or guid): a stable identifier, so that a newer version of the item updates the same story",
      };
    const lenient = checkNinjsLenient(item, { version: options.ninjsVersion });
    if (lenient.errors.length)
      return { ok: false, uri, error: `not valid ninjs ${lenient.version}: ${lenient.errors.join("; ")}` };
    if (lenient.unknown.length) {
      const shown = lenient.unknown.slice(0, NAMES_SHOWN).join(", ");
      const more =
        lenient.unknown.length > NAMES_SHOWN ? ` and ${lenient.unknown.length - NAMES_SHOWN} more` : "";
      warnings.push(`not in ninjs ${lenient.version}, left out: ${shown}${more}`);
    }
    checked = lenient.item;
    ninjsVersion = lenient.version;
  }
  try {
    const mapped = mapNinjsItem(checked);
    if (mapped.kind === "story") mapped.warnings.unshift(...warnings);
    return {
      ok: true,
      uri: mapped.uri,
      ninjsVersion,
      mapped,
      warnings: mapped.kind === "story" ? mapped.warnings : warnings,
    };
  } catch (err) {
    if (err instanceof NinjsMappingError) return { ok: false, uri, error: err.message };
    throw err;
  }
}

/** A picture or video sent on its own goes to the media library, once per wire uri. */
async function importMedia(
  deps: ImportDeps,
  file: string,
  mapped: MappedItem & { kind: "media" },
  baseDir: string,
  warnings: string[],
): Promise<ImportResult> {
  const base = { file, uri: mapped.uri, ...(warnings.length ? { warnings } : {}) };
  const existing = await mediaBySourceUri(deps.db, mapped.uri);
  if (existing)
    return {
      ...base,
      status: "unchanged",
      reason: `already in the media library (${existing.kind} ${existing.id})`,
    };
  if (mapped.image) {
    const img = mapped.image;
    const resolved = await resolveImage(img, baseDir, deps.media);
    const id = await insertImage(deps.db, {
      ...resolved,
      alt: img.alt,
      caption: img.caption ?? null,
      credit: img.credit ?? null,
      sourceUri: mapped.uri,
    });
    return { ...base, status: "created", reason: `picture added to the media library (image ${id})` };
  }
  const v = mapped.video!;
  const sources = await Promise.all(
    v.sources.map((s, i) => videoSource(s, baseDir, `${v.field}[${i}].href`, deps.media)),
  );
  const poster = v.poster ? await resolveImage(v.poster, baseDir, deps.media) : undefined;
  const id = await deps.db.transaction().execute(async (trx) => {
    const posterId =
      poster && v.poster
        ? await insertImage(trx, {
            ...poster,
            alt: v.poster.alt,
            caption: null,
            credit: null,
            sourceUri: null,
          })
        : undefined;
    return insertVideo(trx, {
      title: v.title,
      durationSeconds: v.durationSeconds,
      sources,
      ...(posterId ? { posterImageId: posterId } : {}),
      ...(v.caption ? { caption: v.caption } : {}),
      ...(v.credit ? { credit: v.credit } : {}),
      sourceUri: mapped.uri,
    });
  });
  return { ...base, status: "created", reason: `video added to the media library (video ${id})` };
}

async function importItem(
  deps: ImportDeps,
  file: string,
  raw: unknown,
  label: string,
  fileWarnings: string[] = [],
): Promise<ImportResult> {
  const baseDir = path.dirname(path.resolve(file));
  const read = readNinjsItem(raw, { strict: deps.strict, ninjsVersion: deps.ninjsVersion });
  if (!read.ok) return { file, uri: read.uri, status: "error", error: `${label}${read.error}` };
  const uri = read.uri;
  const mapped = read.mapped;
  try {
    if (mapped.kind === "skip") return { file, uri: mapped.uri, status: "skipped", reason: mapped.reason };
    if (mapped.kind === "media")
      return await importMedia(deps, file, mapped, baseDir, [...fileWarnings, ...read.warnings]);
    mapped.warnings.unshift(...fileWarnings);
    if (mapped.bodyRendition) await readBodyRendition(mapped, baseDir);
    const existing = await storyByUri(deps.db, mapped.uri);
    // A held item never seen before waits as a draft; a kill of one never seen is nothing to do.
    if (mapped.pubstatus === "canceled" && !existing)
      return {
        file,
        uri,
        status: "skipped",
        reason: "a kill (pubstatus canceled) of an item never imported here: nothing to withdraw",
      };
    if (mapped.pubstatus !== "usable" && existing) return await withdraw(deps, file, mapped, existing);
    if (existing?.sourceVersion) {
      const order = compareVersions(mapped.version, existing.sourceVersion);
      if (order === 0) return { file, uri, status: "unchanged", ...(await publicUrl(deps, existing.id)) };
      if (order < 0) {
        return {
          file,
          uri,
          status: "skipped",
          reason: `older than the stored version (${existing.sourceVersion.replace("#", " v")})`,
        };
      }
    }
    // Media files first (content-addressed, harmless if the item then fails), rows in the transaction.
    const hero = mapped.hero ? await resolveImage(mapped.hero, baseDir, deps.media) : undefined;
    const images: { image: MappedImage; afterParagraph: number; resolved: ResolvedImage }[] = [];
    for (const x of mapped.images)
      images.push({ ...x, resolved: await resolveImage(x.image, baseDir, deps.media) });
    const videos: {
      v: MappedVideo;
      sources: { url: string; type: string }[];
      poster: ResolvedImage | undefined;
    }[] = [];
    for (const v of mapped.videos) {
      videos.push({
        v,
        sources: await Promise.all(
          v.sources.map((s, i) => videoSource(s, baseDir, `${v.field}.renditions[${i}].href`, deps.media)),
        ),
        poster: v.poster ? await resolveImage(v.poster, baseDir, deps.media) : undefined,
      });
    }
    const section = deps.section ?? { slug: "news", name: "News" };
    const saved = await deps.db.transaction().execute(async (trx) => {
      await upsertSectionIfMissing(trx, section);
      const imageRow = async (img: MappedImage, r: ResolvedImage) =>
        insertImage(trx, {
          ...r,
          alt: img.alt,
          caption: img.caption ?? null,
          credit: img.credit ?? null,
          sourceUri: img.sourceUri ?? null,
        });
      const heroId = hero && mapped.hero ? await imageRow(mapped.hero, hero) : undefined;
      const inserts: { block: Block; afterParagraph: number }[] = [];
      for (const x of images)
        inserts.push({
          block: { type: "image", imageId: await imageRow(x.image, x.resolved) },
          afterParagraph: x.afterParagraph,
        });
      const relatedVideoIds: number[] = [];
      for (const { v, sources, poster } of videos) {
        const posterId = poster && v.poster ? await imageRow(v.poster, poster) : undefined;
        const id = await insertVideo(trx, {
          title: v.title,
          durationSeconds: v.durationSeconds,
          sources,
          ...(posterId ? { posterImageId: posterId } : {}),
          ...(v.caption ? { caption: v.caption } : {}),
          ...(v.credit ? { credit: v.credit } : {}),
          sourceUri: v.sourceUri ?? null,
        });
        if (v.placement === "body")
          inserts.push({ block: { type: "video", videoId: id }, afterParagraph: 1 });
        else relatedVideoIds.push(id);
      }
      return saveStory(
        trx,
        {
          ...mapped.story,
          body: insertAfterParagraphs(mapped.story.body ?? [], inserts),
          sectionSlug: section.slug,
          relatedVideoIds,
          ...(heroId ? { heroImageId: heroId } : {}),
        },
        {
          ...(existing ? { id: existing.id } : {}),
          ...(deps.now ? { now: deps.now() } : {}),
          actor: { userId: null, name: "Wire import (ninjs)" },
          note: existing
            ? `Updated from the wire (version ${mapped.story.sourceVersion ?? "?"})`
            : "Imported from the wire",
        },
      );
    });
    return {
      file,
      uri,
      status: existing ? "updated" : "created",
      ...(await publicUrl(deps, saved.id)),
      ...(mapped.warnings.length ? { warnings: mapped.warnings } : {}),
    };
  } catch (err) {
    if (err instanceof ItemError || err instanceof NinjsMappingError)
      return { file, uri, status: "error", error: `${label}${err.message}` };
    if (err && typeof err === "object" && "issues" in err) {
      const issues = (err as { issues: { path: (string | number)[]; message: string }[] }).issues;
      return {
        file,
        uri,
        status: "error",
        error: `${label}${issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      };
    }
    throw err;
  }
}

/**
 * A kill (pubstatus canceled) or a hold (withheld) of a story already here:
 * the story is taken off the site (unpublished, or back to draft) with the
 * agency's note in its history; its text is kept as the newsroom last had it,
 * never replaced by the kill notice.
 */
async function withdraw(
  deps: ImportDeps,
  file: string,
  mapped: MappedItem & { kind: "story" },
  existing: Story,
): Promise<ImportResult> {
  const uri = mapped.uri;
  if (existing.sourceVersion && compareVersions(mapped.version, existing.sourceVersion) <= 0)
    return { file, uri, status: "unchanged" };
  const status = mapped.story.status;
  await deps.db.transaction().execute((trx) =>
    saveStory(
      trx,
      { ...contentOf(existing), uri, sourceVersion: mapped.version, status },
      {
        id: existing.id,
        ...(deps.now ? { now: deps.now() } : {}),
        actor: { userId: null, name: "Wire import (ninjs)" },
        note: `Withdrawn by the agency (pubstatus ${mapped.pubstatus})${mapped.ednote ? `: ${mapped.ednote}` : ""}`,
      },
    ),
  );
  return {
    file,
    uri,
    status: "updated",
    reason: `withdrawn by the agency (pubstatus ${mapped.pubstatus}): the story is now ${status === "unpublished" ? "unpublished" : "a draft"}`,
  };
}

async function upsertSectionIfMissing(db: Db, s: { slug: string; name: string }): Promise<void> {
  if (!(await sectionBySlug(db, s.slug))) await upsertSection(db, s);
}

async function publicUrl(deps: ImportDeps, id: number): Promise<{ url?: string }> {
  const now = (deps.now?.() ?? new Date()).toISOString();
  const path = await visiblePathById(deps.db, id, now);
  return path ? { url: path } : {};
}

/** Imports every item of one file. Invalid JSON is one error result. */
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
  const out: ImportResult[] = [];
  for (const { label, raw } of payload.items)
    out.push(await importItem(deps, file, raw, label, payload.warnings));
  return out;
}
