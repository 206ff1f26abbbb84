/**
 * A WordPress post's body → Gazette's blocks. Both editors' output is read:
 * Gutenberg's block markup (`<!-- wp:paragraph -->` … `<!-- /wp:paragraph -->`,
 * parsed with WordPress's own delimiter grammar) and the classic editor's
 * HTML with its conventions (a blank line between paragraphs, `[caption]`,
 * `[gallery]` and `[embed]` shortcodes, a video address alone on a line).
 * Text goes through the same hostile-HTML-safe path as wire copy
 * (html-to-blocks.ts); pictures come out as references for the importer to
 * resolve (an attachment id, or an address), and everything that did not
 * come through whole is reported: unknown blocks (their text kept),
 * shortcodes left as text, dropped text.
 *
 * Pure: no database, no files.
 */
import type { Block } from "../../content/model.ts";
import { droppedTextWarnings, htmlToBlocksReporting, htmlToText } from "../html-to-blocks.ts";

/** A picture the body shows, for the importer to find. */
export interface ImageRef {
  attachmentId?: number;
  src?: string;
  alt?: string;
  caption?: string;
}

/** A block, or a picture still to be resolved. */
export type WpBlock = Block | { type: "wp-image"; ref: ImageRef };

export interface BodyResult {
  blocks: WpBlock[];
  /** What did not come through whole, one line each. */
  notes: string[];
}

/** Blocks made of text (or nothing) that need no word in the report. */
const QUIET_BLOCKS = new Set([
  "paragraph",
  "heading",
  "list",
  "list-item",
  "quote",
  "pullquote",
  "verse",
  "preformatted",
  "code",
  "html",
  "freeform",
  "group",
  "columns",
  "column",
  "cover",
  "media-text",
  "buttons",
  "button",
  "details",
  "spacer",
  "more",
  "nextpage",
  "separator",
  "image",
  "gallery",
  "embed",
  "video",
  "audio",
  "file",
  "shortcode",
  "table",
  "footnotes",
  "read-more",
  "block",
]);

interface BlockNode {
  name: string;
  attrs: Record<string, unknown>;
  /** Its own HTML and its inner blocks, in order. */
  parts: (string | BlockNode)[];
}

// WordPress's block delimiter grammar (wp-includes/class-wp-block-parser.php), without possessive quantifiers.
const DELIMITER = /<!--\s+(\/)?wp:([a-z][a-z0-9_-]*\/)?([a-z][a-z0-9_-]*)\s+(\{[\s\S]*?\}\s+)?(\/)?-->/g;

export function isBlockMarkup(html: string): boolean {
  return /<!--\s+wp:[a-z]/.test(html);
}

/** Splits Gutenberg markup into a tree; HTML outside any block is a string part (classic content). */
export function parseBlocks(html: string): (string | BlockNode)[] {
  const root: BlockNode = { name: "root", attrs: {}, parts: [] };
  const stack: BlockNode[] = [root];
  let last = 0;
  for (const m of html.matchAll(DELIMITER)) {
    const [whole, closer, ns, name, rawAttrs, isVoid] = m;
    const text = html.slice(last, m.index);
    if (text) stack.at(-1)!.parts.push(text);
    last = m.index + whole.length;
    const fullName = `${ns ?? "core/"}${name}`;
    if (closer) {
      // Close the nearest open block of that name (a stray closer is ignored).
      const at = stack.findLastIndex((b) => b.name === fullName);
      if (at > 0) stack.length = at;
      continue;
    }
    let attrs: Record<string, unknown> = {};
    if (rawAttrs) {
      try {
        const parsed: unknown = JSON.parse(rawAttrs);
        if (parsed && typeof parsed === "object") attrs = parsed as Record<string, unknown>;
      } catch {
        /* attributes that are not JSON: the block keeps its HTML */
      }
    }
    const node: BlockNode = { name: fullName, attrs, parts: [] };
    stack.at(-1)!.parts.push(node);
    if (!isVoid) stack.push(node);
  }
  const rest = html.slice(last);
  if (rest) stack.at(-1)!.parts.push(rest);
  return root.parts;
}

