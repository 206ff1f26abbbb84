/**
 * Stories as lists show them (teasers), and the one rule of what readers may
 * see now; shared by the story queries and search.
 */
import type { ExpressionBuilder } from "kysely";
import { z } from "zod";
import type { Database } from "./schema.ts";
import { effectiveAccess } from "../content/access.ts";
import type { AccessLevel } from "../content/model.ts";
import { accessOf, sponsorOf } from "./taxonomy-store.ts";

export interface StoryTeaser {
  id: number;
  path: string;
  headline: string;
  summary: string[];
  heroImageId: number | null;
  sectionSlug: string;
  sectionName: string;
  firstPublishedAt: string;
  updatedAt: string;
  byline: string | null;
  /** Approved comments; 0 also when comments are off (then not shown). */
  commentCount: number;
  /** Who may read it in full (its own setting, else its section's): lists label subscribers' stories. */
  access: AccessLevel;
  /** Paid content: the sponsor's name. */
  sponsoredBy: string | null;
  /** A live story: open (lists say LIVE) and its latest post's time. */
  live: { open: boolean; lastPostAt: string | null } | null;
}

/** The condition "a reader may see this story now": published, its time come, any embargo passed. */
export function visibleNow(now: string) {
  return (eb: ExpressionBuilder<Database, "stories">) =>
    eb.and([
      eb("stories.status", "=", "published"),
      eb("stories.first_published_at", "is not", null),
      eb("stories.first_published_at", "<=", now),
      eb.or([eb("stories.embargo_until", "is", null), eb("stories.embargo_until", "<=", now)]),
    ]);
}

export type TeaserRow = {
  id: number;
  path: string;
  headline: string;
  summary: string;
  hero_image_id: number | null;
  first_published_at: string | null;
  updated_at: string;
  byline: string | null;
  section_slug: string;
  section_name: string;
  /** Absent in search hits. */
  comment_count?: number | null;
  /** The story's and its section's access settings (JSON), when the query read them. */
  access?: string | null;
  section_access?: string | null;
  sponsor?: string | null;
  /** A live story's coverage, when the query joined it. */
  live_state?: string | null;
  live_last_post_at?: string | null;
};

const jsonStrings = z.array(z.string());

export function toTeaser(r: TeaserRow): StoryTeaser {
  return {
    id: r.id,
    path: r.path,
    headline: r.headline,
    summary: jsonStrings.parse(JSON.parse(r.summary)),
    heroImageId: r.hero_image_id,
    sectionSlug: r.section_slug,
    sectionName: r.section_name,
    firstPublishedAt: r.first_published_at ?? r.updated_at,
    updatedAt: r.updated_at,
    byline: r.byline,
    commentCount: Number(r.comment_count ?? 0),
    access: effectiveAccess(accessOf(r.access), accessOf(r.section_access)).level,
    sponsoredBy: sponsorOf(r.sponsor)?.name ?? null,
    live: r.live_state ? { open: r.live_state === "open", lastPostAt: r.live_last_post_at ?? null } : null,
  };
}
