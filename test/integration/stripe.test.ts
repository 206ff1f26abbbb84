/**
 * Payments with the real `stripe` client: Checkout and the customer portal
 * call a small stand-in for Stripe's API started here (there is no network),
 * and webhooks are signed with the package's own test-header helper. A
 * subscription goes created → past_due → canceled and the reader's access
 * follows; forged, repeated and out-of-order events change nothing.
 */
import assert from "node:assert/strict";
import http from "node:http";
import { afterEach, beforeEach, describe, it } from "node:test";
import Stripe from "stripe";
import { upsertPlan } from "../../src/store/membership-store.ts";
import { storyByUri } from "../../src/store/story-store.ts";
import { gateStory, readerWithSession } from "../membership-fixtures.ts";
import { DIALECTS, type TestEnv, demoEnv } from "../helpers.ts";

const WEBHOOK_SECRET = "whsec_gazettetestsecret";
const signer = new Stripe("sk_test_signer");

interface Call {
  method: string;
  path: string;
  form: URLSearchParams;
}

/** Answers the two calls Gazette makes to Stripe's API, and records them. */
async function stripeStandIn(): Promise<{ url: string; calls: Call[]; close: () => Promise<void> }> {
  const calls: Call[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const call = { method: req.method ?? "", path: req.url ?? "", form: new URLSearchParams(body) };
      calls.push(call);
      res.setHeader("content-type", "application/json");
      if (req.headers.authorization !== "Bearer sk_test_gazette") {
        res.statusCode = 401;
        res.end(
          JSON.stringify({ error: { type: "invalid_request_error", message: "Invalid API Key provided" } }),
        );
      } else if (call.path === "/v1/checkout/sessions") {
        res.end(
          JSON.stringify({
            id: "cs_test_1",
            object: "checkout.session",
            url: "https://checkout.stripe.test/c/pay/cs_test_1",
          }),
        );
      } else if (call.path === "/v1/billing_portal/sessions") {
        res.end(
          JSON.stringify({
            id: "bps_1",
            object: "billing_portal.session",
            url: "https://billing.stripe.test/p/session_1",
          }),
        );
      } else {
        res.statusCode = 404;
        res.end(
          JSON.stringify({ error: { type: "invalid_request_error", message: "Unrecognized request URL" } }),
        );
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, calls, close: () => new Promise((r) => server.close(() => r())) };
}

for (const dialect of DIALECTS) {
  describe(`Stripe payments (${dialect})`, () => {
    let env: TestEnv;
    let api: Awaited<ReturnType<typeof stripeStandIn>>;
    let storyPath: string;
    let readerId: number;
    let cookie: string;

    /** The demo site with Stripe pointed at the stand-in, a plan on sale, a subscribers' story, a reader. */
    async function setUp(o: { graceDays?: number; stripe?: boolean } = {}) {
      env = await demoEnv(dialect, (c) => {
        c.memberships = {
          ...c.memberships,
          meter: { anonymous: 0, registered: 0 },
          ...(o.graceDays !== undefined ? { pastDueGraceDays: o.graceDays } : {}),
          stripe:
            o.stripe === false
              ? undefined
              : { secretKey: "sk_test_gazette", webhookSecret: WEBHOOK_SECRET, apiUrl: api.url },
        };
      });
      await upsertPlan(env.db, {
        slug: "digital",
        name: "Digital",
        priceMinor: 900,
        currency: "eur",
        interval: "month",
        stripePriceId: "price_digital",
      });
      storyPath = (await gateStory(env.db, "budget", { level: "subscribers", plans: [] })).path;
      const r = await readerWithSession(env.db, "ana@readers.example");
      readerId = r.id;
      cookie = `gz_reader=${r.cookie}`;
      await env.app.syncChanges();
    }

    beforeEach(async () => {
      api = await stripeStandIn();
      await setUp();
    });
    afterEach(async () => {
      await env.close();
      await api.close();
    });

    const readsInFull = async () =>
      (await env.app.inject({ method: "GET", url: storyPath, headers: { cookie } })).body.includes(
        `class="gz-gated"`,
      );

    let seq = 0;
    function subscriptionEvent(type: string, status: string, created: number, id = `evt_${++seq}`) {
      return {
        id,
        object: "event",
        type,
        created,
        api_version: "2025-10-29.clover",
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        data: {
          object: {
            id: "sub_1",
            object: "subscription",
            customer: "cus_1",
            status,
            cancel_at_period_end: false,
            metadata: { gazette_reader_id: String(readerId), gazette_plan: "digital" },
            items: {
              object: "list",
              data: [
                {
                  id: "si_1",
                  object: "subscription_item",
                  current_period_end: created + 30 * 86_400,
                  price: {
                    id: "price_digital",
                    object: "price",
                    unit_amount: 900,
                    currency: "eur",
                    recurring: { interval: "month" },
                  },
                },
              ],
            },
          },
        },
      };
    }

    async function deliver(event: object, signature?: string) {
      const payload = JSON.stringify(event);
      const header =
        signature ?? signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
      return env.app.inject({
        method: "POST",
        url: "/api/memberships/webhooks/stripe",
        headers: { "content-type": "application/json", "stripe-signature": header },
        payload,
      });
    }

    it("starts Checkout for a signed-in reader and opens the portal, through Stripe's API", async () => {
      const r = await env.app.inject({
        method: "POST",
        url: "/membership/checkout",
        headers: {
          cookie,
          origin: "http://localhost:80",
          host: "localhost:80",
          "content-type": "application/x-www-form-urlencoded",
        },
        payload: `plan=digital&return=${encodeURIComponent(storyPath)}`,
      });
      assert.equal(r.statusCode, 303, r.body);
      assert.equal(r.headers.location, "https://checkout.stripe.test/c/pay/cs_test_1");
      const call = api.calls.find((c) => c.path === "/v1/checkout/sessions")!;
      assert.equal(call.form.get("mode"), "subscription");
      assert.equal(call.form.get("line_items[0][price]"), "price_digital");
      assert.equal(call.form.get("client_reference_id"), String(readerId));
      assert.equal(call.form.get("customer_email"), "ana@readers.example");
      assert.equal(call.form.get("cancel_url"), `https://news.example.org${storyPath}`);
      // An unknown plan, a visitor without an account: refused before Stripe is asked.
      const bad = await env.app.inject({
        method: "POST",
        url: "/membership/checkout",
        headers: { cookie, origin: "http://localhost:80", host: "localhost:80", accept: "application/json" },
        payload: { plan: "platinum" },
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /"path":"plan"/);
      const anon = await env.app.inject({
        method: "POST",
        url: "/membership/checkout",
        headers: { origin: "http://localhost:80", host: "localhost:80", accept: "application/json" },
        payload: { plan: "digital" },
      });
      assert.equal(anon.statusCode, 401);
      // The portal needs a Stripe customer, which only a webhook records.
      const noCustomer = await env.app.inject({
        method: "POST",
        url: "/membership/portal",
        headers: { cookie, origin: "http://localhost:80", host: "localhost:80", accept: "application/json" },
      });
      assert.equal(noCustomer.statusCode, 404);
      assert.equal(
        (await deliver(subscriptionEvent("customer.subscription.created", "active", 1_800_000_000)))
          .statusCode,
        200,
      );
      const portal = await env.app.inject({
        method: "POST",
        url: "/membership/portal",
        headers: { cookie, origin: "http://localhost:80", host: "localhost:80" },
      });
      assert.equal(portal.statusCode, 303);
      assert.equal(portal.headers.location, "https://billing.stripe.test/p/session_1");
      assert.equal(
        api.calls.find((c) => c.path === "/v1/billing_portal/sessions")!.form.get("customer"),
        "cus_1",
      );
    });

    it("follows a subscription from created through past_due to canceled; forged, repeated and late events change nothing", async () => {
      assert.equal(await readsInFull(), false);
      const t = 1_800_000_000;
      // A forged signature: 400, nothing stored.
      const forged = await deliver(
        subscriptionEvent("customer.subscription.created", "active", t),
        `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}`,
      );
      assert.equal(forged.statusCode, 400);
      assert.match(forged.body, /GZ_ERR_STRIPE_SIGNATURE/);
      const unsigned = await env.app.inject({
        method: "POST",
        url: "/api/memberships/webhooks/stripe",
        headers: { "content-type": "application/json" },
        payload: JSON.stringify(subscriptionEvent("customer.subscription.created", "active", t)),
      });
      assert.equal(unsigned.statusCode, 400);
      assert.equal(await readsInFull(), false);

      const created = subscriptionEvent("customer.subscription.created", "active", t);
      assert.equal(JSON.parse((await deliver(created)).body).outcome, "applied");
      assert.equal(await readsInFull(), true, "active: read in full at once");
      // The same event again (Stripe retries): applied once.
      assert.equal(JSON.parse((await deliver(created)).body).outcome, "repeat");

      assert.equal(
        JSON.parse(
          (await deliver(subscriptionEvent("customer.subscription.updated", "past_due", t + 10))).body,
        ).outcome,
        "applied",
      );
      assert.equal(await readsInFull(), true, "past_due: still read during the grace period");
      const account = await env.app.inject({ method: "GET", url: "/account", headers: { cookie } });
      assert.match(account.body, /Digital<\/strong>, €9\.00 a month — payment overdue/);
      assert.match(account.body, /Manage billing/);

      assert.equal(
        JSON.parse(
          (await deliver(subscriptionEvent("customer.subscription.deleted", "canceled", t + 20))).body,
        ).outcome,
        "applied",
      );
      assert.equal(await readsInFull(), false, "canceled: gated again on the next request");
      // An older event delivered late does not bring the subscription back.
      assert.equal(
        JSON.parse((await deliver(subscriptionEvent("customer.subscription.updated", "active", t + 15))).body)
          .outcome,
        "stale",
      );
      assert.equal(await readsInFull(), false);
    });

    it("takes away a past-due subscriber's access once the grace period is over", async () => {
      await env.close();
      await setUp({ graceDays: 0 });
      await deliver(subscriptionEvent("customer.subscription.created", "active", 1_800_000_000));
      assert.equal(await readsInFull(), true);
      await deliver(subscriptionEvent("customer.subscription.updated", "past_due", 1_800_000_100));
      assert.equal(await readsInFull(), false);
    });

    it("gives the newsroom its members, counts, revenue and export; plans, grants, institutions and a section's default", async () => {
      const { addUser, sessionFor } = await import("../newsroom-client.ts");
      const admin = await sessionFor(env.app, env.db, await addUser(env.db, "admin"));
      await deliver(subscriptionEvent("customer.subscription.created", "active", 1_800_000_000));
      const summary = await admin.json<{
        mrr: { currency: string; amountMinor: number }[];
        byPlan: object[];
      }>("GET", "/api/admin/memberships/summary");
      assert.deepEqual(summary.mrr, [{ currency: "eur", amountMinor: 900 }]);
      assert.deepEqual(summary.byPlan, [{ planSlug: "digital", status: "active", count: 1 }]);
      const subs = await admin.json<{ members: { email: string }[] }>(
        "GET",
        "/api/admin/memberships/members?filter=subscribers&q=ANA",
      );
      assert.deepEqual(
        subs.members.map((m) => m.email),
        ["ana@readers.example"],
      );
      const free = await admin.json<{ members: { email: string }[] }>(
        "GET",
        "/api/admin/memberships/members?filter=free",
      );
      assert.ok(!free.members.some((m) => m.email === "ana@readers.example"));
      const csv = await admin.call("GET", "/admin/memberships/members.csv?filter=subscribers");
      assert.equal(csv.statusCode, 200);
      assert.match(csv.body, /^email,name,joined,verified,plan,status,renews,grants\n/);
      assert.match(csv.body, /ana@readers\.example,Reader,.*,yes,digital,active,/);
      // A bad range names the entry; a plan that does not exist names the field.
      const bad = await admin.call("POST", "/api/admin/memberships/institutions", {
        name: "Ellery University",
        ipRanges: ["192.0.2.0/24", "10.0.0.0/33"],
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /"path":"ipRanges.1"/);
      const noPlan = await admin.call("POST", "/api/admin/memberships/grants", {
        readerId: readerId,
        kind: "staff",
        planSlug: "gold",
      });
      assert.equal(noPlan.statusCode, 400);
      assert.match(noPlan.body, /"path":"planSlug"/);
      const price = await admin.call("PUT", "/api/admin/memberships/plans/yearly", {
        name: "Yearly",
        priceMinor: 9000,
        currency: "eur",
        interval: "year",
        stripePriceId: "not-a-price",
      });
      assert.equal(price.statusCode, 400);
      assert.match(price.body, /"path":"stripePriceId"/);
      // A section's default: a free story in it becomes one for registered readers.
      await admin.json("PUT", "/api/admin/sections/politics/access", {
        access: { level: "registered", plans: [] },
      });
      await env.app.syncChanges();
      const politics = (await storyByUri(env.db, "urn:gazette:demo:election-rules"))!;
      assert.equal(politics.effectiveAccess.level, "registered");
      const visitor = await env.app.inject({ method: "GET", url: politics.path });
      assert.match(visitor.body, /Create a free account to read on/);
      // An editor's gift link opens it for anyone.
      const gift = await admin.json<{ url: string }>(
        "POST",
        `/api/admin/stories/${politics.id}/gift`,
        { maxUses: 1 },
        201,
      );
      const follow = await env.app.inject({ method: "GET", url: new URL(gift.url).pathname });
      assert.equal(follow.statusCode, 303);
    });

    it("hides paid plans and refuses checkout when Stripe is not configured; everything else works", async () => {
      await env.close();
      await setUp({ stripe: false });
      const plans = await env.app.inject({ method: "GET", url: "/membership" });
      assert.equal(plans.statusCode, 200);
      assert.match(plans.body, /not on sale online/);
      assert.doesNotMatch(plans.body, /Subscribe to Digital/);
      const webhook = await deliver(
        subscriptionEvent("customer.subscription.created", "active", 1_800_000_000),
      );
      assert.equal(webhook.statusCode, 404);
    });
  });
}
