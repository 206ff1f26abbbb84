/**
 * A full disk and a read-only data folder, for real: `gazette serve` runs in
 * a mount namespace of its own (`unshare`, no root needed where user
 * namespaces are allowed) whose data folder is a small tmpfs, or a
 * read-only bind mount. The test fills that tmpfs through /proc/PID/root
 * until the kernel says ENOSPC, as a runaway log file would.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import SQLite from "better-sqlite3";
import { openDatabase } from "../../src/store/database.ts";
import { createSession } from "../../src/store/session-store.ts";
import { upsertSection } from "../../src/store/taxonomy-store.ts";
import { ROOT, eventually, getOnce, tempDir, writeJpeg } from "../helpers.ts";
import { addUser } from "../newsroom-client.ts";

const dirs: string[] = [];
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) c.kill("SIGKILL");
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function dir(prefix: string): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}

/** `gazette serve` inside a mount namespace where `setup` (shell, as root of that namespace) has run first. */
function serveInNamespace(dataDir: string, setup: string) {
  const child = spawn(
    "unshare",
    [
      "--user",
      "--map-root-user",
      "--mount",
      "sh",
      "-c",
      `${setup} && exec "${process.execPath}" --import tsx src/cli/main.ts serve`,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, GAZETTE_DATA: dataDir, GAZETTE_DEMO: "0", PORT: "0", HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 120_000);
    child.stdout!.on("data", () => {
      const m = /serving .* at (http:\/\/localhost:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace("localhost", "127.0.0.1"));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code}: ${out}`));
    });
  });
  listening.catch(() => undefined);
  return { child, listening, exited, output: () => out };
}

/** One request on a connection of its own. */
function send(
  url: string,
  opts: { method: string; headers: Record<string, string>; body?: Buffer | string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method, headers: opts.headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("a full disk under the data folder (SQLite and media on one tmpfs)", { timeout: 240_000 }, () => {
  const prepared = dir("gazette-disk-prep-");
  const mountPoint = dir("gazette-disk-");
  let server: ReturnType<typeof serveInNamespace>;
  let base = "";
  let headers: Record<string, string> = {};
  let picture: Buffer;
  /** The tmpfs as this process sees it: through the server's own view of the file system. */
  let inside = "";

  before(async () => {
    const db = await openDatabase({ dataDir: prepared });
    await upsertSection(db, { slug: "city", name: "City" });
    const user = await addUser(db, "editor", "Dora Disk");
    const { token, session } = await createSession(db, user.id, { ip: "127.0.0.1", userAgent: "test" });
    await db.destroy();
    headers = { cookie: `gz_session=${token}`, "x-csrf-token": session.csrfToken };
    const jpeg = path.join(dir("gazette-disk-pic-"), "p.jpg");
    await writeJpeg(jpeg, 1600, 1000, "#8a5a2b");
    picture = fs.readFileSync(jpeg);
    server = serveInNamespace(
      mountPoint,
      `mount -t tmpfs -o size=24m tmpfs "${mountPoint}" && cp -a "${prepared}/." "${mountPoint}/"`,
    );
    base = await server.listening;
    headers.origin = base;
    inside = `/proc/${server.child.pid}/root${mountPoint}`;
    assert.ok(fs.existsSync(path.join(inside, "gazette.sqlite")), "the test sees the server's tmpfs");
  });

  const story = (headline: string) =>
    JSON.stringify({ headline, sectionSlug: "city", summary: ["One point."], body: [] });

  const json = { "content-type": "application/json" };

  const upload = async () => {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(picture)], { type: "image/jpeg" }), "quay.jpg");
    form.append("alt", "A quay");
    const r = new Request("http://x/", { method: "POST", body: form });
    return send(`${base}/api/admin/images`, {
      method: "POST",
      headers: { ...headers, "content-type": r.headers.get("content-type")!, accept: "application/json" },
      body: Buffer.from(await r.arrayBuffer()),
    });
  };

  it("healthz says ok and writes work while there is room", async () => {
    const h = await getOnce(`${base}/healthz`);
    assert.equal(h.status, 200, h.body);
    const created = await send(`${base}/api/admin/stories`, {
      method: "POST",
      headers: { ...headers, ...json },
      body: story("Before the disk filled"),
    });
    assert.equal(created.status, 201, created.body);
  });

  it("on a full disk: healthz is 503 naming both stores, writes are 503 naming the cause, nothing half-written stays", async () => {
    // SQLite appends to its write-ahead log before it writes the database:
    // emptied now, the next commit needs new blocks, as on a disk that filled up under a busy site.
    const sqlite = new SQLite(path.join(inside, "gazette.sqlite"));
    sqlite.pragma("wal_checkpoint(TRUNCATE)");
    sqlite.close();
    const filler = fs.openSync(path.join(inside, "filler"), "w");
    const block = Buffer.alloc(256 * 1024, 1);
    try {
      for (;;) fs.writeSync(filler, block);
    } catch (err) {
      assert.equal((err as NodeJS.ErrnoException).code, "ENOSPC");
    }
    for (;;) {
      try {
        fs.writeSync(filler, Buffer.alloc(512, 1));
      } catch {
        break;
      }
    }
    fs.closeSync(filler);

    await eventually(
      "healthz reports the full disk",
      async () => (await getOnce(`${base}/healthz`)).status === 503,
    );
    // (Besides the page cache's figures.)
    const { pageCache: _cache, ...report } = JSON.parse((await getOnce(`${base}/healthz`)).body) as Record<
      string,
      unknown
    >;
    assert.deepEqual(report, { status: "unavailable", database: "full", media: "full" });

    const saved = await send(`${base}/api/admin/stories`, {
      method: "POST",
      headers: { ...headers, ...json },
      body: story("Written to a full disk"),
    });
    assert.equal(saved.status, 503, saved.body);
    assert.equal(saved.headers["retry-after"], "60");
    const err = JSON.parse(saved.body).error as {
      code: string;
      store: string;
      problem: string;
      message: string;
    };
    assert.equal(err.code, "GZ_ERR_STORAGE");
    assert.equal(err.store, "database");
    assert.equal(err.problem, "full");
    assert.match(err.message, /^The database cannot be written: its disk is full\. Nothing was saved/);

    const up = await upload();
    assert.equal(up.status, 503, up.body);
    const upErr = JSON.parse(up.body).error as { store: string; problem: string };
    assert.deepEqual([upErr.store, upErr.problem], ["media store", "full"]);

    const leftovers = fs
      .readdirSync(path.join(inside, "media"), { recursive: true, encoding: "utf8" })
      .filter((f) => /\.tmp$|health-probe/.test(f));
    assert.deepEqual(leftovers, [], "no temp file is left in the media folder");

    // The log names the real cause, not SQLite's "cannot rollback" that used to hide it.
    assert.match(server.output(), /SQLITE_FULL|database or disk is full/);
    assert.match(server.output(), /ENOSPC/);
    assert.doesNotMatch(server.output(), /cannot rollback/);
  });

  it("once space is freed, healthz is ok again and the same writes succeed", async () => {
    fs.rmSync(path.join(inside, "filler"));
    await eventually("healthz is ok again", async () => (await getOnce(`${base}/healthz`)).status === 200);
    const saved = await send(`${base}/api/admin/stories`, {
      method: "POST",
      headers: { ...headers, ...json },
      body: story("Written once space was freed"),
    });
    assert.equal(saved.status, 201, saved.body);
    assert.equal((await upload()).status, 201);
    const list = JSON.parse(
      (await send(`${base}/api/admin/stories?q=written`, { method: "GET", headers })).body,
    ) as { items: { headline: string }[] };
    assert.deepEqual(
      list.items.map((s) => s.headline),
      ["Written once space was freed"],
      "the story refused on the full disk was not half-saved",
    );
  });
});

describe("a read-only data folder", () => {
  it("`gazette serve` says so in one line and exits 1, for an existing and for a new data folder", async () => {
    const existing = dir("gazette-ro-");
    const db = await openDatabase({ dataDir: existing });
    await db.destroy();
    const readOnly = (d: string) => `mount --bind "${d}" "${d}" && mount -o remount,bind,ro "${d}"`;
    for (const [dataDir, mounted] of [
      [existing, existing],
      [path.join(dir("gazette-ro-parent-"), "data"), undefined],
    ] as const) {
      const ro = mounted ?? path.dirname(dataDir);
      const s = serveInNamespace(dataDir, readOnly(ro));
      assert.equal(await s.exited, 1, s.output());
      assert.equal(
        s.output().trim(),
        `gazette: cannot write the data folder ${dataDir}: it is on a read-only disk (EROFS). Point GAZETTE_DATA at a folder this user can write, or fix that one.`,
      );
    }
  });
});
