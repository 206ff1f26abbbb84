/**
 * Forwarded headers count only from the proxies the operator named: with
 * the default (none), a client's made-up X-Forwarded-For cannot dodge the
 * per-address sign-in throttle or aim it at someone else, and a made-up
 * X-Forwarded-Proto earns no HSTS header; behind a named proxy both count.
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { upsertSection } from "../../src/store/taxonomy-store.ts";
import { type TestEnv, makeEnv, tempDir } from "../helpers.ts";

/** A failed sign-in through the real flow (pre-login CSRF token first), as a browser behind `forwardedFor`. */
async function attempt(env: TestEnv, forwardedFor: string) {
  const first = await env.app.inject({ url: "/api/admin/session", remoteAddress: "127.0.0.1" });
  const cookie = `gz_csrf=${/gz_csrf=([^;]+)/.exec(String(first.headers["set-cookie"]))?.[1]}`;
  const res = await env.app.inject({
    method: "POST",
    url: "/api/admin/session",
    remoteAddress: "127.0.0.1",
    headers: {
      "x-forwarded-for": forwardedFor,
      cookie,
      "x-csrf-token": (first.json() as { csrfToken: string }).csrfToken,
      origin: "http://localhost",
    },
    payload: { email: "nobody@example.org", password: "wrong" },
  });
  assert.equal(res.statusCode, 401, res.body);
}

const throttledAddresses = async (env: TestEnv) =>
  (await env.db.selectFrom("login_throttle").select("key").where("key", "like", "ip:%").execute())
    .map((r) => r.key)
    .sort();

describe("trusted proxies", () => {
  let env: TestEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it("by default believes no forwarded header: the throttle counts the real peer", async () => {
    env = await makeEnv();
    for (const ip of ["192.0.2.55", "198.51.100.7", "203.0.113.9"]) await attempt(env, ip);
    assert.deepEqual(await throttledAddresses(env), ["ip:127.0.0.1"]);
    await upsertSection(env.db, { slug: "city", name: "City" });
    const page = await env.app.inject({ url: "/", headers: { "x-forwarded-proto": "https" } });
    assert.equal(
      page.headers["strict-transport-security"],
      undefined,
      "a client's claim of https earns no HSTS",
    );
  });

  it("behind a named proxy, believes it about the client", async () => {
    env = await makeEnv({ env: { GAZETTE_TRUST_PROXY: "127.0.0.1, 10.0.0.0/8" } });
    await attempt(env, "192.0.2.55");
    await attempt(env, "198.51.100.7, 10.1.2.3");
    assert.deepEqual(await throttledAddresses(env), ["ip:192.0.2.55", "ip:198.51.100.7"]);
    const page = await env.app.inject({
      url: "/healthz",
      remoteAddress: "127.0.0.1",
      headers: { "x-forwarded-proto": "https" },
    });
    assert.match(String(page.headers["strict-transport-security"]), /max-age=/);
  });

  it("a hop count, and a bad setting named with the fix", async () => {
    env = await makeEnv({ env: { GAZETTE_TRUST_PROXY: "1" } });
    await attempt(env, "203.0.113.1, 192.0.2.99");
    assert.deepEqual(await throttledAddresses(env), ["ip:192.0.2.99"], "one hop: the address the proxy saw");
    const dir = tempDir();
    assert.throws(
      () => loadConfig({ GAZETTE_DATA: dir, GAZETTE_TRUST_PROXY: "10.0.0.0/33" }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /GAZETTE_TRUST_PROXY: "10\.0\.0\.0\/33": the prefix length must be 0-32/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ GAZETTE_DATA: dir, GAZETTE_TRUST_PROXY: "proxy.example.org" }),
      (e: unknown) => e instanceof ConfigError && /not an IP address or CIDR range/.test(e.message),
    );
    assert.equal(loadConfig({ GAZETTE_DATA: dir }).trustProxy, false);
  });
});
