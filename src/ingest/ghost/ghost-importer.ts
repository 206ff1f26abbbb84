/**
 * `gazette import-ghost FILE.json`: a Ghost site (an export from Settings →
 * Advanced → Export content, Ghost 2 to 6) into Gazette, written by the same
 * writer as WordPress's archive (archive-importer.ts): resumable, keyed on
 * Ghost's post ids (a second run updates, never duplicates), old addresses
 * answering 301, a report per item and a list of what needs a person.
 *
 * The mapping: posts → stories (published / draft / scheduled; "sent", a
 * post that only went out as an email, → unpublished), pages → site pages
 * (published ones), the first public tag → the section and the other public
 * tags → topics (internal #tags are Ghost's own bookkeeping and are left
 * out), authors → author profiles in byline order, custom excerpt → the
 * summary, feature image with its alt text and caption → the hero,
 * visibility → who may read it (members → registered readers, paid and
 * tiers → subscribers). Pictures come from a copy of Ghost's content folder
 * (--content DIR, which holds images/) or are downloaded (--fetch-media).
 * Old addresses: /slug/ (Ghost's default permalink), /tag/x/, /author/x/.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Access, StoryStatus } from "../../content/model.ts";
import {
  type ArchiveIndex,
  type ArchivePost,
  type ImportOptions,
  type ImportReport,
  type Prepared,
  ArchiveImporter,
  hostOf,
  runArchiveImport,
  sha256File,
} from "../archive-importer.ts";
import { htmlToText } from "../html-to-blocks.ts";
import { ghostBody, withSiteUrl } from "./ghost-body.ts";
import { type GhostExport, type GhostPost, GhostExportError, readGhostExport } from "./ghost-export.ts";

/** Bumped when the mapping changes: items imported by an older mapping then count as changed. */
const MAPPING_VERSION = "1";

export interface GhostImportOptions extends ImportOptions {
  /** The old site's address, when the export does not say it (its settings `url`). */
  siteUrl?: string | undefined;
}

export interface GhostImportReport extends ImportReport {
  ghostVersion: string;
}

export { GhostExportError };

