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
import fs from "node:fs";
import crypto from "node:crypto";
import type { StoryStatus } from "../../content/model.ts";
import { slugify } from "../../content/slug.ts";
import { legacyKey } from "../../store/import-store.ts";
import {
  type ArchiveComment,
  type ArchiveIndex,
  type ArchivePost,
  type Attachment,
  type ImportOptions,
  type ImportReport,
  type ItemResult,
  type ItemStatus,
  type Prepared,
  ArchiveImporter,
  decodeURIComponentSafe,
  hostOf,
  runArchiveImport,
  sha256File,
} from "../archive-importer.ts";
import { htmlToText } from "../html-to-blocks.ts";
import { wordpressBody } from "./wp-body.ts";
import { type WxrNode, WxrError, childText, childrenOf, readWxr } from "./wxr-reader.ts";

/** Bumped when the mapping changes: items imported by an older mapping then count as changed. */
const MAPPING_VERSION = "1";

export type WpItemStatus = ItemStatus;
export type WpItemResult = ItemResult;
export type WpImportOptions = ImportOptions;
export interface WpImportReport extends ImportReport {
  wxrVersion: string;
}

/** A file that cannot be imported at all: nothing was written. */
export class WpImportError extends Error {}

interface Scan extends ArchiveIndex {
  version: string;
  categories: Map<string, { name: string; termId: number; parent: string }>;
  tags: Map<string, string>;
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

/** Pass 1: proves the file and indexes what pass 2 needs to look up. Writes nothing. */
async function scan(file: string, maxChars: number): Promise<Scan> {
  const s: Scan = {
    source: "",
    label: "WordPress",
    version: "",
    siteUrl: "",
    hosts: new Set(),
    authors: new Map(),
    categories: new Map(),
    tags: new Map(),
    uploadKey,
    mediaHint: "give --uploads DIR or --fetch-media",
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
        key: login,
        oldPath: `/author/${encodeURIComponent(login).toLowerCase()}`,
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
  s.source = `wordpress:${s.siteUrl || "no-address"}`;
  s.fingerprint = await sha256File(file);
  return s;
}

/** What the file's items become, one run. */
/** A WordPress comment as the writer takes it: spam, trash and pingbacks skipped. */
function wpComments(n: WxrNode): ArchiveComment[] {
  return childrenOf(n, "wp:comment").map((node) => {
    const approved = childText(node, "wp:comment_approved").trim();
    const type = childText(node, "wp:comment_type").trim();
    const skipped =
      type === "pingback" || type === "trackback" || approved === "spam" || approved === "trash";
    return {
      id: childText(node, "wp:comment_id").trim(),
      parentId: childText(node, "wp:comment_parent").trim(),
      status: skipped ? "skipped" : approved === "1" ? "approved" : "pending",
      author: htmlToText(childText(node, "wp:comment_author")),
      email: childText(node, "wp:comment_author_email").trim(),
      html: childText(node, "wp:comment_content"),
      at: wpDate(childText(node, "wp:comment_date_gmt")) ?? wpDate(childText(node, "wp:comment_date")),
    };
  });
}

/** A post or page of the export in Gazette's terms: status, dates, section, topics, author. */
function wpPost(
  s: Scan,
  node: WxrNode,
  key: string,
  id: number,
  title: string,
  meta: Map<string, string>,
  now: Date,
): ArchivePost {
  const n = node;
  const kind = key.startsWith("page:") ? "page" : "post";
  const notes: string[] = [];
  const wpStatus = childText(n, "wp:status").trim();
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
  const password = childText(n, "wp:post_password").trim();
  let status: StoryStatus;
  let scheduledAt: string | undefined;
  switch (wpStatus || "publish") {
    case "publish":
      status = password && kind === "post" ? "unpublished" : "published";
      if (password && kind === "post") notes.push("password-protected on WordPress: imported unpublished");
      break;
    case "future":
      if (date && date > now.toISOString()) {
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
  // A page is published only when WordPress says so (site pages are always public).
  if (kind === "page" && wpStatus !== "publish") status = "draft";
  // Section: the primary category (Yoast's, else the first), topics: the tags and the other categories.
  const cats = childrenOf(n, "category").filter((c) => (c.attrs["domain"] ?? "category") === "category");
  const tags = childrenOf(n, "category").filter((c) => c.attrs["domain"] === "post_tag");
  const primaryId = Number(meta.get("_yoast_wpseo_primary_category") ?? 0);
  const primarySlug = primaryId
    ? [...s.categories.entries()].find(([, c]) => c.termId === primaryId)?.[0]
    : undefined;
  const primary = cats.find((c) => c.attrs["nicename"] === primarySlug) ?? cats[0];
  const primaryTermSlug = primary ? primary.attrs["nicename"] || slugify(primary.text) : undefined;
  const modified = wpDate(childText(n, "wp:post_modified_gmt"));
  const thumb = Number(meta.get("_thumbnail_id") ?? 0);
  const body = wordpressBody(childText(n, "content:encoded"));
  if (thumb > 0 && !s.attachments.has(thumb))
    body.notes.push(`its featured image (attachment ${thumb}) is not in the export`);
  const login = childText(n, "dc:creator").trim();
  return {
    kind,
    key,
    title,
    slug: childText(n, "wp:post_name"),
    status,
    sourceStatus: wpStatus,
    scheduledAt,
    publishedAt: date,
    updatedAt: modified,
    excerpt: htmlToText(childText(n, "excerpt:encoded")),
    section:
      primary && primaryTermSlug
        ? {
            slug: primaryTermSlug,
            name: htmlToText(primary.text) || s.categories.get(primaryTermSlug)?.name || primaryTermSlug,
          }
        : undefined,
    topics: [
      ...tags.map((t) => htmlToText(t.text) || t.attrs["nicename"] || ""),
      ...cats.filter((c) => c !== primary).map((c) => htmlToText(c.text) || c.attrs["nicename"] || ""),
    ],
    authors: login ? [login] : [],
    commentsClosed: childText(n, "wp:comment_status").trim() === "closed",
    comments: kind === "post" ? wpComments(n) : [],
    oldAddresses: [
      legacyKey(childText(n, "link").trim()),
      `/?${kind === "page" ? "page_id" : "p"}=${id}`,
    ].filter((k): k is string => !!k),
    body,
    hero: thumb > 0 ? { attachmentId: thumb } : undefined,
    notes: kind === "post" ? notes : [],
    hash: crypto.createHash("sha256").update(MAPPING_VERSION).update(JSON.stringify(node)).digest("hex"),
  };
}

/** Everything slow about an item (files, pictures), before its transaction. */
async function prepare(im: ArchiveImporter, s: Scan, node: WxrNode, line: number): Promise<Prepared> {
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
  if (type === "attachment")
    return { kind: "attachment", key, id, title, media: await im.prepareAttachment(id) };
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
  return im.preparePost(wpPost(s, node, key, id, title, metaOf(node), im.now()));
}

/** The old category and tag archives: /category/parent/child/ → the section, /tag/x/ → the topic. */
function termAddresses(s: Scan): { oldPath: string; section?: string; topic?: string }[] {
  const pathOf = (slug: string): string => {
    const parts: string[] = [];
    for (let at: string | undefined = slug; at && parts.length < 10; at = s.categories.get(at)?.parent)
      parts.unshift(encodeURIComponent(decodeURIComponentSafe(at)).toLowerCase());
    return `/category/${parts.join("/")}`;
  };
  return [
    ...[...s.categories].map(([slug, c]) => ({ oldPath: pathOf(slug), section: slug, topic: c.name })),
    ...[...s.tags].map(([slug, name]) => ({
      oldPath: `/tag/${encodeURIComponent(decodeURIComponentSafe(slug)).toLowerCase()}`,
      topic: name,
    })),
  ];
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
  const im = new ArchiveImporter(opts, s);
  async function* items(after: number): AsyncIterable<Prepared> {
    let index = 0;
    for await (const r of readWxr(file, { maxItemChars: maxChars })) {
      if (r.type !== "item") continue;
      index++;
      if (index <= after) continue;
      if (r.tooLarge)
        yield {
          kind: "done",
          result: {
            key: `${childText(r.node, "wp:post_type").trim() || "post"}:${childText(r.node, "wp:post_id").trim() || `line ${r.line}`}`,
            status: "error",
            error: `the item at line ${r.line} has ${(r.bytes / 1048576).toFixed(1)} MB of text, over the limit of ${(maxChars / 1048576).toFixed(1)} MB; not imported (raise --max-post-mb to take it)`,
          },
        };
      else yield await prepare(im, s, r.node, r.line);
    }
  }
  const done = await runArchiveImport(im, { file, fingerprint: s.fingerprint, total: s.items }, items, () =>
    im.termAddresses(termAddresses(s)),
  );
  return {
    file,
    source: im.sourceName,
    wxrVersion: s.version,
    items: s.items,
    ...(done.resumedAfter !== undefined ? { resumedAfter: done.resumedAfter } : {}),
    counts: done.counts,
    comments: done.comments,
    unresolved: done.unresolved,
  };
}

export { WxrError };
