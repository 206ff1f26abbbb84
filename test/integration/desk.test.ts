/**
 * The editors' desk on both engines: notes on a story, notices (in the app
 * and by email for those who ask), what waits for review and moderation,
 * and front-page curation reaching the cached home and section pages.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { buildApp } from "../../src/app.ts";
import type { Message } from "../../src/mail/mailer.ts";
import { DIALECTS, type TestEnv, demoEnv } from "../helpers.ts";
import { type Client, addUser, sessionFor } from "../newsroom-client.ts";

type StoryJson = { id: number; revision: number; status: string };
type Desk = {
  inReview: number | null;
  heldComments: number | null;
  unread: number;
  notices: { id: number; kind: string; storyId: number; text: string; read: boolean }[];
  notifyByEmail: boolean;
};

const para = (text: string) => ({ type: "paragraph", content: [{ text }] });

for (const dialect of DIALECTS) {
  describe(`the desk (${dialect})`, () => {
    let env: TestEnv;
    let writer: Client;
    let editor: Client;
    let moderator: Client;
    const mail: Message[] = [];

    beforeEach(async () => {
      env = await demoEnv(dialect);
      await env.app.close();
      mail.length = 0;
      env.app = await buildApp({
        config: env.config,
        db: env.db,
        media: env.media,
        mailer: { send: async (m) => void mail.push(m) },
      });
      writer = await sessionFor(env.app, env.db, await addUser(env.db, "contributor", "Wren Writer"));
      editor = await sessionFor(env.app, env.db, await addUser(env.db, "editor", "Eda Editor"));
      moderator = await sessionFor(env.app, env.db, await addUser(env.db, "moderator", "Mo Moderator"));
    });
    afterEach(() => env.close());

    async function draft(headline: string): Promise<StoryJson> {
      return writer.json<StoryJson>(
        "POST",
        "/api/admin/stories",
        { headline, sectionSlug: "city", summary: ["A point."], body: [para("A paragraph.")] },
        201,
      );
    }

    it("submit, return with a note, resubmit, publish: each told to the right people, the note kept with the story", async () => {
      const s = await draft("Ferry timetable changes for winter");
      const before = await editor.json<Desk>("GET", "/api/admin/desk");
      let story = await writer.json<StoryJson>("POST", `/api/admin/stories/${s.id}/submit`, {
        baseRevision: s.revision,
      });
      const desk = await editor.json<Desk>("GET", "/api/admin/desk");
      assert.equal(desk.inReview, before.inReview! + 1, "the review queue counts it");
      assert.equal(desk.unread, before.unread + 1);
      assert.match(
        desk.notices[0]!.text,
        /Wren Writer submitted “Ferry timetable changes for winter” for review/,
      );
      assert.equal(desk.notices[0]!.storyId, s.id);
      // Counts are for those who act on them.
      assert.equal((await writer.json<Desk>("GET", "/api/admin/desk")).inReview, null);
      assert.equal(typeof (await moderator.json<Desk>("GET", "/api/admin/desk")).heldComments, "number");

      // A note that is only spaces is refused, naming the field; nothing changes.
      const blank = await editor.call("POST", `/api/admin/stories/${s.id}/return`, {
        baseRevision: story.revision,
        note: "   ",
      });
      assert.equal(blank.statusCode, 400);
      assert.match(blank.body, /"path":"note"/);
      story = await editor.json<StoryJson>("POST", `/api/admin/stories/${s.id}/return`, {
        baseRevision: story.revision,
        note: "Needs the operator's comment before it runs.",
      });
      assert.equal(story.status, "draft");
      const writerDesk = await writer.json<Desk>("GET", "/api/admin/desk");
      assert.equal(writerDesk.unread, 1);
      assert.match(
        writerDesk.notices[0]!.text,
        /Eda Editor returned “Ferry timetable changes for winter” to you: Needs the operator's comment/,
      );
      const notes = await writer.json<{ items: { kind: string; body: string; authorName: string }[] }>(
        "GET",
        `/api/admin/stories/${s.id}/notes`,
      );
      assert.deepEqual(
        notes.items.map((n) => [n.kind, n.authorName, n.body]),
        [["returned", "Eda Editor", "Needs the operator's comment before it runs."]],
      );
      // Notes are internal: the preview and public pages never carry them.
      assert.doesNotMatch((await env.app.inject("/")).body, /operator's comment before/);

      // The writer answers in a note; the editor who wrote one is told.
      await writer.json("POST", `/api/admin/stories/${s.id}/notes`, { body: "Added the comment." }, 201);
      assert.match((await editor.json<Desk>("GET", "/api/admin/desk")).notices[0]!.text, /left a note/);

      // Email only for those who asked: the writer turns it on.
      await writer.json("PUT", "/api/admin/me/notifications", { byEmail: true });
      story = await writer.json<StoryJson>("POST", `/api/admin/stories/${s.id}/submit`, {
        baseRevision: (await writer.json<StoryJson>("GET", `/api/admin/stories/${s.id}`)).revision,
      });
      assert.equal(mail.length, 0, "editors did not ask for email");
      await editor.json<StoryJson>("POST", `/api/admin/stories/${s.id}/publish`, {
        baseRevision: story.revision,
      });
      assert.equal(mail.length, 1);
      assert.equal(mail[0]!.to, "wren.writer@example.org");
      assert.match(mail[0]!.subject, /Eda Editor published “Ferry timetable changes for winter”/);
      assert.match(mail[0]!.text, /https:\/\/news\.example\.org\/admin\/stories\/\d+/);

      // Read: the count goes to zero.
      const read = await writer.json<{ unread: number }>("POST", "/api/admin/desk/read", {});
      assert.equal(read.unread, 0);
    });

    it("an editor puts a story first on the home page and a section's top; readers see it at once", async () => {
      const home = await env.app.inject("/");
      const oldest = await env.db
        .selectFrom("stories")
        .innerJoin("sections", "sections.id", "stories.section_id")
        .select(["stories.id", "stories.headline", "sections.slug"])
        .where("status", "=", "published")
        .orderBy("first_published_at", "asc")
        .executeTakeFirstOrThrow();
      const lead = (html: string) =>
        /<article class="teaser teaser--lead">[\s\S]*?<h2><a[^>]*>([^<]+)</.exec(html)?.[1];
      assert.notEqual(lead(home.body), oldest.headline, "the newest leads at first");

      // A draft cannot be placed: the field is named, nothing is stored.
      const s = await draft("Not yet ready");
      const refused = await editor.call("PUT", "/api/admin/front-pages/home", {
        storyIds: [oldest.id, s.id],
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /"path":"storyIds\.1"/);
      assert.equal(
        (await editor.json<{ stories: unknown[] }>("GET", "/api/admin/front-pages/home")).stories.length,
        0,
      );
      // Contributors may look, not place.
      assert.equal(
        (await writer.call("PUT", "/api/admin/front-pages/home", { storyIds: [oldest.id] })).statusCode,
        403,
      );

      const placed = await editor.json<{ stories: { id: number; live: boolean }[] }>(
        "PUT",
        "/api/admin/front-pages/home",
        {
          storyIds: [oldest.id],
        },
      );
      assert.deepEqual(
        placed.stories.map((x) => [x.id, x.live]),
        [[oldest.id, true]],
      );
      const after = await env.app.inject("/");
      assert.equal(lead(after.body), oldest.headline, "the cached home page changed at once");

      // A section's top.
      await editor.json("PUT", `/api/admin/front-pages/section:${oldest.slug}`, { storyIds: [oldest.id] });
      const section = await env.app.inject(`/${oldest.slug}`);
      assert.match(section.body, new RegExp(`<h2><a[^>]*>${oldest.headline.slice(0, 20)}`));
      const firstTeaser = /<article class="teaser[^"]*">[\s\S]*?<h[23]><a[^>]*>([^<]+)</.exec(
        section.body,
      )?.[1];
      assert.equal(firstTeaser, oldest.headline);
      assert.equal((await editor.call("GET", "/api/admin/front-pages/section:no-such")).statusCode, 404);

      // Taken down, it drops out of its slot; the newest lead again.
      const full = await editor.json<StoryJson>("GET", `/api/admin/stories/${oldest.id}`);
      await editor.json("POST", `/api/admin/stories/${oldest.id}/unpublish`, { baseRevision: full.revision });
      assert.notEqual(lead((await env.app.inject("/")).body), oldest.headline);
      const listed = await editor.json<{ stories: { id: number; live: boolean }[] }>(
        "GET",
        "/api/admin/front-pages/home",
      );
      assert.deepEqual(
        listed.stories.map((x) => x.live),
        [false],
      );
    });
  });
}
