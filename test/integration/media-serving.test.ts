/**
 * Media files served from the media store, as a browser and a video player
 * ask for them: immutable caching with an ETag (and 304), HEAD, byte ranges
 * (206, and 416 past the end), and 404 for anything that is not a media key.
 * The same suite on the local folder and on an S3 bucket (s3rver, a real S3
 * protocol server with signature checks); on S3, what happens when the
 * bucket stops answering.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fs from "node:fs";
import sharp from "sharp";
import { panVideo } from "../../src/demo/videos.ts";
import { type TestEnv, getOnce, makeEnv } from "../helpers.ts";
import { type TestBucket, startS3 } from "../s3.ts";
import { type Client, addUser, sessionFor } from "../newsroom-client.ts";

async function upload(
  client: Client,
  url: string,
  file: Buffer,
  type: string,
  fields: Record<string, string>,
) {
  const form = new FormData();
  form.append(
    "file",
    new Blob([new Uint8Array(file)], { type }),
    type.startsWith("video") ? "v.mp4" : "p.jpg",
  );
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const r = new Request("http://x/", { method: "POST", body: form });
  const res = await client.call("POST", url, Buffer.from(await r.arrayBuffer()), {
    "content-type": r.headers.get("content-type")!,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

for (const store of ["local folder", "S3 bucket"] as const) {
  describe(`media files from the media store (${store})`, () => {
    let env: TestEnv;
    let bucket: TestBucket | undefined;
    let editor: Client;
    let picture: string;
    let video: string;

    before(async () => {
      bucket = store === "S3 bucket" ? await startS3() : undefined;
      env = await makeEnv(bucket ? { env: { GAZETTE_MEDIA_URL: bucket.mediaUrl } } : {});
      editor = await sessionFor(env.app, env.db, await addUser(env.db, "editor", "Mo Media"));
      const jpeg = await sharp({ create: { width: 1300, height: 900, channels: 3, background: "#775533" } })
        .jpeg()
        .toBuffer();
      picture = (await upload(editor, "/api/admin/images", jpeg, "image/jpeg", { alt: "A test" })).url;
      const mp4 = await panVideo([jpeg], 2);
      // The fields come after the file here (a client may send them in any order): all are read.
      const v = await upload(editor, "/api/admin/videos", mp4, "video/mp4", { title: "A test video" });
      assert.equal(v.title, "A test video");
      video = v.sources[0].url;
    });
    after(async () => {
      await env.close();
      await bucket?.stop();
    });

    it("serves a picture as immutable with an ETag, answers 304 to it, and HEAD with the length", async () => {
      const res = await env.app.inject(picture);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers["cache-control"], "public, max-age=31536000, immutable");
      assert.match(String(res.headers["content-type"]), /^image\/jpeg/);
      const etag = String(res.headers["etag"]);
      assert.match(etag, /^"/);
      assert.equal(
        (await env.app.inject({ url: picture, headers: { "if-none-match": etag } })).statusCode,
        304,
      );
      const head = await env.app.inject({ method: "HEAD", url: picture });
      assert.equal(head.statusCode, 200);
      assert.equal(Number(head.headers["content-length"]), res.rawPayload.length);
    });

    it("serves byte ranges of a video (206), and 416 past its end", async () => {
      const whole = await env.app.inject(video);
      assert.equal(whole.statusCode, 200);
      assert.equal(whole.headers["accept-ranges"], "bytes");
      const size = whole.rawPayload.length;
      const part = await env.app.inject({ url: video, headers: { range: "bytes=100-199" } });
      assert.equal(part.statusCode, 206);
      assert.equal(part.headers["content-range"], `bytes 100-199/${size}`);
      assert.deepEqual(part.rawPayload, whole.rawPayload.subarray(100, 200));
      const tail = await env.app.inject({ url: video, headers: { range: "bytes=-50" } });
      assert.deepEqual(tail.rawPayload, whole.rawPayload.subarray(size - 50));
      const past = await env.app.inject({ url: video, headers: { range: `bytes=${size + 10}-` } });
      assert.equal(past.statusCode, 416);
      assert.equal(past.headers["content-range"], `bytes */${size}`);
    });

    it("answers 404 for anything that is not a media file", async () => {
      for (const url of [
        "/media/",
        "/media/images/../gazette.sqlite",
        "/media/..%2fgazette.sqlite",
        "/media/images/00/not-a-hash.jpg",
        `/media/images/00/${"0".repeat(32)}.jpg`,
        `/media/files/ab/${"a".repeat(32)}.mp4`,
      ]) {
        const res = await env.app.inject(url);
        assert.equal(res.statusCode, 404, url);
      }
    });

    if (store === "S3 bucket") {
      it("keeps nothing on the local disk: the files are in the bucket", async () => {
        const { status } = await getOnce(
          `${bucket!.endpoint}/gazette-media/${picture.replace(/^\/media\//, "")}`,
        );
        assert.equal(status, 200, "the object is in the bucket");
        assert.equal(fs.existsSync(env.config.mediaDir), false, "no local media folder");
      });

      it("when the bucket stops answering: healthz names the media store, an upload is a 503 with no row, pages still answer", async () => {
        const images = async () =>
          Number(
            (
              await env.db
                .selectFrom("images")
                .select((eb) => eb.fn.countAll<number>().as("n"))
                .executeTakeFirstOrThrow()
            ).n,
          );
        const before = await images();
        await bucket!.stop();
        const h = await env.app.inject("/healthz");
        assert.equal(h.statusCode, 503);
        const { pageCache: _cache, ...report } = h.json() as Record<string, unknown>;
        assert.deepEqual(report, { status: "unavailable", database: "ok", media: "unreachable" });
        const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#223344" } })
          .jpeg()
          .toBuffer();
        const form = new FormData();
        form.append("file", new Blob([new Uint8Array(jpeg)], { type: "image/jpeg" }), "p.jpg");
        form.append("alt", "Refused");
        const r = new Request("http://x/", { method: "POST", body: form });
        const res = await editor.call("POST", "/api/admin/images", Buffer.from(await r.arrayBuffer()), {
          "content-type": r.headers.get("content-type")!,
        });
        assert.equal(res.statusCode, 503, res.body);
        assert.equal(res.json().error.code, "GZ_ERR_STORAGE");
        assert.equal(res.json().error.store, "media store");
        assert.equal(res.json().error.problem, "unreachable");
        assert.equal(await images(), before, "no row for the refused upload");
        assert.equal((await env.app.inject("/")).statusCode, 200, "the home page still renders");
      });
    }
  });
}
