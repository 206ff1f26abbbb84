/**
 * Feeds that run by themselves, in every app process: a watch folder and a
 * polled URL (a push feed is an endpoint: newsroom/endpoints/wire-endpoints.ts).
 * Each pass looks at the enabled feeds that are due; a feed's run is leased
 * in the database (claimFeedRun), so two processes never run one feed at the
 * same time, and a process that dies mid-run leaves a lease that runs out.
 * Storing is idempotent (wire-store storeVersion), so whatever a dead run
 * had already stored is found again, never doubled.
 *
 * Watch folder: a `*.json`, `*.jsonl` or `*.ndjson` file is taken once it
 * has not changed for `settleSeconds` (an upload in progress is left alone;
 * dotfiles and `.part`/`.tmp`/`.filepart` names are never taken), read,
 * and moved to `done/` — or to `failed/` with `NAME.reason.txt` beside it
 * when nothing in it could be read. Files over `maxMegabytes` go to
 * `failed/` unread. Pictures the items refer to stay where they are.
 *
 * Poll: GET with the feed's headers, If-None-Match / If-Modified-Since, a
 * timeout and a size cap; an agency feed's `next_page` becomes the cursor
 * the next poll asks for; an error (a timeout, a 500, a body that is not a
 * feed) doubles the wait, up to an hour, and is shown on the feed.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import {
  type FeedRunOutcome,
  type WireFeed,
  claimFeedRun,
  finishFeedRun,
  folderSettings,
  listFeeds,
  pollSettings,
  recordFailure,
  renewFeedRun,
} from "../store/wire-store.ts";
import { WirePayloadError, readWirePayload } from "./wire-formats.ts";
import { type Received, type WireDeps, breathe, receiveItem } from "./wire-desk.ts";

export interface WireLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Who holds a lease: this process, recognisably in the table. */
export const PROCESS_ID = `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
const MAX_BACKOFF_MS = 3600_000;
const TAKEN = /\.(json|jsonl|ndjson)$/i;

const IN_PROGRESS = /(^\.|\.(part|tmp|filepart|crdownload)$|~$)/i;

type RunDeps = WireDeps & { log: WireLog; leaseMs: number };

/**
 * One pass over the due feeds (app.ts repeats it every `wire.runnerMs`). A
 * pass that fails (the database is gone) is the caller's to log and retry.
 */
export function wireFeedsPass(deps: WireDeps & { log: WireLog }, leaseMs: number): () => Promise<void> {
  const run: RunDeps = { ...deps, leaseMs };
  return () => runDueFeeds(run);
}

async function runDueFeeds(deps: RunDeps): Promise<void> {
  const feeds = (await listFeeds(deps.db)).filter(
    (f) => f.enabled && (f.kind === "folder" || f.kind === "poll"),
  );
  for (const feed of feeds) {
    const now = new Date();
    if (feed.nextRunAt && feed.nextRunAt > now.toISOString()) continue;
    // A poll holds its lease for at least its timeout; a folder renews it after each file.
    const leaseMs =
      feed.kind === "poll"
        ? Math.max(deps.leaseMs, (pollSettings(feed).timeoutSeconds + 30) * 1000)
        : deps.leaseMs;
    if (!(await claimFeedRun(deps.db, feed.id, PROCESS_ID, now, leaseMs))) continue;
    let outcome: FeedRunOutcome;
    try {
      outcome = feed.kind === "folder" ? await runFolder(deps, feed) : await runPoll(deps, feed);
    } catch (err) {
      // The database or media store failing is not the feed's fault: try again soon, without backing off.
      deps.log.error({ err, feed: feed.name }, "a wire feed run failed");
      outcome = {
        succeeded: false,
        failures: feed.failures,
        lastError: `Gazette could not store what the feed brought: ${(err as Error).message}`.slice(0, 1000),
        nextRunAt: new Date(Date.now() + 30_000).toISOString(),
      };
    }
    await finishFeedRun(deps.db, feed.id, PROCESS_ID, outcome, new Date());
  }
}

function everyMsOf(feed: WireFeed): number {
  const s = feed.settings["everySeconds"];
  return (typeof s === "number" && s > 0 ? s : 60) * 1000;
}

function success(feed: WireFeed, extra: Partial<FeedRunOutcome> = {}): FeedRunOutcome {
  return {
    succeeded: true,
    failures: 0,
    lastError: null,
    nextRunAt: new Date(Date.now() + everyMsOf(feed)).toISOString(),
    ...extra,
  };
}

function failure(feed: WireFeed, error: string): FeedRunOutcome {
  const failures = feed.failures + 1;
  const wait = Math.min(everyMsOf(feed) * 2 ** Math.min(failures, 16), MAX_BACKOFF_MS);
  return {
    succeeded: false,
    failures,
    lastError: error.slice(0, 1000),
    nextRunAt: new Date(Date.now() + wait).toISOString(),
  };
}

async function receiveAll(
  deps: WireDeps,
  feed: WireFeed,
  text: string,
  source: string,
  baseDir: string | null,
  fetchBody?: (url: string) => Promise<string>,
): Promise<{ results: Received[]; next?: string | undefined }> {
  const payload = readWirePayload(text);
  const results: Received[] = [];
  for (const { label, raw } of payload.items) {
    await breathe();
    results.push(
      await receiveItem(deps, feed, raw, {
        source: `${source}${label ? ` ${label.replace(/: $/, "")}` : ""}`,
        baseDir,
        payloadWarnings: payload.warnings,
        fetchBody,
      }),
    );
  }
  return { results, next: payload.next };
}

// ---------------------------------------------------------------- watch folder

function moveAside(folder: string, name: string, to: "done" | "failed"): string {
  const dir = path.join(folder, to);
  fs.mkdirSync(dir, { recursive: true });
  let target = path.join(dir, name);
  if (fs.existsSync(target)) {
    const ext = path.extname(name);
    target = path.join(
      dir,
      `${path.basename(name, ext)}.${new Date().toISOString().replace(/[:.]/g, "-")}${ext}`,
    );
  }
  try {
    fs.renameSync(path.join(folder, name), target);
  } catch (err) {
    // Another process moved it first (after storing the same items, idempotently): nothing to do.
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  return target;
}

async function runFolder(deps: RunDeps, feed: WireFeed): Promise<FeedRunOutcome> {
  const s = folderSettings(feed);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(s.path, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return failure(
      feed,
      code === "ENOENT"
        ? `the folder ${s.path} does not exist; create it or correct the feed's folder`
        : `the folder ${s.path} cannot be read (${code ?? "error"})`,
    );
  }
  const names = entries
    .filter((e) => e.isFile() && TAKEN.test(e.name) && !IN_PROGRESS.test(e.name))
    .map((e) => e.name)
    .sort();
  for (const name of names) {
    await breathe();
    // Still ours? (A run that outlived its lease stops: another process has the feed now.)
    if (!(await renewFeedRun(deps.db, feed.id, PROCESS_ID, new Date(), deps.leaseMs))) break;
    const file = path.join(s.path, name);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      continue; // gone meanwhile (another process took it)
    }
    if (Date.now() - stat.mtimeMs < s.settleSeconds * 1000) continue; // still being written
    const source = `folder ${feed.name}: ${name}`;
    const fail = async (reason: string) => {
      const moved = moveAside(s.path, name, "failed");
      fs.writeFileSync(`${moved}.reason.txt`, `${reason}\n`);
      await recordFailure(deps.db, { feedId: feed.id, source, itemKey: null, error: reason, excerpt: "" });
      deps.log.warn({ feed: feed.name, file: name, reason }, "wire file refused");
    };
    if (stat.size > s.maxMegabytes * 1024 * 1024) {
      await fail(
        `the file is ${(stat.size / 1024 / 1024).toFixed(0)} MB; this feed takes files up to ${s.maxMegabytes} MB (its maxMegabytes setting)`,
      );
      continue;
    }
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue; // moved by another process between the listing and now
    }
    let results: Received[];
    try {
      ({ results } = await receiveAll(deps, feed, text, source, s.path));
    } catch (err) {
      if (!(err instanceof WirePayloadError)) throw err;
      await fail(err.message);
      continue;
    }
    const errors = results.filter((r) => r.status === "error");
    if (errors.length === results.length && results.length > 0) {
      await fail(errors.map((r) => `${r.uri ?? "(no uri)"}: ${r.error}`).join("\n"));
      continue;
    }
    const moved = moveAside(s.path, name, "done");
    if (errors.length)
      fs.writeFileSync(
        `${moved}.reason.txt`,
        `${errors.length} of ${results.length} items could not be read:\n${errors.map((r) => `${r.uri ?? "(no uri)"}: ${r.error}`).join("\n")}\n`,
      );
    deps.log.info(
      { feed: feed.name, file: name, items: results.length, failed: errors.length },
      "wire file taken",
    );
  }
  return success(feed);
}

