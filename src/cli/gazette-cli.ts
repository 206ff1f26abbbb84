/**
 * The `gazette` command: serve, import, migrate, backup, user, seed-demo.
 * Exit codes: 0 success, 1 some work failed (e.g. an item did not import),
 * 2 the command line or configuration is wrong.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, type Config, loadConfig } from "../config.ts";
import type { ImportResult } from "../ingest/ninjs-importer.ts";
import { DatabaseUnavailableError, storageFailure } from "../store/storage-errors.ts";
import type { DemoAccount } from "../demo/seed.ts";
import {
  NEWSLETTER_USAGE,
  NewsletterUsageError,
  USAGE,
  USER_USAGE,
  UsageError,
  UserCommandError,
} from "./usage.ts";

// Each command loads what it needs when it runs (`await import`): a mistyped command line
// or `gazette user list` answers without loading the web app, the importer or the demo seed.

function jsonFilesIn(target: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    return [target]; // reported per file as "no such file"
  }
  if (!stat.isDirectory()) return [target];
  return fs
    .readdirSync(target, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? jsonFilesIn(path.join(target, e.name))
        : e.name.endsWith(".json")
          ? [path.join(target, e.name)]
          : [],
    )
    .sort();
}

/** A folder Gazette cannot write to, said in one line with the fix. */
class FolderError extends Error {}

/**
 * Makes the folder if it is missing and proves a file can be written in it,
 * so a read-only, full or foreign-owned data folder is one clear line at
 * start, not a stack trace (Node even reports a read-only disk as ENOENT
 * when making folders recursively).
 */
function mustWrite(dir: string, what: string): void {
  const probe = path.join(dir, `.write-probe-${process.pid}`);
  try {
    if (!fs.existsSync(dir)) {
      const parent = path.dirname(dir);
      if (parent !== dir && !fs.existsSync(parent)) mustWrite(parent, "folder");
      fs.mkdirSync(dir);
    }
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
  } catch (err) {
    const failure = storageFailure(err);
    const why = failure
      ? {
          full: "its disk is full",
          "read-only": "it is on a read-only disk",
          "permission denied": `this user (${os.userInfo().username}) may not write there`,
          "I/O error": "the disk reported an I/O error",
          unreachable: "it does not answer",
        }[failure.problem]
      : (err as Error).message;
    throw new FolderError(
      `cannot write the ${what} ${dir}: ${why} (${(err as { code?: string }).code ?? "error"}). Point GAZETTE_DATA at a folder this user can write, or fix that one.`,
    );
  }
}

async function open(config: Config) {
  const [{ openDatabase }, { openMediaStore }] = await Promise.all([
    import("../store/database.ts"),
    import("../media/open-media.ts"),
  ]);
  // The data folder holds the media (and, on SQLite, the database): made on first start on either engine.
  mustWrite(config.dataDir, "data folder");
  if (!config.media.s3) mustWrite(config.mediaDir, "media folder");
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  return { db, media: openMediaStore(config) };
}

async function cmdImport(args: string[], config: Config): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      json: { type: "boolean", default: false },
      section: { type: "string" },
      strict: { type: "boolean", default: false },
      queue: { type: "boolean", default: false },
      "ninjs-version": { type: "string" },
    },
    allowPositionals: true,
  });
  if (positionals.length === 0)
    throw new UsageError("import: name at least one FILE or FOLDER, e.g. gazette import wire/item.json");
  const { SCHEMA_VERSIONS, isSchemaVersion } = await import("../ingest/ninjs-schema.ts");
  const ninjsVersion = values["ninjs-version"];
  if (ninjsVersion !== undefined && !isSchemaVersion(ninjsVersion))
    throw new UsageError(
      `--ninjs-version: "${ninjsVersion}" is not a ninjs schema Gazette knows; use one of ${SCHEMA_VERSIONS.join(", ")}`,
    );
  let section: { slug: string; name: string } | undefined;
  if (values.section !== undefined) {
    const { slugSchema } = await import("../content/model.ts");
    const s = slugSchema.safeParse(values.section);
    if (!s.success)
      throw new UsageError(`--section: "${values.section}" ${s.error.issues[0]?.message ?? "is not a slug"}`);
    section = { slug: s.data, name: s.data.replace(/-/g, " ").replace(/^./, (c) => c.toUpperCase()) };
  }
  const files = positionals.flatMap(jsonFilesIn);
  const [{ importFile }, { default: cliProgress }] = await Promise.all([
    import("../ingest/ninjs-importer.ts"),
    import("cli-progress"),
  ]);
  const { db, media } = await open(config);
  const results: ImportResult[] = [];
  const bar =
    !values.json && files.length >= 20 && process.stderr.isTTY
      ? new cliProgress.SingleBar(
          { format: "importing [{bar}] {value}/{total} files", stream: process.stderr },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  bar?.start(files.length, 0);
  for (const file of files) {
    const rs = await importFile(
      {
        db,
        media,
        strict: values.strict,
        queue: values.queue,
        ...(section ? { section } : {}),
        ...(ninjsVersion ? { ninjsVersion } : {}),
      },
      file,
    );
    results.push(...rs);
    if (!values.json) {
      for (const r of rs) {
        const line = `${r.status.padEnd(9)} ${r.file}${r.uri ? ` (${r.uri})` : ""}${r.url ? ` → ${r.url}` : ""}${r.reason ? `: ${r.reason}` : ""}${r.error ? `: ${r.error}` : ""}`;
        if (bar) bar.stop();
        (r.status === "error" ? console.error : console.log)(line);
        for (const w of r.warnings ?? []) console.log(`          warning: ${w}`);
        if (bar) bar.start(files.length, files.indexOf(file) + 1);
      }
    }
    bar?.update(files.indexOf(file) + 1);
  }
  bar?.stop();
  await db.destroy();
  if (values.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    const count = (s: ImportResult["status"]) => results.filter((r) => r.status === s).length;
    const warned = results.filter((r) => r.warnings?.length).length;
    console.log(
      `\n${results.length} item(s) from ${files.length} file(s): ${count("created")} created, ${count("updated")} updated, ${values.queue ? `${count("queued")} queued, ` : ""}${count("unchanged")} unchanged, ${count("skipped")} skipped, ${count("error")} failed${warned ? `; ${warned} imported with warnings` : ""}`,
    );
  }
  return results.some((r) => r.status === "error") ? 1 : 0;
}

