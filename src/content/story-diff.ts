/**
 * A readable diff between two versions of a story's content: what a reader
 * (on the public history page) or an editor (comparing revisions) needs to
 * see. Text is compared word by word (the `diff` library's diffWords);
 * media and settings changes are named in words ("Hero image changed").
 */
import { diffWords } from "diff";
import type { Block, StoryContent } from "./model.ts";
import { blockText } from "./text.ts";

/** A run of text: unchanged, inserted or deleted. */
export interface DiffPart {
  kind: "same" | "added" | "removed";
  text: string;
}

export interface FieldChange {
  /** headline | summary | body | … */
  field: string;
  label: string;
  parts: DiffPart[];
}

export interface StoryDiff {
  /** Text changes, word by word. */
  text: FieldChange[];
  /** Changes without readable text (pictures, section, topics …), in words. */
  other: string[];
}

function blockLabel(b: Block): string {
  switch (b.type) {
    case "image":
      return b.caption ? `[Picture: ${b.caption}]` : `[Picture ${b.imageId}]`;
    case "video":
      return `[Video ${b.videoId}]`;
    case "divider":
      return "[Divider]";
    case "preview-end":
      return "[Free preview ends]";
    case "related-story":
      return `[Related story ${b.storyId}]`;
    case "list":
      return blockText(b);
    default:
      return blockText(b);
  }
}

/** The body as paragraphs of text, one per block, for diffing. */
export function bodyAsText(body: readonly Block[]): string {
  return body.map(blockLabel).join("\n\n");
}

function textDiff(a: string, b: string): DiffPart[] {
  return diffWords(a, b).map((c) => ({
    kind: c.added ? "added" : c.removed ? "removed" : "same",
    text: c.value,
  }));
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What changed from `before` to `after`; `before` undefined means the first version. */
export function diffStoryContent(before: StoryContent | undefined, after: StoryContent): StoryDiff {
  const text: FieldChange[] = [];
  const other: string[] = [];
  const fields: [string, string, (c: StoryContent) => string][] = [
    ["headline", "Headline", (c) => c.headline],
    ["summary", "Summary", (c) => c.summary.join("\n")],
    ["body", "Text", (c) => bodyAsText(c.body)],
    ["dateline", "Dateline", (c) => c.dateline ?? ""],
    ["byline", "Byline", (c) => c.byline ?? ""],
    [
      "sources",
      "Sources",
      (c) => c.sources.map((s) => [s.name, s.description].filter(Boolean).join(": ")).join("\n"),
    ],
  ];
  for (const [field, label, get] of fields) {
    const a = before ? get(before) : "";
    const b = get(after);
    if (a !== b) text.push({ field, label, parts: textDiff(a, b) });
  }
  if (before) {
    if (before.heroImageId !== after.heroImageId) {
      other.push(
        after.heroImageId === undefined
          ? "Main picture removed"
          : before.heroImageId === undefined
            ? "Main picture added"
            : "Main picture changed",
      );
    }
    if (before.sectionSlug !== after.sectionSlug)
      other.push(`Moved from section “${before.sectionSlug}” to “${after.sectionSlug}”`);
    if (!sameList(before.topicNames, after.topicNames)) other.push("Topics changed");
    if (!sameList(before.authorSlugs, after.authorSlugs)) other.push("Authors changed");
    if (!sameList(before.relatedVideoIds, after.relatedVideoIds)) other.push("Related videos changed");
    if (before.embargoUntil !== after.embargoUntil) other.push("Embargo changed");
    // A revision saved before first publication has no slug of its own (the
    // address then followed the headline): only two known addresses can differ.
    if (before.slug !== undefined && after.slug !== undefined && before.slug !== after.slug)
      other.push("Address changed");
  }
  return { text, other };
}

/** What an edit changed in a live post: its title and its text, word by word. */
export function diffLivePost(
  before: { title: string | null; body: readonly Block[] },
  after: { title: string | null; body: readonly Block[] },
): FieldChange[] {
  const text: FieldChange[] = [];
  const a = before.title ?? "";
  const b = after.title ?? "";
  if (a !== b) text.push({ field: "title", label: "Title", parts: textDiff(a, b) });
  const ab = bodyAsText(before.body);
  const bb = bodyAsText(after.body);
  if (ab !== bb) text.push({ field: "body", label: "Text", parts: textDiff(ab, bb) });
  return text;
}

/**
 * Trims long unchanged runs to a little context around each change, so a
 * one-word fix in a long story reads as one line, not the whole story.
 */
export function condense(parts: readonly DiffPart[], context = 12): DiffPart[] {
  return parts.map((p, i) => {
    if (p.kind !== "same") return p;
    const words = p.text.split(/(\s+)/);
    if (words.length <= context * 4) return p;
    const keepHead = i > 0 ? words.slice(0, context * 2).join("") : "";
    const keepTail = i < parts.length - 1 ? words.slice(-context * 2).join("") : "";
    return { kind: "same", text: `${keepHead}${keepHead || keepTail ? " … " : "…"}${keepTail}` };
  });
}

/**
 * The changed paragraphs of a text diff, each whole, in order: what a
 * reader needs to see a change in its sentence. Unchanged paragraphs are
 * left out (`gapBefore` says some were skipped).
 */
export function changedParagraphs(parts: readonly DiffPart[]): { parts: DiffPart[]; gapBefore: boolean }[] {
  const paragraphs: DiffPart[][] = [[]];
  for (const p of parts) {
    const pieces = p.text.split("\n\n");
    pieces.forEach((text, i) => {
      if (i > 0) paragraphs.push([]);
      if (text) paragraphs[paragraphs.length - 1]!.push({ kind: p.kind, text });
    });
  }
  const out: { parts: DiffPart[]; gapBefore: boolean }[] = [];
  let last = -1;
  paragraphs.forEach((para, i) => {
    if (!para.some((x) => x.kind !== "same")) return;
    out.push({ parts: para, gapBefore: i > last + 1 });
    last = i;
  });
  return out;
}
