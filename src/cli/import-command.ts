/**
 * `gazette import-wordpress FILE.xml` and `gazette import-ghost FILE.json`:
 * an archive into Gazette (ingest/wordpress/wp-importer.ts,
 * ingest/ghost/ghost-importer.ts), with a progress bar on a terminal, one
 * line per item, and at the end everything that needs a person.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import type { Config } from "../config.ts";
import type { Db } from "../store/database.ts";
import type { MediaStore } from "../media/media-store.ts";
import { slugSchema } from "../content/model.ts";
import { UsageError } from "./usage.ts";

function positiveNumber(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > max)
    throw new UsageError(`--${name}: "${raw}" must be a number above 0 and at most ${max}`);
  return n;
}

export async function importCommand(
  kind: "wordpress" | "ghost",
  args: string[],
  config: Config,
  open: () => Promise<{ db: Db; media: MediaStore }>,
): Promise<number> {
  const command = `import-${kind}`;
  const parsed = parseArgs({
    args,
    options: {
      json: { type: "boolean", default: false },
      ...(kind === "wordpress"
        ? { uploads: { type: "string" as const }, "max-post-mb": { type: "string" as const } }
        : { content: { type: "string" as const }, "site-url": { type: "string" as const } }),
      "fetch-media": { type: "boolean", default: false },
      "fetch-timeout": { type: "string" },
      "max-media-mb": { type: "string" },
      section: { type: "string" },
    },
    allowPositionals: true,
  });
  const positionals = parsed.positionals;
  const values = parsed.values as Record<string, string | undefined> & {
    json: boolean;
    "fetch-media": boolean;
  };
  if (positionals.length !== 1)
    throw new UsageError(
      kind === "wordpress"
        ? "import-wordpress: name one WXR file, e.g. gazette import-wordpress export.xml --uploads wp-content/uploads"
        : "import-ghost: name one Ghost export, e.g. gazette import-ghost my-site.ghost.2024-05-01.json --content content",
    );
  const file = positionals[0]!;
  const uploads = kind === "wordpress" ? values["uploads"] : values["content"];
  if (uploads !== undefined && !fs.statSync(uploads, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(
      kind === "wordpress"
        ? `--uploads: no folder ${uploads}; give a copy of the old site's wp-content/uploads folder`
        : `--content: no folder ${uploads}; give a copy of the Ghost site's content folder (the one holding images/)`,
    );
  const siteUrl = values["site-url"];
  if (siteUrl !== undefined && !/^https?:\/\/[^/\s]+/i.test(siteUrl))
    throw new UsageError(
      `--site-url: "${siteUrl}" is not an address; give the old site's, e.g. https://example.com`,
    );
  let section: { slug: string; name: string } | undefined;
  if (values.section !== undefined) {
    const s = slugSchema.safeParse(values.section);
    if (!s.success)
      throw new UsageError(`--section: "${values.section}" ${s.error.issues[0]?.message ?? "is not a slug"}`);
    section = { slug: s.data, name: s.data.replace(/-/g, " ").replace(/^./, (c) => c.toUpperCase()) };
  }
  const timeoutMs = positiveNumber("fetch-timeout", values["fetch-timeout"], 30, 600) * 1000;
  const maxBytes = positiveNumber("max-media-mb", values["max-media-mb"], 50, 2048) * 1024 * 1024;
  const maxPostChars = positiveNumber("max-post-mb", values["max-post-mb"], 32, 1024) * 1024 * 1024;
  if ((values["fetch-timeout"] || values["max-media-mb"]) && !values["fetch-media"])
    throw new UsageError("--fetch-timeout and --max-media-mb go with --fetch-media");

  const { importWordpress, WpImportError, WxrError } = await import("../ingest/wordpress/wp-importer.ts");
  const { importGhost, GhostExportError } = await import("../ingest/ghost/ghost-importer.ts");
  const { db, media } = await open();
  const json = values.json;
  let bar: cliProgress.SingleBar | undefined;
  let first = true;
  try {
    if (json) process.stdout.write(`{"items":[`);
    const options = {
      db,
      media,
      baseUrl: config.site.baseUrl,
      uploadsDir: uploads,
      fetchMedia: values["fetch-media"] ? { timeoutMs, maxBytes } : undefined,
      defaultSection: section,
      maxPostChars,
      onItem: (r) => {
        if (json) {
          process.stdout.write(`${first ? "" : ","}\n${JSON.stringify(r)}`);
          first = false;
          return;
        }
        if (bar && r.status !== "error" && !r.notes) return;
        const line = `${r.status.padEnd(9)} ${r.key}${r.title ? ` “${r.title}”` : ""}${r.url ? ` → ${r.url}` : ""}${r.reason ? `: ${r.reason}` : ""}${r.error ? `: ${r.error}` : ""}`;
        bar?.stop();
        (r.status === "error" ? console.error : console.log)(line);
        for (const n of r.notes ?? []) console.log(`          note: ${n}`);
        if (bar) bar.start(bar.getTotal(), bar.getProgress() * bar.getTotal());
      },
      onProgress: (done, total) => {
        if (json || !process.stderr.isTTY || total < 50) return;
        if (!bar) {
          bar = new cliProgress.SingleBar(
            { format: "importing [{bar}] {value}/{total} items", stream: process.stderr },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, done);
        }
        bar.update(done);
      },
    } satisfies Parameters<typeof importWordpress>[1];
    const report =
      kind === "wordpress"
        ? await importWordpress(file, options)
        : await importGhost(file, { ...options, siteUrl });
    const format = "wxrVersion" in report ? `WXR ${report.wxrVersion}` : `Ghost ${report.ghostVersion}`;
    bar?.stop();
    if (json) {
      const { file: f, ...rest } = report;
      process.stdout.write(`\n],${JSON.stringify({ file: f, ...rest }).slice(1)}\n`);
    } else {
      const c = report.counts;
      console.log(
        `\n${report.items} item(s) in ${report.file} (${format}${report.resumedAfter ? `; continued after item ${report.resumedAfter} of an interrupted run` : ""}): ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.error} failed${kind === "wordpress" ? `; comments: ${report.comments.created} created, ${report.comments.unchanged} unchanged, ${report.comments.skipped} skipped (spam, trash, pingbacks)` : ""}`,
      );
      if (report.unresolved.length) {
        console.log(`\nUnresolved (${report.unresolved.length}):`);
        for (const u of report.unresolved) console.log(`  - ${u}`);
      }
    }
    return report.counts.error ? 1 : 0;
  } catch (err) {
    bar?.stop();
    if (err instanceof WpImportError || err instanceof WxrError || err instanceof GhostExportError) {
      if (json) process.stdout.write(`],"error":${JSON.stringify(`${file}: ${err.message}`)}}\n`);
      console.error(`gazette ${command}: ${file}: ${err.message}\nNothing was imported.`);
      return 1;
    }
    throw err;
  } finally {
    await db.destroy();
  }
}
