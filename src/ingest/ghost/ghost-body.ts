/**
 * A Ghost post's body → Gazette's blocks. Ghost has stored posts in two
 * editors' formats: mobiledoc (Ghost 1–4; sections of marked-up text and
 * cards) and Lexical (Ghost 5–6; a tree of nodes and cards). Both are read
 * structurally, card by card — pictures, galleries, embeds, bookmarks,
 * callouts, toggles, HTML and Markdown cards, the paywall divider (where
 * the free preview ends) — with every HTML part through the same
 * hostile-HTML-safe path as everything else (html-to-blocks.ts). A post
 * with neither is read from its rendered HTML. What does not come through
 * whole is noted (email-only content, signup forms, unknown cards).
 *
 * Pure: no database, no files.
 */
import { marked } from "marked";
import type { Inline } from "../../content/model.ts";
import { cleanHref, htmlToText, normaliseInline } from "../html-to-blocks.ts";
import { type BodyResult, type ImageRef, type WpBlock, htmlFragmentBody } from "../wordpress/wp-body.ts";

type Json = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Ghost writes its own address as __GHOST_URL__ in stored content (4.x on). */
export function withSiteUrl(s: string, siteUrl: string): string {
  return s.replaceAll("__GHOST_URL__", siteUrl);
}

class Reader {
  readonly notes: string[] = [];
  readonly blocks: WpBlock[] = [];

  note(line: string): void {
    if (!this.notes.includes(line)) this.notes.push(line);
  }

  html(html: string): void {
    if (!html.trim()) return;
    const r = htmlFragmentBody(html);
    this.blocks.push(...r.blocks);
    for (const n of r.notes) this.note(n);
  }

  text(runs: Inline[]): Inline[] {
    return normaliseInline(runs);
  }

  paragraph(runs: Inline[]): void {
    const content = this.text(runs);
    if (content.length) this.blocks.push({ type: "paragraph", content });
  }

  heading(tag: string, runs: Inline[]): void {
    const text = this.text(runs)
      .map((r) => r.text)
      .join("");
    const n = Number(/^h([1-6])$/.exec(tag)?.[1] ?? 2);
    if (text) this.blocks.push({ type: "heading", level: n <= 2 ? 2 : n === 3 ? 3 : 4, text });
  }

  quote(runs: Inline[]): void {
    const text = this.text(runs)
      .map((r) => r.text)
      .join("");
    if (text) this.blocks.push({ type: "quote", text });
  }

  image(ref: ImageRef): void {
    if (ref.src) this.blocks.push({ type: "wp-image", ref });
    else this.note("an image card without a picture was left out");
  }

