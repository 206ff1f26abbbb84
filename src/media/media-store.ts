/**
 * The media store: originals and renditions under content-hash names, so a
 * file never changes once written and can be served as immutable. The bytes
 * live in a BlobStore: a local folder (by default `<data>/media`) or an
 * S3-compatible bucket.
 */
import crypto from "node:crypto";
import sharp from "sharp";
import { type BlobStore, LocalFolderStore } from "./blob-store.ts";

/** Widths of the responsive renditions (never wider than the original). */
export const RENDITION_WIDTHS = [480, 800, 1200, 1600] as const;
export const RENDITION_FORMATS = ["avif", "webp", "jpeg"] as const;
export type RenditionFormat = (typeof RENDITION_FORMATS)[number];

export interface Rendition {
  width: number;
  height: number;
  format: RenditionFormat;
  file: string;
}

export interface StoredImage {
  file: string;
  mime: string;
  width: number;
  height: number;
  renditions: Rendition[];
}

export class MediaError extends Error {
  override name = "MediaError";
}

/** A picture with more pixels than the store takes (a readable picture, just too big to process). */
export class PictureTooLargeError extends MediaError {
  override name = "PictureTooLargeError";
}

const ACCEPTED = new Map([
  ["jpeg", "image/jpeg"],
  ["png", "image/png"],
  ["webp", "image/webp"],
  ["gif", "image/gif"],
  ["avif", "image/avif"],
  ["heif", "image/heif"],
  ["tiff", "image/tiff"],
]);

async function stripped(
  data: Buffer,
  meta: sharp.Metadata,
  open: (data: Buffer, opts?: sharp.SharpOptions) => sharp.Sharp,
): Promise<Buffer> {
  const img = open(data, { animated: meta.format === "gif" || meta.format === "webp" }).rotate();
  switch (meta.format) {
    case "jpeg":
      return img.jpeg({ quality: 92, mozjpeg: true }).toBuffer();
    case "png":
      return img.png().toBuffer();
    case "webp":
      return img.webp({ quality: 92 }).toBuffer();
    case "gif":
      return img.gif().toBuffer();
    case "avif":
    case "heif":
      return img.avif({ quality: 70 }).toBuffer();
    default:
      throw new MediaError(`unsupported image format ${meta.format ?? "unknown"}`);
  }
}

/** The renditions an original of this size gets: each standard width below it and its own (at most 1600), in each format. */
export function plannedRenditions(file: string, width: number, height: number): Rendition[] {
  const base = file.replace(/\.[a-z]+$/, "");
  const widths = [...new Set([...RENDITION_WIDTHS.filter((w) => w < width), Math.min(width, 1600)])];
  return widths.flatMap((w) =>
    RENDITION_FORMATS.map((format) => ({
      width: w,
      height: Math.round((height * w) / width),
      format,
      file: `${base}-${w}.${format === "jpeg" ? "jpg" : format}`,
    })),
  );
}

/** Largest picture taken by default, in pixels (100 megapixels: a high-end camera's frame). */
export const DEFAULT_MAX_PIXELS = 100_000_000;

export interface MediaStoreOptions {
  /** Pictures with more pixels are refused before they are decoded (`newsroom.maxImageMegapixels`). */
  maxPixels?: number;
}

const CONTENT_TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  avif: "image/avif",
  heif: "image/heif",
  tiff: "image/tiff",
  mp4: "video/mp4",
  webm: "video/webm",
  mov: "video/quicktime",
};

/** The content type a media key is served with (from its extension; the bytes were checked on the way in). */
export const contentTypeOf = (key: string) =>
  CONTENT_TYPES[key.slice(key.lastIndexOf(".") + 1).toLowerCase()] ?? "application/octet-stream";

export class MediaStore {
  readonly maxPixels: number;
  readonly blobs: BlobStore;
  /** A local folder's path, or a BlobStore (an S3 bucket). */
  constructor(where: string | BlobStore, opts: MediaStoreOptions = {}) {
    this.blobs = typeof where === "string" ? new LocalFolderStore(where) : where;
    this.maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  }

  /** A picture's size from its header alone (nothing decoded), refused over the pixel cap. */
  private async measure(data: Buffer): Promise<sharp.Metadata> {
    let meta: sharp.Metadata;
    try {
      meta = await sharp(data, { limitInputPixels: false }).metadata();
    } catch {
      throw new MediaError("not a readable image (expected JPEG, PNG, WebP, GIF, AVIF or TIFF)");
    }
    const pixels = (meta.width ?? 0) * (meta.height ?? 0);
    if (pixels > this.maxPixels) {
      const mp = (n: number) =>
        `${(n / 1_000_000).toLocaleString("en", { maximumFractionDigits: 1 })} megapixels`;
      throw new PictureTooLargeError(
        `the picture is ${meta.width} × ${meta.height} pixels (${mp(pixels)}); the limit is ${mp(this.maxPixels)}. Scale it down and upload it again.`,
      );
    }
    return meta;
  }

  /** sharp on a picture already measured: decoding never goes past the cap, whatever the header said. */
  private sharp(data: Buffer, opts: sharp.SharpOptions = {}): sharp.Sharp {
    return sharp(data, { ...opts, limitInputPixels: this.maxPixels });
  }

  private write(file: string, data: Buffer): Promise<void> {
    return this.blobs.put(file, data, contentTypeOf(file));
  }

  /**
   * Stores an image (checked by content, not by name), reads its size, and
   * makes AVIF, WebP and JPEG renditions at the standard widths. Metadata
   * (EXIF, including location) is dropped from every rendition.
   */
  async putImage(data: Buffer, opts: { stripMetadata?: boolean } = {}): Promise<StoredImage> {
    const stored = await this.putOriginal(data, opts);
    await this.makeRenditions(stored);
    return stored;
  }

