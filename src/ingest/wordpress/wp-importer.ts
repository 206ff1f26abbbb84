/**
 * `gazette import-wordpress FILE.xml`: a WordPress archive into Gazette.
 *
 * Two streaming passes over the file (wxr-reader.ts; one post in memory at a
 * time). The first writes nothing: it proves the file is well-formed WXR
 * (a malformed file is refused with its line and column, the database
 * untouched) and notes what later items need to find earlier or later ones:
 * the authors, the terms, every attachment's address and the old address of
 * every post. The second writes, a batch of items per transaction with the
 * run's checkpoint in the same transaction: after a crash (kill -9) the
 * same command continues after the last committed batch. Every item is
 * keyed on its post id (import_items), so a second run updates what changed
 * and duplicates nothing; a story the newsroom edited since is left alone.
 *
 * Pictures are stored before the transaction that refers to them (files are
 * content-addressed: a failed batch leaves at most an unreferenced file).
 * Links between posts are pointed at the new addresses; a link to a post
 * later in the file is fixed at the end of the run.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Block, Inline, StoryInput, StoryStatus } from "../../content/model.ts";
import { slugify } from "../../content/slug.ts";
import { FieldError } from "../../content/errors.ts";
import { MediaError, type MediaStore, type StoredImage } from "../../media/media-store.ts";
import type { Db } from "../../store/database.ts";
import { insertComment, commentById, setCommentStatus } from "../../store/comment-store.ts";
import {
  type ImportedItem,
  advanceImportRun,
  clearPendingLinks,
  finishImportRun,
  importRunCounts,
  importedItem,
  itemsWithPendingLinks,
  legacyKey,
  legacyRedirect,
  recordImportedItem,
  saveLegacyUrl,
  startImportRun,
} from "../../store/import-store.ts";
import { imagesByIds, insertImage, insertVideo, updateImageText } from "../../store/media-repo.ts";
import { setStoryComments } from "../../store/moderation-store.ts";
import { pageById, pageBySlug, upsertPage } from "../../store/page-store.ts";
import { createReader, displayNameSchema, markVerified } from "../../store/reader-store.ts";
import { type Story, contentOf, saveStory, storyById } from "../../store/story-store.ts";
import {
  authorById,
  sectionBySlug,
  topicBySlug,
  upsertAuthor,
  upsertSection,
} from "../../store/taxonomy-store.ts";
import { visiblePathById } from "../../store/story-queries.ts";
import { htmlToBlocks, htmlToText } from "../html-to-blocks.ts";
import { type ImageRef, type WpBlock, wordpressBody } from "./wp-body.ts";
import { type WxrNode, WxrError, childText, childrenOf, readWxr } from "./wxr-reader.ts";

/** Bumped when the mapping changes: items imported by an older mapping then count as changed. */
const MAPPING_VERSION = "1";

export type WpItemStatus = "created" | "updated" | "unchanged" | "skipped" | "error";

export interface WpItemResult {
  /** "post:555", "page:2", "attachment:611". */
  key: string;
  title?: string;
  status: WpItemStatus;
  /** The public path, when readers can see it now. */
  url?: string;
  reason?: string;
  error?: string;
  /** What did not come through whole. */
  notes?: string[];
  comments?: { created: number; unchanged: number; skipped: number };
}

export interface WpImportReport {
  file: string;
  source: string;
  wxrVersion: string;
  items: number;
  /** Set when the run continued an interrupted one: the items done before. */
  resumedAfter?: number;
  counts: Record<WpItemStatus, number>;
  comments: { created: number; unchanged: number; skipped: number };
  /** Everything that needs a person: missing pictures, unknown blocks, shortcodes, authors without email. */
  unresolved: string[];
}

