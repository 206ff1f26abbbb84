import { z } from "zod";
import { type Block, type BlockType, httpUrlOrPath } from "./model.ts";

const sizeSchema = z.tuple([z.number().int().positive(), z.number().int().positive()]);

export const houseAdSchema = z.object({
  id: z.string().min(1),
  advertiser: z.string().min(1),
  headline: z.string().min(1),
  text: z.string().min(1),
  cta: z.string().min(1),
  /** Where the creative links: an http(s) URL or a path on this site. */
  href: httpUrlOrPath,
});
export type HouseAd = z.infer<typeof houseAdSchema>;

export const adRulesSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** A slot above the article (leaderboard). */
    top: z.boolean().default(true),
    topSizes: z
      .array(sizeSchema)
      .min(1)
      .default([
        [728, 90],
        [320, 100],
      ]),
    /** The first in-body slot comes after this many paragraphs. */
    firstAfterParagraph: z.number().int().min(1).default(2),
    /** Then one slot every this many paragraphs. */
    everyParagraphs: z.number().int().min(1).default(4),
    /** At most this many in-body slots per story. */
    maxPerStory: z.number().int().min(0).default(3),
    /** Stories with fewer paragraphs get no in-body slot. */
    minParagraphs: z.number().int().min(0).default(4),
    /** Sizes an in-body slot accepts; the tallest is reserved so nothing shifts. */
    bodySizes: z
      .array(sizeSchema)
      .min(1)
      .default([
        [300, 250],
        [336, 280],
      ]),
    /** Block types a slot may never stand directly next to. */
    keepAwayFrom: z
      .array(z.enum(["image", "video", "quote", "embed", "heading", "list", "divider", "related-story"]))
      .default(["image", "video", "quote"]),
    /** On section, topic and author pages, an ad slot after every this many stories; on the front page, two between its parts (0: none). */
    listEvery: z.number().int().min(0).max(50).default(6),
    /** How often the direct-sold creatives of a slot rotate, seconds (a cached page is rendered again then). */
    rotateSeconds: z.number().int().min(10).max(86_400).default(300),
    /** House creatives shown when no ad server fills a slot (the demo's own ads). */
    houseAds: z.array(houseAdSchema).default([]),
  })
  .strict();
export type AdRules = z.output<typeof adRulesSchema>;
export type AdRulesInput = z.input<typeof adRulesSchema>;

export const defaultAdRules: AdRules = adRulesSchema.parse({});

/**
 * Where in-body ad slots go: the indexes of the blocks *after which* a slot is
 * inserted, in order.
 *
 * A slot may follow a paragraph once at least `firstAfterParagraph`
 * paragraphs have passed, and then once `everyParagraphs` more have passed
 * since the previous slot. A slot is never placed directly before or after a
 * block of a `keepAwayFrom` type (it slides on to the next paragraph that
 * qualifies), never after the last block, and never more than
 * `maxPerStory`. A story with fewer than `minParagraphs` paragraphs gets none.
 *
 * @example placeAds(blocks, { ...defaultAdRules, firstAfterParagraph: 2, everyParagraphs: 3 })
 */
export function placeAds(blocks: readonly Block[], rules: AdRules): number[] {
  if (!rules.enabled || rules.maxPerStory === 0) return [];
  const paragraphs = blocks.filter((b) => b.type === "paragraph").length;
  if (paragraphs < rules.minParagraphs) return [];
  const avoid = new Set<BlockType>(rules.keepAwayFrom);
  const slots: number[] = [];
  let seen = 0;
  let sinceLast = 0;
  let next = rules.firstAfterParagraph;
  for (let i = 0; i < blocks.length - 1 && slots.length < rules.maxPerStory; i++) {
    const block = blocks[i]!;
    if (block.type !== "paragraph") continue;
    seen++;
    sinceLast++;
    const due = slots.length === 0 ? seen >= next : sinceLast >= next;
    if (!due) continue;
    const after = blocks[i + 1]!;
    if (avoid.has(block.type) || avoid.has(after.type)) continue;
    slots.push(i);
    sinceLast = 0;
    next = rules.everyParagraphs;
  }
  return slots;
}

/** The largest height among the sizes: the space a slot reserves so the page never shifts. */
export function reservedHeight(sizes: readonly (readonly [number, number])[]): number {
  return Math.max(...sizes.map(([, h]) => h));
}