  /**
   * Stores an image's original and lists the renditions `makeRenditions`
   * will make, without encoding them yet: the demo seed lists its pictures
   * at once and encodes their sizes while the site already serves.
   */
  async putOriginal(data: Buffer, opts: { stripMetadata?: boolean } = {}): Promise<StoredImage> {
    // Uploads from people's phones carry EXIF (GPS position, device): the
    // original is re-encoded without any metadata, upright, before it is kept.
    let meta = await this.measure(data);
    if (opts.stripMetadata) {
      data = await stripped(data, meta, (d, o) => this.sharp(d, o));
      meta = await this.measure(data);
    }
    const mime = meta.format ? ACCEPTED.get(meta.format) : undefined;
    if (!mime || !meta.width || !meta.height) {
      throw new MediaError(`unsupported image format ${meta.format ?? "unknown"}`);
    }
    // Orientation is applied so that width/height are what a reader sees.
    const swap = (meta.orientation ?? 1) >= 5;
    const width = swap ? meta.height : meta.width;
    const height = swap ? meta.width : meta.height;
    const hash = crypto.createHash("sha256").update(data).digest("hex").slice(0, 32);
    const dir = `images/${hash.slice(0, 2)}`;
    const ext = meta.format === "jpeg" ? "jpg" : meta.format;
    const file = `${dir}/${hash}.${ext}`;
    await this.write(file, data);
    return { file, mime, width, height, renditions: plannedRenditions(file, width, height) };
  }

  /** Encodes the renditions of a stored original that the store does not have yet; resolves to how many it made. */
  async makeRenditions(stored: Pick<StoredImage, "file" | "renditions">): Promise<number> {
    let data: Buffer | undefined;
    let made = 0;
    for (const r of stored.renditions) {
      if (await this.blobs.head(r.file)) continue;
      data ??= await this.blobs.get(stored.file);
      if (!data)
        throw new MediaError(`the original ${stored.file} is missing from ${this.blobs.description}`);
      await this.makeOne(data, r);
      made++;
    }
    return made;
  }

  private making = new Map<string, Promise<void>>();
  private queue: Promise<void> = Promise.resolve();

  /**
   * Makes a stored picture's renditions in the background, one picture at a
   * time across the process: an upload answers as soon as its original is
   * kept, and a 100-megapixel picture's twelve encodings never run beside
   * another's, so pages keep being served meanwhile. A size asked for before
   * its turn is made on request (`ensureRendition`).
   */
  renditionsLater(stored: Pick<StoredImage, "file" | "renditions">): Promise<void> {
    const job = this.queue.then(async () => void (await this.makeRenditions(stored)));
    this.queue = job.catch(() => undefined);
    return job;
  }

  /** One rendition, encoded once however many ask for it at the same moment. */
  private makeOne(original: Buffer, r: Rendition): Promise<void> {
    let p = this.making.get(r.file);
    if (!p) {
      p = (async () => {
        const pipeline = this.sharp(original).rotate().resize({ width: r.width });
        const out =
          r.format === "avif"
            ? pipeline.avif({ quality: 50, effort: 2 })
            : r.format === "webp"
              ? pipeline.webp({ quality: 72 })
              : pipeline.jpeg({ quality: 78, mozjpeg: true });
        await this.write(r.file, await out.toBuffer());
      })().finally(() => this.making.delete(r.file));
      this.making.set(r.file, p);
    }
    return p;
  }

  /**
   * Makes a rendition that is asked for but not on disk (one the demo seed
   * has not reached yet, or a lost file) from its original. Only names the
   * original's own rendition list would hold are made; false for any other.
   */
  async ensureRendition(file: string): Promise<boolean> {
    const m = /^images\/([0-9a-f]{2})\/([0-9a-f]{32})-(\d{1,5})\.(avif|webp|jpg)$/.exec(file);
    if (!m || !m[2]!.startsWith(m[1]!)) return false;
    if (await this.blobs.head(file)) return true;
    let originalFile: string | undefined;
    for await (const { key } of this.blobs.list(`images/${m[1]}/${m[2]}.`))
      if (/^images\/[0-9a-f]{2}\/[0-9a-f]{32}\.[a-z]+$/.test(key)) originalFile = key;
    if (!originalFile) return false;
    const original = await this.blobs.get(originalFile);
    if (!original) return false;
    let meta: sharp.Metadata;
    try {
      meta = await this.measure(original);
    } catch {
      return false;
    }
    if (!meta.width || !meta.height) return false;
    const swap = (meta.orientation ?? 1) >= 5;
    const [width, height] = swap ? [meta.height, meta.width] : [meta.width, meta.height];
    const r = plannedRenditions(originalFile, width, height).find((x) => x.file === file);
    if (!r) return false;
    await this.makeOne(original, r);
    return true;
  }

  /** Whether a new file can be written in the store now (what `/healthz` asks); resolves to the error when not. */
  probeWrite(): Promise<unknown> {
    return this.blobs.probeWrite();
  }

  /** Stores any file under its content hash (videos); returns the media path. */
  async putFile(data: Buffer, ext: string): Promise<string> {
    const hash = crypto.createHash("sha256").update(data).digest("hex").slice(0, 32);
    const file = `files/${hash.slice(0, 2)}/${hash}.${ext.replace(/[^a-z0-9]/gi, "").toLowerCase()}`;
    await this.write(file, data);
    return file;
  }
}
