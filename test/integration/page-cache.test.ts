/** The page cache: validators, CDN headers, precise invalidation, and changes crossing processes. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { buildApp } from "../../src/app.ts";
import { openDatabase } from "../../src/store/database.ts";
import { saveStory, storyByUri } from "../../src/store/story-store.ts";
import { DIALECTS, ROOT, type TestEnv, demoEnv, eventually, tempDir, writeJpeg } from "../helpers.ts";
import fs from "node:fs";

const until = eventually;

for (const dialect of DIALECTS) {
  describe(`page cache (${dialect})`, () => {
    let env: TestEnv;
    let bridge: string;
    let seagrass: string;
    beforeEach(async () => {
      env = await demoEnv(dialect);
      bridge = (await storyByUri(env.db, "urn:gazette:demo:bridge"))!.path;
      seagrass = (await storyByUri(env.db, "urn:gazette:demo:seagrass"))!.path;
    });
    afterEach(() => env.close());
    const get = (url: string, headers: Record<string, string> = {}) =>
      env.app.inject({ method: "GET", url, headers });

    async function edit(
      uri: string,
      change: (headline: string) => string,
      status: "published" | "unpublished" = "published",
    ) {
      const s = (await storyByUri(env.db, uri))!;
      await saveStory(
        env.db,
        {
          headline: change(s.headline),
          summary: s.summary,
          body: s.body,
          sectionSlug: s.section.slug,
          topicNames: s.topics.map((t) => t.name),
          authorSlugs: s.authors.map((a) => a.slug),
          sources: s.sources,
          relatedVideoIds: s.relatedVideoIds,
          ...(s.heroImageId ? { heroImageId: s.heroImageId } : {}),
          status,
        },
        { id: s.id },
      );
      return s;
    }

    it("serves a repeat request from memory, with validators and CDN headers", async () => {
      const first = await get(bridge);
      assert.equal(first.headers["x-cache"], "MISS");
      const second = await get(bridge);
      assert.equal(second.headers["x-cache"], "HIT");
      assert.equal(second.body, first.body);
      assert.match(String(first.headers.etag), /^W\/"[\w-]{22}"$/);
      assert.equal(
        first.headers["cache-control"],
        "public, max-age=0, s-maxage=300, stale-while-revalidate=600, stale-if-error=86400",
      );
      const keys = String(first.headers["surrogate-key"]).split(" ");
      const id = (await storyByUri(env.db, "urn:gazette:demo:bridge"))!.id;
      for (const k of [
        `story:${id}`,
        "section:city",
        "topic:ellery-harbour",
        "author:ines-carvalho",
        "sections",
      ])
        assert.ok(keys.includes(k), `${k} in ${keys.join(" ")}`);
    });

    it("serves hits precompressed (brotli, gzip) on a real socket, and identical to the render", async () => {
      const zlib = await import("node:zlib");
      await env.app.listen({ port: 0, host: "127.0.0.1" });
      const base = `http://127.0.0.1:${(env.app.server.address() as { port: number }).port}`;
      const raw = async (encoding: string) =>
        new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
          http
            .get(`${base}${bridge}`, { headers: { "accept-encoding": encoding } }, (res) => {
              const chunks: Buffer[] = [];
              res.on("data", (c: Buffer) => chunks.push(c));
              res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
            })
            .on("error", reject);
        });
      const plain = await raw("identity");
      await until(
        "the cached copy to be compressed",
        async () => (await raw("br")).headers["content-encoding"] === "br",
      );
      const br = await raw("br, gzip");
      assert.equal(br.headers["x-cache"], "HIT");
      assert.equal(zlib.brotliDecompressSync(br.body).toString(), plain.body.toString());
      const gz = await raw("gzip;q=1, br;q=0");
      assert.equal(gz.headers["content-encoding"], "gzip");
      assert.equal(zlib.gunzipSync(gz.body).toString(), plain.body.toString());
      assert.equal(Number(gz.headers["content-length"]), gz.body.length);
    });

    it("answers 304 to a matching If-None-Match, from the cache and not", async () => {
      const { headers } = await get(seagrass);
      const again = await get(seagrass, { "if-none-match": String(headers.etag) });
      assert.equal(again.statusCode, 304);
      assert.equal(again.body, "");
      assert.equal((await get(seagrass, { "if-none-match": 'W/"other"' })).statusCode, 200);
    });

    it("drops exactly the pages a change touches", async () => {
      await get(bridge);
      await get(seagrass);
      await get("/");
      await get("/city");
      await get("/science");
      assert.equal((await get(seagrass)).headers["x-cache"], "HIT");
      await edit("urn:gazette:demo:bridge", (h) => `${h} (updated)`);
      await env.app.syncChanges();
      const page = await get(bridge);
      assert.equal(page.headers["x-cache"], "MISS");
      assert.match(page.body, /council confirms \(updated\)<\/h1>/);
      assert.equal((await get("/")).headers["x-cache"], "MISS", "the front page shows it");
      assert.equal((await get("/city")).headers["x-cache"], "MISS", "its section shows it");
      assert.equal(
        (await get(seagrass)).headers["x-cache"],
        "HIT",
        "an unrelated story in another section stays cached",
      );
      assert.equal((await get("/science")).headers["x-cache"], "HIT");
    });

    it("removes an unpublished story from every cached list", async () => {
      await get("/sport");
      const s = await edit("urn:gazette:demo:rowing", (h) => h, "unpublished");
      await env.app.syncChanges();
      assert.equal((await get(s.path)).statusCode, 404);
      assert.doesNotMatch((await get("/sport")).body, /women’s eight/);
      assert.doesNotMatch((await get("/feed.xml")).body, /women’s eight/);
    });

    it("sees another process's write within a second, without being told", async () => {
      const other = await openDatabase({ dataDir: env.dataDir, databaseUrl: env.databaseUrl });
      try {
        await get(seagrass);
        const s = (await storyByUri(other, "urn:gazette:demo:seagrass"))!;
        await saveStory(
          other,
          {
            headline: "Seagrass meadows keep spreading",
            summary: s.summary,
            body: s.body,
            sectionSlug: s.section.slug,
            topicNames: s.topics.map((t) => t.name),
            status: "published",
          },
          { id: s.id },
        );
        await until("the other process's edit to show", async () =>
          /Seagrass meadows keep spreading<\/h1>/.test((await get(seagrass)).body),
        );
      } finally {
        await other.destroy();
      }
    });

    it("sees a `gazette import` by the CLI", async () => {
      const fx = tempDir("gazette-cache-fx-");
      fs.cpSync(path.join(ROOT, "test", "fixtures", "ninjs"), fx, { recursive: true });
      await writeJpeg(path.join(fx, "pics", "library.jpg"));
      await get("/news").catch(() => undefined);
      const home = await get("/");
      assert.doesNotMatch(home.body, /Branch libraries to open on Sundays/);
      const r = spawnSync(
        process.execPath,
        ["--import", "tsx", "src/cli/main.ts", "import", path.join(fx, "story-3x.json")],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            GAZETTE_DATA: env.dataDir,
            ...(env.databaseUrl ? { DATABASE_URL: env.databaseUrl } : {}),
          },
          encoding: "utf8",
        },
      );
      assert.equal(r.status, 0, r.stderr);
      await until("the imported story to reach the cached front page", async () =>
        /Branch libraries to open on Sundays/.test((await get("/")).body),
      );
      fs.rmSync(fx, { recursive: true, force: true });
    });

    it("shows an embargoed story on cached pages when the embargo lifts", async () => {
      const s = (await storyByUri(env.db, "urn:gazette:demo:tram-fares"))!;
      const soon = new Date(Date.now() + 1500).toISOString();
      await saveStory(
        env.db,
        {
          headline: "Embargoed: tram fares frozen again",
          summary: s.summary,
          body: s.body,
          sectionSlug: s.section.slug,
          status: "published",
          embargoUntil: soon,
        },
        { id: s.id },
      );
      await env.app.syncChanges();
      assert.doesNotMatch((await get("/politics")).body, /Embargoed: tram fares/);
      assert.equal((await get("/politics")).headers["x-cache"], "HIT");
      await until("the story to appear when its embargo lifts", async () =>
        /Embargoed: tram fares/.test((await get("/politics")).body),
      );
    });

    it("calls the CDN purge hook once per change, even with two app processes", async () => {
      const received: string[][] = [];
      const hook = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
          assert.equal(req.headers.authorization, "Bearer purge-secret");
          received.push((JSON.parse(body) as { keys: string[] }).keys);
          res.end("ok");
        });
      });
      await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
      const url = `http://127.0.0.1:${(hook.address() as { port: number }).port}/purge`;
      const config = {
        ...env.config,
        cache: { ...env.config.cache, purgeUrl: url, purgeToken: "purge-secret", pollMs: 30 },
      };
      const dbs = [
        await openDatabase({ dataDir: env.dataDir, databaseUrl: env.databaseUrl }),
        await openDatabase({ dataDir: env.dataDir, databaseUrl: env.databaseUrl }),
      ];
      const apps = await Promise.all(dbs.map((db) => buildApp({ config, db, media: env.media })));
      try {
        await edit("urn:gazette:demo:orchestra", (h) => `${h}!`);
        const id = (await storyByUri(env.db, "urn:gazette:demo:orchestra"))!.id;
        await until("the purge hook to be called", async () =>
          received.some((k) => k.includes(`story:${id}`)),
        );
        // Both followers have read the change (and so had their chance to claim its purge).
        for (const a of apps) await a.syncChanges();
        assert.equal(received.filter((k) => k.includes(`story:${id}`)).length, 1, JSON.stringify(received));
        assert.ok(received.some((k) => k.includes("section:culture") && k.includes("home")));
      } finally {
        for (const a of apps) await a.close();
        for (const d of dbs) await d.destroy();
        hook.close();
      }
    });
  });
}