  /** The cards both formats share, by name and payload. */
  card(name: string, p: Json): void {
    switch (name) {
      case "image":
        return this.image(imageRef(p));
      case "gallery": {
        const images = arr(p["images"]).map(obj);
        if (!images.length) return this.note("an empty gallery was left out");
        for (const img of images) this.image(imageRef(img));
        const caption = htmlToText(str(p["caption"]));
        if (caption) this.blocks.push({ type: "paragraph", content: [{ text: caption, italic: true }] });
        return;
      }
      case "embed": {
        const url = str(p["url"]);
        const meta = obj(p["metadata"]);
        const title = htmlToText(str(p["caption"])) || str(meta["title"]) || str(p["title"]);
        return this.link(url, title, str(meta["provider_name"]) || undefined, "an embed");
      }
      case "bookmark": {
        const meta = obj(p["metadata"]);
        const url = str(p["url"]) || str(meta["url"]);
        const title = str(meta["title"]) || str(p["title"]) || htmlToText(str(p["caption"]));
        return this.link(
          url,
          title,
          str(meta["publisher"]) || str(p["publisher"]) || undefined,
          "a bookmark",
        );
      }
      case "html":
        return this.html(str(p["html"]));
      case "markdown":
      case "card-markdown":
        return this.html(marked.parse(str(p["markdown"]), { async: false, gfm: true }));
      case "hr":
      case "horizontalrule":
        this.blocks.push({ type: "divider" });
        return;
      case "paywall":
        this.blocks.push({ type: "preview-end" });
        return;
      case "callout": {
        const emoji = str(p["calloutEmoji"]);
        const before = this.blocks.length;
        this.html(str(p["calloutText"]));
        const first = this.blocks[before];
        if (emoji && first?.type === "paragraph") first.content.unshift({ text: `${emoji} ` });
        return;
      }
      case "toggle": {
        const heading = htmlToText(str(p["heading"]));
        if (heading) this.blocks.push({ type: "heading", level: 3, text: heading });
        this.html(str(p["content"]));
        return;
      }
      case "code":
      case "codeblock": {
        const code = str(p["code"]);
        for (const line of code.split(/\n\s*\n/).filter((l) => l.trim()))
          this.blocks.push({ type: "paragraph", content: [{ text: line }] });
        if (code.trim()) this.note("a code card was kept as plain text (Gazette has no code block)");
        return;
      }
      case "button": {
        const href = cleanHref(str(p["buttonUrl"]).trim());
        const text = str(p["buttonText"]).trim();
        if (text) this.blocks.push({ type: "paragraph", content: [href ? { text, href } : { text }] });
        return;
      }
      case "header": {
        const h = htmlToText(str(p["header"]));
        if (h) this.blocks.push({ type: "heading", level: 2, text: h });
        this.html(str(p["subheader"]));
        return;
      }
      case "video":
      case "audio":
      case "file": {
        const src = str(p["src"]);
        const title =
          str(p["fileTitle"]) ||
          str(p["title"]) ||
          htmlToText(str(p["caption"])) ||
          src.split("/").pop() ||
          name;
        this.note(
          `a ${name} card (${src.slice(0, 120)}) is linked, not played: upload it to the library to play it here`,
        );
        return this.link(src, title, undefined, `a ${name} card`);
      }
      case "email":
      case "email-cta":
        return this.note("content meant only for the email newsletter was left out");
      case "signup":
      case "product":
      case "nft":
      case "call-to-action":
      case "transistor":
        return this.note(`a ${name} card was left out (it is Ghost's own feature)`);
      default:
        return this.note(`unknown card "${name}" was left out`);
    }
  }

