/** Every reader page type, through app.inject() on the seeded demo newsroom (a real SQLite file). */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { afterEach, beforeEach, describe, it } from "node:test";
import { buildApp } from "../../src/app.ts";
import { openDatabase } from "../../src/store/database.ts";
import { DIALECTS, type TestEnv, demoEnv } from "../helpers.ts";

const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;

for (const dialect of DIALECTS) {
  describe(`reader site (${dialect})`, () => {
    let env: TestEnv;
    let articlePath: string;

    beforeEach(async () => {
      env = await demoEnv(dialect);
      const row = await env.db
        .selectFrom("stories")
        .select("path")
        .where("uri", "=", "urn:gazette:demo:bridge")
        .executeTakeFirstOrThrow();
      articlePath = row.path;
    });
    afterEach(() => env.close());

    const get = (url: string, headers: Record<string, string> = {}) =>
      env.app.inject({ method: "GET", url, headers });

    describe("article page", () => {
      it("has every element of the reference page", async () => {
        const res = await get(articlePath);
        assert.equal(res.statusCode, 200);
        assert.match(res.headers["content-type"] as string, /text\/html/);
        const html = res.body;
        assert.equal(count(html, /<h1[\s>]/g), 1, "one h1");
        assert.match(html, /<p class="kicker"><a href="\/city">City<\/a><\/p>/);
        assert.match(html, /<h1>Harbour lift bridge to reopen/);
        assert.equal(count(html, /<ul class="summary"><li>/g), 1);
        assert.match(
          html,
          /By <a href="\/author\/ines-carvalho" rel="author">Ines Carvalho<\/a> and <a href="\/author\/tomas-whitlow"/,
        );
        assert.match(html, /<span class="dateline">PORT ELLERY —<\/span>/);
        // The demo paper keeps British time: the label names the zone, the attribute carries its offset.
        assert.match(
          html,
          /Published <time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[01]:00">\d{1,2} \w+ \d{4}, \d\d:\d\d (GMT|BST)<\/time>/,
        );
        assert.match(html, /Updated <time datetime=/);
        assert.match(html, /<span class="reading-time">\d+ min read<\/span>/);
        assert.match(html, /<a href="\/about\/editorial-standards">Why you can trust The Gazette Daily<\/a>/);
        // Hero: responsive picture with AVIF/WebP and a JPEG fallback, sized, with alt, caption and credit.
        const hero = /<figure class="hero">([\s\S]*?)<\/figure>/.exec(html)?.[1] ?? "";
        assert.match(hero, /<source type="image\/avif" srcset="[^"]+ 480w, [^"]+ 800w/);
        assert.match(hero, /<source type="image\/webp"/);
        assert.match(
          hero,
          /<img src="\/media\/images\/[^"]+\.jpg" srcset="[^"]+" sizes="[^"]+" alt="Ferries cross[^"]+" width="1600" height="1000"/,
        );
        assert.match(hero, /<span class="credit">Photo: Mara Lindqvist \/ Gazette Wire<\/span>/);
        // Ads: a top slot and labelled in-body slots an ad server can fill.
        assert.match(
          html,
          /<aside class="ad ad--top" aria-label="Advertisement" data-ad-slot="story-top" data-ad-sizes="728x90,320x100">/,
        );
        const bodySlots = count(html, /class="ad ad--body"/g);
        assert.ok(bodySlots >= 2 && bodySlots <= 3, `in-body slots: ${bodySlots}`);
        // Labelled: the top slot, the in-body ones, and the rail's (shown beside the text on wide screens).
        assert.equal(count(html, /<p class="ad-label">Advertisement<\/p>/g), bodySlots + 2);
        // Video with poster, preload none, title and duration; related-video module.
        assert.match(
          html,
          /<video controls preload="none" playsinline width="1280" height="720" poster="\/media\/[^"]+"><source src="\/media\/files\/[^"]+\.mp4" type="video\/mp4">/,
        );
        assert.match(
          html,
          /<span class="duration"><span class="visually-hidden">Duration <\/span>01:47<\/span>/,
        );
        assert.match(html, /<section class="related-videos"[\s\S]*00:58[\s\S]*A day with the ferry crews/);
        // Quote with attribution, sources, topics, related stories.
        assert.match(
          html,
          /<figure class="quote"><blockquote><p>It is late[^<]*<\/p><\/blockquote><figcaption>— Hana Duarte/,
        );
        assert.match(
          html,
          /<section class="sources"[\s\S]*<a href="https:\/\/council\.port-ellery\.example\/[^"]+" rel="noopener">Port Ellery City Council<\/a><\/strong>: final report/,
        );
        assert.match(html, /<li><a href="\/topic\/ellery-harbour">Ellery Harbour<\/a><\/li>/);
        assert.match(html, /<section class="related"[\s\S]*Related stories[\s\S]*class="teaser"/);
        // The comment count is the stored count of approved comments, linking to the comments, which are on the page.
        assert.match(html, /<a href="#comments" class="comment-count">10 comments<\/a>/);
        assert.match(html, /"commentCount":10/);
        assert.match(
          html,
          /<section class="comments" id="comments"[\s\S]*A protected lane each way is the real news here/,
        );
        assert.match(
          html,
          /<strong id="comment-\d+-by">Ines Carvalho<\/strong> <span class="staff-badge">Staff<\/span>/,
        );
      });

      it("has canonical, OpenGraph, Twitter and NewsArticle JSON-LD", async () => {
        const html = (await get(articlePath)).body;
        assert.match(
          html,
          new RegExp(`<link rel="canonical" href="https://news.example.org${articlePath}">`),
        );
        assert.match(html, /<meta property="og:type" content="article">/);
        assert.match(
          html,
          /<meta property="og:image" content="https:\/\/news\.example\.org\/media\/[^"]+\.jpg">/,
        );
        assert.match(html, /<meta name="twitter:card" content="summary_large_image">/);
        const ld = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/.exec(html)![1]!);
        assert.equal(ld["@type"], "NewsArticle");
        for (const key of [
          "headline",
          "description",
          "datePublished",
          "dateModified",
          "author",
          "publisher",
          "image",
          "articleSection",
          "keywords",
          "wordCount",
          "isAccessibleForFree",
          "publishingPrinciples",
        ]) {
          assert.ok(ld[key] !== undefined && ld[key] !== "", `JSON-LD ${key}`);
        }
        assert.equal(ld.publisher.logo["@type"], "ImageObject");
        assert.equal(ld.author.length, 2);
        assert.ok(ld.wordCount > 500);
        assert.equal(ld.articleSection, "City");
        assert.equal(ld.video[0].duration, "PT1M47S");
        // og:image's size is the size of the file it names (a 1200 px rendition, not the original).
        const ogUrl =
          /<meta property="og:image" content="https:\/\/news\.example\.org(\/media\/[^"]+)">/.exec(html)![1]!;
        const ogWidth = Number(/<meta property="og:image:width" content="(\d+)">/.exec(html)![1]);
        const ogHeight = Number(/<meta property="og:image:height" content="(\d+)">/.exec(html)![1]);
        const { default: sharp } = await import("sharp");
        const meta = await sharp((await get(ogUrl)).rawPayload).metadata();
        assert.deepEqual([ogWidth, ogHeight], [meta.width, meta.height]);
        assert.deepEqual([ld.image.width, ld.image.height], [meta.width, meta.height]);
      });

      it("never skips a heading level after the h1", async () => {
        const bridge = await env.db
          .selectFrom("stories")
          .select("id")
          .where("uri", "=", "urn:gazette:demo:bridge")
          .executeTakeFirstOrThrow();
        for (const url of [
          `/comments/story/${bridge.id}`,
          articlePath,
          `${articlePath}/history`,
          "/",
          "/city",
          "/topic/ellery-harbour",
          "/search?q=bridge",
          "/video",
          "/video/1",
          "/corrections",
          "/about/editorial-standards",
        ]) {
          const levels = [...(await get(url)).body.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
          assert.equal(levels.filter((l) => l === 1).length, 1, `${url}: one h1`);
          levels.forEach((l, i) => {
            if (i > 0) assert.ok(l <= levels[i - 1]! + 1, `${url}: h${levels[i - 1]} then h${l}`);
          });
        }
      });

      it("stays under 30 KB of HTML+CSS compressed", async () => {
        const res = await get(articlePath, { "accept-encoding": "gzip" });
        const cssHref = /<link rel="stylesheet" href="([^"]+)">/.exec(
          zlib.gunzipSync(res.rawPayload).toString(),
        )![1]!;
        const css = await get(cssHref, { "accept-encoding": "gzip" });
        assert.equal(res.headers["content-encoding"], "gzip");
        const total = res.rawPayload.length + css.rawPayload.length;
        assert.ok(total < 30 * 1024, `HTML+CSS gzip = ${total} bytes`);
      });

      it("redirects an old path after the slug changes", async () => {
        const { saveStory, storyByUri } = await import("../../src/store/story-store.ts");
        const s = (await storyByUri(env.db, "urn:gazette:demo:bakery"))!;
        const saved = await saveStory(
          env.db,
          {
            headline: s.headline,
            summary: s.summary,
            body: s.body,
            sectionSlug: s.section.slug,
            status: "published",
            slug: "bakery-opens-second-shop",
            topicNames: s.topics.map((t) => t.name),
          },
          { id: s.id },
        );
        assert.notEqual(saved.path, s.path);
        const res = await get(s.path);
        assert.equal(res.statusCode, 301);
        assert.equal(res.headers.location, saved.path);
        assert.equal((await get(saved.path)).statusCode, 200);
      });
    });

    describe("other pages", () => {
      it("home: lead story, latest and sections", async () => {
        const res = await get("/");
        assert.equal(res.statusCode, 200);
        assert.match(res.body, /class="teaser teaser--lead"/);
        assert.match(res.body, /Harbour lift bridge to reopen/);
        for (const s of ["city", "politics", "business", "science", "culture", "sport"])
          assert.match(res.body, new RegExp(`href="/${s}"`));
      });

      it("section, topic and author pages list stories", async () => {
        for (const url of ["/city", "/topic/ellery-harbour", "/author/marco-ferrante"]) {
          const res = await get(url);
          assert.equal(res.statusCode, 200, url);
          assert.match(res.body, /class="teaser"/, url);
        }
        const first = await get("/author/marco-ferrante");
        assert.doesNotMatch(first.body, /rel="next"/, "7 stories fit on one page of 20");
      });

      it("pagination links and out-of-range pages", async () => {
        const paged = await buildApp({
          config: { ...env.config, pageSize: 2 },
          db: env.db,
          media: env.media,
        });
        try {
          const p1 = await paged.inject("/city");
          assert.match(p1.body, /<a rel="next" href="\/city\?page=2">/);
          const p2 = await paged.inject("/city?page=2");
          assert.equal(p2.statusCode, 200);
          assert.match(p2.body, /<span>Page 2<\/span>/);
          assert.match(p2.body, /<link rel="prev" href="\/city">/);
          assert.match(p2.body, /<link rel="canonical" href="https:\/\/news.example.org\/city\?page=2">/);
          assert.equal((await paged.inject("/city?page=99")).statusCode, 404);
        } finally {
          await paged.close();
        }
      });

      it("video index and video page", async () => {
        const index = await get("/video");
        assert.equal(index.statusCode, 200);
        const id = /href="\/video\/(\d+)"/.exec(index.body)![1];
        const page = await get(`/video/${id}`);
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /<video controls preload="none"/);
        assert.match(page.body, /In these stories/);
        // The index: each card has a play mark, its length and the date it was added.
        const cards = index.body.split('<li class="video-card">').slice(1);
        assert.ok(cards.length >= 2);
        for (const c of cards) {
          assert.match(c, /<span class="play-mark" aria-hidden="true"><\/span>/);
          assert.match(c, /<span class="duration">/);
          assert.match(c, /<time datetime="[^"]+">\d{1,2} \w+ \d{4}<\/time>/);
        }
        // The page gives the length once, and has no empty heading.
        const main = /<main[\s\S]*<\/main>/.exec(page.body)![0];
        const len =
          /<span class="duration"><span class="visually-hidden">Duration <\/span>([\d:]+)<\/span>/.exec(
            index.body.split(`href="/video/${id}"`)[1]!,
          )![1]!;
        assert.equal(main.split(len).length - 1, 1, `the length ${len} once`);
        assert.doesNotMatch(main, /<h[1-6][^>]*><\/h[1-6]>/);
      });

      it("home: the lead, three columns of the latest, and one block per section (a picture, then headlines)", async () => {
        const home = (await get("/")).body;
        assert.match(home, /<div class="teaser-grid teaser-grid--three">/);
        const blocks = home.split('<section class="section-block"').slice(1);
        assert.ok(blocks.length >= 4);
        for (const b of blocks)
          assert.ok((b.match(/<article class="teaser/g) ?? []).length <= 1, "one picture per block");
        // Small pictures on phones after the lead: a small rendition is asked for.
        assert.match(home, /sizes="\(min-width: 700px\) 300px, 7rem"/);
      });

      it("article: a rail with the section's latest and a sticky ad beside the text on wide screens", async () => {
        const page = (await get(articlePath)).body;
        const rail =
          /<section class="rail" aria-labelledby="rail-h">([\s\S]*?)<\/section>/.exec(page)?.[1] ?? "";
        assert.match(rail, /<h2 class="rail-title" id="rail-h">Latest in City<\/h2>/);
        assert.ok((rail.match(/<li>/g) ?? []).length >= 1);
        assert.doesNotMatch(rail, /harbour-lift-bridge-to-reopen/, "not the story itself");
        assert.match(rail, /class="ad ad--rail"/);
      });

      it("the editorial standards page has real text", async () => {
        const res = await get("/about/editorial-standards");
        assert.equal(res.statusCode, 200);
        assert.match(res.body, /<h1>Our editorial standards/);
        assert.ok(res.body.length > 3000);
      });

      it("feeds: site and section RSS with enclosures", async () => {
        for (const url of ["/feed.xml", "/city/feed.xml"]) {
          const res = await get(url);
          assert.equal(res.statusCode, 200, url);
          assert.match(res.headers["content-type"] as string, /application\/rss\+xml/);
          assert.match(res.body, /<rss version="2.0"/);
          assert.match(
            res.body,
            /<enclosure length="\d{4,}" type="image\/jpeg" url="https:\/\/news.example.org\/media\/[^"]+\.jpg"\/>/,
          );
          // Every item names its author(s); summary points stay apart in the description.
          const items = res.body.split("<item>").slice(1);
          assert.ok(items.length > 0);
          for (const item of items) assert.match(item, /<author>|<dc:creator>/, `${url}: an author`);
          assert.ok(
            items.some((i) => /<description><!\[CDATA\[[^\]]*\. · /.test(i)),
            `${url}: points separated`,
          );
        }
      });

      it("sitemaps: all stories, and the last 48 hours for Google News", async () => {
        const all = await get("/sitemap.xml");
        assert.equal(all.statusCode, 200);
        assert.equal(count(all.body, /<url>/g), 1 + 6 + 24);
        const news = await get("/sitemap-news.xml");
        assert.match(news.body, /xmlns:news="http:\/\/www.google.com\/schemas\/sitemap-news\/0.9"/);
        const n = count(news.body, /<news:news>/g);
        assert.ok(n >= 5 && n < 24, `news sitemap has ${n} stories`);
      });

      it("a picture size missing on disk is made from its original when asked for, and nothing else is", async () => {
        const hero = /<img src="\/media\/(images\/[0-9a-f]{2}\/[0-9a-f]{32})-(\d+)\.jpg"/.exec(
          (await get(articlePath)).body,
        );
        assert.ok(hero, "the article has a hero picture");
        const file = `${hero[1]}-800.avif`;
        const abs = path.join(env.config.mediaDir, file);
        fs.rmSync(abs);
        const res = await get(`/media/${file}`);
        assert.equal(res.statusCode, 200);
        assert.equal(res.headers["content-type"], "image/avif");
        assert.match(String(res.headers["cache-control"]), /immutable/);
        assert.ok(fs.existsSync(abs), "made and kept");
        // Only the sizes the original's list would hold: not another width, not an unknown original.
        assert.equal((await get(`/media/${hero[1]}-640.avif`)).statusCode, 404);
        assert.equal((await get(`/media/images/00/${"0".repeat(32)}-800.avif`)).statusCode, 404);
        assert.equal((await get(`/media/images/../gazette.sqlite`)).statusCode, 404);
      });

      it("robots.txt and healthz", async () => {
        assert.match((await get("/robots.txt")).body, /Sitemap: https:\/\/news.example.org\/sitemap.xml/);
        const h = await get("/healthz");
        assert.equal(h.statusCode, 200);
        const { pageCache, ...report } = h.json() as Record<string, unknown>;
        assert.deepEqual(report, { status: "ok", database: "ok", media: "ok" });
        assert.deepEqual(Object.keys(pageCache as object).sort(), [
          "entries",
          "hits",
          "misses",
          "renders",
          "waited",
        ]);
      });
    });

    describe("bad input", () => {
      it("unknown URLs get the helpful 404 page", async () => {
        for (const url of [
          "/nope",
          "/city/2020/01/01/nothing",
          "/topic/nope",
          "/author/nobody",
          "/video/999",
          "/video/abc",
          "/about/none",
          "/CITY",
          "/media/images/none.jpg",
          "/a/b/c/d/e/f",
        ]) {
          const res = await get(url);
          assert.equal(res.statusCode, 404, url);
          assert.match(res.body, /We can’t find that page/, url);
        }
      });
      it("malformed parameters get a 400 page, never a 500", async () => {
        for (const url of [
          "/city?page=abc",
          "/city?page=0",
          "/city?page=-1",
          "/city?page=1e99",
          "/video?page=x",
        ]) {
          const res = await get(url);
          assert.equal(res.statusCode, 400, url);
          assert.match(res.body, /page: must be a whole number/, url);
        }
        const badUrl = await get("/%E0%A4%A");
        assert.equal(badUrl.statusCode, 400);
        assert.match(badUrl.body, /not a valid URL/);
      });
      it("oversized and malformed JSON bodies get a 4xx with a message", async () => {
        const bad = await env.app.inject({
          method: "POST",
          url: "/healthz",
          headers: { "content-type": "application/json" },
          payload: "{nope",
        });
        assert.ok(bad.statusCode >= 400 && bad.statusCode < 500);
        const big = await env.app.inject({
          method: "POST",
          url: "/healthz",
          headers: { "content-type": "application/json" },
          payload: `{"a":"${"x".repeat(2 * 1024 * 1024)}"}`,
        });
        assert.ok(big.statusCode >= 400 && big.statusCode < 500);
      });
      it("healthz reports 503 when the database is unusable", async () => {
        const db = await openDatabase({ dataDir: env.dataDir, databaseUrl: env.databaseUrl });
        const app = await buildApp({ config: env.config, db, media: env.media });
        await db.destroy();
        const res = await app.inject("/healthz");
        assert.equal(res.statusCode, 503);
        const { pageCache: _, ...report } = res.json() as Record<string, unknown>;
        assert.deepEqual(report, { status: "unavailable", database: "failing", media: "ok" });
        await app.close();
      });
    });
  });
}
