/**
 * Wire-copy HTML → story blocks, through a real HTML5 parser (parse5) and an
 * allow-list. HTML from outside is hostile until proven otherwise: only
 * paragraphs, headings, lists, block quotes, rules and the inline marks
 * bold, italic and http(s)/mailto links survive. Unknown elements are
 * dropped and their text kept; the content of script, style, iframe, SVG,
 * MathML and similar elements is dropped whole.
 */
import { parseFragment } from "parse5";
import type { DefaultTreeAdapterMap } from "parse5";
import type { Block, Inline } from "../content/model.ts";
import { safeLinkHref } from "../content/model.ts";

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];

const HTML_NS = "http://www.w3.org/1999/xhtml";

/** Elements whose whole subtree never reaches a reader, text included. */
const DROP_WITH_CONTENT = new Set([
  "script",
  "style",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "template",
  "noscript",
  "textarea",
  "select",
  "option",
  "button",
  "input",
  "head",
  "title",
  "meta",
  "link",
  "base",
  "canvas",
  "audio",
  "video",
  "source",
  "track",
  "img",
  "picture",
  "map",
  "form",
]);

/** Text that sanitising removed (not just markup): reported to whoever imports, never silent. */
export interface DroppedText {
  /** The element it was in, e.g. "<math>", "<script>", "<ul> (outside any <li>)". */
  inside: string;
  characters: number;
  /** Its first words. */
  sample: string;
}

/** Set while `htmlToBlocksReporting` runs (the walk is synchronous). */
let dropping: DroppedText[] | undefined;

function allText(n: Node): string {
  if (n.nodeName === "#text") return (n as DefaultTreeAdapterMap["textNode"]).value;
  return "childNodes" in n ? (n.childNodes as Node[]).map(allText).join(" ") : "";
}

/** Notes the text of a node that is about to be dropped whole, if it has any. */
function noteDropped(n: Node, inside?: string): void {
  if (!dropping) return;
  const text = allText(n).replace(/\s+/g, " ").trim();
  if (!text) return;
  dropping.push({
    inside: inside ?? `<${isElement(n) ? n.tagName : n.nodeName}>`,
    characters: text.length,
    sample: text.length > 60 ? `${text.slice(0, 60).trimEnd()}…` : text,
  });
}

const BLOCK_CONTAINERS = new Set([
  "div",
  "section",
  "article",
  "main",
  "aside",
  "header",
  "footer",
  "nav",
  "figure",
  "figcaption",
  "body",
  "html",
  "center",
  "address",
  "details",
  "summary",
  "dl",
  "dd",
  "dt",
  "table",
  "thead",
  "tbody",
  "tfoot",
  "tr",
  "td",
  "th",
  "caption",
  "pre",
]);

interface Marks {
  bold?: true;
  italic?: true;
  href?: string;
}

function isElement(n: Node): n is Element {
  return "tagName" in n;
}

function attr(el: Element, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name)?.value;
}

/** An href a reader may follow: http, https or mailto, nothing else. */
export function cleanHref(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  // Browsers ignore control characters and whitespace inside schemes ("java\tscript:").
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const href = raw.replace(/[\u0000-\u0020\u007f]+/g, (m) => (m.includes(" ") ? "%20" : "")).trim();
  return safeLinkHref.safeParse(href).success ? href : undefined;
}

function collectInline(nodes: readonly Node[], marks: Marks, out: Inline[]): void {
  for (const n of nodes) {
    if (n.nodeName === "#text") {
      const text = (n as DefaultTreeAdapterMap["textNode"]).value;
      if (text) out.push({ text, ...marks });
      continue;
    }
    if (!isElement(n)) continue;
    // SVG and MathML, scripts, styles, embeds: dropped with their content.
    if (n.namespaceURI !== HTML_NS || DROP_WITH_CONTENT.has(n.tagName)) {
      noteDropped(n);
      continue;
    }
    const tag = n.tagName;
    if (tag === "br") {
      out.push({ text: "\n", ...marks });
      continue;
    }
    const next: Marks = { ...marks };
    if (tag === "b" || tag === "strong") next.bold = true;
    else if (tag === "i" || tag === "em" || tag === "cite") next.italic = true;
    else if (tag === "a") {
      const href = cleanHref(attr(n, "href"));
      if (href) next.href = href;
    }
    collectInline(n.childNodes, next, out);
  }
}

/** Collapses whitespace, merges neighbouring runs with the same marks, trims the ends. */
export function normaliseInline(runs: readonly Inline[]): Inline[] {
  const merged: Inline[] = [];
  for (const r of runs) {
    const text = r.text.replace(/\s+/g, " ");
    const prev = merged[merged.length - 1];
    if (prev && prev.bold === r.bold && prev.italic === r.italic && prev.href === r.href) {
      prev.text += text;
    } else {
      const run: Inline = { text };
      if (r.bold) run.bold = true;
      if (r.italic) run.italic = true;
      if (r.href) run.href = r.href;
      merged.push(run);
    }
  }
  for (const r of merged) r.text = r.text.replace(/ {2,}/g, " ");
  for (let i = 1; i < merged.length; i++) {
    if (merged[i - 1]!.text.endsWith(" ") && merged[i]!.text.startsWith(" ")) {
      merged[i]!.text = merged[i]!.text.slice(1);
    }
  }
  if (merged[0]) merged[0].text = merged[0].text.trimStart();
  const last = merged[merged.length - 1];
  if (last) last.text = last.text.trimEnd();
  return merged.filter((r) => r.text.length > 0);
}