  private link(rawUrl: string, title: string, provider: string | undefined, what: string): void {
    const url = rawUrl.trim();
    if (!/^https?:\/\/[^\s/?#]+/i.test(url) || !URL.canParse(url))
      return this.note(`${what} without a usable address was left out`);
    this.blocks.push({
      type: "embed",
      url,
      title: (title.trim() || url).slice(0, 300),
      ...(provider ? { provider: provider.slice(0, 100) } : {}),
    });
  }
}

function imageRef(p: Json): ImageRef {
  const src = str(p["src"]);
  const alt = str(p["alt"]);
  const caption = htmlToText(str(p["caption"]));
  return { ...(src ? { src } : {}), ...(alt ? { alt } : {}), ...(caption ? { caption } : {}) };
}

// ---- Lexical --------------------------------------------------------------

const BOLD = 1;
const ITALIC = 2;

function lexicalInline(nodes: unknown[], href?: string): Inline[] {
  const out: Inline[] = [];
  for (const raw of nodes) {
    const n = obj(raw);
    const type = str(n["type"]);
    if (type === "text" || type === "extended-text") {
      const format = typeof n["format"] === "number" ? n["format"] : 0;
      const run: Inline = { text: str(n["text"]) };
      if (format & BOLD) run.bold = true;
      if (format & ITALIC) run.italic = true;
      if (href) run.href = href;
      out.push(run);
    } else if (type === "linebreak") out.push({ text: "\n" });
    else if (type === "link" || type === "autolink") {
      out.push(...lexicalInline(arr(n["children"]), cleanHref(str(n["url"])) ?? href));
    } else if (Array.isArray(n["children"])) out.push(...lexicalInline(n["children"], href));
  }
  return out;
}

function readLexical(r: Reader, root: Json): void {
  for (const raw of arr(obj(root["root"])["children"])) {
    const n = obj(raw);
    const type = str(n["type"]);
    const children = arr(n["children"]);
    switch (type) {
      case "paragraph":
      case "extended-paragraph":
        r.paragraph(lexicalInline(children));
        break;
      case "heading":
      case "extended-heading":
        r.heading(str(n["tag"]), lexicalInline(children));
        break;
      case "quote":
      case "extended-quote":
      case "aside":
        r.quote(lexicalInline(children));
        break;
      case "list": {
        const items: Inline[][] = [];
        const walk = (list: Json) => {
          for (const li of arr(list["children"]).map(obj)) {
            const own = arr(li["children"]).filter((c) => str(obj(c)["type"]) !== "list");
            const runs = normaliseInline(lexicalInline(own));
            if (runs.length) items.push(runs);
            for (const nested of arr(li["children"])
              .map(obj)
              .filter((c) => str(c["type"]) === "list"))
              walk(nested);
          }
        };
        walk(n);
        if (items.length)
          r.blocks.push({
            type: "list",
            ordered: str(n["listType"]) === "number" || str(n["tag"]) === "ol",
            items,
          });
        break;
      }
      default:
        r.card(type, n);
    }
  }
}

// ---- Mobiledoc ------------------------------------------------------------

function readMobiledoc(r: Reader, doc: Json): void {
  const markups = arr(doc["markups"]).map((m) => arr(m));
  const cards = arr(doc["cards"]).map((c) => arr(c));
  const atoms = arr(doc["atoms"]).map((a) => arr(a));
  const runsOf = (markers: unknown[]): Inline[] => {
    const open: number[] = [];
    const out: Inline[] = [];
    for (const raw of markers) {
      const m = arr(raw);
      for (const i of arr(m[1])) if (typeof i === "number") open.push(i);
      const marks = open.map((i) => markups[i] ?? []);
      const tags = marks.map((mk) => str(mk[0]).toLowerCase());
      let text = "";
      if (m[0] === 1) {
        const atom = atoms[Number(m[3])] ?? [];
        text = str(atom[0]) === "soft-return" ? "\n" : str(atom[1]);
      } else text = str(m[3]);
      const run: Inline = { text };
      if (tags.some((t) => t === "strong" || t === "b")) run.bold = true;
      if (tags.some((t) => t === "em" || t === "i")) run.italic = true;
      const a = marks.find((mk) => str(mk[0]).toLowerCase() === "a");
      if (a) {
        const attrs = arr(a[1]);
        const at = attrs.indexOf("href");
        const href = at >= 0 ? cleanHref(str(attrs[at + 1])) : undefined;
        if (href) run.href = href;
      }
      out.push(run);
      const close = typeof m[2] === "number" ? m[2] : 0;
      open.splice(open.length - close, close);
    }
    return out;
  };
  for (const raw of arr(doc["sections"])) {
    const s = arr(raw);
    switch (s[0]) {
      case 1: {
        const tag = str(s[1]).toLowerCase();
        const runs = runsOf(arr(s[2]));
        if (/^h[1-6]$/.test(tag)) r.heading(tag, runs);
        else if (tag === "blockquote" || tag === "aside" || tag === "pull-quote") r.quote(runs);
        else r.paragraph(runs);
        break;
      }
      case 3: {
        const items = arr(s[2])
          .map((item) => normaliseInline(runsOf(arr(item))))
          .filter((i) => i.length);
        if (items.length) r.blocks.push({ type: "list", ordered: str(s[1]).toLowerCase() === "ol", items });
        break;
      }
      case 10: {
        const card = cards[Number(s[1])] ?? [];
        r.card(str(card[0]), obj(card[1]));
        break;
      }
      case 2:
        r.image({ src: str(s[1]) });
        break;
      default:
        r.note(`a mobiledoc section of type ${String(s[0])} was left out`);
    }
  }
}

/**
 * A Ghost post's body: Lexical when it has one, else mobiledoc, else its
 * rendered HTML. `siteUrl` replaces Ghost's __GHOST_URL__ placeholder.
 */
export function ghostBody(
  post: { lexical?: unknown; mobiledoc?: unknown; html?: unknown },
  siteUrl: string,
): BodyResult {
  const r = new Reader();
  const parse = (field: "lexical" | "mobiledoc"): Json | undefined => {
    const raw = post[field];
    if (typeof raw !== "string" || !raw.trim()) return undefined;
    try {
      return obj(JSON.parse(withSiteUrl(raw, siteUrl)));
    } catch {
      r.note(`its ${field} could not be read; it was imported from its HTML`);
      return undefined;
    }
  };
  const lexical = parse("lexical");
  if (lexical && obj(lexical["root"])["children"]) readLexical(r, lexical);
  else {
    const mobiledoc = lexical ? undefined : parse("mobiledoc");
    if (mobiledoc && Array.isArray(mobiledoc["sections"])) readMobiledoc(r, mobiledoc);
    else r.html(withSiteUrl(str(post.html), siteUrl));
  }
  return { blocks: r.blocks, notes: r.notes };
}