/** Hosts a bare address on its own line is embedded from (WordPress's oEmbed providers, the common ones). */
const OEMBED_HOSTS =
  /^(?:www\.|m\.)?(?:youtube\.com|youtu\.be|vimeo\.com|twitter\.com|x\.com|instagram\.com|soundcloud\.com|open\.spotify\.com|flickr\.com|tiktok\.com|dailymotion\.com|facebook\.com|reddit\.com|tumblr\.com|ted\.com|slideshare\.net|mixcloud\.com|scribd\.com|issuu\.com|kickstarter\.com|wordpress\.tv|videopress\.com|bsky\.app|mastodon\.social|threads\.net)$/i;

const PROVIDER_NAMES: Record<string, string> = {
  "youtube.com": "YouTube",
  "youtu.be": "YouTube",
  "vimeo.com": "Vimeo",
  "twitter.com": "X (Twitter)",
  "x.com": "X (Twitter)",
  "instagram.com": "Instagram",
  "soundcloud.com": "SoundCloud",
  "open.spotify.com": "Spotify",
  "flickr.com": "Flickr",
  "tiktok.com": "TikTok",
  "facebook.com": "Facebook",
};

function providerOf(url: string): string | undefined {
  try {
    const host = new URL(url).hostname.replace(/^(?:www\.|m\.)/, "");
    return PROVIDER_NAMES[host] ?? host;
  } catch {
    return undefined;
  }
}

