/**
 * A live story in a real Chromium against `gazette serve`: two journalists
 * post from the live desk, each in a browser context of their own; a
 * reader's page, in a third and never reloaded, receives their posts;
 * scrolled down into the stream, the reader is not moved — the posts wait
 * behind "2 new updates", which shows them; an edit and a deletion made at
 * the desk apply in place, and the story's history tells them with the
 * desk's notes; a picture pasted into the compose box is posted with its
 * alt text. axe-core on the live page and the live desk.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import sharp from "sharp";
import { hashPassword } from "../../src/auth/passwords.ts";
import { livePostInputSchema } from "../../src/content/live.ts";
import { openDatabase } from "../../src/store/database.ts";
import { addLivePost, saveLiveCoverage } from "../../src/store/live-store.ts";
import { saveStory } from "../../src/store/story-store.ts";
import { createUser } from "../../src/store/user-store.ts";
import { launchChromium, newsroomPage, noSeriousViolations, startServer, closeRun } from "../browser.ts";
import { demoDataDir } from "../helpers.ts";

const PASSWORD = "live desk end to end";
const JOURNALISTS = [
  { email: "lena@e2e.test", name: "Lena Live" },
  { email: "omar@e2e.test", name: "Omar Onsite" },
];

let server: ChildProcess;
let base: string;
let browser: Browser;
let dataDir: string;
let storyId: number;
let storyPath: string;
const contexts: BrowserContext[] = [];

const text = (t: string) => [{ type: "paragraph" as const, content: [{ text: t }] }];

before(async () => {
  dataDir = await demoDataDir();
  const db = await openDatabase({ dataDir });
  const hash = await hashPassword(PASSWORD);
  for (const j of JOURNALISTS) await createUser(db, { ...j, role: "editor", passwordHash: hash });
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
  await closeRun({ contexts, browser, server, dataDir });
});

/** A journalist at the live desk, signed in in a browser context of their own. */
async function desk(who: number): Promise<Page> {
  const page = await newsroomPage(
    browser,
    base,
    { email: JOURNALISTS[who]!.email, password: PASSWORD },
    contexts,
    { viewport: { width: 1200, height: 900 } },
  );
  await page.goto(`${base}/admin/stories/${storyId}/live`);
  await page.getByRole("heading", { level: 2, name: "New post" }).waitFor();
  return page;
}

/** Types a post at the desk and sends it with Enter; the post's id, from the desk's stream. */
async function postAt(page: Page, title: string, words: string): Promise<number> {
  await page.getByLabel("Title (optional)").fill(title);
  const box = page.getByLabel("Post", { exact: true });
  await box.fill(words);
  await box.press("Enter");
  await page.getByRole("status").filter({ hasText: "Posted." }).waitFor();
  await deskRow(page, title).waitFor();
  return postId(page, title);
}

/** A post's row at the desk, by its title. */
function deskRow(page: Page, title: string) {
  return page.locator(".desk-post", {
    has: page.getByRole("heading", { level: 3, name: title, exact: true }),
  });
}

/** A post's id, by its title, from the desk's API. */
async function postId(page: Page, title: string): Promise<number> {
  const posts = (await page.evaluate(
    async (url) => (await (await fetch(url, { headers: { accept: "application/json" } })).json()) as unknown,
    `/api/admin/stories/${storyId}/live`,
  )) as { posts: { id: number; title: string | null }[] };
  const p = posts.posts.find((x) => x.title === title);
  assert.ok(p, `the post “${title}” is in the stream`);
  return p.id;
}

