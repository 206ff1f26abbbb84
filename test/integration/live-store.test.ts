/**
 * Live coverage in the store, on both engines: a story made live, posts
 * added (published, draft, waiting), pinned (at most three), key events,
 * edited, deleted and the coverage closed — each change taking the story's
 * next change number, so that the changes after a cursor are exactly what
 * readers' copies lack, edits and deletions included; and each recording
 * the story's cache keys and the stream's on the change feed.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MAX_PINNED, livePostInputSchema } from "../../src/content/live.ts";
import {
  addLivePost,
  deleteLivePost,
  deskLivePosts,
  editLivePost,
  countLivePostChanges,
  livePostChanges,
  liveChangesSince,
  liveCoverage,
  pinnedLivePosts,
  publishedLivePosts,
  saveLiveCoverage,
} from "../../src/store/live-store.ts";
import { saveStory } from "../../src/store/story-store.ts";
import { upsertSection } from "../../src/store/taxonomy-store.ts";
import { DIALECTS, type TestEnv, makeEnv } from "../helpers.ts";

const text = (t: string) => [{ type: "paragraph" as const, content: [{ text: t }] }];
const post = (t: string, extra: Record<string, unknown> = {}) =>
  livePostInputSchema.parse({ body: text(t), ...extra });

for (const dialect of DIALECTS) {
  describe(`live coverage in the store (${dialect})`, () => {
    let env: TestEnv;
    let storyId: number;
    const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 9, minute));

    before(async () => {
      env = await makeEnv({ dialect });
      await upsertSection(env.db, { slug: "city", name: "City" });
      storyId = (
        await saveStory(env.db, {
          headline: "Storm over the harbour: live",
          sectionSlug: "city",
          body: [],
          status: "published",
          firstPublishedAt: at(0).toISOString(),
        })
      ).id;
    });
    after(() => env.close());

    const changeKeys = async (sinceId: number) =>
      (await env.db.selectFrom("changes").select(["id", "keys"]).where("id", ">", sinceId).execute()).flatMap(
        (r) => JSON.parse(r.keys) as string[],
      );
    const lastChange = async () =>
      Number(
        (
          await env.db
            .selectFrom("changes")
            .select((eb) => eb.fn.max("id").as("id"))
            .executeTakeFirst()
        )?.id ?? 0,
      );

    it("posts, pins, key events, edits, deletions and closing, each readable as changes after a cursor", async () => {
      await assert.rejects(
        addLivePost(env.db, storyId, post("Too soon"), { status: "published", userId: null }),
        {
          message: /is not covered live/,
        },
      );
      const live = await saveLiveCoverage(env.db, storyId, { requireApproval: true }, at(1));
      assert.equal(live.state, "open");
      assert.equal(live.coverageStart, at(1).toISOString());
      assert.equal(live.seq, 0);

      const start = await lastChange();
      const first = await addLivePost(
        env.db,
        storyId,
        post("Wind picks up on the quay", { keyEvent: true }),
        {
          status: "published",
          userId: null,
          now: at(2),
        },
      );
      assert.equal(first.seq, 1);
      const keys = await changeKeys(start);
      assert.ok(keys.includes(`story:${storyId}`) && keys.includes(`live:${storyId}`), keys.join(" "));

      const draft = await addLivePost(env.db, storyId, post("Ferries may stop"), {
        status: "draft",
        userId: null,
        now: at(3),
      });
      const waiting = await addLivePost(env.db, storyId, post("A reader's photo of the waves"), {
        status: "pending",
        userId: null,
        now: at(3),
      });
      const second = await addLivePost(
        env.db,
        storyId,
        post("Ferries suspended", { pinned: true, title: "Ferries" }),
        {
          status: "published",
          userId: null,
          now: at(4),
        },
      );
      const cursor = (await liveCoverage(env.db, storyId))!.seq;
      assert.equal(cursor, 4);
      // Drafts and waiting posts are the desk's, not readers'.
      assert.deepEqual(
        (await liveChangesSince(env.db, storyId, 0, 100)).map((p) => p.id),
        [first.id, second.id],
      );
      assert.deepEqual(
        (await deskLivePosts(env.db, storyId, 50)).map((p) => p.id).sort(),
        [first.id, draft.id, waiting.id, second.id].sort(),
      );

      // Approved, edited, pinned, deleted: exactly those after the cursor, in change order.
      await editLivePost(env.db, waiting.id, { status: "published" }, { now: at(5) });
      const { after: edited } = await editLivePost(
        env.db,
        first.id,
        {
          body: text("Gusts of 90 km/h on the quay"),
          note: "The gusts were measured on the quay, not the pier.",
        },
        { now: at(6), actor: { userId: null, name: "Ada Editor" } },
      );
      assert.equal(edited.editedAt, at(6).toISOString());
      assert.equal(edited.publishedAt, at(2).toISOString(), "an edit keeps the post's time");
      await deleteLivePost(env.db, second.id, {
        now: at(7),
        actor: { userId: null, name: "Ada Editor" },
        note: "Posted to the wrong story.",
      });
      const changes = await liveChangesSince(env.db, storyId, cursor, 100);
      assert.deepEqual(
        changes.map((p) => [p.id, p.status]),
        [
          [waiting.id, "published"],
          [first.id, "published"],
          [second.id, "deleted"],
        ],
      );
      assert.deepEqual(
        await liveChangesSince(env.db, storyId, (await liveCoverage(env.db, storyId))!.seq, 100),
        [],
      );
      // The public history holds the published post's edit (words before and after) and the deletion.
      const history = await livePostChanges(env.db, storyId);
      assert.deepEqual(
        history.map((h) => [h.postId, h.kind, h.at, h.note, h.userName]),
        [
          [
            first.id,
            "edited",
            at(6).toISOString(),
            "The gusts were measured on the quay, not the pier.",
            "Ada Editor",
          ],
          [second.id, "deleted", at(7).toISOString(), "Posted to the wrong story.", "Ada Editor"],
        ],
      );
      assert.deepEqual(history[0]!.before.body, first.body);
      assert.deepEqual(history[0]!.after?.body, text("Gusts of 90 km/h on the quay"));
      assert.equal(history[0]!.postPublishedAt, at(2).toISOString());
      assert.equal(history[1]!.after, undefined);
      // Approving a waiting post is not an edit readers are told of.
      assert.ok(!history.some((h) => h.postId === waiting.id));

      // A draft's edits and deletion reach no reader, and no history.
      const beforeDraft = (await liveCoverage(env.db, storyId))!.seq;
      await editLivePost(env.db, draft.id, { body: text("Ferries may stop tonight") }, { now: at(8) });
      await deleteLivePost(env.db, draft.id, { now: at(8) });
      assert.deepEqual(await liveChangesSince(env.db, storyId, beforeDraft, 100), []);
      assert.equal(await countLivePostChanges(env.db, storyId), 2);

      // The stream: newest first, a page at a time; key events; pinned.
      const p3 = await addLivePost(env.db, storyId, post("Power cut in the old town"), {
        status: "published",
        userId: null,
        now: at(9),
      });
      const stream = await publishedLivePosts(env.db, storyId, { limit: 2 });
      assert.deepEqual(
        stream.map((p) => p.id),
        [p3.id, waiting.id],
      );
      const older = await publishedLivePosts(env.db, storyId, {
        limit: 2,
        before: { publishedAt: stream[1]!.publishedAt!, id: stream[1]!.id },
      });
      assert.deepEqual(
        older.map((p) => p.id),
        [first.id],
      );
      assert.deepEqual(
        (await publishedLivePosts(env.db, storyId, { limit: 10, keyEventsOnly: true })).map((p) => p.id),
        [first.id],
      );
      assert.deepEqual(await pinnedLivePosts(env.db, storyId), []);
      assert.equal((await liveCoverage(env.db, storyId))!.lastPostAt, at(9).toISOString());

      // At most three pinned.
      for (let i = 0; i < MAX_PINNED; i++)
        await addLivePost(env.db, storyId, post(`Pinned ${i}`, { pinned: true }), {
          status: "published",
          userId: null,
        });
      await assert.rejects(
        addLivePost(env.db, storyId, post("One too many", { pinned: true }), {
          status: "published",
          userId: null,
        }),
        (err: Error) => /at most 3 posts stay pinned/.test(err.message),
      );
      await assert.rejects(editLivePost(env.db, p3.id, { pinned: true }), (err: Error) =>
        /at most 3 posts stay pinned/.test(err.message),
      );
      // A published post does not go back to the desk.
      await assert.rejects(editLivePost(env.db, p3.id, { status: "draft" }), (err: Error) =>
        /cannot go back to the desk/.test(err.message),
      );

      // Closing: a change readers receive (the cursor moves), the end time set.
      const beforeClose = (await liveCoverage(env.db, storyId))!.seq;
      const closed = await saveLiveCoverage(env.db, storyId, { state: "closed" }, at(30));
      assert.equal(closed.state, "closed");
      assert.equal(closed.coverageEnd, at(30).toISOString());
      assert.equal(closed.seq, beforeClose + 1);
      await assert.rejects(
        saveLiveCoverage(env.db, storyId, { coverageEnd: at(0).toISOString() }),
        (err: Error) => /cannot end before it starts/.test(err.message),
      );
    });
  });
}
