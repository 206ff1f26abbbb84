/**
 * What `/healthz` reports: whether the database and the media store take a
 * write now. A full, read-only or failing disk makes it answer 503 naming
 * which, so a load balancer stops sending requests that would fail, and the
 * first error behind it goes to the log.
 */
import fs from "node:fs";
import type { MediaStore } from "../media/media-store.ts";
import { type Db, probeDatabaseWrite } from "../store/database.ts";
import { type StorageProblem, storageFailure } from "../store/storage-errors.ts";

/** "ok", or what is wrong with one store. */
export type StoreHealth = "ok" | StorageProblem | "not answering" | "failing";

export interface HealthReport {
  status: "ok" | "unavailable";
  database: StoreHealth;
  media: StoreHealth;
}

/** Below this much free space a store's disk counts as full: the next upload or save would not fit. */
export const MIN_FREE_BYTES = 1024 * 1024;
/** A probe slower than this counts as "not answering" (a hung disk or database). */
const PROBE_TIMEOUT_MS = 5_000;
/** One probe answers every request in this window: `/healthz` is public, and a flood must not become a flood of writes. */
const REUSE_MS = 2_000;

interface Log {
  error(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const s = await fs.promises.statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

function within<T>(p: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function probe(
  write: () => Promise<unknown>,
  dir: string | undefined,
): Promise<[StoreHealth, unknown]> {
  const err = await within(write(), PROBE_TIMEOUT_MS);
  if (err === "timeout") return ["not answering", new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)];
  if (err !== undefined) return [storageFailure(err)?.problem ?? "failing", err];
  // A write of a few bytes can still fit where a story or a picture will not.
  const free = dir === undefined ? undefined : await freeBytes(dir);
  if (free !== undefined && free < MIN_FREE_BYTES)
    return ["full", new Error(`${free} bytes free on the disk of ${dir}`)];
  return ["ok", undefined];
}

/**
 * The health check of one app process. `sqliteDir` is the data folder when
 * the database is the SQLite file in it (its disk's free space is checked
 * too; a PostgreSQL server's disk is its own).
 */
export function healthCheck(deps: { db: Db; media: MediaStore; sqliteDir: string | undefined; log: Log }) {
  let last: { at: number; report: Promise<HealthReport> } | undefined;
  const previous: Record<"database" | "media", StoreHealth> = { database: "ok", media: "ok" };

  const run = async (): Promise<HealthReport> => {
    const [[database, dbErr], [media, mediaErr]] = await Promise.all([
      probe(() => probeDatabaseWrite(deps.db), deps.sqliteDir),
      probe(() => deps.media.probeWrite(), deps.media.blobs.localRoot),
    ]);
    // Each change of state is logged once, with the error behind it.
    for (const [store, now, err] of [
      ["database", database, dbErr],
      ["media", media, mediaErr],
    ] as const) {
      if (now !== previous[store]) {
        if (now === "ok") deps.log.info({ store }, `health: the ${store} takes writes again`);
        else deps.log.error({ err, store, problem: now }, `health: the ${store} cannot be written (${now})`);
        previous[store] = now;
      }
    }
    return { status: database === "ok" && media === "ok" ? "ok" : "unavailable", database, media };
  };

  return (): Promise<HealthReport> => {
    const now = Date.now();
    if (!last || now - last.at >= REUSE_MS) last = { at: now, report: run() };
    return last.report;
  };
}
