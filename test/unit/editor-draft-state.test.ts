/** The editor's save state machine (newsroom/editor/draft-state.ts). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StoryJson } from "../../src/newsroom/editor/api.ts";
import {
  type DraftState,
  actedMessage,
  cleanContent,
  fieldLabel,
  draftReducer,
  fieldMessages,
  initialDraft,
  saveStateLabel,
} from "../../src/newsroom/editor/draft-state.ts";

const theirs = { id: 1, revision: 4 } as StoryJson;
const conflicted: DraftState = draftReducer(initialDraft, {
  type: "conflict",
  conflict: { latest: { userName: "Erin", at: "2026-11-29T10:00:00Z", revision: 4 }, theirs },
});

describe("editor draft state", () => {
  it("goes dirty on an edit, saving, then saved — or dirty again when typing went on meanwhile", () => {
    const dirty = draftReducer(initialDraft, { type: "edited" });
    assert.equal(dirty.saveState, "dirty");
    const saving = draftReducer(dirty, { type: "save-started" });
    assert.equal(saving.saveState, "saving");
    assert.equal(draftReducer(saving, { type: "save-succeeded", caughtUp: true }).saveState, "saved");
    assert.equal(draftReducer(saving, { type: "save-succeeded", caughtUp: false }).saveState, "dirty");
  });

  it("keeps the server's field problems from a failed save until the next good one", () => {
    const failed = draftReducer(initialDraft, {
      type: "save-failed",
      offline: false,
      message: "Some fields are not valid",
      fields: [{ path: "content.headline", message: "is required" }],
    });
    assert.equal(failed.saveState, "error");
    assert.deepEqual(fieldMessages(failed.fields, "headline"), ["is required"]);
    assert.deepEqual(fieldMessages(failed.fields, "body"), []);
    const ok = draftReducer(failed, { type: "save-succeeded", caughtUp: true });
    assert.deepEqual([ok.message, ok.fields], ["", []]);
  });

  it("says offline without losing the field list, and tells an undo from an edit", () => {
    const offline = draftReducer(initialDraft, {
      type: "save-failed",
      offline: true,
      message: "Cannot reach",
      fields: [],
    });
    assert.equal(offline.saveState, "offline");
    assert.equal(
      draftReducer(draftReducer(initialDraft, { type: "edited" }), { type: "reverted" }).saveState,
      "saved",
    );
  });

  it("stays in conflict through edits and undos until the writer chooses", () => {
    assert.equal(draftReducer(conflicted, { type: "edited" }).saveState, "conflict");
    assert.equal(draftReducer(conflicted, { type: "reverted" }).saveState, "conflict");
    assert.equal(draftReducer(conflicted, { type: "kept-mine" }).conflict, null);
    const theirsUsed = draftReducer(conflicted, { type: "used-theirs", message: "Their version is loaded." });
    assert.deepEqual(
      [theirsUsed.saveState, theirsUsed.conflict, theirsUsed.message],
      ["saved", null, "Their version is loaded."],
    );
  });

  it("words the state for drafts, live stories and autosave", () => {
    assert.equal(saveStateLabel("saved", "published", false), "All changes are live");
    assert.equal(saveStateLabel("saved", "draft", true), "All changes saved");
    assert.equal(saveStateLabel("dirty", "draft", true), "Unsaved changes…");
    assert.equal(saveStateLabel("dirty", "published", false), "Changes not yet on the site — press Update");
    assert.equal(actedMessage("publish", ""), "Published. It is on the site now.");
    assert.equal(actedMessage("schedule", "1 Dec, 09:00"), "Scheduled for 1 Dec, 09:00.");
    assert.equal(actedMessage("revisions/3/restore", ""), "Done.");
  });
});

describe("editor field names", () => {
  it("names fields in words, never as paths", () => {
    assert.equal(fieldLabel("content.summary.0"), "Summary point 1");
    assert.equal(fieldLabel("content.headline"), "Headline");
    assert.equal(fieldLabel("body.3"), "The text, block 4");
    assert.equal(fieldLabel("content.seo.title"), "Search title");
    assert.equal(fieldLabel("content.seo.socialDescription"), "Social description");
    assert.equal(fieldLabel("content.body.2.content.0.href"), "The text, block 3");
    assert.equal(fieldLabel("heroImageId"), "Main picture");
    assert.equal(fieldLabel("content.sources.1.url"), "Source 2");
    assert.equal(fieldLabel("content.embargoUntil"), "Embargo");
    assert.equal(fieldLabel("somethingNew"), "Something New");
  });

  it("sends no blank summary points or topics", () => {
    const c = cleanContent({ summary: [" One ", "", "  "], topicNames: ["Port", " "], headline: "x" });
    assert.deepEqual([c.summary, c.topicNames, c.headline], [["One"], ["Port"], "x"]);
  });
});
