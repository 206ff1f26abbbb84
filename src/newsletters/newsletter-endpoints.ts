/**
 * Newsletters over HTTP, the readers' side: the newsletter pages and their
 * archives, sign-up (double opt-in), the confirmation page and its button,
 * leaving one newsletter (a page with a button, and RFC 8058's one-click
 * POST that mail clients send without cookies or a token), the preference
 * page behind each subscriber's signed link, a signed-in reader's own
 * choices, and the bounce and complaint webhooks.
 */
import { z } from "zod";
import type { Config } from "../config.ts";
import { GazetteError } from "../content/errors.ts";
import {
  fromGazetteEvents,
  fromPostmark,
  fromSesNotification,
  gazetteEventsSchema,
  mailAddress,
} from "../content/newsletter.ts";
import type { Mailer } from "../mail/mailer.ts";
import { renderMessage } from "../site/account-pages.ts";
import { html } from "../site/html.ts";
import type { Shell } from "../site/layout.ts";
import {
  renderConfirmPage,
  renderIssuePage,
  renderNewsletterPage,
  renderNewslettersIndex,
  renderPreferencesPage,
  renderUnsubscribePage,
} from "../site/newsletter-pages.ts";
import type { Db } from "../store/database.ts";
import {
  type Newsletter,
  issueById,
  listIssues,
  listNewsletters,
  lookupConfirmation,
  newsletterBySlug,
  recordMailEvents,
  subscribeConfirmed,
  subscriberByToken,
  subscriptionsOf,
  unsubscribe,
  useConfirmation,
} from "../store/newsletter-store.ts";
import { type Endpoint, endpoint, page, positiveIntInPath, redirect } from "../web/endpoint.ts";
import { issueStories } from "./newsletter-service.ts";
import { subscribe } from "./subscriptions.ts";
import {
  SnsRefusal,
  basicAuthValid,
  confirmSnsSubscription,
  gazetteSignatureValid,
  snsMessageSchema,
  verifySns,
} from "./webhooks.ts";
import { findOrCreateSubscriber } from "../store/newsletter-store.ts";

export interface NewsletterEndpointDeps {
  config: Config;
  db: Db;
  mailer: Mailer;
  shell: () => Promise<Shell>;
}

const slugs = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.string().max(120)).max(50));

const tokenParam = z.string().regex(/^[\w-]{20,64}$/, "is not a link Gazette made");

