/** The pure rules of memberships: who opens what, the meter, the preview, IP ranges, signed cookies. */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { describe, it } from "node:test";
import {
  meterCookie,
  passCookie,
  readGiftToken,
  readMeterCookie,
  readPassCookie,
  giftToken,
} from "../../src/auth/access-tokens.ts";
import { ANONYMOUS, decide, meterPeriod, opens, splitPreview } from "../../src/content/access.ts";
import { IpRanges, rangesFromText } from "../../src/content/ip-ranges.ts";
import type { Block } from "../../src/content/model.ts";

const p = (text: string): Block => ({ type: "paragraph", content: [{ text }] });
const subs = { level: "subscribers" as const, plans: [] };
const limits = { anonymous: 2, registered: 4 };

describe("access rules", () => {
  it("opens stories by level and plan", () => {
    const reader = { registered: true, plans: new Set<string>() };
    const digital = { registered: true, plans: new Set(["digital"]) };
    assert.equal(opens({ level: "free", plans: [] }, ANONYMOUS), true);
    assert.equal(opens({ level: "registered", plans: [] }, ANONYMOUS), false);
    assert.equal(opens({ level: "registered", plans: [] }, reader), true);
    assert.equal(opens(subs, reader), false);
    assert.equal(opens(subs, digital), true);
    assert.equal(opens({ level: "subscribers", plans: ["print"] }, digital), false);
    assert.equal(
      opens({ level: "subscribers", plans: ["print"] }, { registered: false, plans: "all" }),
      true,
    );
  });

  it("meters: counts a story once, gates past the limit, starts again each month", () => {
    const a = decide(subs, 1, ANONYMOUS, undefined, limits, "2026-11");
    assert.equal(a.variant, "metered-1");
    const meter = a.meter;
    const again = decide(subs, 1, ANONYMOUS, meter, limits, "2026-11");
    assert.equal(again.variant, "metered-1");
    assert.equal(again.meter, undefined, "a repeat read changes nothing");
    const b = decide(subs, 2, ANONYMOUS, meter, limits, "2026-11");
    assert.equal(b.variant, "metered-0");
    assert.equal(decide(subs, 3, ANONYMOUS, b.meter, limits, "2026-11").variant, "gate-anonymous");
    assert.equal(decide(subs, 3, ANONYMOUS, b.meter, limits, "2026-12").variant, "metered-1");
    const reg = { registered: true, plans: new Set<string>() };
    assert.equal(decide(subs, 3, reg, b.meter, limits, "2026-11").variant, "metered-1");
    assert.equal(
      decide({ level: "free", plans: [] }, 3, ANONYMOUS, b.meter, limits, "2026-11").variant,
      "full",
    );
  });

  it("reads the month in the site's time zone", () => {
    const newYear = new Date("2026-12-31T23:30:00Z");
    assert.equal(meterPeriod(newYear, "UTC"), "2026-12");
    assert.equal(meterPeriod(newYear, "Europe/Berlin"), "2027-01");
  });

  it("splits the preview at the editor's marker, else after N paragraphs", () => {
    const img: Block = { type: "image", imageId: 1 };
    const body = [p("a"), img, p("b"), p("c"), p("d")];
    assert.deepEqual(splitPreview(body, 2), { preview: [p("a"), img, p("b")], rest: [p("c"), p("d")] });
    const marked = [p("a"), { type: "preview-end" } as Block, p("b"), p("c")];
    assert.deepEqual(splitPreview(marked, 2), { preview: [p("a")], rest: [p("b"), p("c")] });
    assert.deepEqual(splitPreview([p("a")], 3), { preview: [p("a")], rest: [] });
  });
});

describe("IP ranges", () => {
  it("matches IPv4, IPv6 and IPv4-mapped addresses, merging overlaps", () => {
    const r = IpRanges.of(["192.0.2.0/24", "192.0.2.128/25", "2001:db8::/32", "198.51.100.7"]);
    assert.equal(r.has("192.0.2.200"), true);
    assert.equal(r.has("::ffff:192.0.2.1"), true);
    assert.equal(r.has("192.0.3.1"), false);
    assert.equal(r.has("2001:db8:1::1"), true);
    assert.equal(r.has("2001:db9::1"), false);
    assert.equal(r.has("198.51.100.7"), true);
    assert.equal(r.has("not an address"), false);
    assert.equal(r.has(undefined), false);
  });

  it("names the bad entry, and takes a large list", () => {
    assert.throws(() => IpRanges.of(["192.0.2.0/24", "10.0.0.0/33"]), /entry 2: "10\.0\.0\.0\/33" is not/);
    const big = Array.from({ length: 50_000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.0/28`);
    const r = IpRanges.of(big);
    assert.equal(r.has("10.0.5.3"), true);
    assert.equal(r.has("10.0.5.17"), false);
  });

  it("reads a plain list with comments and a search engine's JSON", () => {
    assert.deepEqual(rangesFromText("# crawlers\n66.249.64.0/27  # one\n\n2001:4860:4801:10::/64\n"), [
      "66.249.64.0/27",
      "2001:4860:4801:10::/64",
    ]);
    assert.deepEqual(
      rangesFromText(
        '{"creationTime":"x","prefixes":[{"ipv4Prefix":"66.249.64.0/27"},{"ipv6Prefix":"2001:4860::/64"}]}',
      ),
      ["66.249.64.0/27", "2001:4860::/64"],
    );
    assert.throws(() => rangesFromText('{"prefix": []}'), /prefixes/);
  });
});

describe("signed access cookies", () => {
  const key = crypto.randomBytes(32);
  it("round-trips and refuses anything altered or signed with another key", () => {
    const m = { period: "2026-11", storyIds: [3, 14, 15] };
    const v = meterCookie(key, m);
    assert.deepEqual(readMeterCookie(key, v), m);
    assert.equal(readMeterCookie(key, v.replace("3-", "4-")), undefined);
    assert.equal(readMeterCookie(crypto.randomBytes(32), v), undefined);
    assert.equal(readMeterCookie(key, "garbage"), undefined);
    const until = Math.floor(Date.now() / 1000) + 60;
    assert.deepEqual(readPassCookie(key, passCookie(key, [{ storyId: 7, until }])), [{ storyId: 7, until }]);
    assert.deepEqual(
      readPassCookie(key, passCookie(key, [{ storyId: 7, until: 5 }])),
      [],
      "expired passes drop",
    );
    assert.equal(readGiftToken(key, giftToken(key, 42)), 42);
    assert.equal(readGiftToken(key, giftToken(key, 42).replace(/^42/, "43")), undefined);
  });
});
