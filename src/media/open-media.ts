/** The media store the configuration names: an S3-compatible bucket, or the local folder. */
import type { Config } from "../config.ts";
import { MediaStore } from "./media-store.ts";
import { S3Store } from "./s3-store.ts";

export function openMediaStore(config: Config): MediaStore {
  const opts = { maxPixels: config.newsroom.maxImageMegapixels * 1_000_000 };
  return config.media.s3
    ? new MediaStore(new S3Store(config.media.s3, config.media.publicUrl), opts)
    : new MediaStore(config.mediaDir, opts);
}
