/**
 * Direct-sold ads in Chromium against `gazette serve`: an ad in view (half
 * of it, one second) counts one viewable impression; an ad scrolled past
 * quickly counts none; the page does not shift; a click goes through our
 * origin to the advertiser's page.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { openDatabase } from "../../src/store/database.ts";
import type { Db } from "../../src/store/database.ts";
import { saveAdvertiser, saveCampaign, saveCreative } from "../../src/store/ad-store.ts";
import { campaignInput } from "../../src/store/ad-store.ts";
import { storyByUri } from "../../src/store/story-store.ts";
import { launchChromium, newsroomPage, startServer } from "../browser.ts";
import { hashPassword } from "../../src/auth/passwords.ts";
import { createUser } from "../../src/store/user-store.ts";
import { demoDataDir, eventually } from "../helpers.ts";
import { TEST_AD_SERVER } from "../ad-fixtures.ts";

let server: ChildProcess;
let base: string;
let browser: Browser;
let dataDir: string;
let db: Db;
let storyPath: string;
const ADMIN = { email: "ads-admin@e2e.test", password: "selling the space", name: "Ada Admin" };

/** The advertiser's site: a local server standing in for it (there is no network here). */
const landings: string[] = [];
let advertiserSite: { origin: string; server: http.Server };

before(async () => {
  const landing = http.createServer((req, res) => {
    landings.push(req.url ?? "");
    res
      .writeHead(200, { "content-type": "text/html" })
      .end("<!doctype html><title>Ferries</title><p>Timetable");
  });
  await new Promise<void>((r) => landing.listen(0, "127.0.0.1", r));
  advertiserSite = { origin: `http://127.0.0.1:${(landing.address() as AddressInfo).port}`, server: landing };
  dataDir = await demoDataDir();
  const configFile = path.join(dataDir, "gazette.config.json");
  const config = JSON.parse(fs.readFileSync(configFile, "utf8")) as Record<string, unknown>;
  // Counts reach the database a fifth of a second after they are made.
  config["advertising"] = { flushMs: 200 };
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  db = await openDatabase({ dataDir });
  storyPath = (await storyByUri(db, "urn:gazette:demo:bridge"))!.path;
  const advertiser = await saveAdvertiser(db, { name: "Ellery Harbour Ferries", contactEmail: null });
  const campaign = await saveCampaign(
    db,
    campaignInput.parse({
      advertiserId: advertiser.id,
      name: "Winter timetable",
      status: "active",
      startsAt: new Date(Date.now() - 86_400_000).toISOString(),
    }),
  );
  // Five creatives, so that each slot on the page shows one of its own.
  for (let i = 1; i <= 5; i++)
    await saveCreative(db, campaign.id, {
      kind: "text",
      name: `Ferry ${i}`,
      href: `${advertiserSite.origin}/timetable/${i}`,
      weight: 1,
      headline: `Ferry ad ${i}`,
      body: "Quay Street to North Shore every fifteen minutes.",
      cta: "See the timetable",
      active: true,
    });
  await createUser(db, {
    email: ADMIN.email,
    name: ADMIN.name,
    role: "admin",
    passwordHash: await hashPassword(ADMIN.password),
  });
  ({ server, base } = await startServer(dataDir));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  await db?.destroy();
  advertiserSite?.server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Sums the page's layout shifts (CLS) into `window.cls` from its first paint. */
async function watchLayoutShifts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { cls: number };
    w.cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[])
        if (!e.hadRecentInput) w.cls += e.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
}