/** The file an address names in Ghost's content folder: "images/2024/05/pier.jpg" (resized copies → the original). */
export function ghostUploadKey(url: string): string | undefined {
  let p: string;
  try {
    p = decodeURIComponent(new URL(url, "http://x.invalid").pathname);
  } catch {
    return undefined;
  }
  const m = /\/content\/(images|media|files)\/(?:size\/w\d+(?:h\d+)?\/)?(?:format\/\w+\/)?(.+)$/.exec(p);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/** Who may read it: Ghost's visibility in Gazette's access levels. */
function accessOf(visibility: string, notes: string[]): Access | undefined {
  switch (visibility) {
    case "members":
      return { level: "registered", plans: [] };
    case "paid":
      return { level: "subscribers", plans: [] };
    case "tiers":
      notes.push(
        "for some of Ghost's tiers only: imported for all subscribers; choose the plans in the newsroom",
      );
      return { level: "subscribers", plans: [] };
    case "public":
    case "":
      return undefined;
    default:
      notes.push(
        `visibility "${visibility.slice(0, 40)}" is not one Gazette knows: imported for all subscribers`,
      );
      return { level: "subscribers", plans: [] };
  }
}

function ghostPost(x: GhostExport, p: GhostPost, siteUrl: string, now: Date): ArchivePost {
  const kind = p.type;
  const key = `${kind}:${p.id}`;
  const notes: string[] = [];
  let status: StoryStatus;
  let scheduledAt: string | undefined;
  switch (p.status) {
    case "published":
      status = "published";
      break;
    case "scheduled":
      if (p.publishedAt && p.publishedAt > now.toISOString()) {
        status = "scheduled";
        scheduledAt = p.publishedAt;
      } else {
        status = "published";
        notes.push("was scheduled for a time now past: imported published");
      }
      break;
    case "sent":
      status = "unpublished";
      notes.push("sent as an email only on Ghost, never on the site: imported unpublished");
      break;
    default:
      status = "draft";
  }
  // Site pages are public: a page Ghost kept for members stays out rather than opening up.
  const membersOnly = kind === "page" && p.visibility !== "public" && p.visibility !== "";
  if (kind === "page" && (p.status !== "published" || membersOnly)) status = "draft";
  // The first public tag is the section (Ghost's "primary tag"); internal #tags are left out.
  const tags = p.tagIds
    .map((id) => x.tags.get(id))
    .filter((t) => t && t.visibility !== "internal" && !t.name.startsWith("#"));
  const [primary, ...rest] = tags;
  const date = p.publishedAt ?? (status === "published" ? (p.createdAt ?? undefined) : undefined);
  const body = ghostBody({ lexical: p.lexical, mobiledoc: p.mobiledoc, html: p.html }, siteUrl);
  for (const id of p.authorIds)
    if (!x.users.has(id)) body.notes.push(`its author ${id} is not in the export's users`);
  const feature = p.featureImage ? withSiteUrl(p.featureImage, siteUrl) : undefined;
  return {
    kind,
    key,
    title: p.title.slice(0, 300),
    slug: p.slug,
    status,
    sourceStatus: membersOnly ? `${p.visibility}-only` : p.status,
    scheduledAt,
    publishedAt: date,
    updatedAt: p.updatedAt ?? undefined,
    excerpt: p.excerpt.trim(),
    section: primary ? { slug: primary.slug, name: primary.name || primary.slug } : undefined,
    topics: rest.map((t) => t!.name || t!.slug),
    authors: p.authorIds.filter((id) => x.users.has(id)),
    access: kind === "post" ? accessOf(p.visibility, notes) : undefined,
    commentsClosed: false,
    comments: [],
    oldAddresses: [`/${encodeURIComponent(p.slug).toLowerCase()}`],
    body,
    hero: feature
      ? {
          src: feature,
          alt: p.featureImageAlt.trim(),
          caption: htmlToText(withSiteUrl(p.featureImageCaption, siteUrl)),
        }
      : undefined,
    notes: kind === "post" ? notes : [],
    hash: crypto.createHash("sha256").update(MAPPING_VERSION).update(JSON.stringify(p)).digest("hex"),
  };
}

/**
 * Imports a Ghost export. Resolves to the report; throws GhostExportError
 * for a file that cannot be imported at all, having written nothing.
 */
export async function importGhost(file: string, opts: GhostImportOptions): Promise<GhostImportReport> {
  const x = readGhostExport(file);
  if (opts.uploadsDir && !fs.statSync(path.join(opts.uploadsDir, "images"), { throwIfNoEntry: false }))
    throw new GhostExportError(
      `--content: ${opts.uploadsDir} has no images folder; give Ghost's content folder (the one holding images/)`,
    );
  const siteUrl = (opts.siteUrl ?? x.siteUrl ?? "").replace(/\/+$/, "");
  const host = siteUrl ? hostOf(siteUrl) : undefined;
  const index: ArchiveIndex = {
    source: `ghost:${siteUrl || "no-address"}`,
    label: "Ghost",
    siteUrl,
    hosts: new Set(host ? [host] : []),
    authors: new Map(
      [...x.users.values()].map((u) => [
        u.id,
        {
          key: u.id,
          email: u.email,
          name: u.name || u.slug || u.id,
          oldPath: `/author/${encodeURIComponent(u.slug).toLowerCase()}`,
        },
      ]),
    ),
    attachments: new Map(),
    attachmentByUpload: new Map(),
    oldAddresses: new Map(
      x.posts.map((p) => [`/${encodeURIComponent(p.slug).toLowerCase()}`, `${p.type}:${p.id}`]),
    ),
    uploadKey: ghostUploadKey,
    mediaHint: "give --content DIR or --fetch-media",
    items: x.posts.length,
    fingerprint: await sha256File(file),
  };
  const im = new ArchiveImporter(opts, index);
  const now = opts.now?.() ?? new Date();
  async function* items(after: number): AsyncIterable<Prepared> {
    for (const p of x.posts.slice(after)) yield await im.preparePost(ghostPost(x, p, siteUrl, now));
  }
  const done = await runArchiveImport(
    im,
    { file, fingerprint: index.fingerprint, total: index.items },
    items,
    () =>
      im.termAddresses(
        [...x.tags.values()]
          .filter((t) => t.visibility !== "internal" && !t.name.startsWith("#"))
          .map((t) => ({
            oldPath: `/tag/${encodeURIComponent(t.slug).toLowerCase()}`,
            section: t.slug,
            topic: t.name || t.slug,
          })),
      ),
  );
  if (!siteUrl)
    done.unresolved.unshift(
      "the export does not say the old site's address: links to it were not recognised (give --site-url)",
    );
  return {
    file,
    source: im.sourceName,
    ghostVersion: x.version,
    items: index.items,
    ...(done.resumedAfter !== undefined ? { resumedAfter: done.resumedAfter } : {}),
    counts: done.counts,
    comments: done.comments,
    unresolved: done.unresolved,
  };
}
