/**
 * The live stream's renderer (pure): a post's time reads "14:05 GMT", its day
 * is said once per day (the posts after it on the same day hide theirs), an
 * edit on the same day says only the time, and key events link to their
 * posts with the same times.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { LiveCoverage, LivePost } from "../../src/content/live.ts";
import { liveStreamHtml } from "../../src/site/live-view.ts";

const TZ = "Europe/London";

function post(id: number, publishedAt: string, extra: Partial<LivePost> = {}): LivePost {
  return {
    id,
    storyId: 1,
    seq: id,
    status: "published",
    title: `Post ${id}`,
    body: [{ type: "paragraph", content: [{ text: `Words of post ${id}.` }] }],
    authorSlugs: [],
    pinned: false,
    keyEvent: false,
    publishedAt,
    editedAt: null,
    createdAt: publishedAt,
    createdBy: null,
    sourceUri: null,
    ...extra,
  };
}

const coverage: LiveCoverage = {
  storyId: 1,
  state: "open",
  coverageStart: "2026-11-30T20:00:00.000Z",
  coverageEnd: null,
  requireApproval: false,
  wireAppend: false,
  seq: 9,
  lastPostAt: "2026-12-01T09:30:00.000Z",
};

function render(posts: LivePost[], keyEvents: LivePost[] = []): string {
  return liveStreamHtml(
    {
      coverage,
      pinned: [],
      keyEvents,
      posts,
      older: false,
      nextFrom: undefined,
      changes: 0,
      authors: new Map(),
      blocks: { images: new Map(), videos: new Map(), linked: new Map() },
    },
    { id: 1, path: "/world/2026/11/30/storm" },
    { baseUrl: "https://news.example.org", timeZone: TZ },
  ).value;
}

/** Each post's class and what its time line says, in page order. */
function times(html: string): { cls: string; text: string }[] {
  return [...html.matchAll(/<article class="([^"]+)"[^>]*>.*?<p class="live-post-time">(.*?)<\/p>/gs)].map(
    (m) => ({ cls: m[1]!, text: m[2]!.replace(/<[^>]+>/g, "") }),
  );
}

describe("the live stream's times", () => {
  it("says the time of each post and its day once per day, newest first", () => {
    const html = render([
      post(4, "2026-12-01T09:30:00.000Z", { editedAt: "2026-12-01T09:45:00.000Z" }),
      post(3, "2026-12-01T00:10:00.000Z"),
      post(2, "2026-11-30T23:50:00.000Z"),
      post(1, "2026-11-30T21:05:00.000Z"),
    ]);
    const t = times(html);
    assert.deepEqual(
      t.map((x) => [x.cls.includes("same-day"), x.text]),
      [
        [false, "09:30 GMT · 1 December 2026 Updated 09:45 GMT"],
        [true, "00:10 GMT · 1 December 2026"],
        [false, "23:50 GMT · 30 November 2026"],
        [true, "21:05 GMT · 30 November 2026"],
      ],
    );
    assert.match(html, /data-day="2026-12-01"/);
    assert.match(html, /<time datetime="2026-12-01T09:30:00\+00:00">09:30 GMT<span class="live-day">/);
  });

  it("uses the site's time zone for the day (summer time included)", () => {
    // 23:30 UTC on 1 July is 00:30 BST on 2 July in London.
    const t = times(render([post(2, "2026-07-01T23:30:00.000Z"), post(1, "2026-07-01T22:30:00.000Z")]));
    assert.deepEqual(
      t.map((x) => [x.cls.includes("same-day"), x.text]),
      [
        [false, "00:30 BST · 2 July 2026"],
        [false, "23:30 BST · 1 July 2026"],
      ],
    );
  });

  it("lists key events with their time, linking to the post on the page or its place in the stream", () => {
    const onPage = post(3, "2026-12-01T09:00:00.000Z", { keyEvent: true });
    const elsewhere = post(1, "2026-11-30T21:05:00.000Z", { keyEvent: true, title: "Gale warning" });
    const html = render([onPage], [onPage, elsewhere]);
    const nav = /<nav class="live-key-events".*?<\/nav>/s.exec(html)?.[0] ?? "";
    assert.match(nav, /<li data-post="3"[^>]*><a href="#post-3"><time[^>]*>09:00 GMT/);
    assert.match(
      nav,
      /<a href="\/world\/2026\/11\/30\/storm\?from=1#post-1"><time[^>]*>21:05 GMT.*?Gale warning/,
    );
  });
});