const viewable = async (creativeId: number): Promise<number> => {
  const r = await db
    .selectFrom("ad_stats")
    .select((eb) => eb.fn.sum<number | string>("viewable").as("n"))
    .where("creative_id", "=", creativeId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
};

describe("advertising in the browser", () => {
  it("counts an ad seen for a second, not one scrolled past, and never shifts the page", async () => {
    // A phone's screen: one slot in view at a time. Headless Chromium names itself in its
    // User-Agent and is (rightly) not counted: the reader here is an ordinary phone browser.
    const context = await browser.newContext({
      viewport: { width: 390, height: 640 },
      userAgent:
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
    });
    const page = await context.newPage();
    page.on("pageerror", (e) => assert.fail(`page error: ${e.message}`));
    await watchLayoutShifts(page);
    await page.goto(`${base}${storyPath}`);
    const creativeIn = async (slot: string) =>
      Number(await page.locator(`[data-ad-slot="${slot}"]`).getAttribute("data-ad-creative"));
    const top = await creativeIn("story-top");
    const first = await creativeIn("story-body-1");
    const second = await creativeIn("story-body-2");
    assert.equal(new Set([top, first, second]).size, 3, "each slot has a creative of its own");

    // The top slot is in view as the page opens: one viewable impression.
    await eventually("the top ad counts as viewed", async () => (await viewable(top)) === 1);

    // Past the first body slot in two frames, then the second body slot, which stays in view.
    await page.evaluate(async () => {
      document.querySelector('[data-ad-slot="story-body-1"]')!.scrollIntoView({ block: "center" });
      await new Promise((r) => requestAnimationFrame(r));
      await new Promise((r) => requestAnimationFrame(r));
      document.querySelector('[data-ad-slot="story-body-2"]')!.scrollIntoView({ block: "center" });
    });
    await eventually("the second body ad counts as viewed", async () => (await viewable(second)) === 1);
    assert.equal(await viewable(first), 0, "the ad scrolled past in two frames is not a viewable impression");
    assert.equal(await viewable(top), 1, "an ad counts once a page view");
    assert.equal(await page.evaluate(() => (window as unknown as { cls: number }).cls), 0, "no layout shift");

    // A click goes through our origin (counted) to the advertiser's own page.
    await page.locator('[data-ad-slot="story-body-2"] a').click();
    await page.waitForURL(/\/timetable\/\d$/);
    assert.equal(new URL(page.url()).origin, advertiserSite.origin, "the advertiser's own page");
    assert.equal(landings.length, 1);
    await context.close();
  });
});

describe("the newsroom's Advertising page", () => {
  it("lists each campaign's delivery, pauses one, and passes axe", async () => {
    const contexts: BrowserContext[] = [];
    const page = await newsroomPage(browser, base, ADMIN, contexts);
    await page.getByRole("link", { name: "Advertising" }).click();
    await page.getByRole("heading", { name: "Advertising", level: 1 }).waitFor();
    const row = page.getByRole("row", { name: /Winter timetable/ });
    await row.waitFor();
    // The e2e test above counted viewable impressions of this campaign: its row shows them.
    await row
      .getByText(/\d+(\.\d)? %/)
      .first()
      .waitFor();
    const axe = await new AxeBuilder({ page }).analyze();
    assert.deepEqual(
      axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
      [],
    );
    await row.getByRole("button", { name: "Pause" }).click();
    await page.getByRole("status").getByText("Winter timetable: paused.").waitFor();
    await row.getByRole("button", { name: "Resume" }).waitFor();
    for (const c of contexts) await c.close();
  });
});

/**
 * A stand-in for Google's GPT (there is no network here): the googletag API
 * the tag uses, recording its calls; it fills the top slot and leaves the
 * others empty, announcing each with slotRenderEnded as GPT does.
 */
const GPT_STAND_IN = `
(() => {
  const calls = (window.gptCalls = []);
  const listeners = [];
  const slots = [];
  const pubads = {
    enableLazyLoad: (o) => calls.push(["enableLazyLoad", o]),
    setPrivacySettings: (o) => calls.push(["setPrivacySettings", o]),
    addEventListener: (name, cb) => listeners.push(cb),
  };
  const existing = (window.googletag && window.googletag.cmd) || [];
  const gt = {
    cmd: { push: (f) => f() },
    pubads: () => pubads,
    defineSlot: (unit, sizes, id) => {
      calls.push(["defineSlot", unit, sizes, id]);
      const slot = { getSlotElementId: () => id, addService: () => slot, unit };
      slots.push(slot);
      return slot;
    },
    enableServices: () => calls.push(["enableServices"]),
    display: (id) => {
      calls.push(["display", id]);
      const slot = slots.find((s) => s.getSlotElementId() === id);
      const filled = slot.unit.endsWith("/top");
      if (filled) {
        const ad = document.createElement("div");
        ad.style.width = "320px";
        ad.style.height = "50px";
        ad.textContent = "Ad Manager ad";
        document.getElementById(id).appendChild(ad);
      }
      for (const cb of listeners) cb({ slot, isEmpty: !filled });
    },
  };
  window.googletag = gt;
  for (const f of existing) f();
})();
`;

const GPT_URL = "https://securepubads.g.doubleclick.net/tag/js/gpt.js";

describe("an ad server's tag, after consent", () => {
  let tagServer: ChildProcess;
  let tagBase: string;
  let tagDir: string;
  before(async () => {
    tagDir = await demoDataDir();
    const configFile = path.join(tagDir, "gazette.config.json");
    const config = JSON.parse(fs.readFileSync(configFile, "utf8")) as Record<string, unknown>;
    config["advertising"] = { adServer: TEST_AD_SERVER };
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
    ({ server: tagServer, base: tagBase } = await startServer(tagDir));
  });
  after(() => {
    tagServer?.kill("SIGTERM");
    fs.rmSync(tagDir, { recursive: true, force: true });
  });

  async function open(): Promise<{ page: Page; gptRequests: string[]; context: BrowserContext }> {
    const context = await browser.newContext({ viewport: { width: 390, height: 740 } });
    const page = await context.newPage();
    page.on("pageerror", (e) => assert.fail(`page error: ${e.message}`));
    const gptRequests: string[] = [];
    await context.route(GPT_URL, (route) => {
      gptRequests.push(route.request().url());
      return route.fulfill({ status: 200, contentType: "text/javascript", body: GPT_STAND_IN });
    });
    await watchLayoutShifts(page);
    await page.goto(`${tagBase}${storyPath}`);
    return { page, gptRequests, context };
  }

  it("loads no tag until the reader accepts; Reject keeps it out, on this page and the next", async () => {
    const { page, gptRequests, context } = await open();
    const notice = page.getByRole("region", { name: "Advertising and your privacy" });
    await notice.waitFor();
    const accept = notice.getByRole("button", { name: "Accept" });
    const reject = notice.getByRole("button", { name: "Reject" });
    // No dark pattern: the two choices look the same.
    const look = (b: typeof accept) =>
      b.evaluate((el) => {
        const s = getComputedStyle(el);
        return [s.fontSize, s.fontWeight, s.backgroundColor, s.color, s.borderTopWidth, s.paddingTop].join(
          " ",
        );
      });
    assert.equal(await look(accept), await look(reject));
    const axe = await new AxeBuilder({ page }).include(".consent").analyze();
    assert.deepEqual(
      axe.violations.map((v) => `${v.id}: ${v.help}`),
      [],
    );
    assert.equal(gptRequests.length, 0, "no third-party script before a choice");
    await reject.click();
    await notice.waitFor({ state: "detached" });
    await page.reload();
    await page.locator(".site-footer").waitFor();
    assert.equal(await page.locator(".consent").count(), 0, "the choice is kept");
    assert.equal(gptRequests.length, 0, "Reject keeps the tag out");
    // The house ads are still there, in their reserved boxes.
    assert.ok((await page.locator(".ad .house-ad").count()) > 0);
    await context.close();
  });

  it("after Accept defines the slots, fills what the ad server fills, keeps house ads where it does not, and nothing moves", async () => {
    const { page, gptRequests, context } = await open();
    await page.getByRole("button", { name: "Accept" }).click();
    await page.waitForFunction(() =>
      (window as unknown as { gptCalls?: unknown[] }).gptCalls?.some(
        (c) => (c as string[])[0] === "enableServices",
      ),
    );
    assert.equal(gptRequests.length, 1);
    const calls = (await page.evaluate(() => (window as unknown as { gptCalls: unknown[] }).gptCalls)) as [
      string,
      ...unknown[],
    ][];
    const defined = calls.filter((c) => c[0] === "defineSlot");
    assert.deepEqual(defined[0], [
      "defineSlot",
      "/1234/gazette/top",
      [
        [728, 90],
        [320, 100],
      ],
      "gpt-story-top",
    ]);
    assert.ok(
      defined.some((c) => c[1] === "/1234/gazette/body"),
      "body slots too",
    );
    assert.ok(
      calls.some((c) => c[0] === "enableLazyLoad"),
      "slots below the fold load lazily",
    );
    await page.locator('[data-ad-slot="story-top"].ad--served').waitFor();
    assert.equal(
      await page.locator('[data-ad-slot="story-top"] .ad-creative').isVisible(),
      false,
      "the filled slot shows the ad server's ad",
    );
    assert.equal(
      await page.locator('[data-ad-slot="story-body-1"] .house-ad').isVisible(),
      true,
      "an empty slot keeps its house ad",
    );
    const cls = await page.evaluate(() => (window as unknown as { cls: number }).cls);
    assert.equal(cls, 0, "no layout shift whether a slot fills or not");
    await context.close();
  });
});

describe("an ad server's tag behind an IAB TCF v2.2 consent platform", () => {
  let cmpServer: ChildProcess;
  let cmpBase: string;
  let cmpDir: string;
  const CMP_URL = "https://cmp.example/tcf.js";
  before(async () => {
    cmpDir = await demoDataDir();
    const configFile = path.join(cmpDir, "gazette.config.json");
    const config = JSON.parse(fs.readFileSync(configFile, "utf8")) as Record<string, unknown>;
    config["advertising"] = { adServer: TEST_AD_SERVER, consent: { required: true, cmpScriptUrl: CMP_URL } };
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
    ({ server: cmpServer, base: cmpBase } = await startServer(cmpDir));
  });
  after(() => {
    cmpServer?.kill("SIGTERM");
    fs.rmSync(cmpDir, { recursive: true, force: true });
  });

  /** A stand-in CMP: answers __tcfapi's addEventListener with the given purpose consents. */
  const cmp = (consents: Record<number, boolean>) =>
    `window.__tcfapi = (cmd, version, cb) => { if (cmd === "addEventListener") { cb({ gdprApplies: true, eventStatus: "tcloaded", purpose: { consents: ${JSON.stringify(consents)} } }, true); window.tcfAnswered = true; } };`;

  for (const [what, consents, loads] of [
    [
      "loads the tag when the CMP signals consent to purposes 1, 3 and 4",
      { 1: true, 3: true, 4: true },
      true,
    ],
    [
      "keeps it out when the CMP signals no consent to personalised ads",
      { 1: true, 3: false, 4: false },
      false,
    ],
  ] as const) {
    it(what, async () => {
      const context = await browser.newContext({ viewport: { width: 390, height: 740 } });
      const page = await context.newPage();
      page.on("pageerror", (e) => assert.fail(`page error: ${e.message}`));
      const asked: string[] = [];
      await context.route(CMP_URL, (route) => {
        asked.push("cmp");
        return route.fulfill({ status: 200, contentType: "text/javascript", body: cmp(consents) });
      });
      await context.route(GPT_URL, (route) => {
        asked.push("gpt");
        return route.fulfill({ status: 200, contentType: "text/javascript", body: GPT_STAND_IN });
      });
      await page.goto(`${cmpBase}${storyPath}`);
      // The page asked the CMP, and had its answer (the tag, if any, is added in that callback).
      await page.waitForFunction(() => (window as unknown as { tcfAnswered?: boolean }).tcfAnswered === true);
      // Gazette's own notice is not shown: the CMP asks.
      assert.equal(await page.locator(".consent").count(), 0);
      if (loads) {
        await page.locator('[data-ad-slot="story-top"].ad--served').waitFor();
        assert.deepEqual(asked, ["cmp", "gpt"]);
      } else {
        assert.equal(await page.locator('script[src*="securepubads"]').count(), 0, "no tag was added");
        assert.deepEqual(asked, ["cmp"]);
        assert.equal(await page.locator(".ad--served").count(), 0);
      }
      await context.close();
    });
  }
});
