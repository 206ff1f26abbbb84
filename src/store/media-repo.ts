/** Image and video records (the files themselves live in the MediaStore). */
import { z } from "zod";
import type { Rendition } from "../media/media-store.ts";
import { type VideoInput, videoInputSchema, videoSourceSchema } from "../content/model.ts";
import { recordChange } from "./change-feed.ts";
import { cacheKey } from "./cache-keys.ts";
import type { Db } from "./database.ts";

export interface Image {
  id: number;
  file: string | null;
  remoteUrl: string | null;
  mime: string;
  width: number;
  height: number;
  alt: string;
  caption: string | null;
  credit: string | null;
  renditions: Rendition[];
  /** The point every crop keeps in view, percent across and down (50, 50: the centre). */
  focalPoint: { x: number; y: number };
}

export interface Video {
  id: number;
  title: string;
  durationSeconds: number | null;
  poster: Image | null;
  sources: { url: string; type: string }[];
  caption: string | null;
  credit: string | null;
  /** When it joined the library. */
  createdAt: string;
}

const renditionsSchema = z.array(
  z.object({
    width: z.number(),
    height: z.number(),
    format: z.enum(["avif", "webp", "jpeg"]),
    file: z.string(),
  }),
);

export interface NewImage {
  file: string | null;
  remoteUrl: string | null;
  mime: string;
  width: number;
  height: number;
  alt: string;
  caption?: string | null;
  credit?: string | null;
  renditions: Rendition[];
  sourceUri?: string | null;
}

