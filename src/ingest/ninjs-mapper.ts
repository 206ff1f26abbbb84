/**
 * IPTC ninjs item → Gazette story, as a pure function (no I/O): the
 * importer resolves media and writes. Both spellings are read: 3.x camelCase
 * (`versionCreated`) is folded to 2.x lower case (`versioncreated`) first.
 *
 * Mapping (IPTC ninjs 2.2 / 3.1 property → Gazette):
 *  headlines[role=main|first]            → headline
 *  descriptions[role≠caption]            → summary points (one per line or <li>)
 *  bodies[html|xhtml] else bodies[plain] → body blocks (allow-listed HTML)
 *  by → byline; located → dateline
 *  subjects, places, people, organisations (name) → topics
 *  pubstatus usable|withheld|canceled    → published|draft|unpublished
 *  firstcreated, versioncreated          → first published, updated
 *  embargoed (2.x) / embargoedUntil (3.x) → not visible before that time
 *  associations: the feature picture     → hero image (caption, credit)
 *                other pictures          → image blocks
 *                videos                  → a video block (the first), or the
 *                                           related-video module (name contains "related", or any further video)
 */
import { z } from "zod";
import type { Block, StoryInput, StoryStatus } from "../content/model.ts";
import {
  droppedTextWarnings,
  htmlToBlocks,
  htmlToBlocksReporting,
  htmlToText,
  textToBlocks,
} from "./html-to-blocks.ts";

export interface RenditionRef {
  href: string;
  width?: number;
  height?: number;
  contentType?: string;
  durationSeconds?: number;
  name?: string;
}

export interface MappedImage {
  /** Where in the item it came from, for error messages: `associations[1]`. */
  field: string;
  sourceUri: string | undefined;
  /** Image renditions, largest first. */
  renditions: RenditionRef[];
  alt: string;
  caption: string | undefined;
  credit: string | undefined;
}

export interface MappedVideo {
  field: string;
  sourceUri: string | undefined;
  title: string;
  durationSeconds: number | null;
  sources: RenditionRef[];
  poster: MappedImage | undefined;
  caption: string | undefined;
  credit: string | undefined;
  placement: "body" | "related";
}

export type MappedItem =
  | { kind: "skip"; uri: string; version: string; reason: string }
  | {
      /** A picture or video sent on its own: it goes to the media library, not into a story. */
      kind: "media";
      uri: string;
      version: string;
      image: MappedImage | undefined;
      video: MappedVideo | undefined;
    }
  | {
      kind: "story";
      uri: string;
      /** Comparable version key: see `compareVersions`. */
      version: string;
      story: Omit<StoryInput, "heroImageId" | "relatedVideoIds" | "sectionSlug">;
      hero: MappedImage | undefined;
      /** Images to place in the body, each after the given paragraph count. */
      images: { image: MappedImage; afterParagraph: number }[];
      videos: MappedVideo[];
      /** What the import could not bring whole (text sanitising removed), for the report. */
      warnings: string[];
      /**
       * Where the body is when the item carries none inline: a text rendition
       * (an agency API's NITF or HTML file), for the importer to read.
       */
      bodyRendition: RenditionRef | undefined;
      /** The agency's note to editors (why an item was killed or corrected). */
      ednote: string | undefined;
      /** The agency's pubstatus: canceled and withheld withdraw a story already published. */
      pubstatus: string;
    };

export class NinjsMappingError extends Error {
  override name = "NinjsMappingError";
  constructor(
    readonly field: string,
    readonly expected: string,
  ) {
    super(`${field}: ${expected}`);
  }
}

type Json = Record<string, unknown>;

/** Folds 3.x camelCase property names to the 2.x lower-case spelling, recursively. */
export function foldKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(foldKeys);
  if (value && typeof value === "object") {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k.toLowerCase()] = foldKeys(v);
    return out;
  }
  return value;
}

const isObj = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);

/**
 * Brings a ninjs 1.x item to the 2.x shape the mapper reads: single
 * `headline`, `body_html`/`body_xhtml`/`body_text`, `description_html`/
 * `description_text` and `byline` become the 2.x lists and `by`; `subject`,
 * `person`, `place` and `organisation` become their plurals; associations and
 * renditions keyed by name become lists carrying the name. In a picture
 * association, `body_text` is the alternative text (as editorial systems
 * send it) and `description_text` the caption. A 2.x/3.x item comes back
 * unchanged.
 */
