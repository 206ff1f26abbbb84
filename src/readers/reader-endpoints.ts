/**
 * Reader accounts over HTTP: sign up (with an emailed confirmation link),
 * confirm, sign in and out, the account page, deleting the account. Every
 * page works without JavaScript (forms posting and redirecting); the same
 * actions answer JSON to `Accept: application/json`. Writes must come from
 * this site (the `same-origin` guard), which keeps cached article pages
 * free of per-reader tokens; the session cookie is SameSite=Lax as well.
 */
import { grantsOf, listPlans, stripeCustomerOf, subscriptionsOf } from "../store/membership-store.ts";
import { membershipSection, priceLabel } from "../site/membership-pages.ts";
import { z } from "zod";
import { DUMMY_HASH, PASSWORD_MIN_LENGTH, hashPassword, verifyPassword } from "../auth/passwords.ts";
import type { Config } from "../config.ts";
import { GazetteError } from "../content/errors.ts";
import type { Mailer } from "../mail/mailer.ts";
import {
  renderAccountPage,
  renderMessage,
  renderSigninPage,
  renderSignupPage,
} from "../site/account-pages.ts";
import { html } from "../site/html.ts";
import type { Shell } from "../site/layout.ts";
import type { Db } from "../store/database.ts";
import {
  type Reader,
  ReaderError,
  createReader,
  createReaderToken,
  deleteReader,
  displayNameSchema,
  markVerified,
  readerCredentials,
  updateReaderProfile,
  useReaderToken,
} from "../store/reader-store.ts";
import { emailSchema } from "../store/user-store.ts";
import { type Endpoint, endpoint, page, redirect, safeReturn } from "../web/endpoint.ts";
import { endReaderSession, startReaderSession } from "../web/sessions.ts";

export interface ReaderEndpointDeps {
  config: Config;
  db: Db;
  mailer: Mailer;
  /** The site's page shell (name, navigation, stylesheet). */
  shell: () => Promise<Shell>;
}

const returnQuery = z.object({ return: z.string().optional() });

const signupBody = z.object({
  displayName: displayNameSchema,
  email: emailSchema,
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(200, "must be at most 200 characters"),
  return: z.string().optional(),
});

/** A field's problem as the sign-up form words it. */
function signupMessage(field: string, problem: string): string {
  if (field === "displayName") return `Name ${problem}.`;
  if (field === "email") return "Enter an email address such as name@example.org.";
  if (field === "password") return `Use ${PASSWORD_MIN_LENGTH} to 200 characters.`;
  return problem;
}

const readerJson = (r: Reader) => ({ id: r.id, displayName: r.displayName, verified: r.verified });

