/**
 * Importing from the newsroom, on both engines: an admin uploads a
 * WordPress export through the admin API, the import runs in the background
 * of the server (pictures downloaded from the old site, here a local
 * server), its progress and report are read back; refusals name the field
 * and leave nothing behind; one import at a time; a run whose server stops
 * mid-way is seen as interrupted by another server and continued there from
 * its checkpoint, without duplicates.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import { buildApp } from "../../src/app.ts";
import { DIALECTS, ROOT, type TestEnv, countRows, eventually, makeEnv, tempDir } from "../helpers.ts";
import { type Client, addUser, sessionFor } from "../newsroom-client.ts";
import { writeLargeWxr } from "../wxr-generator.ts";

const FIXTURE = path.join(ROOT, "test", "fixtures", "wordpress", "harbour-gazette.xml");

/** An upload as the browser's form sends it. */
async function upload(
  client: Client,
  file: { name: string; bytes: Buffer | string; type?: string } | undefined,
  fields: Record<string, string> = {},
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file)
    form.append(
      "file",
      new Blob([new Uint8Array(Buffer.from(file.bytes))], { type: file.type ?? "application/octet-stream" }),
      file.name,
    );
  const r = new Request("http://x/", { method: "POST", body: form });
  return client.call("POST", "/api/admin/imports", Buffer.from(await r.arrayBuffer()), {
    "content-type": r.headers.get("content-type")!,
    accept: "application/json",
  });
}

interface RunJson {
  id: number;
  state: string;
  position: number;
  total: number;
  file: string;
  counts: Record<string, number>;
  startedBy: { name: string } | null;
  options: Record<string, unknown> | null;
  error: string | null;
  report: { format?: string; unresolved?: string[]; resumedAfter?: number } | null;
  canContinue: boolean;
}

interface ItemsJson {
  items: {
    id: number;
    key: string;
    status: string;
    title: string | null;
    detail: string | null;
    notes: string[];
  }[];
  next: number | null;
}

