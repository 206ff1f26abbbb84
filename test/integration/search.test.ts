/** Search on both engines: ranking, highlighting, filters, hostile queries, and staying in step with writes. */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { saveStory, storyByUri } from "../../src/store/story-store.ts";
import { DIALECTS, type TestEnv, demoEnv } from "../helpers.ts";

for (const dialect of DIALECTS) {
  describe(`search (${dialect})`, () => {
    let env: TestEnv;
    beforeEach(async () => {
      env = await demoEnv(dialect);
    });
    afterEach(() => env.close());
    const api = async (qs: string) => {
      const res = await env.app.inject(`/api/search?${qs}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as {
        total: number;
        results: {
          headline: string;
          headlineHtml: string;
          matchedIn: string[];
          path: string;
          snippetHtml: string;
          section: { slug: string };
        }[];
      };
    };

    it("ranks a headline match first and highlights the terms", async () => {
      const r = await api("q=seagrass");
      assert.ok(r.total >= 1);
      assert.match(r.results[0]!.headline, /Seagrass meadows/);
      assert.match(r.results[0]!.snippetHtml, /<mark>[Ss]eagrass<\/mark>/);
    });

    it("ranks the story about a thing above stories that mention it in passing, and says why each matched", async () => {
      // Three demo headlines name the bridge; the long report about it must lead, not the shortest brief.
      const r = await api("q=bridge");
      assert.ok(r.total >= 4);
      assert.match(
        r.results[0]!.headline,
        /Harbour lift bridge to reopen/,
        JSON.stringify(r.results.map((x) => x.headline)),
      );
      assert.match(r.results[0]!.headlineHtml, /Harbour lift <mark>bridge<\/mark> to reopen/);
      assert.deepEqual(r.results[0]!.matchedIn, ["headline", "text"]);
      // Headline matches before text-only ones.
      const firstTextOnly = r.results.findIndex((x) => !x.matchedIn.includes("headline"));
      assert.ok(firstTextOnly > 0);
      assert.ok(r.results.slice(firstTextOnly).every((x) => !x.matchedIn.includes("headline")));
      const page = await env.app.inject("/search?q=bridge");
      assert.match(page.body, /<span class="matched">Found in the headline and the text<\/span>/);
      assert.match(page.body, /<span class="matched">Found in the text<\/span>/);
    });

    it("matches word forms (stemming) and every word of the query", async () => {
      const r = await api("q=bridges+reopening");
      assert.ok(
        r.results.some((x) => /lift bridge to reopen/.test(x.headline)),
        JSON.stringify(r.results.map((x) => x.headline)),
      );
      const none = await api("q=seagrass+marathon");
      assert.equal(none.total, 0);
    });

    it("filters by section and by date range", async () => {
      const all = await api("q=harbour");
      assert.ok(all.total >= 3);
      const sport = await api("q=harbour&section=sport");
      assert.ok(sport.total >= 1 && sport.total < all.total);
      assert.ok(sport.results.every((x) => x.section.slug === "sport"));
      const future = await api("q=harbour&from=2099-01-01");
      assert.equal(future.total, 0);
      const past = await api("q=harbour&to=2000-01-01");
      assert.equal(past.total, 0);
    });

    it("never errors on operators, quotes, very long strings or control characters", async () => {
      for (const q of [
        '"unbalanced',
        "harbour AND OR NOT",
        "NEAR(a b)",
        "bridge*",
        "-harbour",
        "a:b",
        "(((",
        "' OR 1=1 --",
        "\u0000\u0007harbour\u001b",
        "x".repeat(5000),
        "🙂 emoji",
        "headline:bridge",
        "^harbour",
        "&|!<->",
      ]) {
        const res = await env.app.inject(`/search?q=${encodeURIComponent(q)}`);
        assert.equal(res.statusCode, 200, `q=${JSON.stringify(q.slice(0, 40))}: ${res.body.slice(0, 200)}`);
        const a = await env.app.inject(`/api/search?q=${encodeURIComponent(q)}`);
        assert.equal(a.statusCode, 200, `api q=${JSON.stringify(q.slice(0, 40))}`);
      }
    });

    it("escapes what the reader typed and what the story says", async () => {
      const res = await env.app.inject(
        `/search?q=${encodeURIComponent("<script>alert(1)</script> harbour")}`,
      );
      assert.doesNotMatch(res.body, /<script>alert/);
      assert.match(res.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt; harbour/);
    });

    it("rejects malformed filters with a 400 naming the field", async () => {
      const bad = await env.app.inject("/search?q=harbour&from=yesterday");
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /from: must be a date as YYYY-MM-DD/);
      const api400 = await env.app.inject("/api/search?q=x&section=Not%20A%20Slug");
      assert.equal(api400.statusCode, 400);
      assert.equal(api400.json().error.code, "GZ_ERR_BAD_PARAMETER");
      assert.equal(api400.json().error.fields[0].path, "section");
    });

    it("keeps in step with publish, update and unpublish", async () => {
      const s = (await storyByUri(env.db, "urn:gazette:demo:bees"))!;
      const input = {
        headline: s.headline,
        summary: s.summary,
        body: s.body,
        sectionSlug: s.section.slug,
        topicNames: s.topics.map((t) => t.name),
        authorSlugs: s.authors.map((a) => a.slug),
      };
      assert.equal((await api("q=zanzibarian")).total, 0);
      await saveStory(
        env.db,
        { ...input, headline: "Zanzibarian bees thrive on rooftops", status: "published" },
        { id: s.id },
      );
      await env.app.syncChanges();
      assert.equal((await api("q=zanzibarian")).total, 1);
      await saveStory(
        env.db,
        { ...input, headline: "Zanzibarian bees thrive on rooftops", status: "unpublished" },
        { id: s.id },
      );
      await env.app.syncChanges();
      assert.equal((await api("q=zanzibarian")).total, 0);
    });

    it("serves the search page with the form and results, readable without JavaScript", async () => {
      const res = await env.app.inject("/search?q=library");
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<form class="search-form" role="search" action="\/search" method="get">/);
      assert.match(res.body, /\d+ (stories match|story matches) “library”/);
      assert.match(res.body, /<mark>/);
      assert.match(res.body, /<meta name="robots" content="noindex">/);
      const empty = await env.app.inject("/search");
      assert.equal(empty.statusCode, 200);
      assert.doesNotMatch(empty.body, /search-count/);
    });
  });
}
