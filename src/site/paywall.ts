/**
 * What a gated story shows around its text: the offer that takes the place
 * of the rest of the story for a reader without access, and the meter's
 * countdown for a reader reading on a free story. Both are the same for
 * every reader of a variant, so gated pages stay cacheable per variant.
 */
import type { Access } from "../content/model.ts";
import type { Variant } from "../content/access.ts";
import { meterNotice } from "../content/access.ts";
import { type SafeHtml, html } from "./html.ts";

/** The class wrapping exactly the gated part of a story (named in its JSON-LD). */
export const GATED_CLASS = "gz-gated";

export interface OfferPlan {
  slug: string;
  name: string;
  description: string;
  priceMinor: number;
  currency: string;
  interval: "month" | "year";
}

/** "€8.00 a month" */
export function priceLabel(p: Pick<OfferPlan, "priceMinor" | "currency" | "interval">): string {
  let amount: string;
  try {
    amount = new Intl.NumberFormat("en", { style: "currency", currency: p.currency.toUpperCase() }).format(
      p.priceMinor / 100,
    );
  } catch {
    amount = `${(p.priceMinor / 100).toFixed(2)} ${p.currency.toUpperCase()}`;
  }
  return `${amount} a ${p.interval}`;
}

const returnTo = (path: string) => encodeURIComponent(path);

/** The subscribe buttons: forms for a signed-in reader, a link to the plans page otherwise. */
export function planList(plans: readonly OfferPlan[], signedIn: boolean, back: string): SafeHtml {
  if (!plans.length) return html``;
  return html`<ul class="plan-list">${plans.map(
    (p) =>
      html`<li class="plan"><p class="plan-name">${p.name}</p><p class="plan-price">${priceLabel(p)}</p>${p.description ? html`<p class="plan-description">${p.description}</p>` : ""}${
        signedIn
          ? html`<form method="post" action="/membership/checkout"><input type="hidden" name="plan" value="${p.slug}"><input type="hidden" name="return" value="${back}"><button type="submit">Subscribe to ${p.name}</button></form>`
          : html`<a class="button" href="/membership?plan=${p.slug}&amp;return=${returnTo(back)}">Subscribe to ${p.name}</a>`
      }</li>`,
  )}</ul>`;
}

export function paywallHtml(
  gate: { variant: Variant; plans: readonly OfferPlan[]; meterLimit: number },
  access: Access,
  path: string,
  siteName: string,
): SafeHtml {
  const signedIn = gate.variant === "gate-registered";
  const offered =
    access.level === "subscribers" && access.plans.length
      ? gate.plans.filter((p) => access.plans.includes(p.slug))
      : gate.plans;
  const spent =
    gate.meterLimit > 0
      ? html`<p class="paywall-meter">You have read your ${gate.meterLimit} free ${gate.meterLimit === 1 ? "story" : "stories"} this month.</p>`
      : "";
  const heading =
    access.level === "registered"
      ? "Create a free account to read on"
      : `This story is for ${siteName} subscribers`;
  const why =
    access.level === "registered"
      ? "The rest of this story is free to readers with an account. It takes an email address and a password."
      : offered.length
        ? "Subscribe to read it in full, and everything else we publish."
        : "Subscriptions are not on sale online yet. Readers with a subscription or access through their library or school can sign in.";
  const accountActions = signedIn
    ? ""
    : html`<p class="paywall-actions">${access.level === "registered" ? html`<a class="button" href="/account/signup?return=${returnTo(path)}">Create a free account</a> ` : ""}Already have an account? <a href="/account/signin?return=${returnTo(path)}">Sign in</a></p>`;
  return html`<section class="paywall" aria-labelledby="paywall-h"><h2 id="paywall-h">${heading}</h2>${spent}<p>${why}</p>${access.level === "subscribers" ? planList(offered, signedIn, path) : ""}${accountActions}</section>`;
}

/** The meter's countdown above the text of a story read on the meter. */
export function meterNoticeHtml(gate: { variant: Variant }): SafeHtml {
  const left = Number(gate.variant.slice("metered-".length));
  return html`<p class="meter-notice" role="status">${meterNotice(left)} <a href="/membership">Subscribe</a> to read without limits.</p>`;
}
