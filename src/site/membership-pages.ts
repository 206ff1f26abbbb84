/**
 * Reader pages of memberships: the plans, the page after checkout, a gift
 * link made or spent, and the membership part of the account page.
 */
import { formatDateTime } from "./format.ts";
import { type SafeHtml, html } from "./html.ts";
import { type Shell, layout } from "./layout.ts";
import { type OfferPlan, planList, priceLabel } from "./paywall.ts";

export function renderPlansPage(
  shell: Shell,
  p: { plans: readonly OfferPlan[]; signedIn: boolean; returnTo: string; registeredLimit: number },
): string {
  const { site } = shell;
  const main = html`<section class="account-page membership-page"><h1>Subscribe to ${site.name}</h1>${
    p.plans.length
      ? html`<p>A subscription opens every story we publish, on every device, and pays for the reporting.</p>${
          p.signedIn
            ? ""
            : html`<p>First <a href="/account/signup?return=${encodeURIComponent(`/membership?return=${p.returnTo}`)}">create a free account</a> or <a href="/account/signin?return=${encodeURIComponent(`/membership?return=${p.returnTo}`)}">sign in</a>; then choose a plan. Payment is handled by Stripe: your card never reaches us.</p>`
        }${planList(p.plans, p.signedIn, p.returnTo)}`
      : html`<p>Subscriptions are not on sale online. If your library, school or employer gives you access, sign in with the address they know, or read from their network.</p>`
  }${
    p.signedIn
      ? ""
      : html`<h2>A free account</h2><p>Readers with a free account read ${p.registeredLimit} subscriber stories a month, comment, and choose newsletters. <a href="/account/signup?return=${encodeURIComponent(p.returnTo)}">Create one</a>.</p>`
  }</section>`;
  return layout(shell, { title: `Subscribe to ${site.name}`, description: `Plans and prices` }, main);
}

export function renderWelcomePage(shell: Shell): string {
  return layout(
    shell,
    { title: "Thank you", noindex: true },
    html`<section class="account-page"><h1>Thank you for subscribing</h1><p role="status">Your payment went through at Stripe. Your subscription starts as soon as Stripe confirms it to us, usually within a few seconds: reload a story if it is still closed.</p><p><a href="/account">Your account</a> · <a href="/">Front page</a></p></section>`,
  );
}

export function renderGiftMadePage(
  shell: Shell,
  g: { url: string; headline: string; storyPath: string; maxUses: number; expiresAt: string },
): string {
  const tz = shell.site.timeZone;
  return layout(
    shell,
    { title: "Gift link", noindex: true },
    html`<section class="account-page"><h1>Your gift link</h1><p>Anyone with this link can read <a href="${g.storyPath}">${g.headline}</a> in full, ${g.maxUses} ${g.maxUses === 1 ? "time" : "times"} in all, until ${formatDateTime(g.expiresAt, tz)}.</p><p class="form-field"><label for="gift-url">Copy the link</label><input id="gift-url" value="${g.url}" readonly></p><p><a href="${g.storyPath}">Back to the story</a></p></section>`,
  );
}

/** The membership part of the account page. */
export interface AccountMembership {
  plans: {
    name: string;
    status: string;
    renews: string | null;
    ends: boolean;
    priceLabel: string | null;
  }[];
  grants: { kind: string; planName: string; expiresAt: string | null }[];
  /** Stripe is configured and the reader has a customer there. */
  canManageBilling: boolean;
  /** Plans on sale, for a reader without one. */
  onSale: boolean;
}

const STATUS_WORDS: Record<string, string> = {
  active: "active",
  trialing: "in its free trial",
  past_due: "payment overdue — update your card",
  unpaid: "unpaid",
  canceled: "ended",
  paused: "paused",
  incomplete: "waiting for payment",
  incomplete_expired: "not started",
};

export function membershipSection(m: AccountMembership, tz: string): SafeHtml {
  const current = m.plans.filter((p) => !["canceled", "incomplete_expired"].includes(p.status));
  return html`<h2>Subscription</h2>${
    current.length
      ? html`<ul class="membership-list">${current.map(
          (p) =>
            html`<li><strong>${p.name}</strong>${p.priceLabel ? html`, ${p.priceLabel}` : ""} — ${STATUS_WORDS[p.status] ?? p.status}${p.renews ? html`. ${p.ends ? "Ends" : "Renews"} ${formatDateTime(p.renews, tz)}` : ""}.</li>`,
        )}</ul>`
      : m.grants.length
        ? ""
        : html`<p>You read with a free account.${m.onSale ? html` <a href="/membership">See the plans</a>.` : ""}</p>`
  }${
    m.grants.length
      ? html`<ul class="membership-list">${m.grants.map(
          (g) =>
            html`<li>${g.planName} — ${g.kind} access from the newsroom${g.expiresAt ? html`, until ${formatDateTime(g.expiresAt, tz)}` : ""}.</li>`,
        )}</ul>`
      : ""
  }${m.canManageBilling ? html`<form method="post" action="/membership/portal" class="account-form membership-form"><button type="submit">Manage billing</button></form><p class="form-hint">Change your plan or card, see invoices, or cancel, at Stripe.</p>` : ""}`;
}

export { priceLabel };
