/**
 * Admin API: the media library. Uploads are checked by their bytes (magic
 * numbers, via file-type), not their names or declared types; capped in
 * size; images are re-encoded without metadata (no GPS position leaves the
 * newsroom); a video's duration is read from the file and a poster frame
 * is taken from it.
 */
import type { FastifyRequest } from "fastify";
import { fileTypeFromBuffer } from "file-type";
import { z } from "zod";
import type { Config } from "../../config.ts";
import { httpsUrl, videoSourceSchema } from "../../content/model.ts";
import { GazetteError } from "../../content/errors.ts";
import { MediaError, type MediaStore, PictureTooLargeError } from "../../media/media-store.ts";
import { posterFrame, probeDurationSeconds, withTempFile } from "../../media/video-probe.ts";
import type { Db } from "../../store/database.ts";
import {
  type Image,
  type Video,
  imageTextSchema,
  imagesByIds,
  insertImage,
  insertVideo,
  listImages,
  listVideos,
  videoById,
  videoPatchSchema,
  videosByIds,
} from "../../store/media-repo.ts";
import { imageUrl } from "../../site/components.ts";
import { endpoint, idParam } from "../../web/endpoint.ts";
import { changeImage, changeVideo } from "../media-service.ts";

const IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"]);
const VIDEO_TYPES = new Map([
  ["video/mp4", "mp4"],
  ["video/webm", "webm"],
  ["video/quicktime", "mov"],
]);

export function imageJson(img: Image) {
  return {
    id: img.id,
    width: img.width,
    height: img.height,
    alt: img.alt,
    caption: img.caption,
    credit: img.credit,
    focalPoint: img.focalPoint,
    thumbnail: imageUrl(img, 480),
    url: imageUrl(img, 1200),
  };
}

export function videoJson(v: Video) {
  return {
    id: v.id,
    title: v.title,
    durationSeconds: v.durationSeconds,
    poster: v.poster ? imageJson(v.poster) : null,
    sources: v.sources,
    caption: v.caption,
    credit: v.credit,
  };
}

/** A body that is not the multipart/form-data it says (no boundary, cut short, no parts): the client's fault, 400. */
function unreadableUpload(err: unknown): GazetteError {
  const reason = err instanceof Error ? err.message.replace(/\.$/, "") : "it could not be parsed";
  return new GazetteError(
    "GZ_ERR_VALIDATION",
    `The upload is not readable multipart/form-data (${reason}). Send the file in a field named “file”.`,
    { fields: [{ path: "file", message: "is missing or cut short" }] },
  );
}

/**
 * Reads a multipart upload whole: the one file (in a field named "file") and
 * the text fields, in whatever order the client sent them (a field after the
 * file is read too), within the size cap. A malformed body is a 400 naming
 * the problem.
 */
async function readUpload(
  req: FastifyRequest,
  limits: { fileSize: number; files: number; fields: number },
  maxMb: number,
): Promise<{ data: Buffer; fields: Record<string, string> }> {
  let data: Buffer | undefined;
  const fields: Record<string, string> = {};
  try {
    for await (const part of req.parts({ limits })) {
      if (part.type === "file") {
        const bytes = await part.toBuffer();
        if (part.fieldname === "file" && !data) data = bytes;
      } else if (typeof part.value === "string") fields[part.fieldname] = part.value;
    }
  } catch (err) {
    if ((err as { code?: string }).code === "FST_REQ_FILE_TOO_LARGE")
      throw new GazetteError("GZ_ERR_BODY_TOO_LARGE", `The file is larger than the ${maxMb} MB limit.`, {
        fields: [{ path: "file", message: `must be at most ${maxMb} MB` }],
      });
    if (err instanceof GazetteError) throw err;
    throw unreadableUpload(err);
  }
  if (!data) {
    throw new GazetteError(
      "GZ_ERR_VALIDATION",
      "Send the file as multipart/form-data in a field named “file”.",
      { fields: [{ path: "file", message: "is required" }] },
    );
  }
  return { data, fields };
}

const idList = z
  .string()
  .regex(/^\d{1,10}(,\d{1,10}){0,99}$/, "must be ids separated by commas, e.g. 3,17,42")
  .transform((v) => v.split(",").map(Number));