function inlineOf(el: Element): Inline[] {
  const runs: Inline[] = [];
  collectInline(el.childNodes, {}, runs);
  return normaliseInline(runs);
}

function textOf(el: Element): string {
  return inlineOf(el)
    .map((r) => r.text)
    .join("");
}

function quoteOf(el: Element): Block | undefined {
  // <blockquote><p>…</p><footer>— <cite>Name</cite></footer></blockquote>
  let attribution: string | undefined;
  const parts: string[] = [];
  for (const c of el.childNodes) {
    if (isElement(c) && (c.tagName === "footer" || c.tagName === "cite")) {
      attribution = textOf(c).replace(/^[—–-]\s*/, "") || undefined;
    } else if (isElement(c)) {
      if (c.namespaceURI !== HTML_NS || DROP_WITH_CONTENT.has(c.tagName)) {
        noteDropped(c);
        continue;
      }
      const t = textOf(c);
      if (t) parts.push(t);
    } else if (c.nodeName === "#text") {
      const t = (c as DefaultTreeAdapterMap["textNode"]).value.trim();
      if (t) parts.push(t.replace(/\s+/g, " "));
    }
  }
  const text = parts.join(" ").trim();
  if (!text) return undefined;
  return attribution ? { type: "quote", text, attribution } : { type: "quote", text };
}

function walkBlocks(nodes: readonly Node[], out: Block[]): void {
  let pending: Inline[] = [];
  const flush = () => {
    const content = normaliseInline(pending);
    pending = [];
    if (content.length) out.push({ type: "paragraph", content });
  };
  for (const n of nodes) {
    if (n.nodeName === "#text") {
      pending.push({ text: (n as DefaultTreeAdapterMap["textNode"]).value });
      continue;
    }
    if (!isElement(n)) continue;
    if (n.namespaceURI !== HTML_NS || DROP_WITH_CONTENT.has(n.tagName)) {
      noteDropped(n);
      continue;
    }
    const tag = n.tagName;
    if (tag === "p") {
      flush();
      const content = inlineOf(n);
      if (content.length) out.push({ type: "paragraph", content });
    } else if (/^h[1-6]$/.test(tag)) {
      flush();
      const text = textOf(n);
      const level = Math.min(4, Math.max(2, Number(tag[1]))) as 2 | 3 | 4;
      if (text) out.push({ type: "heading", level, text });
    } else if (tag === "ul" || tag === "ol") {
      flush();
      for (const c of n.childNodes)
        if (!isElement(c) || c.tagName !== "li") noteDropped(c, `<${tag}> (outside any <li>)`);
      const items = n.childNodes
        .filter((c): c is Element => isElement(c) && c.tagName === "li")
        .map(inlineOf)
        .filter((i) => i.length > 0);
      if (items.length) out.push({ type: "list", ordered: tag === "ol", items });
    } else if (tag === "blockquote") {
      flush();
      const q = quoteOf(n);
      if (q) out.push(q);
    } else if (tag === "hr") {
      flush();
      out.push({ type: "divider" });
    } else if (BLOCK_CONTAINERS.has(tag)) {
      flush();
      walkBlocks(n.childNodes, out);
    } else {
      // An inline element (or an unknown one) at block level: part of a paragraph.
      collectInline([n], {}, pending);
    }
  }
  flush();
}

/**
 * Parses an HTML fragment into blocks.
 *
 * @example htmlToBlocks("<p>Hello <b>world</b><script>x()</script></p>")
 * // [{ type: "paragraph", content: [{ text: "Hello " }, { text: "world", bold: true }] }]
 */
export function htmlToBlocks(html: string): Block[] {
  const out: Block[] = [];
  walkBlocks(parseFragment(html).childNodes, out);
  return out;
}

/**
 * Parses an HTML fragment into blocks, and lists the text that sanitising
 * removed with the elements it was in (a script's code, a formula, or — from
 * an unclosed `<style>` inside `<math>` — everything after it).
 */
export function htmlToBlocksReporting(html: string): { blocks: Block[]; dropped: DroppedText[] } {
  const dropped: DroppedText[] = [];
  dropping = dropped;
  try {
    return { blocks: htmlToBlocks(html), dropped };
  } finally {
    dropping = undefined;
  }
}

/** Dropped text as warnings for an import report, at most five (and how many more). */
export function droppedTextWarnings(dropped: readonly DroppedText[]): string[] {
  const lines = dropped
    .slice(0, 5)
    .map(
      (d) =>
        `sanitising dropped ${d.characters.toLocaleString("en")} characters of text inside ${d.inside}: “${d.sample}”`,
    );
  if (dropped.length > 5) lines.push(`… and text inside ${dropped.length - 5} more elements`);
  return lines;
}

/** Plain text → paragraphs: blank lines separate paragraphs; single newlines too when there are no blank lines. */
export function textToBlocks(text: string): Block[] {
  const normalised = text.replace(/\r\n?/g, "\n").trim();
  if (!normalised) return [];
  const parts = /\n\s*\n/.test(normalised) ? normalised.split(/\n\s*\n/) : normalised.split("\n");
  return parts
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter((p) => p.length > 0)
    .map((p) => ({ type: "paragraph" as const, content: [{ text: p }] }));
}

/** Text of an HTML fragment, whitespace collapsed (for captions and summaries that arrive as HTML). */
export function htmlToText(html: string): string {
  return htmlToBlocks(html)
    .map((b) =>
      b.type === "paragraph"
        ? b.content.map((r) => r.text).join("")
        : b.type === "heading" || b.type === "quote"
          ? b.text
          : "",
    )
    .filter(Boolean)
    .join(" ");
}
