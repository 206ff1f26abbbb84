/**
 * Newsroom security on both engines: the role × action matrix over every
 * admin endpoint, CSRF, session rotation and revocation, login lockout,
 * invitations, and the security headers.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { Role } from "../../src/auth/permissions.ts";
import { upsertSection } from "../../src/store/taxonomy-store.ts";
import { buildApp } from "../../src/app.ts";
import type { Message } from "../../src/mail/mailer.ts";
import { recordAccountFailure } from "../../src/store/session-store.ts";
import type { User } from "../../src/store/user-store.ts";
import { DIALECTS, type TestEnv, makeEnv } from "../helpers.ts";
import { SAME_SITE, TEST_PASSWORD, addUser, anonymous, sessionFor, signIn } from "../newsroom-client.ts";

const ROLES: Role[] = ["contributor", "moderator", "editor", "admin"];

for (const dialect of DIALECTS) {
  describe(`newsroom accounts and security (${dialect})`, () => {
    let env: TestEnv;
    const users = {} as Record<Role, User>;
    beforeEach(async () => {
      // As deployed behind a TLS-terminating proxy on this machine: its X-Forwarded-* count.
      env = await makeEnv({ dialect, env: { GAZETTE_TRUST_PROXY: "loopback" } });
      await upsertSection(env.db, { slug: "city", name: "City" });
      for (const r of ROLES) users[r] = await addUser(env.db, r);
    });
    afterEach(() => env.close());

    it("refuses state-changing requests without the session's CSRF token, or from another site", async () => {
      const c = await sessionFor(env.app, env.db, users.editor);
      const body = { headline: "CSRF probe", sectionSlug: "city" };
      const none = await c.call("POST", "/api/admin/stories", body, { "x-csrf-token": "" });
      assert.equal(none.statusCode, 403);
      assert.equal(none.json().error.code, "GZ_ERR_CSRF");
      const wrong = await c.call("POST", "/api/admin/stories", body, { "x-csrf-token": "x".repeat(32) });
      assert.equal(wrong.statusCode, 403);
      const other = await anonymous(env.app).call("POST", "/api/admin/session", {
        email: "a@b.c",
        password: "x",
      });
      assert.equal(other.json().error.code, "GZ_ERR_CSRF", "signing in needs the pre-login token too");
      const crossSite = await c.call("POST", "/api/admin/stories", body, { origin: "https://evil.example" });
      assert.equal(crossSite.statusCode, 403);
      const count = await env.db
        .selectFrom("stories")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 0, "nothing was written");
      const ok = await c.call("POST", "/api/admin/stories", body);
      assert.equal(ok.statusCode, 201, ok.body);
      const reads = await c.call("GET", "/api/admin/stories", undefined, { "x-csrf-token": "" });
      assert.equal(reads.statusCode, 200, "reads need no token");
    });

    it("rotates the session at sign-in, signs out, and signs out everywhere", async () => {
      const first = await signIn(env.app, users.contributor.email);
      assert.equal(first.user?.role, "contributor");
      // Signing in again from the same browser replaces the old session.
      const second = await signIn(env.app, users.contributor.email, TEST_PASSWORD, first.cookie);
      assert.notEqual(second.cookie, first.cookie);
      assert.equal((await first.call("GET", "/api/admin/stories")).statusCode, 401, "the old session ended");
      assert.equal((await second.call("GET", "/api/admin/stories")).statusCode, 200);
      const res = await second.call("GET", "/api/admin/session");
      assert.equal(res.json().user.email, users.contributor.email);
      // The cookie is HttpOnly and SameSite=Lax; Secure only behind TLS.
      const pre = await env.app.inject({ url: "/api/admin/session" });
      const login = await env.app.inject({
        method: "POST",
        url: "/api/admin/session",
        headers: {
          cookie: String(pre.headers["set-cookie"]).split(";")[0]!,
          "x-csrf-token": pre.json().csrfToken,
          origin: SAME_SITE,
          "x-forwarded-proto": "https",
        },
        payload: { email: users.contributor.email, password: TEST_PASSWORD },
      });
      const set = String(login.headers["set-cookie"]);
      assert.match(set, /gz_session=[^;]+; .*HttpOnly/i);
      assert.match(set, /SameSite=Lax/i);
      assert.match(set, /Secure/i);

      const laptop = await signIn(env.app, users.contributor.email);
      const phone = await signIn(env.app, users.contributor.email);
      const out = await phone.json<{ ended: number }>("DELETE", "/api/admin/sessions");
      assert.ok(out.ended >= 2);
      assert.equal((await laptop.call("GET", "/api/admin/stories")).statusCode, 401);
      assert.equal((await phone.call("GET", "/api/admin/stories")).statusCode, 401);

      const single = await signIn(env.app, users.contributor.email);
      await single.json("DELETE", "/api/admin/session");
      assert.equal((await single.call("GET", "/api/admin/stories")).statusCode, 401);
    });

    it("an attack on an account slows the attacker, not the owner, and tells the owner", async () => {
      const mail: Message[] = [];
      await env.app.close();
      env.app = await buildApp({
        config: env.config,
        db: env.db,
        media: env.media,
        mailer: { send: async (m) => void mail.push(m) },
      });
      const victim = await addUser(env.db, "editor", "Lockout Target");
      const attempt = async (password: string, from: string, device = "") => {
        const pre = await env.app.inject({ url: "/api/admin/session" });
        const csrf = String(pre.headers["set-cookie"]).split(";")[0]!;
        return env.app.inject({
          method: "POST",
          url: "/api/admin/session",
          headers: {
            cookie: [csrf, device].filter(Boolean).join("; "),
            "x-csrf-token": pre.json().csrfToken,
            origin: SAME_SITE,
            "x-forwarded-for": from,
          },
          payload: { email: victim.email, password },
        });
      };
      // The owner signs in once from their own browser: it becomes a known device.
      const first = await attempt(TEST_PASSWORD, "192.0.2.10");
      assert.equal(first.statusCode, 200);
      const device = /gz_device=[^;]+/.exec(String(first.headers["set-cookie"]))![0];
      assert.match(
        String(first.headers["set-cookie"]),
        /gz_device=[^;]+; Max-Age=31536000; Path=\/api\/admin\/session; HttpOnly; SameSite=Lax/,
      );

      // An attacker from one address: four refusals, then that address is locked out of this account.
      for (let i = 1; i <= 4; i++) {
        const r = await attempt(`wrong password ${i}`, "203.0.113.9");
        assert.equal(r.statusCode, 401);
        assert.equal(r.json().error.code, "GZ_ERR_BAD_CREDENTIALS");
      }
      const fifth = await attempt("wrong password 5", "203.0.113.9");
      assert.equal(fifth.statusCode, 429);
      assert.equal(fifth.json().error.code, "GZ_ERR_LOCKED_OUT");
      assert.ok(Number(fifth.headers["retry-after"]) > 800, "every 429 says when to come back");
      const right = await attempt(TEST_PASSWORD, "203.0.113.9");
      assert.equal(right.statusCode, 429, "that address stays locked even with the right password");
      // The account holder is told, once, by email.
      assert.equal(mail.length, 1);
      assert.equal(mail[0]!.to, victim.email);
      assert.match(mail[0]!.text, /5 failed attempts to sign in/);

      // The attack goes on from many addresses: each further try on the account must wait…
      for (let i = 0; i < 6; i++) await recordAccountFailure(env.db, victim.email);
      const elsewhere = await attempt(TEST_PASSWORD, "198.51.100.1");
      assert.equal(elsewhere.statusCode, 429);
      assert.equal(elsewhere.json().error.code, "GZ_ERR_RATE_LIMITED");
      const wait = Number(elsewhere.headers["retry-after"]);
      assert.ok(wait >= 1 && wait <= 60, `a short wait, not a lock: ${wait} s`);
      // …but the owner, from the browser they used before, still gets in.
      const owner = await attempt(TEST_PASSWORD, "192.0.2.10", device);
      assert.equal(owner.statusCode, 200, owner.body);
      // A device cookie made for another account counts for nothing.
      const other = await attempt(
        TEST_PASSWORD,
        "198.51.100.2",
        "gz_device=1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      );
      assert.equal(other.statusCode, 429);

      // An admin clears it; the locked address and the slowdown are gone.
      const admin = await sessionFor(env.app, env.db, users.admin);
      const cleared = await admin.json<{ cleared: number }>("POST", `/api/admin/users/${victim.id}/unlock`);
      assert.ok(cleared.cleared >= 2);
      assert.equal((await attempt(TEST_PASSWORD, "203.0.113.9")).statusCode, 200);
      assert.equal((await attempt(TEST_PASSWORD, "198.51.100.1")).statusCode, 200);

      // An unknown email gets the same answer as a wrong password.
      const pre = await env.app.inject({ url: "/api/admin/session" });
      const unknown = await env.app.inject({
        method: "POST",
        url: "/api/admin/session",
        headers: {
          cookie: String(pre.headers["set-cookie"]).split(";")[0]!,
          "x-csrf-token": pre.json().csrfToken,
          origin: SAME_SITE,
        },
        payload: { email: "nobody@example.org", password: "whatever it is" },
      });
      assert.equal(unknown.json().error.code, "GZ_ERR_BAD_CREDENTIALS");
    });

    it("invites by a one-time link that makes the account and signs in", async () => {
      const admin = await sessionFor(env.app, env.db, users.admin);
      const inv = await admin.json<{ link: string }>(
        "POST",
        "/api/admin/invitations",
        { email: "New.Reporter@Example.org", role: "contributor" },
        201,
      );
      const token = /\/admin\/invite\/([\w-]+)$/.exec(inv.link)![1]!;
      const info = await env.app.inject(`/api/admin/invitations/${token}`);
      assert.equal(info.json().email, "new.reporter@example.org");
      const csrfCookie = String(info.headers["set-cookie"]).split(";")[0]!;
      const accept = (password: string) =>
        env.app.inject({
          method: "POST",
          url: `/api/admin/invitations/${token}/accept`,
          headers: { cookie: csrfCookie, "x-csrf-token": info.json().csrfToken, origin: SAME_SITE },
          payload: { name: "New Reporter", password },
        });
      const short = await accept("short");
      assert.equal(short.statusCode, 400);
      assert.deepEqual(short.json().error.fields[0].path, "password");
      const ok = await accept("a long enough password");
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(ok.json().user.role, "contributor");
      const again = await accept("a long enough password");
      assert.equal(again.statusCode, 400);
      assert.match(again.json().error.message, /used already|expired/);
      const dup = await admin.call("POST", "/api/admin/invitations", {
        email: "new.reporter@example.org",
        role: "editor",
      });
      assert.equal(dup.statusCode, 400);
      assert.match(dup.json().error.fields[0].message, /already exists/);
    });

    it("sends security headers: a CSP without unsafe-inline, frame and referrer policies, HSTS under TLS", async () => {
      await env.db
        .insertInto("pages")
        .values({
          slug: "editorial-standards",
          title: "Standards",
          body: "[]",
          updated_at: new Date().toISOString(),
        })
        .execute();
      for (const url of ["/", "/", "/admin", "/api/admin/session"]) {
        const res = await env.app.inject(url);
        const csp = String(res.headers["content-security-policy"]);
        assert.match(csp, /default-src 'self'/, url);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, url);
        assert.match(csp, /frame-ancestors/, url);
        assert.equal(res.headers["referrer-policy"], "strict-origin-when-cross-origin");
        assert.equal(res.headers["x-content-type-options"], "nosniff");
        assert.equal(res.headers["strict-transport-security"], undefined, "no HSTS over plain HTTP");
      }
      const reader = await env.app.inject("/");
      assert.match(String(reader.headers["content-security-policy"]), /script-src 'self';/);
      const tls = await env.app.inject({ url: "/", headers: { "x-forwarded-proto": "https" } });
      assert.match(String(tls.headers["strict-transport-security"]), /max-age=31536000/);
    });

    it("lets an admin change site settings, which every page shows at once", async () => {
      await env.db
        .insertInto("pages")
        .values({ slug: "about-us", title: "About", body: "[]", updated_at: new Date().toISOString() })
        .onConflict((oc) => oc.column("slug").doNothing())
        .execute();
      const before = await env.app.inject("/about/about-us");
      assert.match(before.body, /The Gazette Daily/);
      const admin = await sessionFor(env.app, env.db, users.admin);
      const bad = await admin.call("PATCH", "/api/admin/settings", {
        ads: { maxPerStory: -1 },
        colour: "red",
      });
      assert.equal(bad.statusCode, 400);
      const paths = (bad.json().error.fields as { path: string }[]).map((f) => f.path).sort();
      assert.ok(
        paths.includes("ads.maxPerStory") || paths.includes("(root)") || paths.includes("colour"),
        JSON.stringify(paths),
      );
      const r = await admin.json<{ effective: { name: string; ads: { enabled: boolean } } }>(
        "PATCH",
        "/api/admin/settings",
        {
          name: "The Ellery Herald",
          tagline: "News from the harbour city",
          ads: { enabled: false },
        },
      );
      assert.equal(r.effective.name, "The Ellery Herald");
      assert.equal(r.effective.ads.enabled, false);
      await env.app.syncChanges();
      const after = await env.app.inject("/about/about-us");
      assert.match(after.body, /The Ellery Herald/);
      assert.match(after.body, /News from the harbour city/);
      const editor = await sessionFor(env.app, env.db, users.editor);
      assert.equal((await editor.call("PATCH", "/api/admin/settings", { name: "Nope" })).statusCode, 403);
      // A process started afterwards reads them too.
      const { buildApp } = await import("../../src/app.ts");
      const other = await buildApp({
        config: { ...env.config, site: { ...env.config.site }, ads: { ...env.config.ads } },
        db: env.db,
        media: env.media,
      });
      try {
        assert.match((await other.inject("/about/about-us")).body, /The Ellery Herald/);
      } finally {
        await other.close();
      }
    });

    it("documents every JSON endpoint, admin and public, in OpenAPI 3.1", async () => {
      const res = await env.app.inject("/api/openapi.json");
      assert.equal(res.statusCode, 200);
      const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
      assert.equal(doc.openapi, "3.1.0");
      const documented = (method: string, url: string) =>
        Boolean(doc.paths[url.replace(/:(\w+)/g, "{$1}")]?.[method.toLowerCase()]);
      // Every route Fastify serves comes from a declared endpoint (HEAD is Fastify's own twin of
      // GET; /media/* is the static file plugin) …
      const declared = new Set(env.app.endpoints.map((e) => `${e.method} ${e.path}`));
      const routes = env.app.registeredRoutes.filter((r) => !r.startsWith("HEAD ") && r !== "GET /media/*");
      assert.deepEqual(
        routes.filter((r) => !declared.has(r)),
        [],
        "routes that do not come from the endpoint form",
      );
      // … and every one that answers JSON, or lives under /api/, is documented.
      for (const e of env.app.endpoints) {
        if (e.responds === "json" || e.responds === "negotiated" || e.path.startsWith("/api/"))
          assert.ok(documented(e.method, e.path), `${e.method} ${e.path} documented`);
      }
      for (const [method, path] of [
        ["GET", "/api/search"],
        ["GET", "/api/comments/story/:id"],
        ["POST", "/comments"],
        ["POST", "/account/signup"],
        ["GET", "/api/admin/stories"],
      ] as const)
        assert.ok(documented(method, path), `${method} ${path} documented`);
      assert.ok(!documented("GET", "/"), "HTML pages are not in the API document");
      const put = doc.paths["/api/admin/stories/{id}"]!["put"] as {
        requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
      };
      assert.ok(put.requestBody.content["application/json"]!.schema.properties["baseRevision"]);
      const signup = doc.paths["/account/signup"]!["post"] as {
        requestBody: { content: Record<string, unknown> };
      };
      assert.ok(
        signup.requestBody.content["application/x-www-form-urlencoded"],
        "forms are documented as forms",
      );
    });
  });
}
