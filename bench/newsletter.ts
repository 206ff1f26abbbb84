/**
 * The newsletter benchmark: one issue to 100,000 subscribers through
 * `gazette newsletter send` (the real command, on a SQLite data folder) to
 * an SMTP sink on 127.0.0.1 in its own process. Reported: messages per
 * second, the time from "send" to the first message at the sink, the
 * sender's peak resident memory (sampled from /proc), and whether every
 * address got exactly one copy. The baseline in the same run: nodemailer
 * alone, the same pooled connections and the same message, no database —
 * what SMTP on this machine allows.
 * Targets: first message within 5 s of "send", ≥ 500 messages/s, memory flat (< 300 MB).
 *   npm run bench:newsletter -- [--recipients 100000] [--baseline 20000] [--connections 5] [--json] [--keep]
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createBulkMailer } from "../src/mail/bulk-mailer.ts";
import { openDatabase } from "../src/store/database.ts";
import { saveStory } from "../src/store/story-store.ts";
import { upsertSection } from "../src/store/taxonomy-store.ts";
import { newsletterWithSubscribers } from "../test/newsletter-fixtures.ts";
import { ROOT } from "./load.ts";

const { values } = parseArgs({
  options: {
    recipients: { type: "string", default: "100000" },
    baseline: { type: "string", default: "20000" },
    connections: { type: "string", default: "5" },
    json: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const RECIPIENTS = Number(values.recipients);
const BASELINE = Number(values.baseline);
const CONNECTIONS = Number(values.connections);
const say = (s: string) => {
  if (!values.json) console.error(s);
};

interface SinkReport {
  total: number;
  first: number;
  last: number;
  addresses: number;
  duplicates: number;
}

async function startSink(): Promise<{
  proc: ChildProcess;
  port: number;
  report(): Promise<SinkReport>;
  stop(): Promise<SinkReport>;
}> {
  const proc = spawn(process.execPath, ["--import", "tsx", "bench/newsletter-sink.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: ((l: string) => void)[] = [];
  let buffer = "";
  proc.stdout!.on("data", (b: Buffer) => {
    buffer += b.toString();
    let i;
    while ((i = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      lines.shift()?.(line);
    }
  });
  const next = () => new Promise<string>((r) => lines.push(r));
  const port = (JSON.parse(await next()) as { port: number }).port;
  return {
    proc,
    port,
    report: async () => {
      const p = next();
      proc.kill("SIGUSR2");
      return JSON.parse(await p) as SinkReport;
    },
    stop: async () => {
      const p = next();
      proc.kill("SIGTERM");
      return JSON.parse(await p) as SinkReport;
    },
  };
}

/** Peak resident memory of a process, sampled from /proc every 100 ms until it exits. */
function watchRss(pid: number): { peak(): number } {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      clearInterval(timer);
    }
  }, 100);
  timer.unref();
  return { peak: () => peak };
}

async function build(dir: string): Promise<number> {
  const db = await openDatabase({ dataDir: dir });
  await upsertSection(db, { slug: "city", name: "City" });
  const story = await saveStory(db, {
    headline: "The harbour bridge reopens after nine months",
    summary: ["Traffic returns on Monday; the cycle lane opens a week later."],
    sectionSlug: "city",
    body: [{ type: "paragraph", content: [{ text: "The bridge reopens on Monday." }] }],
    status: "published",
    firstPublishedAt: new Date(Date.now() - 3600_000).toISOString(),
  });
  await newsletterWithSubscribers(
    db,
    { slug: "morning", name: "Morning briefing", fromEmail: "briefing@news.example.org" },
    RECIPIENTS,
  );
  await db.destroy();
  return story.id;
}

