/**
 * Newsletters in a real Chromium against `gazette serve` (the demo
 * newsroom) and a real SMTP server: a reader signs up on the site, the
 * confirmation email's link opens a page whose button confirms; an editor
 * writes an issue in the newsroom, previews it and sends it; the reader
 * receives it and leaves through its unsubscribe link. axe-core on the
 * sign-up page, the confirmation page, the newsroom's newsletters page and
 * the unsubscribe page.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext } from "playwright-core";
import { hashPassword } from "../../src/auth/passwords.ts";
import { openDatabase } from "../../src/store/database.ts";
import { createUser } from "../../src/store/user-store.ts";
import { launchChromium, newsroomPage, startServer, noSeriousViolations, closeRun } from "../browser.ts";
import { demoDataDir, eventually } from "../helpers.ts";
import { type SmtpSink, decodeQuotedPrintable, mimePart, startSmtpSink } from "../smtp-sink.ts";

const PASSWORD = "newsletters end to end";
const EDITOR = { email: "nora@e2e.test", name: "Nora News", role: "editor" as const };
const READER = "reader.e2e@example.org";

let server: ChildProcess;
let base: string;
let browser: Browser;
let dataDir: string;
let sink: SmtpSink;
const contexts: BrowserContext[] = [];

/** A link of the site in a received email, made absolute against the server under test. */
function linkTo(raw: string, pattern: RegExp): string {
  const text = mimePart(raw, "text/plain") ?? decodeQuotedPrintable(raw);
  const m = pattern.exec(text);
  assert.ok(m, `no link matching ${pattern} in:\n${text}`);
  return base + new URL(m[0]).pathname;
}

before(async () => {
  sink = await startSmtpSink();
  dataDir = await demoDataDir();
  const db = await openDatabase({ dataDir });
  await createUser(db, { ...EDITOR, passwordHash: await hashPassword(PASSWORD) });
  await db.destroy();
  ({ server, base } = await startServer(dataDir, { GAZETTE_SMTP_URL: sink.url }));
  browser = await launchChromium();
});

after(async () => {
  await closeRun({ contexts, browser, server, dataDir });
  await sink?.close();
});

describe("newsletters, in Chromium", () => {
  it("a reader signs up and confirms; an editor sends an issue; the reader leaves with one click", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    contexts.push(context);
    const reader = await context.newPage();
    reader.on("pageerror", (e) => assert.fail(`page error: ${e.message}`));
    await reader.goto(`${base}/newsletters`);
    await reader.getByRole("heading", { name: "Newsletters", level: 1 }).waitFor();
    await noSeriousViolations(reader, "the newsletters page");
    await reader.getByRole("checkbox", { name: /Morning briefing/ }).check();
    await reader.getByLabel("Email address").fill(READER);
    await reader.getByRole("button", { name: "Subscribe" }).click();
    await reader.getByRole("heading", { name: "Check your email" }).waitFor();

    await eventually("the confirmation email", async () => sink.received.some((m) => m.to.includes(READER)));
    const confirmation = sink.received.find((m) => m.to.includes(READER))!;
    await reader.goto(linkTo(confirmation.raw, /https?:\/\/\S+\/newsletters\/confirm\/[\w-]+/));
    await reader.getByRole("heading", { name: "Confirm your subscription" }).waitFor();
    await noSeriousViolations(reader, "the confirmation page");
    await reader.getByRole("button", { name: "Yes, subscribe me" }).click();
    await reader.getByRole("heading", { name: "You are subscribed" }).waitFor();

    // The editor sends the demo's waiting morning briefing, after looking at it.
    const editor = await newsroomPage(browser, base, { email: EDITOR.email, password: PASSWORD }, contexts);
    editor.on("dialog", (d) => void d.accept());
    await editor.getByRole("link", { name: "Newsletters", exact: true }).click();
    await editor.getByRole("heading", { name: "Newsletters", level: 1 }).waitFor();
    await editor
      .getByRole("navigation", { name: "Newsletters" })
      .getByRole("button", { name: "Morning briefing" })
      .click();
    // The demo's draft: within the digest lead before 07:00 the server has also made the next one (scheduled).
    const row = editor.getByRole("row").filter({ hasText: "Morning briefing:" }).filter({ hasText: "draft" });
    await row.waitFor();
    // Checked before the preview opens: the preview is a sandboxed frame (no script may run in it, axe's neither).
    await noSeriousViolations(editor, "the newsroom's newsletters page");
    await row.getByRole("button", { name: "Preview" }).click();
    await editor
      .frameLocator('iframe[title="The email as readers will see it"]')
      .getByText("View in your browser")
      .waitFor();
    await row.getByRole("button", { name: "Send now" }).click();
    await editor.getByText(/\d+ sent · 0 waiting/).waitFor({ timeout: 30_000 });

    // From a published story's publishing panel: sent to a newsletter in two clicks.
    await editor.getByRole("link", { name: "Stories", exact: true }).click();
    await editor
      .getByRole("link", { name: /Harbour lift bridge/ })
      .first()
      .click();
    const panel = editor.getByRole("group", { name: "Send to newsletters" });
    await panel.getByRole("checkbox", { name: /Breaking news/ }).check();
    await panel.getByRole("button", { name: "Send this story" }).click();
    await panel.getByText("Sending to Breaking news.").waitFor();
    await eventually("the story at a Breaking news subscriber", async () =>
      sink.received.some(
        (m) => m.to.includes("jonas.berg@example.org") && /Harbour lift bridge/.test(m.subject),
      ),
    );

    await eventually("the issue at the reader's address", async () =>
      sink.received.some((m) => m.to.includes(READER) && m.subject.startsWith("Morning briefing")),
    );
    const issue = sink.received.find(
      (m) => m.to.includes(READER) && m.subject.startsWith("Morning briefing"),
    )!;
    assert.match(issue.raw, /List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
    await reader.goto(
      linkTo(issue.raw, /https?:\/\/\S+\/newsletters\/unsubscribe\/[\w-]+\/morning-briefing/),
    );
    await reader.getByRole("heading", { name: "Leave Morning briefing?" }).waitFor();
    await noSeriousViolations(reader, "the unsubscribe page");
    await reader.getByRole("button", { name: "Unsubscribe" }).click();
    await reader.getByRole("heading", { name: "You have left Morning briefing" }).waitFor();
    // The web version of the issue is on the site.
    await reader.goto(linkTo(issue.raw, /https?:\/\/\S+\/newsletters\/morning-briefing\/issues\/\d+/));
    await reader.getByRole("heading", { level: 1, name: /^Morning briefing:/ }).waitFor();
  });
});
