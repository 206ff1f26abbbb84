/**
 * What differs between the two engines, in one object chosen when the
 * database opens (after Kysely's own adapter, which says what SQL each
 * dialect supports). Repositories ask it instead of testing the engine.
 */
/** A Kysely instance of any schema (or a transaction): what the lookup needs of it. */
interface WithAdapter {
  getExecutor(): { adapter: object };
}

export interface DialectCapabilities {
  readonly engine: "sqlite" | "postgres";
  /** An auto-numbered key: SQLite's rowid alias, or PostgreSQL's identity column. */
  readonly autoId: "rowid" | "identity";
  /** Full-text search: an FTS5 table, or a weighted tsvector with a GIN index. */
  readonly textSearch: "fts5" | "tsvector";
  /** Whether a write can wake other processes at commit (NOTIFY); without it they poll. */
  readonly notifies: boolean;
  /** Whether tables live in a schema of the connection (Kysely's migration bookkeeping goes there). */
  readonly schemas: boolean;
}

export const SQLITE: DialectCapabilities = {
  engine: "sqlite",
  autoId: "rowid",
  textSearch: "fts5",
  notifies: false,
  schemas: false,
};

export const POSTGRES: DialectCapabilities = {
  engine: "postgres",
  autoId: "identity",
  textSearch: "tsvector",
  notifies: true,
  schemas: true,
};

// Keyed by Kysely's adapter: a transaction's Kysely shares its database's adapter.
const byAdapter = new WeakMap<object, DialectCapabilities>();

/** Records which engine a database runs on (openDatabase does it). */
export function setDialect(db: WithAdapter, capabilities: DialectCapabilities): void {
  byAdapter.set(db.getExecutor().adapter, capabilities);
}

/** The capabilities of the engine under `db` (or a transaction of it). */
export function dialectOf(db: WithAdapter): DialectCapabilities {
  const found = byAdapter.get(db.getExecutor().adapter);
  if (!found) throw new Error("dialectOf: this database was not opened with openDatabase");
  return found;
}
