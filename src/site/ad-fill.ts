/**
 * What fills a page's ad slots, as the views see it. A page render asks its
 * `AdFill` once per slot; the advertising feature's fill chooses among
 * direct-sold campaigns (content/ad-selection.ts), the house-only fill here
 * is what previews and sites without campaigns use.
 */
import type { HouseAd } from "../content/ad-placement.ts";
import type { AdPosition } from "../content/ad-selection.ts";
import type { Image } from "../store/media-repo.ts";

export interface CampaignAd {
  kind: "campaign";
  creativeId: number;
  campaignId: number;
  advertiser: string;
  /** The click address on our origin (/ad/click/ID), which counts and forwards. */
  clickUrl: string;
  /** An image ad: its picture, shown at its own size. */
  image?: { img: Image; width: number; height: number; alt: string } | undefined;
  /** A text ad. */
  headline: string;
  body: string;
  cta: string;
}

export type AdChoiceView = CampaignAd | { kind: "house"; ad: HouseAd } | undefined;

export interface AdSlotRequest {
  position: AdPosition;
  /** Unique on the page: "story-top", "story-body-2", "home-list-1". */
  id: string;
  sizes: readonly (readonly [number, number])[];
}

export interface AdFill {
  pick(slot: AdSlotRequest): AdChoiceView;
}

/** Where a page is, for targeting. */
export interface PageAdContext {
  /** Names the page in rotation seeds: its path. */
  page: string;
  storyId?: number | undefined;
  sectionSlug?: string | undefined;
  topicSlugs?: readonly string[] | undefined;
}

/** The house ads alone, one per slot, steady per page. */
export function houseFill(houseAds: readonly HouseAd[], seed: number): AdFill {
  let n = 0;
  return {
    pick: () => {
      if (!houseAds.length) return undefined;
      const ad = houseAds[Math.abs(seed + n++) % houseAds.length]!;
      return { kind: "house", ad };
    },
  };
}

/** What a rendered page shows of the campaigns: counted on every response, and when to render it again. */
export interface PageAds {
  shown: { creativeId: number; campaignId: number }[];
  /** The rotation window ends: the cached page is rendered again after it (epoch ms). */
  expiresAt?: number | undefined;
  /** Campaigns on the page that cap how often a reader sees them: a reader at a cap gets a page of their own. */
  capped?: number[] | undefined;
  /** Rendered for one reader (a frequency cap changed what it shows): never stored in a shared cache. */
  personal?: true | undefined;
}

/** A page's fill: picks per slot, then says what the page shows. */
export interface PageFill extends AdFill {
  record(): PageAds | undefined;
}

/** The advertising feature as the reading pages see it. */
export interface AdProvider {
  /** `cookie`: the request's Cookie header (frequency caps are counted in a cookie). */
  fill(ctx: PageAdContext, cookie?: string | undefined): Promise<PageFill>;
}
