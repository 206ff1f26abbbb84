/**
 * `gazette export --format ninjs --out DIR`: every published story as an
 * IPTC ninjs item (site/ninjs-out.ts), one file each, for a partner, an
 * archive service or another system; the full text (this is the operator's
 * export, not the public route, which gives a gated story's preview only).
 * The full export of a site with its restore (`--format gazette`) is not
 * built yet and says so.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Config } from "../config.ts";
import type { Db } from "../store/database.ts";
import { UsageError } from "./usage.ts";

export async function exportCommand(
  args: string[],
  config: Config,
  open: () => Promise<{ db: Db }>,
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
  if (values.format !== "ninjs")
    throw new UsageError(
      values.format === undefined || values.format === "gazette"
        ? "export: the full export of a site (--format gazette) is not built yet; --format ninjs writes every published story as ninjs"
        : `export: --format "${values.format}" is not one Gazette writes; use --format ninjs`,
    );
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
