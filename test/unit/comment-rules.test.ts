/** Comment moderation rules and link finding. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  countLinks,
  linkify,
  matchingWords,
  moderate,
  moderationPolicySchema,
} from "../../src/content/comment-rules.ts";

const policy = moderationPolicySchema.parse({
  bannedWords: ["dolt", "go away"],
  suspectWords: ["scam"],
  maxLinks: 1,
  newAccountHours: 24,
});
const ctx = { policy, accountAgeHours: 100, premoderated: false, staff: false };

describe("comment moderation", () => {
  it("refuses banned words as whole words, ignoring case and accents", () => {
    const r = moderate("What a DÓLT idea.", ctx);
    assert.equal(r.outcome, "reject");
    assert.match(r.outcome === "reject" ? r.message : "", /“dolt”.*rephrase/);
    assert.equal(moderate("Dolton is a place.", ctx).outcome, "approve", "not inside other words");
    assert.equal(moderate("Please go   away!", ctx).outcome, "reject", "phrases across spaces");
  });
  it("holds suspect words, many links, new accounts and pre-moderated stories", () => {
    assert.deepEqual(moderate("Is this a scam?", ctx), {
      outcome: "pending",
      reasons: ["suspect words: scam"],
    });
    assert.deepEqual(moderate("See https://a.example and www.b.example", ctx), {
      outcome: "pending",
      reasons: ["2 links"],
    });
    assert.deepEqual(moderate("Hello", { ...ctx, accountAgeHours: 2 }), {
      outcome: "pending",
      reasons: ["new account"],
    });
    assert.deepEqual(moderate("Hello", { ...ctx, premoderated: true }), {
      outcome: "pending",
      reasons: ["pre-moderation"],
    });
    assert.deepEqual(moderate("Hello", { ...ctx, accountAgeHours: 2, staff: true }), { outcome: "approve" });
    assert.equal(moderate("Is this a scam?", { ...ctx, staff: true }).outcome, "approve");
  });
  it("finds words and links", () => {
    assert.deepEqual(matchingWords("The Scam!", ["scam", "fraud"]), ["scam"]);
    assert.equal(countLinks("see https://example.org/a?b=c, then www.example.net."), 2);
  });
});

describe("linkify", () => {
  it("splits text and links, leaving trailing punctuation out of the link", () => {
    assert.deepEqual(linkify("Read https://example.org/report. Or www.example.net!"), [
      { text: "Read " },
      { text: "https://example.org/report", href: "https://example.org/report" },
      { text: ". Or " },
      { text: "www.example.net", href: "https://www.example.net" },
      { text: "!" },
    ]);
    assert.deepEqual(
      linkify("<script>alert(1)</script>"),
      [{ text: "<script>alert(1)</script>" }],
      "markup stays text",
    );
    assert.deepEqual(linkify("javascript:alert(1)"), [{ text: "javascript:alert(1)" }]);
  });
});
