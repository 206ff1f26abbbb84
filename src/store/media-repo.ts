/** Image and video records (the files themselves live in the MediaStore). */
import { z } from "zod";
import type { Rendition } from "../media/media-store.ts";
import { type VideoInput, videoInputSchema, videoSourceSchema } from "../content/model.ts";
import { recordChange } from "./change-feed.ts";
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
}

export interface Video {
  id: number;
  title: string;
  durationSeconds: number | null;
  poster: Image | null;
  sources: { url: string; type: string }[];
  caption: string | null;
  credit: string | null;
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
  await recordChange(db, ["videos"]);
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
