/**
 * `gazette export` / `gazette restore`: the demo site with a WordPress
 * import on top (comments, readers, old addresses, import bookkeeping)
 * exported, restored into a new site on each engine, exported again: the
 * same files, byte for byte, except the manifest's time. The restored site
 * serves its pages, search, old addresses and media, and takes new stories.
 * A damaged export, or a site that has content, is refused with nothing
 * written.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { importWordpress } from "../../src/ingest/wordpress/wp-importer.ts";
import {
  EXPORTED_TABLES,
  ExportError,
  exportSite,
  restoreSite,
  unclassifiedTables,
} from "../../src/store/site-export.ts";
import { saveStory } from "../../src/store/story-store.ts";
import { DIALECTS, ROOT, type TestEnv, countRows, demoEnv, makeEnv, tempDir } from "../helpers.ts";

/** Every file of an export folder, relative path → contents (the manifest without its time). */
function filesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const rel = path.relative(dir, p);
        let body = fs.readFileSync(p).toString("base64");
        if (rel === "manifest.json") {
          const m = JSON.parse(fs.readFileSync(p, "utf8")) as Record<string, unknown>;
          for (const k of m["varies"] as string[]) delete m[k];
          body = JSON.stringify(m);
        }
        out.set(rel, body);
      }
    }
  };
  walk(dir);
  return out;
}

function assertSameFiles(a: string, b: string, what: string): void {
  const x = filesOf(a);
  const y = filesOf(b);
  assert.deepEqual([...y.keys()].sort(), [...x.keys()].sort(), `${what}: the same files`);
  const differ = [...x.keys()].filter((k) => x.get(k) !== y.get(k));
  assert.deepEqual(differ, [], `${what}: every file the same`);
}

