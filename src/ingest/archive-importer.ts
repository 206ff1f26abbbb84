/**
 * The writing half of an archive import, shared by every source (WordPress,
 * Ghost): a source reads its file into normalised items (ArchivePost: a
 * story or a page with its status, dates, section, topics, authors, access,
 * comments and old addresses; bodies as blocks with pictures still to be
 * found), and this writes them — pictures stored before the transaction
 * that refers to them (files are content-addressed: a failed batch leaves at
 * most an unreferenced file), a batch of items per transaction with the
 * run's checkpoint in the same transaction (after kill -9 the same command
 * continues after the last committed batch), every item keyed on its id in
 * the source (import_items: a second run updates what changed, duplicates
 * nothing, and leaves alone a story the newsroom edited since), links
 * between items pointed at their new addresses (a link to an item later in
 * the file fixed at the end of the run), old addresses kept for 301s, and
 * everything that needs a person listed.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Access, Block, Inline, StoryInput, StoryStatus } from "../content/model.ts";
import { slugify } from "../content/slug.ts";
import { FieldError } from "../content/errors.ts";
import { MediaError, type MediaStore, type StoredImage } from "../media/media-store.ts";
import type { Db } from "../store/database.ts";
import { insertComment, commentById, setCommentStatus } from "../store/comment-store.ts";
import {
  type ImportedItem,
  advanceImportRun,
  clearPendingLinks,
  finishImportRun,
  importRunCounts,
  importRunHeartbeat,
  importedItem,
  itemsWithPendingLinks,
  legacyKey,
  legacyRedirect,
  recordImportedItem,
  recordRunItems,
  saveLegacyUrl,
  startImportRun,
} from "../store/import-store.ts";
import { imagesByIds, insertImage, insertVideo, updateImageText } from "../store/media-repo.ts";
import { setStoryComments } from "../store/moderation-store.ts";
import { pageById, pageBySlug, upsertPage } from "../store/page-store.ts";
import { createReader, displayNameSchema, markVerified } from "../store/reader-store.ts";
import { type Story, contentOf, saveStory, storyById } from "../store/story-store.ts";
import {
  authorById,
  sectionBySlug,
  topicBySlug,
  upsertAuthor,
  upsertSection,
} from "../store/taxonomy-store.ts";
import { visiblePathById } from "../store/story-queries.ts";
import { htmlToBlocks } from "./html-to-blocks.ts";
import type { ImageRef, WpBlock } from "./wordpress/wp-body.ts";

export type ItemStatus = "created" | "updated" | "unchanged" | "skipped" | "error";

export interface ItemResult {
  /** "post:555", "page:2", "attachment:611". */
  key: string;
  title?: string;
  status: ItemStatus;
  /** The public path, when readers can see it now. */
  url?: string;
  reason?: string;
  error?: string;
  /** What did not come through whole. */
  notes?: string[];
  comments?: { created: number; unchanged: number; skipped: number };
}

export interface ImportReport {
  file: string;
  source: string;
  items: number;
  /** Set when the run continued an interrupted one: the items done before. */
  resumedAfter?: number;
  counts: Record<ItemStatus, number>;
  comments: { created: number; unchanged: number; skipped: number };
  /** Everything that needs a person: missing pictures, unknown blocks, shortcodes, authors without email. */
  unresolved: string[];
}

export interface ImportOptions {
  db: Db;
  media: MediaStore;
  /** The site's public origin (config.site.baseUrl): links inside text are absolute. */
  baseUrl: string;
  /** A copy of the old site's files (WordPress's wp-content/uploads, Ghost's content folder). */
  uploadsDir?: string | undefined;
  /** Download pictures from their addresses when not found in uploadsDir. */
  fetchMedia?: { timeoutMs: number; maxBytes: number } | undefined;
  /** For posts in no category or tag. */
  defaultSection?: { slug: string; name: string } | undefined;
  /** Items per transaction (and per checkpoint). */
  batchSize?: number | undefined;
  /** An item with more text than this is reported, not imported. */
  maxPostChars?: number | undefined;
  now?: (() => Date) | undefined;
  onItem?: ((r: ItemResult) => void) | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** The import_runs row to work in (the newsroom makes one per upload); else found by the file. */
  runId?: number | undefined;
  /** Stops the run between two batches (ImportStopped): its checkpoint stays, to be continued. */
  signal?: AbortSignal | undefined;
}

/** The run was stopped on request (its server is stopping); it continues from its checkpoint. */
export class ImportStopped extends Error {
  constructor() {
    super("the import was stopped; it continues from where it stopped when started again");
  }
}

/** How often a working run says so (a running run silent for much longer was cut off). */
export const HEARTBEAT_MS = 10_000;

/** A file in the old site's uploads, known by its own id in the export (WordPress's attachments). */
export interface Attachment {
  id: number;
  url: string;
  /** Its page on the old site (an attachment page). */
  link: string;
  file: string | undefined;
  alt: string;
  caption: string;
  title: string;
  parent: number;
}

/** What the writer needs to know of the whole export before the first item. */
export interface ArchiveIndex {
  /** "wordpress:https://old.example", "ghost:https://old.example": import_items' source. */
  source: string;
  /** "WordPress", "Ghost": in history notes and messages. */
  label: string;
  siteUrl: string;
  /** The old site's host names: links to them are links between items. */
  hosts: Set<string>;
  /** Authors by their key in the export, with their old profile page. */
  authors: Map<string, { key: string; email: string; name: string; oldPath: string }>;
  attachments: Map<number, Attachment>;
  /** An upload's file path (uploadKey) → its attachment. */
  attachmentByUpload: Map<string, number>;
  /** Old address (legacyKey) → item key, for links between items. */
  oldAddresses: Map<string, string>;
  /** The part of an address that names an uploaded file ("2019/03/photo.jpg"), or undefined. */
  uploadKey: (url: string) => string | undefined;
  /** What to tell a person whose pictures were not found: the source's options. */
  mediaHint: string;
  items: number;
  fingerprint: string;
}