export function newsletterEndpoints(deps: NewsletterEndpointDeps): Endpoint[] {
  const { db, config } = deps;
  const shell = () => deps.shell();
  const tz = config.site.timeZone;

  /** A link that does not work: a clear page (or, to a JSON caller, the error). */
  const gone = async (title: string, text: string, status: 404 | 410, wantsJson = false) => {
    if (wantsJson) throw new GazetteError(status === 410 ? "GZ_ERR_LINK_GONE" : "GZ_ERR_NOT_FOUND", text);
    return page(renderMessage(await shell(), title, text, "error"), status);
  };
  const badLink = (wantsJson = false) =>
    gone(
      "That link does not work",
      "It is not a link we sent, or it was cut short. Copy the whole link from the email, or start again from the newsletters page.",
      404,
      wantsJson,
    );

  async function chosen(slugList: string[], listedOnly: boolean): Promise<Newsletter[]> {
    const all = await listNewsletters(db, { listedOnly });
    return all.filter((n) => slugList.includes(n.slug));
  }

  /** The subscriber behind a link, or undefined (the caller answers with a clear page). */
  const bySignedLink = (token: string) =>
    /^[\w-]{20,64}$/.test(token) ? subscriberByToken(db, token) : Promise.resolve(undefined);

  async function preferencesPage(token: string, notice?: string) {
    const s = await bySignedLink(token);
    if (!s) return badLink();
    const subs = await subscriptionsOf(db, s.id);
    const all = await listNewsletters(db);
    const rows = all
      .filter((n) => n.listed || subs.some((x) => x.newsletterId === n.id && x.status === "active"))
      .map((n) => ({ newsletter: n, status: subs.find((x) => x.newsletterId === n.id)?.status }));
    return page(renderPreferencesPage(await shell(), token, s.email, rows, notice));
  }

  /** Applies a preference form: the ticked newsletters on (the address is proven by the link), the rest off. */
  async function savePreferences(
    subscriberId: number,
    wanted: string[],
    leaveAll: boolean,
    pageUrl: string,
    basis: string,
  ) {
    const now = new Date();
    const all = await listNewsletters(db);
    const subs = await subscriptionsOf(db, subscriberId);
    await db.transaction().execute(async (tx) => {
      if (leaveAll) {
        await unsubscribe(tx, subscriberId, undefined, now);
        return;
      }
      for (const n of all) {
        const current = subs.find((x) => x.newsletterId === n.id)?.status;
        if (wanted.includes(n.slug) && (n.listed || current === "active")) {
          await subscribeConfirmed(
            tx,
            subscriberId,
            n.id,
            {
              basis,
              at: now.toISOString(),
              page: pageUrl,
              wording: `Chose ${n.name} on the preference page.`,
            },
            now,
          );
        } else if (current && current !== "unsubscribed") await unsubscribe(tx, subscriberId, n.id, now);
      }
    });
  }

  return [
    endpoint({
      method: "GET",
      path: "/newsletters",
      access: "anyone",
      responds: "html",
      tag: "Newsletters",
      summary: "The newsletters, with a sign-up form",
      handler: async () =>
        page(renderNewslettersIndex(await shell(), await listNewsletters(db, { listedOnly: true }))),
    }),
    endpoint({
      method: "POST",
      path: "/newsletters/subscribe",
      access: "anyone",
      identify: "reader",
      responds: "negotiated",
      form: true,
      status: 202,
      tag: "Newsletters",
      summary:
        "Subscribe an address to newsletters: a confirmation email is sent (double opt-in); a signed-in reader's own confirmed address is subscribed at once. Rate-limited per network address.",
      body: z.object({
        email: z.string().max(400).default(""),
        newsletters: slugs,
        from: z.string().max(300).optional(),
      }),
      rateLimit: {
        name: "newsletter-signup:ip",
        by: "ip",
        max: 20,
        windowMs: 3600_000,
        message: (s) => `Too many sign-ups from your network; try again in ${Math.ceil(s / 60)} minutes.`,
      },
      handler: async ({ body, reader, wantsJson }) => {
        const listed = await listNewsletters(db, { listedOnly: true });
        const picked = await chosen(body.newsletters, true);
        const email = mailAddress.safeParse(body.email);
        const problem = !email.success
          ? "Enter an email address such as name@example.org."
          : picked.length === 0
            ? "Choose at least one newsletter."
            : undefined;
        if (problem) {
          if (wantsJson)
            throw new GazetteError("GZ_ERR_VALIDATION", problem, {
              fields: [{ path: !email.success ? "email" : "newsletters", message: problem }],
            });
          return page(
            renderNewslettersIndex(await shell(), listed, {
              chosen: picked.map((n) => n.id),
              email: body.email,
              error: problem,
            }),
            400,
          );
        }
        const from = body.from && /^\/[\w/-]*$/.test(body.from) ? body.from : "/newsletters";
        const outcome = await subscribe(deps, {
          email: email.data!,
          newsletters: picked,
          page: `${config.site.baseUrl}${from}`,
          reader: reader ? { id: reader.id, email: reader.email, verified: reader.verified } : undefined,
        });
        if (wantsJson) return { status: outcome };
        return page(
          outcome === "subscribed"
            ? renderMessage(
                await shell(),
                "You are subscribed",
                html`${picked.map((n) => n.name).join(", ")} will come to <strong>${email.data!}</strong>. <a href="/account/newsletters">Your newsletters</a>.`,
              )
            : renderMessage(
                await shell(),
                "Check your email",
                html`We sent a message to <strong>${email.data!}</strong>. Open its link and press the button to confirm; nothing is sent until you do.`,
              ),
          202,
        );
      },
    }),
    endpoint({
      method: "GET",
      path: "/newsletters/confirm/:token",
      access: "anyone",
      responds: "html",
      tag: "Newsletters",
      summary:
        "The page a confirmation link opens: a button confirms (opening the link alone confirms nothing)",
      params: z.object({ token: z.string().max(100) }),
      handler: async ({ params }) => {
        if (!tokenParam.safeParse(params.token).success) return badLink();
        const found = await lookupConfirmation(db, params.token);
        if (found.state === "used")
          return gone(
            "Already confirmed",
            "This link was used already: your subscription is confirmed.",
            410,
          );
        if (found.state === "expired")
          return gone(
            "That link has expired",
            "Confirmation links work for a limited time. Sign up again from the newsletters page and we will send a new one.",
            410,
          );
        if (found.state !== "valid") return badLink();
        const all = await listNewsletters(db);
        const names = all.filter((n) => found.newsletterIds.includes(n.id)).map((n) => n.name);
        return page(renderConfirmPage(await shell(), params.token, found.subscriber.email, names));
      },
    }),
    endpoint({
      method: "POST",
      path: "/newsletters/confirm/:token",
      access: "anyone",
      responds: "negotiated",
      form: true,
      tag: "Newsletters",
      summary: "Confirm a subscription (the confirmation page's button)",
      params: z.object({ token: z.string().max(100) }),
      handler: async ({ params, wantsJson }) => {
        if (!tokenParam.safeParse(params.token).success) return badLink(wantsJson);
        const found = await db.transaction().execute((tx) => useConfirmation(tx, params.token));
        if (found.state === "used")
          return gone(
            "Already confirmed",
            "This link was used already: your subscription is confirmed.",
            410,
            wantsJson,
          );
        if (found.state === "expired")
          return gone(
            "That link has expired",
            "Sign up again from the newsletters page and we will send a new link.",
            410,
            wantsJson,
          );
        if (found.state !== "valid") return badLink(wantsJson);
        if (wantsJson) return { status: "subscribed" };
        return page(
          renderMessage(
            await shell(),
            "You are subscribed",
            html`Thank you. The next issue comes to <strong>${found.subscriber.email}</strong>. <a href="/newsletters/preferences/${found.subscriber.token}">Choose your newsletters</a> at any time.`,
          ),
        );
      },
    }),
    endpoint({
      method: "GET",
      path: "/newsletters/unsubscribe/:token/:slug",
      access: "anyone",
      responds: "html",
      tag: "Newsletters",
      summary: "The unsubscribe link's page: a button leaves that newsletter",
      params: z.object({ token: z.string().max(100), slug: z.string().max(120) }),
      handler: async ({ params }) => {
        const s = await bySignedLink(params.token);
        const n = await newsletterBySlug(db, params.slug);
        if (!s || !n) return badLink();
        return page(renderUnsubscribePage(await shell(), params.token, n, s.email));
      },
    }),
    endpoint({
      method: "POST",
      path: "/newsletters/unsubscribe/:token/:slug",
      access: "anyone",
      // RFC 8058: mail clients POST "List-Unsubscribe=One-Click" here with no cookie, origin or token;
      // the signed link is the proof, and all it can do is stop email.
      guard: "none",
      responds: "negotiated",
      form: true,
      tag: "Newsletters",
      summary:
        "Leave one newsletter: the page's button, and the one-click unsubscribe of RFC 8058 (List-Unsubscribe-Post)",
      params: z.object({ token: z.string().max(100), slug: z.string().max(120) }),
      body: z.object({ "List-Unsubscribe": z.string().max(50).optional() }).passthrough(),
      handler: async ({ params, wantsJson }) => {
        const s = await bySignedLink(params.token);
        const n = await newsletterBySlug(db, params.slug);
        if (!s || !n) return badLink(wantsJson);
        await unsubscribe(db, s.id, n.id);
        if (wantsJson) return { status: "unsubscribed", newsletter: n.slug };
        return page(
          renderMessage(
            await shell(),
            `You have left ${n.name}`,
            html`We will not send ${n.name} to <strong>${s.email}</strong> again. <a href="/newsletters/preferences/${params.token}">Your other newsletters</a> are unchanged.`,
          ),
        );
      },
    }),
    endpoint({
      method: "GET",
      path: "/newsletters/preferences/:token",
      access: "anyone",
      responds: "html",
      tag: "Newsletters",
      summary: "A subscriber's newsletters, behind the signed link in every email (no password)",
      params: z.object({ token: z.string().max(100) }),
      handler: async ({ params }) => preferencesPage(params.token),
    }),
    endpoint({
      method: "POST",
      path: "/newsletters/preferences/:token",
      access: "anyone",
      responds: "html",
      form: true,
      tag: "Newsletters",
      summary: "Save a subscriber's choice of newsletters, or leave them all",
      params: z.object({ token: z.string().max(100) }),
      body: z.object({ newsletters: slugs, leaveAll: z.literal("1").optional() }),
      handler: async ({ params, body }) => {
        const s = await bySignedLink(params.token);
        if (!s) return badLink();
        await savePreferences(
          s.id,
          body.newsletters,
          body.leaveAll === "1",
          `${config.site.baseUrl}/newsletters/preferences`,
          "preferences",
        );
        return preferencesPage(
          params.token,
          body.leaveAll === "1" ? "You have left every newsletter." : "Your choices are saved.",
        );
      },
    }),
    endpoint({
      method: "GET",
      path: "/account/newsletters",
      access: "anyone",
      identify: "reader",
      responds: "html",
      tag: "Newsletters",
      summary: "A signed-in reader's newsletters (signed out: the sign-in form)",
      handler: async ({ reader }) => {
        if (!reader) return redirect("/account/signin?return=/account/newsletters");
        // The preference page subscribes without another email: only for an address the reader has confirmed.
        if (!reader.verified)
          return page(
            renderMessage(
              await shell(),
              "Confirm your email address first",
              html`Follow the link we sent to <strong>${reader.email}</strong>, then come back here. Or <a href="/newsletters">sign up on the newsletters page</a>: we will email you a confirmation.`,
              "error",
            ),
            403,
          );
        const s = await findOrCreateSubscriber(db, reader.email, "account", reader.id);
        return preferencesPage(s.token);
      },
    }),
    endpoint({
      method: "GET",
      path: "/newsletters/:slug",
      access: "anyone",
      responds: "html",
      tag: "Newsletters",
      summary: "A newsletter: what it is, how often, sign-up, and its past issues",
      params: z.object({ slug: z.string().max(120) }),
      handler: async ({ params }) => {
        const n = await newsletterBySlug(db, params.slug);
        if (!n) throw new GazetteError("GZ_ERR_NOT_FOUND");
        return page(
          renderNewsletterPage(
            await shell(),
            n,
            await listIssues(db, n.id, { sentOnly: true, limit: 50 }),
            tz,
          ),
        );
      },
    }),
    endpoint({
      method: "GET",
      path: "/newsletters/:slug/issues/:id",
      access: "anyone",
      responds: "html",
      tag: "Newsletters",
      summary: "A past issue as a web page (the email's “View in your browser”)",
      params: z.object({ slug: z.string().max(120), id: positiveIntInPath }),
      handler: async ({ params }) => {
        const n = await newsletterBySlug(db, params.slug);
        const issue = await issueById(db, params.id);
        if (
          !n ||
          !issue ||
          issue.newsletterId !== n.id ||
          (issue.status !== "sent" && issue.status !== "sending")
        )
          throw new GazetteError("GZ_ERR_NOT_FOUND");
        return page(renderIssuePage(await shell(), n, issue, await issueStories(db, issue.storyIds), tz));
      },
    }),
    ...webhookEndpoints(deps),
  ];
}

