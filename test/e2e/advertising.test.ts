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
import type { Browser } from "playwright-core";
import { openDatabase } from "../../src/store/database.ts";
import type { Db } from "../../src/store/database.ts";
import { saveAdvertiser, saveCampaign, saveCreative } from "../../src/store/ad-store.ts";
import { campaignInput } from "../../src/store/ad-store.ts";
import { storyByUri } from "../../src/store/story-store.ts";
import { launchChromium, startServer } from "../browser.ts";
import { demoDataDir, eventually } from "../helpers.ts";

let server: ChildProcess;
let base: string;
let browser: Browser;
let dataDir: string;
let db: Db;
let storyPath: string;

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
    await page.addInitScript(() => {
      const w = window as unknown as { cls: number };
      w.cls = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as (PerformanceEntry & {
          value: number;
          hadRecentInput: boolean;
        })[])
          if (!e.hadRecentInput) w.cls += e.value;
      }).observe({ type: "layout-shift", buffered: true });
    });
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