function printDemoAccounts(accounts: readonly DemoAccount[], config: Config, origin?: string): void {
  const width = Math.max(...accounts.map((a) => a.email.length));
  console.log(
    [
      "",
      "Demo newsroom accounts (DEMO ONLY: shown this once, not stored anywhere in clear;",
      "create real accounts with `gazette user add` and disable these before going live):",
      ...accounts.map((a) => `  ${a.role.padEnd(11)} ${a.email.padEnd(width)}  password: ${a.password}`),
      `Sign in at ${origin ?? config.site.baseUrl.replace(/\/$/, "")}/admin`,
      "",
    ].join("\n"),
  );
}

async function cmdServe(config: Config): Promise<number> {
  const [{ buildApp }, { ensureSearchIndex, setSearchLanguage }, { countStories }, { seedDemo }] =
    await Promise.all([
      import("../app.ts"),
      import("../store/search-store.ts"),
      import("../store/story-queries.ts"),
      import("../demo/seed.ts"),
    ]);
  const { db, media } = await open(config);
  setSearchLanguage(config.site.language);
  const reindexed = await ensureSearchIndex(db);
  if (reindexed) console.log(`Search index rebuilt for ${reindexed} stories.`);
  let seeded: { accounts: DemoAccount[]; pictureSizesMade: Promise<void>; t0: number } | undefined;
  if (config.seedDemo && (await countStories(db)) === 0) {
    console.log("Empty database: seeding the demo newsroom (original stories, generated images and videos)…");
    const t0 = Date.now();
    let quarter = 0;
    const result = await seedDemo({
      db,
      media,
      config,
      pictureSizes: "later",
      onPictureSizes: (done, of) => {
        // A line at each quarter: the log stays readable between request logs.
        if (done < of && done >= ((quarter + 1) * of) / 4) {
          quarter = Math.floor((done * 4) / of);
          console.log(`Demo pictures: ${done} of ${of} in every size…`);
        }
      },
    });
    console.log(`Demo stories in place in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
    seeded = { ...result, t0 };
  }
  const app = await buildApp({ config, db, media, logger: true });
  const close = async () => {
    await app.close();
    await db.destroy();
    process.exit(0);
  };
  process.once("SIGINT", close);
  process.once("SIGTERM", close);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = address && typeof address === "object" ? address.port : config.port;
  const local = `http://localhost:${port}`;
  console.log(`Gazette is serving ${config.site.name} at ${local}/ (data: ${config.dataDir})`);
  if (seeded) {
    const defaultBase = config.site.baseUrl === "http://localhost:3000";
    printDemoAccounts(seeded.accounts, config, defaultBase ? local : undefined);
    const { t0 } = seeded;
    console.log("Making the demo pictures' other sizes in the background; the site serves meanwhile.");
    // Pages already serve; a size asked for before its turn is made on request.
    seeded.pictureSizesMade.then(
      () =>
        console.log(
          `Demo pictures ready in every size (${((Date.now() - t0) / 1000).toFixed(1)} s after the start).`,
        ),
      (err: unknown) =>
        app.log.error({ err }, "making the demo pictures' sizes failed; each is made on first request"),
    );
  }
  return -1; // keep running
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  /** A command that takes nothing refuses what it was given, rather than ignore it. */
  const noArguments = (name: string, given: readonly string[], why: string) => {
    if (given.length) throw new UsageError(`${name}: takes no arguments (got "${given.join(" ")}"); ${why}`);
  };
  if (!command || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`gazette: configuration error\n${err.message}`);
      return 2;
    }
    throw err;
  }
  try {
    switch (command) {
      case "serve":
        noArguments(
          "serve",
          rest,
          "its settings come from the environment and gazette.config.json, e.g. PORT=8080 gazette serve",
        );
        return await cmdServe(config);
      case "import":
        return await cmdImport(rest, config);
      case "migrate": {
        noArguments("migrate", rest, "it migrates the database GAZETTE_DATA or DATABASE_URL names");
        const [{ openDatabase }, { migrateToLatest }] = await Promise.all([
          import("../store/database.ts"),
          import("../store/migrations.ts"),
        ]);
        if (!config.databaseUrl) mustWrite(config.dataDir, "data folder");
        const db = await openDatabase({
          dataDir: config.dataDir,
          databaseUrl: config.databaseUrl,
          migrate: false,
        });
        const applied = await migrateToLatest(db as never);
        await db.destroy();
        console.log(applied.length ? `Applied: ${applied.join(", ")}` : "The database is up to date.");
        return 0;
      }
      case "backup": {
        const [file, ...extra] = rest;
        if (!file || extra.length)
          throw new UsageError(
            "backup: name one FILE to write, e.g. gazette backup backups/gazette-2026-11-28.sqlite",
          );
        if (config.databaseUrl)
          throw new UsageError(
            "backup: DATABASE_URL is set; back PostgreSQL up with pg_dump (see docs/operations.md)",
          );
        if (!fs.existsSync(path.join(config.dataDir, "gazette.sqlite"))) {
          console.error(
            `backup: no database at ${path.join(config.dataDir, "gazette.sqlite")}; check GAZETTE_DATA`,
          );
          return 1;
        }
        if (fs.existsSync(file)) throw new UsageError(`backup: ${file} already exists; name a new file`);
        fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
        const { backupSqlite } = await import("../store/database.ts");
        const { pages } = await backupSqlite(config.dataDir, file);
        console.log(
          config.media.s3
            ? `Backed up ${pages} pages to ${file}. Media files are in the bucket s3://${config.media.s3.bucket}${config.media.s3.prefix ? `/${config.media.s3.prefix}` : ""}: keep it versioned or replicated (docs/operations.md).`
            : `Backed up ${pages} pages to ${file}. Media files are in ${config.mediaDir}: copy that folder too.`,
        );
        return 0;
      }
      case "user": {
        const { userCommand } = await import("./user-command.ts");
        const { db } = await open(config);
        try {
          return await userCommand(rest, config, db);
        } finally {
          await db.destroy();
        }
      }
      case "newsletter": {
        const { newsletterCommand } = await import("./newsletter-command.ts");
        const { db } = await open(config);
        try {
          return await newsletterCommand(rest, config, db);
        } finally {
          await db.destroy();
        }
      }
      case "export": {
        const { exportCommand } = await import("./export-command.ts");
        return await exportCommand(rest, config, () => open(config));
      }
      case "restore": {
        const { restoreCommand } = await import("./export-command.ts");
        return await restoreCommand(rest, () => open(config));
      }
      case "import-wordpress":
      case "import-ghost": {
        const { importCommand } = await import("./import-command.ts");
        return await importCommand(command === "import-wordpress" ? "wordpress" : "ghost", rest, config, () =>
          open(config),
        );
      }
      case "media": {
        const { mediaCommand } = await import("./media-command.ts");
        return await mediaCommand(rest, config, () => open(config));
      }
      case "seed-demo": {
        const [{ countStories }, { seedDemo }] = await Promise.all([
          import("../store/story-queries.ts"),
          import("../demo/seed.ts"),
        ]);
        const { db, media } = await open(config);
        if ((await countStories(db)) > 0) {
          console.error("seed-demo: the database already has stories; point GAZETTE_DATA at an empty folder");
          await db.destroy();
          return 1;
        }
        const { accounts } = await seedDemo({ db, media, config });
        await db.destroy();
        console.log("Demo newsroom seeded.");
        printDemoAccounts(accounts, config);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof DatabaseUnavailableError || err instanceof FolderError) {
      console.error(`gazette: ${err.message}`);
      return 1;
    }
    // The database file or a media file on a disk that refuses writes, found after start.
    const storage = storageFailure(err);
    if (storage) {
      console.error(
        `gazette: the ${storage.store} cannot be written (${storage.code}: ${(err as Error).message}); check the disk under GAZETTE_DATA${config.databaseUrl ? " or the PostgreSQL server" : ""}`,
      );
      return 1;
    }
    if (err instanceof NewsletterUsageError) {
      console.error(`gazette: ${err.message}\n\n${NEWSLETTER_USAGE}`);
      return 2;
    }
    if (err instanceof UserCommandError) {
      console.error(`gazette user: ${err.message}\n\n${USER_USAGE}`);
      return 2;
    }
    if (
      err instanceof UsageError ||
      (err instanceof TypeError && (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS"))
    ) {
      console.error(`gazette: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}
