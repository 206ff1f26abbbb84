import type { Block, Inline } from "./model.ts";

export function inlineText(content: readonly Inline[]): string {
  return content.map((r) => r.text).join("");
}

/** The readable text of one block (what a reader reads), without media. */
export function blockText(block: Block): string {
  switch (block.type) {
    case "paragraph":
      return inlineText(block.content);
    case "heading":
      return block.text;
    case "quote":
      return block.attribution ? `${block.text} ${block.attribution}` : block.text;
    case "list":
      return block.items.map(inlineText).join(" ");
    case "embed":
      return block.title;
    case "image":
      return block.caption ?? "";
    case "video":
    case "divider":
    case "related-story":
    case "preview-end":
      return "";
  }
}

export function countWords(text: string): number {
  const m = text.match(/[\p{L}\p{N}]+(?:['’\-.][\p{L}\p{N}]+)*/gu);
  return m ? m.length : 0;
}

/** Words in the body, as schema.org `wordCount` and the reading-time rule count them. */
export function bodyWordCount(blocks: readonly Block[]): number {
  return blocks.reduce((n, b) => n + countWords(blockText(b)), 0);
}

export function plainText(blocks: readonly Block[]): string {
  return blocks
    .map(blockText)
    .filter((t) => t.length > 0)
    .join("\n\n");
}

/**
 * Text from readers without what hides or reorders it: control characters
 * (all but tab and newline; CR LF becomes LF) and the bidirectional
 * overrides and isolates (U+202A–202E, U+2066–2069) that make "gpj.exe"
 * read as "exe.jpg".
 */
export function stripControls(text: string): string {
  return (
    text
      .replace(/\r\n?/g, "\n")
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, "")
  );
}
