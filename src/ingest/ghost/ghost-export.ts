/**
 * Reading a Ghost export (Settings → Advanced → Export, Ghost 2 to 6): the
 * JSON file's shape checked and normalised into what the importer needs —
 * posts and pages with their bodies, authors, tags in order, feature image
 * and its alt text and caption, visibility. The variations across versions
 * are handled here: `{db: [{meta, data}]}` or `{meta, data}`, `page` as a
 * flag (2.x) or `type` (3.x on), one `author_id` or `posts_authors`, the
 * feature image's alt and caption on the post or in `posts_meta`.
 *
 * A file that is not a Ghost export is refused with what is wrong (JSON
 * errors with line and column), before anything is written.
 */
import fs from "node:fs";
import { z } from "zod";

export class GhostExportError extends Error {}

export interface GhostPost {
  id: string;
  uuid: string | undefined;
  title: string;
  slug: string;
  type: "post" | "page";
  /** published | draft | scheduled | sent */
  status: string;
  /** public | members | paid | tiers */
  visibility: string;
  lexical: string | null;
  mobiledoc: string | null;
  html: string | null;
  excerpt: string;
  featureImage: string | null;
  featureImageAlt: string;
  featureImageCaption: string;
  publishedAt: string | null;
  updatedAt: string | null;
  createdAt: string | null;
  /** User ids, in byline order. */
  authorIds: string[];
  /** Tag ids, in order (the first is the primary tag). */
  tagIds: string[];
  canonicalUrl: string | null;
}

export interface GhostTag {
  id: string;
  name: string;
  slug: string;
  /** public | internal (internal tags start with #) */
  visibility: string;
  description: string;
}

export interface GhostUser {
  id: string;
  name: string;
  slug: string;
  email: string;
  bio: string;
}

export interface GhostExport {
  version: string;
  /** The site's address, when the export says it (settings `url`), else undefined. */
  siteUrl: string | undefined;
  posts: GhostPost[];
  tags: Map<string, GhostTag>;
  users: Map<string, GhostUser>;
}

const id = z.union([z.string(), z.number()]).transform(String);
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? "");
const optText = z
  .string()
  .nullish()
  .transform((v) => v ?? null);
/** Ghost 2 wrote times as milliseconds or ISO strings. */
const time = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => {
    if (v === null || v === undefined || v === "") return null;
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  });

const postSchema = z
  .object({
    id,
    uuid: z.string().nullish(),
    title: text,
    slug: z.string().min(1, "a post without a slug"),
    type: z.string().nullish(),
    page: z.union([z.boolean(), z.number()]).nullish(),
    status: text,
    visibility: text,
    lexical: optText,
    mobiledoc: optText,
    html: optText,
    custom_excerpt: optText,
    feature_image: optText,
    feature_image_alt: optText,
    feature_image_caption: optText,
    published_at: time,
    updated_at: time,
    created_at: time,
    author_id: id.nullish(),
    canonical_url: optText,
  })
  .loose();

const tagSchema = z
  .object({ id, name: text, slug: z.string().min(1), visibility: text, description: text })
  .loose();
const userSchema = z.object({ id: id.optional(), name: text, slug: text, email: text, bio: text }).loose();
const postsTagSchema = z.object({ post_id: id, tag_id: id, sort_order: z.number().nullish() }).loose();
const postsAuthorSchema = z.object({ post_id: id, author_id: id, sort_order: z.number().nullish() }).loose();
const metaSchema = z
  .object({ post_id: id, feature_image_alt: optText, feature_image_caption: optText })
  .loose();
const settingSchema = z.object({ key: z.string(), value: z.unknown() }).loose();

const dataSchema = z
  .object({
    posts: z.array(postSchema),
    tags: z.array(tagSchema).default([]),
    users: z.array(userSchema).default([]),
    posts_tags: z.array(postsTagSchema).default([]),
    posts_authors: z.array(postsAuthorSchema).default([]),
    posts_meta: z.array(metaSchema).default([]),
    settings: z.array(settingSchema).default([]),
  })
  .loose();

/**
 * Where JSON stops being JSON: the offset of the first syntax error (V8's
 * messages on Node 20 no longer give one). Only run on text JSON.parse refused.
 */
