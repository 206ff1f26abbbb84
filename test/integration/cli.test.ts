/** The `gazette` command as a user runs it: real processes, real files. */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import { DIALECTS, ROOT, getOnce, runGazette, tempDir, writeJpeg } from "../helpers.ts";
import { freshPostgresUrl } from "../postgres.ts";

const FIXTURES = path.join(ROOT, "test", "fixtures", "ninjs");
const dirs: string[] = [];
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) c.kill("SIGTERM");
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = tempDir("gazette-cli-");
  dirs.push(d);
  return d;
}

function gazette(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, GAZETTE_DEMO: "0", ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
}

/** The command without blocking this process's event loop (a server in the same test keeps answering). */
const gazetteAsync = runGazette;

async function fixtureDir(): Promise<string> {
  const d = dataDir();
  fs.cpSync(FIXTURES, d, { recursive: true });
  await writeJpeg(path.join(d, "pics", "quay.jpg"));
  await writeJpeg(path.join(d, "pics", "library.jpg"));
  return d;
}

for (const dialect of DIALECTS) {
  /** The store for one test: a SQLite file in the data folder, or a fresh PostgreSQL schema. */
  const store = async (): Promise<Record<string, string>> =>
    dialect === "postgres" ? { DATABASE_URL: await freshPostgresUrl() } : {};

  describe(`gazette (${dialect})`, () => {
    it("--json prints one array with an object per item, and exits non-zero when any item failed", async () => {
      const fx = await fixtureDir();
      const data = dataDir();
      const r = gazette(
        [
          "import",
          "--json",
          path.join(fx, "story-2x.json"),
          path.join(fx, "batch.json"),
          path.join(fx, "broken.json"),
        ],
        { GAZETTE_DATA: data, ...(await store()) },
      );
      assert.equal(r.status, 1, r.stderr);
      const out = JSON.parse(r.stdout) as {
        file: string;
        uri: string | null;
        status: string;
        url?: string;
        reason?: string;
        error?: string;
      }[];
      assert.equal(out.length, 1 + 6 + 1);
      for (const o of out) {
        assert.ok(["created", "updated", "unchanged", "skipped", "error"].includes(o.status));
        assert.ok("file" in o && "uri" in o);
      }
      assert.equal(out[0]?.status, "created");
      assert.equal(out[0]?.url, "/news/2026/02/10/ferry-crews-vote-to-strike-over-winter-rota");
      assert.equal(out.find((o) => o.status === "skipped")?.reason?.startsWith("event item"), true);
      assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, "no stack trace");
    });

    it("prints a readable line per item and a summary; exit 0 when all imported", async () => {
      const fx = await fixtureDir();
      const env = { GAZETTE_DATA: dataDir(), ...(await store()) };
      const r = gazette(
        ["import", "--section", "wire", fx.replace(/$/, "/story-3x.json"), path.join(fx, "hostile.json")],
        env,
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(
        r.stdout,
        /^created +.*hostile\.json.*\n +warning: sanitising dropped \d+ characters of text inside <script>/m,
      );
      assert.match(
        r.stdout,
        /^created +.*story-3x\.json \(urn:gazette-test:library-hours\) → \/wire\/2026\/02\/11\/branch-libraries-to-open-on-sundays-from-spring$/m,
      );
      assert.match(
        r.stdout,
        /2 item\(s\) from 2 file\(s\): 2 created, 0 updated, 0 unchanged, 0 skipped, 0 failed; 1 imported with warnings/,
      );
      const again = gazette(["import", path.join(fx, "story-3x.json"), "--section", "wire"], env);
      assert.match(again.stdout, /^unchanged/m);
    });

    // How files are found and reported does not depend on the store.
    if (dialect === "sqlite")
      it("imports a whole folder", async () => {
        const fx = await fixtureDir();
        const r = gazette(["import", "--json", fx], { GAZETTE_DATA: dataDir(), ...(await store()) });
        const out = JSON.parse(r.stdout) as { status: string }[];
        assert.ok(out.filter((o) => o.status === "created").length >= 3);
      });

    // The command line is read before any store is opened: once is enough.
    if (dialect === "sqlite")
      it("explains command-line mistakes with exit code 2", async () => {
        const [noFiles, badFlag, badSection, unknown, serveFlag] = await Promise.all([
          gazetteAsync(["import"]),
          gazetteAsync(["import", "--nope", "x.json"]),
          gazetteAsync(["import", "--section", "Not A Slug", "x.json"]),
          gazetteAsync(["publish"]),
          gazetteAsync(["serve", "--port", "8080"]),
        ]);
        // serve takes its settings from the environment: a flag is refused, not ignored.
        assert.equal(serveFlag.status, 2);
        assert.match(
          serveFlag.stderr,
          /serve: takes no arguments \(got "--port 8080"\); .*PORT=8080 gazette serve/,
        );
        assert.equal(noFiles.status, 2);
        assert.match(noFiles.stderr, /import: name at least one FILE or FOLDER/);
        assert.equal(badFlag.status, 2);
        assert.match(badFlag.stderr, /Unknown option '--nope'/);
        assert.equal(badSection.status, 2);
        assert.match(badSection.stderr, /--section: "Not A Slug" must be lower-case/);
        assert.equal(unknown.status, 2);
        assert.match(unknown.stderr, /unknown command "publish"/);
      });

    // The configuration is read before any store is opened: once is enough.
    if (dialect === "sqlite")
      it("explains configuration mistakes, naming the field", async () => {
        const data = dataDir();
        fs.writeFileSync(
          path.join(data, "gazette.config.json"),
          JSON.stringify({ ads: { everyParagraph: 3 }, site: { baseUrl: "news.example.org" } }),
        );
        const [port, url, down, file] = await Promise.all([
          gazetteAsync(["migrate"], { PORT: "eighty" }),
          gazetteAsync(["migrate"], { DATABASE_URL: "mysql://db.example.org/gazette" }),
          gazetteAsync(["migrate"], { DATABASE_URL: "postgres://gazette:secret@127.0.0.1:1/gazette" }),
          gazetteAsync(["migrate"], { GAZETTE_DATA: data }),
        ]);
        assert.equal(port.status, 2);
        assert.match(port.stderr, /environment: PORT: /);
        assert.equal(url.status, 2);
        assert.match(url.stderr, /environment: DATABASE_URL: must be a postgres:\/\/ URL/);
        assert.equal(down.status, 1);
        assert.equal(
          down.stderr.trim(),
          "gazette: cannot connect to PostgreSQL at 127.0.0.1:1/gazette (ECONNREFUSED); check DATABASE_URL and that the server is running",
        );
        assert.equal(file.status, 2);
        assert.match(file.stderr, /ads: Unrecognized key: "everyParagraph"/);
        assert.match(file.stderr, /site\.baseUrl: must be an origin like https:\/\/news\.example\.org/);
      });

    it("migrate applies migrations once", async () => {
      const env = { GAZETTE_DATA: dataDir(), ...(await store()) };
      const first = gazette(["migrate"], env);
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /The database is up to date|Applied/);
      assert.match(gazette(["migrate"], env).stdout, /up to date/);
    });

    it("user add, list, invite, reset-password and disable manage newsroom accounts", async () => {
      const env = { GAZETTE_DATA: dataDir(), ...(await store()) };
      const add = gazette(
        ["user", "add", "--email", "Ana.Desk@Example.org", "--role", "editor", "--name", "Ana Desk"],
        env,
      );
      assert.equal(add.status, 0, add.stderr);
      assert.match(add.stdout, /Created editor Ana Desk <ana\.desk@example\.org>/);
      const password = /Password \(shown once\): (\S+)/.exec(add.stdout)?.[1];
      assert.ok(password && password.length >= 20);
      const piped = spawnSync(
        process.execPath,
        [
          "--import",
          "tsx",
          "src/cli/main.ts",
          "user",
          "add",
          "--email",
          "bo@example.org",
          "--role",
          "admin",
          "--password-stdin",
        ],
        {
          cwd: ROOT,
          env: { ...process.env, GAZETTE_DEMO: "0", ...env },
          input: "a typed password here\n",
          encoding: "utf8",
        },
      );
      assert.equal(piped.status, 0, piped.stderr);
      assert.doesNotMatch(piped.stdout, /Password/);
      // Commands that do not depend on each other run side by side (as two operators' shells would).
      const [dup, badRole, badEmail, list] = await Promise.all([
        gazetteAsync(["user", "add", "--email", "ana.desk@example.org", "--role", "editor"], env),
        gazetteAsync(["user", "add", "--email", "c@example.org", "--role", "chief"], env),
        gazetteAsync(["user", "add", "--email", "not-an-email", "--role", "editor"], env),
        gazetteAsync(["user", "list"], env),
      ]);
      assert.equal(dup.status, 2);
      assert.match(dup.stderr, /--email: an account for ana\.desk@example\.org already exists/);
      assert.equal(badRole.status, 2);
      assert.match(
        badRole.stderr,
        /--role must be one of contributor, moderator, editor, admin \(got "chief"\)/,
      );
      assert.match(badEmail.stderr, /--email: "not-an-email" must be an email address/);
      assert.match(list.stdout, /editor\s+ana\.desk@example\.org\s+Ana Desk/);
      assert.match(list.stdout, /admin\s+bo@example\.org/);
      const [invite, reset, missing] = await Promise.all([
        gazetteAsync(["user", "invite", "--email", "new@example.org", "--role", "contributor"], env),
        gazetteAsync(["user", "reset-password", "--email", "ana.desk@example.org"], env),
        gazetteAsync(["user", "disable", "--email", "ghost@example.org"], env),
      ]);
      assert.equal(invite.status, 0, invite.stderr);
      assert.match(invite.stdout, /\/admin\/invite\/[\w-]{20,}/);
      assert.match(reset.stdout, /New password for ana\.desk@example\.org \(shown once\): \S+/);
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /no account for ghost@example\.org/);
      const unlockNothing = await gazetteAsync(["user", "unlock", "--email", "ana.desk@example.org"], env);
      assert.equal(unlockNothing.status, 0, unlockNothing.stderr);
      assert.match(unlockNothing.stdout, /ana\.desk@example\.org had no sign-in slowdown or lock/);
      const disable = await gazetteAsync(["user", "disable", "--email", "ana.desk@example.org"], env);
      assert.equal(disable.status, 0);
      assert.match((await gazetteAsync(["user", "list"], env)).stdout, /Ana Desk\s+\(disabled\)/);
    });

    it("works while the server runs on the same data folder, and the import shows on the running site", async () => {
      const env = { GAZETTE_DATA: dataDir(), ...(await store()) };
      const server = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve"], {
        cwd: ROOT,
        env: { ...process.env, GAZETTE_DEMO: "0", ...env, PORT: "0", HOST: "127.0.0.1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(server);
      const base = await new Promise<string>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
        server.stdout!.on("data", (b: Buffer) => {
          out += b.toString();
          const m = /serving .* at (http:\/\/localhost:\d+)\//.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!.replace("localhost", "127.0.0.1"));
          }
        });
        server.on("exit", (code) => reject(new Error(`server exited ${code}: ${out}`)));
      });
      assert.equal((await getOnce(`${base}/healthz`)).status, 200);
      const fx = await fixtureDir();
      const r = await gazetteAsync(["import", "--json", path.join(fx, "story-2x.json")], env);
      assert.equal(r.status, 0, r.stderr);
      const [item] = JSON.parse(r.stdout) as { url: string }[];
      const page = await getOnce(`${base}${item!.url}`);
      assert.equal(page.status, 200);
      assert.match(page.body, /Ferry crews vote to strike over winter rota/);
      server.kill("SIGTERM");
    });
  });
}