export function upgrade1x(value: Json, inAssociation = false): Json {
  const item: Json = { ...value };
  const take = (k: string): unknown => {
    const v = item[k];
    delete item[k];
    return v;
  };
  const bodies: Json[] = [];
  const descriptions: Json[] = [];
  const headlines: Json[] = [];
  const isPicture = inAssociation && ["picture", "graphic", undefined].includes(item["type"] as string);
  // 1.3+ lets agencies add `headline_*`, `body_*` and `description_*` of their own
  // (headline_main, body_richtext…): read them all, HTML or not by their content.
  for (const key of Object.keys(item)) {
    const m = /^(headline|body|description)(?:_(.+))?$/.exec(key);
    if (!m || (m[1] !== "headline" && !m[2])) continue;
    const v = take(key);
    if (typeof v !== "string" || !v.trim()) continue;
    const html = /html/.test(m[2] ?? "") || /<\/?[a-z][^>]*>/i.test(v);
    const contenttype = html ? "text/html" : "text/plain";
    if (m[1] === "headline")
      headlines.push({ role: m[2] === undefined || m[2] === "main" ? "main" : m[2], value: v });
    else if (m[1] === "body") {
      if (isPicture && m[2] === "text") item["alttext"] = v;
      else bodies.push({ role: "main", contenttype, value: v });
    } else descriptions.push({ role: inAssociation ? "caption" : "summary", contenttype, value: v });
  }
  if (headlines.length && !item["headlines"]) {
    const main = headlines.find((h) => h["role"] === "main") ?? headlines[0]!;
    item["headlines"] = [{ ...main, role: "main" }, ...headlines.filter((h) => h !== main)];
  }
  const byline = take("byline");
  if (typeof byline === "string" && item["by"] === undefined) item["by"] = byline;
  // HTML first: the mapper takes the richest body and the first description.
  const htmlFirst = (a: Json, b: Json) =>
    Number(b["contenttype"] === "text/html") - Number(a["contenttype"] === "text/html");
  if (bodies.length && !item["bodies"]) item["bodies"] = bodies.sort(htmlFirst);
  if (descriptions.length && !item["descriptions"]) item["descriptions"] = descriptions.sort(htmlFirst);
  for (const [one, many] of [
    ["subject", "subjects"],
    ["person", "people"],
    ["place", "places"],
    ["organisation", "organisations"],
  ] as const) {
    const v = take(one);
    if (Array.isArray(v) && !item[many]) item[many] = v;
  }
  const named = (v: unknown): Json[] =>
    isObj(v)
      ? Object.entries(v)
          .filter((e): e is [string, Json] => isObj(e[1]))
          .map(([name, x]) => ({ name, ...x }))
      : [];
  if (isObj(item["associations"]))
    item["associations"] = named(item["associations"]).map((a) => upgrade1x(a, true));
  else if (Array.isArray(item["associations"]))
    item["associations"] = (item["associations"] as unknown[]).map((a) =>
      isObj(a) ? upgrade1x(a, true) : a,
    );
  if (isObj(item["renditions"])) item["renditions"] = named(item["renditions"]);
  return item;
}

const text = z.string();
const dateTime = z.iso.datetime({ offset: true, local: false });

function str(item: Json, key: string, field = key): string | undefined {
  const v = item[key];
  if (v === undefined || v === null) return undefined;
  const r = text.safeParse(v);
  if (!r.success) throw new NinjsMappingError(field, `expected a string, got ${typeof v}`);
  return r.data.trim() || undefined;
}

/**
 * A date-time, read carefully: with a zone, or a plain date (midnight UTC).
 * Anything else is left out with a warning: ninjs 1.x does not check dates
 * (its own conformance suite passes "this field is not validated"), and 2.x/3.x
 * items reach here only once their schema accepted the format.
 */
