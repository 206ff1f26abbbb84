/**
 * Memberships for readers: the plans page, Stripe Checkout and the customer
 * portal, Stripe's webhook, gift links (made by subscribers, followed by
 * anyone) and newsletter links. The gate itself is access-gate.ts; the
 * newsroom's side is admin-endpoints.ts.
 */
import { z } from "zod";
import type { Config } from "../config.ts";
import { GazetteError } from "../content/errors.ts";
import { opens } from "../content/access.ts";
import {
  giftToken,
  passCookie,
  readGiftToken,
  readNewsletterToken,
  readPassCookie,
} from "../auth/access-tokens.ts";
import type { Shell } from "../site/layout.ts";
import { renderMessage } from "../site/account-pages.ts";
import { renderGiftMadePage, renderPlansPage, renderWelcomePage } from "../site/membership-pages.ts";
import type { Db } from "../store/database.ts";
import {
  accessSigningKey,
  createGift,
  giftsMadeSince,
  listPlans,
  planBySlug,
  readerPlans,
  useGift,
} from "../store/membership-store.ts";
import { storyById } from "../store/story-store.ts";
import { type Endpoint, endpoint, page, redirect, safeReturn } from "../web/endpoint.ts";
import { isSecure } from "../web/sessions.ts";
import { PASS_COOKIE } from "./access-gate.ts";
import { applyEvent, openPortal, startCheckout, stripeClient, verifiedEvent } from "./stripe-billing.ts";

export interface MembershipDeps {
  config: Config;
  db: Db;
  shell: () => Promise<Shell>;
}

