/**
 * The reader's side of newsletters: the list with a sign-up form, a page
 * per newsletter (what it is, how often, its past issues), an issue's page
 * (the web version), and the pages the emails link to: confirming a
 * subscription, leaving one, choosing newsletters. Every change is a form
 * posting a button, never a link, so a mail scanner that opens every link
 * changes nothing.
 */
import { describeSchedule } from "../content/newsletter.ts";
import type { Newsletter, Issue } from "../store/newsletter-store.ts";
import type { StoryTeaser } from "../store/story-teasers.ts";
import { time } from "./components.ts";
import { type SafeHtml, html } from "./html.ts";
import { type Shell, layout } from "./layout.ts";

/** The words a reader sees when subscribing; kept with the consent. */
export function consentWording(names: string[]): string {
  return `Send me ${names.join(", ")} by email. I can leave at any time with the link in every email. No tracking: the emails carry no tracking pixels and their links are not rewritten.`;
}

function signupForm(
  newsletters: Newsletter[],
  opts: { chosen?: number[]; email?: string; error?: string; from: string; single?: boolean },
): SafeHtml {
  const choose =
    opts.single && newsletters.length === 1
      ? html`<input type="hidden" name="newsletters" value="${newsletters[0]!.slug}">`
      : html`<fieldset class="newsletter-choice"><legend>Newsletters</legend>${newsletters.map(
          (n) =>
            html`<p><label><input type="checkbox" name="newsletters" value="${n.slug}"${opts.chosen?.includes(n.id) ? html` checked` : ""}> <strong>${n.name}</strong> <span class="muted">— ${describeSchedule(n.schedule)}</span></label></p>`,
        )}</fieldset>`;
  return html`<form method="post" action="/newsletters/subscribe" class="account-form newsletter-signup">${opts.error ? html`<p class="form-error" role="alert" id="signup-error">${opts.error}</p>` : ""}${choose}<p class="form-field"><label for="nl-email">Email address</label><input id="nl-email" type="email" name="email" autocomplete="email" required maxlength="254" value="${opts.email ?? ""}"${opts.error ? html` aria-describedby="signup-error" aria-invalid="true"` : ""}></p><input type="hidden" name="from" value="${opts.from}"><p class="consent-note">${consentWording(newsletters.length === 1 ? [newsletters[0]!.name] : ["the newsletters I chose"])} We send a confirmation email first; nothing arrives until you confirm.</p><button type="submit">Subscribe</button></form>`;
}

export function renderNewslettersIndex(
  shell: Shell,
  newsletters: Newsletter[],
  form: { chosen?: number[]; email?: string; error?: string } = {},
): string {
  const main = html`<section class="newsletters-page"><h1>Newsletters</h1><p class="lede">The news from ${shell.site.name}, in your inbox. Choose what you want; leave whenever you like.</p><ul class="newsletter-list">${newsletters.map(
    (n) =>
      html`<li><h2><a href="/newsletters/${n.slug}">${n.name}</a></h2><p>${n.description}</p><p class="muted">${describeSchedule(n.schedule)}</p></li>`,
  )}</ul>${newsletters.length ? signupForm(newsletters, { ...form, from: "/newsletters" }) : html`<p>There are no newsletters yet.</p>`}</section>`;
  return layout(
    shell,
    {
      title: "Newsletters",
      canonicalPath: "/newsletters",
      description: `Newsletters from ${shell.site.name}`,
    },
    main,
  );
}

export function renderNewsletterPage(shell: Shell, n: Newsletter, issues: Issue[], timeZone: string): string {
  const main = html`<section class="newsletters-page"><p class="kicker"><a href="/newsletters">Newsletters</a></p><h1>${n.name}</h1><p class="lede">${n.description}</p><p class="muted">${describeSchedule(n.schedule)}. From ${n.fromName}.</p>${signupForm([n], { from: `/newsletters/${n.slug}`, single: true })}<h2>Past issues</h2>${
    issues.length
      ? html`<ul class="issue-list">${issues.map(
          (i) =>
            html`<li><a href="/newsletters/${n.slug}/issues/${i.id}">${i.subject}</a> ${time(i.queuedAt ?? i.createdAt, timeZone, "date")}</li>`,
        )}</ul>`
      : html`<p>No issues yet.</p>`
  }</section>`;
  return layout(
    shell,
    { title: n.name, canonicalPath: `/newsletters/${n.slug}`, description: n.description || n.name },
    main,
  );
}

