/**
 * The wire desk end to end in one app, on a real database: a push feed
 * (HMAC and bearer, a bad signature, repeats, a poison item), the queue
 * (filters, use as draft, publish as is), an agency update waiting on the
 * story with its diff (apply, ignore), a publish feed that applies updates
 * only while the newsroom has not edited, kills, urgent items; a watch folder
 * (a half-written file, a file that is not JSON, a 200 MB file) and a polled
 * feed served by a local HTTP server (ETag, cursor, a 500, a hang, repeats).
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { User } from "../../src/store/user-store.ts";
import { feedBySlug, saveFeed } from "../../src/store/wire-store.ts";
import { wireFeedInputSchema } from "../../src/content/wire.ts";
import { DIALECTS, type TestEnv, makeEnv, tempDir } from "../helpers.ts";
import { type Client, addUser, sessionFor } from "../newsroom-client.ts";

const SECRET = "a-push-secret-of-enough-length-0123456789";

function item(n: string, extra: Record<string, unknown> = {}) {
  return {
    uri: `urn:agency.example:${n}`,
    type: "text",
    version: "1",
    versioncreated: "2026-11-28T10:00:00Z",
    headline: `Harbour story ${n}`,
    byline: "Agency reporter",
    body_html: `<p>First paragraph of story ${n} about the harbour.</p><p>Second paragraph of story ${n}.</p>`,
    ...extra,
  };
}

const sign = (body: string, secret = SECRET) =>
  `sha256=${crypto.createHmac("sha256", secret).update(body).digest("hex")}`;

for (const dialect of DIALECTS) {
  describe(`the wire desk (${dialect})`, () => {
    let env: TestEnv;
    let editor: Client;
    let contributor: Client;
    let editorUser: User;
    const push = (slug: string, body: unknown, headers: Record<string, string> = {}) => {
      const text = typeof body === "string" ? body : JSON.stringify(body);
      return env.app.inject({
        method: "POST",
        url: `/api/wire/push/${slug}`,
        headers: {
          "content-type": "application/json",
          ...(headers["authorization"] ? {} : { "x-gazette-signature": sign(text) }),
          ...headers,
        },
        payload: text,
      });
    };
    const queue = async (query = "") =>
      (
        await editor.json<{
          items: {
            id: number;
            key: string;
            headline: string;
            versionCount: number;
            storyId: number | null;
          }[];
        }>("GET", `/api/admin/wire/items${query}`)
      ).items;
    const itemId = async (n: string) => (await queue()).find((i) => i.key === `urn:agency.example:${n}`)!.id;
    const rows = async (table: "wire_items" | "wire_versions" | "wire_failures" | "stories") =>
      Number(
        (
          await env.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );

    before(async () => {
      env = await makeEnv({ dialect });
      editorUser = await addUser(env.db, "editor");
      editor = await sessionFor(env.app, env.db, editorUser);
      contributor = await sessionFor(env.app, env.db, await addUser(env.db, "contributor"));
      await saveFeed(
        env.db,
        wireFeedInputSchema.parse({
          name: "Agency push",
          kind: "push",
          secret: SECRET,
          sectionSlug: "world",
          topicNames: ["Agency copy"],
          trusted: true,
        }),
      );
      await saveFeed(
        env.db,
        wireFeedInputSchema.parse({
          name: "Trusted wire",
          kind: "push",
          secret: SECRET,
          mode: "publish",
          killRule: "unpublish",
        }),
      );
    });
    after(() => env.close());

    it("refuses a push without the feed's signature and stores nothing", async () => {
      const before = await rows("wire_versions");
      const body = JSON.stringify(item("a"));
      const attempts: Record<string, string>[] = [
        { "x-gazette-signature": sign(body, "another-secret-entirely-0123456789") },
        { "x-gazette-signature": "" },
        { authorization: "Bearer wrong" },
      ];
      for (const headers of attempts) {
        const res = await push("agency-push", body, headers);
        assert.equal(res.statusCode, 401, res.body);
        assert.equal(res.json().error.code, "GZ_ERR_WIRE_SIGNATURE");
      }
      assert.equal(
        (await push("no-such-feed", body)).statusCode,
        401,
        "an unknown feed answers like a bad secret",
      );
      assert.equal(await rows("wire_versions"), before);
    });

    it("takes a signed push (202 once stored), a bearer push, and never stores a repeat twice", async () => {
      const res = await push("agency-push", [item("a"), item("b", { urgency: 1 })]);
      assert.equal(res.statusCode, 202, res.body);
      assert.deepEqual(
        res.json().items.map((i: { status: string }) => i.status),
        ["queued", "queued"],
      );
      const bearer = await env.app.inject({
        method: "POST",
        url: "/api/wire/push/agency-push",
        headers: { "content-type": "application/json", authorization: `Bearer ${SECRET}` },
        payload: JSON.stringify({ api_version: "2", data: { item: item("c") } }),
      });
      assert.equal(bearer.statusCode, 202, bearer.body);
      const versions = await rows("wire_versions");
      for (let i = 0; i < 3; i++)
        assert.equal((await push("agency-push", [item("a"), item("b", { urgency: 1 })])).statusCode, 202);
      assert.equal(await rows("wire_versions"), versions, "a feed repeating itself stores nothing new");
      const q = await queue();
      assert.deepEqual(q.map((i) => i.headline).sort(), [
        "Harbour story a",
        "Harbour story b",
        "Harbour story c",
      ]);
      assert.ok(q.every((i) => i.versionCount === 1));
      // The urgent item was announced to the editors.
      const desk = await editor.json<{ notices: { text: string }[] }>("GET", "/api/admin/desk");
      assert.ok(
        desk.notices.some((n) => /Urgent from Agency push: “Harbour story b”/.test(n.text)),
        JSON.stringify(desk.notices),
      );
    });

    it("records a poison item as failed and stores the rest of the push", async () => {
      const res = await push("agency-push", [
        item("d"),
        { headline: "no identifier" },
        item("e", { body_html: "<script>x()</script>" }),
      ]);
      assert.equal(res.statusCode, 202);
      assert.deepEqual(
        res.json().items.map((i: { status: string }) => i.status),
        ["queued", "error", "error"], // e's body is only a script: it sanitises to nothing
      );
      const failures = await editor.json<{ failures: { error: string; source: string }[] }>(
        "GET",
        "/api/admin/wire/failures",
      );
      assert.ok(
        failures.failures.some((f) => /uri: is required/.test(f.error) && /push Agency push/.test(f.source)),
      );
      assert.ok(failures.failures.some((f) => /body: has no text a reader could be shown/.test(f.error)));
      // Not JSON at all: 400, recorded, nothing stored.
      const bad = await push("agency-push", "<rss><channel/></rss>");
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error.message, /not valid JSON/);
    });

    it("filters the queue by text, urgency and what has been used", async () => {
      assert.deepEqual(
        (await queue("?q=story%20b")).map((i) => i.headline),
        ["Harbour story b"],
      );
      assert.deepEqual(
        (await queue("?urgency=2")).map((i) => i.headline),
        ["Harbour story b"],
      );
      assert.equal((await queue("?q=second%20paragraph%20of%20story%20c")).length, 1, "the body is searched");
      const preview = await contributor.json<{
        preview: { headline: string; body: unknown[] };
        versions: unknown[];
      }>("GET", `/api/admin/wire/items/${await itemId("a")}`);
      assert.equal(preview.preview.headline, "Harbour story a");
      assert.equal(preview.preview.body.length, 2);
    });

    it("uses an item as a draft (linked, credited, in the feed's section) and publishes as is for editors only", async () => {
      const a = await itemId("a");
      const used = await contributor.json<{ storyId: number; created: boolean }>(
        "POST",
        `/api/admin/wire/items/${a}/use`,
        {},
      );
      assert.equal(used.created, true);
      const story = await contributor.json<{
        status: string;
        content: { sectionSlug: string; sources: { name: string }[]; topicNames: string[] };
      }>("GET", `/api/admin/stories/${used.storyId}`);
      assert.equal(story.status, "draft");
      assert.equal(story.content.sectionSlug, "world");
      assert.match(story.content.sources[0]!.name, /Agency push/);
      assert.ok(story.content.topicNames.includes("Agency copy"));
      // Using it again opens the same story.
      const again = await editor.json<{ storyId: number; created: boolean }>(
        "POST",
        `/api/admin/wire/items/${a}/use`,
        {},
      );
      assert.deepEqual(again, { storyId: used.storyId, created: false });
      assert.deepEqual((await queue("?state=new")).map((i) => i.key).includes("urn:agency.example:a"), false);

      const c = await itemId("c");
      const refused = await contributor.call("POST", `/api/admin/wire/items/${c}/use`, { publish: true });
      assert.equal(refused.statusCode, 403);
      const published = await editor.json<{ storyId: number }>("POST", `/api/admin/wire/items/${c}/use`, {
        publish: true,
      });
      await env.app.syncChanges();
      const page = await env.app.inject("/world");
      assert.match(page.body, /Harbour story c/);
      assert.ok(published.storyId);
    });

    it("shows an agency update on the story with its diff; apply replaces the agency's text, ignore sets it aside", async () => {
      const a = await itemId("a");
      const { storyId } = await editor.json<{ storyId: number }>(
        "POST",
        `/api/admin/wire/items/${a}/use`,
        {},
      );
      // The newsroom edits the draft's summary; the agency then sends version 2.
      const current = await editor.json<{ revision: number; content: Record<string, unknown> }>(
        "GET",
        `/api/admin/stories/${storyId}`,
      );
      await editor.json("PUT", `/api/admin/stories/${storyId}`, {
        baseRevision: current.revision,
        content: { ...current.content, summary: ["Our own summary"] },
      });
      const v2 = item("a", {
        version: "2",
        versioncreated: "2026-11-28T11:00:00Z",
        headline: "Harbour story a, updated",
        body_html:
          "<p>First paragraph of story a about the harbour, now with the mayor's reply.</p><p>Second paragraph of story a.</p>",
      });
      assert.deepEqual(
        (await push("agency-push", v2)).json().items.map((i: { status: string }) => i.status),
        ["queued"],
      );
      const wire = await editor.json<{
        wire: { update: { text: { field: string; parts: { kind: string; text: string }[] }[] } | null };
      }>("GET", `/api/admin/stories/${storyId}/wire`);
      assert.ok(wire.wire.update, "the update waits on the story");
      const headline = wire.wire.update.text.find((f) => f.field === "headline")!;
      assert.ok(headline.parts.some((p) => p.kind === "added" && /updated/.test(p.text)));
      const body = wire.wire.update.text.find((f) => f.field === "body")!;
      assert.ok(body.parts.some((p) => p.kind === "added" && /mayor/.test(p.text)));
      // The story list marks it.
      const list = await editor.json<{ items: { id: number; wireUpdate: boolean }[] }>(
        "GET",
        "/api/admin/stories",
      );
      assert.equal(list.items.find((i) => i.id === storyId)!.wireUpdate, true);
      assert.ok(list.items.filter((i) => i.id !== storyId).every((i) => !i.wireUpdate));
      // Nothing was overwritten by the arrival.
      const still = await editor.json<{ content: { headline: string; summary: string[] } }>(
        "GET",
        `/api/admin/stories/${storyId}`,
      );
      assert.equal(still.content.headline, "Harbour story a");
      assert.deepEqual(still.content.summary, ["Our own summary"]);
      // A contributor may not apply it; an editor may.
      assert.equal((await contributor.call("POST", `/api/admin/wire/items/${a}/apply`)).statusCode, 403);
      await editor.json("POST", `/api/admin/wire/items/${a}/apply`);
      const applied = await editor.json<{ content: { headline: string; section: string } }>(
        "GET",
        `/api/admin/stories/${storyId}`,
      );
      assert.equal(applied.content.headline, "Harbour story a, updated");
      assert.equal(
        (await editor.json<{ wire: { update: unknown } }>("GET", `/api/admin/stories/${storyId}/wire`)).wire
          .update,
        null,
      );
      // Version 3 is ignored: it no longer waits; the story keeps version 2.
      await push(
        "agency-push",
        item("a", { version: "3", versioncreated: "2026-11-28T12:00:00Z", headline: "Harbour story a, v3" }),
      );
      assert.ok(
        (await editor.json<{ wire: { update: unknown } }>("GET", `/api/admin/stories/${storyId}/wire`)).wire
          .update,
      );
      await editor.json("POST", `/api/admin/wire/items/${a}/dismiss`);
      assert.equal(
        (await editor.json<{ wire: { update: unknown } }>("GET", `/api/admin/stories/${storyId}/wire`)).wire
          .update,
        null,
      );
      const kept = await editor.json<{ content: { headline: string } }>(
        "GET",
        `/api/admin/stories/${storyId}`,
      );
      assert.equal(kept.content.headline, "Harbour story a, updated");
    });

    it("a publish feed publishes at once and applies updates only while nobody in the newsroom edited the story", async () => {
      const r = await push("trusted-wire", item("t"));
      assert.equal(r.json().items[0].status, "created");
      const id = (await queue()).find((i) => i.key === "urn:agency.example:t")!;
      assert.ok(id.storyId);
      await push(
        "trusted-wire",
        item("t", { version: "2", versioncreated: "2026-11-28T11:00:00Z", headline: "Harbour story t, v2" }),
      );
      let s = await editor.json<{ revision: number; content: Record<string, unknown> }>(
        "GET",
        `/api/admin/stories/${id.storyId}`,
      );
      assert.equal(s.content["headline"], "Harbour story t, v2", "applied: nobody had edited it");
      await editor.json("PUT", `/api/admin/stories/${id.storyId}`, {
        baseRevision: s.revision,
        content: { ...s.content, headline: "Our better headline" },
      });
      const v3 = await push(
        "trusted-wire",
        item("t", { version: "3", versioncreated: "2026-11-28T12:00:00Z", headline: "Harbour story t, v3" }),
      );
      assert.equal(v3.json().items[0].status, "skipped");
      s = await editor.json("GET", `/api/admin/stories/${id.storyId}`);
      assert.equal(s.content["headline"], "Our better headline", "the newsroom's edit stands");
      assert.ok(
        (await editor.json<{ wire: { update: unknown } }>("GET", `/api/admin/stories/${id.storyId}/wire`))
          .wire.update,
      );
    });

    it("a live story that asks for it takes the agency's new versions as posts of what is new in them", async () => {
      const running = (v: number, paragraphs: string[], extra: Record<string, unknown> = {}) =>
        item("live", {
          version: String(v),
          versioncreated: `2026-11-28T1${v}:00:00Z`,
          headline: "Storm hits the harbour",
          body_html: paragraphs.map((p) => `<p>${p}</p>`).join(""),
          ...extra,
        });
      const first = ["The storm reached the harbour at dawn.", "Ferries are cancelled."];
      assert.equal((await push("trusted-wire", running(1, first))).json().items[0].status, "created");
      const storyId = (await queue()).find((i) => i.key === "urn:agency.example:live")!.storyId!;
      await editor.json("PUT", `/api/admin/stories/${storyId}/live`, { wireAppend: true });
      const before = await editor.json<{ revision: number }>("GET", `/api/admin/stories/${storyId}`);
      const desk = async () =>
        (
          await editor.json<{
            posts: { status: string; title: string | null; body: unknown[]; sourceUri: string }[];
          }>("GET", `/api/admin/stories/${storyId}/live`)
        ).posts;

      // Version 2 adds a paragraph at the top and a new headline: one post with just that.
      const v2 = await push(
        "trusted-wire",
        running(2, ["Two boats broke their moorings, the coastguard says.", ...first], {
          headline: "Storm hits the harbour; boats adrift",
        }),
      );
      assert.equal(v2.json().items[0].status, "updated");
      assert.match(v2.json().items[0].reason, /appended to the live story as a post \(published\)/);
      let posts = await desk();
      assert.equal(posts.length, 1);
      assert.equal(posts[0]!.status, "published");
      assert.equal(posts[0]!.title, "Storm hits the harbour; boats adrift");
      assert.equal(JSON.stringify(posts[0]!.body).match(/paragraph/g)?.length, 1);
      assert.match(JSON.stringify(posts[0]!.body), /Two boats broke their moorings/);
      assert.match(
        posts[0]!.sourceUri,
        /^urn:agency\.example:live#.*#2$/,
        "the post names the item and version",
      );
      const after = await editor.json<{ revision: number }>("GET", `/api/admin/stories/${storyId}`);
      assert.equal(after.revision, before.revision, "the story's own text is not rewritten");

      // The same version again, and a version that only rewords: nothing posted.
      assert.equal(
        (
          await push(
            "trusted-wire",
            running(2, ["Two boats broke their moorings, the coastguard says.", ...first]),
          )
        ).json().items[0].status,
        "unchanged",
      );
      const v3 = await push(
        "trusted-wire",
        running(3, ["Two boats broke their moorings, the coastguard says.", ...first]),
      );
      assert.equal(v3.json().items[0].status, "skipped");
      assert.match(v3.json().items[0].reason, /adds no new paragraph/);
      assert.equal((await desk()).length, 1);

      // From a queue feed, the post waits for an editor; the editors are told.
      const v4 = await push(
        "agency-push",
        running(4, [
          "Power is back in the old town.",
          "Two boats broke their moorings, the coastguard says.",
          ...first,
        ]),
      );
      assert.match(v4.json().items[0].reason, /waiting for an editor's approval/);
      posts = await desk();
      assert.deepEqual(
        posts.map((p) => p.status),
        ["pending", "published"],
      );
      const notices = await editor.json<{ notices: { text: string }[] }>("GET", "/api/admin/desk");
      assert.ok(notices.notices.some((n) => /a post waits for approval in the live desk/.test(n.text)));

      // Ended coverage takes no more.
      await editor.json("PUT", `/api/admin/stories/${storyId}/live`, { state: "closed" });
      const v5 = await push("trusted-wire", running(5, ["Late news.", ...first]));
      assert.equal(v5.json().items[0].status, "skipped");
      assert.match(v5.json().items[0].reason, /live coverage has ended/);
      assert.equal((await desk()).length, 2);
    });

    it("a kill alerts the story's editors, and on an unpublish feed takes the story off the site", async () => {
      await push("trusted-wire", item("k"));
      const k = (await queue()).find((i) => i.key === "urn:agency.example:k")!;
      await env.app.syncChanges();
      const story = await editor.json<{ path: string }>("GET", `/api/admin/stories/${k.storyId}`);
      assert.equal((await env.app.inject(story.path)).statusCode, 200);
      const kill = await push(
        "trusted-wire",
        item("k", {
          version: "2",
          versioncreated: "2026-11-28T13:00:00Z",
          pubstatus: "canceled",
          ednote: "Kill: wrong harbour.",
        }),
      );
      assert.equal(kill.json().items[0].status, "updated");
      await env.app.syncChanges();
      assert.equal((await env.app.inject(story.path)).statusCode, 404);
      const desk = await editor.json<{ notices: { text: string }[] }>("GET", "/api/admin/desk");
      assert.ok(
        desk.notices.some((n) => /The agency killed “Harbour story k”.*Kill: wrong harbour/.test(n.text)),
      );
      // On a queue feed the kill only alerts: the draft made from item d stays.
      const d = await itemId("d");
      const { storyId } = await editor.json<{ storyId: number }>(
        "POST",
        `/api/admin/wire/items/${d}/use`,
        {},
      );
      await push(
        "agency-push",
        item("d", { version: "2", versioncreated: "2026-11-28T13:00:00Z", pubstatus: "canceled" }),
      );
      const kept = await editor.json<{ status: string }>("GET", `/api/admin/stories/${storyId}`);
      assert.equal(kept.status, "draft");
      const notices = await editor.json<{ notices: { text: string }[] }>("GET", "/api/admin/desk");
      assert.ok(notices.notices.some((n) => /The agency killed the item “Harbour story d”/.test(n.text)));
    });

    it("a feed switched off takes nothing (503), and admins only may switch it", async () => {
      const feed = (await feedBySlug(env.db, "agency-push"))!;
      await editor.json("PATCH", `/api/admin/wire/feeds/${feed.id}`, { enabled: false }, 403);
      const admin = await sessionFor(env.app, env.db, await addUser(env.db, "admin", "Switching admin"));
      const off = await admin.json<{ feed: { enabled: boolean; secret?: string; hasSecret: boolean } }>(
        "PATCH",
        `/api/admin/wire/feeds/${feed.id}`,
        { enabled: false },
      );
      assert.equal(off.feed.enabled, false);
      assert.equal(off.feed.secret, undefined, "the secret never leaves the server");
      assert.equal(off.feed.hasSecret, true);
      const before = await rows("wire_versions");
      assert.equal((await push("agency-push", item("z"))).statusCode, 503);
      assert.equal(await rows("wire_versions"), before);
      await admin.json("PATCH", `/api/admin/wire/feeds/${feed.id}`, { enabled: true });
      assert.equal((await push("agency-push", item("z"))).statusCode, 202);
    });

    describe("a watch folder", () => {
      let folder: string;
      before(async () => {
        folder = tempDir("gazette-drop-");
        await editor.json(
          "POST",
          "/api/admin/wire/feeds",
          { name: "Drop folder", kind: "folder", settings: { path: folder, settleSeconds: 30 } },
          403,
        );
        const admin = await sessionFor(env.app, env.db, await addUser(env.db, "admin", "Feed admin"));
        await admin.json(
          "POST",
          "/api/admin/wire/feeds",
          { name: "Drop folder", kind: "folder", settings: { path: folder, settleSeconds: 30 } },
          201,
        );
      });
      after(() => fs.rmSync(folder, { recursive: true, force: true }));
      const old = (file: string) => {
        const t = new Date(Date.now() - 60_000);
        fs.utimesSync(file, t, t);
      };
      const due = async () => {
        const f = (await feedBySlug(env.db, "drop-folder"))!;
        await env.db.updateTable("wire_feeds").set({ next_run_at: null }).where("id", "=", f.id).execute();
        await env.app.runWireFeeds();
      };

      it("leaves a half-written file alone and takes it once complete", async () => {
        const file = path.join(folder, "f1.json");
        const text = JSON.stringify([item("f1"), item("f2")]);
        fs.writeFileSync(file, text.slice(0, 40));
        await due();
        assert.ok(fs.existsSync(file), "still being written: not taken");
        fs.writeFileSync(file, text);
        old(file);
        await due();
        assert.ok(!fs.existsSync(file));
        assert.ok(fs.existsSync(path.join(folder, "done", "f1.json")));
        const keys = (await queue()).map((i) => i.key);
        assert.ok(keys.includes("urn:agency.example:f1") && keys.includes("urn:agency.example:f2"));
        // An in-progress upload name is never taken, even when old.
        fs.writeFileSync(path.join(folder, "f3.json.part"), "{");
        old(path.join(folder, "f3.json.part"));
        await due();
        assert.ok(fs.existsSync(path.join(folder, "f3.json.part")));
      });

      it("moves a file that is not JSON, or is too large, to failed/ with the reason beside it", async () => {
        fs.writeFileSync(path.join(folder, "bad.json"), "<?xml version='1.0'?><nitf/>");
        old(path.join(folder, "bad.json"));
        const big = path.join(folder, "huge.json");
        fs.writeFileSync(big, "");
        fs.truncateSync(big, 200 * 1024 * 1024); // sparse: 200 MB without writing them
        old(big);
        await due();
        assert.match(
          fs.readFileSync(path.join(folder, "failed", "bad.json.reason.txt"), "utf8"),
          /not valid JSON/,
        );
        assert.match(
          fs.readFileSync(path.join(folder, "failed", "huge.json.reason.txt"), "utf8"),
          /200 MB; this feed takes files up to 20 MB/,
        );
        const failures = await editor.json<{ failures: { source: string }[] }>(
          "GET",
          "/api/admin/wire/failures",
        );
        assert.ok(failures.failures.some((f) => /Drop folder: huge\.json/.test(f.source)));
      });
    });

    describe("a polled feed", () => {
      let server: http.Server;
      let base = "";
      let mode: "feed" | "error" | "hang" = "feed";
      const requests: { url: string; ifNoneMatch: string | undefined }[] = [];
      before(async () => {
        server = http.createServer((req, res) => {
          requests.push({ url: req.url ?? "", ifNoneMatch: req.headers["if-none-match"] });
          if (mode === "hang") return; // never answers: the poll must time out
          if (mode === "error") {
            res.writeHead(500).end("upstream broke");
            return;
          }
          if (req.headers["x-api-key"] !== "k-123") {
            res.writeHead(401).end();
            return;
          }
          if (req.url === "/nitf-feed") {
            const text = (n: string, href: string) => ({
              uri: `urn:agency.example:${n}`,
              type: "text",
              version: 1,
              versioncreated: "2026-11-28T10:00:00Z",
              headline: `Harbour story ${n}`,
              renditions: { nitf: { mimetype: "text/xml", href } },
            });
            res.writeHead(200, { "content-type": "application/json" }).end(
              JSON.stringify({
                api_version: "2",
                data: {
                  items: [
                    { item: text("n1", `${base}/story-n1.xml`) },
                    { item: text("n2", "http://elsewhere.example/story.xml") },
                  ],
                },
              }),
            );
            return;
          }
          if (req.url === "/story-n1.xml") {
            res
              .writeHead(200, { "content-type": "text/xml" })
              .end(
                "<nitf><body><body.content><block><p>The text of story n1 came in its NITF rendition.</p><hl2>More</hl2><p>Second paragraph.</p></block></body.content></body></nitf>",
              );
            return;
          }
          if (req.url?.startsWith("/feed?page=2")) {
            res.writeHead(200, { "content-type": "application/json" }).end(
              JSON.stringify({
                api_version: "2",
                data: { next_page: `${base}/feed?page=3`, items: [{ item: item("p3") }] },
              }),
            );
            return;
          }
          if (req.url?.startsWith("/feed?page=3")) {
            res
              .writeHead(200, { "content-type": "application/json" })
              .end(
                JSON.stringify({ api_version: "2", data: { next_page: `${base}/feed?page=3`, items: [] } }),
              );
            return;
          }
          if (req.headers["if-none-match"] === '"v1"') {
            res.writeHead(304).end();
            return;
          }
          res.writeHead(200, { "content-type": "application/json", etag: '"v1"' }).end(
            JSON.stringify({
              api_version: "2",
              data: { items: [{ item: item("p1") }, { item: item("p2") }] },
            }),
          );
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        await saveFeed(
          env.db,
          wireFeedInputSchema.parse({
            name: "Agency API",
            kind: "poll",
            settings: {
              url: `${base}/feed`,
              everySeconds: 60,
              timeoutSeconds: 1,
              headers: { "x-api-key": "k-123" },
            },
          }),
        );
      });
      after(() => {
        server.closeAllConnections();
        server.close();
      });
      const due = async () => {
        const f = (await feedBySlug(env.db, "agency-api"))!;
        await env.db.updateTable("wire_feeds").set({ next_run_at: null }).where("id", "=", f.id).execute();
        await env.app.runWireFeeds();
        return (await feedBySlug(env.db, "agency-api"))!;
      };

      it("takes the feed's items, asks again with its ETag, and repeats store nothing", async () => {
        let f = await due();
        assert.equal(f.lastError, null);
        assert.equal(f.etag, '"v1"');
        assert.equal((await queue("?q=story%20p1")).length + (await queue("?q=story%20p2")).length, 2);
        const versions = await rows("wire_versions");
        f = await due();
        assert.equal(requests.at(-1)!.ifNoneMatch, '"v1"');
        assert.equal(await rows("wire_versions"), versions);
        assert.equal(f.failures, 0);
      });

      it("follows an agency feed's next_page as its cursor", async () => {
        await env.db
          .updateTable("wire_feeds")
          .set({ cursor: `${base}/feed?page=2` })
          .where("slug", "=", "agency-api")
          .execute();
        let f = await due();
        assert.equal(f.cursor, `${base}/feed?page=3`);
        assert.equal((await queue("?q=story%20p3")).length, 1);
        f = await due();
        assert.equal(f.cursor, `${base}/feed?page=3`, "an empty page keeps the cursor");
      });

      it("fetches an item's NITF body from the feed's own site only, with the feed's headers", async () => {
        await saveFeed(
          env.db,
          wireFeedInputSchema.parse({
            name: "Agency NITF",
            kind: "poll",
            settings: { url: `${base}/nitf-feed`, headers: { "x-api-key": "k-123" } },
          }),
        );
        await env.app.runWireFeeds();
        const n1 = await editor.json<{ preview: { body: { content?: { text: string }[] }[] } }>(
          "GET",
          `/api/admin/wire/items/${await itemId("n1")}`,
        );
        assert.match(JSON.stringify(n1.preview.body), /came in its NITF rendition/);
        assert.equal(n1.preview.body.length, 3);
        const n2 = await editor.json<{ versions: { warnings: string[] }[] }>(
          "GET",
          `/api/admin/wire/items/${await itemId("n2")}`,
        );
        assert.match(n2.versions[0]!.warnings.join(), /could not be fetched: it is not on the feed's site/);
        assert.ok(!requests.some((r) => r.url.includes("elsewhere")));
        const { storyId } = await editor.json<{ storyId: number }>(
          "POST",
          `/api/admin/wire/items/${await itemId("n1")}/use`,
          {},
        );
        const story = await editor.json<{ content: { body: unknown[] } }>(
          "GET",
          `/api/admin/stories/${storyId}`,
        );
        assert.match(JSON.stringify(story.content.body), /came in its NITF rendition/);
      });

      it("backs off after a 500 and after a poll that hangs, and says why on the feed", async () => {
        mode = "error";
        let f = await due();
        assert.equal(f.failures, 1);
        assert.match(f.lastError ?? "", /answered HTTP 500/);
        const wait1 = Date.parse(f.nextRunAt!) - Date.now();
        assert.ok(wait1 > 100_000, `doubles the interval (${wait1} ms)`);
        mode = "hang";
        f = await due();
        assert.equal(f.failures, 2);
        assert.match(f.lastError ?? "", /no answer .* within 1 s/);
        assert.ok(Date.parse(f.nextRunAt!) - Date.now() > 200_000);
        mode = "feed";
        f = await due();
        assert.equal(f.failures, 0);
        assert.equal(f.lastError, null);
      });
    });
  });
}
