/**
 * Comments end to end in Chromium against `gazette serve` (with a real SMTP
 * server for the verification email): a reader signs up, comments, replies
 * and recommends; a banned word is refused with a clear message and the
 * text kept; a suspect comment waits; a moderator approves it in the
 * newsroom and the count on the article page goes up.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { SMTPServer } from "smtp-server";
import { hashPassword } from "../../src/auth/passwords.ts";
import { openDatabase } from "../../src/store/database.ts";
import { writePolicy } from "../../src/store/moderation-policy-store.ts";
import { createUser } from "../../src/store/user-store.ts";
import { launchChromium, startServer, closeRun } from "../browser.ts";
import { demoDataDir } from "../helpers.ts";

let server: ChildProcess;
let base: string;
let browser: Browser;
let dataDir: string;
let smtp: SMTPServer;
const inbox: string[] = [];
const contexts: BrowserContext[] = [];
let articlePath = "";
let ferryPath = "";
let startCount = 0;

before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, _s, cb) {
      let data = "";
      stream.on("data", (c: Buffer) => (data += c.toString()));
      stream.on("end", () => {
        inbox.push(data);
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", () => r()));
  const port = (smtp.server.address() as { port: number }).port;
  dataDir = await demoDataDir();
  const db = await openDatabase({ dataDir });
  await writePolicy(db, { newAccountHours: 0, bannedWords: ["dolt"], suspectWords: ["bribe"] });
  await createUser(db, {
    email: "mod@e2e.test",
    name: "Mona Moderator",
    role: "moderator",
    passwordHash: await hashPassword("moderating all day"),
  });
  // A long thread on the ferry story: 55 replies to its first comment.
  const ferry = await db
    .selectFrom("stories")
    .select(["id", "path"])
    .where("uri", "=", "urn:gazette:demo:ferry-jobs")
    .executeTakeFirstOrThrow();
  ferryPath = ferry.path;
  const first = await db
    .selectFrom("comments")
    .select(["id", "reader_id"])
    .where("story_id", "=", ferry.id)
    .orderBy("id")
    .executeTakeFirstOrThrow();
  for (let i = 1; i <= 55; i++)
    await db
      .insertInto("comments")
      .values({
        story_id: ferry.id,
        reader_id: first.reader_id,
        parent_id: first.id,
        depth: 1,
        body: `Crew memory ${i}.`,
        status: "approved",
        created_at: new Date().toISOString(),
      })
      .execute();
  await db.updateTable("comments").set({ reply_count: 55 }).where("id", "=", first.id).execute();
  await db
    .updateTable("stories")
    .set((eb) => ({ comment_count: eb("comment_count", "+", 55) }))
    .where("id", "=", ferry.id)
    .execute();
  await db.destroy();
  ({ server, base } = await startServer(dataDir, { GAZETTE_SMTP_URL: `smtp://127.0.0.1:${port}` }));
  const home = await (await fetch(`${base}/`)).text();
  articlePath = /href="(\/city\/\d{4}\/\d\d\/\d\d\/harbour-lift-bridge[^"]+)"/.exec(home)![1]!;
  browser = await launchChromium();
});

after(async () => {
  await closeRun({ contexts, browser, server, dataDir });
  await new Promise<void>((r) => smtp.close(() => r()));
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (e) => assert.fail(`page error: ${e.message}`));
  return page;
}

const status = (page: Page) => page.locator("#comments .comment-status");

describe("comments, in Chromium", () => {
  let reader: Page;

  it("a reader signs up from the article, confirms the email, comments, replies and recommends", async () => {
    reader = await newPage();
    await reader.goto(`${base}${articlePath}`);
    const countOf = async () =>
      Number(/(\d+) comments/.exec((await reader.locator(".comment-count").textContent())!)![1]);
    const start = await countOf();
    startCount = start;
    const threads = await reader.locator(".comment-list > li").count();
    await reader.locator("#comments").getByRole("link", { name: "create an account" }).click();
    await reader.getByLabel("Name shown with your comments").fill("Harbour Watcher");
    await reader.getByLabel("Email").fill("watcher@readers.example");
    await reader.getByLabel(/^Password/).fill("watching the harbour");
    await reader.getByRole("button", { name: "Create account" }).click();
    await reader.getByRole("heading", { name: "Check your email" }).waitFor();
    for (let i = 0; i < 50 && !inbox.length; i++) await new Promise((r) => setTimeout(r, 50));
    const link = /\/account\/verify\/[\w-]+/.exec(inbox.join("").replace(/=\r?\n/g, ""))![0];
    await reader.goto(`${base}${link}`);
    await reader.getByRole("heading", { name: "Email confirmed" }).waitFor();

    await reader.goto(`${base}${articlePath}`);
    await reader.locator(".comment-hint").filter({ hasText: "Commenting as Harbour Watcher" }).waitFor();
    await reader.getByLabel("Your comment").fill("The night lifts are a sensible compromise.");
    await reader.getByRole("button", { name: "Post comment" }).click();
    await status(reader).filter({ hasText: "Your comment is published." }).waitFor();
    assert.equal(await reader.locator(".comment-list > li").count(), threads + 1, "shown without a reload");

    await reader.reload();
    const mine = reader
      .locator(".comment-list > li")
      .filter({ hasText: "The night lifts are a sensible compromise." });
    await mine.getByRole("link", { name: "Reply" }).first().click();
    await reader.getByLabel("Your reply").fill("Though shipping firms may disagree.");
    await reader.getByRole("button", { name: "Post reply" }).click();
    await status(reader).filter({ hasText: "Your comment is published." }).waitFor();
    assert.equal(await mine.locator(".comment-replies > li").count(), 1);

    await reader
      .getByRole("button", { name: /Recommend this comment by Harbour Watcher/ })
      .first()
      .click();
    await mine.locator(".reaction-count").filter({ hasText: "1" }).first().waitFor();
    await reader.reload();
    assert.equal(await countOf(), start + 2);
  });

  it("refuses a banned word with a clear message and keeps the text; holds a suspect comment", async () => {
    await reader.getByLabel("Your comment").fill("Whoever planned the pits was a dolt.");
    await reader.getByRole("button", { name: "Post comment" }).click();
    await status(reader).filter({ hasText: "“dolt”" }).waitFor();
    assert.match((await status(reader).textContent())!, /community rules do not allow/);
    assert.equal(
      await reader.getByLabel("Your comment").inputValue(),
      "Whoever planned the pits was a dolt.",
      "nothing typed is lost",
    );

    await reader.getByLabel("Your comment").fill("Was there a bribe behind the corrosion survey?");
    await reader.getByRole("button", { name: "Post comment" }).click();
    await status(reader).filter({ hasText: "waiting for a moderator" }).waitFor();
  });

  it("a moderator approves the held comment in the newsroom, and the count goes up", async () => {
    const mod = await newPage();
    await mod.goto(`${base}/admin`);
    await mod.getByLabel("Email").fill("mod@e2e.test");
    await mod.getByLabel("Password").fill("moderating all day");
    await mod.getByRole("button", { name: "Sign in" }).click();
    await mod.getByRole("heading", { name: "Comments" }).waitFor();
    const item = mod.locator(".queue-item").filter({ hasText: "bribe behind the corrosion survey" });
    await item.waitFor();
    assert.match((await item.textContent())!, /suspect words: bribe/);
    const results = await new AxeBuilder({ page: mod }).analyze();
    assert.deepEqual(
      results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id),
      [],
      "moderation screen",
    );
    await mod.keyboard.press("a");
    await mod.getByText("Approved the comment by Harbour Watcher.").waitFor();

    await reader.goto(`${base}${articlePath}`);
    const now = Number(/(\d+) comments/.exec((await reader.locator(".comment-count").textContent())!)![1]);
    assert.equal(now, startCount + 3);
    assert.match((await reader.locator("#comments").textContent())!, /bribe behind the corrosion survey/);
    const page = await new AxeBuilder({ page: reader }).analyze();
    assert.deepEqual(
      page.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id} ${v.nodes.map((n) => n.target.join(" ")).join(",")}`),
      [],
      "article with comments",
    );
  });

  it("shows a thread's first replies, and the rest in place (with the script) or on the comment's page (without)", async () => {
    await reader.goto(`${base}${articlePath}?sort=oldest`);
    const thread = reader
      .locator(".comment-list > li")
      .filter({ hasText: "A protected lane each way is the real news here." });
    assert.equal(await thread.locator(":scope > ol.comment-replies > li").count(), 3);
    await thread.getByRole("link", { name: "Show 1 more reply" }).click();
    await thread.getByText("counted forty-one bikes").waitFor();
    assert.equal(await thread.locator(":scope > ol.comment-replies > li").count(), 4, "no reply twice");
    assert.equal(await thread.getByRole("link", { name: "Show 1 more reply" }).count(), 0);
    await status(reader).filter({ hasText: "1 more reply shown." }).waitFor();

    // 55 replies: 50 from the comment's page, then the last 5 behind "More replies".
    await reader.goto(`${base}${ferryPath}`);
    const long = reader.locator(".comment-list > li").filter({ hasText: "Eleven permanent posts" });
    await long.getByRole("link", { name: "Show 52 more replies" }).click();
    await status(reader).filter({ hasText: "47 more replies shown." }).waitFor();
    await long.getByRole("link", { name: "More replies" }).click();
    await status(reader).filter({ hasText: "5 more replies shown." }).waitFor();
    assert.equal(await long.locator(":scope > ol.comment-replies > li").count(), 55);
    assert.equal(await long.getByRole("link", { name: "More replies" }).count(), 0);

    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
    });
    contexts.push(context);
    const plain = await context.newPage();
    await plain.goto(`${base}${articlePath}?sort=oldest`);
    await plain.getByRole("link", { name: "Show 1 more reply" }).click();
    await plain.getByRole("heading", { name: "Comment by CycleCommuter" }).waitFor();
    const replies = plain.locator(".comment-list > li > ol.comment-replies > li");
    assert.equal(await replies.count(), 4);
    await plain.getByText("trailers will be a squeeze").waitFor();
    // axe runs in the page, so it checks the same page in the script-enabled context.
    await reader.goto(plain.url());
    const results = await new AxeBuilder({ page: reader }).analyze();
    assert.deepEqual(
      results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id),
      [],
      "a comment's page",
    );
  });
});