/** An issue on the site: what it said, with the stories as they read now. */
export function renderIssuePage(
  shell: Shell,
  n: Newsletter,
  issue: Issue,
  stories: StoryTeaser[],
  timeZone: string,
): string {
  const items =
    issue.kind === "alert"
      ? html`<p class="lede">${issue.intro}</p>${issue.url ? html`<p><a href="${issue.url}">Follow the story</a></p>` : ""}`
      : html`${issue.intro ? html`<p class="lede">${issue.intro}</p>` : ""}<ol class="issue-stories">${stories.map(
          (s) =>
            html`<li><p class="kicker">${s.sectionName}</p><h2><a href="${s.path}">${s.headline}</a></h2>${s.summary[0] ? html`<p>${s.summary[0]}</p>` : ""}</li>`,
        )}</ol>`;
  const main = html`<article class="newsletters-page"><p class="kicker"><a href="/newsletters/${n.slug}">${n.name}</a></p><h1>${issue.subject}</h1><p class="muted">Sent ${time(issue.queuedAt ?? issue.createdAt, timeZone, "date-time")}</p>${items}<p><a href="/newsletters/${n.slug}">Subscribe to ${n.name}</a></p></article>`;
  return layout(
    shell,
    { title: `${issue.subject} — ${n.name}`, canonicalPath: `/newsletters/${n.slug}/issues/${issue.id}` },
    main,
  );
}

export function renderConfirmPage(shell: Shell, token: string, email: string, names: string[]): string {
  const main = html`<section class="account-page"><h1>Confirm your subscription</h1><p>Subscribe <strong>${email}</strong> to ${names.join(", ")}?</p><form method="post" action="/newsletters/confirm/${token}" class="account-form"><button type="submit">Yes, subscribe me</button></form><p class="muted">If you did not ask for this, close this page: nothing happens until you press the button.</p></section>`;
  return layout(shell, { title: "Confirm your subscription", noindex: true }, main);
}

export function renderUnsubscribePage(shell: Shell, token: string, n: Newsletter, email: string): string {
  const main = html`<section class="account-page"><h1>Leave ${n.name}?</h1><p>We will stop sending ${n.name} to <strong>${email}</strong>. Other newsletters you receive are not affected.</p><form method="post" action="/newsletters/unsubscribe/${token}/${n.slug}" class="account-form"><button type="submit">Unsubscribe</button></form><p><a href="/newsletters/preferences/${token}">Choose your newsletters instead</a></p></section>`;
  return layout(shell, { title: `Leave ${n.name}`, noindex: true }, main);
}

export function renderPreferencesPage(
  shell: Shell,
  token: string,
  email: string,
  rows: { newsletter: Newsletter; status: string | undefined }[],
  notice?: string,
): string {
  const main = html`<section class="account-page"><h1>Your newsletters</h1>${notice ? html`<p class="message" role="status">${notice}</p>` : ""}<p>For <strong>${email}</strong>.</p><form method="post" action="/newsletters/preferences/${token}" class="account-form"><fieldset class="newsletter-choice"><legend>Send me</legend>${rows.map(
    (r) =>
      html`<p><label><input type="checkbox" name="newsletters" value="${r.newsletter.slug}"${r.status === "active" ? html` checked` : ""}> <strong>${r.newsletter.name}</strong> <span class="muted">— ${describeSchedule(r.newsletter.schedule)}</span></label></p>`,
  )}</fieldset><button type="submit">Save my choices</button></form><form method="post" action="/newsletters/preferences/${token}" class="account-form"><input type="hidden" name="leaveAll" value="1"><button type="submit">Leave every newsletter</button></form></section>`;
  return layout(shell, { title: "Your newsletters", noindex: true }, main);
}