describe("a live story, in Chromium", () => {
  it("two journalists post from the desk; a reader receives it all without reloading, not moved while reading below", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on("pageerror", (e) => assert.fail(`page error: ${e.message}`));
    await page.goto(`${base}${storyPath}`);
    await page.getByText("Updates newest first").waitFor();
    await noSeriousViolations(page, "the live page");
    const lena = await desk(0);
    const omar = await desk(1);
    await noSeriousViolations(lena, "the live desk");

    // At the top of the stream: a new post goes straight in.
    const first = await postAt(
      lena,
      "Ferries stay in port",
      "No crossings before noon tomorrow, the operator says.",
    );
    await page.locator(`#post-${first}`).waitFor({ timeout: 20_000 });
    assert.equal(
      await page.locator(".live-stream > li").first().locator("article").getAttribute("id"),
      `post-${first}`,
    );

    // Scrolled down into the stream: what the reader reads stays where it is.
    const reading = page.locator(".live-post", { hasText: "Update 8" });
    await reading.scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, 200));
    const top = await reading.evaluate((e) => e.getBoundingClientRect().top);
    const a = await postAt(lena, "Power cut in the old town", "About 2,000 homes are without power.");
    const b = await postAt(omar, "Sea wall holds", "The new sea wall held at high tide, engineers say.");
    // Each desk shows the other's posts.
    await lena.getByRole("heading", { level: 3, name: "Sea wall holds" }).waitFor({ timeout: 15_000 });
    const newUpdates = page.getByRole("button", { name: "2 new updates" });
    await newUpdates.waitFor({ timeout: 20_000 });
    assert.equal(await page.locator(`#post-${a}`).count(), 0, "held back while the reader reads below");
    const after = await reading.evaluate((e) => e.getBoundingClientRect().top);
    assert.ok(Math.abs(after - top) < 1, `the post read stayed put (${top} → ${after})`);

    await newUpdates.click();
    await page.locator(`#post-${b}`).waitFor();
    const ids = await page
      .locator(".live-stream > li > article")
      .evaluateAll((els) => els.slice(0, 3).map((e) => e.id));
    assert.deepEqual(ids, [`post-${b}`, `post-${a}`, `post-${first}`]);
    assert.equal(await newUpdates.count(), 0);

    // Pinned and marked a key event while the reader reads below: the post moves to the top and
    // the Key events summary gains its line, and what the reader looks at does not move.
    const five = await postId(lena, "Update 5");
    await reading.scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, 200));
    const still = await reading.evaluate((e) => e.getBoundingClientRect().top);
    await deskRow(lena, "Update 5").getByRole("button", { name: "Pin", exact: true }).click();
    await lena.getByRole("status").filter({ hasText: "Pinned." }).waitFor();
    await deskRow(lena, "Sea wall holds").getByRole("button", { name: "Key event" }).click();
    await page.locator(`.live-pinned #post-${five}`).waitFor({ timeout: 20_000 });
    await page
      .locator(`.live-key-events li[data-post="${b}"] a[href="#post-${b}"]`)
      .waitFor({ timeout: 20_000 });
    assert.equal(await page.locator(`.live-stream #post-${five}`).count(), 0, "out of the stream");
    const moved = await reading.evaluate((e) => e.getBoundingClientRect().top);
    assert.ok(Math.abs(moved - still) < 2, `the post read stayed put (${still} → ${moved})`);
    // Unpinned, it goes back to its time in the stream.
    await deskRow(lena, "Update 5").getByRole("button", { name: "Unpin" }).click();
    await page.locator(`.live-stream #post-${five}`).waitFor({ timeout: 20_000 });
    assert.equal(await page.locator(".live-pinned").count(), 0, "no pinned post left");
    const around = await page
      .locator(`.live-stream > li:has(#post-${five})`)
      .evaluate((li) => [
        li.previousElementSibling?.textContent ?? "",
        li.nextElementSibling?.textContent ?? "",
      ]);
    assert.match(around[0]!, /Update 6/);
    assert.match(around[1]!, /Update 4/);

    // An edit and a deletion made at the desk apply in place.
    await page.evaluate(() => window.scrollTo(0, 0));
    await omar.getByRole("button", { name: "Edit “Sea wall holds”" }).click();
    await omar
      .getByLabel("Text")
      .fill("The new sea wall held at high tide, engineers say; the promenade stays closed.");
    await omar.getByLabel("Note to readers (optional)").fill("Added that the promenade stays closed.");
    await omar.getByRole("button", { name: "Save the post" }).click();
    await omar.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await page.locator(`#post-${b}`, { hasText: "the promenade stays closed" }).waitFor({ timeout: 20_000 });
    await page.locator(`#post-${b} .live-post-updated`).waitFor();
    lena.once("dialog", (d) => void d.accept("Posted by mistake: the power cut was in another town."));
    await lena
      .locator(".desk-post", {
        has: lena.getByRole("heading", { level: 3, name: "Power cut in the old town" }),
      })
      .getByRole("button", { name: "Delete" })
      .click();
    await lena.getByRole("status").filter({ hasText: "Deleted." }).waitFor();
    await page.locator(`#post-${a}`).waitFor({ state: "detached", timeout: 20_000 });
    await noSeriousViolations(page, "the live page after updates");

    // The story's history tells both, with the desk's notes.
    await page.locator(`#post-${b} .live-post-updated`).click();
    await page.getByRole("heading", { level: 2, name: "Changes to live updates" }).waitFor();
    await page.getByText("Added that the promenade stays closed.").waitFor();
    await page.getByText("Posted by mistake: the power cut was in another town.").waitFor();
    assert.equal(await page.locator(".history-live ins", { hasText: "promenade" }).count(), 1);
    await noSeriousViolations(page, "the story's history with live changes");
  });

  it("posts a picture pasted into the compose box, with the alt text the journalist gives it", async () => {
    const lena = await desk(0);
    const png = await sharp({
      create: { width: 640, height: 400, channels: 3, background: { r: 40, g: 110, b: 160 } },
    })
      .png()
      .toBuffer();
    await lena.getByLabel("Post", { exact: true }).fill("Waves over the harbour wall at high tide.");
    // What a paste from the clipboard delivers: a file in the event's data.
    await lena.getByLabel("Post", { exact: true }).evaluate((el, b64) => {
      const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], "harbour.png", { type: "image/png" }));
      el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
    }, png.toString("base64"));
    const alt = lena.getByLabel("Describe the picture (alt text)");
    await alt.waitFor();
    // Without alt text the post does not go: the journalist is sent to the field.
    await lena.getByLabel("Post", { exact: true }).press("Enter");
    await lena.getByRole("status").filter({ hasText: "Describe each picture" }).waitFor();
    assert.equal(await alt.evaluate((e) => e === document.activeElement), true);
    await alt.fill("Grey waves breaking over the harbour wall");
    await lena.getByLabel("Credit (optional)").fill("Lena Live");
    await noSeriousViolations(lena, "the compose box with a picture");
    await lena.getByRole("button", { name: "Post", exact: true }).click();
    await lena.getByRole("status").filter({ hasText: "Posted." }).waitFor({ timeout: 20_000 });
    assert.equal(await lena.locator(".compose-pictures").count(), 0, "the compose box is empty again");

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const reader = await context.newPage();
    await reader.goto(`${base}${storyPath}`);
    const img = reader.locator(".live-stream > li").first().locator("img");
    assert.equal(await img.getAttribute("alt"), "Grey waves breaking over the harbour wall");
    await reader
      .locator(".live-stream > li")
      .first()
      .getByText("Waves over the harbour wall at high tide.")
      .waitFor();
  });
});
