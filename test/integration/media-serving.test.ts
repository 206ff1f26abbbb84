/**
 * Media files served from the media store, as a browser and a video player
 * ask for them: immutable caching with an ETag (and 304), HEAD, byte ranges
 * (206, and 416 past the end), and 404 for anything that is not a media key.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import { panVideo } from "../../src/demo/videos.ts";
import { type TestEnv, makeEnv } from "../helpers.ts";
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

describe("media files from the media store (local folder)", () => {
  let env: TestEnv;
  let picture: string;
  let video: string;

  before(async () => {
    env = await makeEnv();
    const editor = await sessionFor(env.app, env.db, await addUser(env.db, "editor", "Mo Media"));
    const jpeg = await sharp({ create: { width: 1300, height: 900, channels: 3, background: "#775533" } })
      .jpeg()
      .toBuffer();
    picture = (await upload(editor, "/api/admin/images", jpeg, "image/jpeg", { alt: "A test" })).url;
    const mp4 = await panVideo([jpeg], 2);
    video = (await upload(editor, "/api/admin/videos", mp4, "video/mp4", { title: "A test video" }))
      .sources[0].url;
  });
  after(() => env.close());

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
});
