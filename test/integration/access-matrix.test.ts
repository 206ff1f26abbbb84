/**
 * Who may call what: every declared endpoint of the app, called by someone
 * signed out, a reader, and each newsroom role, with valid CSRF tokens and
 * a same-site Origin, so that only access decides. The expected grid is
 * written out by hand below — not derived from the permissions table the
 * code reads — so a change to who may do what must change this file too.
 * A new endpoint without a row here fails the test.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Role } from "../../src/auth/permissions.ts";
import { createReader, createReaderSession, markVerified } from "../../src/store/reader-store.ts";
import { upsertSection } from "../../src/store/taxonomy-store.ts";
import type { User } from "../../src/store/user-store.ts";
import { DIALECTS, type TestEnv, makeEnv } from "../helpers.ts";
import { addUser, sessionFor } from "../newsroom-client.ts";

const ROLES: Role[] = ["contributor", "moderator", "editor", "admin"];
const CALLERS = ["anonymous", "reader", ...ROLES] as const;
type Caller = (typeof CALLERS)[number];

/**
 * One letter per caller, in the order: signed out, reader, contributor,
 * moderator, editor, admin. A = allowed (access let it through; the answer
 * may still be a 404 or a 400 for the probe's made-up input), U = 401 (sign
 * in), F = 403 (not allowed).
 */
