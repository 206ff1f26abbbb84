/**
 * Everything an article page shows besides the story itself, gathered from
 * the store, and the surrogate keys of all of it. Used by the public page
 * and by signed previews.
 */
import type { ArticleInputs } from "./article-page.ts";
import { storyMedia } from "../content/story-media.ts";
import type { Db } from "../store/database.ts";
import { imagesByIds, videosByIds } from "../store/media-repo.ts";
import { type CacheKey, cacheKey, storyKeys } from "../store/cache-keys.ts";
import { correctionsForStory, countPublicRevisions } from "../store/revision-store.ts";
import { type Story } from "../store/story-store.ts";
import { listVisible, relatedStories, teasersByIds } from "../store/story-queries.ts";
import { commentsModeOf } from "../content/comment-rules.ts";
import { type CommentSort, commentPage } from "../store/comment-store.ts";
import { pagePolicy } from "../store/moderation-policy-store.ts";
import type { CommentsBlock } from "./comments-view.ts";
import { type LivePost, POSTS_PER_PAGE } from "../content/live.ts";
import {
  countLivePostChanges,
  liveCoverage,
  livePostById,
  pinnedLivePosts,
  publishedLivePosts,
} from "../store/live-store.ts";
import { authorsBySlugs } from "../store/taxonomy-store.ts";
import type { LiveView } from "./live-view.ts";

/** The first page of a story's comments, its count and whether it takes new ones. */
export async function commentsBlock(
  db: Db,
  story: Story,
  sort: CommentSort,
  scriptHref?: string,
): Promise<CommentsBlock> {
  // Count and mode come with the story row: no second read of it per render.
  const policy = await pagePolicy(db);
  const mode = commentsModeOf(story, policy);
  const page =
    mode === "off"
      ? { comments: [], replies: new Map(), next: undefined }
      : await commentPage(db, story.id, { sort, limit: 20 });
  return {
    storyId: story.id,
    storyPath: story.path,
    count: story.commentCount,
    mode,
    sort,
    ...page,
    maxLength: policy.maxLength,
    maxDepth: policy.maxDepth,
    scriptHref,
  };
}

/** The public history page of a story at `path`. */
export function historyPathOf(storyPath: string): string {
  return `${storyPath}/history`;
}

/** Pictures and videos the posts show, loaded; their authors. */
export async function postsContext(db: Db, posts: readonly LivePost[]) {
  const images = new Set<number>();
  const videos = new Set<number>();
  const linked = new Set<number>();
  for (const p of posts)
    for (const b of p.body) {
      if (b.type === "image") images.add(b.imageId);
      else if (b.type === "video") videos.add(b.videoId);
      else if (b.type === "related-story") linked.add(b.storyId);
    }
  const [imageMap, videoMap, linkedMap, authors] = await Promise.all([
    imagesByIds(db, [...images]),
    videosByIds(db, [...videos]),
    teasersByIds(db, [...linked]),
    authorsBySlugs(db, [...new Set(posts.flatMap((p) => p.authorSlugs))]),
  ]);
  return {
    blocks: { images: imageMap, videos: videoMap, linked: linkedMap },
    authors: new Map(authors.map((a) => [a.slug, a])),
  };
}

/**
 * A live story's stream: the coverage, key events, pinned posts (first page)
 * and one page of posts — the newest, or from post `from` on (an older page,
 * or a shared post's page). Undefined for a story that is not live.
 */
export async function liveInputs(db: Db, storyId: number, from?: number): Promise<LiveView | undefined> {
  const coverage = await liveCoverage(db, storyId);
  if (!coverage) return undefined;
  const start = from ? await livePostById(db, from) : undefined;
  const at =
    start && start.storyId === storyId && start.status === "published" && start.publishedAt
      ? { publishedAt: start.publishedAt, id: start.id }
      : undefined;
  const [pinned, keyEvents, page, changes] = await Promise.all([
    at ? Promise.resolve([]) : pinnedLivePosts(db, storyId),
    publishedLivePosts(db, storyId, { limit: 50, keyEventsOnly: true }),
    publishedLivePosts(db, storyId, { limit: POSTS_PER_PAGE + 1, ...(at ? { from: at } : {}) }),
    countLivePostChanges(db, storyId),
  ]);
  const posts = page.slice(0, POSTS_PER_PAGE);
  const ctx = await postsContext(db, [...pinned, ...posts]);
  return {
    coverage,
    pinned,
    keyEvents,
    // The pinned posts are shown above the stream of the first page, not again in it.
    posts: at ? posts : posts.filter((p) => !p.pinned),
    older: !!at,
    nextFrom: page.length > POSTS_PER_PAGE ? page[POSTS_PER_PAGE]!.id : undefined,
    changes,
    authors: ctx.authors,
    blocks: ctx.blocks,
  };
}

export async function articleInputs(
  db: Db,
  story: Story,
  opts: { commentSort?: CommentSort; commentsScript?: string; liveFrom?: number | undefined } = {},
): Promise<{ inputs: Omit<ArticleInputs, "preview">; keys: CacheKey[] }> {
  const media = storyMedia(story);
  const videos = await videosByIds(db, media.videoIds);
  const linkedIds = story.body.flatMap((b) => (b.type === "related-story" ? [b.storyId] : []));
  const [images, related, linked, corrections, versions, comments, inSection, live] = await Promise.all([
    imagesByIds(db, media.imageIds),
    relatedStories(db, story, 4),
    teasersByIds(db, linkedIds),
    correctionsForStory(db, story.id),
    countPublicRevisions(db, story.id),
    commentsBlock(db, story, opts.commentSort ?? "newest", opts.commentsScript),
    // The rail's "Latest in <section>" (the page already carries the section's cache key).
    listVisible(db, { kind: "section", sectionId: story.section.id }, { limit: 6, offset: 0, count: false }),
    liveInputs(db, story.id, opts.liveFrom),
  ]);
  const sectionLatest = inSection.items.filter((t) => t.id !== story.id).slice(0, 5);
  const relatedImages = await imagesByIds(
    db,
    related.flatMap((t) => (t.heroImageId ? [t.heroImageId] : [])),
  );
  return {
    inputs: {
      story,
      images,
      videos,
      related,
      linked,
      relatedImages,
      corrections,
      historyPath: versions > 1 || (live?.changes ?? 0) > 0 ? historyPathOf(story.path) : undefined,
      comments,
      sectionLatest,
      ...(live ? { live } : {}),
    },
    keys: [
      cacheKey.story(story.id),
      cacheKey.section(story.section.slug),
      ...story.topics.map((t) => cacheKey.topic(t.slug)),
      ...story.authors.map((a) => cacheKey.author(a.slug)),
      ...[...videos.keys()].map(cacheKey.video),
      ...storyKeys.of(related),
      ...storyKeys.of(sectionLatest),
      ...storyKeys.of([...linked.values()]),
      ...linkedIds.map(cacheKey.story),
      cacheKey.sections,
      cacheKey.comments(story.id),
      ...(live ? [...live.authors.keys()].map(cacheKey.author) : []),
      ...(live ? [...live.blocks.videos.keys()].map(cacheKey.video) : []),
    ],
  };
}