/** A comment of an item, as the source had it. */
export interface ArchiveComment {
  id: string;
  /** "" or "0": none. */
  parentId: string;
  /** skipped: spam, trash, pingbacks — counted, not imported. */
  status: "approved" | "pending" | "skipped";
  author: string;
  email: string;
  /** The comment's HTML, blank lines between paragraphs. */
  html: string;
  at: string | undefined;
}

/** A story or site page, read from the export, with everything source-specific decided. */
export interface ArchivePost {
  kind: "post" | "page";
  key: string;
  title: string;
  /** The slug it had ("" when none). */
  slug: string;
  status: StoryStatus;
  /** The status in the source's words, for messages. */
  sourceStatus: string;
  scheduledAt?: string | undefined;
  publishedAt?: string | undefined;
  updatedAt?: string | undefined;
  excerpt: string;
  /** Its section; undefined: the default section. */
  section?: { slug: string; name: string } | undefined;
  topics: string[];
  /** Author keys (ArchiveIndex.authors), byline order. */
  authors: string[];
  access?: Access | undefined;
  commentsClosed: boolean;
  comments: ArchiveComment[];
  /** Old addresses (legacyKey) that answer 301 to it. */
  oldAddresses: string[];
  body: { blocks: WpBlock[]; notes: string[] };
  hero?: ImageRef | undefined;
  /** What the mapping noticed (dates, passwords, too many tags). */
  notes: string[];
  /** Changes when anything in the source item changes. */
  hash: string;
}

export type PreparedMedia =
  | { kind: "known"; key: string }
  | { kind: "image"; key: string; stored: StoredImage; attachment?: Attachment }
  | { kind: "remote"; key: string; url: string }
  | { kind: "video"; key: string; file: string; ext: string; attachment: Attachment }
  | { kind: "file"; key: string; file: string; attachment: Attachment };

interface MediaRow {
  kind: "image" | "video" | "file";
  id: number;
  file?: string;
}

interface PreparedPost {
  kind: "post" | "page";
  post: ArchivePost;
  pictures: Map<WpBlock, PreparedMedia | undefined>;
  hero: PreparedMedia | undefined;
}

export type Prepared =
  | { kind: "done"; result: ItemResult }
  | { kind: "attachment"; key: string; id: number; title: string; media: PreparedMedia | undefined }
  | PreparedPost;

const IMAGE_EXT = /\.(jpe?g|png|gif|webp|avif|tiff?)$/i;
const VIDEO_EXT = /\.(mp4|m4v|webm|mov)$/i;

export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

export function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s.trim());
  } catch {
    return s.trim();
  }
}

export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const s = text.slice(0, max - 1);
  const at = s.lastIndexOf(" ");
  return `${(at > max / 2 ? s.slice(0, at) : s).trimEnd()}…`;
}

