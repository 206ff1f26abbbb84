/**
 * `gazette export --out DIR`: the whole site as documented files
 * (store/site-export.ts), for `gazette restore DIR` elsewhere; and
 * `gazette export --format ninjs --out DIR`: every published story as an
 * IPTC ninjs item (site/ninjs-out.ts), one file each, for a partner, an
 * archive service or another system, in full (the public route gives a
 * gated story's preview only).
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Config } from "../config.ts";
import type { MediaStore } from "../media/media-store.ts";
import type { Db } from "../store/database.ts";
import { UsageError } from "./usage.ts";

export async function exportCommand(
  args: string[],
  config: Config,
  open: () => Promise<{ db: Db; media: MediaStore }>,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      format: { type: "string" },
      out: { type: "string" },
      "ninjs-version": { type: "string" },
    },
    allowPositionals: true,
  });
  if (positionals.length)
    throw new UsageError(`export: unexpected "${positionals[0]}"; name the folder with --out DIR`);
  const { NINJS_OUT_VERSIONS, storyNinjs } = await import("../site/ninjs-out.ts");
  const format = values.format ?? "gazette";
  if (format !== "ninjs" && format !== "gazette")
    throw new UsageError(
      `export: --format "${format}" is not one Gazette writes; use gazette (the default) or ninjs`,
    );
  if (format === "gazette") {
    if (values["ninjs-version"]) throw new UsageError("--ninjs-version goes with --format ninjs");
    if (!values.out) throw new UsageError("export: name the folder to write with --out DIR");
    const { exportSite, ExportError } = await import("../store/site-export.ts");
    const { db, media } = await open();
    try {
      const { manifest } = await exportSite(db, media, path.resolve(values.out), (line) => console.log(line));
      const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
      console.log(
        `Exported ${rows} rows in ${manifest.tables.length} tables and ${manifest.media.files} media files to ${path.resolve(values.out)} (restore with: gazette restore ${values.out})`,
      );
      return 0;
    } catch (err) {
      if (err instanceof ExportError) {
        console.error(`gazette export: ${err.message}\nNothing was exported.`);
        return 1;
      }
      throw err;
    } finally {
      await db.destroy();
    }
  }
  const version = values["ninjs-version"] ?? "3.1";
  if (!(NINJS_OUT_VERSIONS as readonly string[]).includes(version))
    throw new UsageError(
      `--ninjs-version: "${version}" is not one Gazette writes (${NINJS_OUT_VERSIONS.join(", ")})`,
    );
  if (!values.out) throw new UsageError("export: name the folder to write with --out DIR");
  const out = path.resolve(values.out);
  if (fs.existsSync(out) && (!fs.statSync(out).isDirectory() || fs.readdirSync(out).length))
    throw new UsageError(`--out: ${values.out} exists and is not an empty folder; name a new one`);

  const [
    { listVisible },
    { storyById },
    { imagesByIds, videosByIds },
    { teasersByIds },
    { storyMedia },
    { setMediaPublicUrl },
  ] = await Promise.all([
    import("../store/story-queries.ts"),
    import("../store/story-store.ts"),
    import("../store/media-repo.ts"),
    import("../store/story-queries.ts"),
    import("../content/story-media.ts"),
    import("../site/components.ts"),
  ]);
  setMediaPublicUrl(config.media.publicUrl);
  const { db } = await open();
  try {
    fs.mkdirSync(out, { recursive: true });
    const now = new Date().toISOString();
    let written = 0;
    for (let offset = 0; ; offset += 200) {
      const { items } = await listVisible(db, { kind: "all" }, { limit: 200, offset, count: false }, now);
      if (!items.length) break;
      for (const t of items) {
        const story = await storyById(db, t.id);
        if (!story) continue;
        const media = storyMedia(story);
        const linkedIds = story.body.flatMap((b) => (b.type === "related-story" ? [b.storyId] : []));
        const [images, videos, linked] = await Promise.all([
          imagesByIds(db, media.imageIds),
          videosByIds(db, media.videoIds),
          teasersByIds(db, linkedIds, now),
        ]);
        const item = storyNinjs(
          { story, body: story.body, images, videos, linked, site: config.site },
          version as (typeof NINJS_OUT_VERSIONS)[number],
        );
        const file = path.join(out, `${story.id}-${story.slug}.json`);
        fs.writeFileSync(file, `${JSON.stringify(item, null, 2)}\n`);
        written++;
      }
    }
    console.log(
      `${written} published stor${written === 1 ? "y" : "ies"} written to ${out} as ninjs ${version}`,
    );
    return 0;
  } finally {
    await db.destroy();
  }
}

/** `gazette restore DIR`: an export into a site without content. */
export async function restoreCommand(
  args: string[],
  open: () => Promise<{ db: Db; media: MediaStore }>,
): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  if (positionals.length !== 1)
    throw new UsageError(
      "restore: name the folder gazette export wrote, e.g. gazette restore exports/2026-11-30",
    );
  const dir = positionals[0]!;
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`restore: no folder ${dir}; name the folder gazette export wrote`);
  const { restoreSite, ExportError } = await import("../store/site-export.ts");
  const { db, media } = await open();
  try {
    const r = await restoreSite(db, media, path.resolve(dir), (line) => console.log(line));
    console.log(
      `Restored ${r.rows} rows in ${r.tables} tables and ${r.mediaFiles} media files. Newsroom accounts have no password yet: gazette user reset-password --email …`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ExportError) {
      console.error(`gazette restore: ${err.message}\nNothing was restored.`);
      return 1;
    }
    throw err;
  } finally {
    await db.destroy();
  }
}
