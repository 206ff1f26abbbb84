/**
 * Comments on both engines: reader sign-up and verification, posting and
 * replying without JavaScript, the moderation rules (banned words refused,
 * suspect words held), a moderator's approval raising the count on the
 * cached article page, XSS attempts rendered as text, rate limits, closing,
 * bans with a logged reason, account deletion, and the reply notification
 * delivered to a real SMTP server.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { SMTPServer } from "smtp-server";
import type { Message } from "../../src/mail/mailer.ts";
import { buildApp } from "../../src/app.ts";
import { recordChange } from "../../src/store/change-feed.ts";
import { writePolicy } from "../../src/store/moderation-policy-store.ts";
import { saveStory } from "../../src/store/story-store.ts";
import { upsertSection } from "../../src/store/taxonomy-store.ts";
import { DIALECTS, type TestEnv, makeEnv } from "../helpers.ts";
import { addUser, sessionFor } from "../newsroom-client.ts";

const ORIGIN = { origin: "http://localhost:80", host: "localhost:80" };

for (const dialect of DIALECTS) {
  describe(`comments (${dialect})`, () => {
    let env: TestEnv;
    const mail: Message[] = [];
    let storyId = 0;
    let storyPath = "";

    const form = (
      url: string,
      fields: Record<string, string | number>,
      cookie = "",
      extra: Record<string, string> = {},
    ) =>
      env.app.inject({
        method: "POST",
        url,
        headers: { ...ORIGIN, "content-type": "application/x-www-form-urlencoded", cookie, ...extra },
        payload: new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString(),
      });

    /** Signs a reader up, follows the emailed link, and returns their session cookie. */
    async function reader(name: string): Promise<string> {
      const email = `${name.toLowerCase().replace(/\W/g, "")}@readers.example`;
      const res = await form("/account/signup", {
        displayName: name,
        email,
        password: "a reader's password",
      });
      assert.equal(res.statusCode, 201, res.body);
      const link = mail
        .filter((m) => m.to === email)
        .at(-1)!
        .text.match(/\/account\/verify\/[\w-]+/)![0];
      const verified = await env.app.inject({ url: link, headers: ORIGIN });
      assert.equal(verified.statusCode, 200);
      return String(verified.headers["set-cookie"]).split(";")[0]!;
    }

    const readerIdOf = async (displayName: string) =>
      (
        await env.db
          .selectFrom("readers")
          .select("id")
          .where("display_name", "=", displayName)
          .executeTakeFirstOrThrow()
      ).id;

    const post = (cookie: string, body: string, extra: Record<string, string | number> = {}) =>
      form("/comments", { storyId, body, return: `${storyPath}#comments`, ...extra }, cookie);

    beforeEach(async () => {
      env = await makeEnv({ dialect });
      await env.app.close();
      env.app = await buildApp({
        config: env.config,
        db: env.db,
        media: env.media,
        mailer: { send: async (m) => void mail.push(m) },
      });
      await upsertSection(env.db, { slug: "city", name: "City" });
      await env.db
        .insertInto("pages")
        .values({
          slug: "editorial-standards",
          title: "Standards",
          body: "[]",
          updated_at: new Date().toISOString(),
        })
        .execute();
      const s = await saveStory(env.db, {
        headline: "Harbour wall repairs begin",
        sectionSlug: "city",
        body: [{ type: "paragraph", content: [{ text: "Work starts on Monday." }] }],
        status: "published",
        firstPublishedAt: new Date(Date.now() - 3600_000).toISOString(),
      });
      storyId = s.id;
      storyPath = s.path;
      await writePolicy(env.db, {
        bannedWords: ["dolt"],
        suspectWords: ["bribe"],
        newAccountHours: 0,
        maxLinks: 2,
        maxDepth: 2,
      });
    });
    afterEach(() => env.close());

    it("signs a reader up with an emailed link, and refuses to post before it is followed", async () => {
      const res = await form("/account/signup", {
        displayName: "Nia",
        email: "nia@readers.example",
        password: "short",
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Use 12 to 200 characters/);
      assert.match(res.body, /value="nia@readers.example"/, "what was typed comes back");
      const ok = await form("/account/signup", {
        displayName: "Nia",
        email: "nia@readers.example",
        password: "a long enough password",
      });
      assert.equal(ok.statusCode, 201);
      assert.match(mail.at(-1)!.text, /\/account\/verify\/[\w-]{20,}/);
      const signin = await form("/account/signin", {
        email: "nia@readers.example",
        password: "a long enough password",
        return: storyPath,
      });
      assert.equal(signin.statusCode, 303);
      const cookie = String(signin.headers["set-cookie"]).split(";")[0]!;
      const refused = await post(cookie, "First!");
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /Confirm your email address first/);
      assert.match(refused.body, /First!<\/textarea>/, "the text is kept");
      const dup = await form("/account/signup", {
        displayName: "Nia Two",
        email: "NIA@readers.example",
        password: "a long enough password",
      });
      // The same answer as for a new address (nothing to learn about who has an account); the owner is told.
      assert.equal(dup.statusCode, ok.statusCode);
      assert.equal(
        dup.body.replace(/nia@readers\.example/gi, "X"),
        ok.body.replace(/nia@readers\.example/gi, "X"),
      );
      assert.match(mail.at(-1)!.text, /tried to create an account .* You already have one/s);
      assert.equal(mail.at(-1)!.to, "nia@readers.example");
    });

    it("strips control characters and bidirectional overrides from a comment, and breaks a very long word on the page", async () => {
      const cara = await reader("Cara Quay");
      const res = await post(
        cara,
        "Bell\u0007 nul\u0000 esc\u001b del\u007f file\u202Egpj.exe end\r\nnext line",
      );
      assert.equal(res.statusCode, 303, res.body);
      const row = await env.db
        .selectFrom("comments")
        .select("body")
        .orderBy("id", "desc")
        .executeTakeFirstOrThrow();
      assert.equal(row.body, "Bell nul esc del filegpj.exe end\nnext line");
      // A 10,000-character word cannot widen the page: the page's text breaks anywhere when it must.
      const page = await env.app.inject(storyPath);
      const css = await env.app.inject(/<link rel="stylesheet" href="([^"]+)"/.exec(page.body)![1]!);
      assert.match(css.body, /main\{[^}]*overflow-wrap:anywhere/);
    });

    it("publishes a comment and a reply, counts them on the cached page and in JSON-LD, and emails the first author", async () => {
      const ana = await reader("Ana Quay");
      const ben = await reader("Ben Pier");
      const before = await env.app.inject(storyPath);
      assert.match(before.body, /0 comments/);
      const first = await post(ana, "The wall has needed this for years.");
      assert.equal(first.statusCode, 303);
      const id = Number(/#comment-(\d+)/.exec(String(first.headers.location))![1]);
      const reply = await post(ben, "Agreed, the north end most of all.", { parentId: id });
      assert.equal(reply.statusCode, 303);
      await env.app.syncChanges();
      const page = await env.app.inject(storyPath);
      assert.match(page.body, /2 comments/);
      assert.match(page.body, /The wall has needed this for years\./);
      assert.match(
        page.body,
        /class="comment-replies"><li class="comment" id="comment-\d+"[^>]*><article[^>]*><header class="comment-meta"><strong[^>]*>Ben Pier/,
      );
      const ld = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(page.body)![1]!);
      assert.equal(ld.commentCount, 2);
      const note = mail.find((m) => m.subject === "Ben Pier replied to your comment");
      assert.ok(note, "reply notification");
      assert.match(note.to, /anaquay@/);
      assert.match(note.text, /north end most of all/);
    });

    it("refuses banned words with a clear message, holds suspect words, and a moderator's approval raises the count", async () => {
      const cara = await reader("Cara Dock");
      const banned = await post(cara, "Only a DOLT would build it there.");
      assert.equal(banned.statusCode, 422);
      assert.match(banned.body, /language our community rules do not allow \(“dolt”\)/);
      assert.match(
        banned.body,
        /Only a DOLT would build it there\.<\/textarea>/,
        "the text comes back to edit",
      );
      const json = await env.app.inject({
        method: "POST",
        url: "/comments",
        headers: { ...ORIGIN, cookie: cara, accept: "application/json", "content-type": "application/json" },
        payload: { storyId, body: "what a dolt" },
      });
      assert.equal(json.statusCode, 422);
      assert.equal(json.json().error.code, "GZ_ERR_COMMENT_REFUSED");
      assert.equal(json.json().error.fields[0].path, "body");

      const held = await post(cara, "Was there a bribe behind the contract?");
      assert.equal(held.statusCode, 202);
      assert.match(held.body, /waiting for a moderator/);
      await env.app.syncChanges();
      // "0 comments", "1 comment": the count link on the story page.
      const countOf = (body: string) => Number(/class="comment-count">(\d+) comments?</.exec(body)![1]);
      const countBefore = countOf((await env.app.inject(storyPath)).body);
      assert.equal(countBefore, 0, "a fresh story");
      const mod = await sessionFor(env.app, env.db, await addUser(env.db, "moderator", "Mo Derator"));
      const queue = await mod.json<{ items: { id: number; holdReasons: string; body: string }[] }>(
        "GET",
        "/api/admin/comments?queue=pending",
      );
      const item = queue.items.find((i) => /bribe/.test(i.body))!;
      assert.match(item.holdReasons, /suspect words: bribe/);
      await mod.json("POST", `/api/admin/comments/${item.id}/decision`, {
        action: "approve",
        reason: "fair question",
      });
      await env.app.syncChanges();
      assert.equal(countOf((await env.app.inject(storyPath)).body), 1, "the approved comment is counted");
      const log = await mod.json<{ items: { action: string; moderator: string | null; reason: string }[] }>(
        "GET",
        "/api/admin/moderation/log",
      );
      assert.ok(
        log.items.some(
          (l) => l.action === "approve" && l.moderator === "Mo Derator" && l.reason === "fair question",
        ),
      );
      assert.ok(log.items.some((l) => l.action === "held" && l.moderator === null));
      assert.ok(log.items.some((l) => l.action === "refused"));
    });

    it("renders XSS attempts as text and links readers' URLs with nofollow ugc", async () => {
      const eve = await reader("Eve Tester");
      const res = await post(
        eve,
        `<script>alert(1)</script> <img src=x onerror=alert(2)> javascript:alert(3) see https://example.org/a?b=1&c=2.`,
      );
      assert.equal(res.statusCode, 303);
      await env.app.syncChanges();
      const page = (await env.app.inject(storyPath)).body;
      assert.ok(
        page.includes(
          "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt; javascript:alert(3)",
        ),
      );
      assert.doesNotMatch(page, /<script>alert|<img src=x/);
      assert.match(
        page,
        /<a href="https:\/\/example.org\/a\?b=1&amp;c=2" rel="nofollow ugc noopener">https:\/\/example.org\/a\?b=1&amp;c=2<\/a>\./,
      );
    });

    it("refuses cross-site posts and rate-limits fast posting", async () => {
      const fay = await reader("Fay Tide");
      const evil = await form("/comments", { storyId, body: "hi" }, fay, { origin: "https://evil.example" });
      assert.equal(evil.statusCode, 403);
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) codes.push((await post(fay, `Comment number ${i}`)).statusCode);
      assert.deepEqual(codes, [303, 303, 303, 303, 303, 429]);
    });

    it("closes comments, limits reply depth, and paginates with a cursor", async () => {
      const gus = await reader("Gus Buoy");
      const top = await post(gus, "Top level.");
      const t = Number(/#comment-(\d+)/.exec(String(top.headers.location))![1]);
      const r1 = await post(gus, "Depth one.", { parentId: t });
      const d1 = Number(/#comment-(\d+)/.exec(String(r1.headers.location))![1]);
      const r2 = await post(gus, "Depth two.", { parentId: d1 });
      const d2 = Number(/#comment-(\d+)/.exec(String(r2.headers.location))![1]);
      const r3 = await post(gus, "Depth three.", { parentId: d2 });
      assert.equal(r3.statusCode, 422);
      assert.match(r3.body, /cannot nest any deeper/);
      const api = await env.app.inject(`/api/comments/story/${storyId}?sort=oldest`);
      const all = api.json() as { count: number; comments: { id: number }[]; next: string | null };
      assert.equal(all.next, null);
      const editor = await sessionFor(env.app, env.db, await addUser(env.db, "editor", "Ed Closer"));
      await editor.json("PATCH", `/api/admin/stories/${storyId}/comments`, { mode: "closed" });
      const closed = await post(gus, "Too late?");
      assert.equal(closed.statusCode, 409);
      await env.app.syncChanges();
      assert.match((await env.app.inject(storyPath)).body, /Comments on this story are closed\./);
      await editor.json("PATCH", `/api/admin/stories/${storyId}/comments`, { mode: "off" });
      await env.app.syncChanges();
      const off = (await env.app.inject(storyPath)).body;
      assert.doesNotMatch(off, /id="comments"|commentCount/);
      await editor.json("PATCH", `/api/admin/stories/${storyId}/comments`, { mode: "open" });
      // A policy change reaches pages already cached (the form's length limit here).
      await env.app.syncChanges();
      assert.match((await env.app.inject(storyPath)).body, /maxlength="3000"/);
      const admin = await sessionFor(env.app, env.db, await addUser(env.db, "admin", "Pol Icy"));
      await admin.json("PATCH", "/api/admin/moderation/policy", { maxLength: 1234 });
      const policy = await admin.json<{ maxLength: number; newAccountHours: number; bannedWords: string[] }>(
        "GET",
        "/api/admin/moderation/policy",
      );
      assert.deepEqual(
        [policy.maxLength, policy.newAccountHours, policy.bannedWords],
        [1234, 0, ["dolt"]],
        "changing one field keeps the others",
      );
      assert.match((await env.app.inject(storyPath)).body, /maxlength="1234"/);
    });

    it("shows a long thread's first replies under the comment and the rest on its own page, 50 at a time", async () => {
      const olu = await reader("Olu Strand");
      const top = await post(olu, "Who else remembers the old swing bridge?");
      assert.equal(top.statusCode, 303, top.body);
      const t = Number(/#comment-(\d+)/.exec(String(top.headers.location))![1]);
      const readerId = await readerIdOf("Olu Strand");
      // 60 approved replies, written straight to the store (posting them would meet the rate limit).
      const now = new Date().toISOString();
      const replyIds: number[] = [];
      for (let i = 1; i <= 60; i++) {
        const row = await env.db
          .insertInto("comments")
          .values({
            story_id: storyId,
            reader_id: readerId,
            parent_id: t,
            depth: 1,
            body: `Memory number ${i}.`,
            status: "approved",
            created_at: now,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        replyIds.push(row.id);
      }
      await env.db.updateTable("comments").set({ reply_count: 60 }).where("id", "=", t).execute();
      await env.db
        .updateTable("stories")
        .set((eb) => ({ comment_count: eb("comment_count", "+", 60) }))
        .where("id", "=", storyId)
        .execute();
      await recordChange(env.db, [`comments:${storyId}`]);
      await env.app.syncChanges();

      const article = (await env.app.inject(`${storyPath}?sort=newest`)).body;
      const start = article.indexOf(`id="comment-${t}"`);
      const thread = article.slice(start, article.indexOf(`data-replies="${t}"`, start));
      assert.deepEqual(
        [...thread.matchAll(/Memory number (\d+)\./g)].map((m) => Number(m[1])),
        [1, 2, 3],
        "the first three replies, oldest first",
      );
      assert.match(
        article,
        new RegExp(`<a href="/comments/${t}" data-replies="${t}">Show 57 more replies</a>`),
      );

      const page1 = await env.app.inject(`/comments/${t}`);
      assert.equal(page1.statusCode, 200);
      assert.match(page1.body, /Who else remembers the old swing bridge\?/);
      const shown1 = [...page1.body.matchAll(/Memory number (\d+)\./g)].map((m) => Number(m[1]));
      assert.deepEqual(
        shown1,
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      const more = new RegExp(`href="(/comments/${t}\\?after=\\d+)" data-more-replies="${t}"`).exec(
        page1.body,
      );
      assert.ok(more, "a More replies link");
      const page2 = await env.app.inject(more[1]!);
      const shown2 = [...page2.body.matchAll(/Memory number (\d+)\./g)].map((m) => Number(m[1]));
      assert.deepEqual(
        shown2,
        Array.from({ length: 10 }, (_, i) => i + 51),
      );
      assert.doesNotMatch(page2.body, /data-more-replies/);
      assert.match(
        page2.body,
        /<form method="post" action="\/comments" class="comment-form"[^>]*><input type="hidden" name="storyId"[^>]*><input type="hidden" name="parentId" value="\d+">/,
      );

      const reply = (await env.app.inject(`/api/comments/${t}/replies`)).json() as {
        comment: { id: number; replyCount: number };
        replies: { body: string }[];
        next: number | null;
      };
      assert.equal(reply.comment.replyCount, 60);
      assert.equal(reply.replies.length, 50);
      assert.equal(reply.next, Number(/after=(\d+)/.exec(more[1]!)![1]));

      // A reply's own page quotes the comment it answers.
      const firstReply = replyIds[0]!;
      const own = await env.app.inject(`/comments/${firstReply}`);
      assert.match(
        own.body,
        /<blockquote class="quoted-comment"><p>Who else remembers the old swing bridge\?<\/p><footer>In reply to Olu Strand/,
      );

      // Recommending without JavaScript goes back to the page the button was on.
      const onThread = await form(`/comments/${firstReply}/react`, {}, olu, {
        referer: `http://localhost/comments/${t}?after=5`,
      });
      assert.equal(onThread.headers.location, `/comments/${t}?after=5#comment-${firstReply}`);
      const elsewhere = await form(`/comments/${firstReply}/react`, {}, olu, {
        referer: "https://elsewhere.example/comments/1",
      });
      assert.equal(elsewhere.headers.location, `${storyPath}#comment-${firstReply}`);
      assert.equal((await env.app.inject(`/comments/${t}?after=abc`)).statusCode, 400);
      assert.equal((await env.app.inject("/comments/999999")).statusCode, 404);
      assert.equal((await env.app.inject("/comments/not-a-number")).statusCode, 404);

      // A renamed reader's name changes on the cached pages too.
      assert.match((await env.app.inject(`/comments/${t}`)).body, /Comment by Olu Strand/);
      assert.equal(
        (await form("/account", { displayName: "Olu S.", notifyReplies: "1" }, olu)).statusCode,
        303,
      );
      await env.app.syncChanges();
      assert.match((await env.app.inject(`/comments/${t}`)).body, /Comment by Olu S\./);
      assert.doesNotMatch((await env.app.inject(storyPath)).body, /Olu Strand/);
    });

    it("lets readers edit (within the window, rules again) and delete their own comments, and rename themselves", async () => {
      const jo = await reader("Jo Ferry");
      const c = await post(jo, "The ferry was late twice this week.");
      const id = Number(/#comment-(\d+)/.exec(String(c.headers.location))![1]);
      const call = (method: "PATCH" | "DELETE", cookie: string, body?: object) =>
        env.app.inject({
          method,
          url: `/api/comments/${id}`,
          headers: {
            ...ORIGIN,
            cookie,
            ...(body ? { "content-type": "application/json" } : {}),
            accept: "application/json",
          },
          ...(body ? { payload: body } : {}),
        });
      const edited = await call("PATCH", jo, { body: "The ferry was late three times this week." });
      assert.equal(edited.statusCode, 200, `${edited.statusCode} ${edited.body}`);
      assert.ok(edited.json().editedAt);
      const other = await reader("Kim Other");
      assert.equal((await call("PATCH", other, { body: "hijack" })).statusCode, 403);
      assert.equal((await call("PATCH", jo, { body: "you dolt" })).statusCode, 422);
      const held = await call("PATCH", jo, { body: "Was it a bribe?" });
      assert.equal(held.json().status, "pending", "an edit with a suspect word goes back to the queue");
      await env.db
        .updateTable("comments")
        .set({ created_at: new Date(Date.now() - 3600_000).toISOString() })
        .where("id", "=", id)
        .execute();
      const late = await call("PATCH", jo, { body: "Too late to change." });
      assert.equal(late.statusCode, 403);
      assert.match(late.json().error.message, /can be edited for 15 minutes/);
      assert.equal((await call("DELETE", jo)).statusCode, 200);
      const row = await env.db
        .selectFrom("comments")
        .select("status")
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, "deleted");
      const rename = await form("/account", { displayName: "Jo F.", notifyReplies: "1" }, jo);
      assert.equal(rename.statusCode, 303);
      const badName = await form("/account", { displayName: "<b>x</b>" }, jo);
      assert.equal(badName.statusCode, 400);
      assert.equal(
        (
          await env.db
            .selectFrom("readers")
            .select("display_name")
            .where("email", "=", "joferry@readers.example")
            .executeTakeFirstOrThrow()
        ).display_name,
        "Jo F.",
      );
    });

    it("pre-moderates a whole section when an admin says so", async () => {
      const admin = await sessionFor(env.app, env.db, await addUser(env.db, "admin", "Ada Sections"));
      await admin.json("PUT", "/api/admin/sections", { slug: "city", name: "City", premoderate: true });
      const lee = await reader("Lee Quay");
      const r = await post(lee, "A perfectly ordinary comment.");
      assert.equal(r.statusCode, 202);
      assert.match(r.body, /waiting for a moderator/);
      await admin.json("PUT", "/api/admin/sections", { slug: "city", name: "City", premoderate: false });
      assert.equal((await post(lee, "Another ordinary comment.")).statusCode, 303);
    });

    it("bans a reader with a logged reason, and keeps a deleted account's comments anonymised", async () => {
      const hal = await reader("Hal Spam");
      const c = await post(hal, "Buy cheap harbour walls.");
      const id = Number(/#comment-(\d+)/.exec(String(c.headers.location))![1]);
      const mod = await sessionFor(env.app, env.db, await addUser(env.db, "moderator", "Mia Mod"));
      const noReason = await mod.call("POST", `/api/admin/comments/${id}/decision`, {
        action: "ban",
        reason: "",
      });
      assert.equal(noReason.statusCode, 400);
      await mod.json("POST", `/api/admin/comments/${id}/decision`, { action: "ban", reason: "spam account" });
      const again = await post(hal, "Still here.");
      assert.equal(again.statusCode, 403);
      assert.match(again.body, /may no longer comment/);
      const history = await mod.json<{
        comments: { status: string }[];
        log: { action: string; reason: string }[];
      }>("GET", `/api/admin/readers/${await readerIdOf("Hal Spam")}`);
      assert.equal(history.comments[0]!.status, "rejected");
      assert.ok(history.log.some((l) => l.action === "ban" && l.reason === "spam account"));

      const ivy = await reader("Ivy Gone");
      await post(ivy, "Leaving soon.");
      await env.app.syncChanges();
      assert.match((await env.app.inject(storyPath)).body, /Ivy Gone/);
      const del = await form("/account/delete", { confirm: "DELETE" }, ivy);
      assert.equal(del.statusCode, 200);
      await env.app.syncChanges();
      assert.doesNotMatch(
        (await env.app.inject(storyPath)).body,
        /Ivy Gone/,
        "the name leaves the cached article page",
      );
      const api = (await env.app.inject(`/api/comments/story/${storyId}`)).json() as {
        comments: { author: string; body: string }[];
      };
      const left = api.comments.find((x) => x.body === "Leaving soon.")!;
      assert.equal(left.author, "Deleted account");
      const row = await env.db
        .selectFrom("readers")
        .select(["email", "password_hash"])
        .where("display_name", "=", "Deleted account")
        .executeTakeFirstOrThrow();
      assert.match(row.email, /@deleted\.invalid$/);
      assert.equal(row.password_hash, "!");
    });
  });
}

describe("reply notification over SMTP", () => {
  it("delivers the email to a real SMTP server", async () => {
    const received: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, _session, cb) {
        let data = "";
        stream.on("data", (c: Buffer) => (data += c.toString()));
        stream.on("end", () => {
          received.push(data);
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.server.address() as { port: number }).port;
    const env = await makeEnv({ env: { GAZETTE_SMTP_URL: `smtp://127.0.0.1:${port}` } });
    try {
      // Through the whole app: the mailer comes from the configuration (GAZETTE_SMTP_URL).
      await upsertSection(env.db, { slug: "city", name: "City" });
      await writePolicy(env.db, { newAccountHours: 0 });
      const s = await saveStory(env.db, {
        headline: "Ferry fares",
        sectionSlug: "city",
        status: "published",
        firstPublishedAt: new Date(Date.now() - 60_000).toISOString(),
      });
      const { createReader, createReaderSession, markVerified } =
        await import("../../src/store/reader-store.ts");
      const session = async (name: string, email: string) => {
        const r = await createReader(
          env.db,
          { email, displayName: name, passwordHash: "!" },
          new Date(Date.now() - 86_400_000),
        );
        await markVerified(env.db, r.id);
        return `gz_reader=${await createReaderSession(env.db, r.id)}`;
      };
      const ana = await session("Ana", "ana@readers.example");
      const ben = await session("Ben", "ben@readers.example");
      const send = (cookie: string, body: string, parentId?: number) =>
        env.app.inject({
          method: "POST",
          url: "/comments",
          headers: { ...ORIGIN, cookie, "content-type": "application/x-www-form-urlencoded" },
          payload: new URLSearchParams({
            storyId: String(s.id),
            body,
            ...(parentId ? { parentId: String(parentId) } : {}),
          }).toString(),
        });
      const first = await send(ana, "Fares went up again.");
      const id = Number(/#comment-(\d+)/.exec(String(first.headers.location))![1]);
      const reply = await send(ben, "Agreed, the north end most of all.", id);
      assert.equal(reply.statusCode, 303, reply.body);
      for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(received.length, 1);
      assert.match(received[0]!, /Subject: Ben replied to your comment/);
      assert.match(received[0]!, /Agreed, the north end most of all\./);
      assert.match(received[0]!, /To: ana@readers\.example/);
    } finally {
      await env.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
