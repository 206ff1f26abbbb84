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
