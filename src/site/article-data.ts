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

export async function articleInputs(
  db: Db,
  story: Story,
  opts: { commentSort?: CommentSort; commentsScript?: string } = {},
): Promise<{ inputs: Omit<ArticleInputs, "preview">; keys: CacheKey[] }> {
  const media = storyMedia(story);
  const videos = await videosByIds(db, media.videoIds);
  const linkedIds = story.body.flatMap((b) => (b.type === "related-story" ? [b.storyId] : []));
  const [images, related, linked, corrections, versions, comments, inSection] = await Promise.all([
    imagesByIds(db, media.imageIds),
    relatedStories(db, story, 4),
    teasersByIds(db, linkedIds),
    correctionsForStory(db, story.id),
    countPublicRevisions(db, story.id),
    commentsBlock(db, story, opts.commentSort ?? "newest", opts.commentsScript),
    // The rail's "Latest in <section>" (the page already carries the section's cache key).
    listVisible(db, { kind: "section", sectionId: story.section.id }, { limit: 6, offset: 0, count: false }),
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
      historyPath: versions > 1 ? historyPathOf(story.path) : undefined,
      comments,
      sectionLatest,
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
    ],
  };
}
