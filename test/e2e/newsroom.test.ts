/**
 * The newsroom end to end, in a real Chromium against `gazette serve`:
 * a contributor writes a story with an uploaded picture and video and
 * submits it; an editor publishes it; the editor updates it and the public
 * history shows the diff; a correction appears on the page; two editors
 * edit one story at once and the second loses nothing. axe-core on every
 * newsroom screen.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
import sharp from "sharp";
import { panVideo } from "../../src/demo/videos.ts";
import { hashPassword } from "../../src/auth/passwords.ts";
import { openDatabase } from "../../src/store/database.ts";
import { createUser } from "../../src/store/user-store.ts";
import { launchChromium, newsroomPage, startServer, closeRun } from "../browser.ts";
import { demoDataDir, tempDir } from "../helpers.ts";

const PASSWORD = "newsroom end to end";
const ACCOUNTS = {
  contributor: { email: "rita@e2e.test", name: "Rita Reporter", role: "contributor" as const },
  editor: { email: "eddie@e2e.test", name: "Eddie Editor", role: "editor" as const },
  editor2: { email: "erin@e2e.test", name: "Erin Second", role: "editor" as const },
  admin: { email: "ada@e2e.test", name: "Ada Admin", role: "admin" as const },
};

let server: ChildProcess;
let base: string;
let browser: Browser;
let dataDir: string;
let files: string;
const contexts: BrowserContext[] = [];

before(async () => {
  dataDir = await demoDataDir();
  const db = await openDatabase({ dataDir });
  const hash = await hashPassword(PASSWORD);
  for (const a of Object.values(ACCOUNTS)) await createUser(db, { ...a, passwordHash: hash });
  await db.destroy();
  files = tempDir("gazette-e2e-files-");
  await sharp({ create: { width: 1600, height: 1000, channels: 3, background: "#2d6a8f" } })
    .composite([
      {
        input: Buffer.from(
          '<svg width="1600" height="1000"><circle cx="800" cy="500" r="300" fill="#f2c14e"/></svg>',
        ),
      },
    ])
    .jpeg()
    .toFile(path.join(files, "quay.jpg"));
  const still = await sharp(path.join(files, "quay.jpg")).toBuffer();
  fs.writeFileSync(path.join(files, "tide.mp4"), await panVideo([still], 4));
  ({ server, base } = await startServer(dataDir, { GAZETTE_BASE_URL: "http://127.0.0.1" }));
  browser = await launchChromium();
});

after(async () => {
  await closeRun({ contexts, browser, server, dataDir });
  fs.rmSync(files, { recursive: true, force: true });
});

function signedIn(who: keyof typeof ACCOUNTS): Promise<Page> {
  return newsroomPage(browser, base, { email: ACCOUNTS[who].email, password: PASSWORD }, contexts);
}

async function saveStateIs(page: Page, text: string | RegExp) {
  await page.locator(".save-state").filter({ hasText: text }).waitFor({ timeout: 15_000 });
}

async function openStory(page: Page, headline: string) {
  await page.goto(`${base}/admin?q=${encodeURIComponent(headline)}`);
  await page.getByRole("link", { name: headline }).click();
  await page.getByRole("textbox", { name: "Story text" }).waitFor();
}

describe("the newsroom, in Chromium", () => {
  const headline = "Tide gauge at the old quay is working again";
  let storyPath = "";

  it("a contributor writes a story with an uploaded picture and a video, and submits it", async () => {
    const page = await signedIn("contributor");
    // The video goes into the library first (Media page).
    await page.getByRole("link", { name: "Media" }).click();
    await page.getByLabel("Title").first().fill("The tide gauge at work");
    await page.getByLabel(/^File \(MP4/).setInputFiles(path.join(files, "tide.mp4"));
    await page.getByRole("button", { name: "Upload video" }).click();
    await page.getByText(/Added “The tide gauge at work” \(00:04\)/).waitFor({ timeout: 30_000 });

    await page.getByRole("link", { name: "Stories" }).click();
    await page.getByRole("button", { name: "New story" }).click();
    const body = page.getByRole("textbox", { name: "Story text" });
    await body.waitFor();
    await page.getByLabel("Headline").fill(headline);
    await page.getByRole("button", { name: "Add a summary point" }).click();
    await page
      .getByLabel("Summary point 1", { exact: true })
      .fill("Readings resume after a storm cut the power in October");
    await body.click();
    await page.keyboard.type(
      "The tide gauge on the old quay is sending readings again, the harbour office said on Friday.",
    );
    await page.keyboard.press("Enter");
    await page.keyboard.type("Engineers replaced a flooded battery cabinet.");
    // A second point added and left blank: the focus moves into it, and it stops no save.
    await page.getByRole("button", { name: "Add a summary point" }).click();
    await page.locator("#sum-1:focus").waitFor();
    await saveStateIs(page, "All changes saved");
    // Everything typed is on the server: a reload shows it.
    await page.reload();
    await body.waitFor();
    assert.equal(await page.getByLabel("Headline").inputValue(), headline);
    assert.equal(
      await page.getByLabel("Summary point 1", { exact: true }).inputValue(),
      "Readings resume after a storm cut the power in October",
    );
    assert.equal(
      await page.getByLabel("Summary point 2", { exact: true }).count(),
      0,
      "the blank point was dropped",
    );
    assert.match((await body.textContent()) ?? "", /Engineers replaced a flooded battery cabinet\./);
    assert.equal(await page.getByText("Restore my unsaved changes").count(), 0, "nothing was left unsaved");
    // Search and social: the counts, and a search title shown in the search-result preview as typed.
    await page
      .locator(".seo .sub")
      .filter({ hasText: /^\d+ words · 1 min read$/ })
      .waitFor();
    await page.getByLabel(/^Search title/).fill("Tide gauge back at the old quay");
    await page.locator(".serp-title").filter({ hasText: "Tide gauge back at the old quay" }).waitFor();

    await page.getByRole("button", { name: "Choose or upload a picture" }).click();
    await page.getByLabel("Upload a picture (or drop it here)").setInputFiles(path.join(files, "quay.jpg"));
    const describe = page.getByRole("dialog", { name: "Describe this picture" });
    await describe.waitFor();
    await describe.getByLabel(/Alt text/).fill("A yellow tide gauge float in blue harbour water.");
    await describe.getByLabel(/^Caption/).fill("The gauge float, back in service on Friday.");
    await describe.getByLabel(/Credit/).fill("Rita Reporter / Gazette");
    await describe.getByRole("button", { name: "Save picture details" }).click();
    await describe.waitFor({ state: "hidden" });

    await body.click();
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.getByRole("toolbar", { name: "Formatting" }).getByRole("button", { name: "Video" }).click();
    await page
      .getByRole("dialog", { name: "Choose a video" })
      .getByRole("button", { name: /The tide gauge at work/ })
      .click();
    await page.locator(".nv-video").waitFor();
    // A click on the video selects it; typing then starts a paragraph after it and never replaces it.
    await page.locator(".nv-video p").click();
    await page.keyboard.type("More when the harbour office publishes the readings.");
    await page.locator(".nv-video + p", { hasText: /^More when the harbour office/ }).waitFor();
    assert.equal(await page.locator(".nv-video").count(), 1, "the video is still there");
    await saveStateIs(page, "All changes saved");

    await page.getByRole("button", { name: "Submit for review" }).click();
    await page.getByText("Submitted for review. An editor will take it from here.").waitFor();
    assert.equal(await page.locator(".status").first().textContent(), "In review");
    // Handed over: the contributor can no longer change it, is told why, and may take it back.
    assert.equal(await page.getByLabel("Headline").getAttribute("readonly"), "");
    await page.getByText(/it is read-only for you\. Withdraw it to change it\./).waitFor();
    await page.getByRole("button", { name: "Withdraw from review" }).click();
    await page.getByText("Withdrawn from review: it is yours to change again.").waitFor();
    assert.equal(await page.getByLabel("Headline").getAttribute("readonly"), null);
    await page.getByRole("button", { name: "Submit for review" }).click();
    await page.getByText("Submitted for review. An editor will take it from here.").waitFor();
    assert.equal(await page.locator(".status").first().textContent(), "In review");
  });

  it("an editor returns it with a note; the contributor sees the note and resubmits", async () => {
    const page = await signedIn("editor");
    // The navigation counts what waits for review, and links to it.
    await page.getByRole("link", { name: /^In review \d+ waiting$/ }).click();
    await page.getByRole("link", { name: headline }).click();
    await page.getByRole("textbox", { name: "Story text" }).waitFor();
    await page
      .getByLabel("Note to the writer (optional)")
      .fill("Say who at the harbour office confirmed it.");
    await page.getByRole("button", { name: "Return to draft" }).click();
    await page.locator(".status").first().filter({ hasText: "Draft" }).waitFor();
    await page.locator(".note--returned").filter({ hasText: "Say who at the harbour office" }).waitFor();

    const writer = await signedIn("contributor");
    // A notice, counted in the navigation, leads to the story and its note.
    await writer.getByRole("link", { name: /^Notices 1 unread$/ }).click();
    await writer
      .getByRole("link", { name: /returned “Tide gauge at the old quay is working again” to you: Say who/ })
      .click();
    await writer.getByRole("textbox", { name: "Story text" }).waitFor();
    const note = writer.locator(".note--returned");
    await note.waitFor();
    assert.match((await note.textContent())!, /Eddie Editor returned the story/);
    assert.match((await note.textContent())!, /Say who at the harbour office confirmed it\./);
    await writer.getByLabel("Add a note").fill("Added: the harbour master, Dana Quayle.");
    await writer.getByRole("button", { name: "Add note" }).click();
    await writer.getByText("Note added.").waitFor();
    await writer.getByRole("button", { name: "Submit for review" }).click();
    await writer.getByText("Submitted for review. An editor will take it from here.").waitFor();
    assert.equal(
      await writer.getByRole("link", { name: /^Notices \d+ unread$/ }).count(),
      0,
      "read on opening",
    );
  });

  it("an editor publishes it, leads the home page with it, and it appears on the site", async () => {
    const page = await signedIn("editor");
    await openStory(page, headline);
    await page.locator(".note").filter({ hasText: "Added: the harbour master" }).waitFor();
    // The front page is curated: the bridge story placed as its lead.
    await page.getByRole("link", { name: "Front pages" }).click();
    await page.getByRole("button", { name: "Add a story" }).click();
    const picker = page.getByRole("dialog", { name: "Place a story" });
    await picker.getByLabel("Search published stories").fill("lift bridge");
    await picker.getByRole("button", { name: /Harbour lift bridge to reopen/ }).click();
    await page.getByRole("button", { name: "Save the order" }).click();
    await page.getByText("Saved: readers see it now.").waitFor();
    await openStory(page, headline);
    await page.getByRole("button", { name: "Publish now" }).click();
    await page.getByText("Published. It is on the site now.").waitFor();
    storyPath = (await page.getByRole("link", { name: "View on the site" }).getAttribute("href"))!;
    assert.match(storyPath, /^\/city\/\d{4}\/\d\d\/\d\d\/tide-gauge-at-the-old-quay-is-working-again$/);
    const site = await page.context().newPage();
    await site.goto(`${base}${storyPath}`);
    assert.equal(await site.locator("h1").textContent(), headline);
    assert.match(
      await site.title(),
      /^Tide gauge back at the old quay \| /,
      "the search title is the page's title",
    );
    assert.equal(
      await site.locator(".hero img").getAttribute("alt"),
      "A yellow tide gauge float in blue harbour water.",
    );
    assert.match((await site.locator(".hero figcaption").textContent())!, /Rita Reporter \/ Gazette/);
    assert.match((await site.locator(".story-body").textContent())!, /The tide gauge at work/);
    assert.match((await site.locator(".story-body video").getAttribute("preload"))!, /none/);
    assert.match((await site.locator(".byline").textContent())!, /Rita Reporter/);

    // Newest, yet not the lead: the placed story leads until the editor puts this one first.
    await site.goto(`${base}/`);
    const lead = site.locator(".teaser--lead h2");
    assert.match((await lead.textContent())!, /Harbour lift bridge to reopen/);
    await page.getByRole("button", { name: "Lead the home page with it" }).click();
    await page.getByText("It now leads the home page.").waitFor();
    await site.goto(`${base}/`);
    assert.equal(await lead.textContent(), headline);
    // The front-page screen shows it first, as the lead.
    await page.getByRole("link", { name: "Front pages" }).click();
    await page
      .locator(".placed-list li")
      .first()
      .filter({ hasText: `Lead: ${headline}` })
      .waitFor();
    assert.match((await page.locator(".placed-list li").nth(1).textContent())!, /Harbour lift bridge/);
  });

  it("the editor changes the published story; the public history shows the update and its diff", async () => {
    const page = await signedIn("editor");
    await openStory(page, headline);
    await page
      .getByRole("textbox", { name: "Story text" })
      .getByText("Engineers replaced a flooded battery cabinet.")
      .click();
    await page.keyboard.press("End");
    await page.keyboard.type(" The repair cost 4,200 euros.");
    assert.equal(
      await page
        .getByRole("textbox", { name: "Story text" })
        .locator("p", { hasText: "Engineers replaced" })
        .textContent(),
      "Engineers replaced a flooded battery cabinet. The repair cost 4,200 euros.",
      "typed where the caret was put",
    );
    // Ctrl+K on the selected word "euros": the link dialog finds one of our stories by its words.
    await page.keyboard.press("Shift+ArrowLeft");
    for (let i = 0; i < 5; i++) await page.keyboard.press("Shift+ArrowLeft");
    await page.keyboard.press("Control+k");
    const dialog = page.getByRole("dialog", { name: "Link" });
    await dialog.getByLabel("Address, or search our stories").fill("lift bridge");
    await dialog.getByRole("button", { name: /Harbour lift bridge to reopen/ }).click();
    await dialog.waitFor({ state: "hidden" });
    await saveStateIs(page, /press Update/);
    await page.getByRole("button", { name: "Update" }).click();
    await saveStateIs(page, "All changes are live");
    const site = await page.context().newPage();
    await site.goto(`${base}${storyPath}`);
    assert.match((await site.locator(".story-body").textContent())!, /The repair cost 4,200 euros\./);
    assert.match(
      (await site.locator(".story-body a", { hasText: "euros" }).getAttribute("href"))!,
      /^http:\/\/127\.0\.0\.1:\d+\/city\/\d{4}\/\d\d\/\d\d\/harbour-lift-bridge-to-reopen/,
    );
    await site.getByRole("link", { name: "See what changed" }).click();
    await site.getByRole("heading", { name: "How this story changed" }).waitFor();
    assert.match(
      (await site.locator(".history-list ins").allTextContents()).join(" "),
      /repair cost 4,200 euros/,
    );
    assert.equal(await site.locator(".history-entry").count(), 2);
  });

  it("a correction is added, reworded and retracted, and the page and /corrections show each state", async () => {
    const page = await signedIn("editor");
    await openStory(page, headline);
    const panel = page.locator(".corrections-panel");
    await panel.getByRole("heading", { name: "Corrections (0)" }).waitFor();
    const wording = "An earlier version said the storm was in September. It was in October.";
    await panel.getByLabel("What was wrong, and what is right").fill(wording);
    await panel.getByRole("button", { name: "Publish correction" }).click();
    await page.getByText("Published on the story and on the corrections page.").waitFor();
    // The same text again (a second click, a retry) is refused, not published twice.
    await panel.getByLabel("What was wrong, and what is right").fill(wording);
    await panel.getByRole("button", { name: "Publish correction" }).click();
    await page.getByText(/This correction is already on the story\./).waitFor();
    await panel.getByRole("heading", { name: "Corrections (1)" }).waitFor();

    const site = await page.context().newPage();
    const box = async () => (await site.locator(".corrections-box").textContent()) ?? "";
    const listing = async () => (await site.locator(".corrections-list").textContent()) ?? "";
    await site.goto(`${base}${storyPath}`);
    assert.match(await box(), /It was in October\./);
    await site.goto(`${base}/corrections`);
    assert.match((await site.locator("main").textContent())!, /Tide gauge at the old quay/);

    await panel.getByRole("button", { name: "Edit" }).click();
    await panel
      .getByLabel("Corrected wording")
      .fill("An earlier version said the storm was in September. It hit on 14 October.");
    await panel.getByRole("button", { name: "Save the new wording" }).click();
    await page.getByText("Updated on the story and on the corrections page.").waitFor();
    await site.goto(`${base}${storyPath}`);
    assert.match(
      await box(),
      /\(updated .*\): An earlier version said the storm was in September\. It hit on 14 October\./,
    );
    await site.goto(`${base}/corrections`);
    assert.match(await listing(), /It hit on 14 October\./);

    page.once("dialog", (d) => void d.accept());
    await panel.getByRole("button", { name: "Retract" }).click();
    await page.getByText("Retracted: the story shows it struck through.").waitFor();
    await site.goto(`${base}${storyPath}`);
    assert.match(await box(), /retracted/);
    assert.equal(await site.locator(".corrections-box del").count(), 1, "struck through, not removed");
    await site.goto(`${base}/corrections`);
    assert.equal(await site.locator(".corrections-list .correction--retracted del").count(), 1);
  });

  it("two editors edit one story at once: the second gets the conflict and loses nothing", async () => {
    const a = await signedIn("editor");
    const b = await signedIn("editor2");
    await openStory(a, headline);
    await openStory(b, headline);
    await a
      .getByRole("textbox", { name: "Story text" })
      .getByText(/The repair cost/)
      .click();
    await a.keyboard.press("End");
    await a.keyboard.type(" Alpha's sentence.");
    await a.getByRole("button", { name: "Update" }).click();
    await saveStateIs(a, "All changes are live");

    await b
      .getByRole("textbox", { name: "Story text" })
      .getByText(/The repair cost/)
      .click();
    await b.keyboard.press("End");
    await b.keyboard.type(" Bravo's sentence.");
    await b.getByRole("button", { name: "Update" }).click();
    const conflict = b
      .getByRole("alert")
      .filter({ has: b.getByRole("heading", { name: /Eddie Editor changed this story at/ }) });
    await conflict.waitFor();
    await saveStateIs(b, /someone else changed the story/);
    assert.match(
      (await conflict.locator(".conflict-versions").textContent())!,
      /Alpha's sentence\./,
      "their version is shown",
    );
    assert.match(
      (await conflict.locator("pre.diff ins").allTextContents()).join(" "),
      /Bravo/,
      "what is only in mine is marked",
    );
    assert.match(
      (await conflict.locator("pre.diff del").allTextContents()).join(" "),
      /Alpha/,
      "what is only in theirs is marked",
    );
    assert.match(
      (await b.getByRole("textbox", { name: "Story text" }).textContent())!,
      /Bravo's sentence\./,
      "my text is still in the editor",
    );
    const local = await b.evaluate(() =>
      Object.keys(localStorage).filter((k) => k.startsWith("gazette:story:")),
    );
    assert.equal(local.length, 1, "and kept in this browser");

    await conflict.getByRole("button", { name: "Save my version over theirs" }).click();
    await saveStateIs(b, "All changes are live");
    const site = await b.context().newPage();
    await site.goto(`${base}${storyPath}`);
    assert.match((await site.locator(".story-body").textContent())!, /Bravo's sentence\./);
    assert.equal(
      await b.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("gazette:story:")).length),
      0,
    );
  });

  it("an empty new story leaves no row behind; a draft goes to the trash and comes back", async () => {
    const page = await signedIn("contributor");
    const count = async () =>
      page.evaluate(async () => {
        const r = await fetch("/api/admin/stories?q=Untitled&limit=100", { credentials: "same-origin" });
        return ((await r.json()) as { items: unknown[] }).items.length;
      });
    const before = await count();
    await page.getByRole("button", { name: "New story" }).click();
    await page.getByRole("textbox", { name: "Story text" }).waitFor();
    await page.getByRole("link", { name: "Stories" }).click();
    await page.getByRole("heading", { name: "Stories" }).waitFor();
    // The untouched story is deleted as the writer leaves it (a request that outlives the page).
    for (let i = 0; i < 100 && (await count()) !== before; i++) await page.waitForTimeout(50);
    assert.equal(await count(), before, "no 'Untitled story' left behind");

    // A draft with words in it: to the trash from the editor, and back from the list's Trash.
    await page.getByRole("button", { name: "New story" }).click();
    // The editor, not the list's "Search headlines" field, which a loose label match finds first.
    await page.getByRole("textbox", { name: "Story text" }).waitFor();
    await page.getByLabel("Headline", { exact: true }).fill("A draft for the trash");
    // Saved on the server (the autosave), not merely "saved" as a new story starts out.
    const onServer = async () =>
      page.evaluate(async () => {
        const r = await fetch("/api/admin/stories?q=A%20draft%20for%20the%20trash", {
          credentials: "same-origin",
        });
        return ((await r.json()) as { items: unknown[] }).items.length;
      });
    for (let i = 0; i < 400 && (await onServer()) === 0; i++) await page.waitForTimeout(50);
    assert.equal(await onServer(), 1, "the typed headline was saved");
    await saveStateIs(page, "All changes saved");
    await page.getByRole("button", { name: "Move to trash" }).click();
    await page.getByText(/This story is in the trash/).waitFor();
    assert.equal(await page.getByLabel("Headline", { exact: true }).getAttribute("readonly"), "");
    await page.getByRole("link", { name: "Stories" }).click();
    await page.getByLabel("Trash").check();
    await page.getByRole("button", { name: "Restore “A draft for the trash”" }).click();
    await page.getByText("The trash is empty.").waitFor();
    await page.getByLabel("Trash").uncheck();
    await page.getByRole("link", { name: "A draft for the trash" }).waitFor();
  });

  it("has no serious or critical axe-core violation on the newsroom screens", async () => {
    const check = async (page: Page, name: string) => {
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      assert.deepEqual(
        bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
        [],
        name,
      );
    };
    for (const scheme of ["light", "dark"] as const) {
      const context = await browser.newContext({
        colorScheme: scheme,
        viewport: { width: 1280, height: 900 },
      });
      contexts.push(context);
      const login = await context.newPage();
      await login.goto(`${base}/admin`);
      await login.getByRole("button", { name: "Sign in" }).waitFor();
      await check(login, `sign-in (${scheme})`);
      await login.getByLabel("Email").fill(ACCOUNTS.admin.email);
      await login.getByLabel("Password").fill(PASSWORD);
      await login.getByRole("button", { name: "Sign in" }).click();
      await login.getByRole("heading", { name: "Stories" }).waitFor();
      await login.locator("table.stories").waitFor();
      await check(login, `story list (${scheme})`);
      await openStory(login, headline);
      await login.locator(".nv-video").waitFor();
      await check(login, `editor (${scheme})`);
      await login.getByRole("link", { name: "Media" }).click();
      await login.getByRole("heading", { name: "Pictures" }).waitFor();
      await check(login, `media (${scheme})`);
      await login.getByRole("link", { name: "People" }).click();
      await login.getByRole("heading", { name: "Invite someone" }).waitFor();
      await check(login, `people (${scheme})`);
      await login.getByRole("link", { name: "Settings" }).click();
      await login.getByRole("heading", { name: "Sections" }).waitFor();
      await check(login, `settings (${scheme})`);
      await login.getByRole("link", { name: "Front pages" }).click();
      await login.locator(".front-preview li").first().waitFor();
      await check(login, `front pages (${scheme})`);
      await login.getByRole("link", { name: /^Notices/ }).click();
      await login.getByRole("heading", { name: "Notices" }).waitFor();
      await check(login, `notices (${scheme})`);
      const history = await context.newPage();
      await history.goto(`${base}${storyPath}/history`);
      await check(history, `public history (${scheme})`);
      await history.goto(`${base}/corrections`);
      await check(history, `corrections (${scheme})`);
    }
  });
});
