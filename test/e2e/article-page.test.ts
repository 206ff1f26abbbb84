/**
 * End to end in a real Chromium (@sparticuz/chromium driven by
 * playwright-core) against `gazette serve` on the seeded demo newsroom:
 * the fullest article page's elements, axe-core, and cumulative layout shift.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import { after, before, describe, it } from "node:test";
import { AxeBuilder } from "@axe-core/playwright";
import type { Browser } from "playwright-core";
import { launchChromium, startServer } from "../browser.ts";
import { demoDataDir } from "../helpers.ts";

let server: ChildProcess;
let base: string;
let browser: Browser;
let dataDir: string;
let articlePath: string;

before(async () => {
  dataDir = await demoDataDir();
  ({ server, base } = await startServer(dataDir));
  const home = await (await fetch(`${base}/`)).text();
  articlePath = /href="(\/city\/\d{4}\/\d\d\/\d\d\/harbour-lift-bridge[^"]+)"/.exec(home)![1]!;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function open(path: string, width = 1280, javaScriptEnabled = true) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled });
  const page = await context.newPage();
  // Record every layout shift from the first paint on.
  await page.addInitScript(() => {
    (window as unknown as { __cls: number }).__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) {
        if (!e.hadRecentInput) (window as unknown as { __cls: number }).__cls += e.value;
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
  const res = await page.goto(`${base}${path}`, { waitUntil: "load" });
  return { context, page, status: res?.status() };
}

describe("the fullest demo article, in Chromium", () => {
  it("shows every element of the reference page", async () => {
    const { context, page, status } = await open(articlePath);
    assert.equal(status, 200);
    assert.equal(await page.locator("h1").count(), 1);
    assert.match((await page.locator("h1").textContent()) ?? "", /Harbour lift bridge to reopen/);
    assert.equal(await page.locator(".kicker a").first().textContent(), "City");
    assert.equal(await page.locator("ul.summary li").count(), 2);
    assert.match((await page.locator(".byline").textContent()) ?? "", /By Ines Carvalho and Tomas Whitlow/);
    assert.equal(await page.locator(".dates time").count(), 2);
    assert.match((await page.locator(".reading-time").textContent()) ?? "", /^\d+ min read$/);
    assert.equal(await page.getByRole("link", { name: "Why you can trust The Gazette Daily" }).count(), 1);
    const hero = page.locator("figure.hero img");
    assert.ok(((await hero.getAttribute("alt")) ?? "").length > 20);
    assert.match(
      (await page.locator("figure.hero figcaption").textContent()) ?? "",
      /Photo: Mara Lindqvist \/ Gazette Wire/,
    );
    const heroLoaded = await hero.evaluate(
      (img: HTMLImageElement) =>
        img.complete && img.naturalWidth > 0 && /\.(avif|webp|jpg)$/.test(img.currentSrc),
    );
    assert.ok(heroLoaded, "the browser chose and loaded a rendition");
    assert.ok((await page.getByRole("complementary", { name: "Advertisement" }).count()) >= 3);
    const video = page.locator("figure.video video");
    assert.equal(await video.getAttribute("preload"), "none");
    assert.ok(await video.getAttribute("poster"));
    assert.match(await page.locator("figure.video .duration").first().innerText(), /01:47/);
    assert.equal(await page.locator(".related-videos .video-card").count(), 1);
    assert.equal(await page.locator("figure.quote figcaption").count(), 1);
    assert.equal(await page.locator(".sources li").count(), 3);
    assert.equal(await page.locator(".topics a").count(), 4);
    assert.ok((await page.locator(".related .teaser").count()) >= 2);
    await context.close();
  });

  it("reads without JavaScript", async () => {
    const { context, page } = await open(articlePath, 1280, false);
    assert.ok((await page.locator(".story-body p").count()) > 10);
    // The one script is the comments enhancement, deferred, from our origin; the page reads and
    // the comment form posts without it.
    const scripts = await page
      .locator("script:not([type='application/ld+json'])")
      .evaluateAll((els) => els.map((e) => `${e.getAttribute("src")} ${e.hasAttribute("defer")}`));
    assert.equal(scripts.length, 1);
    assert.match(scripts[0]!, /^\/assets\/comments\.[0-9a-f]{12}\.js true$/);
    assert.equal(await page.locator("form.comment-form[action='/comments'][method='post']").count(), 1);
    await context.close();
  });

  it("has no serious or critical axe-core violation on the main pages", async () => {
    for (const path of [
      articlePath,
      "/",
      "/city",
      "/topic/ellery-harbour",
      "/author/ines-carvalho",
      "/video",
      "/about/editorial-standards",
      "/no-such-page",
    ]) {
      for (const scheme of ["light", "dark"] as const) {
        const context = await browser.newContext({
          viewport: { width: 1280, height: 900 },
          colorScheme: scheme,
        });
        const page = await context.newPage();
        await page.goto(`${base}${path}`, { waitUntil: "load" });
        const results = await new AxeBuilder({ page }).analyze();
        const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
        assert.deepEqual(
          bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
          [],
          `${path} (${scheme})`,
        );
        await context.close();
      }
    }
  });

  it("never shifts its layout: cumulative layout shift is 0 at desktop and phone widths", async () => {
    for (const width of [1280, 390]) {
      const { context, page } = await open(articlePath, width);
      // Scroll to the bottom and back so every lazy image and every ad slot lays out.
      const height = await page.evaluate(() => document.body.scrollHeight);
      for (let y = 0; y <= height; y += 400) {
        await page.evaluate((top) => window.scrollTo(0, top), y);
        await page.waitForTimeout(40);
      }
      await page.waitForLoadState("networkidle");
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(200);
      const cls = await page.evaluate(() => (window as unknown as { __cls: number }).__cls);
      assert.equal(cls, 0, `CLS at ${width}px`);
      await context.close();
    }
  });
});