const pageQuery = z.object({
  /** Exactly these (the editor loads the media a story shows). */
  ids: idList.optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(40),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export function mediaEndpoints(db: Db, media: MediaStore, config: Config) {
  const { maxImageMb, maxVideoMb } = config.newsroom;
  return [
    endpoint({
      method: "GET",
      path: "/api/admin/images",
      access: "newsroom.read",
      responds: "json",
      tag: "Media",
      summary: "The image library, newest first; q searches caption, alt text and credit",
      query: pageQuery,
      handler: async ({ query }) => ({
        items: query.ids
          ? [...(await imagesByIds(db, query.ids)).values()].map(imageJson)
          : (await listImages(db, query)).map(imageJson),
      }),
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/images",
      access: "media.upload",
      responds: "json",
      tag: "Media",
      summary: `Upload an image (multipart: file, and optional alt, caption, credit); JPEG, PNG, WebP, GIF or AVIF, at most ${maxImageMb} MB`,
      status: 201,
      multipart: true,
      handler: async ({ req }) => {
        const { data, fields } = await readUpload(
          req,
          { fileSize: maxImageMb * 1024 * 1024, files: 1, fields: 10 },
          maxImageMb,
        );
        const type = await fileTypeFromBuffer(data);
        if (!type || !IMAGE_TYPES.has(type.mime)) {
          throw new GazetteError(
            "GZ_ERR_UPLOAD_TYPE",
            `That file is ${type ? type.mime : "not a known type"}; upload a JPEG, PNG, WebP, GIF or AVIF image.`,
            { fields: [{ path: "file", message: "must be a JPEG, PNG, WebP, GIF or AVIF image" }] },
          );
        }
        const text = imageTextSchema.parse({
          alt: fields.alt ?? "",
          caption: fields.caption || null,
          credit: fields.credit || null,
        });
        let stored;
        try {
          // The original is kept (metadata stripped) now; its sizes are made
          // after the answer, one picture at a time (renditionsLater).
          stored = await media.putOriginal(data, { stripMetadata: true });
        } catch (e) {
          if (e instanceof PictureTooLargeError)
            throw new GazetteError("GZ_ERR_VALIDATION", `That picture is too large: ${e.message}`, {
              fields: [{ path: "file", message: e.message }],
            });
          if (e instanceof MediaError)
            throw new GazetteError("GZ_ERR_UPLOAD_TYPE", e.message, {
              fields: [{ path: "file", message: e.message }],
            });
          throw e;
        }
        media
          .renditionsLater(stored)
          .catch((err: unknown) =>
            req.log.error(
              { err, file: stored.file },
              "making a picture's sizes failed; each is made on request",
            ),
          );
        const id = await insertImage(db, {
          file: stored.file,
          remoteUrl: null,
          mime: stored.mime,
          width: stored.width,
          height: stored.height,
          alt: text.alt ?? "",
          caption: text.caption ?? null,
          credit: text.credit ?? null,
          renditions: stored.renditions,
        });
        return imageJson((await imagesByIds(db, [id])).get(id)!);
      },
    }),
    endpoint({
      method: "PATCH",
      path: "/api/admin/images/:id",
      access: "media.edit",
      responds: "json",
      tag: "Media",
      summary:
        "Change an image's alt text, caption, credit or focal point (every page showing it is refreshed). On a picture a published story shows: editors only, alt text, caption and credit cannot be emptied, and the change is recorded in each such story's history",
      params: idParam,
      body: imageTextSchema,
      handler: async ({ params, body, user }) => imageJson(await changeImage(db, user!, params.id, body)),
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/videos",
      access: "newsroom.read",
      responds: "json",
      tag: "Media",
      summary: "The video library, newest first",
      query: pageQuery,
      handler: async ({ query }) => ({
        items: query.ids
          ? [...(await videosByIds(db, query.ids)).values()].map(videoJson)
          : (await listVideos(db, query.limit, query.offset)).map(videoJson),
      }),
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/videos",
      access: "media.upload",
      responds: "json",
      tag: "Media",
      summary: `Upload a video (multipart: file, title, optional caption, credit); MP4, WebM or QuickTime, at most ${maxVideoMb} MB. Duration read from the file, poster taken from it.`,
      status: 201,
      multipart: true,
      handler: async ({ req }) => {
        const { data, fields } = await readUpload(
          req,
          { fileSize: maxVideoMb * 1024 * 1024, files: 1, fields: 10 },
          maxVideoMb,
        );
        const type = await fileTypeFromBuffer(data);
        const ext = type ? VIDEO_TYPES.get(type.mime) : undefined;
        if (!type || !ext) {
          throw new GazetteError(
            "GZ_ERR_UPLOAD_TYPE",
            `That file is ${type ? type.mime : "not a known type"}; upload an MP4, WebM or QuickTime video.`,
            { fields: [{ path: "file", message: "must be an MP4, WebM or QuickTime video" }] },
          );
        }
        const meta = z
          .object({
            title: z.string().trim().min(1, "give the video a title").max(300),
            caption: z.string().trim().max(2000).optional(),
            credit: z.string().trim().max(300).optional(),
          })
          .parse({
            title: fields.title ?? "",
            caption: fields.caption || undefined,
            credit: fields.credit || undefined,
          });
        // ffmpeg reads a temporary copy: nothing is stored until the video proves readable.
        const { durationSeconds, frame } = await withTempFile(data, ext, async (tmp) => ({
          durationSeconds: await probeDurationSeconds(tmp),
          frame: await posterFrame(tmp),
        }));
        if (durationSeconds === null) {
          throw new GazetteError(
            "GZ_ERR_UPLOAD_TYPE",
            "That video cannot be read (no duration in its metadata).",
            { fields: [{ path: "file", message: "is not a playable video" }] },
          );
        }
        const file = await media.putFile(data, ext);
        let posterImageId: number | undefined;
        if (frame) {
          const p = await media.putOriginal(frame);
          media
            .renditionsLater(p)
            .catch((err: unknown) => req.log.error({ err, file: p.file }, "making a poster's sizes failed"));
          posterImageId = await insertImage(db, {
            file: p.file,
            remoteUrl: null,
            mime: p.mime,
            width: p.width,
            height: p.height,
            alt: `Still from the video “${meta.title}”`,
            renditions: p.renditions,
          });
        }
        const id = await insertVideo(db, {
          title: meta.title,
          durationSeconds,
          ...(posterImageId ? { posterImageId } : {}),
          sources: [{ url: `/media/${file}`, type: type.mime }],
          ...(meta.caption ? { caption: meta.caption } : {}),
          ...(meta.credit ? { credit: meta.credit } : {}),
        });
        return videoJson((await videoById(db, id))!);
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/videos/remote",
      access: "media.upload",
      responds: "json",
      tag: "Media",
      summary:
        "Add a video hosted elsewhere: its URL, title and duration (entered, since the file is not here)",
      status: 201,
      body: z.object({
        title: z.string().trim().min(1).max(300),
        durationSeconds: z
          .number()
          .int()
          .nonnegative()
          .max(86_400 * 2)
          .nullable(),
        url: httpsUrl,
        type: videoSourceSchema.shape.type.default("video/mp4"),
        posterImageId: z.number().int().positive().optional(),
        caption: z.string().trim().max(2000).optional(),
        credit: z.string().trim().max(300).optional(),
      }),
      handler: async ({ body }) => {
        const id = await insertVideo(db, {
          title: body.title,
          durationSeconds: body.durationSeconds,
          ...(body.posterImageId ? { posterImageId: body.posterImageId } : {}),
          sources: [{ url: body.url, type: body.type }],
          ...(body.caption ? { caption: body.caption } : {}),
          ...(body.credit ? { credit: body.credit } : {}),
        });
        return videoJson((await videoById(db, id))!);
      },
    }),
    endpoint({
      method: "PATCH",
      path: "/api/admin/videos/:id",
      access: "media.edit",
      responds: "json",
      tag: "Media",
      summary:
        "Change a video's title, duration, poster, caption or credit (every page showing it is refreshed). On a video a published story shows: editors only, and the change is recorded in each such story's history",
      params: idParam,
      body: videoPatchSchema,
      handler: async ({ params, body, user }) => videoJson(await changeVideo(db, user!, params.id, body)),
    }),
  ];
}