/** The bounce and complaint webhooks: Gazette's own JSON, Amazon SES through SNS, Postmark. */
function webhookEndpoints(deps: NewsletterEndpointDeps): Endpoint[] {
  const { db, config } = deps;
  const settings = config.newsletters;
  const record = (events: ReturnType<typeof fromGazetteEvents>, source: string) =>
    db.transaction().execute((tx) => recordMailEvents(tx, events, source, settings.softBounceLimit));
  const readJson = (raw: Buffer): unknown => {
    try {
      return JSON.parse(raw.toString("utf8"));
    } catch {
      throw new GazetteError("GZ_ERR_BAD_JSON");
    }
  };
  const off = (what: string) =>
    new GazetteError(
      "GZ_ERR_NOT_FOUND",
      `The ${what} webhook is not configured on this site (see docs/operations.md).`,
    );
  return [
    endpoint({
      method: "POST",
      path: "/api/newsletters/webhooks/gazette",
      access: "anyone",
      guard: "none",
      rawBody: { maxBytes: 1024 * 1024 },
      responds: "json",
      tag: "Newsletters",
      summary:
        'Bounces, complaints and deliveries in Gazette\'s own JSON ({"events": [{"type": "bounce", "bounce": "hard", "email": …}]}), signed: X-Gazette-Signature: sha256=<hex HMAC-SHA256 of the body with newsletters.webhookSecret>',
      handler: async ({ body, req }) => {
        if (!settings.webhookSecret) throw off("Gazette");
        const raw = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
        if (!gazetteSignatureValid(settings.webhookSecret, raw, req.headers["x-gazette-signature"]))
          throw new GazetteError("GZ_ERR_WEBHOOK_SIGNATURE");
        const parsed = gazetteEventsSchema.safeParse(readJson(raw));
        if (!parsed.success)
          throw new GazetteError("GZ_ERR_VALIDATION", undefined, {
            fields: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
          });
        return record(fromGazetteEvents(parsed.data, new Date()), "gazette");
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/newsletters/webhooks/ses",
      access: "anyone",
      guard: "none",
      rawBody: { maxBytes: 512 * 1024 },
      responds: "json",
      tag: "Newsletters",
      summary:
        "Amazon SES bounce, complaint and delivery notifications through an SNS topic (HTTPS subscription): each message's SNS signature is verified; a subscription confirmation is confirmed",
      handler: async ({ body }) => {
        if (settings.ses.topicArns.length === 0) throw off("Amazon SES");
        const raw = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
        const m = snsMessageSchema.safeParse(readJson(raw));
        if (!m.success)
          throw new GazetteError("GZ_ERR_WEBHOOK_SIGNATURE", "That is not a signed Amazon SNS message.");
        try {
          await verifySns(m.data, settings.ses);
          if (m.data.Type === "SubscriptionConfirmation") {
            await confirmSnsSubscription(m.data);
            return { confirmed: m.data.TopicArn };
          }
        } catch (err) {
          if (err instanceof SnsRefusal)
            throw new GazetteError("GZ_ERR_WEBHOOK_SIGNATURE", `Refused: ${err.message}.`);
          throw new GazetteError(
            "GZ_ERR_WEBHOOK_SIGNATURE",
            `Refused: the signing certificate could not be checked (${(err as Error).message}).`,
          );
        }
        if (m.data.Type !== "Notification") return { recorded: 0, suppressed: [] };
        let notification: unknown;
        try {
          notification = JSON.parse(m.data.Message);
        } catch {
          throw new GazetteError(
            "GZ_ERR_VALIDATION",
            "The SNS message does not carry an SES notification (JSON).",
          );
        }
        return record(fromSesNotification(notification, new Date()), "ses");
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/newsletters/webhooks/postmark",
      access: "anyone",
      guard: "none",
      rawBody: { maxBytes: 512 * 1024 },
      responds: "json",
      tag: "Newsletters",
      summary:
        "Postmark's bounce, spam-complaint and delivery webhooks, authenticated with the HTTP basic-auth user and password set on the webhook (newsletters.postmark)",
      handler: async ({ body, req }) => {
        if (!settings.postmark) throw off("Postmark");
        if (!basicAuthValid(settings.postmark, req.headers.authorization))
          throw new GazetteError("GZ_ERR_WEBHOOK_SIGNATURE");
        const raw = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
        return record(fromPostmark(readJson(raw), new Date()), "postmark");
      },
    }),
  ];
}