const EXPECTED: Record<string, string> = {
  // The newsroom: sessions and accounts.
  "GET /api/admin/session": "AAAAAA",
  "POST /api/admin/session": "AAAAAA",
  "DELETE /api/admin/session": "UUAAAA",
  "DELETE /api/admin/sessions": "UUAAAA",
  "POST /api/admin/me/password": "UUAAAA",
  "GET /api/admin/invitations/:token": "AAAAAA",
  "POST /api/admin/invitations/:token/accept": "AAAAAA",
  "POST /api/admin/invitations": "UUFFFA",
  "GET /api/admin/users": "UUFFFA",
  "POST /api/admin/users": "UUFFFA",
  "PATCH /api/admin/users/:id": "UUFFFA",
  "POST /api/admin/users/:id/unlock": "UUFFFA",
  // Stories: contributors write and submit; editors publish and correct.
  "GET /api/admin/stories": "UUAAAA",
  "POST /api/admin/stories": "UUAFAA",
  "GET /api/admin/stories/:id": "UUAAAA",
  "PUT /api/admin/stories/:id": "UUAFAA",
  "DELETE /api/admin/stories/:id": "UUAFAA",
  "POST /api/admin/stories/:id/untrash": "UUAFAA",
  "POST /api/admin/stories/:id/submit": "UUAFAA",
  "POST /api/admin/stories/:id/withdraw": "UUAFAA",
  "POST /api/admin/stories/:id/return": "UUFFAA",
  "POST /api/admin/stories/:id/publish": "UUFFAA",
  "POST /api/admin/stories/:id/schedule": "UUFFAA",
  "POST /api/admin/stories/:id/unschedule": "UUFFAA",
  "POST /api/admin/stories/:id/unpublish": "UUFFAA",
  "GET /api/admin/stories/:id/revisions": "UUAAAA",
  "GET /api/admin/stories/:id/revisions/:number": "UUAAAA",
  "GET /api/admin/stories/:id/diff": "UUAAAA",
  "POST /api/admin/stories/:id/revisions/:number/restore": "UUAFAA",
  // The desk: notes on a story, notices, what waits; editors place stories on the front pages.
  "GET /api/admin/stories/:id/notes": "UUAAAA",
  "POST /api/admin/stories/:id/notes": "UUAFAA",
  "GET /api/admin/desk": "UUAAAA",
  "POST /api/admin/desk/read": "UUAAAA",
  "PUT /api/admin/me/notifications": "UUAAAA",
  "GET /api/admin/front-pages/:page": "UUAAAA",
  "PUT /api/admin/front-pages/:page": "UUFFAA",
  "GET /api/admin/stories/:id/corrections": "UUAAAA",
  "POST /api/admin/stories/:id/corrections": "UUFFAA",
  "PATCH /api/admin/stories/:id/corrections/:correctionId": "UUFFAA",
  "POST /api/admin/stories/:id/corrections/:correctionId/retract": "UUFFAA",
  "POST /api/admin/stories/:id/preview-link": "UUAFAA",
  "POST /api/admin/preview": "UUAFAA",
  // Media.
  "GET /api/admin/images": "UUAAAA",
  "POST /api/admin/images": "UUAFAA",
  "PATCH /api/admin/images/:id": "UUAFAA",
  "GET /api/admin/videos": "UUAAAA",
  "POST /api/admin/videos": "UUAFAA",
  "POST /api/admin/videos/remote": "UUAFAA",
  "PATCH /api/admin/videos/:id": "UUAFAA",
  // Sections, topics, authors: admins only, reading for everyone in the newsroom.
  "GET /api/admin/sections": "UUAAAA",
  "PUT /api/admin/sections": "UUFFFA",
  "GET /api/admin/topics": "UUAAAA",
  "POST /api/admin/topics": "UUFFFA",
  "GET /api/admin/authors": "UUAAAA",
  "PUT /api/admin/authors": "UUFFFA",
  "GET /api/admin/settings": "UUFFFA",
  // The wire desk: contributors read the queue and draft from it; editors publish as is and apply updates; admins run feeds.
  // A push is authenticated by the feed's secret only, never by a session (wire-desk.test.ts tests it).
  "POST /api/wire/push/:feed": "AAAAAA",
  "GET /api/admin/wire/items": "UUAFAA",
  "GET /api/admin/wire/items/:id": "UUAFAA",
  "POST /api/admin/wire/items/:id/use": "UUAFAA",
  "GET /api/admin/stories/:id/wire": "UUAAAA",
  "POST /api/admin/wire/items/:id/apply": "UUFFAA",
  "POST /api/admin/wire/items/:id/dismiss": "UUFFAA",
  "GET /api/admin/wire/failures": "UUAFAA",
  "GET /api/admin/wire/feeds": "UUFFFA",
  "POST /api/admin/wire/feeds": "UUFFFA",
  "PUT /api/admin/wire/feeds/:id": "UUFFFA",
  "PATCH /api/admin/wire/feeds/:id": "UUFFFA",
  "DELETE /api/admin/wire/feeds/:id": "UUFFFA",
  // Live coverage: editors make a story live; contributors post; editors pin, approve and delete.
  "PUT /api/admin/stories/:id/live": "UUFFAA",
  "GET /api/admin/stories/:id/live": "UUAAAA",
  "POST /api/admin/stories/:id/live/posts": "UUAFAA",
  "PATCH /api/admin/live/posts/:id": "UUAFAA",
  "DELETE /api/admin/live/posts/:id": "UUAFAA",
  "GET /live/:id/changes.json": "AAAAAA",
  "GET /:section/:y/:m/:d/:slug/feed.xml": "AAAAAA",
  // Importing an archive from the newsroom: admins.
  "GET /api/admin/imports": "UUFFFA",
  "POST /api/admin/imports": "UUFFFA",
  "GET /api/admin/imports/:id": "UUFFFA",
  "GET /api/admin/imports/:id/items": "UUFFFA",
  "POST /api/admin/imports/:id/continue": "UUFFFA",
  // Newsletters: readers sign up and leave by signed link (no session needed); bounce webhooks prove
  // themselves by signature (newsletters.test.ts); editors write and send issues; admins run the lists.
  "GET /newsletters": "AAAAAA",
  "POST /newsletters/subscribe": "AAAAAA",
  "GET /newsletters/confirm/:token": "AAAAAA",
  "POST /newsletters/confirm/:token": "AAAAAA",
  "GET /newsletters/unsubscribe/:token/:slug": "AAAAAA",
  "POST /newsletters/unsubscribe/:token/:slug": "AAAAAA",
  "GET /newsletters/preferences/:token": "AAAAAA",
  "POST /newsletters/preferences/:token": "AAAAAA",
  "GET /account/newsletters": "AAAAAA",
  "GET /newsletters/:slug": "AAAAAA",
  "GET /newsletters/:slug/issues/:id": "AAAAAA",
  "POST /api/newsletters/webhooks/gazette": "AAAAAA",
  "POST /api/newsletters/webhooks/ses": "AAAAAA",
  "POST /api/newsletters/webhooks/postmark": "AAAAAA",
  "GET /api/admin/newsletters": "UUFFAA",
  "POST /api/admin/newsletters": "UUFFFA",
  "PUT /api/admin/newsletters/:id": "UUFFFA",
  "DELETE /api/admin/newsletters/:id": "UUFFFA",
  "GET /api/admin/newsletters/:id/growth": "UUFFAA",
  "GET /api/admin/newsletters/:id/issues": "UUFFAA",
  "GET /api/admin/newsletters/:id/digest-suggestion": "UUFFAA",
  "POST /api/admin/newsletters/:id/issues": "UUFFAA",
  "GET /api/admin/newsletter-issues/:id": "UUFFAA",
  "PATCH /api/admin/newsletter-issues/:id": "UUFFAA",
  "GET /api/admin/newsletter-issues/:id/preview": "UUFFAA",
  "GET /admin/newsletter-issues/:id/preview.html": "UUFFAA",
  "POST /api/admin/newsletter-issues/:id/test": "UUFFAA",
  "POST /api/admin/newsletter-issues/:id/send": "UUFFAA",
  "GET /api/admin/subscribers": "UUFFFA",
  "DELETE /api/admin/subscribers/:id": "UUFFFA",
  "POST /api/admin/newsletters/:id/import": "UUFFFA",
  "GET /admin/newsletters/:id/export.csv": "UUFFFA",
  "GET /api/admin/suppressions": "UUFFFA",
  "POST /api/admin/suppressions": "UUFFFA",
  "PATCH /api/admin/settings": "UUFFFA",
  // Moderation: moderators, editors and admins; the policy is an admin's.
  "GET /api/admin/comments": "UUFAAA",
  "POST /api/admin/comments/:id/decision": "UUFAAA",
  "GET /api/admin/readers/:id": "UUFAAA",
  "GET /api/admin/moderation/log": "UUFAAA",
  "GET /api/admin/moderation/policy": "UUFAAA",
  "PATCH /api/admin/moderation/policy": "UUFFFA",
  "PATCH /api/admin/stories/:id/comments": "UUFFAA",
  // The newsroom's pages.
  "GET /preview/:id": "AAAAAA",
  "GET /admin": "AAAAAA",
  "GET /admin/*": "AAAAAA",
  // Reader accounts: the forms are public; changing an account needs a reader.
  "GET /account/signup": "AAAAAA",
  "POST /account/signup": "AAAAAA",
  "GET /account/verify/:token": "AAAAAA",
  "GET /account/signin": "AAAAAA",
  "POST /account/signin": "AAAAAA",
  "POST /account/signout": "AAAAAA",
  // Memberships: the plans page and links are public; checkout, portal and gifts need a reader;
  // Stripe's webhook proves itself by signature (stripe.test.ts).
  "GET /membership": "AAAAAA",
  "POST /membership/checkout": "UAUUUU",
  "GET /membership/welcome": "AAAAAA",
  "POST /membership/portal": "UAUUUU",
  "POST /api/memberships/webhooks/stripe": "AAAAAA",
  "POST /membership/gifts": "UAUUUU",
  "GET /gift/:token": "AAAAAA",
  "GET /read/:token": "AAAAAA",
  // The newsroom's memberships: editors see members and make gift links; admins run plans, grants, institutions.
  "GET /api/admin/memberships/summary": "UUFFAA",
  "GET /api/admin/memberships/members": "UUFFAA",
  "GET /admin/memberships/members.csv": "UUFFFA",
  "GET /api/admin/memberships/plans": "UUFFAA",
  "PUT /api/admin/memberships/plans/:slug": "UUFFFA",
  "POST /api/admin/memberships/grants": "UUFFFA",
  "DELETE /api/admin/memberships/grants/:id": "UUFFFA",
  "GET /api/admin/memberships/institutions": "UUFFAA",
  "POST /api/admin/memberships/institutions": "UUFFFA",
  "PUT /api/admin/memberships/institutions/:id": "UUFFFA",
  "DELETE /api/admin/memberships/institutions/:id": "UUFFFA",
  "PUT /api/admin/sections/:slug/access": "UUFFFA",
  "POST /api/admin/stories/:id/gift": "UUFFAA",
  "GET /account": "AAAAAA",
  "POST /account": "UAUUUU",
  "POST /account/delete": "UAUUUU",
  "GET /api/comments/me": "AAAAAA",
  // Comments: anyone may post (signed out, the page says to sign in and keeps the text); reports, edits and deletions need a reader.
  "POST /comments": "AAAAAA",
  "POST /comments/:id/react": "AAAAAA",
  "GET /comments/:id/reply": "AAAAAA",
  "GET /comments/:id/report": "AAAAAA",
  "POST /comments/:id/report": "UAUUUU",
  "PATCH /api/comments/:id": "UAUUUU",
  "DELETE /api/comments/:id": "UAUUUU",
  "GET /comments/story/:id": "AAAAAA",
  "GET /comments/:id": "AAAAAA",
  "GET /api/comments/:id/replies": "AAAAAA",
  "GET /api/comments/story/:id": "AAAAAA",
  // Advertising: clicks and ads.txt are public; editors read campaigns and reports; admins book them,
  // export reports for advertisers and edit ads.txt.
  "GET /ad/click/:id": "AAAAAA",
  "POST /ad/viewed": "AAAAAA",
  "GET /ads.txt": "AAAAAA",
  "GET /app-ads.txt": "AAAAAA",
  "GET /api/admin/ads/advertisers": "UUFFAA",
  "POST /api/admin/ads/advertisers": "UUFFFA",
  "PUT /api/admin/ads/advertisers/:id": "UUFFFA",
  "GET /api/admin/ads/campaigns": "UUFFAA",
  "POST /api/admin/ads/campaigns": "UUFFFA",
  "POST /api/admin/ads/bookings": "UUFFFA",
  "GET /api/admin/ads/campaigns/:id": "UUFFAA",
  "PUT /api/admin/ads/campaigns/:id": "UUFFFA",
  "POST /api/admin/ads/campaigns/:id/creatives": "UUFFFA",
  "PUT /api/admin/ads/campaigns/:id/creatives/:creativeId": "UUFFFA",
  "GET /api/admin/ads/campaigns/:id/report": "UUFFAA",
  "GET /admin/ads/campaigns/:id/report.csv": "UUFFFA",
  "GET /api/admin/ads/ads-txt": "UUFFAA",
  "PUT /api/admin/ads/ads-txt": "UUFFFA",
  // The reader site.
  "GET /": "AAAAAA",
  "GET /:section/:y/:m/:d/:slug": "AAAAAA",
  "GET /:section/:y/:m/:d/:slug/history": "AAAAAA",
  "GET /:section/:y/:m/:d/:slug.ninjs": "AAAAAA",
  "GET /corrections": "AAAAAA",
  "GET /:section": "AAAAAA",
  "GET /topic/:slug": "AAAAAA",
  "GET /author/:slug": "AAAAAA",
  "GET /video": "AAAAAA",
  "GET /video/:id": "AAAAAA",
  "GET /about/:slug": "AAAAAA",
  "GET /feed.xml": "AAAAAA",
  "GET /:section/feed.xml": "AAAAAA",
  "GET /sitemap.xml": "AAAAAA",
  "GET /sitemap-news.xml": "AAAAAA",
  "GET /search": "AAAAAA",
  "GET /api/search": "AAAAAA",
  "GET /healthz": "AAAAAA",
  "GET /media/*": "AAAAAA",
  "GET /assets/logo.svg": "AAAAAA",
  "GET /assets/logo.png": "AAAAAA",
  "GET /robots.txt": "AAAAAA",
  "GET /api/openapi.json": "AAAAAA",
  // The stylesheet and script (their paths carry a content hash).
  "GET /assets/site.css": "AAAAAA",
  "GET /assets/comments.js": "AAAAAA",
  "GET /assets/ads.js": "AAAAAA",
  "GET /assets/adtag.js": "AAAAAA",
  "GET /assets/live.js": "AAAAAA",
};

