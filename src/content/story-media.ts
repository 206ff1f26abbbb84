/**
 * Which pictures and videos a story shows: the hero, the body's image and
 * video blocks, the related-video module, the social card's picture, a
 * sponsor's logo; video posters are not counted
 * (a poster belongs to its video). The one answer to the question, used by
 * the page (what to load), the editor's preview, and the store's
 * `story_media` rows (which stories a media change refreshes).
 */
import type { Block } from "./model.ts";

export interface MediaRefs {
  imageIds: number[];
  videoIds: number[];
}

/** The media a story shows, each id once, in the order the page shows them. */
export function storyMedia(s: {
  heroImageId?: number | null | undefined;
  body: readonly Block[];
  relatedVideoIds: readonly number[];
  seo?: { socialImageId?: number | undefined } | undefined;
  sponsor?: { logoImageId?: number | undefined } | undefined;
}): MediaRefs {
  const images = new Set<number>();
  const videos = new Set<number>();
  if (s.heroImageId) images.add(s.heroImageId);
  for (const b of s.body) {
    if (b.type === "image") images.add(b.imageId);
    else if (b.type === "video") videos.add(b.videoId);
  }
  for (const id of s.relatedVideoIds) videos.add(id);
  // The social card's picture: not on the page, but in every share of it.
  if (s.seo?.socialImageId) images.add(s.seo.socialImageId);
  // A sponsored story's sponsor logo.
  if (s.sponsor?.logoImageId) images.add(s.sponsor.logoImageId);
  return { imageIds: [...images], videoIds: [...videos] };
}
