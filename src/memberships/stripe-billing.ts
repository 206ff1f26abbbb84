/**
 * Payments through Stripe, with the official `stripe` package: Checkout to
 * start a subscription, the customer portal to manage it, and the webhook
 * that is the only source of a subscription's state. No card data reaches
 * Gazette. Each event is verified (`webhooks.constructEvent`), applied once
 * per event id, and an event older than the one a subscription's row
 * reflects changes nothing, so redeliveries and out-of-order deliveries
 * leave the right state.
 */
import Stripe from "stripe";
import type { Config } from "../config.ts";
import { GazetteError } from "../content/errors.ts";
import type { Db } from "../store/database.ts";
import {
  type Plan,
  type SubscriptionState,
  applySubscription,
  firstDelivery,
  readerByStripeCustomer,
  setStripeCustomer,
  stripeCustomerOf,
} from "../store/membership-store.ts";

export type StripeSettings = NonNullable<Config["memberships"]["stripe"]>;

export function stripeClient(s: StripeSettings): Stripe {
  const at = s.apiUrl ? new URL(s.apiUrl) : undefined;
  return new Stripe(s.secretKey, {
    maxNetworkRetries: 1,
    timeout: 15_000,
    appInfo: { name: "Gazette" },
    ...(at
      ? {
          host: at.hostname,
          port: at.port || (at.protocol === "https:" ? 443 : 80),
          protocol: at.protocol === "https:" ? "https" : "http",
        }
      : {}),
  });
}

/** Anything from Stripe's client as our error: the reader sees a plain message, the log the cause. */
async function calling<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new GazetteError("GZ_ERR_PAYMENT_PROVIDER", undefined, {
      cause: err,
      details: { during: what },
    });
  }
}

/** A Checkout session for one plan; the caller sends the reader to its URL. */
export async function startCheckout(
  stripe: Stripe,
  db: Db,
  o: { plan: Plan; reader: { id: number; email: string }; baseUrl: string; returnPath: string },
): Promise<string> {
  if (!o.plan.stripePriceId)
    throw new GazetteError("GZ_ERR_PAYMENTS_OFF", `The plan "${o.plan.name}" is not on sale online.`);
  const customer = await stripeCustomerOf(db, o.reader.id);
  const session = await calling("checkout", () =>
    stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: o.plan.stripePriceId!, quantity: 1 }],
      ...(customer ? { customer } : { customer_email: o.reader.email }),
      client_reference_id: String(o.reader.id),
      subscription_data: { metadata: { gazette_reader_id: String(o.reader.id), gazette_plan: o.plan.slug } },
      metadata: { gazette_reader_id: String(o.reader.id) },
      success_url: `${o.baseUrl}/membership/welcome`,
      cancel_url: `${o.baseUrl}${o.returnPath}`,
    }),
  );
  if (!session.url) throw new GazetteError("GZ_ERR_PAYMENT_PROVIDER", "Stripe gave no checkout address.");
  return session.url;
}

/** A customer-portal session for a reader who has been a customer; its URL. */
export async function openPortal(stripe: Stripe, db: Db, readerId: number, baseUrl: string): Promise<string> {
  const customer = await stripeCustomerOf(db, readerId);
  if (!customer)
    throw new GazetteError("GZ_ERR_NOT_FOUND", "There is no billing account for you yet: subscribe first.");
  const session = await calling("portal", () =>
    stripe.billingPortal.sessions.create({ customer, return_url: `${baseUrl}/account` }),
  );
  return session.url;
}

/** Verifies a webhook delivery; a bad or missing signature is GZ_ERR_STRIPE_SIGNATURE (400). */
export function verifiedEvent(stripe: Stripe, secret: string, body: Buffer, signature: string | undefined) {
  if (!signature) throw new GazetteError("GZ_ERR_STRIPE_SIGNATURE");
  try {
    return stripe.webhooks.constructEvent(body, signature, secret);
  } catch (err) {
    throw new GazetteError("GZ_ERR_STRIPE_SIGNATURE", undefined, { cause: err });
  }
}

const idOf = (v: string | { id: string } | null | undefined): string | undefined =>
  typeof v === "string" ? v : (v?.id ?? undefined);

const isoOf = (unix: number | null | undefined): string | null =>
  typeof unix === "number" ? new Date(unix * 1000).toISOString() : null;

/** A subscription object as the state Gazette keeps (newer API versions keep the period on the item). */
export function subscriptionState(sub: Stripe.Subscription): SubscriptionState {
  const item = sub.items?.data?.[0];
  const price = item?.price;
  const periodEnd =
    (item as { current_period_end?: number } | undefined)?.current_period_end ??
    (sub as unknown as { current_period_end?: number }).current_period_end;
  const readerId = Number(sub.metadata?.["gazette_reader_id"]);
  return {
    id: sub.id,
    customerId: idOf(sub.customer) ?? "",
    readerId: Number.isSafeInteger(readerId) && readerId > 0 ? readerId : undefined,
    priceId: price?.id ?? null,
    status: sub.status,
    amountMinor: price?.unit_amount ?? 0,
    currency: price?.currency ?? "usd",
    interval: price?.recurring?.interval ?? "month",
    currentPeriodEnd: isoOf(periodEnd),
    cancelAtPeriodEnd: sub.cancel_at_period_end === true,
  };
}

/** The events Gazette acts on; others are acknowledged and recorded. */
export const HANDLED_EVENTS = [
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "customer.subscription.paused",
  "customer.subscription.resumed",
] as const;

/**
 * Applies one verified event, once: in one transaction with the record of
 * its id, so a failure leaves it to Stripe's retry. Returns what happened.
 */
export async function applyEvent(
  db: Db,
  event: Stripe.Event,
): Promise<"applied" | "repeat" | "stale" | "ignored"> {
  return db.transaction().execute(async (tx) => {
    if (!(await firstDelivery(tx, { id: event.id, type: event.type, created: event.created })))
      return "repeat";
    switch (event.type) {
      case "checkout.session.completed": {
        const session = event.data.object;
        const readerId = Number(session.client_reference_id);
        const customer = idOf(session.customer);
        if (customer && Number.isSafeInteger(readerId) && readerId > 0)
          await setStripeCustomer(tx, readerId, customer);
        return "applied";
      }
      case "customer.subscription.created":
      case "customer.subscription.updated":
      case "customer.subscription.deleted":
      case "customer.subscription.paused":
      case "customer.subscription.resumed": {
        const state = subscriptionState(event.data.object);
        // The first event for a reader's customer: remember who the customer is.
        if (state.readerId && state.customerId && !(await readerByStripeCustomer(tx, state.customerId)))
          await setStripeCustomer(tx, state.readerId, state.customerId);
        return (await applySubscription(tx, state, event.created)) ? "applied" : "stale";
      }
      default:
        return "ignored";
    }
  });
}