/** The baseline: the same pooled SMTP connections and the same kind of message, no database. */
async function baseline(port: number): Promise<{ perSecond: number }> {
  const mailer = createBulkMailer(
    { from: "x", smtpUrl: `smtp://127.0.0.1:${port}`, dkim: undefined },
    { connections: CONNECTIONS, outboxDir: os.tmpdir() },
  );
  const html = `<!DOCTYPE html><html><body>${'<table><tr><td><a href="https://news.example.org/city/2026/11/30/the-harbour-bridge-reopens">The harbour bridge reopens</a></td></tr></table>'.repeat(40)}</body></html>`;
  const text =
    "The harbour bridge reopens\nhttps://news.example.org/city/2026/11/30/the-harbour-bridge-reopens\n".repeat(
      20,
    );
  const t0 = Date.now();
  const inFlight = CONNECTIONS * 2;
  for (let i = 0; i < BASELINE; i += inFlight)
    await Promise.all(
      Array.from({ length: Math.min(inFlight, BASELINE - i) }, (_, k) =>
        mailer.send({
          from: { name: "The Gazette Daily", address: "briefing@news.example.org" },
          to: `base${i + k}@readers.example`,
          subject: "The harbour bridge reopens",
          html,
          text,
          messageId: `<base-${i + k}@news.example.org>`,
          headers: {},
        }),
      ),
    );
  mailer.close();
  return { perSecond: BASELINE / ((Date.now() - t0) / 1000) };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gazette-bench-newsletter-"));
try {
  say(`Building ${RECIPIENTS.toLocaleString("en")} subscribers in ${dir}…`);
  const t0 = Date.now();
  const storyId = await build(dir);
  say(`Built in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);

  const baseSink = await startSink();
  say(
    `Baseline: nodemailer alone, ${BASELINE.toLocaleString("en")} messages over ${CONNECTIONS} connections…`,
  );
  const base = await baseline(baseSink.port);
  await baseSink.stop();

  const sink = await startSink();
  fs.writeFileSync(
    path.join(dir, "gazette.config.json"),
    JSON.stringify({ newsletters: { connections: CONNECTIONS } }),
  );
  say(`Gazette: gazette newsletter send to ${RECIPIENTS.toLocaleString("en")}…`);
  const started = Date.now();
  const sender = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli/main.ts",
      "newsletter",
      "send",
      "--newsletter",
      "morning",
      "--story",
      String(storyId),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        GAZETTE_DATA: dir,
        GAZETTE_DEMO: "0",
        GAZETTE_SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
        GAZETTE_BASE_URL: "https://news.example.org",
      },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let queuedAt = 0;
  let stderr = "";
  sender.stderr!.on("data", (b: Buffer) => {
    stderr += b.toString();
    if (!queuedAt && /queued for/.test(stderr)) queuedAt = Date.now();
  });
  const rss = watchRss(sender.pid!);
  const code = await new Promise<number | null>((r) => sender.once("exit", r));
  const done = Date.now();
  const got = await sink.stop();
  if (code !== 0) throw new Error(`gazette newsletter send exited ${code}: ${stderr}`);
  const result = {
    recipients: RECIPIENTS,
    connections: CONNECTIONS,
    baselinePerSecond: Math.round(base.perSecond),
    perSecond: Math.round(got.total / ((got.last - got.first) / 1000)),
    firstMessageAfterCommandMs: got.first - started,
    firstMessageAfterQueuedMs: queuedAt ? got.first - queuedAt : null,
    wholeCommandSeconds: Number(((done - started) / 1000).toFixed(1)),
    peakRssMb: Math.round(rss.peak() / 1024 / 1024),
    delivered: got.total,
    addresses: got.addresses,
    duplicates: got.duplicates,
  };
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else
    console.log(
      [
        `| | messages/s | first message | peak RSS | delivered |`,
        `|---|---|---|---|---|`,
        `| nodemailer alone (baseline, ${BASELINE.toLocaleString("en")}) | ${result.baselinePerSecond} | | | |`,
        `| gazette newsletter send (${RECIPIENTS.toLocaleString("en")}) | ${result.perSecond} | ${(result.firstMessageAfterCommandMs / 1000).toFixed(2)} s after the command (${result.firstMessageAfterQueuedMs ?? "?"} ms after queueing) | ${result.peakRssMb} MB | ${result.delivered} to ${result.addresses} addresses, ${result.duplicates} twice |`,
      ].join("\n"),
    );
} finally {
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
}
