import type { Block } from "./model.ts";
import { bodyWordCount } from "./text.ts";

/** Adult silent reading speed for non-fiction (Brysbaert 2019: 238 wpm); we round to 230 for news. */
export const WORDS_PER_MINUTE = 230;

/**
 * Seconds a reader spends on the n-th image (0-based): 12 s for the first,
 * one second less for each next one, never below 3 s (the rule Medium
 * published for its reading time).
 */
export function imageSeconds(index: number): number {
  return Math.max(3, 12 - index);
}

/**
 * Reading time in whole minutes, never typed in:
 * `ceil((words / 230 × 60 + Σ imageSeconds(i)) / 60)`, at least 1.
 * Words are counted over paragraphs, headings, quotes, lists, captions and
 * embeds; every image in the body (and the hero image, when `heroImage` is
 * true) adds its seconds. Videos add nothing: their length is shown apart.
 *
 * @example readingTimeMinutes([{ type: "paragraph", content: [{ text: "word ".repeat(460) }] }]) // 2
 */
export function readingTimeMinutes(blocks: readonly Block[], opts: { heroImage?: boolean } = {}): number {
  const words = bodyWordCount(blocks);
  const images = blocks.filter((b) => b.type === "image").length + (opts.heroImage ? 1 : 0);
  let seconds = (words / WORDS_PER_MINUTE) * 60;
  for (let i = 0; i < images; i++) seconds += imageSeconds(i);
  return Math.max(1, Math.ceil(seconds / 60));
}
