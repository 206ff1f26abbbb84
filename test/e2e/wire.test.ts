/**
 * The wire desk in a real Chromium against `gazette serve`: an item pushed
 * to a feed (signed with the feed's secret) appears in the wire queue; an
 * editor uses it as a draft and publishes it; the agency sends a newer
 * version and the story shows "The agency updated this item" with the
 * diff; the editor applies it and readers see the new text. axe-core on the
 * queue and on the update notice, light and dark.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { hashPassword } from "../../src/auth/passwords.ts";
import { openDatabase } from "../../src/store/database.ts";
import { createUser } from "../../src/store/user-store.ts";
import { launchChromium, newsroomPage, startServer, noSeriousViolations, closeRun } from "../browser.ts";
import { demoDataDir } from "../helpers.ts";

const PASSWORD = "wire desk end to end";
const SECRET = "e2e-wire-secret-0123456789abcdef";
const EDITOR = { email: "wanda@e2e.test", name: "Wanda Wire", role: "editor" as const };

let server: ChildProcess;
let base: string;
let browser: Browser;
let dataDir: string;
const contexts: BrowserContext[] = [];

function item(version: number, headline: string, second: string) {
  return {
    uri: "urn:e2e.agency:pier-lights",
    type: "text",
    version: String(version),
    versioncreated: new Date(Date.UTC(2026, 10, 28, 9 + version)).toISOString(),
    headline,
    byline: "E2E Agency staff",
    body_html: `<p>The lights on the north pier were switched back on on Saturday after a month of repairs.</p><p>${second}</p>`,
  };
}

async function push(body: unknown): Promise<void> {
  const text = JSON.stringify(body);
  const res = await fetch(`${base}/api/wire/push/e2e-agency`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-gazette-signature": `sha256=${crypto.createHmac("sha256", SECRET).update(text).digest("hex")}`,
    },
    body: text,
  });
  assert.equal(res.status, 202, await res.text());
}

before(async () => {
  dataDir = await demoDataDir();
  const db = await openDatabase({ dataDir });
  await createUser(db, { ...EDITOR, passwordHash: await hashPassword(PASSWORD) });
  await db.destroy();
  // The demo's config file, with a push feed the test knows the secret of.
  const configFile = path.join(dataDir, "gazette.config.json");
  const config = JSON.parse(fs.readFileSync(configFile, "utf8")) as Record<string, unknown>;
  config["wire"] = {
    feeds: [{ name: "E2E Agency", kind: "push", secret: SECRET, sectionSlug: "city", trusted: true }],
  };
  fs.writeFileSync(configFile, JSON.stringify(config));
  ({ server, base } = await startServer(dataDir, { GAZETTE_BASE_URL: "http://127.0.0.1" }));
  browser = await launchChromium();
});

after(async () => {
  await closeRun({ contexts, browser, server, dataDir });
});

function signedIn(colorScheme: "light" | "dark" = "light"): Promise<Page> {
  const options = { viewport: { width: 1280, height: 900 }, colorScheme };
  return newsroomPage(browser, base, { email: EDITOR.email, password: PASSWORD }, contexts, options);
}

describe("the wire desk, in Chromium", () => {
  it("a pushed item is used as a draft, published, updated by the agency and the update applied", async () => {
    await push(item(1, "North pier lights back on after repairs", "The harbour board paid for new cables."));
    await push({
      uri: "urn:e2e.agency:flash",
      type: "text",
      urgency: 1,
      versioncreated: "2026-11-28T09:30:00Z",
      headline: "FLASH: Harbour bridge closed",
      body_text: "The harbour bridge is closed to traffic, police said.",
    });
    const page = await signedIn();
    // The urgent item is announced wherever the editor is, until opened or set aside.
    const banner = page
      .getByRole("alert")
      .filter({ hasText: "Urgent from E2E Agency: “FLASH: Harbour bridge closed”" });
    await banner.waitFor();
    await noSeriousViolations(page, "story list with an urgent wire item announced (light)");
    await banner.getByRole("button", { name: "Dismiss" }).click();
    await banner.waitFor({ state: "detached" });
    await page.getByRole("link", { name: "Wire" }).click();
    const entry = page.getByRole("button", { name: "North pier lights back on after repairs" });
    await entry.waitFor();
    await entry.click();
    await page.getByRole("heading", { level: 2, name: "North pier lights back on after repairs" }).waitFor();
    await page.getByText("The harbour board paid for new cables.").waitFor();
    await noSeriousViolations(page, "wire queue with an item open (light)");

    await page.getByRole("button", { name: "Use as draft" }).click();
    await page.waitForURL(/\/admin\/stories\/\d+$/);
    assert.equal(
      await page.getByLabel("Headline", { exact: true }).inputValue(),
      "North pier lights back on after repairs",
    );
    await page.getByText(/From the wire: E2E Agency/).waitFor();
    await page.getByRole("button", { name: "Publish now" }).click();
    await page.getByText("Published. It is on the site now.").waitFor();
    const storyPath = (await page.getByRole("link", { name: "View on the site" }).getAttribute("href"))!;
    assert.match(storyPath, /^\/city\/2026\/11\/28\/north-pier-lights-back-on-after-repairs$/);

    // The agency sends version 2: the story says so, with what changed; nothing is overwritten.
    await push(
      item(
        2,
        "North pier lights back on after three-week repair",
        "The harbour board paid for new cables and lamps.",
      ),
    );
    await page.reload();
    const notice = page.getByRole("region", { name: "Agency update" });
    await notice.getByText("The agency updated this item").waitFor();
    assert.match((await notice.locator("ins").allTextContents()).join(" "), /three-week/);
    assert.match((await notice.locator("ins").allTextContents()).join(" "), /lamps/);
    assert.equal(
      await page.getByLabel("Headline", { exact: true }).inputValue(),
      "North pier lights back on after repairs",
    );
    await noSeriousViolations(page, "story with an agency update (light)");
    const dark = await signedIn("dark");
    await dark.goto(page.url());
    await dark.getByRole("region", { name: "Agency update" }).waitFor();
    await noSeriousViolations(dark, "story with an agency update (dark)");
    await dark.goto(`${base}/admin/wire`);
    await dark
      .getByRole("button", { name: /North pier lights/ })
      .first()
      .waitFor();
    await noSeriousViolations(dark, "wire queue (dark)");

    await notice.getByRole("button", { name: "Apply the update" }).click();
    await page.getByText("The agency's update is in the story.").waitFor();
    const headline = page.getByLabel("Headline", { exact: true });
    for (let i = 0; i < 150 && !(await headline.inputValue()).includes("three-week"); i++)
      await page.waitForTimeout(100);
    assert.equal(
      await page.getByLabel("Headline", { exact: true }).inputValue(),
      "North pier lights back on after three-week repair",
    );
    const site = await page.context().newPage();
    await site.goto(`${base}${storyPath}`);
    assert.equal(await site.locator("h1").textContent(), "North pier lights back on after three-week repair");
    assert.match(await site.locator("main").innerText(), /new cables and lamps/);
  });
});
