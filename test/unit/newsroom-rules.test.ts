/** The newsroom's pure rules: workflow transitions, publish readiness, story diffs, editor document conversion, passwords. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Block, StoryContent } from "../../src/content/model.ts";
import { condense, diffStoryContent } from "../../src/content/story-diff.ts";
import { nextStatus, publishProblems } from "../../src/content/workflow.ts";
import { blocksToDoc, docToBlocks } from "../../src/newsroom/editor/doc-convert.ts";
import { generatePassword, hashPassword, verifyPassword } from "../../src/auth/passwords.ts";
import { PERMISSIONS, allowed, canEditStory } from "../../src/auth/permissions.ts";

describe("workflow", () => {
  it("allows the documented transitions and explains the others", () => {
    assert.deepEqual(nextStatus("draft", { kind: "submit" }), { ok: true, status: "review" });
    assert.deepEqual(nextStatus("review", { kind: "publish" }), { ok: true, status: "published" });
    assert.deepEqual(nextStatus("published", { kind: "unpublish" }), { ok: true, status: "unpublished" });
    assert.deepEqual(nextStatus("scheduled", { kind: "unschedule" }), { ok: true, status: "review" });
    const r = nextStatus("published", { kind: "submit" });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : "", /a published story cannot be submitted for review/);
  });
  it("schedules only in the future", () => {
    const now = new Date("2026-11-28T10:00:00Z");
    assert.equal(nextStatus("draft", { kind: "schedule", at: "2026-11-28T09:59:00Z" }, now).ok, false);
    assert.deepEqual(nextStatus("draft", { kind: "schedule", at: "2026-11-28T10:01:00Z" }, now), {
      ok: true,
      status: "scheduled",
    });
  });
  it("needs alt text, a caption and a credit on every picture before publishing", () => {
    const images = new Map([
      [1, { id: 1, alt: "A ferry", caption: "The ferry.", credit: "Gazette" }],
      [2, { id: 2, alt: "", caption: null, credit: null }],
    ]);
    assert.deepEqual(publishProblems({ headline: "H", heroImageId: 1, body: [] }, images), []);
    const body: Block[] = [{ type: "image", imageId: 2, caption: "Own caption here" }];
    const problems = publishProblems({ headline: "H", heroImageId: 2, body }, images);
    assert.deepEqual(
      problems.map((p) => p.path),
      ["heroImageId", "heroImageId", "heroImageId", "body.0", "body.0"],
      "the block's own caption counts",
    );
    assert.match(
      publishProblems({ headline: "H", body: [{ type: "image", imageId: 9 }] }, images)[0]!.message,
      /does not exist/,
    );
  });
});

describe("permissions", () => {
  it("gives contributors their own drafts only, editors and admins everything they need", () => {
    assert.equal(allowed("contributor", "story.publish"), false);
    assert.equal(allowed("editor", "story.publish"), true);
    assert.equal(allowed("editor", "users.manage"), false);
    assert.equal(allowed("admin", "users.manage"), true);
    for (const roles of Object.values(PERMISSIONS))
      assert.ok((roles as readonly string[]).includes("admin"), "admin can do everything");
    assert.equal(canEditStory({ id: 1, role: "contributor" }, { createdBy: 1, status: "draft" }), true);
    assert.equal(canEditStory({ id: 1, role: "contributor" }, { createdBy: 1, status: "review" }), false);
    assert.equal(canEditStory({ id: 1, role: "contributor" }, { createdBy: 2, status: "draft" }), false);
    assert.equal(canEditStory({ id: 1, role: "editor" }, { createdBy: 2, status: "published" }), true);
  });
});

const base: StoryContent = {
  headline: "Council votes on the pier",
  summary: ["A vote"],
  body: [{ type: "paragraph", content: [{ text: "The council voted nine to two for the pier." }] }],
  sectionSlug: "city",
  topicNames: [],
  authorSlugs: [],
  seo: {},
  sources: [],
  relatedVideoIds: [],
};

describe("story diff", () => {
  it("marks words added and removed, and names other changes", () => {
    const after: StoryContent = {
      ...base,
      body: [{ type: "paragraph", content: [{ text: "The council voted eight to three for the pier." }] }],
      heroImageId: 4,
      sectionSlug: "politics",
    };
    const d = diffStoryContent(base, after);
    assert.deepEqual(
      d.text.map((f) => f.field),
      ["body"],
    );
    const parts = d.text[0]!.parts;
    assert.ok(parts.some((p) => p.kind === "removed" && /nine/.test(p.text)));
    assert.ok(parts.some((p) => p.kind === "added" && /eight/.test(p.text)));
    assert.deepEqual(d.other, ["Main picture added", "Moved from section “city” to “politics”"]);
    assert.deepEqual(diffStoryContent(base, base), { text: [], other: [] });
  });
  it("says the address changed only when two known addresses differ", () => {
    // The revision made at first publication has no slug of its own; the next one has.
    assert.deepEqual(diffStoryContent(base, { ...base, slug: "council-votes-on-the-pier" }).other, []);
    assert.deepEqual(
      diffStoryContent({ ...base, slug: "council-votes-on-the-pier" }, { ...base, slug: "pier-vote" }).other,
      ["Address changed"],
    );
  });
  it("condenses long unchanged stretches around a change", () => {
    const long = Array.from({ length: 200 }, (_, i) => `word${i}`).join(" ");
    const d = diffStoryContent(
      { ...base, body: [{ type: "paragraph", content: [{ text: `${long} end.` }] }] },
      { ...base, body: [{ type: "paragraph", content: [{ text: `${long} finish.` }] }] },
    );
    const c = condense(d.text[0]!.parts);
    const same = c
      .filter((p) => p.kind === "same")
      .map((p) => p.text)
      .join("");
    assert.ok(same.length < long.length / 2, "most unchanged words are elided");
    assert.match(same, /…/);
  });
});

describe("editor document conversion", () => {
  const blocks: Block[] = [
    {
      type: "paragraph",
      content: [
        { text: "Plain, " },
        { text: "bold", bold: true },
        { text: " and " },
        { text: "a link", italic: true, href: "https://example.org/" },
        { text: "." },
      ],
    },
    { type: "heading", level: 2, text: "What changes" },
    { type: "quote", text: "It is late.", attribution: "Hana Duarte", sourceUrl: "https://example.org/q" },
    { type: "list", ordered: true, items: [[{ text: "One" }], [{ text: "Two", bold: true }]] },
    { type: "image", imageId: 3, caption: "Here" },
    { type: "video", videoId: 2 },
    { type: "embed", url: "https://example.org/r", title: "Report", provider: "Council" },
    { type: "divider" },
    { type: "related-story", storyId: 9 },
  ];
  it("round-trips every block type, mark for mark", () => {
    assert.deepEqual(docToBlocks(blocksToDoc(blocks)), blocks);
  });
  it("drops empty paragraphs and merges runs with the same marks", () => {
    const doc = {
      type: "doc",
      content: [
        { type: "paragraph" },
        {
          type: "paragraph",
          content: [
            { type: "text", text: "a" },
            { type: "text", text: "b" },
          ],
        },
        { type: "heading", attrs: { level: 2 }, content: [] },
      ],
    };
    assert.deepEqual(docToBlocks(doc), [{ type: "paragraph", content: [{ text: "ab" }] }]);
    assert.deepEqual(blocksToDoc([]), { type: "doc", content: [{ type: "paragraph" }] });
  });
});

describe("passwords", () => {
  it("hashes with scrypt and a salt, and verifies in constant time", async () => {
    const h1 = await hashPassword("correct horse battery staple");
    const h2 = await hashPassword("correct horse battery staple");
    assert.match(h1, /^scrypt\$15\$8\$1\$/);
    assert.notEqual(h1, h2, "salted");
    assert.equal(await verifyPassword("correct horse battery staple", h1), true);
    assert.equal(await verifyPassword("correct horse battery stapler", h1), false);
    assert.equal(await verifyPassword("x", "not a hash"), false);
    assert.match(generatePassword(), /^[a-zA-Z2-9]{5}(-[a-zA-Z2-9]{5}){3}$/);
  });
});
