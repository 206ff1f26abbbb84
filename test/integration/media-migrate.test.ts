/**
 * Moving the demo site's media from the local folder into an S3 bucket
 * (s3rver), as an operator would: `gazette media migrate` (twice: the second
 * run copies nothing), `gazette media verify`, then the site served from the
 * bucket with every page crawled and every `src`/`srcset` fetched; a file
 * lost from the bucket is named by `verify`; `media renditions` makes it again.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { S3Store } from "../../src/media/s3-store.ts";
import { parseMediaUrl } from "../../src/config.ts";
import { type TestEnv, demoDataDir, makeEnv, runGazette, tempDir } from "../helpers.ts";
import { type TestBucket, startS3 } from "../s3.ts";

const gazette = runGazette;

/** Every page reachable from the home page by links on this site (up to `max`), and the media URLs they show. */
async function crawl(env: TestEnv, max = 400) {
  const seen = new Set<string>(["/"]);
  const queue = ["/"];
  const media = new Set<string>();
  const broken: string[] = [];
  while (queue.length && seen.size <= max) {
    const url = queue.shift()!;
    const res = await env.app.inject(url);
    if (res.statusCode >= 400) broken.push(`${url}: ${res.statusCode}`);
    if (!String(res.headers["content-type"]).startsWith("text/html")) continue;
    for (const m of res.body.matchAll(/\b(?:src|poster)="([^"]+)"/g))
      if (m[1]!.startsWith("/media/")) media.add(m[1]!);
    for (const m of res.body.matchAll(/\bsrcset="([^"]+)"/g))
      for (const part of m[1]!.split(",")) {
        const u = part.trim().split(/\s+/)[0]!;
        if (u.startsWith("/media/")) media.add(u);
      }
    for (const m of res.body.matchAll(/\bhref="(\/[^"#?]*)"/g)) {
      const u = m[1]!;
      if (u.startsWith("/admin") || u.startsWith("/assets") || u.startsWith("/media") || seen.has(u))
        continue;
      seen.add(u);
      queue.push(u);
    }
  }
  return { pages: seen.size, media, broken };
}

describe("moving the demo's media into an S3 bucket", { timeout: 600_000 }, () => {
  let bucket: TestBucket;
  let dataDir: string;
  let files = 0;

  before(async () => {
    bucket = await startS3();
    dataDir = await demoDataDir();
    const count = (dir: string): number =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .reduce(
          (n, e) => n + (e.isDirectory() ? count(path.join(dir, e.name)) : e.name.startsWith(".") ? 0 : 1),
          0,
        );
    files = count(path.join(dataDir, "media"));
  });
  after(async () => {
    await bucket.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("copies every file, verified; a second run copies nothing; verify finds every file in the bucket", async (t) => {
    const first = await gazette(["media", "migrate", "--to", bucket.mediaUrl], { GAZETTE_DATA: dataDir });
    assert.equal(first.status, 0, first.stderr + first.stdout);
    assert.match(
      first.stdout,
      new RegExp(`^${files} files: ${files} copied, 0 already there, 0 failed`, "m"),
    );
    t.diagnostic(first.stdout.trim().split("\n").at(-2) ?? "");
    const again = await gazette(["media", "migrate", "--to", bucket.mediaUrl], { GAZETTE_DATA: dataDir });
    assert.match(
      again.stdout,
      new RegExp(`^${files} files: 0 copied, ${files} already there, 0 failed`, "m"),
    );
    assert.ok(fs.existsSync(path.join(dataDir, "media")), "local files are kept unless told");
    const verify = await gazette(["media", "verify"], {
      GAZETTE_DATA: dataDir,
      GAZETTE_MEDIA_URL: bucket.mediaUrl,
    });
    assert.equal(verify.status, 0, verify.stdout);
    assert.match(
      verify.stdout,
      /pictures and \d+ videos checked in s3:\/\/gazette-media: every file is there\./,
    );
  });

  it("serves the whole site from the bucket: a crawl finds no broken page and no broken media URL", async (t) => {
    // A copy of the site without its local media folder: anything still read from it would break.
    const siteDir = tempDir();
    const media = path.join(dataDir, "media");
    fs.cpSync(dataDir, siteDir, {
      recursive: true,
      filter: (src) => src !== media && !src.startsWith(`${media}${path.sep}`),
    });
    const env = await makeEnv({ dataDir: siteDir, env: { GAZETTE_MEDIA_URL: bucket.mediaUrl } });
    try {
      const { pages, media, broken } = await crawl(env);
      assert.ok(pages > 30, `crawled ${pages} pages`);
      assert.ok(media.size > 50, `found ${media.size} media URLs`);
      for (const url of media) {
        const res = await env.app.inject(url);
        if (res.statusCode !== 200) broken.push(`${url}: ${res.statusCode}`);
      }
      t.diagnostic(`crawled ${pages} pages, fetched ${media.size} media URLs, ${broken.length} broken`);
      assert.deepEqual(broken, []);
    } finally {
      await env.close();
    }
  });

  it("verify names a picture whose file went missing, and `media renditions` makes it again", async () => {
    const store = new S3Store(
      parseMediaUrl(bucket.mediaUrl) as Exclude<ReturnType<typeof parseMediaUrl>, string>,
    );
    let lost = "";
    for await (const { key } of store.list("images/")) if (/-480\.webp$/.test(key)) lost = key;
    assert.ok(lost);
    await store.delete(lost);
    store.destroy();
    const env = { GAZETTE_DATA: dataDir, GAZETTE_MEDIA_URL: bucket.mediaUrl };
    const verify = await gazette(["media", "verify"], env);
    assert.equal(verify.status, 1);
    assert.match(verify.stdout, new RegExp(`^missing  picture \\d+.*: ${lost.replace(/\./g, "\\.")}$`, "m"));
    const made = await gazette(["media", "renditions"], env);
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stdout, /pictures: 1 sizes made, 0 size lists updated, 0 failed\./);
    assert.equal((await gazette(["media", "verify"], env)).status, 0);
  });
});
