/**
 * Cache keys (surrogate keys): what a cached page shows, and what a write
 * changes. A reader page is tagged with the key of everything on it; the
 * store's write functions record the keys they touch on the change feed;
 * every process then drops the pages tagged with them (and purges a CDN).
 * This module is the one list of keys; nothing else spells them.
 */
export type CacheKey =
  | `story:${number}`
  | `comments:${number}`
  | `section:${string}`
  | `topic:${string}`
  | `author:${string}`
  | `video:${number}`
  | `page:${string}`
  /** A live story's changes JSON (its page is `story:`). */
  | `live:${number}`
  /** The front page. */
  | "home"
  /** Lists of every story: feeds, sitemaps, search. */
  | "all"
  /** The section navigation on every page. */
  | "sections"
  /** The video index. */
  | "videos"
  /** The corrections page. */
  | "corrections"
  /** Site settings and the moderation policy: every page. */
  | "settings"
  /** Plans and institutions: the gated pages that offer plans, and every process's access rules. */
  | "memberships"
  /** A reader's subscription, grant or session changed: every process asks the database again. */
  | "entitlements"
  /** Campaigns and creatives: every page with an ad slot, and every process's campaign list. */
  | "ads";

export const cacheKey = {
  story: (id: number): CacheKey => `story:${id}`,
  /** A story's comment threads (its comment pages and the count on its page). */
  comments: (storyId: number): CacheKey => `comments:${storyId}`,
  section: (slug: string): CacheKey => `section:${slug}`,
  topic: (slug: string): CacheKey => `topic:${slug}`,
  author: (slug: string): CacheKey => `author:${slug}`,
  video: (id: number): CacheKey => `video:${id}`,
  page: (slug: string): CacheKey => `page:${slug}`,
  live: (storyId: number): CacheKey => `live:${storyId}`,
  home: "home",
  all: "all",
  sections: "sections",
  videos: "videos",
  corrections: "corrections",
  settings: "settings",
  memberships: "memberships",
  entitlements: "entitlements",
  ads: "ads",
} as const;

export const storyKeys = {
  /** A change to a story's comments: its page (the count) and its comment pages. */
  comments: (storyId: number): CacheKey[] => [cacheKey.story(storyId), cacheKey.comments(storyId)],
  /** The pages listing these stories. */
  of: (stories: readonly { id: number }[]): CacheKey[] => stories.map((s) => cacheKey.story(s.id)),
};