/** An endpoint's row name, with content-hashed asset paths named by what they are. */
const rowName = (method: string, path: string) =>
  `${method} ${path.replace(/^\/assets\/(site|comments|ads|adtag|live)\.[0-9a-f]+\.(css|js)$/, "/assets/$1.$2")}`;

/** A concrete URL for a route pattern (made-up ids: access is decided before anything is looked up). */
const probeUrl = (path: string) =>
  path
    .replace("/:section/:y/:m/:d/:slug", "/city/2026/01/01/no-such-story")
    .replace(":section", "city")
    .replace(":slug", "no-such-thing")
    .replace(":correctionId", "999998")
    .replace(":id", "999999")
    .replace(":number", "1")
    .replace(":page", "home")
    .replace(":token", "not-a-real-token-at-all")
    .replace("*", "no-such-page");

for (const dialect of DIALECTS) {
  describe(`who may call what (${dialect})`, () => {
    let env: TestEnv;
    const users = {} as Record<Role, User>;
    let readerId = 0;
    before(async () => {
      env = await makeEnv({ dialect });
      await upsertSection(env.db, { slug: "city", name: "City" });
      for (const r of ROLES) users[r] = await addUser(env.db, r);
      const r = await createReader(env.db, {
        email: "reader@readers.example",
        displayName: "Matrix Reader",
        passwordHash: "!",
      });
      await markVerified(env.db, r.id);
      readerId = r.id;
    });
    after(() => env.close());

    /** Headers that pass every guard, for a fresh session of the caller (some endpoints end it). */
    async function headersFor(who: Caller): Promise<Record<string, string>> {
      // Errors come back as JSON with their code, pages included.
      const origin = { origin: "http://localhost:80", host: "localhost:80", accept: "application/json" };
      if (who === "reader")
        return { ...origin, cookie: `gz_reader=${await createReaderSession(env.db, readerId)}` };
      if (who === "anonymous") {
        const pre = await env.app.inject("/api/admin/session");
        const token = (pre.json() as { csrfToken: string }).csrfToken;
        return { ...origin, cookie: `gz_csrf=${token}`, "x-csrf-token": token };
      }
      const c = await sessionFor(env.app, env.db, users[who]);
      return { ...origin, cookie: c.cookie, "x-csrf-token": c.csrf };
    }

    it("answers every endpoint as the hand-written grid says", async () => {
      const rows = env.app.endpoints.map((e) => rowName(e.method, e.path));
      assert.deepEqual(
        rows.filter((r) => !(r in EXPECTED)),
        [],
        "every endpoint has a row in EXPECTED",
      );
      assert.deepEqual(
        Object.keys(EXPECTED).filter((r) => !rows.includes(r)),
        [],
        "every row in EXPECTED is an endpoint",
      );
      const wrong: string[] = [];
      for (const e of env.app.endpoints) {
        const name = rowName(e.method, e.path);
        let got = "";
        for (const who of CALLERS) {
          const res = await env.app.inject({
            method: e.method,
            url: probeUrl(e.path),
            headers: await headersFor(who),
            ...(e.method === "GET" || e.multipart ? {} : { payload: {} }),
          });
          assert.ok(res.statusCode < 500, `${who} ${name}: ${res.statusCode} ${res.body.slice(0, 300)}`);
          const code = String(res.headers["content-type"] ?? "").includes("json")
            ? (res.json() as { error?: { code?: string } }).error?.code
            : undefined;
          got += code === "GZ_ERR_UNAUTHENTICATED" ? "U" : code === "GZ_ERR_FORBIDDEN" ? "F" : "A";
        }
        if (got !== EXPECTED[name]) wrong.push(`${name}: expected ${EXPECTED[name]}, got ${got}`);
      }
      assert.deepEqual(wrong, []);
    });
  });
}