describe("export and restore", () => {
  let source: TestEnv;
  let work: string;
  let first: string;

  before(async () => {
    source = await demoEnv("sqlite");
    work = tempDir("gazette-export-");
    // Imported content on top of the demo: readers, comments, old addresses, import bookkeeping.
    const uploads = path.join(work, "uploads");
    fs.mkdirSync(uploads);
    await importWordpress(path.join(ROOT, "test", "fixtures", "wordpress", "harbour-gazette.xml"), {
      db: source.db,
      media: source.media,
      baseUrl: source.config.site.baseUrl,
      uploadsDir: uploads,
    });
    first = path.join(work, "first");
    await exportSite(source.db, source.media, first);
  });
  after(async () => {
    await source.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("writes every table it knows, leaves out secrets, and describes itself", async () => {
    assert.deepEqual(
      await unclassifiedTables(source.db),
      [],
      "every table is exported or left out knowingly",
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(first, "manifest.json"), "utf8")) as {
      tables: { name: string; rows: number }[];
      media: { files: number };
      varies: string[];
    };
    assert.deepEqual(
      manifest.tables.map((t) => t.name),
      [...EXPORTED_TABLES],
    );
    const rows = Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows]));
    const counts = await countRows(source.db, [
      "stories",
      "comments",
      "readers",
      "legacy_urls",
      "images",
    ] as const);
    for (const [t, n] of Object.entries(counts)) assert.equal(rows[t], n, t);
    assert.ok(rows["legacy_urls"]! > 0 && rows["import_items"]! > 0 && rows["comments"]! > 0);
    assert.ok(manifest.media.files > 100, "the pictures and their sizes");
    assert.ok(!fs.existsSync(path.join(first, "tables", "sessions.jsonl")));
    const users = fs.readFileSync(path.join(first, "tables", "users.jsonl"), "utf8");
    assert.doesNotMatch(users, /scrypt|\$/, "no password hash");
    const settings = fs.readFileSync(path.join(first, "tables", "settings.jsonl"), "utf8");
    assert.doesNotMatch(settings, /access_signing_key/);
    assert.deepEqual(manifest.varies, ["exportedAt"]);
    await assert.rejects(exportSite(source.db, source.media, first), (e: Error) =>
      /exists and is not an empty folder/.test(e.message),
    );
  });

  for (const dialect of DIALECTS) {
    it(`restores into a new site on ${dialect}, which serves it and exports the same files again`, async () => {
      const target = await makeEnv({ dialect });
      try {
        await restoreSite(target.db, target.media, first);
        await target.app.syncChanges();
        assert.deepEqual(
          await countRows(target.db, ["stories", "comments", "readers", "legacy_urls", "images"] as const),
          await countRows(source.db, ["stories", "comments", "readers", "legacy_urls", "images"] as const),
        );
        // The site answers as the old one did.
        const story = await target.db
          .selectFrom("stories")
          .select(["id", "path", "headline"])
          .where("status", "=", "published")
          .orderBy("id")
          .executeTakeFirstOrThrow();
        const page = await target.app.inject(story.path);
        assert.equal(page.statusCode, 200);
        assert.ok(page.body.includes(story.headline.replace(/'/g, "&#39;").slice(0, 20)));
        const picture = /src="(\/media\/images\/[^"]+)"/.exec(page.body)?.[1];
        assert.ok(picture, "the page shows a picture");
        assert.equal((await target.app.inject(picture)).statusCode, 200, "served from the restored media");
        const search = await target.app.inject("/api/search?q=ferry");
        assert.ok((JSON.parse(search.body) as { total: number }).total > 0, "the search index was rebuilt");
        const moved = await target.app.inject("/?p=11");
        assert.equal(moved.statusCode, 301, "an imported old address");

        const again = path.join(work, `again-${dialect}`);
        await exportSite(target.db, target.media, again);
        assertSameFiles(first, again, `export → restore (${dialect}) → export`);

        // New content gets new ids after the restored ones.
        const max = await target.db
          .selectFrom("stories")
          .select((eb) => eb.fn.max("id").as("m"))
          .executeTakeFirstOrThrow();
        const section = await target.db.selectFrom("sections").select("slug").executeTakeFirstOrThrow();
        const saved = await saveStory(target.db, {
          headline: "Written after the move",
          summary: [],
          body: [{ type: "paragraph", content: [{ text: "The first story on the new machine." }] }],
          sectionSlug: section.slug,
          topicNames: [],
          authorSlugs: [],
          status: "draft",
        });
        assert.ok(saved.id > Number(max.m));
      } finally {
        await target.close();
      }
    });
  }

  it("refuses a damaged export, or a site with content, writing nothing", async () => {
    const target = await makeEnv({ dialect: "sqlite" });
    try {
      const damaged = path.join(work, "damaged");
      fs.cpSync(first, damaged, { recursive: true });
      const stories = path.join(damaged, "tables", "stories.jsonl");
      fs.writeFileSync(stories, fs.readFileSync(stories, "utf8").replace("harbour", "harbor"));
      const before = await countRows(target.db, ["stories", "images"] as const);
      await assert.rejects(
        restoreSite(target.db, target.media, damaged),
        (e: Error) =>
          e instanceof ExportError && /tables\/stories\.jsonl does not match its checksum/.test(e.message),
      );
      const key = fs.readFileSync(path.join(first, "media.jsonl"), "utf8").split("\n")[0]!;
      fs.cpSync(first, path.join(work, "no-media"), { recursive: true });
      fs.rmSync(path.join(work, "no-media", "media", ...(JSON.parse(key) as { key: string }).key.split("/")));
      await assert.rejects(restoreSite(target.db, target.media, path.join(work, "no-media")), (e: Error) =>
        /media\/.+ is missing/.test(e.message),
      );
      await assert.rejects(restoreSite(target.db, target.media, work), (e: Error) =>
        /has no manifest\.json: not a Gazette export/.test(e.message),
      );
      assert.deepEqual(await countRows(target.db, ["stories", "images"] as const), before);
      await assert.rejects(restoreSite(source.db, source.media, first), (e: Error) =>
        /this site already has sections: restore into a new data folder/.test(e.message),
      );
    } finally {
      await target.close();
    }
  });
});
