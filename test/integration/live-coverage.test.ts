/**
 * Live coverage over HTTP, on both engines: an editor makes a story live, a
 * contributor's post waits for approval, editors post, pin and mark key
 * events, edit, delete and close; the changes JSON gives exactly what came
 * after a cursor (edits and deletions included), is kept by the process
 * and by shared caches for two seconds, and is dropped on the next change;
 * the reader page shows the stream without JavaScript — key events,
 * pinned posts, anchors, older pages — and LiveBlogPosting JSON-LD.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { POSTS_PER_PAGE } from "../../src/content/live.ts";
import { saveStory } from "../../src/store/story-store.ts";
import { setSectionAccess, upsertSection } from "../../src/store/taxonomy-store.ts";
import { jsonLdBlocks, liveBlogProblems } from "../structured-data.ts";
import { DIALECTS, type TestEnv, makeEnv } from "../helpers.ts";
import { type Client, addUser, sessionFor } from "../newsroom-client.ts";

const text = (t: string) => [{ type: "paragraph" as const, content: [{ text: t }] }];

interface Changes {
  storyId: number;
  cursor: number;
  state: string;
  posts: {
    id: number;
    seq: number;
    html: string;
    label: string;
    pinned: boolean;
    keyEvent: boolean;
    editedAt: string | null;
  }[];
  deleted: number[];
  more: boolean;
}

for (const dialect of DIALECTS) {
  describe(`live coverage (${dialect})`, () => {
    let env: TestEnv;
    let editor: Client;
    let contributor: Client;
    let story: { id: number; path: string };

    before(async () => {
      env = await makeEnv({ dialect });
      await upsertSection(env.db, { slug: "city", name: "City" });
      const s = await saveStory(env.db, {
        headline: "Storm over the harbour: live",
        summary: ["Gales through the night; ferries stopped."],
        sectionSlug: "city",
        body: text("Follow the storm as it crosses the coast."),
        status: "published",
        firstPublishedAt: new Date(Date.now() - 3600_000).toISOString(),
      });
      story = { id: s.id, path: s.path };
      editor = await sessionFor(env.app, env.db, await addUser(env.db, "editor", "Eda Editor"));
      contributor = await sessionFor(
        env.app,
        env.db,
        await addUser(env.db, "contributor", "Cai Contributor"),
      );
    });
    after(() => env.close());

    const changes = async (since: number) => {
      await env.app.syncChanges();
      const res = await env.app.inject({ url: `/live/${story.id}/changes.json?since=${since}` });
      assert.equal(res.statusCode, 200, res.body);
      return { res, body: res.json() as Changes };
    };
    const postAs = (c: Client, body: Record<string, unknown>, status = 201) =>
      c.json<{ id: number; status: string; seq: number }>(
        "POST",
        `/api/admin/stories/${story.id}/live/posts`,
        body,
        status,
      );

    it("posts, approval, pins, key events, edits, deletions and closing, read as changes after a cursor", async () => {
      assert.equal(
        (await env.app.inject({ url: `/live/${story.id}/changes.json` })).statusCode,
        404,
        "not live yet",
      );
      const live = await editor.json<{ state: string; seq: number }>(
        "PUT",
        `/api/admin/stories/${story.id}/live`,
        {
          requireApproval: true,
        },
      );
      assert.equal(live.state, "open");

      // A contributor's post waits; pinning is the editors'.
      const waiting = await postAs(contributor, { body: text("Trees down on Mill Lane, says a reader.") });
      assert.equal(waiting.status, "pending");
      const refused = await contributor.call("POST", `/api/admin/stories/${story.id}/live/posts`, {
        body: text("Pin me"),
        pinned: true,
      });
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /"path":"pinned"/);
      const first = await postAs(editor, { body: text("Gusts reach 100 km/h at the pier."), keyEvent: true });
      const second = await postAs(editor, {
        title: "Ferries stopped",
        body: text("All crossings are cancelled until morning."),
        pinned: true,
      });
      assert.equal(first.status, "published");

      const all = await changes(0);
      assert.deepEqual(
        all.body.posts.map((p) => p.id),
        [first.id, second.id],
        "the waiting post is not the readers'",
      );
      assert.match(all.body.posts[0]!.html, /<article class="live-post key-event" id="post-\d+"/);
      assert.match(all.body.posts[0]!.html, /Gusts reach 100 km\/h at the pier\./);
      assert.match(all.body.posts[1]!.html, /<h3 id="post-\d+-title">Ferries stopped<\/h3>/);
      assert.match(String(all.res.headers["cache-control"]), /^public, max-age=2, s-maxage=2/);
      const cursor = all.body.cursor;
      assert.equal(cursor, 3);

      // Cached until the next change; nothing after the cursor.
      const again = await changes(cursor);
      assert.deepEqual(again.body.posts, []);
      assert.deepEqual(again.body.deleted, []);
      assert.equal(again.body.cursor, cursor);
      assert.equal((await changes(cursor)).res.headers["x-cache"], "HIT");

      // Approve, edit, delete: exactly those after the cursor, the cached answer dropped.
      await editor.json("PATCH", `/api/admin/live/posts/${waiting.id}`, { status: "published" });
      await editor.json("PATCH", `/api/admin/live/posts/${first.id}`, {
        body: text("Gusts reach 110 km/h at the pier."),
        note: "The coastguard revised its reading.",
      });
      await editor.json("DELETE", `/api/admin/live/posts/${second.id}`, {
        note: "The ferry company withdrew its notice.",
      });
      const after = await changes(cursor);
      assert.equal(after.res.headers["x-cache"], "MISS");
      assert.deepEqual(
        after.body.posts.map((p) => p.id),
        [waiting.id, first.id],
      );
      assert.ok(after.body.posts[1]!.editedAt, "the edit is marked");
      assert.match(after.body.posts[1]!.html, /Updated.*110 km\/h/s);
      assert.deepEqual(after.body.deleted, [second.id]);
      assert.equal(after.body.cursor, cursor + 3);

      // Many readers at the moment of a change: one render, the others wait for it and take it.
      await postAs(editor, { body: text("The harbour master closes the quay.") });
      await env.app.syncChanges();
      const stats = async () =>
        (await env.app.inject({ url: "/healthz" })).json<{
          pageCache: { renders: number; waited: number };
        }>().pageCache;
      const was = await stats();
      const crowd = await Promise.all(
        Array.from({ length: 20 }, () =>
          env.app.inject({ url: `/live/${story.id}/changes.json?since=${cursor}` }),
        ),
      );
      const now = await stats();
      assert.ok(crowd.every((r) => r.statusCode === 200 && r.body === crowd[0]!.body));
      assert.deepEqual(crowd.map((r) => r.headers["x-cache"]).sort(), [
        ...Array<string>(19).fill("HIT"),
        "MISS",
      ]);
      assert.equal(now.renders - was.renders, 1, "one render for twenty readers");
      assert.equal(now.waited - was.waited, 19);

      // The story's public history tells the edit (word by word, with its note) and the deletion (its note, not its words).
      await env.app.syncChanges();
      const history = (await env.app.inject({ url: `${story.path}/history` })).body;
      const liveHistory = history.slice(history.indexOf('<section class="history-live"'));
      assert.match(liveHistory, /<h2 id="live-changes-h">Changes to live updates<\/h2>/);
      assert.match(liveHistory, /Update of <time[^>]*>[^<]+<\/time> removed <time/);
      assert.match(liveHistory, /The ferry company withdrew its notice\./);
      assert.doesNotMatch(
        liveHistory,
        /All crossings are cancelled/,
        "a removed post's words are not repeated",
      );
      assert.match(liveHistory, /Update of <time[^>]*>[^<]+<\/time> edited <time/);
      assert.match(liveHistory, /The coastguard revised its reading\./);
      assert.match(liveHistory, /<del>100<\/del><ins>110<\/ins>/);
      assert.ok(
        liveHistory.indexOf("</time> removed <") < liveHistory.indexOf("</time> edited <"),
        "newest first: the deletion came after the edit",
      );
      // The edited post's "Updated" leads there; the story links its history.
      const withHistory = (await env.app.inject({ url: story.path })).body;
      assert.match(withHistory, /<a class="live-post-updated" href="[^"]+\/history#live-changes">Updated/);
      assert.match(withHistory, /See what changed<\/a>/);
      // A note over 500 characters is refused with the field named, and nothing changes.
      const long = await editor.call("DELETE", `/api/admin/live/posts/${waiting.id}`, {
        note: "x".repeat(501),
      });
      assert.equal(long.statusCode, 400);
      assert.match(long.body, /"path":"note"/);

      // Contributors cannot touch published posts, nor delete them.
      assert.equal(
        (await contributor.call("PATCH", `/api/admin/live/posts/${first.id}`, { body: text("x") }))
          .statusCode,
        403,
      );
      assert.equal((await contributor.call("DELETE", `/api/admin/live/posts/${first.id}`)).statusCode, 403);

      // The reader page, without JavaScript: live, key events linking to their post, the stream.
      await env.app.syncChanges();
      const pageRes = await env.app.inject({ url: story.path });
      const page = pageRes.body;
      // Open, the page is kept by shared caches for seconds (a reader without JavaScript is that far behind).
      assert.match(String(pageRes.headers["cache-control"]), /^public, max-age=0, s-maxage=10, /);
      assert.match(page, /<span class="live-badge">Live<\/span>/);
      assert.match(
        page,
        new RegExp(
          `<nav class="live-key-events"[^>]*><h2 id="key-events-h">Key events</h2><ol><li[^>]*><a href="#post-${first.id}">`,
        ),
      );
      assert.match(page, new RegExp(`id="post-${waiting.id}"`));
      assert.doesNotMatch(page, new RegExp(`id="post-${second.id}"`), "the deleted post is gone");
      assert.match(page, /Link to this post/);
      // The story's own feed: its posts, each linking to its place in the stream.
      const feed = await env.app.inject({ url: `${story.path}/feed.xml` });
      assert.equal(feed.statusCode, 200);
      assert.match(String(feed.headers["content-type"]), /application\/rss\+xml/);
      assert.match(feed.body, /<title><!\[CDATA\[Trees down on Mill Lane, says a reader\.\]\]><\/title>/);
      assert.match(
        feed.body,
        new RegExp(
          `<link>https://news\\.example\\.org${story.path}\\?from=${waiting.id}#post-${waiting.id}</link>`,
        ),
      );
      assert.doesNotMatch(feed.body, /Ferries stopped/, "deleted posts leave the feed");
      // Lists say LIVE, with the latest post's time.
      const home = (await env.app.inject({ url: "/city" })).body;
      assert.match(home, /<span class="teaser-live">Live<\/span> · latest <time/);
      const ld = jsonLdBlocks(page).find((j) => j["@type"] === "LiveBlogPosting");
      assert.ok(ld, "LiveBlogPosting JSON-LD");
      assert.deepEqual(liveBlogProblems(ld, "https://news.example.org"), [], "valid by the schema check");
      // The check finds what is wrong (it is not a check that cannot fail).
      const broken = structuredClone(ld) as { liveBlogUpdate: Record<string, unknown>[] } & Record<
        string,
        unknown
      >;
      broken["coverageEndTime"] = "yesterday";
      broken.liveBlogUpdate[0]!["url"] = "/relative";
      delete broken.liveBlogUpdate[1]!["datePublished"];
      assert.deepEqual(liveBlogProblems(broken, "https://news.example.org"), [
        'coverageEndTime: "yesterday" is not an ISO 8601 date-time with a zone',
        'liveBlogUpdate[0].url: "/relative" is not an absolute address',
        "liveBlogUpdate[1].datePublished: missing (an ISO 8601 date-time)",
      ]);
      const updates = ld["liveBlogUpdate"] as {
        "@type": string;
        headline: string;
        url: string;
        datePublished: string;
      }[];
      assert.equal(updates.length, 3);
      assert.ok(updates.every((u) => u["@type"] === "BlogPosting" && u.headline && u.datePublished));
      assert.match(
        updates[0]!.url,
        new RegExp(`^https://news\\.example\\.org${story.path}\\?from=\\d+#post-\\d+$`),
      );

      // Older posts, a page at a time, each reachable by its share link.
      for (let i = 0; i < POSTS_PER_PAGE + 3; i++)
        await postAs(editor, { body: text(`Update number ${i}.`) });
      await env.app.syncChanges();
      const head = (await env.app.inject({ url: story.path })).body;
      const older = /<a href="([^"]+\?from=(\d+))" rel="next">Older posts<\/a>/.exec(head);
      assert.ok(older, "an Older posts link");
      const olderPage = (await env.app.inject({ url: older[1]!.replace(/&amp;/g, "&") })).body;
      assert.match(olderPage, new RegExp(`id="post-${older[2]}"`));
      assert.match(olderPage, new RegExp(`id="post-${first.id}"`));
      assert.match(olderPage, /<a href="[^"]+">Latest posts<\/a>/);

      // Closing: readers learn it from the changes; posting is refused.
      const beforeClose = (await changes(0)).body.cursor;
      await editor.json("PUT", `/api/admin/stories/${story.id}/live`, { state: "closed" });
      const closed = await changes(beforeClose);
      assert.equal(closed.body.state, "closed");
      assert.equal(closed.body.cursor, beforeClose + 1);
      assert.equal(
        (await editor.call("POST", `/api/admin/stories/${story.id}/live/posts`, { body: text("Late") }))
          .statusCode,
        409,
      );
      await env.app.syncChanges();
      const ended = await env.app.inject({ url: story.path });
      assert.match(ended.body, /This live coverage has ended/);
      assert.match(String(ended.headers["cache-control"]), /s-maxage=300/, "ended: cached as any page");
      const endedLd = jsonLdBlocks(ended.body).find((j) => j["@type"] === "LiveBlogPosting")!;
      assert.ok(endedLd["coverageEndTime"], "the coverage's end in the JSON-LD");
      assert.deepEqual(liveBlogProblems(endedLd, "https://news.example.org"), []);
      assert.doesNotMatch(
        (await env.app.inject({ url: "/city" })).body,
        /teaser-live/,
        "an ended story is not LIVE",
      );
    });

    it("keeps an open live story in the news sitemap after 48 hours, and lets it go when closed", async () => {
      const old = await saveStory(env.db, {
        headline: "Election count: live",
        sectionSlug: "city",
        body: [],
        status: "published",
        firstPublishedAt: new Date(Date.now() - 5 * 86_400_000).toISOString(),
      });
      const inNews = async () => {
        await env.app.syncChanges();
        return (await env.app.inject({ url: "/sitemap-news.xml" })).body.includes(old.path);
      };
      assert.equal(await inNews(), false, "five days old");
      await editor.json("PUT", `/api/admin/stories/${old.id}/live`, {});
      await editor.json(
        "POST",
        `/api/admin/stories/${old.id}/live/posts`,
        { body: text("Counting starts.") },
        201,
      );
      assert.equal(await inNews(), true, "open: kept fresh");
      assert.match(
        (await env.app.inject({ url: "/sitemap-news.xml" })).body,
        new RegExp(`${old.path}</loc><lastmod>`),
      );
      await editor.json("PUT", `/api/admin/stories/${old.id}/live`, { state: "closed" });
      assert.equal(await inNews(), false, "closed: gone");
      assert.equal((await env.app.inject({ url: `${old.path}/feed.xml` })).statusCode, 200);
      assert.equal((await env.app.inject({ url: "/city/2020/01/01/nothing/feed.xml" })).statusCode, 404);
    });

    it("refuses what is not a public live story's changes, and bad input with the field named", async () => {
      assert.equal((await env.app.inject({ url: "/live/999999/changes.json" })).statusCode, 404);
      assert.equal((await env.app.inject({ url: "/live/abc/changes.json" })).statusCode, 404);
      assert.equal(
        (await env.app.inject({ url: `/live/${story.id}/changes.json?since=zzz` })).statusCode,
        200,
      );
      // A gated live story keeps its posts behind its access.
      await upsertSection(env.db, { slug: "members", name: "Members" });
      await setSectionAccess(env.db, "members", { level: "subscribers", plans: [] });
      const gated = await saveStory(env.db, {
        headline: "Members' live",
        sectionSlug: "members",
        body: [],
        status: "published",
        firstPublishedAt: new Date(Date.now() - 60_000).toISOString(),
      });
      await editor.json("PUT", `/api/admin/stories/${gated.id}/live`, {});
      await editor.json(
        "POST",
        `/api/admin/stories/${gated.id}/live/posts`,
        { body: text("For members.") },
        201,
      );
      assert.equal((await env.app.inject({ url: `/live/${gated.id}/changes.json` })).statusCode, 404);
      assert.equal((await env.app.inject({ url: `${gated.path}/feed.xml` })).statusCode, 404);
      // Bad posts name the field.
      const empty = await editor.call("POST", `/api/admin/stories/${gated.id}/live/posts`, { body: [] });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /"path":"body"/);
      const end = await editor.call("PUT", `/api/admin/stories/${gated.id}/live`, {
        coverageStart: "2026-12-01T10:00:00Z",
        coverageEnd: "2026-12-01T09:00:00Z",
      });
      assert.equal(end.statusCode, 400);
      assert.match(end.body, /coverageEnd/);
    });
  });
}
