/**
 * Follows the change feed so that every app process drops stale pages:
 * polls the `changes` table (every `pollMs`), and on PostgreSQL also
 * LISTENs so that a commit anywhere wakes it at once. One process — the one
 * that claims the row — calls the CDN purge hook for each change.
 *
 * It also turns the passing of time into changes: when an embargo lifts or
 * a publication time arrives, exactly one process (the one that advances the
 * `visibility_checked_at` setting) records the story's keys in the feed.
 */
import pg from "pg";
import type { Db } from "../store/database.ts";
import {
  CHANGE_CHANNEL,
  changesSince,
  claimPurge,
  latestChangeId,
  pruneChanges,
  recordStoriesBecomingVisible,
} from "../store/change-feed.ts";
import type { PageCache } from "./page-cache.ts";

export interface FollowerOptions {
  db: Db;
  cache: PageCache;
  pollMs: number;
  databaseUrl?: string | undefined;
  purge?: { url: string; token?: string | undefined } | undefined;
  log: { warn: (obj: object, msg: string) => void };
  /** Called when plans or institutions changed (key "memberships"). */
  onMembershipsChange?: () => void;
  /** Called when a reader's entitlement may have changed (key "entitlements"). */
  onEntitlementsChange?: () => void;
  /** Called when campaigns or creatives changed (key "ads"). */
  onAdsChange?: () => void;
  /** Called when the site settings changed (key "settings"), before the cache is dropped. */
  onSettingsChange?: () => Promise<void>;
}

export interface ChangeFollower {
  /** Reads the feed now (tests, and the LISTEN wake-up). */
  sync(): Promise<void>;
  stop(): Promise<void>;
}

export async function startChangeFollower(opts: FollowerOptions): Promise<ChangeFollower> {
  const { db, cache } = opts;
  let last = await latestChangeId(db);
  let running: Promise<void> | undefined;
  let stopped = false;
  let ticks = 0;

  async function purge(keys: string[]): Promise<void> {
    if (!opts.purge) return;
    try {
      const res = await fetch(opts.purge.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(opts.purge.token ? { authorization: `Bearer ${opts.purge.token}` } : {}),
        },
        body: JSON.stringify({ keys }),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) opts.log.warn({ status: res.status }, "CDN purge hook answered with an error");
    } catch (err) {
      opts.log.warn({ err: (err as Error).message }, "CDN purge hook failed");
    }
  }

  async function once(): Promise<void> {
    await recordStoriesBecomingVisible(db, new Date().toISOString());
    for (;;) {
      const rows = await changesSince(db, last);
      for (const row of rows) {
        if (row.keys.includes("memberships")) opts.onMembershipsChange?.();
        if (row.keys.includes("entitlements")) opts.onEntitlementsChange?.();
        if (row.keys.includes("ads")) opts.onAdsChange?.();
        if (row.keys.includes("settings")) {
          // Site settings show on every page.
          await opts.onSettingsChange?.();
          cache.clear();
        }
        cache.invalidate(row.keys);
        last = row.id;
        if (opts.purge && (await claimPurge(db, row.id))) await purge(row.keys);
      }
      if (rows.length < 500) break;
    }
    if (++ticks % 2400 === 0) await pruneChanges(db);
  }

  function sync(): Promise<void> {
    // One read at a time; a call during a read waits for it and then reads again.
    const next = (running ?? Promise.resolve())
      .then(() => once())
      .catch((err: Error) => opts.log.warn({ err: err.message }, "change feed read failed"));
    running = next;
    return next;
  }

  const timer = setInterval(() => void sync(), opts.pollMs);
  timer.unref();

  let listener: pg.Client | undefined;
  if (opts.databaseUrl) {
    listener = new pg.Client({ connectionString: opts.databaseUrl });
    listener.on("error", () => undefined); // the poll keeps working; LISTEN is only a wake-up
    try {
      await listener.connect();
      listener.on("notification", () => void sync());
      await listener.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (err) {
      opts.log.warn(
        { err: (err as Error).message },
        "LISTEN failed; following the change feed by polling only",
      );
    }
  }

  return {
    sync,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
      await listener?.end().catch(() => undefined);
    },
  };
}
