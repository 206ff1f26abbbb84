import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { escapeXml, html, jsonForScript } from "../../src/site/html.ts";
import { tempDir } from "../helpers.ts";
import fs from "node:fs";
import path from "node:path";

describe("html template helper", () => {
  it("escapes every interpolation unless it is another template's output", () => {
    const user = `<script>alert("x")</script> & 'quotes'`;
    assert.equal(
      html`<p title="${user}">${user}</p>`.value,
      `<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</p>`,
    );
    assert.equal(html`<div>${html`<b>${"<i>"}</b>`}</div>`.value, "<div><b>&lt;i&gt;</b></div>");
    assert.equal(html`${["a", html`<br>`, null, undefined, false]}`.value, "a<br>");
  });
  it("writes JSON that cannot close a script element", () => {
    const out = jsonForScript({ headline: "</script><script>alert(1)</script> & more" }).value;
    assert.doesNotMatch(out, /<\/script>|</);
    assert.equal(JSON.parse(out).headline, "</script><script>alert(1)</script> & more");
  });
  it("escapes XML and drops characters XML cannot hold", () => {
    assert.equal(escapeXml("a & b < c 'd'\u0001"), "a &amp; b &lt; c &apos;d&apos;");
  });
});

describe("configuration", () => {
  it("has working defaults", () => {
    const c = loadConfig({}, tempDir());
    assert.equal(c.port, 3000);
    assert.equal(c.site.baseUrl, "http://localhost:3000");
    assert.equal(c.ads.firstAfterParagraph, 2);
  });
  it("names the field and the fix for every mistake", () => {
    const dir = tempDir();
    const file = path.join(dir, "gazette.config.json");
    const expectError = (config: unknown, re: RegExp) => {
      fs.writeFileSync(file, JSON.stringify(config));
      assert.throws(
        () => loadConfig({ GAZETTE_DATA: dir }, dir),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
      );
    };
    expectError({ ads: { maxPerStory: -1 } }, /ads\.maxPerStory: /);
    expectError(
      {
        ads: {
          houseAds: [
            { id: "x", advertiser: "A", headline: "H", text: "T", cta: "C", href: "javascript:alert(1)" },
          ],
        },
      },
      /ads\.houseAds\.0\.href: must be an http\(s\) URL or a path/,
    );
    expectError({ site: { timeZone: "Mars/Olympus" } }, /site\.timeZone: must be an IANA time zone/);
    expectError({ colour: "red" }, /Unrecognized key: "colour"/);
    // Memberships: the crawler list must exist and hold ranges; Stripe needs both keys.
    expectError(
      { memberships: { crawlerRangesFile: "none.txt" } },
      /crawlerRangesFile: cannot read .*none\.txt \(ENOENT\)/,
    );
    fs.writeFileSync(path.join(dir, "crawlers.txt"), "66.249.64.0/27\n# a note\n66.249.64.999/27\n");
    expectError(
      { memberships: { crawlerRangesFile: "crawlers.txt" } },
      /crawlers\.txt: entry 2: "66\.249\.64\.999\/27" is not/,
    );
    expectError(
      { memberships: { stripe: { secretKey: "sk_test_abc" } } },
      /set both the secret key .* or neither/,
    );
    expectError(
      { memberships: { stripe: { secretKey: "pk_test_abc", webhookSecret: "whsec_x" } } },
      /secretKey: must be a Stripe secret key/,
    );
    expectError({ memberships: { meter: { anonymous: -1 } } }, /memberships\.meter\.anonymous/);
    fs.writeFileSync(file, "{ nope");
    assert.throws(() => loadConfig({ GAZETTE_DATA: dir }, dir), /not valid JSON.*fix the syntax/);
    const clean = tempDir();
    assert.throws(() => loadConfig({ PORT: "99999" }, clean), /environment: PORT/);
    assert.throws(
      () => loadConfig({ GAZETTE_BASE_URL: "news.example.org" }, clean),
      /GAZETTE_BASE_URL.*must be an origin/,
    );
  });
});

describe("search query handling", async () => {
  const { fts5Query, queryWords } = await import("../../src/store/search-store.ts");
  const { highlight } = await import("../../src/site/search-page.ts");
  it("turns any text into quoted FTS5 words", () => {
    assert.equal(fts5Query('harbour "bridge" OR NEAR(x)'), '"harbour" "bridge" "OR" "NEAR" "x"');
    assert.equal(fts5Query("bri"), '"bri"*');
    assert.equal(fts5Query("!!! ---"), undefined);
    assert.equal(queryWords("w ".repeat(100)).length, 16);
  });
  it("escapes snippets before marking them", () => {
    assert.equal(highlight("a <b> \u0001term\u0002 & c").value, "a &lt;b&gt; <mark>term</mark> &amp; c");
  });
});

