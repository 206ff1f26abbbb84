/**
 * Which creative fills an ad slot: the direct-sold campaigns Gazette serves
 * itself, chosen on the server when a page is rendered, with the
 * configuration's house ads as the fallback. Pure: the campaigns, the slot
 * and a rotation seed in, a creative out, so the same page rendered in the
 * same rotation window by any process shows the same ads (and a cached page
 * stays right until its window ends).
 *
 * The rules, in order:
 * 1. a campaign is eligible while it is active, between its dates, short of
 *    its impression budget, under the reader's frequency cap, and its
 *    targeting matches the slot (every dimension it names must match:
 *    section, topic, story, slot position);
 * 2. a creative fits when it is text, or an image whose size the slot accepts;
 * 3. the highest priority among eligible campaigns wins; within it, campaigns
 *    share by weight, then their creatives by weight — a deterministic pick
 *    from the seed, so rotation is even over windows and slots;
 * 4. a page shows a creative once when it has others to show;
 * 5. nothing eligible: a house ad, else the slot stays empty (its space kept).
 */
import { z } from "zod";
import type { HouseAd } from "./ad-placement.ts";

export const AD_POSITIONS = ["top", "body", "rail", "list"] as const;
export type AdPosition = (typeof AD_POSITIONS)[number];

export const adTargetingSchema = z
  .object({
    /** Section slugs; empty: every section. */
    sections: z.array(z.string().min(1).max(120)).max(100).default([]),
    /** Topic slugs; empty: any topic. */
    topics: z.array(z.string().min(1).max(120)).max(200).default([]),
    /** Story ids; empty: any story (and pages that are not stories). */
    stories: z.array(z.number().int().positive()).max(1000).default([]),
    /** Slot positions; empty: every position. */
    positions: z.array(z.enum(AD_POSITIONS)).max(4).default([]),
  })
  .strict();
export type AdTargeting = z.output<typeof adTargetingSchema>;

export interface CampaignCreative {
  id: number;
  kind: "image" | "text";
  weight: number;
  /** An image creative's size; it fills slots that accept exactly this size. */
  width: number | null;
  height: number | null;
}

export interface EligibleCampaign<C extends CampaignCreative = CampaignCreative> {
  id: number;
  priority: number;
  weight: number;
  targeting: AdTargeting;
  creatives: readonly C[];
}

/** Where a slot is and what is around it. */
export interface SlotContext {
  position: AdPosition;
  /** Sizes the slot accepts, [width, height]. */
  sizes: readonly (readonly [number, number])[];
  /** The page's section, topics and story, when it has them. */
  sectionSlug?: string | undefined;
  topicSlugs?: readonly string[] | undefined;
  storyId?: number | undefined;
}

export function targets(t: AdTargeting, slot: SlotContext): boolean {
  if (t.positions.length && !t.positions.includes(slot.position)) return false;
  if (t.sections.length && !(slot.sectionSlug && t.sections.includes(slot.sectionSlug))) return false;
  if (t.stories.length && !(slot.storyId && t.stories.includes(slot.storyId))) return false;
  if (t.topics.length && !(slot.topicSlugs ?? []).some((s) => t.topics.includes(s))) return false;
  return true;
}

export function fits(c: CampaignCreative, slot: SlotContext): boolean {
  if (c.kind === "text") return true;
  return slot.sizes.some(([w, h]) => w === c.width && h === c.height);
}

/** A number in [0, 1) from a string: FNV-1a, so every process and run agrees. */
export function unitHash(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final mix spreads seeds that differ in their last characters.
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 2 ** 32;
}

function byWeight<T extends { weight: number }>(items: readonly T[], u: number): T | undefined {
  const total = items.reduce((n, i) => n + Math.max(0, i.weight), 0);
  if (total <= 0) return items[0];
  let at = u * total;
  for (const i of items) {
    at -= Math.max(0, i.weight);
    if (at < 0) return i;
  }
  return items.at(-1);
}

export type Choice<C extends CampaignCreative> =
  { kind: "campaign"; campaignId: number; creative: C } | { kind: "house"; ad: HouseAd } | undefined;

export interface ChoiceOptions {
  /** Names the page, the slot and the rotation window. */
  seed: string;
  houseAds: readonly HouseAd[];
  /** Creatives already on the page (rule 4); the choice is added. */
  shown?: Set<number>;
  /** Campaigns this reader has seen as often as their frequency cap allows today. */
  capped?: ReadonlySet<number>;
}

/** Chooses a creative for one slot. */
export function chooseCreative<C extends CampaignCreative>(
  campaigns: readonly EligibleCampaign<C>[],
  slot: SlotContext,
  o: ChoiceOptions,
): Choice<C> {
  const { seed, houseAds } = o;
  const shown = o.shown ?? new Set<number>();
  const candidates = campaigns
    .filter((c) => !o.capped?.has(c.id))
    .map((c) => ({ ...c, fitting: c.creatives.filter((cr) => cr.weight > 0 && fits(cr, slot)) }))
    .filter((c) => c.fitting.length && c.weight > 0 && targets(c.targeting, slot));
  if (candidates.length) {
    const top = Math.max(...candidates.map((c) => c.priority));
    const best = candidates.filter((c) => c.priority === top);
    // Prefer creatives not yet on the page; repeat one only when the page has nothing else to show.
    const fresh = best
      .map((c) => ({ ...c, fitting: c.fitting.filter((cr) => !shown.has(cr.id)) }))
      .filter((c) => c.fitting.length);
    const pool = fresh.length ? fresh : best;
    const campaign = byWeight(pool, unitHash(`${seed}|campaign`))!;
    const creative = byWeight(campaign.fitting, unitHash(`${seed}|creative`))!;
    shown.add(creative.id);
    return { kind: "campaign", campaignId: campaign.id, creative };
  }
  if (!houseAds.length) return undefined;
  return { kind: "house", ad: houseAds[Math.floor(unitHash(`${seed}|house`) * houseAds.length)]! };
}

/** The rotation window a moment falls in: creatives change when it does. */
export function rotationWindow(nowMs: number, seconds: number): { index: number; endsAt: number } {
  const size = seconds * 1000;
  const index = Math.floor(nowMs / size);
  return { index, endsAt: (index + 1) * size };
}

/** Is the campaign serving at `now`: active, between its dates, and short of its budget? */
export function isLive(
  c: { status: string; startsAt: string; endsAt: string | null; budgetImpressions: number | null },
  impressions: number,
  now: Date,
): boolean {
  const t = now.getTime();
  if (c.status !== "active") return false;
  if (Date.parse(c.startsAt) > t) return false;
  if (c.endsAt && Date.parse(c.endsAt) <= t) return false;
  if (c.budgetImpressions !== null && impressions >= c.budgetImpressions) return false;
  return true;
}