function embedBlock(rawUrl: string, caption?: string): Block | undefined {
  const url = decodeEntities(rawUrl.trim());
  if (!/^https?:\/\/[^\s/?#]+/i.test(url) || !URL.canParse(url)) return undefined;
  const provider = providerOf(url);
  const title = caption?.trim() || (provider ? `On ${provider}` : url);
  return { type: "embed", url, title: title.slice(0, 300), ...(provider ? { provider } : {}) };
}

/** An iframe's player address → the page a reader can open (YouTube, Vimeo); others as they are. */
function playerPage(src: string): string {
  const yt = /youtube(?:-nocookie)?\.com\/embed\/([\w-]{6,})/.exec(src);
  if (yt) return `https://www.youtube.com/watch?v=${yt[1]}`;
  const vimeo = /player\.vimeo\.com\/video\/(\d+)/.exec(src);
  if (vimeo) return `https://vimeo.com/${vimeo[1]}`;
  return src.startsWith("//") ? `https:${src}` : src;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&#0*38;|&amp;/g, "&")
    .replace(/&quot;|&#0*34;/g, '"')
    .replace(/&#0*39;|&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");
}

function attrOf(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, "i").exec(tag);
  const v = m ? (m[1] ?? m[2] ?? m[3]) : undefined;
  return v === undefined ? undefined : decodeEntities(v);
}

/** Shortcode attributes: name="v", name='v', name=v, and bare values. */
function shortcodeAttrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  for (const m of s.matchAll(/([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))|"([^"]*)"|(\S+)/g)) {
    if (m[1]) out[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? "");
    else out[String(i++)] = decodeEntities(m[5] ?? m[6] ?? "");
  }
  return out;
}

function imageFromTag(imgTag: string, caption?: string): ImageRef {
  const cls = attrOf(imgTag, "class") ?? "";
  const id = /\bwp-image-(\d+)\b/.exec(cls)?.[1];
  const src = attrOf(imgTag, "src");
  const alt = attrOf(imgTag, "alt");
  return {
    ...(id ? { attachmentId: Number(id) } : {}),
    ...(src ? { src } : {}),
    ...(alt ? { alt } : {}),
    ...(caption ? { caption } : {}),
  };
}

const BLOCK_TAG =
  /^\s*<(?:p|h[1-6]|ul|ol|li|blockquote|pre|table|div|figure|hr|dl|section|address|form|!--)\b/i;

/**
 * WordPress's wpautop, the part that matters for text: a blank line ends a
 * paragraph, a single newline inside one is a line break. Chunks that
 * already are block HTML stay as they are.
 */
export function autop(html: string): string {
  const text = html.replace(/\r\n?/g, "\n");
  if (!/\n\s*\n/.test(text) && /<p[\s>]/i.test(text)) return text;
  return text
    .split(/\n\s*\n/)
    .map((chunk) => chunk.trim())
    .filter(Boolean)
    .map((chunk) => (BLOCK_TAG.test(chunk) ? chunk : `<p>${chunk.replace(/\n/g, "<br>\n")}</p>`))
    .join("\n");
}

/** Known shortcodes of WordPress itself that Gazette turns into blocks. */
const HANDLED_SHORTCODES = new Set([
  "caption",
  "wp_caption",
  "gallery",
  "embed",
  "youtube",
  "vimeo",
  "video",
]);

class Converter {
  readonly notes: string[] = [];
  private specials: WpBlock[][] = [];

  private marker(blocks: WpBlock[]): string {
    this.specials.push(blocks);
    return `\n\n<p>\u27e6gz${this.specials.length - 1}\u27e7</p>\n\n`;
  }

  note(line: string): void {
    if (!this.notes.includes(line)) this.notes.push(line);
  }

  /**
   * HTML (classic or a block's own) → blocks. `paragraphs`: apply the
   * classic editor's blank-line convention (not inside Gutenberg blocks,
   * whose HTML is already in paragraphs).
   */
  html(source: string, paragraphs: boolean): WpBlock[] {
    let html = source;
    // [caption …]<a><img></a> Caption text[/caption]
    html = html.replace(
      /\[(?:wp_)?caption\b([^\]]*)\]([\s\S]*?)\[\/(?:wp_)?caption\]/gi,
      (_m, attrs: string, inner: string) => {
        const img = /<img\b[^>]*>/i.exec(inner)?.[0];
        const caption =
          htmlToText(inner.replace(/<a\b[^>]*>\s*<img\b[^>]*>\s*<\/a>|<img\b[^>]*>/gi, "")) ||
          shortcodeAttrs(attrs)["caption"];
        if (!img) return caption ?? "";
        return this.marker([{ type: "wp-image", ref: imageFromTag(img, caption || undefined) }]);
      },
    );
    // [gallery ids="1,2,3"]
    html = html.replace(/\[gallery\b([^\]]*)\]/gi, (_m, attrs: string) => {
      const ids = (shortcodeAttrs(attrs)["ids"] ?? "")
        .split(",")
        .map((s) => Number(s.trim()))
        .filter((n) => Number.isInteger(n) && n > 0);
      if (!ids.length) {
        this.note("a [gallery] without ids (the post's attached pictures) was left out: add them by hand");
        return "";
      }
      return this.marker(ids.map((id) => ({ type: "wp-image" as const, ref: { attachmentId: id } })));
    });
    // [embed]URL[/embed], [youtube URL], [youtube=URL], [vimeo URL], [video src=…]
    html = html.replace(/\[embed\b[^\]]*\]([\s\S]*?)\[\/embed\]/gi, (m, url: string) => {
      const e = embedBlock(htmlToText(url) || url);
      return e ? this.marker([e]) : m;
    });
    html = html.replace(/\[(youtube|vimeo)[\s=]([^\]]+)\]/gi, (m, _name: string, rest: string) => {
      const a = shortcodeAttrs(rest.trim());
      const url = (a["0"] ?? rest).trim();
      const e = embedBlock(/^https?:/i.test(url) ? url : `https://${url}`);
      return e ? this.marker([e]) : m;
    });
    html = html.replace(/\[video\b([^\]]*)\](?:[\s\S]*?\[\/video\])?/gi, (m, attrs: string) => {
      const a = shortcodeAttrs(attrs);
      const url = a["src"] ?? a["mp4"] ?? a["webm"];
      const e = url ? embedBlock(url, "Video") : undefined;
      if (e) this.note(`a [video] (${url}) is linked, not played: upload it to the library to play it here`);
      return e ? this.marker([e]) : m;
    });
    // Other shortcodes stay as text, and are listed.
    for (const m of html.matchAll(/\[([a-z][a-z0-9_-]*)(\s[^\]]*)?\]/gi)) {
      const name = m[1]!.toLowerCase();
      if (HANDLED_SHORTCODES.has(name)) continue;
      const looksLikeShortcode =
        (m[2] !== undefined && /=/.test(m[2])) || new RegExp(`\\[/${name}\\]`, "i").test(html);
      if (looksLikeShortcode) this.note(`shortcode [${name}] left as text`);
    }
    // <figure><img><figcaption>…</figcaption></figure>
    html = html.replace(/<figure\b[^>]*>([\s\S]*?)<\/figure>/gi, (m, inner: string) => {
      const img = /<img\b[^>]*>/i.exec(inner)?.[0];
      if (img) {
        const caption = /<figcaption\b[^>]*>([\s\S]*?)<\/figcaption>/i.exec(inner)?.[1];
        return this.marker([
          {
            type: "wp-image",
            ref: imageFromTag(img, caption ? htmlToText(caption) || undefined : undefined),
          },
        ]);
      }
      const iframe = /<iframe\b[^>]*>/i.exec(inner)?.[0];
      if (iframe) {
        const src = attrOf(iframe, "src");
        const e = src ? embedBlock(playerPage(src)) : undefined;
        if (e) return this.marker([e]);
      }
      return m;
    });
    // A picture (linked or not) anywhere else.
    html = html.replace(/(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*<\/a>)?/gi, (m) => {
      const img = /<img\b[^>]*>/i.exec(m)![0];
      return this.marker([{ type: "wp-image", ref: imageFromTag(img) }]);
    });
    // A video player frame → a link card to the video's page.
    html = html.replace(/<iframe\b[^>]*>(?:[\s\S]*?<\/iframe>)?/gi, (m) => {
      const src = attrOf(m, "src");
      const e = src ? embedBlock(playerPage(src)) : undefined;
      if (e) return this.marker([e]);
      this.note("an <iframe> without an address was left out");
      return "";
    });
    if (paragraphs) {
      // An address alone on its line (WordPress auto-embeds those).
      html = html.replace(/^[ \t]*(https?:\/\/[^\s<>"]+)[ \t]*$/gim, (m, url: string) => {
        const host = (() => {
          try {
            return new URL(url).hostname;
          } catch {
            return "";
          }
        })();
        if (!OEMBED_HOSTS.test(host)) return m;
        const e = embedBlock(url);
        return e ? this.marker([e]) : m;
      });
      html = autop(html);
    }
    const { blocks, dropped } = htmlToBlocksReporting(html);
    for (const w of droppedTextWarnings(dropped)) this.note(w);
    return this.expand(blocks);
  }

  /** Replaces the markers left in paragraphs by what they stand for. */
  private expand(blocks: Block[]): WpBlock[] {
    const out: WpBlock[] = [];
    const MARK = /\u27e6gz(\d+)\u27e7/;
    for (const b of blocks) {
      if (b.type !== "paragraph") {
        if ((b.type === "heading" || b.type === "quote") && MARK.test(b.text)) {
          const text = b.text.replace(new RegExp(MARK.source, "g"), "").trim();
          this.note("a picture inside a heading or quote was left out");
          if (text) out.push({ ...b, text });
          continue;
        }
        if (b.type === "list") {
          const items = b.items
            .map((runs) =>
              runs
                .map((r) => ({ ...r, text: r.text.replace(new RegExp(MARK.source, "g"), "") }))
                .filter((r) => r.text),
            )
            .filter((runs) => runs.length);
          if (items.length !== b.items.length || JSON.stringify(items) !== JSON.stringify(b.items))
            this.note("a picture inside a list was left out");
          if (items.length) out.push({ ...b, items });
          continue;
        }
        out.push(b);
        continue;
      }
      let runs: typeof b.content = [];
      const flush = () => {
        const content = runs
          .map((r, i) => ({
            ...r,
            text: i === 0 ? r.text.trimStart() : i === runs.length - 1 ? r.text.trimEnd() : r.text,
          }))
          .filter((r) => r.text);
        if (content.length) out.push({ type: "paragraph", content });
        runs = [];
      };
      for (const run of b.content) {
        const pieces = run.text.split(new RegExp(MARK.source));
        // split with a capture group: text, index, text, index, …
        for (let i = 0; i < pieces.length; i++) {
          if (i % 2 === 0) {
            if (pieces[i]) runs.push({ ...run, text: pieces[i]! });
          } else {
            flush();
            out.push(...(this.specials[Number(pieces[i])] ?? []));
          }
        }
      }
      flush();
    }
    return out;
  }

  blocks(parts: readonly (string | BlockNode)[], paragraphs: boolean): WpBlock[] {
    const out: WpBlock[] = [];
    for (const p of parts) {
      if (typeof p === "string") {
        if (p.trim()) out.push(...this.html(p, paragraphs));
      } else out.push(...this.block(p));
    }
    return out;
  }

  private ownHtml(b: BlockNode): string {
    return b.parts.filter((p): p is string => typeof p === "string").join("");
  }

  block(b: BlockNode): WpBlock[] {
    const short = b.name.startsWith("core/") ? b.name.slice(5) : b.name;
    const a = b.attrs;
    switch (short) {
      case "separator":
        return [{ type: "divider" }];
      case "spacer":
      case "more":
      case "nextpage":
      case "read-more":
        return [];
      case "embed": {
        const url = typeof a["url"] === "string" ? a["url"] : undefined;
        const caption = /<figcaption\b[^>]*>([\s\S]*?)<\/figcaption>/i.exec(this.ownHtml(b))?.[1];
        const e = url ? embedBlock(url, caption ? htmlToText(caption) : undefined) : undefined;
        if (e) return [e];
        this.note(`an embed without a usable address was left out`);
        return [];
      }
      case "image": {
        const html = this.ownHtml(b);
        const img = /<img\b[^>]*>/i.exec(html)?.[0];
        const caption = /<figcaption\b[^>]*>([\s\S]*?)<\/figcaption>/i.exec(html)?.[1];
        const ref: ImageRef = {
          ...(img ? imageFromTag(img) : {}),
          ...(typeof a["id"] === "number" ? { attachmentId: a["id"] } : {}),
          ...(caption && htmlToText(caption) ? { caption: htmlToText(caption) } : {}),
        };
        if (!ref.attachmentId && !ref.src) {
          this.note("an image block without a picture was left out");
          return [];
        }
        return [{ type: "wp-image", ref }];
      }
      case "gallery": {
        const inner = b.parts.filter((p): p is BlockNode => typeof p !== "string");
        if (inner.length) return inner.flatMap((p) => this.block(p));
        const ids = Array.isArray(a["ids"]) ? a["ids"].filter((n): n is number => typeof n === "number") : [];
        if (ids.length) return ids.map((id) => ({ type: "wp-image" as const, ref: { attachmentId: id } }));
        return this.html(this.ownHtml(b), false);
      }
      case "shortcode": {
        const text = this.ownHtml(b).trim();
        if (/^\[(?:caption|wp_caption|gallery|embed|youtube|vimeo|video)\b/i.test(text))
          return this.html(text, true);
        if (text) this.note(`shortcode ${text.slice(0, 40)} left as text`);
        return text ? [{ type: "paragraph", content: [{ text }] }] : [];
      }
      case "freeform":
        return this.html(this.ownHtml(b), true);
      case "table":
        this.note("a table was kept as paragraphs (Gazette has no table block)");
        return this.blocks(b.parts, false);
      default: {
        const known = b.name.startsWith("core/") && QUIET_BLOCKS.has(short);
        const out = this.blocks(b.parts, false);
        if (!known)
          this.note(
            out.length
              ? `unknown block ${b.name}: its text was kept`
              : `unknown block ${b.name} had no text and was left out`,
          );
        return out;
      }
    }
  }
}

/**
 * An HTML fragment that is already in paragraphs (a Ghost HTML card, a
 * callout's text) → blocks and notes, pictures and embeds included.
 */
export function htmlFragmentBody(html: string): BodyResult {
  const c = new Converter();
  return { blocks: c.html(html, false), notes: c.notes };
}

/** A post's body (content:encoded) → blocks and notes. */
export function wordpressBody(html: string): BodyResult {
  const c = new Converter();
  const blocks = isBlockMarkup(html) ? c.blocks(parseBlocks(html), true) : c.html(html, true);
  return { blocks, notes: c.notes };
}