describe("reader times in the site's time zone", async () => {
  const { formatDateTime, isoWithOffset, zoneAbbreviation } = await import("../../src/site/format.ts");
  it("names the zone as its readers know it, summer and winter", () => {
    assert.equal(formatDateTime("2026-07-25T09:30:00Z", "Europe/London"), "25 July 2026, 10:30 BST");
    assert.equal(formatDateTime("2026-01-25T09:30:00Z", "Europe/London"), "25 January 2026, 09:30 GMT");
    assert.equal(zoneAbbreviation("2026-07-25T09:30:00Z", "America/New_York"), "EDT");
    assert.equal(zoneAbbreviation("2026-07-25T09:30:00Z", "Europe/Berlin"), "CEST");
    assert.equal(zoneAbbreviation("2026-07-25T09:30:00Z", "Australia/Sydney"), "AEST");
    assert.equal(zoneAbbreviation("2026-07-25T09:30:00Z", "Asia/Tokyo"), "GMT+9");
    assert.equal(zoneAbbreviation("2026-07-25T09:30:00Z", "UTC"), "UTC");
  });
  it("gives machine-readable times with the offset of that moment", () => {
    assert.equal(isoWithOffset("2026-07-25T09:30:00.000Z", "Europe/London"), "2026-07-25T10:30:00+01:00");
    assert.equal(isoWithOffset("2026-01-25T09:30:00.000Z", "Europe/London"), "2026-01-25T09:30:00+00:00");
    assert.equal(isoWithOffset("2026-07-25T02:15:00Z", "America/New_York"), "2026-07-24T22:15:00-04:00");
    assert.equal(isoWithOffset("2026-07-25T09:30:00Z", "Asia/Kolkata"), "2026-07-25T15:00:00+05:30");
    assert.equal(isoWithOffset("2026-07-25T09:30:00.000Z", "UTC"), "2026-07-25T09:30:00+00:00");
  });
});

describe("the media store setting", async () => {
  const { parseMediaUrl } = await import("../../src/config.ts");
  const { mediaHref, mediaUrl, setMediaPublicUrl } = await import("../../src/site/components.ts");

  it("reads s3://BUCKET/PREFIX?region&endpoint&forcePathStyle and names what is wrong", () => {
    assert.deepEqual(parseMediaUrl("s3://news-media/prod/site?region=eu-west-1"), {
      bucket: "news-media",
      prefix: "prod/site",
      region: "eu-west-1",
      endpoint: undefined,
      forcePathStyle: false,
    });
    assert.deepEqual(parseMediaUrl("s3://media?endpoint=http%3A%2F%2F127.0.0.1%3A9000&forcePathStyle=true"), {
      bucket: "media",
      prefix: "",
      region: undefined,
      endpoint: "http://127.0.0.1:9000",
      forcePathStyle: true,
    });
    assert.match(String(parseMediaUrl("https://bucket.s3.amazonaws.com")), /^must be s3:\/\/BUCKET/);
    assert.match(String(parseMediaUrl("s3://Bad_Bucket")), /is not a bucket name/);
    assert.match(String(parseMediaUrl("s3://media?regoin=x")), /unknown option "regoin"/);
    assert.match(
      String(parseMediaUrl("s3://media?forcePathStyle=yes")),
      /forcePathStyle must be true or false/,
    );
    const dir = tempDir();
    assert.throws(
      () => loadConfig({ GAZETTE_DATA: dir, GAZETTE_MEDIA_URL: "s3://media?regoin=x" }),
      /environment GAZETTE_MEDIA_URL: unknown option "regoin"/,
    );
    assert.throws(
      () => loadConfig({ GAZETTE_DATA: dir, GAZETTE_MEDIA_PUBLIC_URL: "http://cdn.example.org" }),
      /GAZETTE_MEDIA_PUBLIC_URL: must be an https URL/,
    );
    assert.equal(loadConfig({ GAZETTE_DATA: dir }).media.s3, undefined, "unset: the local folder");
  });

  it("links media at the public base URL when one is set, and at /media/ otherwise", () => {
    try {
      setMediaPublicUrl("https://cdn.example.org/media/");
      assert.equal(mediaUrl("images/ab/x.jpg"), "https://cdn.example.org/media/images/ab/x.jpg");
      assert.equal(mediaHref("/media/files/ab/v.mp4"), "https://cdn.example.org/media/files/ab/v.mp4");
      assert.equal(mediaHref("https://video.example.org/v.mp4"), "https://video.example.org/v.mp4");
    } finally {
      setMediaPublicUrl(undefined);
    }
    assert.equal(mediaUrl("images/ab/x.jpg"), "/media/images/ab/x.jpg");
  });
});
