/**
 * Reading a WordPress export (WXR 1.0–1.2) as a stream: the file is parsed
 * by saxes a chunk at a time and handed on one record (an author, a term,
 * an item with its meta and comments) at a time, so memory holds one post,
 * never the file. Elements are recognised by namespace, not by prefix: a
 * `wp:` prefix bound to another namespace is not WordPress's, and a
 * WordPress element under another prefix is.
 *
 * XML bombs cannot go off: a WXR never has a DOCTYPE, so one is refused
 * before anything is read from it, and saxes expands no entity but XML's
 * five (an undeclared entity is a well-formedness error with its line).
 */
import fs from "node:fs";
import { SaxesParser, type SaxesTagNS } from "saxes";

/** A malformed or foreign file: said with where it went wrong. */
export class WxrError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(line !== undefined ? `line ${line}, column ${column ?? 0}: ${message}` : message);
  }
}

export interface WxrNode {
  /** "wp:post_id", "content:encoded", "title", "category"; "?:x" for a foreign namespace. */
  key: string;
  attrs: Record<string, string>;
  text: string;
  children: WxrNode[];
}

export type WxrRecord =
  | { type: "channel"; key: string; value: string }
  | { type: "author"; node: WxrNode; line: number }
  | { type: "term"; node: WxrNode; line: number }
  | { type: "item"; node: WxrNode; line: number; bytes: number; tooLarge: boolean };

const WP_NS = /^https?:\/\/wordpress\.org\/export\/1\.\d+\/$/;
const EXCERPT_NS = /^https?:\/\/wordpress\.org\/export\/1\.\d+\/excerpt\/$/;
const NAMESPACES: Record<string, string> = {
  "http://purl.org/rss/1.0/modules/content/": "content",
  "http://purl.org/dc/elements/1.1/": "dc",
  "http://wellformedweb.org/CommentAPI/": "wfw",
};

function keyOf(tag: SaxesTagNS): string {
  const uri = tag.uri;
  if (!uri) return tag.local;
  if (WP_NS.test(uri)) return `wp:${tag.local}`;
  if (EXCERPT_NS.test(uri)) return `excerpt:${tag.local}`;
  const known = NAMESPACES[uri];
  return known ? `${known}:${tag.local}` : `?:${tag.local}`;
}

const RECORDS = new Set(["item", "wp:author", "wp:category", "wp:tag", "wp:term"]);
const CHANNEL_FIELDS = new Set(["wp:wxr_version", "wp:base_site_url", "wp:base_blog_url", "link", "title"]);

export interface ReadOptions {
  /** An item larger than this (its text, in characters) is read past and reported, not kept. */
  maxItemChars?: number;
}

/**
 * The records of a WXR file, in order. Throws WxrError (with line and
 * column) at the first thing that is not well-formed XML or not a WXR.
 */
export async function* readWxr(file: string, opts: ReadOptions = {}): AsyncGenerator<WxrRecord> {
  const maxChars = opts.maxItemChars ?? 32 * 1024 * 1024;
  const parser = new SaxesParser({ xmlns: true, position: true });
  const out: WxrRecord[] = [];
  let failure: WxrError | undefined;
  const fail = (e: WxrError) => {
    failure ??= e;
    throw failure;
  };
  // Where in the document we are: the keys of the open elements.
  const path: string[] = [];
  let sawRss = false;
  let sawChannel = false;
  // The record being built, and its open elements.
  let record: { node: WxrNode; line: number; chars: number; tooLarge: boolean } | undefined;
  const stack: WxrNode[] = [];
  let channelText: { key: string; text: string } | undefined;

  parser.on("error", (err) => {
    let message = err.message.replace(/^(?:[^:\s]+:)?\d+:\d+: /, "");
    if (/^undefined entity/.test(message))
      message = `undefined entity: XML has only &amp; &lt; &gt; &quot; &apos; and numeric references (an HTML entity such as &nbsp; belongs inside CDATA)`;
    fail(new WxrError(message, parser.line, parser.column));
  });
  parser.on("doctype", () =>
    fail(
      new WxrError(
        "the file declares a DOCTYPE; a WordPress export never has one, and Gazette reads no entity declarations (they can expand without end)",
        parser.line,
        parser.column,
      ),
    ),
  );
  parser.on("opentag", (tag) => {
    const key = keyOf(tag as SaxesTagNS);
    const depth = path.length;
    path.push(key);
    if (depth === 0) {
      if (key !== "rss")
        fail(new WxrError(`not a WordPress export: the document is <${tag.name}>, not <rss>`, parser.line));
      sawRss = true;
      return;
    }
    if (depth === 1 && key === "channel") sawChannel = true;
    if (record) {
      const attrs: Record<string, string> = {};
      for (const [name, a] of Object.entries((tag as SaxesTagNS).attributes))
        if (!name.startsWith("xmlns")) attrs[(a as { local: string }).local] = (a as { value: string }).value;
      const node: WxrNode = { key, attrs, text: "", children: [] };
      stack.at(-1)!.children.push(node);
      stack.push(node);
      return;
    }
    if (depth === 2 && path[1] === "channel") {
      if (RECORDS.has(key)) {
        const node: WxrNode = { key, attrs: {}, text: "", children: [] };
        record = { node, line: parser.line, chars: 0, tooLarge: false };
        stack.length = 0;
        stack.push(node);
      } else if (CHANNEL_FIELDS.has(key)) channelText = { key, text: "" };
    }
  });
  const onText = (t: string) => {
    if (record) {
      record.chars += t.length;
      const node = stack.at(-1)!;
      if (record.chars > maxChars) {
        // Past the limit only short fields are kept (the post id, its type), to say which item it was.
        record.tooLarge = true;
        if (node.text.length + t.length > 200) return;
      }
      node.text += t;
    } else if (channelText) channelText.text += t;
  };
  parser.on("text", onText);
  parser.on("cdata", onText);
  parser.on("closetag", () => {
    const key = path.pop();
    if (record) {
      const node = stack.pop();
      if (stack.length === 0 && node) {
        const r = record;
        record = undefined;
        const type = key === "item" ? "item" : key === "wp:author" ? "author" : "term";
        if (type === "item")
          out.push({ type, node: r.node, line: r.line, bytes: r.chars, tooLarge: r.tooLarge });
        else out.push({ type, node: r.node, line: r.line });
      }
      return;
    }
    if (channelText && key === channelText.key && path.length === 2) {
      out.push({ type: "channel", key: channelText.key, value: channelText.text.trim() });
      channelText = undefined;
    }
  });

  const stream = fs.createReadStream(file, { encoding: "utf8", highWaterMark: 64 * 1024 });
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      let text = chunk;
      if (first) {
        text = text.replace(/^\uFEFF/, "");
        first = false;
      }
      try {
        parser.write(text);
      } catch (err) {
        throw failure ?? err;
      }
      if (out.length) yield* out.splice(0, out.length);
    }
    if (first) throw new WxrError("the file is empty");
    try {
      parser.close();
    } catch (err) {
      throw failure ?? err;
    }
  } finally {
    stream.destroy();
  }
  if (out.length) yield* out.splice(0, out.length);
  if (!sawRss) throw new WxrError("the file is empty: no XML in it");
  if (!sawChannel) throw new WxrError("not a WordPress export: <rss> has no <channel>");
}

/** The text of the first child with this key ("" when none). */
export function childText(node: WxrNode, key: string): string {
  for (const c of node.children) if (c.key === key) return c.text;
  return "";
}

export function childrenOf(node: WxrNode, key: string): WxrNode[] {
  return node.children.filter((c) => c.key === key);
}