export async function insertImage(db: Db, img: NewImage): Promise<number> {
  const row = await db
    .insertInto("images")
    .values({
      file: img.file,
      remote_url: img.remoteUrl,
      mime: img.mime,
      width: img.width,
      height: img.height,
      alt: img.alt,
      caption: img.caption ?? null,
      credit: img.credit ?? null,
      renditions: JSON.stringify(img.renditions),
      source_uri: img.sourceUri ?? null,
      created_at: new Date().toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertVideo(
  db: Db,
  input: VideoInput & { sourceUri?: string | null },
): Promise<number> {
  const v = { ...videoInputSchema.parse(input), sourceUri: input.sourceUri };
  const row = await db
    .insertInto("videos")
    .values({
      title: v.title,
      duration_seconds: v.durationSeconds,
      poster_image_id: v.posterImageId ?? null,
      sources: JSON.stringify(v.sources),
      caption: v.caption ?? null,
      credit: v.credit ?? null,
      source_uri: v.sourceUri ?? null,
      created_at: new Date().toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordChange(db, [cacheKey.videos]);
  return row.id;
}

export async function imagesByIds(db: Db, ids: readonly number[]): Promise<Map<number, Image>> {
  const out = new Map<number, Image>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom("images")
    .selectAll()
    .where("id", "in", [...new Set(ids)])
    .execute();
  for (const r of rows) {
    out.set(r.id, {
      id: r.id,
      file: r.file,
      remoteUrl: r.remote_url,
      mime: r.mime,
      width: r.width,
      height: r.height,
      alt: r.alt,
      caption: r.caption,
      credit: r.credit,
      renditions: renditionsSchema.parse(JSON.parse(r.renditions)),
      focalPoint: { x: r.focal_x, y: r.focal_y },
    });
  }
  return out;
}

export async function videosByIds(db: Db, ids: readonly number[]): Promise<Map<number, Video>> {
  const out = new Map<number, Video>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom("videos")
    .selectAll()
    .where("id", "in", [...new Set(ids)])
    .execute();
  const posters = await imagesByIds(
    db,
    rows.flatMap((r) => (r.poster_image_id ? [r.poster_image_id] : [])),
  );
  for (const r of rows) {
    out.set(r.id, {
      id: r.id,
      title: r.title,
      durationSeconds: r.duration_seconds,
      poster: r.poster_image_id ? (posters.get(r.poster_image_id) ?? null) : null,
      createdAt: r.created_at,
      sources: z.array(videoSourceSchema).parse(JSON.parse(r.sources)),
      caption: r.caption,
      credit: r.credit,
    });
  }
  return out;
}

/** Every video, newest first: the video page. */
export async function listVideos(db: Db, limit: number, offset: number): Promise<Video[]> {
  const rows = await db
    .selectFrom("videos")
    .select("id")
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .offset(offset)
    .execute();
  const map = await videosByIds(
    db,
    rows.map((r) => r.id),
  );
  return rows.flatMap((r) => {
    const v = map.get(r.id);
    return v ? [v] : [];
  });
}

export async function videoById(db: Db, id: number): Promise<Video | undefined> {
  return (await videosByIds(db, [id])).get(id);
}

/** The newsroom's media library: images newest first, optionally matching caption, alt or credit. */
export async function listImages(
  db: Db,
  opts: { q?: string | undefined; limit: number; offset: number },
): Promise<Image[]> {
  let q = db.selectFrom("images").select("id");
  const text = opts.q?.trim();
  if (text) {
    const like = `%${text}%`;
    q = q.where((eb) =>
      eb.or([eb("caption", "like", like), eb("alt", "like", like), eb("credit", "like", like)]),
    );
  }
  const rows = await q.orderBy("id", "desc").limit(opts.limit).offset(opts.offset).execute();
  const map = await imagesByIds(
    db,
    rows.map((r) => r.id),
  );
  return rows.flatMap((r) => {
    const img = map.get(r.id);
    return img ? [img] : [];
  });
}

/** Stories that show an image (as hero or in the body): their pages change with it. */
async function storiesShowing(db: Db, kind: "image" | "video", id: number): Promise<number[]> {
  const rows = await db
    .selectFrom("story_media")
    .select("story_id")
    .where("kind", "=", kind)
    .where("media_id", "=", id)
    .execute();
  return rows.map((r) => r.story_id);
}
const storiesShowingImage = (db: Db, id: number) => storiesShowing(db, "image", id);

/** The published stories (readers see them now) that show a picture or a video, with their headlines. */
export async function liveStoriesShowing(
  db: Db,
  kind: "image" | "video",
  id: number,
): Promise<{ id: number; headline: string }[]> {
  return db
    .selectFrom("story_media")
    .innerJoin("stories", "stories.id", "story_media.story_id")
    .select(["stories.id as id", "stories.headline as headline"])
    .where("story_media.kind", "=", kind)
    .where("story_media.media_id", "=", id)
    .where("stories.status", "=", "published")
    .where("stories.trashed_at", "is", null)
    .orderBy("stories.id")
    .execute();
}

export const imageTextSchema = z.object({
  alt: z.string().trim().max(500, "keep alt text under 500 characters").optional(),
  caption: z.string().trim().max(2000).nullable().optional(),
  credit: z.string().trim().max(300).nullable().optional(),
  /** Percent across and down; every crop the site makes keeps it in view. */
  focalPoint: z
    .object({
      x: z.number().int().min(0, "must be 0–100 (percent across)").max(100, "must be 0–100 (percent across)"),
      y: z.number().int().min(0, "must be 0–100 (percent down)").max(100, "must be 0–100 (percent down)"),
    })
    .strict()
    .optional(),
});

/** Changes an image's alt text, caption, credit or focal point, and refreshes every page that shows it. */
export async function updateImageText(
  db: Db,
  id: number,
  patch: z.infer<typeof imageTextSchema>,
): Promise<Image | undefined> {
  const set: {
    alt?: string;
    caption?: string | null;
    credit?: string | null;
    focal_x?: number;
    focal_y?: number;
  } = {};
  if (patch.focalPoint) {
    set.focal_x = patch.focalPoint.x;
    set.focal_y = patch.focalPoint.y;
  }
  if (patch.alt !== undefined) set.alt = patch.alt;
  if (patch.caption !== undefined) set.caption = patch.caption || null;
  if (patch.credit !== undefined) set.credit = patch.credit || null;
  if (Object.keys(set).length) {
    await db.updateTable("images").set(set).where("id", "=", id).execute();
    const stories = await storiesShowingImage(db, id);
    await recordChange(db, [...stories.map(cacheKey.story), cacheKey.home, cacheKey.all]);
  }
  return (await imagesByIds(db, [id])).get(id);
}

export const videoPatchSchema = z.object({
  title: z.string().trim().min(1).max(300).optional(),
  durationSeconds: z
    .number()
    .int()
    .nonnegative()
    .max(86_400 * 2)
    .nullable()
    .optional(),
  posterImageId: z.number().int().positive().nullable().optional(),
  caption: z.string().trim().max(2000).nullable().optional(),
  credit: z.string().trim().max(300).nullable().optional(),
});

export async function updateVideo(
  db: Db,
  id: number,
  patch: z.infer<typeof videoPatchSchema>,
): Promise<Video | undefined> {
  const set: Record<string, string | number | null> = {};
  if (patch.title !== undefined) set.title = patch.title;
  if (patch.durationSeconds !== undefined) set.duration_seconds = patch.durationSeconds;
  if (patch.posterImageId !== undefined) set.poster_image_id = patch.posterImageId;
  if (patch.caption !== undefined) set.caption = patch.caption || null;
  if (patch.credit !== undefined) set.credit = patch.credit || null;
  if (Object.keys(set).length) {
    await db.updateTable("videos").set(set).where("id", "=", id).execute();
    // The video's own page, the video list, and every story that shows it.
    const stories = await storiesShowing(db, "video", id);
    await recordChange(db, [cacheKey.video(id), cacheKey.videos, ...stories.map(cacheKey.story)]);
  }
  return videoById(db, id);
}

export async function countVideos(db: Db): Promise<number> {
  const r = await db
    .selectFrom("videos")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Every file the media records name, with who names it: what `gazette media verify` checks. */
export async function mediaInventory(db: Db): Promise<{
  images: { id: number; file: string; width: number; height: number; renditions: Rendition[] }[];
  videos: { id: number; files: string[] }[];
  storiesShowing: Map<string, number[]>;
}> {
  const imageRows = await db
    .selectFrom("images")
    .select(["id", "file", "width", "height", "renditions"])
    .where("file", "is not", null)
    .orderBy("id")
    .execute();
  const videoRows = await db.selectFrom("videos").select(["id", "sources"]).orderBy("id").execute();
  const uses = await db.selectFrom("story_media").select(["story_id", "kind", "media_id"]).execute();
  const storiesShowing = new Map<string, number[]>();
  for (const u of uses) {
    const k = `${u.kind}:${u.media_id}`;
    storiesShowing.set(k, [...(storiesShowing.get(k) ?? []), u.story_id]);
  }
  return {
    images: imageRows.map((r) => ({
      id: r.id,
      file: r.file!,
      width: r.width,
      height: r.height,
      renditions: renditionsSchema.parse(JSON.parse(r.renditions)),
    })),
    videos: videoRows.map((r) => ({
      id: r.id,
      files: (JSON.parse(r.sources) as { url: string }[])
        .map((s) => s.url)
        .filter((u) => u.startsWith("/media/"))
        .map((u) => u.slice("/media/".length)),
    })),
    storiesShowing,
  };
}

/** Replaces a picture's list of renditions (after `gazette media renditions` made new sizes). */
export async function setRenditions(db: Db, id: number, renditions: Rendition[]): Promise<void> {
  await db
    .updateTable("images")
    .set({ renditions: JSON.stringify(renditions) })
    .where("id", "=", id)
    .execute();
  const stories = await storiesShowing(db, "image", id);
  await recordChange(db, [...stories.map(cacheKey.story), cacheKey.home, cacheKey.all]);
}

/** The library's picture or video that came from this wire item (`uri` of a standalone picture/video item), if any. */
export async function mediaBySourceUri(
  db: Db,
  uri: string,
): Promise<{ kind: "image" | "video"; id: number } | undefined> {
  const image = await db.selectFrom("images").select("id").where("source_uri", "=", uri).executeTakeFirst();
  if (image) return { kind: "image", id: image.id };
  const video = await db.selectFrom("videos").select("id").where("source_uri", "=", uri).executeTakeFirst();
  return video ? { kind: "video", id: video.id } : undefined;
}