function date(item: Json, key: string, field: string, warnings: string[]): string | undefined {
  const v = str(item, key, field);
  if (v === undefined) return undefined;
  if (dateTime.safeParse(v).success) return new Date(v).toISOString();
  if (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
    return new Date(`${v}T00:00:00Z`).toISOString();
  warnings.push(
    `${field}: "${v.slice(0, 60)}" is not an ISO 8601 date-time with a time zone (like 2024-07-25T09:30:00Z); left out`,
  );
  return undefined;
}

function arr(item: Json, key: string): Json[] {
  const v = item[key];
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.filter((x): x is Json => !!x && typeof x === "object");
  // ninjs 1.x shaped some lists as objects keyed by name (associations, renditions).
  if (typeof v === "object") return Object.entries(v as Json).map(([name, x]) => ({ name, ...(x as Json) }));
  throw new NinjsMappingError(key, "expected an array");
}

function headlineOf(item: Json): string | undefined {
  const hs = arr(item, "headlines");
  const main = hs.find((h) => h["role"] === "main") ?? hs[0];
  const value = main ? str(main, "value", "headlines[].value") : str(item, "headline");
  return value ? htmlToText(value).slice(0, 300) || undefined : undefined;
}

function isHtml(ct: unknown): boolean {
  return typeof ct === "string" && /html|xml/i.test(ct);
}

function descriptionText(d: Json): string {
  const v = str(d, "value", "descriptions[].value") ?? "";
  // Plain text keeps its line breaks: each line of a summary is a point.
  return isHtml(d["contenttype"]) || /<\/?[a-z][^>]*>/i.test(v)
    ? htmlToText(v)
    : v.replace(/[^\S\n]+/g, " ").trim();
}

/** Cuts text at a word boundary so it fits `max` characters, marking the cut with an ellipsis. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, "")}…`;
}

function summaryOf(item: Json): string[] {
  const points: string[] = [];
  for (const d of arr(item, "descriptions")) {
    if (d["role"] === "caption") continue;
    const v = str(d, "value", "descriptions[].value") ?? "";
    if (isHtml(d["contenttype"]) && /<li[\s>]/i.test(v)) {
      for (const b of htmlToBlocks(v)) {
        if (b.type === "list") points.push(...b.items.map((i) => i.map((r) => r.text).join("")));
      }
    } else {
      const t = descriptionText(d);
      if (t)
        points.push(
          ...t
            .split(/\n+/)
            .map((p) => p.trim())
            .filter(Boolean),
        );
    }
    if (points.length) break; // one description is the summary; the others are alternates (plain vs rich)
  }
  if (points.length === 0) {
    const legacy = str(item, "description_text");
    if (legacy) points.push(legacy);
  }
  return points.slice(0, 3).map((p) => clip(p, 500));
}

/** The body's blocks, and warnings for any text sanitising its HTML removed. */
function bodyOf(item: Json): { blocks: Block[]; warnings: string[] } {
  const fromHtml = (v: string) => {
    const { blocks, dropped } = htmlToBlocksReporting(v);
    return { blocks, warnings: droppedTextWarnings(dropped) };
  };
  const bodies = arr(item, "bodies");
  const html = bodies.find((b) => isHtml(b["contenttype"]));
  if (html) return fromHtml(str(html, "value", "bodies[].value") ?? "");
  const plain = bodies[0];
  if (plain) {
    const v = str(plain, "value", "bodies[].value") ?? "";
    return /<\/?(p|div|br)[\s>/]/i.test(v) ? fromHtml(v) : { blocks: textToBlocks(v), warnings: [] };
  }
  const legacyHtml = str(item, "body_html");
  if (legacyHtml) return fromHtml(legacyHtml);
  const legacyText = str(item, "body_text");
  return { blocks: legacyText ? textToBlocks(legacyText) : [], warnings: [] };
}

function topicsOf(item: Json): string[] {
  const names: string[] = [];
  for (const key of ["subjects", "places", "people", "organisations"]) {
    for (const t of arr(item, key)) {
      const name = typeof t["name"] === "string" ? t["name"].trim() : "";
      if (name && name.length > 1 && !names.some((n) => n.toLowerCase() === name.toLowerCase()))
        names.push(name.slice(0, 120));
    }
  }
  return names.slice(0, 12);
}

const STATUS: Record<string, StoryStatus> = {
  usable: "published",
  withheld: "draft",
  canceled: "unpublished",
};

function renditionsOf(a: Json, field: string): RenditionRef[] {
  return arr(a, "renditions").flatMap((r, i): RenditionRef[] => {
    const href = str(r, "href", `${field}.renditions[${i}].href`);
    if (!href) return [];
    const num = (k: string) =>
      typeof r[k] === "number" && Number.isFinite(r[k]) ? (r[k] as number) : undefined;
    const ref: RenditionRef = { href };
    const width = num("width");
    const height = num("height");
    const duration = num("duration");
    const ct = str(r, "contenttype", `${field}.renditions[${i}].contenttype`) ?? str(r, "mimetype");
    const name = str(r, "name", `${field}.renditions[${i}].name`);
    if (width) ref.width = Math.round(width);
    if (height) ref.height = Math.round(height);
    if (duration !== undefined) ref.durationSeconds = Math.round(duration);
    if (ct) ref.contentType = ct;
    if (name) ref.name = name;
    return [ref];
  });
}

function looksLikeImage(r: RenditionRef): boolean {
  if (r.contentType) return /^image\//i.test(r.contentType);
  return /\.(jpe?g|png|webp|gif|avif|tiff?)(\?|$)/i.test(r.href);
}

function looksLikeVideo(r: RenditionRef): boolean {
  if (r.contentType) return /^video\//i.test(r.contentType) || /mpegurl|dash/i.test(r.contentType);
  return /\.(mp4|webm|m4v|mov|ogv|m3u8)(\?|$)/i.test(r.href);
}

function creditOf(a: Json, field: string): string | undefined {
  const by = str(a, "by", `${field}.by`);
  const holder = str(a, "copyrightholder", `${field}.copyrightholder`);
  if (by && holder && !by.toLowerCase().includes(holder.toLowerCase()))
    return `${by} / ${holder}`.slice(0, 300);
  return (by ?? holder)?.slice(0, 300);
}

function captionOf(a: Json): string | undefined {
  const ds = arr(a, "descriptions");
  const d = ds.find((x) => x["role"] === "caption") ?? ds.find((x) => !isHtml(x["contenttype"])) ?? ds[0];
  const t = d ? descriptionText(d).replace(/\s+/g, " ") : undefined;
  return t ? clip(t, 2000) : undefined;
}

function imageOf(a: Json, field: string): MappedImage | undefined {
  const renditions = renditionsOf(a, field)
    .filter(looksLikeImage)
    .sort((x, y) => (y.width ?? 0) - (x.width ?? 0));
  if (renditions.length === 0) return undefined;
  const caption = captionOf(a);
  const headline = headlineOf(a);
  return {
    field,
    sourceUri: str(a, "uri", `${field}.uri`),
    renditions,
    alt: clip(str(a, "alttext", `${field}.body_text`) ?? headline ?? caption ?? "", 250),
    caption,
    credit: creditOf(a, field),
  };
}

/** An item's version key: its versioncreated (as an ISO instant when readable) and version number. */
export function versionKeyOf(item: Json): string {
  const created = date(item, "versioncreated", "versioncreated", []) ?? str(item, "versioncreated") ?? "";
  return `${created}#${str(item, "version") ?? ""}`;
}

/** Orders two version keys: by `version` when both are numbers, else by `versioncreated`. */
export function compareVersions(a: string, b: string): number {
  const [ca = "", va = ""] = a.split("#");
  const [cb = "", vb = ""] = b.split("#");
  if (/^\d+$/.test(va) && /^\d+$/.test(vb) && va !== vb) return Number(va) - Number(vb);
  return ca < cb ? -1 : ca > cb ? 1 : 0;
}

/** Why an item is an advisory (a note to editors), or undefined: its type, profile or genre says so. */
function isAdvisory(item: Json, type: string | undefined): string | undefined {
  if (type && /advisory/i.test(type)) return `type ${type}`;
  const profile = typeof item["profile"] === "string" ? item["profile"] : "";
  if (/advisory/i.test(profile)) return `profile ${profile}`;
  const genres = Array.isArray(item["genre"]) ? (item["genre"] as unknown[]) : [];
  for (const g of genres) {
    const label = isObj(g) ? [g["name"], g["code"]].filter((x) => typeof x === "string").join(" ") : "";
    if (/advisory/i.test(label)) return `genre ${label}`;
  }
  return undefined;
}

function isTextRendition(r: RenditionRef): boolean {
  return (
    /nitf|xml|html/i.test(`${r.contentType ?? ""} ${r.name ?? ""}`) || /\.(xml|nitf|html?)$/i.test(r.href)
  );
}

/**
 * The story part of a NITF document (`<body.content>`), as HTML the body
 * sanitiser reads: NITF's `<hl2>` is a heading, `<block>` only groups.
 * Plain HTML comes back as its `<body>`.
 */
export function nitfToHtml(doc: string): string {
  const inner =
    /<body\.content[^>]*>([\s\S]*?)<\/body\.content>/i.exec(doc)?.[1] ??
    /<body[^>]*>([\s\S]*?)<\/body>/i.exec(doc)?.[1] ??
    doc;
  return inner
    .replace(/<(\/?)hl2\b[^>]*>/gi, "<$1h2>")
    .replace(/<\/?block\b[^>]*>/gi, "")
    .replace(/<\/?(media|media-reference|media-caption)\b[^>]*>/gi, "");
}

function hasBodyText(item: Json): boolean {
  return arr(item, "bodies").some((b) => typeof b["value"] === "string" && b["value"].trim() !== "");
}

/** A picture, graphic or video sent on its own, for the media library. */
function standaloneMedia(item: Json, uri: string, type: string): MappedItem {
  const version = versionKeyOf(item);
  const renditions = renditionsOf(item, "renditions");
  if (type === "video") {
    const sources = renditions.filter(looksLikeVideo);
    if (sources.length === 0)
      return {
        kind: "skip",
        uri,
        version: versionKeyOf(item),
        reason: "video item without a playable rendition (mp4, webm or HLS)",
      };
    const title = headlineOf(item) ?? captionOf(item) ?? "Video";
    const posters = renditions.filter(looksLikeImage).sort((x, y) => (y.width ?? 0) - (x.width ?? 0));
    return {
      kind: "media",
      uri,
      version,
      image: undefined,
      video: {
        field: "renditions",
        sourceUri: uri,
        title: clip(title, 300),
        durationSeconds: renditions.find((r) => r.durationSeconds !== undefined)?.durationSeconds ?? null,
        sources,
        poster: posters.length
          ? {
              field: "renditions",
              sourceUri: undefined,
              renditions: posters,
              alt: `Video: ${clip(title, 200)}`,
              caption: undefined,
              credit: undefined,
            }
          : undefined,
        caption: captionOf(item),
        credit: creditOf(item, "(item)"),
        placement: "related",
      },
    };
  }
  const image = imageOf({ ...item, uri }, "(item)");
  if (!image)
    return {
      kind: "skip",
      uri,
      version: versionKeyOf(item),
      reason: `${type} item without an image rendition (jpeg, png, webp…)`,
    };
  if (!image.alt)
    return {
      kind: "skip",
      uri,
      version: versionKeyOf(item),
      reason: `${type} item without a headline, caption or alternative text: a picture needs words for readers who cannot see it`,
    };
  return { kind: "media", uri, version, image, video: undefined };
}

const FEATURE_NAMES = /^(feature|featureimage|featuremedia|mainpic|main|hero|lead|picture|photo|image|a001)/i;

/**
 * Maps one ninjs item (already valid against the ninjs schema) to a story,
 * or to a skip with the reason.
 */
export function mapNinjsItem(raw: Record<string, unknown>): MappedItem {
  const item = upgrade1x(foldKeys(raw) as Json);
  const uri = str(item, "uri");
  if (!uri)
    throw new NinjsMappingError("uri", "is required: a stable identifier so a re-import updates the story");
  const type = str(item, "type");
  if (type === "event" || type === "planning" || item["eventdetails"] || item["plannedcoverage"]) {
    return {
      kind: "skip",
      uri,
      version: versionKeyOf(item),
      reason: `${type ?? "event"} item: Gazette publishes news stories, not event or planning records`,
    };
  }
  const advisory = isAdvisory(item, type);
  if (advisory)
    return {
      kind: "skip",
      uri,
      version: versionKeyOf(item),
      reason: `advisory (${advisory}): a note to editors, not a story`,
    };
  if (type && ["picture", "graphic", "video"].includes(type)) return standaloneMedia(item, uri, type);
  if (type === "audio")
    return {
      kind: "skip",
      uri,
      version: versionKeyOf(item),
      reason: "standalone audio item: Gazette has no audio player yet",
    };
  const headline = headlineOf(item);
  if (!headline)
    return {
      kind: "skip",
      uri,
      version: versionKeyOf(item),
      reason: "no headline: nothing a reader could be shown",
    };

  const pubstatus = str(item, "pubstatus") ?? "usable";
  const status = STATUS[pubstatus];
  if (!status)
    throw new NinjsMappingError("pubstatus", `expected usable, withheld or canceled, got "${pubstatus}"`);
  const dateWarnings: string[] = [];
  const versionCreated = date(item, "versioncreated", "versioncreated", dateWarnings);
  const firstCreated = date(item, "firstcreated", "firstcreated", dateWarnings) ?? versionCreated;
  const embargo =
    date(item, "embargoed", "embargoed", dateWarnings) ??
    date(item, "embargoeduntil", "embargoedUntil", dateWarnings);
  const version = versionKeyOf(item);

  const { blocks: body, warnings: bodyWarnings } = bodyOf(item);
  const bodyRendition =
    body.length === 0 ? renditionsOf(item, "renditions").find(isTextRendition) : undefined;
  const warnings = [...dateWarnings, ...bodyWarnings];
  if (body.length === 0 && hasBodyText(item)) {
    throw new NinjsMappingError(
      "body",
      "has no text a reader could be shown once its HTML is made safe (scripts, styles and unknown elements are removed); send the story's text as paragraphs",
    );
  }
  const associations = arr(item, "associations");
  let hero: MappedImage | undefined;
  const images: { image: MappedImage; afterParagraph: number }[] = [];
  const videos: MappedVideo[] = [];
  const pictures: MappedImage[] = [];
  associations.forEach((a, i) => {
    const field = `associations[${i}]`;
    const aType = str(a, "type", `${field}.type`);
    const name = str(a, "name", `${field}.name`) ?? "";
    if (aType === "video") {
      const renditions = renditionsOf(a, field);
      const sources = renditions.filter(looksLikeVideo);
      const posterRenditions = renditions
        .filter(looksLikeImage)
        .sort((x, y) => (y.width ?? 0) - (x.width ?? 0));
      const duration = renditions.find((r) => r.durationSeconds !== undefined)?.durationSeconds ?? null;
      const title = headlineOf(a) ?? captionOf(a) ?? headline;
      if (sources.length === 0) return; // nothing playable: a video without a source is not shown
      videos.push({
        field,
        sourceUri: str(a, "uri", `${field}.uri`),
        title: clip(title, 300),
        durationSeconds: duration,
        sources,
        poster: posterRenditions.length
          ? {
              field,
              sourceUri: undefined,
              renditions: posterRenditions,
              alt: `Video: ${clip(title, 200)}`,
              caption: undefined,
              credit: undefined,
            }
          : undefined,
        caption: captionOf(a),
        credit: creditOf(a, field),
        placement: /related/i.test(name) || videos.some((v) => v.placement === "body") ? "related" : "body",
      });
    } else if (aType === "picture" || aType === "graphic" || aType === undefined) {
      if (aType === "graphic" && /logo/i.test(name)) return; // an agency's logo is not editorial
      const img = imageOf(a, field);
      if (img) {
        if (!hero && FEATURE_NAMES.test(name)) hero = img;
        else pictures.push(img);
      }
    }
  });
  if (!hero && pictures.length) hero = pictures.shift();
  pictures.forEach((image, i) => images.push({ image, afterParagraph: 3 * (i + 1) }));

  const story: MappedItem & { kind: "story" } = {
    kind: "story",
    uri,
    version,
    story: {
      uri,
      headline,
      summary: summaryOf(item),
      body,
      topicNames: topicsOf(item),
      authorSlugs: [],
      sources: [],
      status,
      ...(str(item, "by") ? { byline: clip(str(item, "by")!, 300) } : {}),
      ...(str(item, "located") ? { dateline: clip(str(item, "located")!, 200) } : {}),
      ...(firstCreated ? { firstPublishedAt: firstCreated } : {}),
      ...(versionCreated ? { updatedAt: versionCreated } : {}),
      ...(embargo ? { embargoUntil: embargo } : {}),
      sourceVersion: version,
    },
    hero,
    images,
    videos,
    warnings,
    bodyRendition,
    ednote: str(item, "ednote") ? clip(str(item, "ednote")!, 500) : undefined,
    pubstatus,
  };
  return story;
}
