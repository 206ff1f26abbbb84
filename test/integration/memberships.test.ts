/**
 * Memberships with the page cache on: the meter, the gate (the gated text
 * never in the HTML), entitlements from grants, institutions (IP ranges,
 * email domains) and the crawler list, and every other door to a gated
 * story's text.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { Access } from "../../src/content/model.ts";
import { blockText } from "../../src/content/text.ts";
import { escapeHtml } from "../../src/site/html.ts";
import { addGrant, saveInstitution, upsertPlan } from "../../src/store/membership-store.ts";
import { gateStory, readerWithSession } from "../membership-fixtures.ts";
import { contentOf, saveStory, storyByUri } from "../../src/store/story-store.ts";
import { DIALECTS, type TestEnv, demoEnv, tempDir } from "../helpers.ts";

const KEYS = ["bridge", "seagrass", "budget", "ferry-jobs", "rail"];
const SUBSCRIBERS: Access = { level: "subscribers", plans: [] };

/** Cookies a browser would keep between requests. */
class Jar {
  private cookies = new Map<string, string>();
  constructor(initial: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(initial)) this.cookies.set(k, v);
  }
  take(setCookie: string | string[] | undefined) {
    for (const c of [setCookie ?? []].flat()) {
      const [pair] = c.split(";");
      const at = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  }
  get header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  get(name: string) {
    return this.cookies.get(name);
  }
  set(name: string, value: string) {
    this.cookies.set(name, value);
  }
}

