/** A real Chromium for end-to-end tests, and a `gazette serve` process to point it at. */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import chromium from "@sparticuz/chromium";
import assert from "node:assert/strict";
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
  chromium as playwright,
} from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";
import { ROOT } from "./helpers.ts";

/**
 * @sparticuz/chromium's flags are made for serverless functions; its
 * --single-process makes the browser exit when a context closes, so it goes.
 */
export async function launchChromium(): Promise<Browser> {
  const args = chromium.args.filter((a) => a !== "--single-process" && !a.startsWith("--headless"));
  return playwright.launch({ executablePath: await chromium.executablePath(), args, headless: true });
}

/** Starts `gazette serve` on a free port over `dataDir`; resolves with the server and its base URL. */
export async function startServer(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<{ server: ChildProcess; base: string }> {
  const server = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve"], {
    cwd: ROOT,
    env: { ...process.env, GAZETTE_DATA: dataDir, PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 120_000);
    server.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /at (http:\/\/localhost:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace("localhost", "127.0.0.1"));
      }
    });
  });
  return { server, base };
}

/**
 * Ends an end-to-end file's run: the browser contexts it opened, the browser,
 * the server, and its data folder (each only if it got that far).
 */
export async function closeRun(run: {
  contexts?: readonly BrowserContext[];
  browser: Browser | undefined;
  server: ChildProcess | undefined;
  dataDir: string | undefined;
}): Promise<void> {
  for (const c of run.contexts ?? []) await c.close().catch(() => undefined);
  await run.browser?.close();
  run.server?.kill("SIGTERM");
  if (run.dataDir) fs.rmSync(run.dataDir, { recursive: true, force: true });
}

/**
 * A new browser context signed in to the newsroom at `base` as this account,
 * on the story list; a page error fails the test. The context is added to
 * `contexts` for the caller to close.
 */
export async function newsroomPage(
  browser: Browser,
  base: string,
  account: { email: string; password: string },
  contexts: BrowserContext[],
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, ...options });
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (e) => assert.fail(`page error: ${e.message}`));
  await page.goto(`${base}/admin`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Stories" }).waitFor();
  return page;
}

/**
 * axe-core on the page as it is: no serious or critical violation (named, with
 * where). A hang in the checker (it waits on frames it cannot script) fails
 * the test instead of stalling the run.
 */
export async function noSeriousViolations(page: Page, name: string): Promise<void> {
  const results = await Promise.race([
    new AxeBuilder({ page }).analyze(),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`axe-core did not finish on ${name} within 60 s`)), 60_000).unref(),
    ),
  ]);
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
    [],
    name,
  );
}
