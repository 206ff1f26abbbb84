/**
 * `gazette media …`: moving the media to another store, checking that every
 * file the site names is in its store, and making picture sizes again.
 *
 *   gazette media migrate --to s3://BUCKET[/PREFIX]?… [--remove-local]
 *   gazette media verify
 *   gazette media renditions
 */
import crypto from "node:crypto";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { type Config, parseMediaUrl } from "../config.ts";
import { type BlobStore, LocalFolderStore } from "../media/blob-store.ts";
import { type MediaStore, contentTypeOf, plannedRenditions } from "../media/media-store.ts";
import { S3Store } from "../media/s3-store.ts";
import type { Db } from "../store/database.ts";
import { mediaInventory, setRenditions } from "../store/media-repo.ts";
import { UsageError } from "./usage.ts";

const sha256 = (b: Buffer) => crypto.createHash("sha256").update(b).digest("hex");

function progress(total: number, label: string) {
  if (total < 20 || !process.stderr.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total}`, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

async function migrate(args: string[], config: Config): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { to: { type: "string" }, "remove-local": { type: "boolean", default: false } },
  });
  if (!values.to)
    throw new UsageError("media migrate: name the target with --to s3://BUCKET[/PREFIX]?region=…");
  const target = parseMediaUrl(values.to);
  if (typeof target === "string") throw new UsageError(`media migrate: --to: ${target}`);
  const source = new LocalFolderStore(config.mediaDir);
  const to: BlobStore = new S3Store(target);
  const keys: { key: string; size: number }[] = [];
  for await (const item of source.list("")) keys.push(item);
  console.log(`Copying ${keys.length} files from ${source.description} to ${to.description}…`);
  const bar = progress(keys.length, "copying");
  let copied = 0;
  let already = 0;
  let removed = 0;
  const failed: string[] = [];
  for (const [i, { key, size }] of keys.entries()) {
    try {
      const data = (await source.get(key))!;
      const there = await to.head(key);
      if (there && there.size === size) already++;
      else {
        if (there) await to.delete(key); // a different size under a content-hash name: an earlier copy cut short
        await to.put(key, data, contentTypeOf(key));
        copied++;
      }
      // Verified by reading it back: the same size and the same SHA-256 as the local file.
      const back = await to.get(key);
      if (!back || back.length !== size || sha256(back) !== sha256(data))
        throw new Error(`the copy in the bucket differs (${back ? `${back.length} bytes` : "missing"})`);
      if (values["remove-local"]) {
        await source.delete(key);
        removed++;
      }
    } catch (err) {
      failed.push(`${key}: ${(err as Error).message}`);
    }
    bar?.update(i + 1);
  }
  bar?.stop();
  for (const f of failed) console.error(`failed  ${f}`);
  console.log(
    `${keys.length} files: ${copied} copied, ${already} already there, ${failed.length} failed; every file in the bucket verified by size and SHA-256.${values["remove-local"] ? ` ${removed} local copies removed.` : " Local files kept (--remove-local deletes the verified ones)."}`,
  );
  if (!failed.length)
    console.log(
      `Now set GAZETTE_MEDIA_URL=${values.to} (or media.url in the configuration file) and restart.`,
    );
  (to as S3Store).destroy();
  return failed.length ? 1 : 0;
}

async function verify(db: Db, media: MediaStore): Promise<number> {
  const { images, videos, storiesShowing } = await mediaInventory(db);
  const missing: string[] = [];
  const storiesOf = (kind: string, id: number) => {
    const s = storiesShowing.get(`${kind}:${id}`) ?? [];
    return s.length ? ` (shown in stor${s.length === 1 ? "y" : "ies"} ${s.join(", ")})` : "";
  };
  const total = images.length + videos.length;
  const bar = progress(total, "checking");
  let n = 0;
  for (const img of images) {
    const absent: string[] = [];
    for (const f of [img.file, ...img.renditions.map((r) => r.file)])
      if (!(await media.blobs.head(f))) absent.push(f);
    if (absent.length) missing.push(`picture ${img.id}${storiesOf("image", img.id)}: ${absent.join(", ")}`);
    bar?.update(++n);
  }
  for (const v of videos) {
    const absent: string[] = [];
    for (const f of v.files) if (!(await media.blobs.head(f))) absent.push(f);
    if (absent.length) missing.push(`video ${v.id}${storiesOf("video", v.id)}: ${absent.join(", ")}`);
    bar?.update(++n);
  }
  bar?.stop();
  for (const m of missing) console.log(`missing  ${m}`);
  console.log(
    `${images.length} pictures and ${videos.length} videos checked in ${media.blobs.description}: ${missing.length ? `${missing.length} with missing files` : "every file is there"}.`,
  );
  return missing.length ? 1 : 0;
}

async function renditions(db: Db, media: MediaStore): Promise<number> {
  const { images } = await mediaInventory(db);
  const bar = progress(images.length, "sizes");
  let made = 0;
  let updated = 0;
  const failed: string[] = [];
  for (const [i, img] of images.entries()) {
    const planned = plannedRenditions(img.file, img.width, img.height);
    try {
      made += await media.makeRenditions({ file: img.file, renditions: planned });
      if (JSON.stringify(planned) !== JSON.stringify(img.renditions)) {
        await setRenditions(db, img.id, planned);
        updated++;
      }
    } catch (err) {
      failed.push(`picture ${img.id}: ${(err as Error).message}`);
    }
    bar?.update(i + 1);
  }
  bar?.stop();
  for (const f of failed) console.error(`failed  ${f}`);
  console.log(
    `${images.length} pictures: ${made} sizes made, ${updated} size lists updated, ${failed.length} failed.`,
  );
  return failed.length ? 1 : 0;
}

export async function mediaCommand(
  args: string[],
  config: Config,
  open: () => Promise<{ db: Db; media: MediaStore }>,
) {
  const [sub, ...rest] = args;
  switch (sub) {
    case "migrate":
      return migrate(rest, config);
    case "verify":
    case "renditions": {
      const { db, media } = await open();
      try {
        return sub === "verify" ? await verify(db, media) : await renditions(db, media);
      } finally {
        await db.destroy();
      }
    }
    default:
      throw new UsageError(`media: say migrate, verify or renditions${sub ? ` (not "${sub}")` : ""}`);
  }
}
