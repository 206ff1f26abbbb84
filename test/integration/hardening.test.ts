/**
 * What a security probe found, each kept as a test: odd paths into the
 * editor's build, and the answers an attacker could learn from.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type TestEnv, makeEnv } from "../helpers.ts";
import { addUser, sessionFor } from "../newsroom-client.ts";

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
