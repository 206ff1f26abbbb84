/**
 * Test fixtures: every test builds what it needs on a fresh database in a
 * temp folder (a real SQLite file), never on another test's leftovers. The
 * seeded demo newsroom is made once per content version and copied.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { type Config, loadConfig } from "../src/config.ts";
import { seedDemo } from "../src/demo/seed.ts";
import { buildApp } from "../src/app.ts";
import { MediaStore } from "../src/media/media-store.ts";
import { openMediaStore } from "../src/media/open-media.ts";
import { type Db, type Dialect, openDatabase } from "../src/store/database.ts";
import type { Database } from "../src/store/schema.ts";
import { after } from "node:test";
import { dropPostgres, freshPostgresUrl, postgresFromTemplate, stopPostgres } from "./postgres.ts";

// Registered at the root of every test file that uses these helpers (top-level hook).
after(stopPostgres);

/**
 * The engines every integration test runs on. GAZETTE_TEST_DIALECTS=sqlite
 * (or postgres) narrows it for a quick local run; `npm test` runs both.
 */
export const DIALECTS: Dialect[] = (process.env["GAZETTE_TEST_DIALECTS"] ?? "sqlite,postgres")
  .split(",")
  .map((d) => d.trim())
  .filter((d): d is Dialect => d === "sqlite" || d === "postgres");

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const NINJS_CORPUS = path.resolve(ROOT, "..", "shared", "ninjs");

export interface TestEnv {
  dialect: Dialect;
  dataDir: string;
  /** The PostgreSQL URL (with its own schema), or undefined on SQLite. */
  databaseUrl: string | undefined;
  config: Config;
  db: Db;
  media: MediaStore;
  app: FastifyInstance;
  close: () => Promise<void>;
}

