/**
 * ninjs out on both engines: `GET <story>.ninjs` in each version Gazette
 * writes is valid against the IPTC's own schema, and reads back through
 * Gazette's ninjs importer's mapping as the same story; a gated story gives
 * its free preview only; `gazette export --format ninjs` writes every
 * published story, each valid.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { Block } from "../../src/content/model.ts";
import { importFile } from "../../src/ingest/ninjs-importer.ts";
import { mapNinjsItem } from "../../src/ingest/ninjs-mapper.ts";
import { validateNinjs } from "../../src/ingest/ninjs-schema.ts";
import { NINJS_OUT_VERSIONS } from "../../src/site/ninjs-out.ts";
import { imagesByIds } from "../../src/store/media-repo.ts";
import { contentOf, saveStory, storyById, type Story } from "../../src/store/story-store.ts";
import { DIALECTS, ROOT, type TestEnv, demoEnv, makeEnv, tempDir } from "../helpers.ts";

const TEXT = new Set(["paragraph", "heading", "list", "quote", "divider"]);

for (const dialect of DIALECTS) {
  let env: TestEnv;
  beforeEach(async () => {
    env = await demoEnv(dialect);
  });
  afterEach(async () => {
    await env.close();
  });

  const storyWith = async (headline: RegExp): Promise<Story> => {
    const row = await env.db.selectFrom("stories").select(["id", "headline"]).execute();
    const found = row.find((r) => headline.test(r.headline));
    assert.ok(found, `a demo story matching ${headline}`);
    return (await storyById(env.db, found.id))!;
  };

  /** What of a story's body ninjs carries as text: link cards and "Read more" links become linked paragraphs. */
  const expectedText = async (story: Story): Promise<Block[]> => {
    const expected: Block[] = [];
    for (const b of story.body) {
      if (TEXT.has(b.type)) expected.push(b);
      else if (b.type === "embed")
        expected.push({
          type: "paragraph",
          content: [{ text: b.title, href: b.url }, ...(b.provider ? [{ text: ` (${b.provider})` }] : [])],
        });
      else if (b.type === "related-story") {
        const linked = (await storyById(env.db, b.storyId))!;
        expected.push({
          type: "paragraph",
          content: [
            { text: "Read more: " },
            { text: linked.headline, href: `https://news.example.org${linked.path}` },
          ],
        });
      }
    }
    return expected;
  };

  describe(`ninjs out (${dialect})`, () => {
    it("gives each version valid against the IPTC schema, reading back as the same story", async () => {
      const story = await storyWith(/Harbour lift bridge to reopen/);
      assert.ok(story.body.some((b) => b.type === "video") && story.body.some((b) => b.type === "image"));
      for (const version of NINJS_OUT_VERSIONS) {
        const r = await env.app.inject(`${story.path}.ninjs?version=${version}`);
        assert.equal(r.statusCode, 200, version);
        assert.match(String(r.headers["content-type"]), /^application\/json/);
        const item = JSON.parse(r.body) as Record<string, unknown>;
        assert.deepEqual(validateNinjs(item, { version }).errors, [], `valid ninjs ${version}`);
        assert.ok(version === "2.2" ? "versioncreated" in item : "versionCreated" in item, version);

        const mapped = mapNinjsItem(item);
        assert.equal(mapped.kind, "story");
        if (mapped.kind !== "story") return;
        assert.equal(mapped.uri, `urn:gazette:news.example.org:story:${story.id}`);
        assert.equal(mapped.story.headline, story.headline);
        assert.deepEqual(mapped.story.summary, story.summary);
        // The text block by block; a link card and a "Read more" link travel as paragraphs with their links.
        const expected = await expectedText(story);
        assert.deepEqual(mapped.story.body, expected, "the text, block by block");
        assert.deepEqual(
          mapped.story.topicNames,
          story.topics.map((t) => t.name),
        );
        assert.equal(mapped.story.firstPublishedAt, story.firstPublishedAt);
        assert.equal(mapped.story.updatedAt, story.updatedAt);
        assert.equal(mapped.story.byline, story.authors.map((a) => a.name).join(" and ") || story.byline);
        const hero = (await imagesByIds(env.db, [story.heroImageId!])).get(story.heroImageId!)!;
        assert.equal(mapped.hero?.alt, hero.alt);
        assert.equal(mapped.hero?.caption, hero.caption);
        assert.equal(mapped.hero?.credit, hero.credit);
        assert.match(mapped.hero?.renditions[0]?.href ?? "", /^https:\/\/news\.example\.org\/media\//);
        assert.equal(mapped.videos.length, 1, "the video");
        assert.ok(mapped.videos[0]!.durationSeconds! > 0, "with its duration");
        assert.equal(mapped.images.length, story.body.filter((b) => b.type === "image").length);
      }
    });

    it("imports back through `gazette import` into another site as the same story", async () => {
      const story = await storyWith(/Harbour lift bridge to reopen/);
      const other = await makeEnv({ dialect });
      const dir = tempDir("gazette-ninjs-back-");
      try {
        for (const version of ["2.2", "3.1"] as const) {
          const file = path.join(dir, `story-${version}.json`);
          fs.writeFileSync(file, (await env.app.inject(`${story.path}.ninjs?version=${version}`)).body);
          const [first] = await importFile({ db: other.db, media: other.media }, file);
          assert.equal(
            first?.status,
            version === "2.2" ? "created" : "unchanged",
            `${version}: ${first?.error ?? ""}`,
          );
        }
        const row = await other.db.selectFrom("stories").select("id").executeTakeFirstOrThrow();
        const back = (await storyById(other.db, row.id))!;
        assert.equal(back.headline, story.headline);
        assert.deepEqual(back.summary, story.summary);
        // The text as it went out; the body's pictures come back placed by the importer (ninjs has no places).
        assert.deepEqual(
          back.body.filter((b) => b.type !== "image" && b.type !== "video"),
          await expectedText(story),
        );
        assert.equal(
          back.body.filter((b) => b.type === "image").length,
          story.body.filter((b) => b.type === "image").length,
        );
        assert.deepEqual(
          back.topics.map((t) => t.name),
          story.topics.map((t) => t.name),
        );
        assert.equal(back.firstPublishedAt, story.firstPublishedAt);
        const heroBack = (await imagesByIds(other.db, [back.heroImageId!])).get(back.heroImageId!)!;
        const hero = (await imagesByIds(env.db, [story.heroImageId!])).get(story.heroImageId!)!;
        assert.deepEqual(
          { alt: heroBack.alt, caption: heroBack.caption, credit: heroBack.credit },
          { alt: hero.alt, caption: hero.caption, credit: hero.credit },
        );
      } finally {
        await other.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("gives a gated story's free preview only, and refuses what it cannot answer", async () => {
      const story = await storyWith(/Harbour lift bridge to reopen/);
      await saveStory(
        env.db,
        { ...contentOf(story), status: "published", access: { level: "subscribers", plans: [] } },
        { id: story.id, baseRevision: story.revision },
      );
      await env.app.syncChanges();
      const r = await env.app.inject(`${story.path}.ninjs`);
      assert.equal(r.statusCode, 200);
      const item = JSON.parse(r.body) as { bodies: { value: string }[] };
      const last = story.body.filter((b) => b.type === "paragraph").at(-1)!;
      const lastText = last.type === "paragraph" ? last.content.map((x) => x.text).join("") : "";
      assert.ok(!item.bodies[0]!.value.includes(lastText.slice(0, 40)), "the story's end is not given away");

      const bad = await env.app.inject({
        url: `${story.path}.ninjs?version=9.9`,
        headers: { accept: "application/json" },
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /version: ask for ninjs 2\.2, 3\.0 or 3\.1/);
      assert.equal((await env.app.inject("/city/2020/01/01/no-such-story.ninjs")).statusCode, 404);
    });
  });
}

describe("gazette export --format ninjs", () => {
  it("writes every published story as a valid ninjs item, and explains mistakes", async () => {
    const env = await demoEnv("sqlite");
    const out = path.join(tempDir("gazette-ninjs-out-"), "items");
    try {
      const gazette = (...args: string[]) =>
        spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "export", ...args], {
          cwd: ROOT,
          env: { ...process.env, GAZETTE_DATA: env.dataDir, GAZETTE_BASE_URL: "https://news.example.org" },
          encoding: "utf8",
        });
      const other = gazette("--format", "xml", "--out", out);
      assert.equal(other.status, 2);
      assert.match(
        other.stderr,
        /--format "xml" is not one Gazette writes; use gazette \(the default\) or ninjs/,
      );
      const wrong = gazette("--format", "ninjs", "--out", out, "--ninjs-version", "1.4");
      assert.equal(wrong.status, 2);
      assert.match(wrong.stderr, /--ninjs-version: "1\.4" is not one Gazette writes \(2\.2, 3\.0, 3\.1\)/);
      const ok = gazette("--format", "ninjs", "--out", out, "--ninjs-version", "2.2");
      assert.equal(ok.status, 0, ok.stderr);
      const published = await env.db
        .selectFrom("stories")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("status", "=", "published")
        .executeTakeFirstOrThrow();
      const files = fs.readdirSync(out);
      assert.equal(files.length, Number(published.n));
      assert.match(ok.stdout, new RegExp(`^${files.length} published stories written to .* as ninjs 2\\.2`));
      for (const f of files) {
        const item = JSON.parse(fs.readFileSync(path.join(out, f), "utf8")) as Record<string, unknown>;
        assert.deepEqual(validateNinjs(item, { version: "2.2" }).errors, [], f);
      }
    } finally {
      await env.close();
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });
});