export interface WpImportOptions {
  db: Db;
  media: MediaStore;
  /** The site's public origin (config.site.baseUrl): links inside text are absolute. */
  baseUrl: string;
  /** A copy of the old site's wp-content/uploads. */
  uploadsDir?: string | undefined;
  /** Download attachments from their addresses when not found in uploadsDir. */
  fetchMedia?: { timeoutMs: number; maxBytes: number } | undefined;
  /** For posts in no category. */
  defaultSection?: { slug: string; name: string } | undefined;
  /** Items per transaction (and per checkpoint). */
  batchSize?: number | undefined;
  /** An item with more text than this is reported, not imported. */
  maxPostChars?: number | undefined;
  now?: (() => Date) | undefined;
  onItem?: ((r: WpItemResult) => void) | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** A file that cannot be imported at all: nothing was written. */
export class WpImportError extends Error {}

interface Attachment {
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

interface Scan {
  version: string;
  siteUrl: string;
  hosts: Set<string>;
  authors: Map<string, { login: string; email: string; name: string }>;
  categories: Map<string, { name: string; termId: number; parent: string }>;
  categoryById: Map<number, string>;
  tags: Map<string, string>;
  attachments: Map<number, Attachment>;
  attachmentByUpload: Map<string, number>;
  /** Old address (legacyKey) → item key, for links between posts. */
  oldAddresses: Map<string, string>;
  items: number;
  fingerprint: string;
}

const wpDate = (s: string): string | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(s.trim());
  if (!m || m[1] === "0000") return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z`;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) || d.toISOString() !== iso ? undefined : iso;
};

const rfcDate = (s: string): string | undefined => {
  if (!s.trim()) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1900 ? undefined : d.toISOString();
};

function metaOf(node: WxrNode): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of childrenOf(node, "wp:postmeta")) {
    const k = childText(m, "wp:meta_key");
    if (k && !out.has(k)) out.set(k, childText(m, "wp:meta_value"));
  }
  return out;
}

/** The part of an upload's address that names the file: "2019/03/photo.jpg" (sizes like -300x200 removed). */
function uploadKey(url: string): string | undefined {
  let p: string;
  try {
    p = decodeURIComponent(new URL(url, "http://x.invalid").pathname);
  } catch {
    return undefined;
  }
  const m = /\/(?:wp-content\/uploads|files)\/(.+)$/.exec(p);
  const rel = m ? m[1]! : undefined;
  return rel?.replace(/-\d+x\d+(?=\.\w+$)/, "").replace(/-scaled(?=\.\w+$)/, "");
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

async function sha256File(file: string): Promise<string> {
  const h = crypto.createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest("hex");
}

const IMAGE_EXT = /\.(jpe?g|png|gif|webp|avif|tiff?)$/i;
const VIDEO_EXT = /\.(mp4|m4v|webm|mov)$/i;

/** Pass 1: proves the file and indexes what pass 2 needs to look up. Writes nothing. */
async function scan(file: string, maxChars: number): Promise<Scan> {
  const s: Scan = {
    version: "",
    siteUrl: "",
    hosts: new Set(),
    authors: new Map(),
    categories: new Map(),
    categoryById: new Map(),
    tags: new Map(),
    attachments: new Map(),
    attachmentByUpload: new Map(),
    oldAddresses: new Map(),
    items: 0,
    fingerprint: "",
  };
  let link = "";
  let blogUrl = "";
  for await (const r of readWxr(file, { maxItemChars: maxChars })) {
    if (r.type === "channel") {
      if (r.key === "wp:wxr_version") s.version ||= r.value;
      else if (r.key === "wp:base_site_url") s.siteUrl ||= r.value;
      else if (r.key === "wp:base_blog_url") blogUrl ||= r.value;
      else if (r.key === "link") link ||= r.value;
      continue;
    }
    if (r.type === "author") {
      const login = childText(r.node, "wp:author_login").trim();
      if (!login || s.authors.has(login)) continue;
      const first = childText(r.node, "wp:author_first_name").trim();
      const last = childText(r.node, "wp:author_last_name").trim();
      const display = childText(r.node, "wp:author_display_name").trim();
      s.authors.set(login, {
        login,
        email: childText(r.node, "wp:author_email").trim(),
        name: htmlToText(display) || [first, last].filter(Boolean).join(" ") || login,
      });
      continue;
    }
    if (r.type === "term") {
      const n = r.node;
      if (n.key === "wp:category") {
        const slug = childText(n, "wp:category_nicename").trim();
        if (slug)
          s.categories.set(slug, {
            name: htmlToText(childText(n, "wp:cat_name")) || slug,
            termId: Number(childText(n, "wp:term_id")) || 0,
            parent: childText(n, "wp:category_parent").trim(),
          });
      } else if (n.key === "wp:tag") {
        const slug = childText(n, "wp:tag_slug").trim();
        if (slug) s.tags.set(slug, htmlToText(childText(n, "wp:tag_name")) || slug);
      } else if (n.key === "wp:term") {
        const tax = childText(n, "wp:term_taxonomy").trim();
        const slug = childText(n, "wp:term_slug").trim();
        const name = htmlToText(childText(n, "wp:term_name")) || slug;
        if (tax === "category" && slug && !s.categories.has(slug))
          s.categories.set(slug, {
            name,
            termId: Number(childText(n, "wp:term_id")) || 0,
            parent: "",
          });
        if (tax === "post_tag" && slug && !s.tags.has(slug)) s.tags.set(slug, name);
      }
      continue;
    }
    s.items++;
    if (r.tooLarge) continue;
    const n = r.node;
    const id = Number(childText(n, "wp:post_id"));
    const type = childText(n, "wp:post_type").trim();
    if (type === "attachment" && Number.isInteger(id) && id > 0) {
      const meta = metaOf(n);
      const url = childText(n, "wp:attachment_url").trim() || childText(n, "guid").trim();
      const a: Attachment = {
        id,
        url,
        link: childText(n, "link").trim(),
        file: meta.get("_wp_attached_file")?.trim() || undefined,
        alt: meta.get("_wp_attachment_image_alt")?.trim() ?? "",
        caption: htmlToText(childText(n, "excerpt:encoded")),
        title: htmlToText(childText(n, "title")),
        parent: Number(childText(n, "wp:post_parent")) || 0,
      };
      s.attachments.set(id, a);
      const k = uploadKey(url) ?? (a.file ? a.file.replace(/-\d+x\d+(?=\.\w+$)/, "") : undefined);
      if (k && !s.attachmentByUpload.has(k)) s.attachmentByUpload.set(k, id);
      if (a.file && !s.attachmentByUpload.has(a.file)) s.attachmentByUpload.set(a.file, id);
    }
    if ((type === "post" || type === "page" || type === "attachment") && Number.isInteger(id) && id > 0) {
      const key = `${type === "attachment" ? "attachment" : type}:${id}`;
      const oldLink = legacyKey(childText(n, "link").trim());
      if (oldLink) s.oldAddresses.set(oldLink, key);
      s.oldAddresses.set(
        `/?${type === "page" ? "page_id" : type === "attachment" ? "attachment_id" : "p"}=${id}`,
        key,
      );
      const h = hostOf(childText(n, "link").trim());
      if (h && type !== "attachment") s.hosts.add(h);
    }
  }
  if (!s.version)
    throw new WpImportError(
      "not a WordPress export: it has no <wp:wxr_version>. Export again from Tools → Export in WordPress (WXR 1.0–1.2)",
    );
  if (!/^1\.[0-2]$/.test(s.version))
    throw new WpImportError(
      `WXR version "${s.version.slice(0, 20)}" is not one Gazette reads (1.0, 1.1 or 1.2): export again from Tools → Export in WordPress`,
    );
  s.siteUrl = (s.siteUrl || blogUrl || link).replace(/\/+$/, "");
  for (const u of [s.siteUrl, blogUrl, link]) {
    const h = u && hostOf(u);
    if (h) s.hosts.add(h);
  }
  s.fingerprint = await sha256File(file);
  return s;
}

/** What the file's items become, one run. */
class Importer {
  readonly counts: Record<WpItemStatus, number> = {
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

  /** Media rows this run made (an attachment a post brought in before its own item came). */
  private readonly createdThisRun = new Set<string>();
  /** Pictures stored (files) this batch, by attachment id or address. */
  private stored = new Map<string, Promise<PreparedMedia | undefined>>();

  constructor(
    private readonly opts: WpImportOptions,
    private readonly s: Scan,
  ) {
    this.source = `wordpress:${s.siteUrl || "no-address"}`;
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
    for (const login of this.authorSlugs.keys())
      if (!this.s.authors.has(login)) this.authorSlugs.delete(login);
  }

  /** Pictures of a committed batch are found through import_items from now on. */
  endBatch(): void {
    this.stored.clear();
  }

  unresolvedList(): string[] {
    return [...this.unresolved];
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  private note(line: string): void {
    if (this.unresolved.size < 10_000) this.unresolved.add(line);
  }

  // ---- authors and terms -------------------------------------------------

  /** Author profiles for every author of the export (no logins), and their old /author/ pages. */
  async authors(): Promise<Map<string, string>> {
    const slugs = new Map<string, string>();
    for (const a of this.s.authors.values()) {
      const slug = await this.opts.db.transaction().execute((trx) => this.author(trx, a.login, a.name));
      slugs.set(a.login, slug);
      if (!a.email)
        this.note(`author ${a.login} (${a.name}) has no email address: link a newsroom account by hand`);
    }
    return slugs;
  }

  /** An author profile for a WordPress login (on `db`: the caller's transaction). */
  private async author(db: Db, login: string, name: string): Promise<string> {
    const key = `author:${login}`;
    const known = await importedItem(db, this.source, key);
    if (known) {
      const row = await authorById(db, known.targetId);
      if (row) return row.slug;
    }
    const slug = slugify(name, 100) === "story" ? slugify(login, 100) : slugify(name, 100);
    const a = await upsertAuthor(db, { slug, name: name.slice(0, 200) });
    await recordImportedItem(
      db,
      this.source,
      key,
      { kind: "author", targetId: a.id, contentHash: "", targetRevision: null, linksPending: false },
      this.now(),
    );
    await saveLegacyUrl(
      db,
      `/author/${encodeURIComponent(login).toLowerCase()}`,
      { kind: "author", ref: a.slug },
      this.source,
    );
    return a.slug;
  }

  private authorSlugs = new Map<string, string>();

  setAuthorSlugs(m: Map<string, string>): void {
    this.authorSlugs = m;
  }

  private async authorFor(db: Db, login: string): Promise<string | undefined> {
    if (!login) return undefined;
    const known = this.authorSlugs.get(login);
    if (known) return known;
    this.note(`author ${login} is not in the export's author list: a profile was made from the login name`);
    const slug = await this.author(db, login, login);
    this.authorSlugs.set(login, slug);
    return slug;
  }

