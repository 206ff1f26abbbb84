/**
 * A live story in a real Chromium against `gazette serve`: two journalists
 * post (each with a session of their own); a reader's page, never reloaded,
 * receives their posts; scrolled down into the stream, the reader is not
 * moved — the posts wait behind "2 new updates", which shows them; an edit
 * and a deletion apply in place. axe-core on the live page.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext } from "playwright-core";
import { hashPassword } from "../../src/auth/passwords.ts";
import { livePostInputSchema } from "../../src/content/live.ts";
import { openDatabase } from "../../src/store/database.ts";
import { addLivePost, saveLiveCoverage } from "../../src/store/live-store.ts";
import { createSession } from "../../src/store/session-store.ts";
import { saveStory } from "../../src/store/story-store.ts";
import { createUser } from "../../src/store/user-store.ts";
import { launchChromium, noSeriousViolations, startServer } from "../browser.ts";
import { demoDataDir } from "../helpers.ts";

let server: ChildProcess;
let base: string;
let browser: Browser;
let dataDir: string;
let storyId: number;
let storyPath: string;
const journalists: { cookie: string; csrf: string }[] = [];
const contexts: BrowserContext[] = [];

const text = (t: string) => [{ type: "paragraph" as const, content: [{ text: t }] }];

before(async () => {
  dataDir = await demoDataDir();
  const db = await openDatabase({ dataDir });
  const hash = await hashPassword("live desk end to end");
  for (const name of ["Lena Live", "Omar Onsite"]) {
    const u = await createUser(db, {
      email: `${name.split(" ")[0]!.toLowerCase()}@e2e.test`,
      name,
      role: "editor",
      passwordHash: hash,
    });
    const { token, session } = await createSession(db, u.id, { ip: "127.0.0.1", userAgent: "e2e" });
    journalists.push({ cookie: `gz_session=${token}`, csrf: session.csrfToken });
  }
  const story = await saveStory(db, {
    headline: "Gale over the coast: live",
    summary: ["Winds of over 100 km/h; ferries stopped."],
    sectionSlug: "city",
    body: text("Our reporters follow the gale as it crosses the coast."),
    status: "published",
    firstPublishedAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
  });
  storyId = story.id;
  storyPath = story.path;
  await saveLiveCoverage(db, story.id, {});
  // A stream long enough to scroll into.
  for (let i = 1; i <= 15; i++)
    await addLivePost(
      db,
      story.id,
      livePostInputSchema.parse({
        title: `Update ${i}`,
        body: text(
          `Earlier update number ${i}: the wind keeps rising along the front, and the council asks people to stay indoors.`,
        ),
      }),
      { status: "published", userId: null, now: new Date(Date.now() - (120 - i) * 60_000) },
    );
  await db.destroy();
  ({ server, base } = await startServer(dataDir, { GAZETTE_BASE_URL: "http://127.0.0.1" }));
  browser = await launchChromium();
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  server?.kill("SIGTERM");
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function api(who: number, method: string, url: string, body?: unknown): Promise<{ id: number }> {
  const j = journalists[who]!;
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      cookie: j.cookie,
      "x-csrf-token": j.csrf,
      origin: base,
      accept: "application/json",
      ...(body ? { "content-type": "application/json" } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const t = await res.text();
  assert.ok(res.ok, `${method} ${url}: ${res.status} ${t}`);
  return JSON.parse(t) as { id: number };
}
const post = (who: number, title: string, words: string) =>
  api(who, "POST", `/api/admin/stories/${storyId}/live/posts`, { title, body: text(words) });

describe("a live story, in Chromium", () => {
  it("a reader receives two journalists' posts without reloading, and is not moved while reading below", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on("pageerror", (e) => assert.fail(`page error: ${e.message}`));
    await page.goto(`${base}${storyPath}`);
    await page.getByText("Updates newest first").waitFor();
    await noSeriousViolations(page, "the live page");

    // At the top of the stream: a new post goes straight in.
    const first = await post(
      0,
      "Ferries stay in port",
      "No crossings before noon tomorrow, the operator says.",
    );
    const firstPost = page.locator(`#post-${first.id}`);
    await firstPost.waitFor({ timeout: 20_000 });
    assert.equal(
      await page.locator(".live-stream > li").first().locator("article").getAttribute("id"),
      `post-${first.id}`,
    );

    // Scrolled down into the stream: what the reader reads stays where it is.
    const reading = page.locator(".live-post", { hasText: "Update 8" });
    await reading.scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, 200));
    const top = await reading.evaluate((e) => e.getBoundingClientRect().top);
    const a = await post(0, "Power cut in the old town", "About 2,000 homes are without power.");
    const b = await post(1, "Sea wall holds", "The new sea wall held at high tide, engineers say.");
    const newUpdates = page.getByRole("button", { name: "2 new updates" });
    await newUpdates.waitFor({ timeout: 20_000 });
    assert.equal(await page.locator(`#post-${a.id}`).count(), 0, "held back while the reader reads below");
    const after = await reading.evaluate((e) => e.getBoundingClientRect().top);
    assert.ok(Math.abs(after - top) < 1, `the post read stayed put (${top} → ${after})`);

    await newUpdates.click();
    await page.locator(`#post-${b.id}`).waitFor();
    const ids = await page
      .locator(".live-stream > li > article")
      .evaluateAll((els) => els.slice(0, 3).map((e) => e.id));
    assert.deepEqual(ids, [`post-${b.id}`, `post-${a.id}`, `post-${first.id}`]);
    assert.equal(await newUpdates.count(), 0);

    // An edit and a deletion apply in place.
    await page.evaluate(() => window.scrollTo(0, 0));
    await api(1, "PATCH", `/api/admin/live/posts/${b.id}`, {
      body: text("The new sea wall held at high tide, engineers say; the promenade stays closed."),
    });
    await page
      .locator(`#post-${b.id}`, { hasText: "the promenade stays closed" })
      .waitFor({ timeout: 20_000 });
    await page.locator(`#post-${b.id} .live-post-updated`).waitFor();
    await api(0, "DELETE", `/api/admin/live/posts/${a.id}`);
    await page.locator(`#post-${a.id}`).waitFor({ state: "detached", timeout: 20_000 });
    await noSeriousViolations(page, "the live page after updates");
  });
});