export function membershipEndpoints(deps: MembershipDeps): Endpoint[] {
  const { db, config } = deps;
  const m = config.memberships;
  const stripe = m.stripe ? stripeClient(m.stripe) : undefined;
  const base = config.site.baseUrl;
  let key: Promise<Buffer> | undefined;
  const signingKey = () => (key ??= accessSigningKey(db));
  const onSale = async () =>
    stripe ? (await listPlans(db, { activeOnly: true })).filter((p) => p.stripePriceId) : [];
  const paymentsOff = () =>
    new GazetteError(
      "GZ_ERR_PAYMENTS_OFF",
      "Subscriptions are not sold online on this site (Stripe is not configured).",
    );

  /** Opens one story for this browser until `until` (unix seconds): the pass cookie, kept with its others. */
  async function grantPass(
    req: Parameters<Endpoint["handler"]>[0]["req"],
    reply: Parameters<Endpoint["handler"]>[0]["reply"],
    storyId: number,
    until: number,
  ) {
    const k = await signingKey();
    const passes = readPassCookie(k, req.cookies[PASS_COOKIE]).filter((p) => p.storyId !== storyId);
    reply.setCookie(PASS_COOKIE, passCookie(k, [...passes, { storyId, until }]), {
      path: "/",
      httpOnly: true,
      sameSite: "lax",
      secure: isSecure(req),
      maxAge: Math.max(60, until - Math.floor(Date.now() / 1000)),
    });
  }

  return [
    endpoint({
      method: "GET",
      path: "/membership",
      access: "anyone",
      identify: "reader",
      responds: "html",
      tag: "Memberships",
      summary: "The plans on sale and how to subscribe (or, without payments, how to get access)",
      query: z.object({ return: z.string().max(500).optional(), plan: z.string().max(120).optional() }),
      handler: async ({ query, reader }) =>
        page(
          renderPlansPage(await deps.shell(), {
            plans: await onSale(),
            signedIn: !!reader,
            returnTo: safeReturn(query.return),
            registeredLimit: m.meter.registered,
          }),
        ),
    }),
    endpoint({
      method: "POST",
      path: "/membership/checkout",
      access: "reader",
      responds: "html",
      form: true,
      tag: "Memberships",
      summary: "Start a subscription to a plan: answers 303 to Stripe Checkout",
      body: z.object({ plan: z.string().min(1).max(120), return: z.string().max(500).optional() }),
      rateLimit: {
        name: "checkout",
        by: "ip",
        max: 20,
        windowMs: 60_000,
        message: (s) => `Too many checkouts started; try again in ${s} seconds.`,
      },
      handler: async ({ body, reader }) => {
        if (!stripe) throw paymentsOff();
        const plan = await planBySlug(db, body.plan);
        if (!plan || !plan.active || !plan.stripePriceId)
          throw new GazetteError("GZ_ERR_VALIDATION", `There is no plan "${body.plan}" on sale.`, {
            fields: [{ path: "plan", message: "is not a plan on sale; choose one on /membership" }],
          });
        const url = await startCheckout(stripe, db, {
          plan,
          reader: reader!,
          baseUrl: base,
          returnPath: safeReturn(body.return),
        });
        return redirect(url, 303);
      },
    }),
    endpoint({
      method: "GET",
      path: "/membership/welcome",
      access: "anyone",
      responds: "html",
      tag: "Memberships",
      summary: "Where Stripe Checkout returns the reader after paying",
      handler: async () => page(renderWelcomePage(await deps.shell())),
    }),
    endpoint({
      method: "POST",
      path: "/membership/portal",
      access: "reader",
      responds: "html",
      form: true,
      tag: "Memberships",
      summary: "Manage billing: answers 303 to Stripe's customer portal",
      handler: async ({ reader }) => {
        if (!stripe) throw paymentsOff();
        return redirect(await openPortal(stripe, db, reader!.id, base), 303);
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/memberships/webhooks/stripe",
      access: "anyone",
      guard: "none",
      responds: "json",
      tag: "Memberships",
      summary:
        "Stripe's webhook (checkout.session.completed, customer.subscription.*): verified with the endpoint's signing secret; each event applied once",
      rawBody: { maxBytes: 512 * 1024 },
      handler: async ({ body, req }) => {
        if (!stripe || !m.stripe) throw paymentsOff();
        const sig = req.headers["stripe-signature"];
        const event = verifiedEvent(
          stripe,
          m.stripe.webhookSecret,
          Buffer.isBuffer(body) ? body : Buffer.alloc(0),
          typeof sig === "string" ? sig : undefined,
        );
        const outcome = await applyEvent(db, event);
        req.log.info({ event: event.id, type: event.type, outcome }, "stripe event");
        return { received: true, outcome };
      },
    }),
    endpoint({
      method: "POST",
      path: "/membership/gifts",
      access: "reader",
      responds: "negotiated",
      form: true,
      tag: "Memberships",
      summary: "A subscriber makes a gift link to a story they can read (a few a month)",
      body: z.object({ storyId: z.coerce.number().int().positive() }),
      handler: async ({ body, reader, wantsJson }) => {
        const story = await storyById(db, body.storyId);
        if (!story || story.status !== "published") throw new GazetteError("GZ_ERR_STORY_NOT_FOUND");
        const held = await readerPlans(db, reader!.id, m.pastDueGraceDays);
        const entitlement = { registered: true, plans: held.plans };
        const paying = held.plans === "all" || held.plans.size > 0;
        if (!paying || !opens(story.effectiveAccess, entitlement))
          throw new GazetteError("GZ_ERR_FORBIDDEN", "Only subscribers who can read a story may give it.");
        const now = new Date();
        const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
        if ((await giftsMadeSince(db, reader!.id, monthStart)) >= m.gifts.perMonth)
          throw new GazetteError(
            "GZ_ERR_RATE_LIMITED",
            `You have made your ${m.gifts.perMonth} gift links this month; more next month.`,
          );
        const gift = await createGift(db, {
          storyId: story.id,
          readerId: reader!.id,
          maxUses: m.gifts.maxUses,
          expiresAt: new Date(now.getTime() + m.gifts.days * 86_400_000).toISOString(),
        });
        const url = `${base}/gift/${giftToken(await signingKey(), gift.id)}`;
        if (wantsJson) return { url, maxUses: gift.maxUses, expiresAt: gift.expiresAt };
        return page(
          renderGiftMadePage(await deps.shell(), {
            url,
            headline: story.headline,
            storyPath: story.path,
            maxUses: gift.maxUses,
            expiresAt: gift.expiresAt,
          }),
        );
      },
    }),
    endpoint({
      method: "GET",
      path: "/gift/:token",
      access: "anyone",
      responds: "html",
      tag: "Memberships",
      summary: "Follow a gift link: counts one use, opens the story in this browser, answers 303 to it",
      params: z.object({ token: z.string().max(100) }),
      handler: async ({ params, req, reply }) => {
        const id = readGiftToken(await signingKey(), params.token);
        const used = id === undefined ? "unknown" : await useGift(db, id);
        if (typeof used === "string") {
          if (used === "unknown") throw new GazetteError("GZ_ERR_NOT_FOUND", "That is not a gift link.");
          throw new GazetteError(
            "GZ_ERR_LINK_GONE",
            used === "expired"
              ? "This gift link has expired. Ask the person who sent it for a new one."
              : "This gift link has been used as many times as it can be. Ask the person who sent it for a new one.",
          );
        }
        const story = await storyById(db, used.storyId);
        if (!story || story.status !== "published") throw new GazetteError("GZ_ERR_STORY_NOT_FOUND");
        await grantPass(req, reply, story.id, Math.floor(Date.parse(used.expiresAt) / 1000));
        return redirect(story.path, 303);
      },
    }),
    endpoint({
      method: "GET",
      path: "/read/:token",
      access: "anyone",
      responds: "html",
      tag: "Memberships",
      summary:
        "A story link from a newsletter: opens the story in this browser for a few days, answers 303 to it",
      params: z.object({ token: z.string().max(100) }),
      handler: async ({ params, req, reply }) => {
        const pass = readNewsletterToken(await signingKey(), params.token);
        if (!pass) {
          return page(
            renderMessage(
              await deps.shell(),
              "This link has expired",
              "Links in newsletters open stories for a few days. You can still read the story's beginning from the front page, or subscribe.",
              "error",
            ),
            410,
          );
        }
        const story = await storyById(db, pass.storyId);
        if (!story || story.status !== "published") throw new GazetteError("GZ_ERR_STORY_NOT_FOUND");
        await grantPass(req, reply, story.id, pass.until);
        return redirect(story.path, 303);
      },
    }),
  ];
}
