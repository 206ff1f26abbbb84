/**
 * Pictures and videos shown in published stories, on both engines: only an
 * editor may change them, a picture there keeps alt text, caption and
 * credit, each change is recorded in every such story's history (and its
 * public history page), and cached pages show it at once. Media no live
 * story shows stay editable by contributors.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DIALECTS, type TestEnv, demoEnv } from "../helpers.ts";
import { type Client, addUser, sessionFor } from "../newsroom-client.ts";

for (const dialect of DIALECTS) {
  describe(`media shown in published stories (${dialect})`, () => {
    let env: TestEnv;
    let editor: Client;
    let contributor: Client;
    /** A published story, the picture it leads with, and a video some published story shows. */
    let story: { id: number; path: string; revision: number };
    let imageId: number;
    let video: { id: number; storyId: number };

    before(async () => {
      env = await demoEnv(dialect);
      editor = await sessionFor(env.app, env.db, await addUser(env.db, "editor", "Eva Editor"));
      contributor = await sessionFor(env.app, env.db, await addUser(env.db, "contributor", "Carl Contrib"));
      const row = await env.db
        .selectFrom("stories")
        .innerJoin("story_media", "story_media.story_id", "stories.id")
        .select(["stories.id", "stories.path", "stories.revision", "story_media.media_id"])
        .where("stories.status", "=", "published")
        .where("story_media.kind", "=", "image")
        .orderBy("stories.id")
        .executeTakeFirstOrThrow();
      story = { id: row.id, path: row.path, revision: row.revision };
      imageId = row.media_id;
      const v = await env.db
        .selectFrom("story_media")
        .innerJoin("stories", "stories.id", "story_media.story_id")
        .select(["story_media.media_id", "stories.id"])
        .where("story_media.kind", "=", "video")
        .where("stories.status", "=", "published")
        .executeTakeFirstOrThrow();
      video = { id: v.media_id, storyId: v.id };
    });
    after(() => env.close());

    const revisions = (storyId: number) =>
      editor.json<{ items: { number: number; note: string }[] }>(
        "GET",
        `/api/admin/stories/${storyId}/revisions`,
      );

    it("a contributor may not change them: 403 naming the story, nothing changed", async () => {
      const before = await revisions(story.id);
      const res = await contributor.call("PATCH", `/api/admin/images/${imageId}`, { caption: "Vandalised" });
      assert.equal(res.statusCode, 403, res.body);
      assert.match(
        res.json().error.message,
        /^This picture is shown in .*published stor.*only an editor may change it/,
      );
      const v = await contributor.call("PATCH", `/api/admin/videos/${video.id}`, { title: "Vandalised" });
      assert.equal(v.statusCode, 403, v.body);
      const page = await env.app.inject(story.path);
      assert.doesNotMatch(page.body, /Vandalised/);
      assert.deepEqual(await revisions(story.id), before);
    });

    it("an editor may not empty the fields a published story needs", async () => {
      for (const field of ["alt", "caption", "credit"]) {
        const res = await editor.call("PATCH", `/api/admin/images/${imageId}`, {
          [field]: field === "alt" ? "" : null,
        });
        assert.equal(res.statusCode, 400, `${field}: ${res.body}`);
        assert.deepEqual(
          res.json().error.fields.map((f: { path: string }) => f.path),
          [field],
        );
      }
    });

    it("an editor's change is in the story's history and public history, and on the cached page at once", async () => {
      const cachedBefore = await env.app.inject(story.path);
      assert.equal(cachedBefore.statusCode, 200);
      await env.app.inject(story.path); // now served from the page cache
      const res = await editor.call("PATCH", `/api/admin/images/${imageId}`, {
        caption: "The lift bridge at dawn, seen from the east quay",
      });
      assert.equal(res.statusCode, 200, res.body);
      await env.app.syncChanges();
      const page = await env.app.inject(story.path);
      assert.match(page.body, /The lift bridge at dawn, seen from the east quay/);

      const [latest] = (await revisions(story.id)).items;
      assert.match(
        latest!.note,
        /^Picture details changed: caption “.*” → “The lift bridge at dawn, seen from the east quay”\.$/,
      );
      const history = await env.app.inject(`${story.path}/history`);
      assert.equal(history.statusCode, 200);
      assert.match(
        history.body,
        /Picture details changed: caption “.*” → “The lift bridge at dawn, seen from the east quay”\./,
      );

      // An editor who had the story open before that change saves without a conflict: nobody's words were changed.
      const open = await editor.json<{ content: Record<string, unknown> }>(
        "GET",
        `/api/admin/stories/${story.id}`,
      );
      const saved = await editor.call("PUT", `/api/admin/stories/${story.id}`, {
        baseRevision: story.revision,
        content: open.content,
      });
      assert.equal(saved.statusCode, 200, saved.body);
    });

    it("a video's change is recorded in the stories that show it", async () => {
      const res = await editor.call("PATCH", `/api/admin/videos/${video.id}`, {
        title: "Harbour at night, retitled",
      });
      assert.equal(res.statusCode, 200, res.body);
      const [latest] = (await revisions(video.storyId)).items;
      assert.match(latest!.note, /^Video details changed: title “.*” → “Harbour at night, retitled”\.$/);
    });

    it("a contributor may still change a picture no published story shows", async () => {
      const free = await env.db
        .selectFrom("images")
        .select("id")
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("story_media")
                .innerJoin("stories", "stories.id", "story_media.story_id")
                .select("story_media.media_id")
                .where("story_media.kind", "=", "image")
                .whereRef("story_media.media_id", "=", "images.id")
                .where("stories.status", "=", "published"),
            ),
          ),
        )
        .executeTakeFirstOrThrow();
      const res = await contributor.call("PATCH", `/api/admin/images/${free.id}`, {
        caption: "Fine to change",
      });
      assert.equal(res.statusCode, 200, res.body);
    });
  });
}