export function readerEndpoints(deps: ReaderEndpointDeps): Endpoint[] {
  const { db, config } = deps;
  const baseUrl = config.site.baseUrl;

  async function sendVerification(reader: Reader) {
    const token = await createReaderToken(db, reader.id, "verify", 48);
    await deps.mailer.send({
      to: reader.email,
      subject: `Confirm your email for ${config.site.name}`,
      text: `Hello ${reader.displayName},\n\nConfirm your email address to start commenting:\n${baseUrl}/account/verify/${token}\n\nThe link works once, for 48 hours. If you did not sign up, ignore this email.`,
    });
  }

  /** The answer to a sign-up, the same whether the address was new or already had an account. */
  async function checkYourEmail(wantsJson: boolean, email: string) {
    if (wantsJson) return { verification: "sent" };
    return page(
      renderMessage(
        await deps.shell(),
        "Check your email",
        html`We sent a message to <strong>${email}</strong>. Follow its link to confirm your address, and you can comment.`,
      ),
      201,
    );
  }

  /** The sign-up form again, with what went wrong per field (or the JSON error). */
  async function signupRefused(
    wantsJson: boolean,
    values: Record<string, unknown>,
    errors: Record<string, string>,
  ) {
    if (wantsJson)
      throw new GazetteError("GZ_ERR_VALIDATION", undefined, {
        fields: Object.entries(errors).map(([path, message]) => ({ path, message })),
      });
    return page(
      renderSignupPage(
        await deps.shell(),
        { values, errors, returnTo: safeReturn(values["return"]), error: "Some fields need another look." },
        PASSWORD_MIN_LENGTH,
      ),
      400,
    );
  }

  return [
    endpoint({
      method: "GET",
      path: "/account/signup",
      access: "anyone",
      responds: "html",
      tag: "Reader accounts",
      summary: "The sign-up form",
      query: returnQuery,
      handler: async ({ query }) =>
        page(
          renderSignupPage(await deps.shell(), { returnTo: safeReturn(query.return) }, PASSWORD_MIN_LENGTH),
        ),
    }),
    endpoint({
      method: "POST",
      path: "/account/signup",
      access: "anyone",
      responds: "negotiated",
      form: true,
      status: 201,
      tag: "Reader accounts",
      summary: "Create a reader account; a confirmation link is emailed (rate-limited per network address)",
      body: signupBody,
      rateLimit: {
        name: "signup:ip",
        by: "ip",
        max: 30,
        windowMs: 3600_000,
        message: (s) => `Too many sign-ups from your network; try again in ${Math.ceil(s / 60)} minutes.`,
      },
      onInvalidBody: async ({ body, wantsJson }, error) => {
        const errors: Record<string, string> = {};
        for (const i of error.issues) {
          const field = String(i.path[0] ?? "form");
          errors[field] ??= signupMessage(field, i.message);
        }
        return signupRefused(wantsJson, body, errors);
      },
      handler: async ({ body, wantsJson }) => {
        let reader: Reader;
        try {
          reader = await db.transaction().execute(async (tx) =>
            createReader(tx, {
              email: body.email,
              displayName: body.displayName,
              passwordHash: await hashPassword(body.password),
            }),
          );
        } catch (err) {
          if (!(err instanceof ReaderError)) throw err;
          if (err.field === "email" && /exists/.test(err.message)) {
            // Whether an address has an account is nobody else's business: the
            // answer is the same as for a new one, and the owner hears of it.
            await deps.mailer.send({
              to: body.email.trim().toLowerCase(),
              subject: `Your account at ${config.site.name}`,
              text: `Hello,\n\nSomeone (perhaps you) tried to create an account at ${config.site.name} with this email address. You already have one: sign in at ${baseUrl}/account/signin\n\nIf it was not you, you can ignore this email; nothing was changed.`,
            });
            return checkYourEmail(wantsJson, body.email.trim().toLowerCase());
          }
          const problem = err.fields?.[0]?.message ?? err.message;
          return signupRefused(wantsJson, body, {
            [err.field]: problem.replace(/^./, (c) => c.toUpperCase()) + ".",
          });
        }
        await sendVerification(reader);
        return checkYourEmail(wantsJson, reader.email);
      },
    }),
    endpoint({
      method: "GET",
      path: "/account/verify/:token",
      access: "anyone",
      responds: "html",
      tag: "Reader accounts",
      summary: "Confirm an email address from the emailed link; signs the reader in",
      params: z.object({ token: z.string().max(100) }),
      handler: async ({ params, req, reply }) => {
        const id = /^[\w-]{20,60}$/.test(params.token)
          ? await useReaderToken(db, params.token, "verify")
          : undefined;
        if (!id)
          return page(
            renderMessage(
              await deps.shell(),
              "That link does not work",
              "It was used already or has expired. Sign in and ask for a new one.",
              "error",
            ),
            400,
          );
        await markVerified(db, id);
        await startReaderSession(db, req, reply, id);
        return page(
          renderMessage(
            await deps.shell(),
            "Email confirmed",
            html`You can comment now. <a href="/">Back to the news</a>.`,
          ),
        );
      },
    }),
    endpoint({
      method: "GET",
      path: "/account/signin",
      access: "anyone",
      responds: "html",
      tag: "Reader accounts",
      summary: "The sign-in form",
      query: returnQuery,
      handler: async ({ query }) =>
        page(renderSigninPage(await deps.shell(), { returnTo: safeReturn(query.return) })),
    }),
    endpoint({
      method: "POST",
      path: "/account/signin",
      access: "anyone",
      responds: "negotiated",
      form: true,
      tag: "Reader accounts",
      summary: "Sign a reader in (rate-limited per email address)",
      body: z.object({
        email: z.string().trim().toLowerCase().max(320).default(""),
        password: z.string().max(200).default(""),
        return: z.string().optional(),
      }),
      rateLimit: {
        name: "reader-signin",
        by: ({ body }) => body.email,
        max: 10,
        windowMs: 15 * 60_000,
        message: (s) => `Too many attempts; try again in ${Math.ceil(s / 60)} minutes.`,
      },
      handler: async ({ body, wantsJson, req, reply }) => {
        const found = await readerCredentials(db, body.email);
        // Always hash once, so the answer takes as long for an unknown email.
        const ok = await verifyPassword(body.password, found?.passwordHash ?? DUMMY_HASH);
        if (!found || !ok) {
          if (wantsJson) throw new GazetteError("GZ_ERR_BAD_CREDENTIALS");
          return page(
            renderSigninPage(await deps.shell(), {
              values: { email: body.email },
              returnTo: safeReturn(body.return),
              error: "That email and password do not match an account.",
            }),
            401,
          );
        }
        await startReaderSession(db, req, reply, found.reader.id);
        if (wantsJson) return { reader: readerJson(found.reader) };
        return redirect(safeReturn(body.return));
      },
    }),
    endpoint({
      method: "POST",
      path: "/account/signout",
      access: "anyone",
      responds: "html",
      tag: "Reader accounts",
      summary: "Sign the reader out",
      handler: async ({ req, reply }) => {
        await endReaderSession(db, req, reply);
        return redirect("/");
      },
    }),
    endpoint({
      method: "GET",
      path: "/account",
      access: "anyone",
      identify: "reader",
      responds: "html",
      tag: "Reader accounts",
      summary: "The reader's account page (signed out: the sign-in form)",
      handler: async ({ reader }) => {
        if (!reader) return redirect("/account/signin?return=/account");
        const [subs, grants, plans, customer] = await Promise.all([
          subscriptionsOf(db, reader.id),
          grantsOf(db, reader.id),
          listPlans(db),
          stripeCustomerOf(db, reader.id),
        ]);
        const planName = (slug: string | null) =>
          slug === null ? "Every plan" : (plans.find((p) => p.slug === slug)?.name ?? slug);
        const now = new Date().toISOString();
        const membership = membershipSection(
          {
            plans: subs.map((s) => ({
              name: planName(s.planSlug),
              status: s.status,
              renews: s.currentPeriodEnd,
              ends: s.cancelAtPeriodEnd,
              priceLabel: s.amountMinor
                ? priceLabel({
                    priceMinor: s.amountMinor,
                    currency: s.currency,
                    interval: s.interval === "year" ? "year" : "month",
                  })
                : null,
            })),
            grants: grants
              .filter((g) => !g.revokedAt && (!g.expiresAt || g.expiresAt > now))
              .map((g) => ({ kind: g.kind, planName: planName(g.planSlug), expiresAt: g.expiresAt })),
            canManageBilling: !!config.memberships.stripe && !!customer,
            onSale: !!config.memberships.stripe && plans.some((p) => p.active && p.stripePriceId),
          },
          config.site.timeZone,
        );
        return page(renderAccountPage(await deps.shell(), reader, membership));
      },
    }),
    endpoint({
      method: "POST",
      path: "/account",
      access: "reader",
      responds: "html",
      form: true,
      tag: "Reader accounts",
      summary: "Change the name shown with comments and the reply emails",
      body: z.object({
        displayName: displayNameSchema.optional(),
        notifyReplies: z.literal("1").optional(),
      }),
      handler: async ({ body, reader }) => {
        await db.transaction().execute((tx) =>
          updateReaderProfile(tx, reader!.id, {
            displayName: body.displayName ?? reader!.displayName,
            notifyReplies: body.notifyReplies === "1",
          }),
        );
        return redirect("/account");
      },
    }),
    endpoint({
      method: "POST",
      path: "/account/delete",
      access: "reader",
      responds: "html",
      form: true,
      tag: "Reader accounts",
      summary: "Delete the reader's account (comments stay, shown as “Deleted account”)",
      body: z.object({ confirm: z.literal("DELETE", "Type DELETE to confirm.") }),
      handler: async ({ reader, req, reply }) => {
        await db.transaction().execute((tx) => deleteReader(tx, reader!.id));
        await endReaderSession(db, req, reply);
        return page(
          renderMessage(
            await deps.shell(),
            "Account deleted",
            "Your account is gone; your comments now show “Deleted account”.",
          ),
        );
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/comments/me",
      access: "anyone",
      identify: "reader",
      responds: "json",
      tag: "Reader accounts",
      summary: "Who is signed in as a reader (null when nobody): the comments script asks on cached pages",
      handler: async ({ reader }) => ({ reader: reader ? readerJson(reader) : null }),
    }),
  ];
}
