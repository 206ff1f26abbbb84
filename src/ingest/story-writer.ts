/**
 * Writing what a wire item maps to: its media into the store (local files
 * from the item's folder only; http(s) kept as references, never fetched),
 * then the story — or the picture or video, for an item sent alone — in one
 * transaction, so an item that fails leaves nothing behind.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Block, Source, StoryStatus } from "../content/model.ts";
import { MediaError, type MediaStore } from "../media/media-store.ts";
import type { Db } from "../store/database.ts";
import { insertImage, insertVideo, mediaBySourceUri } from "../store/media-repo.ts";
import { type SaveOutcome, type Story, contentOf, saveStory } from "../store/story-store.ts";
import { sectionBySlug, upsertSection } from "../store/taxonomy-store.ts";
import {
  type MappedImage,
  type MappedItem,
  type MappedVideo,
  type RenditionRef,
  nitfToHtml,
} from "./ninjs-mapper.ts";
import { droppedTextWarnings, htmlToBlocksReporting } from "./html-to-blocks.ts";

/** An expected, per-item failure: reported with its field, never with a stack trace. */
export class ItemError extends Error {
  constructor(message: string) {
    super(message);
  }
}

type Href = { kind: "local"; path: string } | { kind: "remote"; url: string };

function classifyHref(href: string, baseDir: string | null, field: string): Href {
  if (/^https?:\/\//i.test(href)) return { kind: "remote", url: href };
  if (baseDir === null)
    throw new ItemError(
      `${field}: "${href.slice(0, 120)}" is a file path, but this item did not come from a file (it was pushed or polled); use an http(s) URL`,
    );
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

async function resolveImage(
  img: MappedImage,
  baseDir: string | null,
  media: MediaStore,
): Promise<ResolvedImage> {
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
  baseDir: string | null,
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
export async function readBodyRendition(
  mapped: MappedItem & { kind: "story" },
  baseDir: string | null,
): Promise<void> {
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

/** A mapped picture's row, with where its file is and where it came from. */
function insertMappedImage(db: Db, img: MappedImage, r: ResolvedImage, sourceUri: string | null) {
  return insertImage(db, {
    ...r,
    alt: img.alt,
    caption: img.caption ?? null,
    credit: img.credit ?? null,
    sourceUri,
  });
}

/** A mapped video's row (its poster, if any, already stored). */
function insertMappedVideo(
  db: Db,
  v: MappedVideo,
  sources: { url: string; type: string }[],
  posterId: number | undefined,
  sourceUri: string | null,
) {
  return insertVideo(db, {
    title: v.title,
    durationSeconds: v.durationSeconds,
    sources,
    ...(posterId ? { posterImageId: posterId } : {}),
    ...(v.caption ? { caption: v.caption } : {}),
    ...(v.credit ? { credit: v.credit } : {}),
    sourceUri,
  });
}

export interface WriterDeps {
  db: Db;
  media: MediaStore;
  now?: (() => Date) | undefined;
}

/**
 * A picture or video sent on its own goes to the media library, once per
 * wire uri (a second copy of the item finds the first).
 */
export async function addMediaItem(
  deps: WriterDeps,
  mapped: MappedItem & { kind: "media" },
  baseDir: string | null,
): Promise<{ created: boolean; kind: "image" | "video"; id: number }> {
  const existing = await mediaBySourceUri(deps.db, mapped.uri);
  if (existing) return { created: false, ...existing };
  if (mapped.image) {
    const resolved = await resolveImage(mapped.image, baseDir, deps.media);
    const id = await insertMappedImage(deps.db, mapped.image, resolved, mapped.uri);
    return { created: true, kind: "image", id };
  }
  const v = mapped.video!;
  const sources = await Promise.all(
    v.sources.map((s, i) => videoSource(s, baseDir, `${v.field}[${i}].href`, deps.media)),
  );
  const poster = v.poster ? await resolveImage(v.poster, baseDir, deps.media) : undefined;
  const id = await deps.db.transaction().execute(async (trx) => {
    const posterId = poster && v.poster ? await insertMappedImage(trx, v.poster, poster, null) : undefined;
    return insertMappedVideo(trx, v, sources, posterId, mapped.uri);
  });
  return { created: true, kind: "video", id };
}

export interface WriteStoryOptions {
  /** The story to update; a new one when absent. */
  existing: Story | undefined;
  /** Section of a new story (created when missing); an update keeps the story's own. */
  section: { slug: string; name: string };
  /** Topics added to the item's own (a feed's). */
  topicNames?: readonly string[] | undefined;
  /** The story's status; the item's pubstatus decides when absent. */
  status?: StoryStatus | undefined;
  /** Where the agency is credited (a new story's sources). */
  credit?: Source | undefined;
  actor: { userId: number | null; name: string };
  note: string;
}

/**
 * Writes a mapped item as a story: media first (content-addressed files,
 * harmless if the item then fails), then every row in one transaction. An
 * update replaces what the agency wrote (headline, summary, body, byline,
 * dateline, pictures, embargo) and keeps what the newsroom decided (section,
 * topics, authors, address, search settings, sources).
 */
export async function writeStory(
  deps: WriterDeps,
  mapped: MappedItem & { kind: "story" },
  baseDir: string | null,
  opts: WriteStoryOptions,
): Promise<SaveOutcome> {
  if (mapped.bodyRendition) await readBodyRendition(mapped, baseDir);
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
  const { existing } = opts;
  return deps.db.transaction().execute(async (trx) => {
    if (!existing) await upsertSectionIfMissing(trx, opts.section);
    const imageRow = (img: MappedImage, r: ResolvedImage) =>
      insertMappedImage(trx, img, r, img.sourceUri ?? null);
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
      const id = await insertMappedVideo(trx, v, sources, posterId, v.sourceUri ?? null);
      if (v.placement === "body") inserts.push({ block: { type: "video", videoId: id }, afterParagraph: 1 });
      else relatedVideoIds.push(id);
    }
    const fromWire = {
      ...mapped.story,
      body: insertAfterParagraphs(mapped.story.body ?? [], inserts),
      relatedVideoIds,
      ...(heroId ? { heroImageId: heroId } : {}),
      ...(opts.status ? { status: opts.status } : {}),
    };
    const topics = [...new Set([...(mapped.story.topicNames ?? []), ...(opts.topicNames ?? [])])].slice(
      0,
      12,
    );
    const input = existing
      ? {
          ...contentOf(existing),
          ...fromWire,
          // An update does not publish what the newsroom holds back (a draft stays a draft).
          status: opts.status ?? existing.status,
          ...(existing.scheduledAt && !opts.status ? { scheduledAt: existing.scheduledAt } : {}),
          // The newsroom's decisions stay.
          sectionSlug: existing.section.slug,
          topicNames: existing.topics.map((t) => t.name),
          authorSlugs: existing.authors.map((a) => a.slug),
          sources: existing.sources,
          seo: existing.seo,
          ...(existing.firstPublishedAt ? { firstPublishedAt: existing.firstPublishedAt } : {}),
          ...(heroId ? {} : existing.heroImageId ? { heroImageId: existing.heroImageId } : {}),
        }
      : {
          ...fromWire,
          sectionSlug: opts.section.slug,
          topicNames: topics,
          ...(opts.credit ? { sources: [opts.credit] } : {}),
        };
    return saveStory(trx, input, {
      ...(existing ? { id: existing.id } : {}),
      ...(deps.now ? { now: deps.now() } : {}),
      actor: opts.actor,
      note: opts.note,
    });
  });
}

/**
 * A kill (pubstatus canceled) or a hold (withheld) of a story already here:
 * the story is taken off the site (unpublished, or back to draft) with the
 * agency's note in its history; its text is kept as the newsroom last had it,
 * never replaced by the kill notice.
 */
export async function withdrawStory(
  deps: WriterDeps,
  mapped: MappedItem & { kind: "story" },
  existing: Story,
): Promise<StoryStatus> {
  const status: StoryStatus = mapped.pubstatus === "withheld" ? "draft" : "unpublished";
  await deps.db.transaction().execute((trx) =>
    saveStory(
      trx,
      { ...contentOf(existing), uri: existing.uri ?? mapped.uri, sourceVersion: mapped.version, status },
      {
        id: existing.id,
        ...(deps.now ? { now: deps.now() } : {}),
        actor: { userId: null, name: "Wire desk" },
        note: `Withdrawn by the agency (pubstatus ${mapped.pubstatus})${mapped.ednote ? `: ${mapped.ednote}` : ""}`,
      },
    ),
  );
  return status;
}

async function upsertSectionIfMissing(db: Db, s: { slug: string; name: string }): Promise<void> {
  if (!(await sectionBySlug(db, s.slug))) await upsertSection(db, s);
}