describe("gazette backup (SQLite)", () => {
  it("copies the database while it is in use, and the copy restores to the same site", async () => {
    const { demoDataDir, makeEnv } = await import("../helpers.ts");
    const live = await makeEnv({ dataDir: await demoDataDir() });
    const story = await live.db
      .selectFrom("stories")
      .select("path")
      .where("uri", "=", "urn:gazette:demo:bridge")
      .executeTakeFirstOrThrow();
    const before = (await live.app.inject(story.path)).body;
    const target = path.join(dataDir(), "backups", "gazette.sqlite");
    const r = gazette(["backup", target], { GAZETTE_DATA: live.dataDir });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Backed up \d+ pages to .*gazette\.sqlite\. Media files are in /);
    assert.equal(
      gazette(["backup", target], { GAZETTE_DATA: live.dataDir }).status,
      2,
      "an existing file is never overwritten",
    );
    assert.match(gazette(["backup"]).stderr, /backup: name one FILE/);
    // Restore: the database file, the media folder and the site's configuration into an empty data folder.
    const restored = dataDir();
    fs.copyFileSync(target, path.join(restored, "gazette.sqlite"));
    fs.cpSync(path.join(live.dataDir, "media"), path.join(restored, "media"), { recursive: true });
    fs.copyFileSync(
      path.join(live.dataDir, "gazette.config.json"),
      path.join(restored, "gazette.config.json"),
    );
    await live.close();
    const env = await makeEnv({ dataDir: restored });
    try {
      const page = await env.app.inject(story.path);
      assert.equal(page.statusCode, 200);
      assert.equal(page.body, before);
      const img = /<img src="(\/media\/[^"]+)"/.exec(page.body)![1]!;
      assert.equal((await env.app.inject(img)).statusCode, 200, "the media came back too");
    } finally {
      await env.close();
    }
  });
});
