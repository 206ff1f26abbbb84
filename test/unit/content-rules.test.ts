import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type AdRules,
  type Block,
  adRulesSchema,
  formatDuration,
  isoDuration,
  placeAds,
  readingTimeMinutes,
  slugify,
} from "../../src/content/index.ts";

const p = (words = 40): Block => ({
  type: "paragraph",
  content: [{ text: Array.from({ length: words }, (_, i) => `word${i}`).join(" ") }],
});
const img: Block = { type: "image", imageId: 1 };
const vid: Block = { type: "video", videoId: 1 };
const quote: Block = { type: "quote", text: "Said something", attribution: "Someone" };
const rules = (over: Partial<AdRules> = {}): AdRules => ({ ...adRulesSchema.parse({}), ...over });

describe("readingTimeMinutes", () => {
  it("is at least one minute, even for an empty body", () => {
    assert.equal(readingTimeMinutes([]), 1);
  });
  it("counts 230 words a minute and rounds up", () => {
    assert.equal(readingTimeMinutes([p(230)]), 1);
    assert.equal(readingTimeMinutes([p(231)]), 2);
    assert.equal(readingTimeMinutes([p(460)]), 2);
    assert.equal(readingTimeMinutes([p(690)]), 3);
  });
  it("adds 12 s for the first image, one second less for each next, never under 3 s", () => {
    // 225 words = 58.7 s; + 12 s pushes it past one minute.
    assert.equal(readingTimeMinutes([p(225)]), 1);
    assert.equal(readingTimeMinutes([p(225), img]), 2);
    assert.equal(readingTimeMinutes([p(225)], { heroImage: true }), 2);
    // 20 images: 12+11+…+3 (10 images = 75 s) + 10 × 3 s = 105 s → 2 min.
    assert.equal(readingTimeMinutes(Array.from({ length: 20 }, () => img)), 2);
  });
  it("counts words in headings, quotes and lists, not in videos", () => {
    const list: Block = { type: "list", ordered: false, items: [[{ text: Array(240).fill("x").join(" ") }]] };
    assert.equal(readingTimeMinutes([list]), 2);
    assert.equal(readingTimeMinutes([vid, vid, vid]), 1);
  });
});

describe("formatDuration", () => {
  it("shows mm:ss under an hour", () => {
    assert.equal(formatDuration(107), "01:47");
    assert.equal(formatDuration(0), "00:00");
    assert.equal(formatDuration(59.6), "01:00");
    assert.equal(formatDuration(3599), "59:59");
  });
  it("shows h:mm:ss from an hour on", () => {
    assert.equal(formatDuration(3600), "1:00:00");
    assert.equal(formatDuration(3723), "1:02:03");
    assert.equal(formatDuration(36000 + 61), "10:01:01");
  });
  it("never shows a negative time", () => {
    assert.equal(formatDuration(-5), "00:00");
  });
  it("writes ISO 8601 durations for schema.org", () => {
    assert.equal(isoDuration(107), "PT1M47S");
    assert.equal(isoDuration(3600), "PT1H");
    assert.equal(isoDuration(0), "PT0S");
  });
});

describe("placeAds", () => {
  const ten = Array.from({ length: 10 }, () => p());
  it("places the first slot after paragraph N, then every K paragraphs, at most M", () => {
    assert.deepEqual(
      placeAds(ten, rules({ firstAfterParagraph: 2, everyParagraphs: 3, maxPerStory: 5 })),
      [1, 4, 7],
    );
    assert.deepEqual(
      placeAds(ten, rules({ firstAfterParagraph: 2, everyParagraphs: 3, maxPerStory: 2 })),
      [1, 4],
    );
    assert.deepEqual(
      placeAds(ten, rules({ firstAfterParagraph: 1, everyParagraphs: 2, maxPerStory: 10 })),
      [0, 2, 4, 6, 8],
    );
  });
  it("never places a slot after the last block", () => {
    assert.deepEqual(
      placeAds(
        Array.from({ length: 4 }, () => p()),
        rules({ firstAfterParagraph: 4, minParagraphs: 1 }),
      ),
      [],
    );
  });
  it("puts no slot in a short story", () => {
    assert.deepEqual(placeAds([p(), p(), p()], rules({ minParagraphs: 4, firstAfterParagraph: 1 })), []);
  });
  it("never puts a slot directly before or after an image, video or quote, and slides on", () => {
    const body = [p(), p(), img, p(), vid, p(), quote, p(), p(), p()];
    const slots = placeAds(
      body,
      rules({ firstAfterParagraph: 2, everyParagraphs: 2, maxPerStory: 5, minParagraphs: 1 }),
    );
    for (const i of slots) {
      assert.equal(body[i]!.type, "paragraph");
      assert.ok(
        !["image", "video", "quote"].includes(body[i + 1]!.type),
        `slot after ${i} is next to ${body[i + 1]!.type}`,
      );
    }
    // After paragraph 2 an image follows, after 3 a video, after 4 a quote: the first slot is after block 7.
    assert.deepEqual(slots, [7]);
  });
  it("is off when disabled or when M is 0", () => {
    assert.deepEqual(placeAds(ten, rules({ enabled: false })), []);
    assert.deepEqual(placeAds(ten, rules({ maxPerStory: 0 })), []);
  });
  it("rejects unknown rule keys with the key's name", () => {
    const r = adRulesSchema.safeParse({ everyParagraph: 3 });
    assert.equal(r.success, false);
    assert.match(JSON.stringify(r.error?.issues), /everyParagraph/);
  });
});

describe("slugify", () => {
  it("folds accents and punctuation", () => {
    assert.equal(slugify("Café à Paris: what’s next?"), "cafe-a-paris-whats-next");
  });
  it("cuts long text on a word boundary and never returns empty", () => {
    const s = slugify("word ".repeat(50), 30);
    assert.ok(s.length <= 30 && !s.endsWith("-"));
    assert.equal(slugify("!!!"), "story");
  });
});