export async function sha256File(file: string): Promise<string> {
  const h = crypto.createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/** Writes one export's items; one instance per run. */
export class ArchiveImporter {
  readonly counts: Record<ItemStatus, number> = {
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    error: 0,
  };
  readonly comments = { created: 0, unchanged: 0, skipped: 0 };
  private readonly unresolved = new Set<string>();
  private readonly source: string;
  private readonly baseUrl: string;
  private readonly defaultSection: { slug: string; name: string };
  /** Pictures made without alt text: a post showing them may say it (altText); what is left is listed at the end. */
  private readonly altMissing = new Map<number, string>();
  /** Media rows this run made (an attachment a post brought in before its own item came). */
  private readonly createdThisRun = new Set<string>();
  /** Pictures stored (files) this batch, by attachment id or address. */
  private stored = new Map<string, Promise<PreparedMedia | undefined>>();
  /** Sections known to exist (made or found this run). */
  private readonly sections = new Set<string>();
  private authorSlugs = new Map<string, string>();
  private readerKeys = new Map<string, number>();

  constructor(
    readonly opts: ImportOptions,
    private readonly ix: ArchiveIndex,
  ) {
    this.source = ix.source;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    this.defaultSection = opts.defaultSection ?? { slug: "news", name: "News" };
  }

  get sourceName(): string {
    return this.source;
  }

  /** What this run remembered of rows a rolled-back batch had written: forgotten. */
  afterRollback(): void {
    this.sections.clear();
    this.readerKeys.clear();
    this.stored.clear();
    for (const key of this.authorSlugs.keys()) if (!this.ix.authors.has(key)) this.authorSlugs.delete(key);
  }

  /** Pictures of a committed batch are found through import_items from now on. */
  endBatch(): void {
    this.stored.clear();
  }

  unresolvedList(): string[] {
    return [...this.unresolved];
  }

  now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  note(line: string): void {
    if (this.unresolved.size < 10_000) this.unresolved.add(line);
  }

  /** Fills a picture's missing alt text from the post that shows it. */
  private async altText(db: Db, imageId: number, alt: string | undefined): Promise<void> {
    if (!alt || !this.altMissing.has(imageId)) return;
    const img = (await imagesByIds(db, [imageId])).get(imageId);
    if (img && !img.alt) await updateImageText(db, imageId, { alt: alt.slice(0, 500) });
    this.altMissing.delete(imageId);
  }

  /** The pictures still without alt text, for the report. */
  async noteMissingAlt(): Promise<void> {
    const ids = [...this.altMissing.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      const found = await imagesByIds(this.opts.db, ids.slice(i, i + 500));
      for (const [id, img] of found)
        if (!img.alt) this.note(`picture ${this.altMissing.get(id)} has no alt text: add it in the library`);
    }
  }

  // ---- authors and sections ----------------------------------------------

  /** Author profiles for every author of the export (no logins), and their old profile pages. */
  async authors(): Promise<void> {
    for (const a of this.ix.authors.values()) {
      const slug = await this.opts.db
        .transaction()
        .execute((trx) => this.author(trx, a.key, a.name, a.oldPath));
      this.authorSlugs.set(a.key, slug);
      if (!a.email)
        this.note(`author ${a.key} (${a.name}) has no email address: link a newsroom account by hand`);
    }
  }

  /** An author profile for an author of the export (on `db`: the caller's transaction). */
  private async author(db: Db, key: string, name: string, oldPath: string | undefined): Promise<string> {
    const itemKey = `author:${key}`;
    const known = await importedItem(db, this.source, itemKey);
    if (known) {
      const row = await authorById(db, known.targetId);
      if (row) return row.slug;
    }
    const slug = slugify(name, 100) === "story" ? slugify(key, 100) : slugify(name, 100);
    const a = await upsertAuthor(db, { slug, name: name.slice(0, 200) });
    await recordImportedItem(
      db,
      this.source,
      itemKey,
      { kind: "author", targetId: a.id, contentHash: "", targetRevision: null, linksPending: false },
      this.now(),
    );
    const old = oldPath ? legacyKey(oldPath) : undefined;
    if (old) await saveLegacyUrl(db, old, { kind: "author", ref: a.slug }, this.source);
    return a.slug;
  }

  private async authorFor(db: Db, key: string): Promise<string | undefined> {
    if (!key) return undefined;
    const known = this.authorSlugs.get(key);
    if (known) return known;
    this.note(`author ${key} is not in the export's author list: a profile was made from the name ${key}`);
    const slug = await this.author(db, key, key, undefined);
    this.authorSlugs.set(key, slug);
    return slug;
  }

  private async section(db: Db, slug: string, name: string): Promise<string> {
    const clean = slugify(decodeURIComponentSafe(slug), 100);
    if (this.sections.has(clean)) return clean;
    if (!(await sectionBySlug(db, clean))) await upsertSection(db, { slug: clean, name: name.slice(0, 200) });
    this.sections.add(clean);
    return clean;
  }

  // ---- pictures ------------------------------------------------------------

  /** Reads an attachment's file from the uploads copy, or downloads it; undefined (and noted) when neither works. */
  private async attachmentBytes(a: Attachment): Promise<Buffer | undefined> {
    const rel = a.file ?? this.ix.uploadKey(a.url);
    const label = a.id ? `attachment ${a.id} (${rel ?? a.url})` : `picture ${rel ?? a.url}`;
    if (this.opts.uploadsDir && rel) {
      const dir = path.resolve(this.opts.uploadsDir);
      const full = path.resolve(dir, rel);
      if (full !== dir && full.startsWith(dir + path.sep)) {
        try {
          const real = fs.realpathSync(full);
          const realDir = fs.realpathSync(dir);
          if (real.startsWith(realDir + path.sep)) return fs.readFileSync(real);
          this.note(`${label}: the file is a link to outside the uploads folder; not read`);
          return undefined;
        } catch {
          /* not in the copy: try downloading */
        }
      } else {
        this.note(`${label}: the path leads outside the uploads folder; not read`);
        return undefined;
      }
    }
    if (this.opts.fetchMedia && /^https?:\/\//i.test(a.url)) return this.download(a.url, label);
    this.note(
      `${label}: not found${this.opts.uploadsDir ? ` in ${this.opts.uploadsDir}` : ""}${this.opts.fetchMedia ? "" : ` (${this.ix.mediaHint})`}`,
    );
    return undefined;
  }
  private async download(url: string, label: string): Promise<Buffer | undefined> {
    const { timeoutMs, maxBytes } = this.opts.fetchMedia!;
    try {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = this.opts.signal ? AbortSignal.any([timeout, this.opts.signal]) : timeout;
      const res = await fetch(url, { signal, redirect: "follow" });
      if (!res.ok || !res.body) {
        this.note(`${label}: downloading ${url} answered ${res.status}`);
        return undefined;
      }
      const declared = Number(res.headers.get("content-length") ?? 0);
      if (declared > maxBytes) {
        await res.body.cancel();
        this.note(`${label}: ${url} is ${declared} bytes, over the ${maxBytes}-byte limit`);
        return undefined;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > maxBytes) {
          this.note(`${label}: ${url} is over the ${maxBytes}-byte limit`);
          return undefined;
        }
        chunks.push(Buffer.from(chunk));
      }
      return Buffer.concat(chunks);
    } catch (err) {
      const why =
        err instanceof Error && err.name === "TimeoutError"
          ? `no answer in ${timeoutMs} ms`
          : String((err as Error).message ?? err);
      this.note(`${label}: downloading ${url} failed (${why})`);
      return undefined;
    }
  }

  /** Stores an attachment's file (outside any transaction); its row is written with the item. */
  prepareAttachment(id: number): Promise<PreparedMedia | undefined> {
    const k = `attachment:${id}`;
    let p = this.stored.get(k);
    if (!p) {
      p = (async () => {
        if (await importedItem(this.opts.db, this.source, k)) return { kind: "known", key: k } as const;
        const a = this.ix.attachments.get(id);
        if (!a) {
          this.note(`attachment ${id} is referred to but not in the export`);
          return undefined;
        }
        const data = await this.attachmentBytes(a);
        if (!data) return undefined;
        const name = a.file ?? a.url;
        if (IMAGE_EXT.test(name) || !VIDEO_EXT.test(name)) {
          try {
            const stored = await this.opts.media.putImage(data);
            return { kind: "image", key: k, stored, attachment: a } as const;
          } catch (err) {
            if (!(err instanceof MediaError)) throw err;
            if (IMAGE_EXT.test(name)) {
              this.note(`attachment ${id} (${name}): ${err.message}`);
              return undefined;
            }
          }
        }
        const ext = path.extname(name).slice(1) || "bin";
        const file = await this.opts.media.putFile(data, ext);
        return VIDEO_EXT.test(name)
          ? ({ kind: "video", key: k, file, ext, attachment: a } as const)
          : ({ kind: "file", key: k, file, attachment: a } as const);
      })();
      this.stored.set(k, p);
    }
    return p;
  }

  /** A picture referred to by its address only. */
  private prepareRemote(src: string): Promise<PreparedMedia | undefined> {
    const k = `image-url:${src}`;
    let p = this.stored.get(k);
    if (!p) {
      p = (async () => {
        const upload = this.ix.uploadKey(src);
        const host = hostOf(src);
        const onOldSite = host ? this.ix.hosts.has(host) : src.startsWith("/");
        if (upload) {
          const id = this.ix.attachmentByUpload.get(upload);
          if (id) return this.prepareAttachment(id);
        }
        if (await importedItem(this.opts.db, this.source, k)) return { kind: "known", key: k } as const;
        if (onOldSite && upload) {
          const data = await this.attachmentBytes({
            id: 0,
            url: /^https?:/i.test(src) ? src : `${this.ix.siteUrl}${src}`,
            link: "",
            file: upload,
            alt: "",
            caption: "",
            title: "",
            parent: 0,
          });
          if (!data) return undefined;
          try {
            return { kind: "image", key: k, stored: await this.opts.media.putImage(data) } as const;
          } catch (err) {
            if (!(err instanceof MediaError)) throw err;
            this.note(`picture ${src}: ${err.message}`);
            return undefined;
          }
        }
        if (/^https:\/\//i.test(src)) return { kind: "remote", key: k, url: src } as const;
        this.note(`picture ${src.slice(0, 200)}: not in the export and not on https; left out`);
        return undefined;
      })();
      this.stored.set(k, p);
    }
    return p;
  }

  private prepareImage(ref: ImageRef): Promise<PreparedMedia | undefined> {
    if (ref.attachmentId && this.ix.attachments.has(ref.attachmentId))
      return this.prepareAttachment(ref.attachmentId);
    if (ref.src) return this.prepareRemote(ref.src);
    if (ref.attachmentId) return this.prepareAttachment(ref.attachmentId);
    return Promise.resolve(undefined);
  }

  /** The row of a prepared picture: found, or written now (inside the item's transaction). */
  private async mediaRow(db: Db, p: PreparedMedia, ref?: ImageRef): Promise<MediaRow | undefined> {
    const known = await importedItem(db, this.source, p.key);
    if (known) {
      const file = await this.fileOf(db, known);
      return { kind: known.kind as MediaRow["kind"], id: known.targetId, ...(file ? { file } : {}) };
    }
    if (p.kind === "known") return undefined;
    let row: MediaRow;
    if (p.kind === "image" || p.kind === "remote") {
      const a = p.kind === "image" ? p.attachment : undefined;
      const alt = (a?.alt || ref?.alt || "").slice(0, 1000);
      const id = await insertImage(db, {
        ...(p.kind === "image"
          ? {
              file: p.stored.file,
              remoteUrl: null,
              mime: p.stored.mime,
              width: p.stored.width,
              height: p.stored.height,
              renditions: p.stored.renditions,
            }
          : { file: null, remoteUrl: p.url, mime: "image/jpeg", width: 1200, height: 800, renditions: [] }),
        alt,
        caption: (a?.caption || ref?.caption || "").slice(0, 2000) || null,
        credit: null,
        sourceUri: `${this.source}/${p.key}`,
      });
      row = { kind: "image", id };
      if (p.kind === "image") row.file = p.stored.file;
      if (!alt) this.altMissing.set(id, a ? `attachment ${a.id} (${a.file ?? a.url})` : (ref?.src ?? p.key));
    } else if (p.kind === "video") {
      const id = await insertVideo(db, {
        title: (p.attachment.title || "Video").slice(0, 300),
        durationSeconds: null,
        sources: [{ url: `/media/${p.file}`, type: p.ext === "webm" ? "video/webm" : "video/mp4" }],
        ...(p.attachment.caption ? { caption: p.attachment.caption.slice(0, 2000) } : {}),
        sourceUri: `${this.source}/${p.key}`,
      });
      row = { kind: "video", id };
    } else {
      // A document (PDF …): kept as a file; links to it point here.
      row = { kind: "file", id: 0, file: p.file };
    }
    this.createdThisRun.add(p.key);
    await recordImportedItem(
      db,
      this.source,
      p.key,
      {
        kind: row.kind,
        targetId: row.id,
        contentHash: row.file ?? "",
        targetRevision: null,
        linksPending: false,
      },
      this.now(),
    );
    if (p.kind !== "remote" && "attachment" in p && p.attachment && row.file)
      for (const k of [
        legacyKey(p.attachment.url),
        p.attachment.link ? legacyKey(p.attachment.link) : undefined,
        `/?attachment_id=${p.attachment.id}`,
      ])
        if (k) await saveLegacyUrl(db, k, { kind: "media", ref: row.file }, this.source);
    return row;
  }

  /** The media file an imported item is (a picture's original; a video's or document's file, kept as its hash). */
  private async fileOf(db: Db, item: ImportedItem): Promise<string | undefined> {
    if (item.kind === "image")
      return (await imagesByIds(db, [item.targetId])).get(item.targetId)?.file ?? undefined;
    return item.contentHash || undefined;
  }

  // ---- links ---------------------------------------------------------------

  /**
   * A link inside text: to another post of the old site → its new address
   * (or left for the end of the run when that post is not here yet); to an
   * upload → the file here. Others stay as they are.
   */
  private async rewriteHref(db: Db, href: string): Promise<{ href: string; pending: boolean }> {
    const host = hostOf(href);
    if (!host || !this.ix.hosts.has(host)) return { href, pending: false };
    const upload = this.ix.uploadKey(href);
    if (upload) {
      const id = this.ix.attachmentByUpload.get(upload);
      const known = id ? await importedItem(db, this.source, `attachment:${id}`) : undefined;
      const file = known ? await this.fileOf(db, known) : undefined;
      if (file) return { href: `${this.baseUrl}/media/${file}`, pending: false };
      if (!id) this.note(`link to ${href.slice(0, 200)}: the file is not in the export`);
      return { href, pending: !!id };
    }
    const old = legacyKey(href.replace(/^https?:\/\/[^/]+/i, "") || "/");
    const key = old ? this.ix.oldAddresses.get(old) : undefined;
    if (!key) {
      // Another export of the same site imported before (a site exported in parts).
      const moved = old ? await legacyRedirect(db, old, this.now()) : undefined;
      if (moved) return { href: `${this.baseUrl}${moved}`, pending: false };
      if (old) this.note(`link to ${href.slice(0, 200)}: no post of the export has that address`);
      return { href, pending: false };
    }
    const target = await importedItem(db, this.source, key);
    if (!target) return { href, pending: true };
    if (target.kind === "story") {
      const p = await visiblePathById(db, target.targetId, this.now().toISOString());
      return p ? { href: `${this.baseUrl}${p}`, pending: false } : { href, pending: false };
    }
    if (target.kind === "page") {
      const page = await pageById(db, target.targetId);
      return page ? { href: `${this.baseUrl}/about/${page.slug}`, pending: false } : { href, pending: false };
    }
    const file = await this.fileOf(db, target);
    return file ? { href: `${this.baseUrl}/media/${file}`, pending: false } : { href, pending: false };
  }

  private async rewriteLinks(db: Db, blocks: Block[]): Promise<{ blocks: Block[]; pending: boolean }> {
    let pending = false;
    const runs = async (content: Inline[]) => {
      const out: Inline[] = [];
      for (const r of content) {
        if (!r.href) {
          out.push(r);
          continue;
        }
        const x = await this.rewriteHref(db, r.href);
        pending ||= x.pending;
        out.push({ ...r, href: x.href });
      }
      return out;
    };
    const out: Block[] = [];
    for (const b of blocks) {
      if (b.type === "paragraph") out.push({ ...b, content: await runs(b.content) });
      else if (b.type === "list") {
        const items: Inline[][] = [];
        for (const i of b.items) items.push(await runs(i));
        out.push({ ...b, items });
      } else out.push(b);
    }
    return { blocks: out, pending };
  }

  // ---- items ---------------------------------------------------------------

  /** Everything slow about a story or page (its pictures' files), before its transaction. */
  async preparePost(post: ArchivePost): Promise<Prepared> {
    const pictures = new Map<WpBlock, PreparedMedia | undefined>();
    for (const b of post.body.blocks)
      if (b.type === "wp-image") pictures.set(b, await this.prepareImage(b.ref));
    const hero = post.hero ? await this.prepareImage(post.hero) : undefined;
    return { kind: post.kind, post, pictures, hero };
  }

  /** Writes one prepared item (inside the batch's transaction). */
  async write(db: Db, p: Prepared): Promise<ItemResult> {
    if (p.kind === "done") return p.result;
    if (p.kind === "attachment") {
      if (!p.media)
        return {
          key: p.key,
          title: p.title,
          status: "skipped",
          reason: "its file was not found (see unresolved)",
        };
      const before = await importedItem(db, this.source, p.key);
      const row = await this.mediaRow(db, p.media);
      return {
        key: p.key,
        title: p.title,
        status: row && (!before || this.createdThisRun.has(p.key)) ? "created" : "unchanged",
        ...(row?.file ? { url: `/media/${row.file}` } : {}),
      };
    }
    const post = p.post;
    const notes = [...post.body.notes];
    // Pictures: rows for those found, out for those not.
    const blocks: Block[] = [];
    for (const b of post.body.blocks) {
      if (b.type !== "wp-image") {
        blocks.push(b);
        continue;
      }
      const prepared = p.pictures.get(b);
      const row = prepared ? await this.mediaRow(db, prepared, b.ref) : undefined;
      if (row?.kind === "image") await this.altText(db, row.id, b.ref.alt);
      if (row?.kind === "image")
        blocks.push({
          type: "image",
          imageId: row.id,
          ...(b.ref.caption ? { caption: b.ref.caption.slice(0, 2000) } : {}),
        });
      else if (row?.kind === "video") blocks.push({ type: "video", videoId: row.id });
      else
        notes.push(
          `a picture (${b.ref.attachmentId ? `attachment ${b.ref.attachmentId}` : (b.ref.src ?? "").slice(0, 120)}) was not found and was left out`,
        );
    }
    const linked = await this.rewriteLinks(db, blocks);
    for (const n of notes) this.note(`${post.key} (${post.title || "untitled"}): ${n}`);
    // What the mapping noticed (dates, a password) is the item's to say, not a person's to do.
    notes.push(...post.notes);
    if (p.kind === "page") return this.writePage(db, post, linked.blocks, linked.pending, notes);
    const heroRow = p.hero ? await this.mediaRow(db, p.hero, post.hero) : undefined;
    if (heroRow?.kind === "image") await this.altText(db, heroRow.id, post.hero?.alt);
    const heroId = heroRow?.kind === "image" ? heroRow.id : undefined;
    // A featured image that the post also shows in its text (as WordPress themes print both): once, at the top.
    const again = heroId ? linked.blocks.findIndex((b) => b.type === "image" && b.imageId === heroId) : -1;
    const body = again >= 0 ? linked.blocks.filter((_, i) => i !== again) : linked.blocks;
    return this.writePost(db, post, body, linked.pending, heroId, notes);
  }

  private async writePage(
    db: Db,
    post: ArchivePost,
    body: Block[],
    pending: boolean,
    notes: string[],
  ): Promise<ItemResult> {
    if (post.status !== "published")
      return {
        key: post.key,
        title: post.title,
        status: "skipped",
        reason: `a ${post.sourceStatus || "unpublished"} page: site pages are always public, so only published pages come in`,
      };
    const before = await importedItem(db, this.source, post.key);
    if (before && before.contentHash === post.hash)
      return { key: post.key, title: post.title, status: "unchanged" };
    const wanted = slugify(decodeURIComponentSafe(post.slug) || post.title, 100);
    let slug = wanted;
    const existingPage = before ? await pageById(db, before.targetId) : undefined;
    if (existingPage) slug = existingPage.slug;
    else
      for (let i = 2; await pageBySlug(db, slug); i++) {
        slug = `${slugify(decodeURIComponentSafe(post.slug) || post.title, 90)}-${i}`;
        if (i === 2) notes.push(`a page "${wanted}" exists already: this one is /about/${slug}`);
      }
    const id = await upsertPage(db, { slug, title: post.title || slug, body }, this.now());
    await recordImportedItem(
      db,
      this.source,
      post.key,
      { kind: "page", targetId: id, contentHash: post.hash, targetRevision: null, linksPending: pending },
      this.now(),
    );
    for (const k of post.oldAddresses)
      if (k && k !== "/") await saveLegacyUrl(db, k, { kind: "page", ref: slug }, this.source);
    return {
      key: post.key,
      title: post.title,
      status: before ? "updated" : "created",
      url: `/about/${slug}`,
      ...(notes.length ? { notes } : {}),
    };
  }

  private async writePost(
    db: Db,
    post: ArchivePost,
    body: Block[],
    pending: boolean,
    heroImageId: number | undefined,
    notes: string[],
  ): Promise<ItemResult> {
    const before = await importedItem(db, this.source, post.key);
    const existing = before ? await storyById(db, before.targetId) : undefined;
    let storyStatus: ItemStatus | undefined;
    let storyId: number;
    /** The public path when readers see the story now (found without a query when just saved). */
    let url: string | undefined;
    if (existing && before!.contentHash === post.hash) {
      storyStatus = "unchanged";
      storyId = existing.id;
    } else if (existing && before!.targetRevision !== null && existing.revision !== before!.targetRevision) {
      storyStatus = "skipped";
      storyId = existing.id;
      notes.push(`edited in Gazette since it was imported (revision ${existing.revision}); not overwritten`);
    } else {
      const input = await this.storyInput(db, post, body, heroImageId, notes, existing);
      const saved = await saveStory(db, input, {
        ...(existing ? { id: existing.id } : {}),
        now: this.now(),
        actor: { userId: null, name: `${this.ix.label} import` },
        note: existing ? `Updated from the ${this.ix.label} export` : `Imported from ${this.ix.label}`,
      });
      storyId = saved.id;
      const now = this.now().toISOString();
      if (
        input.status === "published" &&
        !saved.path.startsWith("/_draft/") &&
        saved.path &&
        (input.firstPublishedAt ?? now) <= now
      )
        url = saved.path;
      if (post.commentsClosed) await setStoryComments(db, storyId, { mode: "closed" });
      await recordImportedItem(
        db,
        this.source,
        post.key,
        {
          kind: "story",
          targetId: storyId,
          contentHash: post.hash,
          targetRevision: saved.revision,
          linksPending: pending,
        },
        this.now(),
      );
      for (const k of post.oldAddresses)
        if (k && k !== "/") await saveLegacyUrl(db, k, { kind: "story", ref: String(storyId) }, this.source);
      storyStatus = existing ? "updated" : "created";
    }
    const comments = await this.writeComments(db, post, storyId);
    if (storyStatus !== "created" && storyStatus !== "updated")
      url = await visiblePathById(db, storyId, this.now().toISOString());
    return {
      key: post.key,
      title: post.title,
      status: storyStatus,
      ...(url ? { url } : {}),
      ...(storyStatus === "skipped" ? { reason: notes.at(-1) } : {}),
      ...(notes.length && storyStatus !== "skipped" ? { notes } : {}),
      ...(comments.created + comments.unchanged + comments.skipped ? { comments } : {}),
    };
  }

  private async storyInput(
    db: Db,
    post: ArchivePost,
    body: Block[],
    heroImageId: number | undefined,
    notes: string[],
    existing: Story | undefined,
  ): Promise<StoryInput> {
    const { status } = post;
    let sectionSlug: string;
    if (existing) sectionSlug = existing.section.slug;
    else if (post.section) sectionSlug = await this.section(db, post.section.slug, post.section.name);
    else sectionSlug = await this.section(db, this.defaultSection.slug, this.defaultSection.name);
    const uniqueTopics = [
      ...new Map(
        post.topics
          .map((t) => t.trim().slice(0, 120))
          .filter(Boolean)
          .map((t) => [slugify(t, 100), t]),
      ).values(),
    ];
    if (uniqueTopics.length > 12)
      notes.push(`${uniqueTopics.length} tags and categories: the first 12 became topics`);
    const authorSlugs: string[] = [];
    for (const key of post.authors) {
      const slug = await this.authorFor(db, key);
      if (slug && !authorSlugs.includes(slug)) authorSlugs.push(slug);
    }
    let headline = post.title;
    if (!headline && (status === "published" || status === "scheduled")) {
      const first = body.find((b) => b.type === "paragraph");
      headline = first
        ? first.content
            .map((r) => r.text)
            .join("")
            .slice(0, 80)
            .trim()
        : "";
      headline ||= "Untitled";
      notes.push(`no title: the headline is "${headline}"`);
    }
    const rawSlug = slugify(decodeURIComponentSafe(post.slug), 100);
    const date = post.publishedAt;
    const modified = post.updatedAt;
    return {
      headline,
      ...(rawSlug !== "story" ? { slug: rawSlug } : {}),
      summary: post.excerpt ? [cut(post.excerpt, 500)] : [],
      body,
      ...(heroImageId ? { heroImageId } : {}),
      sectionSlug,
      topicNames: uniqueTopics.slice(0, 12),
      authorSlugs,
      status,
      ...(date && (status === "published" || status === "unpublished") ? { firstPublishedAt: date } : {}),
      ...(post.scheduledAt ? { scheduledAt: post.scheduledAt } : {}),
      ...(modified && date && modified >= date ? { updatedAt: modified } : date ? { updatedAt: date } : {}),
      ...(post.access ? { access: post.access } : {}),
      ...(existing ? { ...pickNewsroom(existing) } : {}),
    };
  }

  private async commenter(db: Db, name: string, email: string): Promise<number> {
    const ident = email ? email.toLowerCase() : `name:${name}`;
    const key = `commenter:${crypto.createHash("sha256").update(ident).digest("hex").slice(0, 24)}`;
    const cached = this.readerKeys.get(key);
    if (cached) return cached;
    const known = await importedItem(db, this.source, key);
    if (known) {
      this.readerKeys.set(key, known.targetId);
      return known.targetId;
    }
    const display = displayNameSchema.safeParse(
      name
        .replace(/[^\p{L}\p{N} .'’_-]+/gu, " ")
        .replace(/\s+/g, " ")
        .slice(0, 40),
    );
    const hash = crypto.createHash("sha256").update(`${this.source}|${ident}`).digest("hex").slice(0, 20);
    const prefix = this.source.split(":")[0] === "wordpress" ? "wp" : this.source.split(":")[0];
    const r = await createReader(
      db,
      {
        email: `${prefix}-${hash}@imported.invalid`,
        displayName: display.success ? display.data : "Reader",
        passwordHash: "!",
        notifyReplies: false,
      },
      this.now(),
    );
    await markVerified(db, r.id, this.now());
    await recordImportedItem(
      db,
      this.source,
      key,
      { kind: "reader", targetId: r.id, contentHash: "", targetRevision: null, linksPending: false },
      this.now(),
    );
    this.readerKeys.set(key, r.id);
    return r.id;
  }

  private async writeComments(
    db: Db,
    post: ArchivePost,
    storyId: number,
  ): Promise<{ created: number; unchanged: number; skipped: number }> {
    const c = { created: 0, unchanged: 0, skipped: 0 };
    const itemId = post.key.slice(post.key.indexOf(":") + 1);
    const ours = new Map<string, { id: number; depth: number; parent: number | null }>();
    for (const comment of post.comments) {
      const cid = comment.id;
      const key = `comment:${itemId}:${cid}`;
      if (!cid || comment.status === "skipped") {
        c.skipped++;
        continue;
      }
      const status = comment.status;
      const known = await importedItem(db, this.source, key);
      if (known) {
        const row = await commentById(db, known.targetId);
        if (row) {
          if (row.status !== status && (row.status === "approved" || row.status === "pending"))
            await setCommentStatus(db, row.id, status);
          ours.set(cid, { id: row.id, depth: row.depth, parent: row.parentId });
          c.unchanged++;
          continue;
        }
      }
      const body = htmlToBlocks(comment.html.replace(/\r\n?/g, "\n").replace(/\n\s*\n/g, "</p><p>"))
        .map((b) =>
          b.type === "paragraph"
            ? b.content.map((r) => r.text).join("")
            : b.type === "list"
              ? b.items.map((i) => i.map((r) => r.text).join("")).join("\n")
              : "text" in b
                ? b.text
                : "",
        )
        .filter(Boolean)
        .join("\n\n")
        .slice(0, 10_000);
      if (!body) {
        c.skipped++;
        continue;
      }
      const parentCid = comment.parentId;
      let parent = parentCid && parentCid !== "0" ? ours.get(parentCid) : undefined;
      if (!parent && parentCid && parentCid !== "0") {
        const pk = await importedItem(db, this.source, `comment:${itemId}:${parentCid}`);
        const prow = pk ? await commentById(db, pk.targetId) : undefined;
        if (prow) parent = { id: prow.id, depth: prow.depth, parent: prow.parentId };
      }
      // Gazette's threads go three replies deep: a deeper reply joins its parent's thread.
      while (parent && parent.depth >= 3 && parent.parent !== null) {
        const up = await commentById(db, parent.parent);
        parent = up ? { id: up.id, depth: up.depth, parent: up.parentId } : undefined;
      }
      const readerId = await this.commenter(db, comment.author || "Reader", comment.email);
      const row = await insertComment(
        db,
        {
          storyId,
          readerId,
          parentId: parent?.id ?? null,
          depth: parent ? parent.depth + 1 : 0,
          body,
          status,
          holdReasons: status === "pending" ? [`awaiting moderation on ${this.ix.label}`] : [],
          staff: false,
        },
        comment.at ? new Date(comment.at) : this.now(),
      );
      await recordImportedItem(
        db,
        this.source,
        key,
        { kind: "comment", targetId: row.id, contentHash: "", targetRevision: null, linksPending: false },
        this.now(),
      );
      ours.set(cid, { id: row.id, depth: row.depth, parent: parent?.id ?? null });
      c.created++;
    }
    this.comments.created += c.created;
    this.comments.unchanged += c.unchanged;
    this.comments.skipped += c.skipped;
    return c;
  }

  /**
   * The old archive pages of categories and tags (/category/a/b/, /tag/x/)
   * answer with the section or topic they became, once the items are in.
   */
  async termAddresses(terms: { oldPath: string; section?: string; topic?: string }[]): Promise<void> {
    await this.opts.db.transaction().execute(async (trx) => {
      for (const t of terms) {
        const old = legacyKey(t.oldPath);
        if (!old) continue;
        const section = t.section ? slugify(decodeURIComponentSafe(t.section), 100) : undefined;
        const topic = t.topic ? slugify(t.topic, 100) : undefined;
        const target =
          section && (await sectionBySlug(trx, section))
            ? { kind: "section" as const, ref: section }
            : topic && (await topicBySlug(trx, topic))
              ? { kind: "topic" as const, ref: topic }
              : undefined;
        if (target) await saveLegacyUrl(trx, old, target, this.source);
      }
    });
  }
  /** The end of a run: links to posts that came later in the file now point at them. */
  async fixPendingLinks(): Promise<number> {
    const db = this.opts.db;
    let fixed = 0;
    let after = "";
    for (;;) {
      const batch = await itemsWithPendingLinks(db, this.source, after, 200);
      if (!batch.length) return fixed;
      for (const item of batch) {
        after = item.key;
        await db.transaction().execute(async (trx) => {
          if (item.key.startsWith("page:")) {
            const page = await pageById(trx, item.targetId);
            if (page) {
              const r = await this.rewriteLinks(trx, page.body);
              await upsertPage(trx, { slug: page.slug, title: page.title, body: r.blocks }, this.now());
            }
            await clearPendingLinks(trx, this.source, item.key, null);
            return;
          }
          const story = await storyById(trx, item.targetId);
          if (!story) return clearPendingLinks(trx, this.source, item.key, null);
          const r = await this.rewriteLinks(trx, story.body);
          if (JSON.stringify(r.blocks) === JSON.stringify(story.body))
            return clearPendingLinks(trx, this.source, item.key, null);
          const saved = await saveStory(
            trx,
            {
              ...contentOf(story),
              body: r.blocks,
              status: story.status,
              ...(story.scheduledAt ? { scheduledAt: story.scheduledAt } : {}),
              updatedAt: story.updatedAt,
            },
            {
              id: story.id,
              now: this.now(),
              actor: { userId: null, name: `${this.ix.label} import` },
              note: "Links to other imported posts pointed at their new addresses",
            },
          );
          await clearPendingLinks(trx, this.source, item.key, saved.revision);
          fixed++;
        });
      }
    }
  }
}

/** An update from the export keeps what the newsroom decided: section, address, search settings, access. */
function pickNewsroom(existing: Story): Partial<StoryInput> {
  const c = contentOf(existing);
  return {
    sectionSlug: existing.section.slug,
    seo: c.seo,
    ...(c.access ? { access: c.access } : {}),
    ...(c.sponsor ? { sponsor: c.sponsor } : {}),
  };
}

/**
 * One run over an export: the checkpoint (import_runs) found or started,
 * the export's authors made, then `items(after)` — the source's prepared
 * items after the first `after`, in file order — written a batch per
 * transaction with the checkpoint; a batch that fails is written again one
 * item at a time, so only the failing item is lost (and reported). At the
 * end, links to later items are fixed and `finish` (the source's last
 * steps, such as old category addresses) runs.
 */
export async function runArchiveImport(
  im: ArchiveImporter,
  run: { file: string; fingerprint: string; total: number },
  items: (after: number) => AsyncIterable<Prepared>,
  finish?: () => Promise<void>,
): Promise<Omit<ImportReport, "file" | "source" | "items"> & { resumed: boolean }> {
  const { opts } = im;
  const db = opts.db;
  const { run: row, resumed } = await startImportRun(
    db,
    {
      source: im.sourceName,
      file: path.resolve(run.file),
      fingerprint: run.fingerprint,
      total: run.total,
      runId: opts.runId,
    },
    im.now(),
  );
  if (resumed) Object.assign(im.counts, await importRunCounts(db, row.id));
  // Says the run is alive between checkpoints (a batch fetching pictures can take minutes).
  const heartbeat = setInterval(() => {
    importRunHeartbeat(db, row.id).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
  }

  async function work() {
    const stopped = () => {
      if (opts.signal?.aborted) throw new ImportStopped();
    };
    stopped();
    await im.authors();
    const batchSize = opts.batchSize ?? 10;
    let index = row.position;
    let batch: Prepared[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const done = index;
      let results: ItemResult[];
      try {
        results = await db.transaction().execute(async (trx) => {
          const out: ItemResult[] = [];
          for (const b of batch) out.push(await im.write(trx, b));
          const counts = { ...im.counts };
          for (const r of out) counts[r.status]++;
          await recordRunItems(trx, row.id, out);
          await advanceImportRun(trx, row.id, done, counts);
          return out;
        });
      } catch {
        // One item failed: again one at a time, so only that one is lost.
        im.afterRollback();
        results = [];
        for (const b of batch) {
          try {
            results.push(await db.transaction().execute((trx) => im.write(trx, b)));
          } catch (err) {
            im.afterRollback();
            results.push({
              key: b.kind === "done" ? b.result.key : b.kind === "attachment" ? b.key : b.post.key,
              status: "error",
              error:
                err instanceof FieldError
                  ? `${err.field}: ${err.message}`
                  : err instanceof Error
                    ? err.message
                    : String(err),
            });
          }
        }
        const counts = { ...im.counts };
        for (const r of results) counts[r.status]++;
        await db.transaction().execute(async (trx) => {
          await recordRunItems(trx, row.id, results);
          await advanceImportRun(trx, row.id, done, counts);
        });
      }
      for (const r of results) {
        im.counts[r.status]++;
        opts.onItem?.(r);
      }
      batch = [];
      im.endBatch();
      opts.onProgress?.(done, run.total);
    };
    for await (const p of items(row.position)) {
      index++;
      batch.push(p);
      if (batch.length >= batchSize) {
        await flush();
        stopped();
      }
    }
    await flush();
    stopped();
    await im.fixPendingLinks();
    await finish?.();
    await im.noteMissingAlt();
    const report = {
      ...(resumed ? { resumedAfter: row.position } : {}),
      comments: im.comments,
      unresolved: im.unresolvedList(),
    };
    await finishImportRun(db, row.id, "done", im.counts, im.now(), report);
    return { ...report, resumed, counts: im.counts };
  }
}
