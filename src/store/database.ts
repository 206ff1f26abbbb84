import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { migrateToLatest } from "./migrations.ts";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;

export interface OpenDatabaseOptions {
  /** Folder holding `gazette.sqlite` (created when missing). */
  dataDir: string;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
}

/**
 * Opens the embedded SQLite store: WAL so that the CLI and a running server
 * can share one file (readers never block the writer), foreign keys on, and a
 * busy timeout so that two writers wait for each other instead of failing.
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Db> {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const file = path.join(opts.dataDir, "gazette.sqlite");
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  if (opts.migrate !== false) await migrateToLatest(db as Kysely<unknown>);
  return db;
}

/** True when a trivial query answers: what `/healthz` asks. */
export async function databaseUsable(db: Db): Promise<boolean> {
  try {
    await db.selectFrom("settings").select("key").limit(1).execute();
    return true;
  } catch {
    return false;
  }
}
