/**
 * Search and social fields on both engines: a draft's chosen address, the
 * search title and description, and the social title, description and
 * picture, saved through the admin API and shown in the page's head; each
 * falls back to the story's own; a bad value names its field.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { DIALECTS, type TestEnv, demoEnv } from "../helpers.ts";
import { type Client, addUser, sessionFor } from "../newsroom-client.ts";

type StoryJson = {
  id: number;
  revision: number;
  path: string;
  content: { slug?: string; seo: Record<string, unknown> };
};
const para = (text: string) => ({ type: "paragraph", content: [{ text }] });
const meta = (html: string, attr: string, name: string) =>
  new RegExp(`<meta ${attr}="${name}" content="([^"]*)"`).exec(html)?.[1];

for (const dialect of DIALECTS) {
  describe(`search and social fields (${dialect})`, () => {
    let env: TestEnv;
    let editor: Client;
    beforeEach(async () => {
      env = await demoEnv(dialect);
      editor = await sessionFor(env.app, env.db, await addUser(env.db, "editor", "Sam Editor"));
    });
    afterEach(() => env.close());

    it("a chosen address and search and social texts reach the page; blanks fall back to the story's own", async () => {
      const picture = await env.db
        .selectFrom("images")
        .select("id")
        .orderBy("id", "desc")
        .executeTakeFirstOrThrow();
      const content = {
        headline: "Night buses return to the harbour route",
        sectionSlug: "city",
        summary: ["Services resume on Friday after a six-month pause."],
        body: [para("Night buses will run again from Friday.")],
        slug: "night-buses-return",
        seo: {
          title: "Night buses return | Harbour route",
          description: "Night services on the harbour route resume on Friday.",
          socialTitle: "The night bus is back",
          socialDescription: "Six months on, the harbour route runs all night again.",
          socialImageId: picture.id,
        },
      };
      let s = await editor.json<StoryJson>("POST", "/api/admin/stories", content, 201);
      // The chosen address survives saves of a draft (it no longer follows the headline).
      s = await editor.json<StoryJson>("PUT", `/api/admin/stories/${s.id}`, {
        baseRevision: s.revision,
        content: { ...content, headline: "Night buses return to the harbour route on Friday" },
      });
      assert.equal(s.content.slug, "night-buses-return");
      assert.equal(s.content.seo["socialTitle"], "The night bus is back");
      s = await editor.json<StoryJson>("POST", `/api/admin/stories/${s.id}/publish`, {
        baseRevision: s.revision,
      });
      assert.match(s.path, /\/night-buses-return$/);

      const page = (await env.app.inject(s.path)).body;
      assert.match(page, /<title>Night buses return \| Harbour route \| /);
      assert.equal(
        meta(page, "name", "description"),
        "Night services on the harbour route resume on Friday.",
      );
      assert.equal(meta(page, "property", "og:title"), "The night bus is back");
      assert.equal(
        meta(page, "name", "twitter:description"),
        "Six months on, the harbour route runs all night again.",
      );
      const picked = await env.db
        .selectFrom("images")
        .select("file")
        .where("id", "=", picture.id)
        .executeTakeFirstOrThrow();
      assert.ok(
        meta(page, "property", "og:image")!.includes(picked.file!.replace(/\.\w+$/, "")),
        "the social picture",
      );
      // The headline is still the page's h1.
      assert.match(page, /<h1>Night buses return to the harbour route on Friday<\/h1>/);

      // Cleared, each falls back to the story's own.
      s = await editor.json<StoryJson>("PUT", `/api/admin/stories/${s.id}`, {
        baseRevision: s.revision,
        content: {
          ...content,
          headline: "Night buses return to the harbour route on Friday",
          seo: { title: "  " },
        },
      });
      assert.deepEqual(s.content.seo, {});
      const plain = (await env.app.inject(s.path)).body;
      assert.match(plain, /<title>Night buses return to the harbour route on Friday \| /);
      assert.equal(meta(plain, "property", "og:title"), "Night buses return to the harbour route on Friday");
      assert.equal(meta(plain, "name", "description"), "Services resume on Friday after a six-month pause.");
    });

    it("a picture's focal point anchors every crop of it, on cached pages at once", async () => {
      const hero = await env.db
        .selectFrom("stories")
        .innerJoin("images", "images.id", "stories.hero_image_id")
        .select(["images.id", "images.file"])
        .where("stories.uri", "=", "urn:gazette:demo:bridge")
        .executeTakeFirstOrThrow();
      const base = hero.file!.replace(/\.\w+$/, "");
      const teaserImg = (html: string) =>
        new RegExp(`<img src="/media/${base}-\\d+\\.jpg"[^>]*>`).exec(html)?.[0] ?? "";
      assert.doesNotMatch(
        teaserImg((await env.app.inject("/")).body),
        /class="fp-/,
        "the centre needs no class",
      );
      const bad = await editor.call("PATCH", `/api/admin/images/${hero.id}`, {
        focalPoint: { x: 130, y: 20 },
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /"path":"focalPoint\.x"/);
      const img = await editor.json<{ focalPoint: { x: number; y: number } }>(
        "PATCH",
        `/api/admin/images/${hero.id}`,
        {
          focalPoint: { x: 32, y: 18 },
        },
      );
      assert.deepEqual(img.focalPoint, { x: 32, y: 18 });
      const home = (await env.app.inject("/")).body;
      assert.match(teaserImg(home), /class="fp-30-20"/, "rounded to the stylesheet's 10 % grid");
      const css = /<link rel="stylesheet" href="([^"]+)"/.exec(home)![1]!;
      assert.match((await env.app.inject(css)).body, /\.fp-30-20\{object-position:30% 20%\}/);
    });

    it("a search title too long is refused naming the field, and nothing is saved", async () => {
      const res = await editor.call("POST", "/api/admin/stories", {
        headline: "Too long",
        sectionSlug: "city",
        seo: { title: "x".repeat(71) },
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /"path":"seo\.title"/);
      assert.match(res.body, /under 70 characters/);
      const none = await env.db
        .selectFrom("stories")
        .select("id")
        .where("headline", "=", "Too long")
        .execute();
      assert.equal(none.length, 0);
    });
  });
}