// ---------------------------------------------------------------- poll

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > maxBytes)
    throw new Error(`the answer is ${(declared / 1024 / 1024).toFixed(0)} MB, over the feed's limit`);
  const reader = res.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`the answer is over the feed's limit of ${maxBytes / 1024 / 1024} MB`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The registrable part of a host name, roughly: its last two labels (api.agency.example → agency.example); an address is itself. */
const siteOf = (host: string) =>
  net.isIP(host.replace(/^\[|\]$/g, "")) ? host : host.split(".").slice(-2).join(".");

/**
 * Fetches an item's text rendition for a poll feed: only from the feed's own
 * site (an item cannot send Gazette to fetch from anywhere else), with the
 * feed's headers, timeout and size cap.
 */
function bodyFetcher(feed: WireFeed): (url: string) => Promise<string> {
  const s = pollSettings(feed);
  const site = siteOf(new URL(s.url).hostname);
  return async (url: string) => {
    const target = new URL(url);
    if (siteOf(target.hostname) !== site) throw new Error(`it is not on the feed's site (${site})`);
    const res = await fetch(target, {
      headers: { accept: "application/xml, text/xml, text/html, */*", ...s.headers },
      signal: AbortSignal.timeout(s.timeoutSeconds * 1000),
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`HTTP ${res.status}`);
    }
    return readCapped(res, s.maxMegabytes * 1024 * 1024);
  };
}

