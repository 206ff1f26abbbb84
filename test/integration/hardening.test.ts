/**
 * What a security probe found, each kept as a test: odd paths into the
 * editor's build, and the answers an attacker could learn from.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type TestEnv, makeEnv } from "../helpers.ts";

describe("hardening (sqlite)", () => {
  let env: TestEnv;
  before(async () => {
    env = await makeEnv();
  });
  after(() => env.close());

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
