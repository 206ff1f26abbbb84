/**
 * Direct-sold advertising with the page cache on: which campaign fills a
 * slot (targeting, priority, dates, budget), the house-ad fallback, the click
 * redirect (counted, forwarding only to the creative's own address),
 * impression counts per creative and day (bots and HEAD left out), the
 * report and its CSV, and ads.txt.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { storyByUri } from "../../src/store/story-store.ts";
import { DIALECTS, type TestEnv, demoEnv } from "../helpers.ts";
import { type Client, addUser, sessionFor } from "../newsroom-client.ts";
import { TEST_AD_SERVER } from "../ad-fixtures.ts";

const BROWSER =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const DAY = 86_400_000;

interface Campaign {
  id: number;
  creatives: { id: number }[];
}

for (const dialect of DIALECTS) {
  describe(`advertising (${dialect})`, () => {
    let env: TestEnv;
    let admin: Client;
    let advertiserId: number;
    /** How far the app's clock runs ahead of the real one. */
    let ahead = 0;
    const paths: Record<string, string> = {};

    beforeEach(async () => {
      ahead = 0;
      env = await demoEnv(
        dialect,
        // The demo's sections are short: a list slot after every second story.
        (c) => (c.ads = { ...c.ads, listEvery: 2 }),
        { clock: () => new Date(Date.now() + ahead) },
      );
      admin = await sessionFor(env.app, env.db, await addUser(env.db, "admin"));
      for (const key of ["bridge", "derby", "seagrass"])
        paths[key] = (await storyByUri(env.db, `urn:gazette:demo:${key}`))!.path;
      // The demo's own campaign is archived: each test books what it needs.
      const demo = await admin.json<{ campaigns: (Campaign & Record<string, unknown>)[] }>(
        "GET",
        "/api/admin/ads/campaigns",
      );
      assert.equal(demo.campaigns.length, 1, "the demo has one direct-sold campaign");
      for (const c of demo.campaigns) {
        const { id, advertiserName: _a, creatives: _c, ...rest } = c;
        await admin.json("PUT", `/api/admin/ads/campaigns/${id}`, { ...rest, status: "archived" });
      }
      await env.app.syncChanges();
      advertiserId = (
        await admin.json<{ advertiser: { id: number } }>(
          "POST",
          "/api/admin/ads/advertisers",
          { name: "Ellery Harbour Ferries", contactEmail: "ads@ferries.example" },
          201,
        )
      ).advertiser.id;
    });
    afterEach(() => env.close());

    const view = (url: string, ua = BROWSER, method: "GET" | "HEAD" = "GET") =>
      env.app.inject({ method, url, headers: { "user-agent": ua } });

    async function book(
      name: string,
      o: {
        priority?: number;
        targeting?: object;
        startsAt?: string;
        endsAt?: string | null;
        budget?: number;
        status?: string;
      } = {},
      headline = name,
    ): Promise<Campaign> {
      const { campaign } = await admin.json<{ campaign: Campaign }>(
        "POST",
        "/api/admin/ads/campaigns",
        {
          advertiserId,
          name,
          status: o.status ?? "active",
          startsAt: o.startsAt ?? new Date(Date.now() - DAY).toISOString(),
          endsAt: o.endsAt ?? null,
          priority: o.priority ?? 5,
          budgetImpressions: o.budget ?? null,
          targeting: o.targeting ?? {},
        },
        201,
      );
      const { creative } = await admin.json<{ creative: { id: number } }>(
        "POST",
        `/api/admin/ads/campaigns/${campaign.id}/creatives`,
        {
          kind: "text",
          name: `${name} text`,
          href: `https://ferries.example/${encodeURIComponent(name)}`,
          headline,
          body: "Every fifteen minutes, all day.",
          cta: "See the timetable",
        },
        201,
      );
      await env.app.syncChanges();
      return { ...campaign, creatives: [creative] };
    }

    /** The creatives in each slot of a page: slot id → creative id (0: a house ad or empty). */
    const slots = (body: string): Record<string, number> =>
      Object.fromEntries(
        [...body.matchAll(/data-ad-slot="([^"]+)"[^>]*?(?:data-ad-creative="(\d+)")?>/g)].map((m) => [
          m[1]!,
          Number(m[2] ?? 0),
        ]),
      );

    it("fills slots by targeting and priority, honours dates and status, and falls back to house ads", async () => {
      const house = await view(paths["bridge"]!);
      assert.ok(
        Object.values(slots(house.body)).every((c) => c === 0),
        "no campaign yet: house ads",
      );
      assert.match(house.body, /class="house-ad"/);

      const city = await book("City body", {
        priority: 8,
        targeting: { sections: ["city"], positions: ["body"] },
      });
      const everywhere = await book("Run of site", { priority: 5 });
      await book("Next week", { priority: 9, startsAt: new Date(Date.now() + 7 * DAY).toISOString() });
      await book("Paused", { priority: 10, status: "paused" });
      await book("Over", {
        priority: 10,
        startsAt: new Date(Date.now() - 9 * DAY).toISOString(),
        endsAt: new Date(Date.now() - DAY).toISOString(),
      });

      const bridge = slots((await view(paths["bridge"]!)).body);
      assert.equal(
        bridge["story-body-1"],
        city.creatives[0]!.id,
        "the city campaign wins a city story's body slot",
      );
      assert.equal(bridge["story-top"], everywhere.creatives[0]!.id, "it targets body slots only");
      assert.equal(bridge["story-rail"], everywhere.creatives[0]!.id);
      const derby = slots((await view(paths["derby"]!)).body);
      assert.ok(
        Object.values(derby).every((c) => c === everywhere.creatives[0]!.id),
        `a sport story gets the run-of-site campaign: ${JSON.stringify(derby)}`,
      );
      // The front page and a section page carry list slots under the same rules.
      const home = slots((await view("/")).body);
      assert.equal(home["home-list-1"], everywhere.creatives[0]!.id);
      const section = slots((await view("/city")).body);
      assert.ok(
        Object.keys(section).some((k) => k.startsWith("list-")),
        "a section page has list slots",
      );

      // A week on, the booked campaign starts and outranks the run of site.
      ahead = 8 * DAY;
      await env.app.flushAds();
      const later = slots((await view(paths["derby"]!)).body);
      assert.ok(
        Object.values(later).every((c) => c !== everywhere.creatives[0]!.id),
        "next week's campaign serves",
      );

      // Everything paused: house ads again, at once (a campaign change drops the pages).
      for (const c of (
        await admin.json<{ campaigns: (Campaign & Record<string, unknown>)[] }>(
          "GET",
          "/api/admin/ads/campaigns",
        )
      ).campaigns) {
        const { id, advertiserName: _a, creatives: _c, ...rest } = c;
        await admin.json("PUT", `/api/admin/ads/campaigns/${id}`, { ...rest, status: "paused" });
      }
      await env.app.syncChanges();
      const none = await view(paths["bridge"]!);
      assert.ok(Object.values(slots(none.body)).every((c) => c === 0));
      assert.match(none.body, /class="house-ad"/);
    });

    it("counts impressions per creative and day on renders and cache hits, never for bots or HEAD; stops at the budget", async () => {
      const capped = await book("Derby budget", {
        priority: 9,
        budget: 3,
        targeting: { stories: [], sections: ["sport"], positions: ["top"] },
      });
      const fallback = await book("Run of site", { priority: 1, targeting: { positions: ["top"] } });
      const url = paths["derby"]!;
      const first = await view(url);
      assert.equal(first.headers["x-cache"], "MISS");
      assert.equal(slots(first.body)["story-top"], capped.creatives[0]!.id);
      const hit = await view(url);
      assert.equal(hit.headers["x-cache"], "HIT");
      await view(url, GOOGLEBOT);
      await view(url, BROWSER, "HEAD");
      await env.app.flushAds();
      let report = await admin.json<{ totals: { impressions: number }; delivered: number }>(
        "GET",
        `/api/admin/ads/campaigns/${capped.id}/report`,
      );
      assert.equal(report.totals.impressions, 2, "a render and a hit; not the bot, not HEAD");
      // One more spends the budget of 3: the next flush notices and the page shows the next campaign.
      await view(url);
      await env.app.flushAds();
      report = await admin.json("GET", `/api/admin/ads/campaigns/${capped.id}/report`);
      assert.equal(report.totals.impressions, 3);
      assert.equal(report.delivered, 1);
      const after = await view(url);
      assert.equal(
        slots(after.body)["story-top"],
        fallback.creatives[0]!.id,
        "a spent budget stops the campaign",
      );
    });

    it("counts viewable impressions from the page's beacon, and holds a reader to a campaign's daily cap", async () => {
      const capped = await book("Twice a day", { priority: 9, targeting: { positions: ["top"] } });
      const capId = capped.creatives[0]!.id;
      const campaign = (
        await admin.json<{ campaign: Record<string, unknown> }>(
          "GET",
          `/api/admin/ads/campaigns/${capped.id}`,
        )
      ).campaign;
      const { id: _i, advertiserName: _a, creatives: _c, ...rest } = campaign;
      await admin.json("PUT", `/api/admin/ads/campaigns/${capped.id}`, { ...rest, frequencyCap: 2 });
      const fallback = await book("Otherwise", { priority: 1, targeting: { positions: ["top"] } });
      await env.app.syncChanges();
      const url = paths["seagrass"]!;
      let cookie = "";
      const beacon = (v: unknown, headers: Record<string, string> = {}) =>
        env.app.inject({
          method: "POST",
          url: "/ad/viewed",
          headers: {
            "user-agent": BROWSER,
            origin: "http://localhost:80",
            host: "localhost:80",
            "content-type": "text/plain",
            cookie,
            ...headers,
          },
          payload: typeof v === "string" ? v : JSON.stringify(v),
        });
      for (let i = 0; i < 2; i++) {
        const page = await env.app.inject({ url, headers: { "user-agent": BROWSER, cookie } });
        assert.equal(slots(page.body)["story-top"], capId, `view ${i + 1}: the capped campaign`);
        const seen = await beacon({ v: [capId] });
        assert.equal(seen.statusCode, 204);
        cookie = String(seen.headers["set-cookie"]).split(";")[0]!;
      }
      assert.match(cookie, /^gz_adf=\d{8}\.\d+-2$/);
      // At the cap: this reader's page shows the next campaign, made for them and kept by no shared cache.
      const own = await env.app.inject({ url, headers: { "user-agent": BROWSER, cookie } });
      assert.equal(slots(own.body)["story-top"], fallback.creatives[0]!.id);
      assert.equal(own.headers["cache-control"], "private, no-cache");
      // Everyone else still gets the cached page with the capped campaign.
      const other = await env.app.inject({ url, headers: { "user-agent": BROWSER } });
      assert.equal(other.headers["x-cache"], "HIT");
      assert.equal(slots(other.body)["story-top"], capId);
      // Yesterday's cookie counts nothing.
      const stale = cookie.replace(/gz_adf=\d{8}/, "gz_adf=20200101");
      const fresh = await env.app.inject({ url, headers: { "user-agent": BROWSER, cookie: stale } });
      assert.equal(slots(fresh.body)["story-top"], capId);

      // Bad beacons: not JSON, too many ids, another site, a bot — none counts.
      assert.equal((await beacon("not json")).statusCode, 400);
      assert.equal((await beacon({ v: Array.from({ length: 21 }, (_, i) => i + 1) })).statusCode, 400);
      assert.equal((await beacon({ v: [capId] }, { origin: "https://elsewhere.example" })).statusCode, 403);
      assert.equal((await beacon({ v: [capId] }, { "user-agent": GOOGLEBOT })).statusCode, 204);
      assert.equal((await beacon({ v: [999_999] })).statusCode, 204, "an unknown creative is ignored");
      await env.app.flushAds();
      const report = await admin.json<{
        totals: { viewable: number; impressions: number; viewableRate: number };
      }>("GET", `/api/admin/ads/campaigns/${capped.id}/report`);
      assert.equal(report.totals.viewable, 2);
      assert.equal(report.totals.impressions, 4, "two views, the other reader's and the stale cookie's");
      assert.equal(report.totals.viewableRate, 0.5);
    });

    it("forwards a click to the creative's own address only, and counts it (not a bot's)", async () => {
      const c = await book("Clicks");
      const id = c.creatives[0]!.id;
      const click = await view(`/ad/click/${id}?to=https://evil.example/`);
      assert.equal(click.statusCode, 302);
      assert.equal(click.headers.location, "https://ferries.example/Clicks");
      assert.match(String(click.headers["cache-control"]), /no-store/);
      await view(`/ad/click/${id}`, GOOGLEBOT);
      await view(`/ad/click/${id}`);
      for (const bad of ["/ad/click/999999", "/ad/click/abc", "/ad/click/-1", "/ad/click/1e3"]) {
        const r = await view(bad);
        assert.ok(r.statusCode === 404 || r.statusCode === 400, `${bad}: ${r.statusCode}`);
      }
      await env.app.flushAds();
      const report = await admin.json<{
        totals: { clicks: number };
        rows: { clicks: number; day: string }[];
      }>("GET", `/api/admin/ads/campaigns/${c.id}/report`);
      assert.equal(report.totals.clicks, 2);
      assert.match(report.rows[0]!.day, /^\d{4}-\d\d-\d\d$/);
      const csv = await admin.call("GET", `/admin/ads/campaigns/${c.id}/report.csv`);
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers["content-type"]), /text\/csv/);
      assert.match(csv.body, /^day,creative,impressions,viewable,viewable rate %,clicks,CTR %/);
      assert.match(csv.body, /Clicks text,0,0,0\.00,2,0\.00/);
    });

    it("refuses a bad campaign or creative, naming the field, and saves nothing", async () => {
      const bad = await admin.call("POST", "/api/admin/ads/campaigns", {
        advertiserId,
        name: "Backwards",
        startsAt: "2026-12-10T00:00:00Z",
        endsAt: "2026-12-01T00:00:00Z",
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /"path":"endsAt"/);
      const nobody = await admin.call("POST", "/api/admin/ads/campaigns", {
        advertiserId: 9999,
        name: "Nobody",
        startsAt: "2026-12-01T00:00:00Z",
      });
      assert.equal(nobody.statusCode, 400);
      assert.match(nobody.body, /"path":"advertiserId"/);
      const c = await book("Creatives");
      const noAlt = await admin.call("POST", `/api/admin/ads/campaigns/${c.id}/creatives`, {
        kind: "image",
        name: "No alt",
        href: "https://ferries.example/",
        imageId: 1,
        width: 300,
        height: 250,
        alt: "",
      });
      assert.equal(noAlt.statusCode, 400);
      assert.match(noAlt.body, /alt text/);
      const js = await admin.call("POST", `/api/admin/ads/campaigns/${c.id}/creatives`, {
        kind: "text",
        name: "Script",
        href: "javascript:alert(1)",
        headline: "h",
        body: "b",
        cta: "c",
      });
      assert.equal(js.statusCode, 400);
      assert.match(js.body, /"path":"href"/);
      const { campaigns } = await admin.json<{ campaigns: unknown[] }>("GET", "/api/admin/ads/campaigns");
      assert.equal(campaigns.length, 1, "only the good campaign was saved");

      // A booking (advertiser, campaign, creative) is saved whole or not at all.
      const advertisersBefore = (
        await admin.json<{ advertisers: unknown[] }>("GET", "/api/admin/ads/advertisers")
      ).advertisers.length;
      const textAd = {
        kind: "text",
        name: "T",
        href: "https://shop.example/",
        headline: "H",
        body: "B",
        cta: "C",
      };
      const broken = await admin.call("POST", "/api/admin/ads/bookings", {
        advertiser: { name: "Quay Street Books", contactEmail: null },
        campaign: { name: "Autumn", startsAt: "2026-12-01T00:00:00Z", priority: 11 },
        creatives: [textAd],
      });
      assert.equal(broken.statusCode, 400);
      assert.match(broken.body, /"path":"campaign.priority"/);
      const afterBroken = await admin.json<{ advertisers: unknown[] }>("GET", "/api/admin/ads/advertisers");
      assert.equal(afterBroken.advertisers.length, advertisersBefore, "no advertiser left behind");
      const booked = await admin.json<{ campaign: Campaign & { advertiserName: string } }>(
        "POST",
        "/api/admin/ads/bookings",
        {
          advertiser: { name: "Quay Street Books", contactEmail: "ads@books.example" },
          campaign: { name: "Autumn", startsAt: "2026-12-01T00:00:00Z", status: "active" },
          creatives: [textAd],
        },
        201,
      );
      assert.equal(booked.campaign.advertiserName, "Quay Street Books");
      assert.equal(booked.campaign.creatives.length, 1);
    });

    it("labels a sponsored story on its page, in lists, feeds and JSON-LD, and keeps it out of the news sitemap", async () => {
      const story = (await storyByUri(env.db, "urn:gazette:demo:derby"))!;
      const open = await admin.json<{ content: Record<string, unknown>; revision: number }>(
        "GET",
        `/api/admin/stories/${story.id}`,
      );
      const badLogo = await admin.call("PUT", `/api/admin/stories/${story.id}`, {
        baseRevision: open.revision,
        content: { ...open.content, sponsor: { name: "Quayside Sports", logoImageId: 999_999 } },
      });
      assert.equal(badLogo.statusCode, 400, badLogo.body);
      assert.match(badLogo.body, /sponsor\.logoImageId/);
      const saved = await admin.call("PUT", `/api/admin/stories/${story.id}`, {
        baseRevision: open.revision,
        content: { ...open.content, sponsor: { name: "Quayside Sports", url: "https://quayside.example/" } },
      });
      assert.equal(saved.statusCode, 200, saved.body);
      await env.app.syncChanges();
      const page = await view(story.path);
      assert.match(
        page.body,
        /class="sponsored-tag">Sponsored<\/span> Paid content by <a href="https:\/\/quayside.example\/" rel="sponsored noopener">Quayside Sports<\/a>/,
      );
      assert.match(
        page.body,
        /"sponsor":\{"@type":"Organization","name":"Quayside Sports","url":"https:\/\/quayside.example\/"\}/,
      );
      const list = await view("/sport");
      assert.match(list.body, /class="teaser-sponsored">Sponsored<\/span>/);
      const feed = await view("/feed.xml");
      const item =
        /<item>(?:(?!<\/item>)[\s\S])*?Ellery Athletic come from two goals down[\s\S]*?<\/item>/.exec(
          feed.body,
        )?.[0] ?? "";
      assert.match(item, /<category>Sponsored<\/category>/);
      assert.match(item, /Sponsored by Quayside Sports\./);
      const news = await view("/sitemap-news.xml");
      assert.equal(news.statusCode, 200);
      assert.ok(!news.body.includes(story.path), "paid content is not in the news sitemap");
      assert.ok(news.body.includes(paths["bridge"]!), "other recent stories are");
    });

    it("allows no third-party host without an ad server, and exactly the documented ones with it", async () => {
      const plain = await view(paths["bridge"]!);
      const csp = String(plain.headers["content-security-policy"]);
      assert.match(csp, /script-src 'self';/);
      assert.doesNotMatch(
        csp,
        /https:\/\/(?!;)[^ ;]*\.(?:com|net)/,
        "no third-party script, frame or connect host",
      );
      assert.doesNotMatch(plain.body, /gz-ad-tag|gpt\.js/);
      await env.close();
      env = await demoEnv(dialect, (c) => {
        c.advertising = {
          ...c.advertising,
          adServer: TEST_AD_SERVER,
          consent: { required: true, cmpScriptUrl: "https://cmp.example/tcf.js" },
        };
      });
      const tagged = await view(paths["bridge"]!);
      const directives = Object.fromEntries(
        String(tagged.headers["content-security-policy"])
          .split("; ")
          .map((d) => [d.split(" ")[0], d.split(" ").slice(1).join(" ")]),
      );
      assert.equal(
        directives["script-src"],
        "'self' https://securepubads.g.doubleclick.net https://pagead2.googlesyndication.com https://tpc.googlesyndication.com https://cmp.example",
      );
      assert.equal(
        directives["frame-src"],
        "https://securepubads.g.doubleclick.net https://tpc.googlesyndication.com https://googleads.g.doubleclick.net https://cmp.example",
      );
      assert.equal(
        directives["connect-src"],
        "'self' https://securepubads.g.doubleclick.net https://pagead2.googlesyndication.com https://cmp.example",
      );
      assert.match(
        tagged.body,
        /<script type="application\/json" id="gz-ad-tag">\{"gpt":"https:\/\/securepubads.g.doubleclick.net\/tag\/js\/gpt.js","adUnits":\{"top":"\/1234\/gazette\/top"/,
      );
      assert.match(tagged.body, /<script src="\/assets\/adtag\.[0-9a-f]+\.js" defer><\/script>/);
    });

    it("serves ads.txt and app-ads.txt as admins saved them, refusing a wrong line by its number", async () => {
      assert.equal((await view("/ads.txt")).statusCode, 404);
      const text =
        "# Port Ellery Gazette\ncontact=ads@gazette.example\ngoogle.com, pub-1234567890, DIRECT, f08c47fec0942fa0\nadnet.example, 7788, RESELLER\n";
      await admin.json("PUT", "/api/admin/ads/ads-txt", { adsTxt: text });
      await env.app.syncChanges();
      const served = await view("/ads.txt");
      assert.equal(served.statusCode, 200);
      assert.match(String(served.headers["content-type"]), /^text\/plain/);
      assert.equal(served.body, text);
      const wrong = await admin.call("PUT", "/api/admin/ads/ads-txt", {
        adsTxt: "google.com, pub-1, DIRECT\nhttps://adnet.example, 1, DIRECT\nadnet.example, 2, SOMETIMES\n",
        appAdsTxt: "google.com, pub-1, DIRECT\n",
      });
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /line 2: \\"https:\/\/adnet.example\\" is not/);
      assert.match(wrong.body, /line 3: the relationship must be DIRECT or RESELLER/);
      assert.equal((await view("/ads.txt")).body, text, "nothing was saved");
      assert.equal((await view("/app-ads.txt")).statusCode, 404);
    });
  });
}
