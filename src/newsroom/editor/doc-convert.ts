/**
 * Gazette's story blocks ↔ the editor's ProseMirror document (Tiptap JSON).
 * Pure functions, tested in test/unit: what the reporter types must come
 * back as the same blocks, mark for mark.
 */
import type { Block, Inline } from "./api.ts";

export interface PmMark {
  type: string;
  attrs?: Record<string, unknown>;
}
export interface PmNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: PmNode[];
  text?: string;
  marks?: PmMark[];
}

function inlineToPm(runs: readonly Inline[]): PmNode[] {
  return runs
    .filter((r) => r.text.length > 0)
    .map((r) => {
      const marks: PmMark[] = [];
      if (r.bold) marks.push({ type: "bold" });
      if (r.italic) marks.push({ type: "italic" });
      if (r.href) marks.push({ type: "link", attrs: { href: r.href } });
      return { type: "text", text: r.text, ...(marks.length ? { marks } : {}) };
    });
}

function pmToInline(nodes: readonly PmNode[] | undefined): Inline[] {
  const out: Inline[] = [];
  for (const n of nodes ?? []) {
    if (n.type !== "text" || !n.text) continue;
    const run: Inline = { text: n.text };
    for (const m of n.marks ?? []) {
      if (m.type === "bold") run.bold = true;
      if (m.type === "italic") run.italic = true;
      if (m.type === "link" && typeof m.attrs?.["href"] === "string") run.href = m.attrs["href"];
    }
    // Neighbouring runs with the same marks become one.
    const prev = out[out.length - 1];
    if (prev && prev.bold === run.bold && prev.italic === run.italic && prev.href === run.href)
      prev.text += run.text;
    else out.push(run);
  }
  return out;
}

const plain = (nodes: readonly PmNode[] | undefined) => (nodes ?? []).map((n) => n.text ?? "").join("");

export function blocksToDoc(blocks: readonly Block[]): PmNode {
  const content: PmNode[] = blocks.map((b): PmNode => {
    switch (b.type) {
      case "paragraph":
        return { type: "paragraph", content: inlineToPm(b.content) };
      case "heading":
        return {
          type: "heading",
          attrs: { level: b.level },
          content: b.text ? [{ type: "text", text: b.text }] : [],
        };
      case "quote":
        return {
          type: "gzQuote",
          attrs: { attribution: b.attribution ?? "", sourceUrl: b.sourceUrl ?? "" },
          content: b.text ? [{ type: "text", text: b.text }] : [],
        };
      case "list":
        return {
          type: b.ordered ? "orderedList" : "bulletList",
          content: b.items.map((item) => ({
            type: "listItem",
            content: [{ type: "paragraph", content: inlineToPm(item) }],
          })),
        };
      case "image":
        return { type: "gzImage", attrs: { imageId: b.imageId, caption: b.caption ?? "" } };
      case "video":
        return { type: "gzVideo", attrs: { videoId: b.videoId } };
      case "embed":
        return { type: "gzEmbed", attrs: { url: b.url, title: b.title, provider: b.provider ?? "" } };
      case "divider":
        return { type: "horizontalRule" };
      case "related-story":
        return { type: "gzRelated", attrs: { storyId: b.storyId } };
      case "preview-end":
        return { type: "gzPreviewEnd", attrs: { marker: 1 } };
    }
  });
  return { type: "doc", content: content.length ? content : [{ type: "paragraph" }] };
}

function listItems(list: PmNode): Inline[][] {
  return (list.content ?? []).flatMap((li) => {
    // Each item's paragraphs join into one line; nested lists are flattened after it.
    const paras = (li.content ?? []).filter((c) => c.type === "paragraph");
    const nested = (li.content ?? []).filter((c) => c.type === "bulletList" || c.type === "orderedList");
    const text = pmToInline(
      paras.flatMap((p, i) =>
        i > 0 ? [{ type: "text", text: " " }, ...(p.content ?? [])] : (p.content ?? []),
      ),
    );
    return [...(text.length ? [text] : []), ...nested.flatMap(listItems)];
  });
}

/** The document as story blocks; empty paragraphs and empty lists are dropped. */
export function docToBlocks(doc: PmNode): Block[] {
  const out: Block[] = [];
  for (const n of doc.content ?? []) {
    const a = n.attrs ?? {};
    switch (n.type) {
      case "paragraph": {
        const content = pmToInline(n.content);
        if (content.some((r) => r.text.trim())) out.push({ type: "paragraph", content });
        break;
      }
      case "heading": {
        const text = plain(n.content).trim();
        const level = a["level"] === 3 || a["level"] === 4 ? a["level"] : 2;
        if (text) out.push({ type: "heading", level, text });
        break;
      }
      case "gzQuote": {
        const text = plain(n.content).trim();
        if (!text) break;
        const attribution = String(a["attribution"] ?? "").trim();
        const sourceUrl = String(a["sourceUrl"] ?? "").trim();
        out.push({
          type: "quote",
          text,
          ...(attribution ? { attribution } : {}),
          ...(sourceUrl ? { sourceUrl } : {}),
        });
        break;
      }
      case "bulletList":
      case "orderedList": {
        const items = listItems(n);
        if (items.length) out.push({ type: "list", ordered: n.type === "orderedList", items });
        break;
      }
      case "gzImage": {
        const caption = String(a["caption"] ?? "").trim();
        out.push({ type: "image", imageId: Number(a["imageId"]), ...(caption ? { caption } : {}) });
        break;
      }
      case "gzVideo":
        out.push({ type: "video", videoId: Number(a["videoId"]) });
        break;
      case "gzEmbed": {
        const provider = String(a["provider"] ?? "").trim();
        out.push({
          type: "embed",
          url: String(a["url"] ?? ""),
          title: String(a["title"] ?? ""),
          ...(provider ? { provider } : {}),
        });
        break;
      }
      case "horizontalRule":
        out.push({ type: "divider" });
        break;
      case "gzRelated":
        out.push({ type: "related-story", storyId: Number(a["storyId"]) });
        break;
      case "gzPreviewEnd":
        // One preview point: a second marker is dropped.
        if (!out.some((b) => b.type === "preview-end")) out.push({ type: "preview-end" });
        break;
    }
  }
  return out;
}