/** The old site: pictures by name; `slow.jpg` is held until `release()`. */
async function oldSite() {
  const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: "#3b6a8c" } })
    .jpeg()
    .toBuffer();
  const held: http.ServerResponse[] = [];
  let released = false;
  let slowAsked = 0;
  const server = http.createServer((req, res) => {
    const url = req.url ?? "";
    if (url.endsWith("/slow.jpg")) {
      slowAsked++;
      if (!released) return void held.push(res);
    }
    if (/\/(ferry|crews|slow)\.jpg$/.test(url))
      res.writeHead(200, { "content-type": "image/jpeg" }).end(jpeg);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    slowAsked: () => slowAsked,
    release() {
      released = true;
      for (const r of held.splice(0)) r.writeHead(200, { "content-type": "image/jpeg" }).end(jpeg);
    },
    async close() {
      for (const r of held.splice(0)) r.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const TABLES = [
  "stories",
  "images",
  "sections",
  "authors",
  "pages",
  "comments",
  "import_items",
  "legacy_urls",
] as const;

for (const dialect of DIALECTS) {
  describe(`importing from the newsroom (${dialect})`, () => {
    let env: TestEnv;
    let admin: Client;
    let editor: Client;
    let site: Awaited<ReturnType<typeof oldSite>>;
    const uploadsLeft = () =>
      fs.existsSync(path.join(env.dataDir, "imports"))
        ? fs.readdirSync(path.join(env.dataDir, "imports"))
        : [];
    const runOf = (id: number, c: Client = admin) => c.json<RunJson>("GET", `/api/admin/imports/${id}`);

    before(async () => {
      env = await makeEnv({ dialect });
      admin = await sessionFor(env.app, env.db, await addUser(env.db, "admin", "Ada Admin"));
      editor = await sessionFor(env.app, env.db, await addUser(env.db, "editor", "Ed Editor"));
      site = await oldSite();
    });
    after(async () => {
      await site.close();
      await env.close();
    });

    it("runs an uploaded WordPress export in the background, downloads its pictures and reports each item", async () => {
      const xml = fs.readFileSync(FIXTURE, "utf8").replaceAll("https://harbour.example", site.origin);
      const res = await upload(
        admin,
        { name: "harbour-gazette.xml", bytes: xml, type: "text/xml" },
        { fetchMedia: "on", section: "archive" },
      );
      assert.equal(res.statusCode, 202, res.body);
      const started = res.json() as RunJson;
      assert.ok(["running", "done"].includes(started.state), started.state);
      assert.equal(started.file, "harbour-gazette.xml");
      assert.equal(started.startedBy?.name, "Ada Admin");
      assert.deepEqual(started.options, { fetchMedia: true, section: "archive" });
      await env.app.imports.idle();
      await env.app.syncChanges();

      const run = await runOf(started.id);
      assert.equal(run.state, "done", JSON.stringify(run));
      assert.equal(run.position, run.total);
      assert.deepEqual(run.counts, { created: 10, updated: 0, unchanged: 0, skipped: 5, error: 0 });
      assert.equal(run.report?.format, "WordPress (WXR 1.2)");
      const unresolved = (run.report?.unresolved ?? []).join("\n");
      assert.match(unresolved, /lost\.jpg answered 404/);
      assert.equal(run.canContinue, false);
      assert.deepEqual(uploadsLeft(), [], "the upload is removed once imported");

      // Every item's outcome, a page at a time, in file order.
      const all: ItemsJson["items"] = [];
      let after = 0;
      for (;;) {
        const page = await admin.json<ItemsJson>(
          "GET",
          `/api/admin/imports/${run.id}/items?limit=4&after=${after}`,
        );
        all.push(...page.items);
        if (page.next === null) break;
        after = page.next;
      }
      assert.equal(all.length, 15);
      assert.equal(new Set(all.map((i) => i.key)).size, 15);
      const attention = await admin.json<ItemsJson>(
        "GET",
        `/api/admin/imports/${run.id}/items?show=attention`,
      );
      assert.ok(
        attention.items.every((i) => i.status === "error" || i.status === "skipped" || i.notes.length > 0),
      );
      assert.ok(attention.items.some((i) => i.key === "post:16" && i.status === "skipped" && i.detail));
      const created = await admin.json<ItemsJson>("GET", `/api/admin/imports/${run.id}/items?show=created`);
      assert.equal(created.items.length, 10);

      // The pictures came from the old site: the ferry story's hero is stored here.
      const ferry = all.find((i) => i.key === "post:10");
      assert.equal(ferry?.status, "created");
      const story = await env.db
        .selectFrom("stories")
        .innerJoin("import_items", "import_items.target_id", "stories.id")
        .select(["stories.path", "stories.hero_image_id"])
        .where("import_items.item_key", "=", "post:10")
        .where("import_items.kind", "=", "story")
        .executeTakeFirstOrThrow();
      assert.ok(story.hero_image_id, "the hero picture was downloaded");
      const page = await env.app.inject({ url: story.path });
      assert.equal(page.statusCode, 200);
      const old = await env.app.inject({ url: "/?p=10" });
      assert.equal(old.statusCode, 301);
      assert.equal(old.headers.location, story.path);

      // The list shows it; editors may not see or start imports.
      const list = await admin.json<{ items: RunJson[] }>("GET", "/api/admin/imports");
      assert.equal(list.items[0]?.id, run.id);
      assert.equal((await editor.call("GET", "/api/admin/imports")).statusCode, 403);
      assert.equal((await upload(editor, { name: "x.xml", bytes: xml })).statusCode, 403);

      // The same file again: a new run, nothing duplicated.
      const before = await countRows(env.db, TABLES);
      const again = await upload(admin, { name: "harbour-gazette.xml", bytes: xml }, { fetchMedia: "on" });
      assert.equal(again.statusCode, 202, again.body);
      await env.app.imports.idle();
      const second = await runOf((again.json() as RunJson).id);
      assert.notEqual(second.id, run.id);
      assert.equal(second.state, "done");
      assert.equal(second.counts["created"], 0);
      assert.equal(second.counts["unchanged"], 10);
      assert.deepEqual(await countRows(env.db, TABLES), before);
    });

    it("refuses what it cannot import, naming the field, and leaves nothing behind", async () => {
      const before = await countRows(env.db, TABLES);
      const runsBefore = (await admin.json<{ items: RunJson[] }>("GET", "/api/admin/imports")).items.length;
      const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#000" } })
        .png()
        .toBuffer();
      const cases: [string, Awaited<ReturnType<typeof upload>>, number, string, RegExp][] = [
        [
          "a picture",
          await upload(admin, { name: "x.png", bytes: png }),
          415,
          "file",
          /neither a WordPress export/,
        ],
        [
          "an empty file",
          await upload(admin, { name: "x.xml", bytes: "" }),
          400,
          "file",
          /Choose the export/,
        ],
        ["no file", await upload(admin, undefined, { fetchMedia: "on" }), 400, "file", /Choose the export/],
        [
          "a section that is not a slug",
          await upload(admin, { name: "x.xml", bytes: "<rss/>" }, { section: "Not a slug!" }),
          400,
          "section",
          /.*/,
        ],
        [
          "an old address for a WordPress export",
          await upload(admin, { name: "x.xml", bytes: "<rss/>" }, { siteUrl: "https://old.example" }),
          400,
          "siteUrl",
          /read from a WordPress export/,
        ],
        [
          "an old address that is not one",
          await upload(admin, { name: "x.json", bytes: "{}" }, { siteUrl: "old site" }),
          400,
          "siteUrl",
          /.*/,
        ],
      ];
      for (const [what, res, status, field, message] of cases) {
        assert.equal(res.statusCode, status, `${what}: ${res.body}`);
        const err = (res.json() as { error: { message: string; fields: { path: string }[] } }).error;
        assert.ok(
          err.fields.some((f) => f.path === field),
          `${what} names ${field}: ${JSON.stringify(err)}`,
        );
        assert.match(err.message, message, what);
      }
      assert.equal(
        (await admin.json<{ items: RunJson[] }>("GET", "/api/admin/imports")).items.length,
        runsBefore,
      );

      // Malformed XML is found by the run: it fails saying where, and writes nothing.
      const broken = await upload(admin, {
        name: "broken.xml",
        bytes: `<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n<wp:wxr_version>1.2</wp:wxr_version>\n<item><title>Cut</title></channel></rss>`,
      });
      assert.equal(broken.statusCode, 202, broken.body);
      await env.app.imports.idle();
      const failed = await runOf((broken.json() as RunJson).id);
      assert.equal(failed.state, "failed");
      assert.match(
        failed.error ?? "",
        /^The file was refused: line 4, column \d+: .*Nothing was imported\.$/,
      );
      assert.equal(failed.canContinue, false);
      assert.deepEqual(await countRows(env.db, TABLES), before);
      assert.deepEqual(uploadsLeft(), []);

      // Over the size limit (newsroom.maxImportMb): 413, the part written so far removed.
      const small = await makeEnv({ dialect, configure: (c) => (c.newsroom.maxImportMb = 1) });
      try {
        const a = await sessionFor(small.app, small.db, await addUser(small.db, "admin"));
        const big = await upload(a, { name: "big.xml", bytes: `<rss>${"x".repeat(1_200_000)}</rss>` });
        assert.equal(big.statusCode, 413, big.body);
        assert.match(big.body, /larger than the 1 MB limit/);
        assert.deepEqual(fs.readdirSync(path.join(small.dataDir, "imports")), []);
      } finally {
        await small.close();
      }
    });

    it("runs one import at a time, and a run whose server stopped is continued on another from its checkpoint", async () => {
      const dir = tempDir("gazette-newsroom-import-");
      try {
        const { file } = await writeLargeWxr(path.join(dir, "archive.xml"), 40, `${site.origin}/archive`);
        // Post 25 shows a picture the old site holds back: the run waits in its third batch.
        const xml = fs
          .readFileSync(file, "utf8")
          .split("<item>")
          .map((item) =>
            item.includes("<wp:post_id>25</wp:post_id>")
              ? item.replace(
                  "<content:encoded><![CDATA[",
                  `<content:encoded><![CDATA[<p><img src="${site.origin}/wp-content/uploads/2020/01/slow.jpg" alt="A held picture"></p>\n\n`,
                )
              : item,
          )
          .join("<item>");
        // A second app server on the same database and data folder.
        const other = await buildApp({ config: env.config, db: env.db, media: env.media });
        const otherAdmin = await sessionFor(other, env.db, await addUser(env.db, "admin", "Olu Other"));
        const res = await upload(otherAdmin, { name: "archive.xml", bytes: xml }, { fetchMedia: "true" });
        assert.equal(res.statusCode, 202, res.body);
        const id = (res.json() as RunJson).id;
        await eventually("the run reaches the held picture", async () => site.slowAsked() > 0);

        // Seen from this server: running (the other one says so); a second import waits.
        const seen = await runOf(id);
        assert.equal(seen.state, "running");
        assert.equal(seen.position, 20);
        assert.equal(seen.total, 40);
        const busy = await upload(admin, { name: "harbour-gazette.xml", bytes: fs.readFileSync(FIXTURE) });
        assert.equal(busy.statusCode, 409, busy.body);
        assert.match(busy.body, /An import is running \(archive\.xml/);
        assert.equal((await admin.call("POST", `/api/admin/imports/${id}/continue`)).statusCode, 409);

        // The other server stops: its run ends its batch and stays at its checkpoint.
        await other.close();
        const stopped = await runOf(id);
        assert.equal(stopped.state, "interrupted");
        assert.equal(stopped.position, 30);
        assert.equal(stopped.canContinue, true);

        // Continued here: it takes up after item 30 and brings the rest, once each.
        site.release();
        const cont = await admin.call("POST", `/api/admin/imports/${id}/continue`);
        assert.equal(cont.statusCode, 202, cont.body);
        await env.app.imports.idle();
        const done = await runOf(id);
        assert.equal(done.state, "done", JSON.stringify(done));
        assert.equal(done.report?.resumedAfter, 30);
        assert.deepEqual(done.counts, { created: 40, updated: 0, unchanged: 0, skipped: 0, error: 0 });
        const items = await admin.json<ItemsJson>("GET", `/api/admin/imports/${id}/items?limit=500`);
        assert.equal(items.items.length, 40);
        const held = items.items.find((i) => i.key === "post:25");
        assert.ok(
          held?.notes.some((n) => /slow\.jpg/.test(n)),
          JSON.stringify(held),
        );
        const stories = await env.db
          .selectFrom("import_items")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("source", "=", `wordpress:${site.origin}/archive`)
          .where("kind", "=", "story")
          .executeTakeFirstOrThrow();
        assert.equal(Number(stories.n), 40);
        assert.equal((await admin.call("POST", `/api/admin/imports/${id}/continue`)).statusCode, 409);
        assert.deepEqual(uploadsLeft(), []);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
