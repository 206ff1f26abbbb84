/**
 * The paywall in Chromium against `gazette serve` with its page cache: a
 * visitor reads the free stories the meter allows, meets the gate (whose
 * page holds no more than the preview), creates an account from it and
 * reads on; axe-core on the gate and on the account page.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { type SmtpSink, startSmtpSink } from "../smtp-sink.ts";
import { blockText } from "../../src/content/text.ts";
import { openDatabase } from "../../src/store/database.ts";
import { contentOf, saveStory, storyByUri } from "../../src/store/story-store.ts";
import { launchChromium, newsroomPage, startServer, closeRun } from "../browser.ts";
import { hashPassword } from "../../src/auth/passwords.ts";
import { createUser } from "../../src/store/user-store.ts";

const ADMIN = { email: "admin@e2e.test", password: "running the paper", name: "Ada Admin" };
import { demoDataDir } from "../helpers.ts";

let server: ChildProcess;
let base: string;
let browser: Browser;
let dataDir: string;
const contexts: BrowserContext[] = [];
let smtp: SmtpSink;
const gated: { path: string; headline: string; last: string }[] = [];

before(async () => {
  smtp = await startSmtpSink();
  dataDir = await demoDataDir();
  const configFile = path.join(dataDir, "gazette.config.json");
  const config = JSON.parse(fs.readFileSync(configFile, "utf8")) as Record<string, unknown>;
  config["memberships"] = { meter: { anonymous: 2, registered: 10 }, previewParagraphs: 2 };
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const db = await openDatabase({ dataDir });
  for (const key of ["bridge", "budget", "seagrass"]) {
    const s = (await storyByUri(db, `urn:gazette:demo:${key}`))!;
    await saveStory(
      db,
      { ...contentOf(s), access: { level: "registered", plans: [] }, status: "published" },
      { id: s.id },
    );
    const paragraphs = s.body.filter((b) => b.type === "paragraph").map(blockText);
    gated.push({ path: s.path, headline: s.headline, last: paragraphs.at(-1)! });
  }
  await createUser(db, {
    email: ADMIN.email,
    name: ADMIN.name,
    role: "admin",
    passwordHash: await hashPassword(ADMIN.password),
  });
  await db.destroy();
  ({ server, base } = await startServer(dataDir, { GAZETTE_SMTP_URL: smtp.url }));
  browser = await launchChromium();
});

after(async () => {
  await closeRun({ contexts, browser, server, dataDir });
  await smtp?.close();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (e) => assert.fail(`page error: ${e.message}`));
  return page;
}

async function seriousViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(
    results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id),
    [],
    what,
  );
}

describe("the paywall, in Chromium", () => {
  it("a visitor runs out of free stories, creates an account at the gate and reads on", async () => {
    const reader = await newPage();
    await reader.goto(`${base}${gated[0]!.path}`);
    await reader.getByText("1 free story left this month.").waitFor();
    assert.ok(await reader.getByText(gated[0]!.last).isVisible(), "read in full");
    await reader.goto(`${base}${gated[1]!.path}`);
    await reader.getByText("This was your last free story this month.").waitFor();

    // The third: the gate, server-rendered; the rest of the story is not in the page at all.
    const response = await reader.goto(`${base}${gated[2]!.path}`);
    const html = await response!.text();
    assert.ok(!html.includes(gated[2]!.last.slice(0, 60)), "the gated text is not in the HTML");
    await reader.getByRole("heading", { name: "Create a free account to read on" }).waitFor();
    assert.match((await reader.locator(".paywall").textContent())!, /You have read your 2 free stories/);
    await seriousViolations(reader, "the gate");

    await reader.locator(".paywall").getByRole("link", { name: "Create a free account" }).click();
    await reader.getByLabel("Name shown with your comments").fill("Quay Reader");
    await reader.getByLabel("Email").fill("quay.reader@readers.example");
    await reader.getByLabel(/^Password/).fill("reading on the quay");
    await reader.getByRole("button", { name: "Create account" }).click();
    await reader.getByRole("heading", { name: "Check your email" }).waitFor();
    await reader.getByText("quay.reader@readers.example").first().waitFor();
    const link = await (async () => {
      for (let i = 0; i < 400; i++) {
        const m = /\/account\/verify\/[\w-]+/.exec(
          smtp.received
            .map((m) => m.raw)
            .join("")
            .replace(/=\r?\n/g, ""),
        );
        if (m) return m[0];
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("no confirmation email arrived");
    })();
    await reader.goto(`${base}${link}`);
    await reader.getByRole("heading", { name: "Email confirmed" }).waitFor();

    // Signed in: the same story, in full, without a meter.
    await reader.goto(`${base}${gated[2]!.path}`);
    await reader.getByText(gated[2]!.last).waitFor();
    assert.equal(await reader.locator(".paywall").count(), 0);
    assert.equal(await reader.locator(".meter-notice").count(), 0);

    await reader.goto(`${base}/account`);
    await reader.getByRole("heading", { name: "Subscription" }).waitFor();
    await seriousViolations(reader, "the account page");
    await reader.emulateMedia({ colorScheme: "dark" });
    await reader.goto(`${base}${gated[2]!.path}`);
    await seriousViolations(reader, "the full story, dark");
  });

  it("an admin finds the new reader among the members and gives them access; axe-core on the members page", async () => {
    const admin = await newsroomPage(browser, base, ADMIN, contexts);
    await admin.getByRole("link", { name: "Members" }).click();
    await admin.getByRole("heading", { name: "Members" }).waitFor();
    await admin.getByLabel("Email or name").fill("quay.reader");
    await admin.getByRole("button", { name: "Search" }).click();
    const row = admin.locator(".member-list tbody tr").filter({ hasText: "quay.reader@readers.example" });
    await row.waitFor();
    assert.match((await row.textContent())!, /Free account/);
    await seriousViolations(admin, "the members page");
    await row.locator("summary", { hasText: "Give access" }).click();
    await row.getByLabel("Kind").selectOption("partner");
    await row.getByLabel("Note").fill("Harbour board press pass");
    await row.getByRole("button", { name: "Give access" }).click();
    await admin.getByText("Gave quay.reader@readers.example access.").waitFor();
    await row.getByText(/partner, Every plan/).waitFor();
  });
});
