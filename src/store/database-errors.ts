/** Errors of opening a database, kept apart so the CLI can name them without loading the drivers. */

/** The database named by the configuration cannot be reached; the message is one line saying what to check. */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}