export function tempDir(prefix = "gazette-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function makeEnv(
  opts: {
    dialect?: Dialect;
    dataDir?: string;
    env?: Record<string, string>;
    databaseUrl?: string;
    /** Changes to the configuration before the app is built. */
    configure?: (config: Config) => void;
    /** The access gate's clock (AppDeps.clock). */
    clock?: () => Date;
  } = {},
): Promise<TestEnv> {
  const dialect = opts.dialect ?? "sqlite";
  const dataDir = opts.dataDir ?? tempDir();
  const databaseUrl = dialect === "postgres" ? (opts.databaseUrl ?? (await freshPostgresUrl())) : undefined;
  const config = loadConfig(
    {
      GAZETTE_DATA: dataDir,
      GAZETTE_BASE_URL: "https://news.example.org",
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...opts.env,
    },
    ROOT,
  );
  // Tests run the scheduler themselves (app.runScheduler), at the moment they choose.
  config.newsroom = { ...config.newsroom, schedulerMs: 0 };
  config.wire = { ...config.wire, runnerMs: 0 };
  config.newsletters = { ...config.newsletters, runnerMs: 0 };
  config.advertising = { ...config.advertising, flushMs: 0 };
  opts.configure?.(config);
  const db = await openDatabase({ dataDir, databaseUrl });
  const media = openMediaStore(config);
  const app = await buildApp({ config, db, media, ...(opts.clock ? { clock: opts.clock } : {}) });
  return {
    dialect,
    dataDir,
    databaseUrl,
    config,
    db,
    media,
    app,
    close: async () => {
      await app.close();
      await db.destroy();
      if (databaseUrl) await dropPostgres(databaseUrl);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function demoHash(): string {
  const h = crypto.createHash("sha256");
  for (const dir of ["src/demo", "src/media", "src/store", "src/content"]) {
    for (const f of fs.readdirSync(path.join(ROOT, dir)).sort())
      h.update(fs.readFileSync(path.join(ROOT, dir, f)));
  }
  return h.digest("hex").slice(0, 16);
}

/**
 * A test environment holding the seeded demo newsroom. SQLite: a copy of a
 * cached seeded folder. PostgreSQL: the cached media folder (so no picture
 * is encoded twice) and a fresh seed into a new schema.
 */
export async function demoEnv(
  dialect: Dialect,
  configure?: (config: Config) => void,
  extra: { clock?: () => Date } = {},
): Promise<TestEnv> {
  if (dialect === "sqlite")
    return makeEnv({ dataDir: await demoDataDir(), ...(configure ? { configure } : {}), ...extra });
  // PostgreSQL: the demo is seeded once per test run into a template database
  // (per content version); each test gets a copy of it, and of the SQLite
  // demo's data folder: the seed makes the same media files (content-hash
  // names) and configuration on either engine, which the build checks.
  const databaseUrl = await postgresFromTemplate(
    "demo",
    async (url) => {
      const seededDir = await demoDataDir();
      const cached = new Set(filesUnder(seededDir));
      fs.rmSync(path.join(seededDir, "gazette.sqlite"), { force: true });
      const config = loadConfig({ GAZETTE_DATA: seededDir, DATABASE_URL: url }, ROOT);
      const db = await openDatabase({ dataDir: seededDir, databaseUrl: url });
      await seedDemo({ db, media: new MediaStore(config.mediaDir), config });
      await db.destroy();
      const added = filesUnder(seededDir).filter((f) => !cached.has(f));
      fs.rmSync(seededDir, { recursive: true, force: true });
      assert.deepEqual(added, [], "seeding PostgreSQL made no file the SQLite demo lacks");
    },
    demoHash(),
  );
  const dataDir = await demoDataDir();
  fs.rmSync(path.join(dataDir, "gazette.sqlite"), { force: true });
  return makeEnv({ dialect, dataDir, databaseUrl, ...(configure ? { configure } : {}), ...extra });
}

function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[]).sort();
}

/** A fresh copy of a data folder holding the seeded demo newsroom (SQLite). */
export async function demoDataDir(): Promise<string> {
  const cache = path.join(os.tmpdir(), `gazette-demo-cache-${demoHash()}`);
  if (!fs.existsSync(path.join(cache, ".complete"))) {
    const building = `${cache}.${process.pid}`;
    fs.rmSync(building, { recursive: true, force: true });
    const config = loadConfig({ GAZETTE_DATA: building }, ROOT);
    const db = await openDatabase({ dataDir: building });
    await seedDemo({ db, media: new MediaStore(config.mediaDir), config });
    await db.destroy();
    fs.writeFileSync(path.join(building, ".complete"), "");
    // Test files run two at a time: another process may have finished first
    // (its copy is as good as ours, and may be being copied from right now).
    if (fs.existsSync(path.join(cache, ".complete"))) fs.rmSync(building, { recursive: true, force: true });
    else {
      fs.rmSync(cache, { recursive: true, force: true });
      fs.renameSync(building, cache);
    }
  }
  const copy = tempDir();
  fs.cpSync(cache, copy, { recursive: true });
  for (const f of ["gazette.sqlite-wal", "gazette.sqlite-shm"])
    fs.rmSync(path.join(copy, f), { force: true });
  return copy;
}

/** A real JPEG (generated), for importer fixtures. */
export async function writeJpeg(file: string, width = 1200, height = 800, color = "#3a6ea5"): Promise<void> {
  const sharp = (await import("sharp")).default;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp({ create: { width, height, channels: 3, background: color } })
    .jpeg()
    .toFile(file);
}

/**
 * Waits until `check` holds, polling. For what happens without being told
 * (a follower's poll, a scheduler's tick): how soon is the benchmark's
 * business, so the deadline only stops a test that would wait for ever, and
 * is generous for a busy machine.
 */
export async function eventually(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`${what} did not happen within ${ms / 1000} s`);
}

/**
 * One GET on a connection of its own (no keep-alive): a pooled socket that a
 * server closed while this process was busy would fail the next request.
 */
export function getOnce(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

/** `gazette …` as a user runs it, in a process of its own (the caller's event loop keeps running); GAZETTE_DEMO=0 unless given. */
export function runGazette(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, GAZETTE_DEMO: "0", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** How many rows each table has: what a test compares before and after something that must write nothing. */
export async function countRows<T extends keyof Database>(
  db: Db,
  tables: readonly T[],
): Promise<Record<T, number>> {
  const out = {} as Record<T, number>;
  for (const t of tables)
    out[t] = Number(
      (
        await db
          // Any table counts the same way; the cast only spares the type checker a union of every table.
          .selectFrom(t as "stories")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return out;
}
