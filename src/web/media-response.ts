/**
 * Serving media files from the media store, wherever it keeps them (a
 * folder, a bucket): immutable caching, an ETag, HEAD, and byte ranges so a
 * video can be scrubbed. A picture size not made yet (the demo still making
 * them, a lost file, a size added later) is made from its original on the
 * first request for it.
 */
import { Readable } from "node:stream";
import { GazetteError } from "../content/errors.ts";
import { type MediaStore, contentTypeOf } from "../media/media-store.ts";
import { type Result, asset } from "./endpoint.ts";

const IMMUTABLE = "public, max-age=31536000, immutable";
const KEY = /^(?:images|files)\/[0-9a-f]{2}\/[0-9a-f]{32}(?:-\d{1,5})?\.[a-z0-9]{2,5}$/;

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; undefined for none or any other form (then the whole file). */
function rangeOf(
  header: string | undefined,
  size: number,
): { start: number; end: number } | "unsatisfiable" | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (m[1] === "") {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return "unsatisfiable";
  return { start, end };
}

export async function mediaResponse(
  media: MediaStore,
  key: string,
  req: { method: string; headers: Record<string, string | string[] | undefined> },
): Promise<Result> {
  if (!KEY.test(key)) throw new GazetteError("GZ_ERR_NOT_FOUND");
  let info = await media.blobs.head(key);
  if (!info && (await media.ensureRendition(key))) info = await media.blobs.head(key);
  if (!info) throw new GazetteError("GZ_ERR_NOT_FOUND");
  const type = contentTypeOf(key);
  const headers: Record<string, string> = { etag: info.etag, "accept-ranges": "bytes" };
  if (req.headers["if-none-match"] === info.etag) return asset("", type, IMMUTABLE, { status: 304, headers });
  const header = req.headers["range"];
  const range = rangeOf(typeof header === "string" ? header : undefined, info.size);
  if (range === "unsatisfiable")
    return asset("", type, IMMUTABLE, {
      status: 416,
      headers: { ...headers, "content-range": `bytes */${info.size}` },
    });
  // HEAD: the headers of the whole file, nothing read (an empty stream, so the length set here stays).
  if (req.method === "HEAD")
    return asset(Readable.from([]), type, IMMUTABLE, {
      headers: { ...headers, "content-length": String(info.size) },
    });
  const read = await media.blobs.read(key, range);
  if (!read) throw new GazetteError("GZ_ERR_NOT_FOUND");
  if (range)
    return asset(read.body, type, IMMUTABLE, {
      status: 206,
      headers: {
        ...headers,
        "content-range": `bytes ${range.start}-${range.end}/${info.size}`,
        "content-length": String(range.end - range.start + 1),
      },
    });
  return asset(read.body, type, IMMUTABLE, { headers: { ...headers, "content-length": String(info.size) } });
}