for (const dialect of DIALECTS) {
  describe(`memberships (${dialect})`, () => {
    let env: TestEnv;
    /** How far the gate's clock runs ahead of the real one. */
    let ahead = 0;
    const stories: { id: number; path: string; secret: string; previewText: string }[] = [];
    const crawlerFile = path.join(tempDir("gazette-crawlers-"), "crawlers.txt");

    beforeEach(async () => {
      fs.writeFileSync(crawlerFile, "# a search engine's ranges\n66.249.64.0/27\n2001:4860:4801:10::/64\n");
      env = await demoEnv(
        dialect,
        (c) => {
          c.memberships = {
            ...c.memberships,
            meter: { anonymous: 3, registered: 5 },
            previewParagraphs: 2,
            gifts: { maxUses: 2, days: 30, perMonth: 10 },
            crawlerRangesFile: crawlerFile,
          };
        },
        { clock: () => new Date(Date.now() + ahead) },
      );
      ahead = 0;
      stories.length = 0;
      for (const key of KEYS) {
        const s = await gateStory(env.db, key, SUBSCRIBERS);
        const paragraphs = s.body.filter((b) => b.type === "paragraph").map(blockText);
        assert.ok(paragraphs.length >= 3, `${key} has a gated part`);
        stories.push({ id: s.id, path: s.path, previewText: paragraphs[0]!, secret: paragraphs.at(-1)! });
      }
      await env.app.syncChanges();
    });
    afterEach(() => env.close());

    const read = async (p: string, jar: Jar, remoteAddress = "198.51.100.7") => {
      const r = await env.app.inject({
        method: "GET",
        url: p,
        headers: { cookie: jar.header },
        remoteAddress,
      });
      jar.take(r.headers["set-cookie"]);
      return r;
    };
    const esc = escapeHtml;
    const full = (body: string, s: (typeof stories)[number]) => body.includes(esc(s.secret));

    const readerCookie = (email: string) => readerWithSession(env.db, email);

    it("meters a visitor: three gated stories in full, the fourth gated, its text nowhere in the HTML", async () => {
      const jar = new Jar();
      for (const [i, s] of stories.slice(0, 3).entries()) {
        const r = await read(s.path, jar);
        assert.equal(r.statusCode, 200);
        assert.ok(full(r.body, s), `story ${i + 1} is read in full`);
        assert.match(
          r.body,
          new RegExp(`${2 - i === 0 ? "This was your last free story" : `${2 - i} free stor`}`),
        );
        assert.match(r.body, /class="gz-gated"/);
        assert.equal(r.headers["cache-control"], "private, no-cache");
      }
      // Reading one again does not count twice.
      const again = await read(stories[0]!.path, jar);
      assert.ok(full(again.body, stories[0]!));
      const fourth = stories[3]!;
      const gate = await read(fourth.path, jar);
      assert.equal(gate.statusCode, 200);
      assert.ok(!full(gate.body, fourth), "the gated part is not in the page");
      assert.ok(gate.body.includes(esc(fourth.previewText)), "the preview is");
      assert.match(gate.body, /This story is for .* subscribers/);
      assert.match(gate.body, /You have read your 3 free stories this month/);
      assert.doesNotMatch(gate.body, /class="gz-gated"/);
      // Google's paywall markup names the class that wraps the gated part.
      assert.match(gate.body, /"isAccessibleForFree":false/);
      assert.match(gate.body, /"cssSelector":".gz-gated"/);
      // The gate was served from the cache the second time, and still gated.
      const cached = await read(fourth.path, jar);
      assert.equal(cached.headers["x-cache"], "HIT");
      assert.ok(!full(cached.body, fourth));
    });

    it("treats a tampered meter cookie as none, and a cookie from an earlier month as empty", async () => {
      const jar = new Jar();
      await read(stories[0]!.path, jar);
      const meter = jar.get("gz_meter")!;
      assert.match(meter, /^\d{4}-\d{2}\.\d+~/);
      // Claiming to have read nothing this month with a forged signature: no more reads than three.
      const forged = new Jar({ gz_meter: meter.replace(/~.*/, "~AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") });
      for (const s of stories.slice(0, 3)) assert.ok(full((await read(s.path, forged)).body, s));
      assert.ok(!full((await read(stories[3]!.path, forged)).body, stories[3]!));
      // A full meter signed for last year's month: a fresh start.
      const old = new Jar({ gz_meter: "2001-01.1~x" });
      assert.ok(full((await read(stories[4]!.path, old)).body, stories[4]!));
    });

    it("gives a registered reader M stories and a subscriber everything, from the next request on", async () => {
      const ana = await readerCookie("ana@readers.example");
      const jar = new Jar({ gz_reader: ana.cookie });
      const seen = [];
      for (const s of stories) seen.push(full((await read(s.path, jar)).body, s));
      assert.deepEqual(seen, [true, true, true, true, true]);
      // A sixth gated story: the meter of 5 is spent.
      const sixth = (await storyByUri(env.db, "urn:gazette:demo:port-trade"))!;
      await saveStory(
        env.db,
        { ...contentOf(sixth), access: SUBSCRIBERS, status: "published" },
        { id: sixth.id },
      );
      await env.app.syncChanges();
      const gated = await read(sixth.path, jar);
      assert.match(gated.body, /Subscribe|not on sale online/);
      assert.match(gated.body, /You have read your 5 free stories/);
      assert.doesNotMatch(gated.body, /Create a free account to read on/);
      // A grant: the same page in full on the very next request.
      await upsertPlan(env.db, {
        slug: "digital",
        name: "Digital",
        priceMinor: 900,
        currency: "eur",
        interval: "month",
      });
      await addGrant(env.db, { readerId: ana.id, kind: "complimentary", planSlug: "digital" });
      // (Straight into the store: the change feed tells the app, as it tells every process.)
      await env.app.syncChanges();
      const open = await read(sixth.path, jar);
      assert.ok(open.body.includes(`class="gz-gated"`), "read in full after the grant");
      // A story for another plan only stays closed to a "digital" reader.
      await saveStory(
        env.db,
        {
          ...contentOf(sixth),
          access: { level: "subscribers", plans: ["print-and-digital"] },
          status: "published",
        },
        { id: sixth.id },
      );
      await env.app.syncChanges();
      // (The same browser: its meter is spent.)
      const other = await read(sixth.path, jar);
      assert.ok(!other.body.includes(`class="gz-gated"`), "another plan's story stays gated");
    });

    it("opens gated stories to an institution's network and email domain, and to listed crawlers only", async () => {
      await saveInstitution(env.db, {
        name: "Ellery Public Library",
        emailDomains: ["library.example"],
        ipRanges: ["203.0.113.0/24", "2001:db8:42::/48"],
        planSlug: null,
        active: true,
      });
      await env.app.syncChanges();
      const s = stories[0]!;
      // Five reads from the library's network: never metered, never gated.
      for (let i = 0; i < 5; i++) {
        const r = await read(stories[i]!.path, new Jar(), "203.0.113.50");
        assert.ok(full(r.body, stories[i]!));
        assert.doesNotMatch(r.body, /free stor(y|ies) left/);
      }
      assert.ok(full((await read(s.path, new Jar(), "2001:db8:42::7")).body, s));
      // A member by email, from home.
      const lib = await readerCookie("reader@branch.library.example");
      const jar = new Jar({ gz_reader: lib.cookie, gz_meter: "" });
      for (const t of stories) assert.ok(full((await read(t.path, jar, "192.0.2.77")).body, t));
      // A listed crawler reads everything; a claimed Googlebot from elsewhere meets the meter like anyone.
      for (const t of stories) assert.ok(full((await read(t.path, new Jar(), "66.249.64.3")).body, t));
      const spoof = new Jar();
      const results = [];
      for (const t of stories)
        results.push(
          full(
            (
              await env.app
                .inject({
                  method: "GET",
                  url: t.path,
                  headers: { cookie: spoof.header, "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1)" },
                  remoteAddress: "192.0.2.10",
                })
                .then((r) => (spoof.take(r.headers["set-cookie"]), r))
            ).body,
            t,
          ),
        );
      assert.deepEqual(results, [true, true, true, false, false]);
    });

    it("reads the crawler list again when its file changes, and keeps the last good one when it breaks", async () => {
      const s = stories[0]!;
      const asCrawler = async (ip: string) => full((await read(s.path, new Jar(), ip)).body, s);
      // The meter would let a visitor read this one, so a visitor who has spent it stands in for "not a crawler".
      const spent = new Jar();
      for (const t of stories.slice(1, 4)) await read(t.path, spent);
      const asVisitor = async (ip: string) => full((await read(s.path, spent, ip)).body, s);
      assert.ok(await asCrawler("66.249.64.3"));
      assert.ok(!(await asVisitor("66.249.66.9")));

      // The search engine publishes new ranges; the operator's job rewrites the file.
      fs.writeFileSync(crawlerFile, "66.249.66.0/27\n");
      const later = new Date(Date.now() + 3_600_000);
      fs.utimesSync(crawlerFile, later, later);
      // Looked at every 30 seconds, not on every request.
      assert.ok(await asCrawler("66.249.64.3"), "the old list holds until the next look");
      ahead += 31_000;
      assert.ok(await asVisitor("66.249.66.9"), "the new range reads in full");
      assert.ok(!(await asVisitor("66.249.64.3")), "the dropped range meets the gate");

      // A broken file (half written, a typo) leaves the list as it was.
      fs.writeFileSync(crawlerFile, "66.249.66.0/99\n");
      const later2 = new Date(Date.now() + 7_200_000);
      fs.utimesSync(crawlerFile, later2, later2);
      ahead += 31_000;
      assert.ok(await asVisitor("66.249.66.9"), "the last good list stays");
    });

    it("starts the meter again in a new month", async () => {
      const jar = new Jar();
      for (const s of stories.slice(0, 3)) await read(s.path, jar);
      assert.ok(!full((await read(stories[3]!.path, jar)).body, stories[3]!));
      ahead += 32 * 86_400_000;
      const next = await read(stories[3]!.path, jar);
      assert.ok(full(next.body, stories[3]!), "a new month, a new allowance");
      assert.match(next.body, /2 free stories left this month/);
    });

    it("opens a story through a subscriber's gift link N times, then stops; and through a newsletter's link", async () => {
      const s = stories[4]!;
      const ana = await readerCookie("ana@readers.example");
      const origin = { origin: "http://localhost:80", host: "localhost:80", accept: "application/json" };
      const give = () =>
        env.app.inject({
          method: "POST",
          url: "/membership/gifts",
          headers: { ...origin, cookie: `gz_reader=${ana.cookie}` },
          payload: { storyId: s.id },
        });
      // A reader on the free tier may not give stories away.
      assert.equal((await give()).statusCode, 403);
      await upsertPlan(env.db, {
        slug: "digital",
        name: "Digital",
        priceMinor: 900,
        currency: "eur",
        interval: "month",
      });
      await addGrant(env.db, { readerId: ana.id, kind: "complimentary", planSlug: "digital" });
      // (Straight into the store: the change feed tells the app, as it tells every process.)
      await env.app.syncChanges();
      const made = await give();
      assert.equal(made.statusCode, 200, made.body);
      const { url, maxUses } = JSON.parse(made.body) as { url: string; maxUses: number };
      assert.equal(maxUses, 2);
      const link = new URL(url).pathname;
      // Two friends follow it; each reads the story in full (their meters are spent).
      for (let i = 0; i < 2; i++) {
        const friend = new Jar();
        for (const t of stories.slice(0, 3)) await read(t.path, friend);
        const follow = await read(link, friend);
        assert.equal(follow.statusCode, 303);
        assert.equal(follow.headers.location, s.path);
        assert.ok(full((await read(s.path, friend)).body, s), `friend ${i + 1} reads it in full`);
      }
      const third = await read(link, new Jar());
      assert.equal(third.statusCode, 410);
      assert.match(third.body, /used as many times as it can be/);
      // A tampered link, a tampered pass cookie: nothing opens.
      assert.equal((await read(`${link.slice(0, -3)}abc`, new Jar())).statusCode, 404);
      const forged = new Jar({ gz_pass: `${s.id}.9999999999~AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA` });
      for (const t of stories.slice(0, 3)) await read(t.path, forged);
      assert.ok(!full((await read(s.path, forged)).body, s));

      // A newsletter's link to a gated story opens it for a few days; an expired or altered one does not.
      const { accessSigningKey } = await import("../../src/store/membership-store.ts");
      const { newsletterToken } = await import("../../src/auth/access-tokens.ts");
      const key = await accessSigningKey(env.db);
      const later = Math.floor(Date.now() / 1000) + 86_400;
      const reader = new Jar();
      for (const t of stories.slice(0, 3)) await read(t.path, reader);
      const follow = await read(`/read/${newsletterToken(key, s.id, later)}`, reader);
      assert.equal(follow.statusCode, 303);
      assert.ok(full((await read(s.path, reader)).body, s));
      const expired = await read(`/read/${newsletterToken(key, s.id, later - 2 * 86_400)}`, new Jar());
      assert.equal(expired.statusCode, 410);
      const altered = await read(
        `/read/${newsletterToken(key, stories[3]!.id, later).replace(/^\d+/, String(s.id))}`,
        new Jar(),
      );
      assert.equal(altered.statusCode, 410);
    });

    it("keeps a gated story's comments for its readers when the site says so", async () => {
      const s = stories.find((t) => t.path.includes("ferry"))!;
      const everyone = await read(`/api/comments/story/${s.id}`, new Jar());
      assert.equal(everyone.statusCode, 200, "by default comments are for everyone");
      env.config.memberships.comments = "entitled";
      try {
        // A visitor whose meter is spent on three other stories.
        const jar = new Jar();
        for (const t of stories.filter((t) => t.id !== s.id).slice(0, 3)) await read(t.path, jar);
        for (const url of [`/api/comments/story/${s.id}`, `/comments/story/${s.id}`]) {
          const r = await read(url, jar);
          assert.equal(r.statusCode, 403, `${url} for a reader without access`);
        }
        const thread = (await env.db
          .selectFrom("comments")
          .select("id")
          .where("story_id", "=", s.id)
          .where("status", "=", "approved")
          .executeTakeFirst())!;
        assert.equal((await read(`/comments/${thread.id}`, jar)).statusCode, 403);
        assert.equal((await read(`/api/comments/${thread.id}/replies`, jar)).statusCode, 403);
        // Nor may a signed-in reader without access post one.
        const ben = await readerCookie("ben@readers.example");
        // (Ben has not read it: the cookie he sends holds no meter.)
        const post = await env.app.inject({
          method: "POST",
          url: "/comments",
          headers: {
            origin: "http://localhost:80",
            host: "localhost:80",
            accept: "application/json",
            cookie: `gz_reader=${ben.cookie}`,
          },
          payload: { storyId: s.id, body: "A view from someone who has not read it." },
        });
        assert.equal(post.statusCode, 403, post.body);
        // A listed crawler (or a subscriber) reads them; asking never counts a story on the meter.
        assert.equal((await read(`/api/comments/story/${s.id}`, new Jar(), "66.249.64.9")).statusCode, 200);
        const fresh = new Jar();
        await read(`/comments/story/${s.id}`, fresh);
        assert.equal(fresh.get("gz_meter"), undefined);
      } finally {
        env.config.memberships.comments = "everyone";
      }
    });

    it("shows only the preview through every other door: search, the history, feeds", async () => {
      const s = stories[0]!;
      const word = s.secret.split(/\s+/).find((w) => /^[a-z]{7,}$/i.test(w))!;
      const api = await env.app.inject({ method: "GET", url: `/api/search?q=${encodeURIComponent(word)}` });
      assert.equal(api.statusCode, 200);
      assert.ok(!api.body.includes(s.secret.slice(0, 40)));
      const page = await env.app.inject({ method: "GET", url: `/search?q=${encodeURIComponent(word)}` });
      assert.ok(!page.body.includes(esc(s.secret.slice(0, 40))));
      // Lists say which stories are for subscribers.
      const section = await env.app.inject({ method: "GET", url: `/${s.path.split("/")[1]}` });
      const teaser = section.body.slice(
        section.body.indexOf(`href="${s.path}"`) - 1500,
        section.body.indexOf(`href="${s.path}"`) + 1500,
      );
      assert.match(teaser, /<span class="teaser-access">Subscribers<\/span>/);
      for (const feed of ["/feed.xml", `/${s.path.split("/")[1]}/feed.xml`]) {
        const r = await env.app.inject({ method: "GET", url: feed });
        assert.ok(!r.body.includes(s.secret.slice(0, 40)), `${feed} holds no gated text`);
      }
      // An edit to the gated part: the history says the text changed, not what it says now.
      const story = (await storyByUri(env.db, `urn:gazette:demo:${KEYS[0]}`))!;
      const body = story.body.map((b) =>
        b.type === "paragraph" && blockText(b) === s.secret
          ? {
              type: "paragraph" as const,
              content: [{ text: "A new closing line only subscribers should read." }],
            }
          : b,
      );
      await saveStory(
        env.db,
        { ...contentOf(story), body, status: "published" },
        { id: story.id, baseRevision: story.revision },
      );
      await env.app.syncChanges();
      const history = await env.app.inject({ method: "GET", url: `${s.path}/history` });
      assert.equal(history.statusCode, 200);
      assert.ok(!history.body.includes("only subscribers should read"));
      assert.ok(!history.body.includes(esc(s.secret.slice(0, 40))));
      assert.match(history.body, /text after the free preview changed/);
      // A newsroom preview link of a published story leads to its address, where the gate applies.
      const { previewUrl } = await import("../../src/newsroom/preview.ts");
      const link = await previewUrl(env.db, "", s.id, 1);
      const preview = await env.app.inject({ method: "GET", url: link.path });
      assert.equal(preview.statusCode, 303);
      assert.equal(preview.headers.location, s.path);
    });
  });
}
