/**
 * Errors of the places Gazette keeps things (the database, the media store)
 * and of the disks under them, kept apart so the CLI and the web toolkit can
 * name them without loading the drivers.
 */

/** The database named by the configuration cannot be reached; the message is one line saying what to check. */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}

import { MediaStoreUnavailableError } from "../media/blob-store.ts";

export type Store = "database" | "media store";
export type StorageProblem = "full" | "read-only" | "permission denied" | "I/O error" | "unreachable";

/** A write that failed because of the disk or the store, not because of the request. */
export interface StorageFailure {
  store: Store;
  problem: StorageProblem;
  /** The driver's or system's own code (SQLITE_FULL, ENOSPC, 53100…), for the log and the operator. */
  code: string;
  /** One sentence for whoever made the request: what failed, and that nothing was saved. */
  message: string;
}

const PROBLEM_WORDS: Record<StorageProblem, string> = {
  full: "its disk is full",
  "read-only": "it is read-only",
  "permission denied": "the server is not allowed to write there",
  "I/O error": "its disk reported an I/O error",
  unreachable: "it does not answer (or refuses the site's credentials)",
};

/** "The database cannot be written: its disk is full. Nothing was saved; …" */
export function describeStorageFailure(store: Store, problem: StorageProblem): string {
  return `The ${store} cannot be written: ${PROBLEM_WORDS[problem]}. Nothing was saved; try again once the site's operator has fixed it.`;
}

/** SQLite's extended codes (better-sqlite3 `SqliteError.code`) and PostgreSQL's SQLSTATEs, by problem. */
function databaseProblem(code: string): StorageProblem | undefined {
  if (code === "SQLITE_FULL" || code === "53100") return "full";
  if (code.startsWith("SQLITE_READONLY") || code === "25006") return "read-only";
  if (code === "SQLITE_PERM" || code === "SQLITE_AUTH" || code === "42501") return undefined; // a grant, not a disk
  if (code.startsWith("SQLITE_IOERR") || code === "SQLITE_CANTOPEN" || code === "58030") return "I/O error";
  return undefined;
}

/** Node's system error codes from writing a file. */
function fileProblem(code: string): StorageProblem | undefined {
  switch (code) {
    case "ENOSPC":
    case "EDQUOT":
      return "full";
    case "EROFS":
      return "read-only";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EIO":
      return "I/O error";
  }
  return undefined;
}

/**
 * The storage failure behind an error (looking through its causes), or
 * undefined when it is something else. A SQLite or PostgreSQL code is the
 * database; a system error from the file system is the media store (the
 * only other thing Gazette writes to disk).
 */
export function storageFailure(err: unknown): StorageFailure | undefined {
  if (err instanceof MediaStoreUnavailableError)
    return {
      store: "media store",
      problem: "unreachable",
      code: "MEDIA_STORE_UNAVAILABLE",
      message: describeStorageFailure("media store", "unreachable"),
    };
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const { code, syscall } = e as { code?: unknown; syscall?: unknown };
    if (typeof code === "string") {
      const store: Store | undefined =
        typeof syscall === "string"
          ? "media store"
          : /^SQLITE_/.test(code) || /^[0-9A-Z]{5}$/.test(code)
            ? "database"
            : undefined;
      const problem = store === "media store" ? fileProblem(code) : store ? databaseProblem(code) : undefined;
      if (store && problem) return { store, problem, code, message: describeStorageFailure(store, problem) };
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
