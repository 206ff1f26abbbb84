/**
 * Importing an archive from the newsroom, in a real Chromium against
 * `gazette serve`: an admin opens Import, is told to choose a file when
 * there is none, uploads a Ghost export, follows the run to Done, reads the
 * counts, what is unresolved and every item, and opens an imported story on
 * the site. axe-core on the form and on the report, light and dark.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext } from "playwright-core";
import { hashPassword } from "../../src/auth/passwords.ts";
import { openDatabase } from "../../src/store/database.ts";
import { createUser } from "../../src/store/user-store.ts";
import { launchChromium, newsroomPage, startServer, noSeriousViolations, closeRun } from "../browser.ts";
import { ROOT, demoDataDir } from "../helpers.ts";

const PASSWORD = "imports end to end";
const ADMIN = { email: "ines@e2e.test", name: "Ines Import", role: "admin" as const };
const EXPORT = path.join(ROOT, "test", "fixtures", "ghost", "tideline-5.json");

let server: ChildProcess;
let base: string;
let browser: Browser;
let dataDir: string;
const contexts: BrowserContext[] = [];

before(async () => {
  dataDir = await demoDataDir();
  const db = await openDatabase({ dataDir });
  await createUser(db, { ...ADMIN, passwordHash: await hashPassword(PASSWORD) });
  await db.destroy();
  ({ server, base } = await startServer(dataDir, { GAZETTE_BASE_URL: "http://127.0.0.1" }));
  browser = await launchChromium();
});

after(async () => {
  await closeRun({ contexts, browser, server, dataDir });
});

describe("importing from the newsroom, in Chromium", () => {
  it("an admin uploads a Ghost export, follows it to the end and reads its report", async () => {
    const page = await newsroomPage(browser, base, { email: ADMIN.email, password: PASSWORD }, contexts, {
      viewport: { width: 1280, height: 900 },
    });
    await page.getByRole("link", { name: "Import" }).click();
    await page.getByRole("heading", { level: 1, name: "Import an archive" }).waitFor();
    await page.getByText("No import yet.").waitFor();
    await noSeriousViolations(page, "the import form (light)");

    // Without a file: told so, at the field.
    await page.getByRole("button", { name: "Start import" }).click();
    await page.getByText("Choose the export file to import.").waitFor();

    await page.getByLabel("Export file").setInputFiles(EXPORT);
    // The pictures of this export are not online anywhere: not downloaded.
    await page.getByLabel(/Download pictures from the old site/).uncheck();
    await page.getByRole("button", { name: "Start import" }).click();
    await page.waitForURL(/\/admin\/imports\/\d+$/);
    await page.getByRole("heading", { level: 1, name: "Ghost import: tideline-5.json" }).waitFor();
    await page.locator(".status", { hasText: "Done" }).waitFor();
    const created = Number(
      await page.locator(".import-counts div", { hasText: "created" }).locator("dd").innerText(),
    );
    assert.ok(created >= 2, `created ${created}`);
    await page.getByRole("heading", { name: /^Unresolved \(\d+\)$/ }).waitFor();
    await noSeriousViolations(page, "an import's report (light)");

    // Every item, with a link to what it became on the site.
    await page.getByLabel("Show").selectOption("all");
    const story = page.getByRole("link", { name: "Pier reopens after storm repairs" });
    await story.waitFor();
    const href = (await story.getAttribute("href"))!;
    assert.match(href, /^\/[a-z0-9-]+\/\d{4}\/\d{2}\/\d{2}\/pier-reopens$/);

    // The list of imports shows it, with who started it.
    await page.getByRole("link", { name: "← All imports" }).click();
    const row = page.getByRole("row", { name: /tideline-5\.json/ });
    await row.waitFor();
    assert.match(await row.innerText(), /Ines Import[\s\S]*Done[\s\S]*\d+ created/);

    // Dark: the report again.
    await page.emulateMedia({ colorScheme: "dark" });
    await row.getByRole("link", { name: "tideline-5.json" }).click();
    await page.locator(".status", { hasText: "Done" }).waitFor();
    await noSeriousViolations(page, "an import's report (dark)");

    // Readers see the story.
    const reader = await page.context().newPage();
    const res = await reader.goto(`${base}${href}`);
    assert.equal(res?.status(), 200);
    await reader.getByRole("heading", { level: 1, name: "Pier reopens after storm repairs" }).waitFor();
  });
});