async function runPoll(deps: RunDeps, feed: WireFeed): Promise<FeedRunOutcome> {
  const s = pollSettings(feed);
  const url = feed.cursor ?? s.url;
  const headers: Record<string, string> = { accept: "application/json", ...s.headers };
  // Conditional requests only for the feed's own URL; a cursor URL is new each time.
  if (!feed.cursor) {
    if (feed.etag) headers["if-none-match"] = feed.etag;
    if (feed.lastModified) headers["if-modified-since"] = feed.lastModified;
  }
  let res: Response;
  try {
    res = await fetch(url, {
      headers,
      signal: AbortSignal.timeout(s.timeoutSeconds * 1000),
      redirect: "follow",
    });
  } catch (err) {
    const e = err as Error;
    const timedOut = e.name === "TimeoutError" || e.name === "AbortError";
    return failure(
      feed,
      timedOut
        ? `no answer from ${url} within ${s.timeoutSeconds} s`
        : `cannot reach ${url}: ${(e.cause as Error | undefined)?.message ?? e.message}`,
    );
  }
  if (res.status === 304) {
    await res.body?.cancel();
    return success(feed);
  }
  if (!res.ok) {
    await res.body?.cancel();
    return failure(
      feed,
      `${url} answered HTTP ${res.status}${res.status === 401 || res.status === 403 ? " (check the feed's API key header)" : ""}`,
    );
  }
  let text: string;
  try {
    text = await readCapped(res, s.maxMegabytes * 1024 * 1024);
  } catch (err) {
    return failure(feed, `${url}: ${(err as Error).message}`);
  }
  let received: Awaited<ReturnType<typeof receiveAll>>;
  try {
    received = await receiveAll(deps, feed, text, `poll ${feed.name}: ${url}`, null, bodyFetcher(feed));
  } catch (err) {
    if (!(err instanceof WirePayloadError)) throw err;
    await recordFailure(deps.db, {
      feedId: feed.id,
      source: `poll ${feed.name}: ${url}`,
      itemKey: null,
      error: err.message,
      excerpt: text.slice(0, 2000),
    });
    return failure(feed, `${url}: ${err.message}`);
  }
  const stored = received.results.filter((r) => r.status !== "unchanged" && r.status !== "error").length;
  if (stored)
    deps.log.info({ feed: feed.name, items: received.results.length, stored }, "wire poll took items");
  return success(feed, {
    etag: feed.cursor ? feed.etag : res.headers.get("etag"),
    lastModified: feed.cursor ? feed.lastModified : res.headers.get("last-modified"),
    cursor: received.next ?? (feed.cursor ? feed.cursor : null),
  });
}