export function jsonErrorOffset(src: string): number {
  let i = 0;
  const ws = () => {
    while (i < src.length && " \t\n\r".includes(src[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const lit = (word: string) => {
    if (src.startsWith(word, i)) i += word.length;
    else fail();
  };
  const str = () => {
    i++;
    while (i < src.length && src[i] !== '"') {
      if (src.charCodeAt(i) < 0x20) fail();
      if (src[i] === "\\") {
        i++;
        if (src[i] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(src.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(src[i] ?? "")) fail();
      }
      i++;
    }
    if (src[i] !== '"') fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = src[i];
    if (c === "{") {
      i++;
      ws();
      if (src[i] === "}") return void i++;
      for (;;) {
        ws();
        if (src[i] !== '"') fail();
        str();
        ws();
        if (src[i] !== ":") fail();
        i++;
        value();
        ws();
        if (src[i] === ",") i++;
        else if (src[i] === "}") return void i++;
        else fail();
      }
    } else if (c === "[") {
      i++;
      ws();
      if (src[i] === "]") return void i++;
      for (;;) {
        value();
        ws();
        if (src[i] === ",") i++;
        else if (src[i] === "]") return void i++;
        else fail();
      }
    } else if (c === '"') str();
    else if (c === "t") lit("true");
    else if (c === "f") lit("false");
    else if (c === "n") lit("null");
    else {
      const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(src.slice(i, i + 400));
      if (!m) fail();
      i += m![0].length;
    }
  };
  try {
    value();
    ws();
    return i < src.length ? i : src.length;
  } catch (at) {
    return typeof at === "number" ? at : 0;
  }
}

/** Line and column of a character offset, for a JSON error. */
function lineColumn(source: string, offset: number): string {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < source.length; i++)
    if (source.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  return `line ${line}, column ${offset - last}`;
}

/** Parses and checks the export; throws GhostExportError saying what is wrong. */
export function parseGhostExport(source: string): GhostExport {
  if (!source.trim()) throw new GhostExportError("the file is empty");
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch {
    const at = jsonErrorOffset(source);
    const next = source.slice(at, at + 20).split(/\r?\n/)[0];
    const what =
      at >= source.length ? "the end of the file" : next ? `“${next}”` : "a line break (inside a string?)";
    throw new GhostExportError(`not JSON (${lineColumn(source, at)}): unexpected ${what}`);
  }
  const root = json as { db?: unknown; meta?: unknown; data?: unknown };
  const entry = Array.isArray(root?.db) ? (root.db[0] as typeof root) : root;
  const meta = (entry?.meta ?? {}) as { version?: unknown };
  if (!entry?.data || typeof entry.data !== "object")
    throw new GhostExportError(
      "not a Ghost export: no db[0].data (export again from Ghost's Settings → Advanced → Export content)",
    );
  const version = typeof meta.version === "string" ? meta.version : "";
  const major = Number(/^(\d+)\./.exec(version)?.[1] ?? NaN);
  if (!(major >= 2 && major <= 6))
    throw new GhostExportError(
      version
        ? `Ghost ${version.slice(0, 20)}: Gazette reads exports of Ghost 2 to 6`
        : "not a Ghost export: no meta.version (export again from Ghost's Settings → Advanced → Export content)",
    );
  const parsed = dataSchema.safeParse(entry.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new GhostExportError(`data.${issue.path.join(".")}: ${issue.message}`);
  }
  const d = parsed.data;
  const ordered = <T extends { post_id: string; sort_order?: number | null | undefined }>(rows: T[]) =>
    [...rows].sort((a, b) => (a.sort_order ?? 0) - (b.sort_order ?? 0));
  const tagsOf = new Map<string, string[]>();
  for (const r of ordered(d.posts_tags)) {
    const list = tagsOf.get(r.post_id) ?? [];
    list.push(r.tag_id);
    tagsOf.set(r.post_id, list);
  }
  const authorsOf = new Map<string, string[]>();
  for (const r of ordered(d.posts_authors)) {
    const list = authorsOf.get(r.post_id) ?? [];
    list.push(r.author_id);
    authorsOf.set(r.post_id, list);
  }
  const metaOf = new Map(d.posts_meta.map((m) => [m.post_id, m]));
  const urlSetting = d.settings.find((s) => s.key === "url")?.value;
  const posts: GhostPost[] = d.posts.map((p) => {
    const m = metaOf.get(p.id);
    return {
      id: p.id,
      uuid: p.uuid ?? undefined,
      title: p.title,
      slug: p.slug,
      type: p.type === "page" || p.page === true || p.page === 1 ? "page" : "post",
      status: p.status || "draft",
      visibility: p.visibility || "public",
      lexical: p.lexical,
      mobiledoc: p.mobiledoc,
      html: p.html,
      excerpt: p.custom_excerpt ?? "",
      featureImage: p.feature_image,
      featureImageAlt: m?.feature_image_alt ?? p.feature_image_alt ?? "",
      featureImageCaption: m?.feature_image_caption ?? p.feature_image_caption ?? "",
      publishedAt: p.published_at,
      updatedAt: p.updated_at,
      createdAt: p.created_at,
      authorIds: authorsOf.get(p.id) ?? (p.author_id ? [p.author_id] : []),
      tagIds: tagsOf.get(p.id) ?? [],
      canonicalUrl: p.canonical_url,
    };
  });
  return {
    version,
    siteUrl: typeof urlSetting === "string" && /^https?:\/\//.test(urlSetting) ? urlSetting : undefined,
    posts,
    tags: new Map(d.tags.map((t) => [t.id, { ...t, visibility: t.visibility || "public" }])),
    users: new Map(
      d.users.flatMap((u) =>
        u.id ? [[u.id, { id: u.id, name: u.name, slug: u.slug, email: u.email, bio: u.bio }] as const] : [],
      ),
    ),
  };
}

/** Reads the export file (at most `maxBytes`). */
export function readGhostExport(file: string, maxBytes = 1024 * 1024 * 1024): GhostExport {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new GhostExportError("no such file");
  }
  if (stat.isDirectory()) throw new GhostExportError("is a folder; name the .json file Ghost exported");
  if (stat.size > maxBytes)
    throw new GhostExportError(`is ${stat.size} bytes, over the ${maxBytes}-byte limit`);
  return parseGhostExport(fs.readFileSync(file, "utf8"));
}
