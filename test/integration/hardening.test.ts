/**
 * What a security probe found, each kept as a test: odd paths into the
 * editor's build, and the answers an attacker could learn from.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { imagesByIds } from "../../src/store/media-repo.ts";
import { type TestEnv, eventually, makeEnv, tempDir } from "../helpers.ts";
import { type Client, addUser, sessionFor } from "../newsroom-client.ts";

/** A picture upload as a browser sends it. */
async function uploadPicture(client: Client, picture: Buffer) {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(picture)], { type: "image/jpeg" }), "big.jpg");
  form.append("alt", "A test picture");
  const r = new Request("http://x/", { method: "POST", body: form });
  return client.call("POST", "/api/admin/images", Buffer.from(await r.arrayBuffer()), {
    "content-type": r.headers.get("content-type")!,
  });
}

const jpeg = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: "#4a7a5a" } })
    .jpeg()
    .toBuffer();

describe("hardening (sqlite)", () => {
  let env: TestEnv;
  before(async () => {
    env = await makeEnv();
  });
  after(() => env.close());

  it("a malformed multipart upload is a 400 saying what is wrong, never a 500 or a 413", async () => {
    const editor = await sessionFor(env.app, env.db, await addUser(env.db, "editor", "Mia Multipart"));
    const part = `Content-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
    for (const [type, body] of [
      ["multipart/form-data; boundary=abc", `--abc\r\n${part}cut short here`],
      ["multipart/form-data", "no boundary at all"],
      ["multipart/form-data; boundary=", "an empty boundary"],
      ["multipart/form-data; boundary=zzz", "no parts"],
      ["multipart/form-data; boundary=abc", "--abc--\r\n"],
    ] as const) {
      for (const url of ["/api/admin/images", "/api/admin/videos"]) {
        const res = await editor.call("POST", url, body, { "content-type": type });
        assert.equal(res.statusCode, 400, `${url} ${type}: ${res.statusCode} ${res.body}`);
        assert.equal(res.json().error.code, "GZ_ERR_VALIDATION");
        assert.match(res.json().error.message, /multipart\/form-data/);
      }
    }
  });

  it("the admin API wants a same-site Origin (or, without one, Referer) besides a valid CSRF token", async () => {
    const editor = await sessionFor(env.app, env.db, await addUser(env.db, "editor", "Ola Origin"));
    const send = (headers: Record<string, string>) =>
      env.app.inject({
        method: "POST",
        url: "/api/admin/stories",
        headers: { cookie: editor.cookie, "x-csrf-token": editor.csrf, ...headers },
        payload: { headline: "Origin check", sectionSlug: "no-such-section" },
      });
    for (const [why, headers] of [
      ["no Origin and no Referer", {}],
      ["Origin: null", { origin: "null" }],
      ["a foreign Origin", { origin: "https://attacker.example" }],
      ["a foreign Referer and no Origin", { referer: "https://attacker.example/page" }],
    ] as const) {
      const res = await send(headers);
      assert.equal(res.statusCode, 403, `${why}: ${res.statusCode}`);
      assert.equal(res.json().error.code, "GZ_ERR_CSRF", why);
    }
    // The site's own page, by Origin or (when a browser sends none) by Referer: past the guard
    // (the made-up section is then refused by validation, not by the guard).
    assert.notEqual((await send({ origin: "http://localhost" })).statusCode, 403);
    assert.notEqual((await send({ referer: "http://localhost/admin/stories/1" })).statusCode, 403);
  });

  it("ids in the address are plain digits, and a JSON null body is not an empty object", async () => {
    const editor = await sessionFor(env.app, env.db, await addUser(env.db, "editor", "Ida Ids"));
    for (const id of ["1e3", "0x10", "%201", "012", "1.0", "-1", "99999999999"]) {
      const res = await editor.call("GET", `/api/admin/stories/${id}`);
      assert.equal(res.statusCode, 404, `${id}: ${res.statusCode}`);
      assert.equal(res.json().error.code, "GZ_ERR_NOT_FOUND", `${id}: not read as another number`);
    }
    const nullBody = await env.app.inject({
      // An endpoint whose fields are all optional: {} is fine there, null is not.
      method: "POST",
      url: "/api/admin/desk/read",
      headers: {
        cookie: editor.cookie,
        "x-csrf-token": editor.csrf,
        origin: "http://localhost",
        "content-type": "application/json",
      },
      payload: "null",
    });
    assert.equal(nullBody.statusCode, 400);
    assert.equal(nullBody.json().error.code, "GZ_ERR_VALIDATION");
    // Unknown API addresses answer the JSON error shape.
    const unknown = await editor.call("GET", "/api/admin/no-such-thing");
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, "GZ_ERR_NOT_FOUND");
  });

  it("an upload answers once the original is kept; its sizes follow, and any asked for first is made on request", async () => {
    const editor = await sessionFor(env.app, env.db, await addUser(env.db, "editor", "Uma Upload"));
    const res = await uploadPicture(editor, await jpeg(1700, 1100));
    assert.equal(res.statusCode, 201, res.body);
    const { id } = res.json() as { id: number };
    const { renditions } = (await imagesByIds(env.db, [id])).get(id)!;
    assert.equal(renditions.length, 12, "four widths in three formats are planned");
    // Whether or not its turn has come, a size is served.
    const first = await env.app.inject(`/media/${renditions[0]!.file}`);
    assert.equal(first.statusCode, 200);
    await eventually("every size is made in the background", async () =>
      renditions.every((r) => fs.existsSync(path.join(env.config.mediaDir, r.file))),
    );
  });

  it("paths at or out of the editor's build folder answer 404, never 500", async () => {
    for (const url of [
      "/admin/assets/",
      "/admin/assets/.",
      "/admin/assets/..%2f",
      "/admin/assets/..%2f..%2fpackage.json",
      "/admin/assets/%2e%2e/%2e%2e/package.json",
      "/admin/assets/no-such-file.js",
    ]) {
      const res = await env.app.inject(url);
      assert.equal(res.statusCode, 404, `${url}: ${res.statusCode} ${res.body.slice(0, 120)}`);
    }
  });
});

describe("hardening: the pixel cap (sqlite)", () => {
  let env: TestEnv;
  before(async () => {
    const dataDir = tempDir();
    fs.writeFileSync(
      path.join(dataDir, "gazette.config.json"),
      JSON.stringify({ newsroom: { maxImageMegapixels: 2 } }),
    );
    env = await makeEnv({ dataDir });
  });
  after(() => env.close());

  it("a picture of more pixels than newsroom.maxImageMegapixels is refused before it is decoded, naming both", async () => {
    const editor = await sessionFor(env.app, env.db, await addUser(env.db, "editor", "Pia Pixels"));
    const res = await uploadPicture(editor, await jpeg(2000, 1500));
    assert.equal(res.statusCode, 400, res.body);
    const error = res.json().error as { code: string; message: string; fields: { path: string }[] };
    assert.equal(error.code, "GZ_ERR_VALIDATION");
    assert.equal(
      error.message,
      "That picture is too large: the picture is 2000 × 1500 pixels (3 megapixels); the limit is 2 megapixels. Scale it down and upload it again.",
    );
    assert.deepEqual(
      error.fields.map((f) => f.path),
      ["file"],
    );
    assert.deepEqual(fs.existsSync(env.config.mediaDir) ? fs.readdirSync(env.config.mediaDir) : [], []);
    // Under the cap: taken.
    assert.equal((await uploadPicture(editor, await jpeg(1600, 1000))).statusCode, 201);
  });
});