  /** Sections known to exist (made or found this run). */
  private readonly sections = new Set<string>();

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
    const rel = a.file ?? uploadKey(a.url);
    const label = `attachment ${a.id} (${rel ?? a.url})`;
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
      `${label}: not found${this.opts.uploadsDir ? ` in ${this.opts.uploadsDir}` : ""}${this.opts.fetchMedia ? "" : " (give --uploads DIR or --fetch-media)"}`,
    );
    return undefined;
  }

  private async download(url: string, label: string): Promise<Buffer | undefined> {
    const { timeoutMs, maxBytes } = this.opts.fetchMedia!;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
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
  private prepareAttachment(id: number): Promise<PreparedMedia | undefined> {
    const k = `attachment:${id}`;
    let p = this.stored.get(k);
    if (!p) {
      p = (async () => {
        if (await importedItem(this.opts.db, this.source, k)) return { kind: "known", key: k } as const;
        const a = this.s.attachments.get(id);
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
        const upload = uploadKey(src);
        const host = hostOf(src);
        const onOldSite = host ? this.s.hosts.has(host) : src.startsWith("/");
        if (upload) {
          const id = this.s.attachmentByUpload.get(upload);
          if (id) return this.prepareAttachment(id);
        }
        if (await importedItem(this.opts.db, this.source, k)) return { kind: "known", key: k } as const;
        if (onOldSite && upload) {
          const data = await this.attachmentBytes({
            id: 0,
            url: /^https?:/i.test(src) ? src : `${this.s.siteUrl}${src}`,
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
    if (ref.attachmentId && this.s.attachments.has(ref.attachmentId))
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
    if (!host || !this.s.hosts.has(host)) return { href, pending: false };
    const upload = uploadKey(href);
    if (upload) {
      const id = this.s.attachmentByUpload.get(upload);
      const known = id ? await importedItem(db, this.source, `attachment:${id}`) : undefined;
      const file = known ? await this.fileOf(db, known) : undefined;
      if (file) return { href: `${this.baseUrl}/media/${file}`, pending: false };
      if (!id) this.note(`link to ${href.slice(0, 200)}: the file is not in the export`);
      return { href, pending: !!id };
    }
    const old = legacyKey(href.replace(/^https?:\/\/[^/]+/i, "") || "/");
    const key = old ? this.s.oldAddresses.get(old) : undefined;
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

  /** Everything slow about an item (files, pictures), before its transaction. */
  async prepare(node: WxrNode, line: number): Promise<Prepared> {
    const id = Number(childText(node, "wp:post_id"));
    const type = childText(node, "wp:post_type").trim() || "post";
    const title = htmlToText(childText(node, "title")).slice(0, 300);
    if (!Number.isInteger(id) || id <= 0)
      return {
        kind: "done",
        result: {
          key: `line:${line}`,
          title,
          status: "error",
          error: `the item at line ${line} has no <wp:post_id> in WordPress's namespace (http://wordpress.org/export/1.x/)`,
        },
      };
    const key = `${type === "attachment" ? "attachment" : type}:${id}`;
    if (type === "attachment") {
      return { kind: "attachment", key, id, title, media: await this.prepareAttachment(id) };
    }
    if (type !== "post" && type !== "page")
      return {
        kind: "done",
        result: { key, title, status: "skipped", reason: `post type "${type}" is not imported` },
      };
    const wpStatus = childText(node, "wp:status").trim();
    if (["trash", "auto-draft", "inherit"].includes(wpStatus))
      return {
        kind: "done",
        result: { key, title, status: "skipped", reason: `WordPress status "${wpStatus}"` },
      };
    const body = wordpressBody(childText(node, "content:encoded"));
    const pictures = new Map<WpBlock & { type: "wp-image" }, PreparedMedia | undefined>();
    for (const b of body.blocks) if (b.type === "wp-image") pictures.set(b, await this.prepareImage(b.ref));
    const meta = metaOf(node);
    const thumb = Number(meta.get("_thumbnail_id") ?? 0);
    const hero = thumb > 0 ? await this.prepareAttachment(thumb) : undefined;
    if (thumb > 0 && !this.s.attachments.has(thumb))
      this.note(`${key} (${title}): its featured image (attachment ${thumb}) is not in the export`);
    const hash = crypto
      .createHash("sha256")
      .update(MAPPING_VERSION)
      .update(JSON.stringify(node))
      .digest("hex");
    return {
      kind: type === "page" ? "page" : "post",
      key,
      id,
      title,
      node,
      meta,
      body,
      pictures,
      hero,
      hash,
    };
  }

  /** Writes one prepared item (inside the batch's transaction). */
  async write(db: Db, p: Prepared): Promise<WpItemResult> {
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
    const notes = [...p.body.notes];
    // Pictures: rows for those found, out for those not.
    const blocks: Block[] = [];
    for (const b of p.body.blocks) {
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
    for (const n of notes) this.note(`${p.key} (${p.title || "untitled"}): ${n}`);
    if (p.kind === "page") return this.writePage(db, p, linked.blocks, linked.pending, notes);
    const heroRow = p.hero ? await this.mediaRow(db, p.hero) : undefined;
    const heroId = heroRow?.kind === "image" ? heroRow.id : undefined;
    // A featured image that the post also shows in its text (as WordPress themes print both): once, at the top.
    const again = heroId ? linked.blocks.findIndex((b) => b.type === "image" && b.imageId === heroId) : -1;
    const body = again >= 0 ? linked.blocks.filter((_, i) => i !== again) : linked.blocks;
    return this.writePost(db, p, body, linked.pending, heroId, notes);
  }

  private async writePage(
    db: Db,
    p: PreparedPost,
    body: Block[],
    pending: boolean,
    notes: string[],
  ): Promise<WpItemResult> {
    const n = p.node;
    const wpStatus = childText(n, "wp:status").trim();
    if (wpStatus !== "publish")
      return {
        key: p.key,
        title: p.title,
        status: "skipped",
        reason: `a ${wpStatus || "unpublished"} page: site pages are always public, so only published pages come in`,
      };
    const before = await importedItem(db, this.source, p.key);
    if (before && before.contentHash === p.hash) return { key: p.key, title: p.title, status: "unchanged" };
    let slug = slugify(decodeURIComponentSafe(childText(n, "wp:post_name")) || p.title, 100);
    const existingPage = before ? await pageById(db, before.targetId) : undefined;
    if (existingPage) slug = existingPage.slug;
    else
      for (let i = 2; await pageBySlug(db, slug); i++) {
        slug = `${slugify(decodeURIComponentSafe(childText(n, "wp:post_name")) || p.title, 90)}-${i}`;
        if (i === 2)
          notes.push(`a page "${slug.replace(/-2$/, "")}" exists already: this one is /about/${slug}`);
      }
    const id = await upsertPage(db, { slug, title: p.title || slug, body }, this.now());
    await recordImportedItem(
      db,
      this.source,
      p.key,
      { kind: "page", targetId: id, contentHash: p.hash, targetRevision: null, linksPending: pending },
      this.now(),
    );
    for (const k of [legacyKey(childText(n, "link").trim()), `/?page_id=${p.id}`])
      if (k && k !== "/") await saveLegacyUrl(db, k, { kind: "page", ref: slug }, this.source);
    return {
      key: p.key,
      title: p.title,
      status: before ? "updated" : "created",
      url: `/about/${slug}`,
      ...(notes.length ? { notes } : {}),
    };
  }

  private async writePost(
    db: Db,
    p: PreparedPost,
    body: Block[],
    pending: boolean,
    heroImageId: number | undefined,
    notes: string[],
  ): Promise<WpItemResult> {
    const n = p.node;
    const before = await importedItem(db, this.source, p.key);
    const existing = before ? await storyById(db, before.targetId) : undefined;
    let storyStatus: WpItemStatus | undefined;
    let storyId: number;
    /** The public path when readers see the story now (found without a query when just saved). */
    let url: string | undefined;
    if (existing && before!.contentHash === p.hash) {
      storyStatus = "unchanged";
      storyId = existing.id;
    } else if (existing && before!.targetRevision !== null && existing.revision !== before!.targetRevision) {
      storyStatus = "skipped";
      storyId = existing.id;
      notes.push(`edited in Gazette since it was imported (revision ${existing.revision}); not overwritten`);
    } else {
      const input = await this.storyInput(db, p, body, heroImageId, notes, existing);
      const saved = await saveStory(db, input, {
        ...(existing ? { id: existing.id } : {}),
        now: this.now(),
        actor: { userId: null, name: "WordPress import" },
        note: existing ? "Updated from the WordPress export" : "Imported from WordPress",
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
      if (childText(n, "wp:comment_status").trim() === "closed")
        await setStoryComments(db, storyId, { mode: "closed" });
      await recordImportedItem(
        db,
        this.source,
        p.key,
        {
          kind: "story",
          targetId: storyId,
          contentHash: p.hash,
          targetRevision: saved.revision,
          linksPending: pending,
        },
        this.now(),
      );
      for (const k of [legacyKey(childText(n, "link").trim()), `/?p=${p.id}`])
        if (k && k !== "/") await saveLegacyUrl(db, k, { kind: "story", ref: String(storyId) }, this.source);
      storyStatus = existing ? "updated" : "created";
    }
    const comments = await this.writeComments(db, p, storyId);
    if (storyStatus !== "created" && storyStatus !== "updated")
      url = await visiblePathById(db, storyId, this.now().toISOString());
    return {
      key: p.key,
      title: p.title,
      status: storyStatus,
      ...(url ? { url } : {}),
      ...(storyStatus === "skipped" ? { reason: notes.at(-1) } : {}),
      ...(notes.length && storyStatus !== "skipped" ? { notes } : {}),
      ...(comments.created + comments.unchanged + comments.skipped ? { comments } : {}),
    };
  }

  private async storyInput(
    db: Db,
    p: PreparedPost,
    body: Block[],
    heroImageId: number | undefined,
    notes: string[],
    existing: Story | undefined,
  ): Promise<StoryInput> {
    const n = p.node;
    const wpStatus = childText(n, "wp:status").trim() || "publish";
    const date =
      wpDate(childText(n, "wp:post_date_gmt")) ??
      wpDate(childText(n, "wp:post_date")) ??
      rfcDate(childText(n, "pubDate"));
    if (!date) notes.push("no valid date (post_date_gmt, post_date, pubDate): dated at the import");
    else if (!wpDate(childText(n, "wp:post_date_gmt")))
      notes.push(
        wpDate(childText(n, "wp:post_date"))
          ? "no GMT date: its local date was read as UTC"
          : "no valid post_date: dated by its RSS pubDate",
      );
    const modified = wpDate(childText(n, "wp:post_modified_gmt"));
    const password = childText(n, "wp:post_password").trim();
    let status: StoryStatus;
    let scheduledAt: string | undefined;
    switch (wpStatus) {
      case "publish":
        status = password ? "unpublished" : "published";
        if (password) notes.push("password-protected on WordPress: imported unpublished");
        break;
      case "future":
        if (date && date > this.now().toISOString()) {
          status = "scheduled";
          scheduledAt = date;
        } else {
          status = "published";
          notes.push("was scheduled for a time now past: imported published");
        }
        break;
      case "pending":
        status = "review";
        break;
      case "private":
        status = "unpublished";
        break;
      default:
        status = "draft";
    }
    // Section: the primary category (Yoast's, else the first), topics: the tags and the other categories.
    const cats = childrenOf(n, "category").filter((c) => (c.attrs["domain"] ?? "category") === "category");
    const tags = childrenOf(n, "category").filter((c) => c.attrs["domain"] === "post_tag");
    const primaryId = Number(meta(p, "_yoast_wpseo_primary_category") ?? 0);
    const primarySlug = primaryId
      ? [...this.s.categories.entries()].find(([, c]) => c.termId === primaryId)?.[0]
      : undefined;
    const primary = cats.find((c) => c.attrs["nicename"] === primarySlug) ?? cats[0];
    let sectionSlug: string;
    if (existing) sectionSlug = existing.section.slug;
    else if (primary) {
      const slug = primary.attrs["nicename"] || slugify(primary.text);
      sectionSlug = await this.section(
        db,
        slug,
        htmlToText(primary.text) || this.s.categories.get(slug)?.name || slug,
      );
    } else sectionSlug = await this.section(db, this.defaultSection.slug, this.defaultSection.name);
    const topicNames = [
      ...tags.map((t) => htmlToText(t.text) || t.attrs["nicename"] || ""),
      ...cats.filter((c) => c !== primary).map((c) => htmlToText(c.text) || c.attrs["nicename"] || ""),
    ]
      .map((t) => t.trim().slice(0, 120))
      .filter(Boolean);
    const uniqueTopics = [...new Map(topicNames.map((t) => [slugify(t, 100), t])).values()];
    if (uniqueTopics.length > 12)
      notes.push(`${uniqueTopics.length} tags and categories: the first 12 became topics`);
    const authorSlug = await this.authorFor(db, childText(n, "dc:creator").trim());
    const excerpt = htmlToText(childText(n, "excerpt:encoded"));
    let headline = p.title;
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
    const rawSlug = slugify(decodeURIComponentSafe(childText(n, "wp:post_name")), 100);
    return {
      headline,
      ...(rawSlug !== "story" ? { slug: rawSlug } : {}),
      summary: excerpt ? [cut(excerpt, 500)] : [],
      body,
      ...(heroImageId ? { heroImageId } : {}),
      sectionSlug,
      topicNames: uniqueTopics.slice(0, 12),
      authorSlugs: authorSlug ? [authorSlug] : [],
      status,
      ...(date && (status === "published" || status === "unpublished") ? { firstPublishedAt: date } : {}),
      ...(scheduledAt ? { scheduledAt } : {}),
      ...(modified && date && modified >= date ? { updatedAt: modified } : date ? { updatedAt: date } : {}),
      ...(existing ? { ...pickNewsroom(existing) } : {}),
    };
  }

  private readerKeys = new Map<string, number>();

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
    const r = await createReader(
      db,
      {
        email: `wp-${hash}@imported.invalid`,
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
    p: PreparedPost,
    storyId: number,
  ): Promise<{ created: number; unchanged: number; skipped: number }> {
    const c = { created: 0, unchanged: 0, skipped: 0 };
    const ours = new Map<string, { id: number; depth: number; parent: number | null }>();
    for (const node of childrenOf(p.node, "wp:comment")) {
      const cid = childText(node, "wp:comment_id").trim();
      const key = `comment:${p.id}:${cid}`;
      const approved = childText(node, "wp:comment_approved").trim();
      const type = childText(node, "wp:comment_type").trim();
      if (
        !cid ||
        type === "pingback" ||
        type === "trackback" ||
        approved === "spam" ||
        approved === "trash"
      ) {
        c.skipped++;
        continue;
      }
      const status = approved === "1" ? "approved" : "pending";
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
      const body = htmlToBlocks(
        childText(node, "wp:comment_content")
          .replace(/\r\n?/g, "\n")
          .replace(/\n\s*\n/g, "</p><p>"),
      )
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
      const parentCid = childText(node, "wp:comment_parent").trim();
      let parent = parentCid && parentCid !== "0" ? ours.get(parentCid) : undefined;
      if (!parent && parentCid && parentCid !== "0") {
        const pk = await importedItem(db, this.source, `comment:${p.id}:${parentCid}`);
        const prow = pk ? await commentById(db, pk.targetId) : undefined;
        if (prow) parent = { id: prow.id, depth: prow.depth, parent: prow.parentId };
      }
      // Gazette's threads go three replies deep: a deeper reply joins its parent's thread.
      while (parent && parent.depth >= 3 && parent.parent !== null) {
        const up = await commentById(db, parent.parent);
        parent = up ? { id: up.id, depth: up.depth, parent: up.parentId } : undefined;
      }
      const readerId = await this.commenter(
        db,
        htmlToText(childText(node, "wp:comment_author")) || "Reader",
        childText(node, "wp:comment_author_email").trim(),
      );
      const at = wpDate(childText(node, "wp:comment_date_gmt")) ?? wpDate(childText(node, "wp:comment_date"));
      const row = await insertComment(
        db,
        {
          storyId,
          readerId,
          parentId: parent?.id ?? null,
          depth: parent ? parent.depth + 1 : 0,
          body,
          status,
          holdReasons: status === "pending" ? ["awaiting moderation on WordPress"] : [],
          staff: false,
        },
        at ? new Date(at) : this.now(),
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
   * The old category and tag archives (/category/parent/child/, /tag/x/)
   * answer with the section or topic they became, once the items are in.
   */
  async termAddresses(): Promise<void> {
    const db = this.opts.db;
    const pathOf = (slug: string): string => {
      const parts: string[] = [];
      for (let at: string | undefined = slug; at && parts.length < 10; at = this.s.categories.get(at)?.parent)
        parts.unshift(encodeURIComponent(decodeURIComponentSafe(at)).toLowerCase());
      return `/category/${parts.join("/")}`;
    };
    await db.transaction().execute(async (trx) => {
      for (const [slug, c] of this.s.categories) {
        const asSection = slugify(decodeURIComponentSafe(slug), 100);
        const target = (await sectionBySlug(trx, asSection))
          ? { kind: "section" as const, ref: asSection }
          : (await topicBySlug(trx, slugify(c.name, 100)))
            ? { kind: "topic" as const, ref: slugify(c.name, 100) }
            : undefined;
        if (target) await saveLegacyUrl(trx, pathOf(slug), target, this.source);
      }
      for (const [slug, name] of this.s.tags) {
        const topic = slugify(name, 100);
        if (await topicBySlug(trx, topic))
          await saveLegacyUrl(
            trx,
            `/tag/${encodeURIComponent(decodeURIComponentSafe(slug)).toLowerCase()}`,
            { kind: "topic", ref: topic },
            this.source,
          );
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
              actor: { userId: null, name: "WordPress import" },
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

type PreparedMedia =
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
  key: string;
  id: number;
  title: string;
  node: WxrNode;
  meta: Map<string, string>;
  body: { blocks: WpBlock[]; notes: string[] };
  pictures: Map<WpBlock, PreparedMedia | undefined>;
  hero: PreparedMedia | undefined;
  hash: string;
}

type Prepared =
  | { kind: "done"; result: WpItemResult }
  | { kind: "attachment"; key: string; id: number; title: string; media: PreparedMedia | undefined }
  | PreparedPost;

function meta(p: PreparedPost, key: string): string | undefined {
  return p.meta.get(key);
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const s = text.slice(0, max - 1);
  const at = s.lastIndexOf(" ");
  return `${(at > max / 2 ? s.slice(0, at) : s).trimEnd()}…`;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s.trim());
  } catch {
    return s.trim();
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
 * Imports a WXR file. Resolves to the report; throws WpImportError (or
 * WxrError) for a file that cannot be imported at all, having written nothing.
 */
export async function importWordpress(file: string, opts: WpImportOptions): Promise<WpImportReport> {
  const maxChars = opts.maxPostChars ?? 32 * 1024 * 1024;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new WpImportError("no such file");
  }
  if (stat.isDirectory()) throw new WpImportError("is a folder; name the .xml file WordPress exported");
  if (opts.uploadsDir && !fs.existsSync(opts.uploadsDir))
    throw new WpImportError(
      `--uploads: no folder ${opts.uploadsDir} (a copy of the old site's wp-content/uploads)`,
    );
  const s = await scan(file, maxChars);
  const im = new Importer(opts, s);
  const db = opts.db;
  const { run, resumed } = await startImportRun(
    db,
    { source: im.sourceName, file: path.resolve(file), fingerprint: s.fingerprint, total: s.items },
    opts.now?.() ?? new Date(),
  );
  if (resumed) Object.assign(im.counts, await importRunCounts(db, run.id));
  im.setAuthorSlugs(await im.authors());
  const batchSize = opts.batchSize ?? 10;
  let index = 0;
  let batch: { prepared: Prepared }[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const done = index;
    let results: WpItemResult[];
    try {
      results = await db.transaction().execute(async (trx) => {
        const out: WpItemResult[] = [];
        for (const b of batch) out.push(await im.write(trx, b.prepared));
        const counts = { ...im.counts };
        for (const r of out) counts[r.status]++;
        await advanceImportRun(trx, run.id, done, counts);
        return out;
      });
    } catch {
      // One item failed: again one at a time, so only that one is lost.
      im.afterRollback();
      results = [];
      for (const b of batch) {
        try {
          results.push(await db.transaction().execute((trx) => im.write(trx, b.prepared)));
        } catch (err) {
          im.afterRollback();
          const key = b.prepared.kind === "done" ? b.prepared.result.key : b.prepared.key;
          results.push({
            key,
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
      await advanceImportRun(db, run.id, done, counts);
    }
    for (const r of results) {
      im.counts[r.status]++;
      opts.onItem?.(r);
    }
    batch = [];
    im.endBatch();
    opts.onProgress?.(done, s.items);
  };
  for await (const r of readWxr(file, { maxItemChars: maxChars })) {
    if (r.type !== "item") continue;
    index++;
    if (index <= run.position) continue;
    if (r.tooLarge) {
      batch.push({
        prepared: {
          kind: "done",
          result: {
            key: `${childText(r.node, "wp:post_type").trim() || "post"}:${childText(r.node, "wp:post_id").trim() || `line ${r.line}`}`,
            status: "error",
            error: `the item at line ${r.line} has ${(r.bytes / 1048576).toFixed(1)} MB of text, over the limit of ${(maxChars / 1048576).toFixed(1)} MB; not imported (raise --max-post-mb to take it)`,
          },
        },
      });
    } else batch.push({ prepared: await im.prepare(r.node, r.line) });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  await im.fixPendingLinks();
  await im.termAddresses();
  await im.noteMissingAlt();
  await finishImportRun(db, run.id, "done", im.counts, opts.now?.() ?? new Date());
  return {
    file,
    source: im.sourceName,
    wxrVersion: s.version,
    items: s.items,
    ...(resumed ? { resumedAfter: run.position } : {}),
    counts: im.counts,
    comments: im.comments,
    unresolved: im.unresolvedList(),
  };
}

export { WxrError };
