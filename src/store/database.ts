import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
} from "kysely";
import pg from "pg";
import { DatabaseUnavailableError } from "./storage-errors.ts";
import { POSTGRES, SQLITE, setDialect } from "./dialect.ts";
import { migrateToLatest } from "./migrations.ts";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;
export type Dialect = "sqlite" | "postgres";

export interface OpenDatabaseOptions {
  /** Folder holding `gazette.sqlite` (created when missing); used when there is no `databaseUrl`. */
  dataDir: string;
  /** `postgres://…`: use PostgreSQL instead of the embedded SQLite file. */
  databaseUrl?: string | undefined;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
}

export { DatabaseUnavailableError };

/** "127.0.0.1:5432" from a postgres URL, without the credentials. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return "(unparsable DATABASE_URL)";
  }
}

/**
 * Opens the store. SQLite (the default): WAL so that the CLI and a running
 * server can share one file (readers never block the writer), foreign keys
 * on, and a busy timeout so that two writers wait for each other instead of
 * failing. PostgreSQL (with `databaseUrl`): a connection pool; a database
 * that cannot be reached is a one-line DatabaseUnavailableError naming the
 * host, and a lost connection is re-established by the pool on the next
 * query.
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Db> {
  let db: Db;
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
    });
    // An idle client losing its server must not crash the process; the pool replaces it.
    pool.on("error", () => undefined);
    try {
      const client = await pool.connect();
      client.release();
    } catch (err) {
      await pool.end().catch(() => undefined);
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new DatabaseUnavailableError(
        `cannot connect to PostgreSQL at ${describeUrl(opts.databaseUrl)} (${code}); check DATABASE_URL and that the server is running`,
      );
    }
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    setDialect(db, POSTGRES);
  } else {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    const sqlite = new SQLite(path.join(opts.dataDir, "gazette.sqlite"));
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    sqlite.pragma("synchronous = NORMAL");
    db = new Kysely<Database>({
      dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }),
    });
    setDialect(db, SQLITE);
  }
  if (opts.migrate !== false) await migrateToLatest(db as Kysely<unknown>);
  return db;
}

/**
 * Transactions start with BEGIN IMMEDIATE: they take SQLite's write lock at
 * once, waiting (busy_timeout) for another process's write to finish. A
 * plain BEGIN reads first and fails with SQLITE_BUSY when it then needs to
 * write while another connection writes — two processes publishing, the
 * CLI importing while the server saves.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #turns = new FairLock();

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }

  // On some errors (a full disk, SQLITE_FULL; an I/O error) SQLite has already
  // rolled the transaction back itself. Kysely's ROLLBACK then fails with
  // "cannot rollback - no transaction is active" and that error would replace
  // the real one in the log and the response: the real one is kept.
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw("rollback"));
    } catch (err) {
      if (!/no transaction is active/.test((err as Error).message)) throw err;
    }
  }

  // Kysely's own lock on the one connection wakes every waiter when it is
  // released and lets whoever runs first take it: under load some requests
  // kept losing (at 50 connections, p99 was twenty times p50). Turns are
  // handed over in arrival order here; the inner lock is then never contended.
  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.#turns.lock();
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    this.#turns.unlock();
  }
}

/** A mutex that hands itself to waiters first come, first served. */
export class FairLock {
  #locked = false;
  readonly #waiting: (() => void)[] = [];

  lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  unlock(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#locked = false;
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly options: { database: SQLite.Database }) {
    super(options);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.options);
  }
}

/**
 * better-sqlite3 compiles a statement on every `prepare`; Kysely prepares
 * each query it runs. Keeping the compiled statements (the SQL text is the
 * same for every call of a query, only the parameters differ) saves that
 * work on every request. Kysely runs one statement at a time per connection,
 * so a statement is never reused while it is still running.
 */
function withStatementCache(sqlite: SQLite.Database, max = 500): SQLite.Database {
  const statements = new Map<string, SQLite.Statement>();
  const prepare = (source: string): SQLite.Statement => {
    let st = statements.get(source);
    if (!st) {
      st = sqlite.prepare(source);
      if (statements.size >= max) statements.delete(statements.keys().next().value!);
      statements.set(source, st);
    }
    return st;
  };
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop === "prepare") return prepare;
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * Writes a consistent copy of the SQLite database to `file` while it is in
 * use (SQLite's online backup API: readers and writers carry on). PostgreSQL
 * is backed up with pg_dump instead; see docs/operations.md.
 */
export async function backupSqlite(dataDir: string, file: string): Promise<{ pages: number }> {
  const sqlite = new SQLite(path.join(dataDir, "gazette.sqlite"), { fileMustExist: true });
  try {
    // All pages in one step: copied in small steps, the backup would start over
    // whenever another connection wrote in between.
    const r = await sqlite.backup(file, { progress: () => 1_000_000_000 });
    return { pages: r.totalPages };
  } finally {
    sqlite.close();
  }
}

/**
 * Whether the database takes a write: one row rewritten (a read would pass
 * on a full or read-only disk). Resolves to the error when it does not.
 */
export async function probeDatabaseWrite(db: Db): Promise<unknown> {
  try {
    await db
      .updateTable("health_probe")
      .set({ checked_at: new Date().toISOString() })
      .where("id", "=", 1)
      .executeTakeFirstOrThrow();
    return undefined;
  } catch (err) {
    return err ?? new Error("the database did not answer");
  }
}
