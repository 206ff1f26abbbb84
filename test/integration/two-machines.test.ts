/**
 * Two app processes with no shared disk, as on two machines: each its own
 * data folder, one PostgreSQL, one S3 bucket (s3rver). A picture and a video
 * uploaded through A appear, in every size, on a story served by B; with A
 * stopped, B still serves every media file; neither keeps media on its disk.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import { hashPassword } from "../../src/auth/passwords.ts";
import { parseMediaUrl } from "../../src/config.ts";
import { panVideo } from "../../src/demo/videos.ts";
import { S3Store } from "../../src/media/s3-store.ts";
import { openDatabase } from "../../src/store/database.ts";
import { upsertSection } from "../../src/store/taxonomy-store.ts";
import { createUser } from "../../src/store/user-store.ts";
import { startServer } from "../browser.ts";
import { DIALECTS, eventually, tempDir } from "../helpers.ts";
import { freshPostgresUrl } from "../postgres.ts";
import { type TestBucket, startS3 } from "../s3.ts";

const PASSWORD = "two machines, one bucket";

/** A cookie-keeping client for one base URL, signed in as the editor. */
async function signedIn(base: string) {
  const cookies = new Map<string, string>();
  let csrf = "";
  const call = async (method: string, url: string, body?: unknown) => {
    const form = body instanceof FormData;
    const res = await fetch(`${base}${url}`, {
      method,
      redirect: "manual",
      headers: {
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        connection: "close",
        ...(csrf && method !== "GET" ? { "x-csrf-token": csrf, origin: base } : {}),
        ...(body !== undefined && !form ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: form ? body : JSON.stringify(body) } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [k, v] = c.split(";")[0]!.split("=");
      cookies.set(k!, v!);
    }
    return res;
  };
  csrf = ((await (await call("GET", "/api/admin/session")).json()) as { csrfToken: string }).csrfToken;
  const res = await call("POST", "/api/admin/session", { email: "desk@example.org", password: PASSWORD });
  assert.equal(res.status, 200, await res.clone().text());
  csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
  return call;
}

/** Every media URL a page shows: src, srcset and poster. */
function mediaUrlsOf(html: string): string[] {
  const urls = new Set<string>();
  for (const m of html.matchAll(/\b(?:src|poster)="(\/media\/[^"]+)"/g)) urls.add(m[1]!);
  for (const m of html.matchAll(/\bsrcset="([^"]+)"/g))
    for (const part of m[1]!.split(",")) {
      const u = part.trim().split(/\s+/)[0]!;
      if (u.startsWith("/media/")) urls.add(u);
    }
  return [...urls];
}

describe(
  "two app processes, two data folders, one PostgreSQL and one bucket",
  { skip: !DIALECTS.includes("postgres") && "PostgreSQL not under test" },
  () => {
    const servers: ChildProcess[] = [];
    const dirs: string[] = [];
    let bucket: TestBucket;
    let a: { server: ChildProcess; base: string };
    let b: { server: ChildProcess; base: string };

    before(async () => {
      bucket = await startS3();
      const databaseUrl = await freshPostgresUrl();
      const seedDir = tempDir("gazette-2m-seed-");
      dirs.push(seedDir);
      const db = await openDatabase({ dataDir: seedDir, databaseUrl });
      await upsertSection(db, { slug: "city", name: "City" });
      await createUser(db, {
        email: "desk@example.org",
        name: "Desk Editor",
        role: "editor",
        passwordHash: await hashPassword(PASSWORD),
      });
      await db.destroy();
      const env = { GAZETTE_DEMO: "0", DATABASE_URL: databaseUrl, GAZETTE_MEDIA_URL: bucket.mediaUrl };
      const dirA = tempDir("gazette-2m-a-");
      const dirB = tempDir("gazette-2m-b-");
      dirs.push(dirA, dirB);
      a = await startServer(dirA, env);
      b = await startServer(dirB, env);
      servers.push(a.server, b.server);
    });
    after(async () => {
      for (const s of servers) s.kill("SIGTERM");
      await bucket.stop();
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    it("media uploaded through A are on B's story in every size, and B serves them all with A stopped", async () => {
      const onA = await signedIn(a.base);
      const jpeg = await sharp({ create: { width: 1700, height: 1100, channels: 3, background: "#4b6b8a" } })
        .jpeg()
        .toBuffer();
      const picForm = new FormData();
      picForm.append("file", new Blob([new Uint8Array(jpeg)], { type: "image/jpeg" }), "harbour.jpg");
      picForm.append("alt", "The harbour wall at low tide");
      picForm.append("caption", "The harbour wall at low tide.");
      picForm.append("credit", "Gazette test");
      const pic = await onA("POST", "/api/admin/images", picForm);
      assert.equal(pic.status, 201, await pic.clone().text());
      const picture = (await pic.json()) as { id: number; url: string };
      // "/media/images/ab/<hash>-1200.jpg": the picture's own keys start with images/ab/<hash>.
      const picturePrefix = /^\/media\/(images\/[0-9a-f]{2}\/[0-9a-f]{32})/.exec(picture.url)![1]!;
      const vidForm = new FormData();
      vidForm.append(
        "file",
        new Blob([new Uint8Array(await panVideo([jpeg], 2))], { type: "video/mp4" }),
        "tide.mp4",
      );
      vidForm.append("title", "The tide comes in");
      const vid = await onA("POST", "/api/admin/videos", vidForm);
      assert.equal(vid.status, 201, await vid.clone().text());
      const video = (await vid.json()) as { id: number };

      const created = await onA("POST", "/api/admin/stories", {
        headline: "Harbour wall repairs start on Monday",
        sectionSlug: "city",
        summary: ["Repairs to the harbour wall start on Monday."],
        heroImageId: picture.id,
        body: [
          { type: "paragraph", content: [{ text: "Work on the wall starts at low tide on Monday." }] },
          { type: "video", videoId: video.id },
        ],
      });
      assert.equal(created.status, 201, await created.clone().text());
      const story = (await created.json()) as { id: number; revision: number };
      const pub = await onA("POST", `/api/admin/stories/${story.id}/publish`, {
        baseRevision: story.revision,
      });
      assert.equal(pub.status, 200, await pub.clone().text());
      const { path: storyPath } = (await pub.json()) as { path: string };

      // Every size A makes after the upload lands in the bucket (made in the background).
      const store = new S3Store(
        parseMediaUrl(bucket.mediaUrl) as Exclude<ReturnType<typeof parseMediaUrl>, string>,
      );
      await eventually("every size of the picture in the bucket", async () => {
        let n = 0;
        for await (const { key } of store.list(picturePrefix)) if (key.startsWith(picturePrefix)) n++;
        return n === 13; // the original and four widths in three formats
      });
      store.destroy();

      const page = await fetch(`${b.base}${storyPath}`, { headers: { connection: "close" } });
      assert.equal(page.status, 200);
      const urls = mediaUrlsOf(await page.text());
      assert.ok(
        urls.some((u) => u.startsWith("/media/images/")),
        "the picture is on B's page",
      );
      assert.ok(
        urls.some((u) => u.startsWith("/media/files/")),
        "the video is on B's page",
      );
      const fetchAll = async () => {
        const broken: string[] = [];
        for (const u of urls) {
          const r = await fetch(`${b.base}${u}`, { headers: { connection: "close" } });
          await r.arrayBuffer();
          if (r.status !== 200) broken.push(`${u}: ${r.status}`);
        }
        return broken;
      };
      assert.deepEqual(await fetchAll(), []);

      a.server.kill("SIGTERM");
      await new Promise((resolve) => a.server.once("exit", resolve));
      assert.deepEqual(await fetchAll(), [], "with A stopped, B serves every media file");

      for (const dir of dirs.slice(1))
        assert.equal(
          fs.existsSync(path.join(dir, "media", "images")),
          false,
          `no pictures on the disk of ${dir}`,
        );
    });
  },
);
