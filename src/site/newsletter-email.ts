/**
 * A newsletter issue as an email: HTML that the common clients render
 * (one 600-pixel table column, inline styles, a dark-mode block for those
 * that read it, images at absolute URLs with their size and alt text, a
 * hidden preheader) and its plain-text part. The HTML is made once per
 * issue; each recipient's own links are placeholders filled by
 * `personalise`, so sending 100,000 copies renders nothing again.
 */
import type { SiteConfig } from "../config.ts";
import { type SafeHtml, html, trusted } from "./html.ts";

export interface EmailStory {
  headline: string;
  /** The standfirst: the story's first summary point. */
  summary: string;
  /** Absolute URL. */
  url: string;
  section: string;
  byline: string | null;
  image?: { url: string; width: number; height: number; alt: string } | undefined;
}

export interface IssueEmailInput {
  site: SiteConfig;
  newsletter: { name: string; slug: string; description: string };
  kind: "story" | "digest" | "alert";
  subject: string;
  intro: string;
  stories: EmailStory[];
  /** An alert's link (absolute). */
  alertUrl?: string | undefined;
  /** The issue's page on the site (absolute). */
  webUrl: string;
}

/** Placeholders for one recipient's own links. */
export const UNSUBSCRIBE_URL = "{{gz:unsubscribe}}";
export const PREFERENCES_URL = "{{gz:preferences}}";

/** Fills one recipient's links into a rendered issue. */
export function personalise(text: string, links: { unsubscribe: string; preferences: string }): string {
  return text.replaceAll(UNSUBSCRIBE_URL, links.unsubscribe).replaceAll(PREFERENCES_URL, links.preferences);
}

const FONT = "font-family:Georgia,'Times New Roman',serif";
const SANS = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

function storyBlock(s: EmailStory, lead: boolean): SafeHtml {
  const img = s.image
    ? html`<tr><td style="padding:0 0 12px 0"><a href="${s.url}"><img src="${s.image.url}" width="560" height="${Math.round((560 * s.image.height) / s.image.width)}" alt="${s.image.alt}" style="display:block;width:100%;max-width:560px;height:auto;border:0;border-radius:4px"></a></td></tr>`
    : "";
  return html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 28px 0">${img}<tr><td style="${SANS};font-size:12px;letter-spacing:.06em;text-transform:uppercase;color:#8a1c1c;padding:0 0 6px 0" class="gz-kicker">${s.section}</td></tr><tr><td style="${FONT};font-size:${lead ? "26px" : "21px"};line-height:1.25;font-weight:bold;padding:0 0 8px 0"><a href="${s.url}" style="color:#111111;text-decoration:none" class="gz-link">${s.headline}</a></td></tr>${s.summary ? html`<tr><td style="${FONT};font-size:17px;line-height:1.5;color:#333333;padding:0 0 6px 0" class="gz-text">${s.summary}</td></tr>` : ""}${s.byline ? html`<tr><td style="${SANS};font-size:13px;color:#666666;padding:0 0 6px 0" class="gz-muted">${s.byline}</td></tr>` : ""}<tr><td style="${SANS};font-size:15px;padding:4px 0 0 0"><a href="${s.url}" style="color:#8a1c1c;font-weight:bold" class="gz-accent">Read the story</a></td></tr></table>`;
}

/** The issue's HTML and text, with UNSUBSCRIBE_URL and PREFERENCES_URL left to fill. */
export function renderIssueEmail(i: IssueEmailInput): { html: string; text: string } {
  const preheader =
    i.kind === "alert" ? i.intro : i.intro || i.stories.map((s) => s.headline).join(" · ") || i.subject;
  const body: SafeHtml =
    i.kind === "alert"
      ? html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td style="${SANS};font-size:13px;font-weight:bold;letter-spacing:.08em;text-transform:uppercase;color:#ffffff;background:#b3261e;padding:4px 8px" class="gz-alert">Breaking news</td></tr><tr><td style="${FONT};font-size:28px;line-height:1.2;font-weight:bold;padding:14px 0 10px 0"><a href="${i.alertUrl ?? i.webUrl}" style="color:#111111;text-decoration:none" class="gz-link">${i.subject}</a></td></tr>${i.intro ? html`<tr><td style="${FONT};font-size:18px;line-height:1.5;color:#333333;padding:0 0 16px 0" class="gz-text">${i.intro}</td></tr>` : ""}<tr><td style="${SANS};font-size:16px;padding:0 0 24px 0"><a href="${i.alertUrl ?? i.webUrl}" style="display:inline-block;background:#8a1c1c;color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:4px;font-weight:bold">Follow the story</a></td></tr></table>`
      : html`${i.intro ? html`<p style="${FONT};font-size:18px;line-height:1.55;color:#222222;margin:0 0 24px 0" class="gz-text">${i.intro}</p>` : ""}${i.stories.map((s, n) => storyBlock(s, n === 0))}`;
  const style = trusted(
    `:root{color-scheme:light dark;supported-color-schemes:light dark}body{margin:0;padding:0}@media (max-width:620px){.gz-wrap{width:100%!important}.gz-pad{padding:16px!important}}@media (prefers-color-scheme:dark){.gz-bg{background:#121212!important}.gz-card{background:#1e1e1e!important}.gz-link{color:#f2f2f2!important}.gz-text{color:#dddddd!important}.gz-muted{color:#aaaaaa!important}.gz-accent,.gz-kicker{color:#ff8a80!important}}`,
  );
  const doc = html`<!DOCTYPE html><html lang="${i.site.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark"><title>${i.subject}</title><style>${style}</style></head><body style="margin:0;padding:0;background:#f3f1ec" class="gz-bg"><div style="display:none;max-height:0;overflow:hidden;mso-hide:all" aria-hidden="true">${preheader}</div><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f1ec" class="gz-bg"><tr><td align="center" style="padding:24px 8px"><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" class="gz-wrap" style="width:600px;max-width:600px"><tr><td style="${SANS};font-size:13px;color:#555555;padding:0 4px 12px 4px;text-align:right" class="gz-muted"><a href="${i.webUrl}" style="color:#555555" class="gz-muted">View in your browser</a></td></tr><tr><td style="background:#ffffff;padding:28px 20px" class="gz-card gz-pad"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td style="border-bottom:2px solid #111111;padding:0 0 12px 0;margin:0 0 20px 0"><a href="${i.site.baseUrl}/" style="${FONT};font-size:22px;font-weight:bold;color:#111111;text-decoration:none" class="gz-link">${i.site.name}</a><div style="${SANS};font-size:14px;color:#555555;padding-top:4px" class="gz-muted">${i.newsletter.name}</div></td></tr><tr><td style="padding:24px 0 0 0"><!--gz:content-->${body}<!--/gz:content--></td></tr></table></td></tr><tr><td style="${SANS};font-size:13px;line-height:1.5;color:#555555;padding:16px 4px" class="gz-muted"><p style="margin:0 0 8px 0">You receive ${i.newsletter.name} from ${i.site.name} because you subscribed to it.</p><p style="margin:0"><a href="${trusted(UNSUBSCRIBE_URL)}" style="color:#555555" class="gz-muted">Unsubscribe from ${i.newsletter.name}</a> · <a href="${trusted(PREFERENCES_URL)}" style="color:#555555" class="gz-muted">Choose your newsletters</a> · <a href="${i.site.baseUrl}/newsletters/${i.newsletter.slug}" style="color:#555555" class="gz-muted">Past issues</a></p></td></tr></table></td></tr></table></body></html>`;

  const lines: string[] = [
    `${i.site.name} — ${i.newsletter.name}`,
    "",
    i.subject,
    "=".repeat(Math.min(i.subject.length, 70)),
    "",
  ];
  if (i.kind === "alert") {
    lines.push("BREAKING NEWS", "");
    if (i.intro) lines.push(i.intro, "");
    lines.push(`Follow the story: ${i.alertUrl ?? i.webUrl}`, "");
  } else {
    if (i.intro) lines.push(i.intro, "");
    for (const s of i.stories) {
      lines.push(`${s.section.toUpperCase()}`, s.headline);
      if (s.summary) lines.push(s.summary);
      if (s.byline) lines.push(s.byline);
      lines.push(s.url, "");
    }
  }
  lines.push(
    "-- ",
    `You receive ${i.newsletter.name} from ${i.site.name} because you subscribed to it.`,
    `View in your browser: ${i.webUrl}`,
    `Unsubscribe: ${UNSUBSCRIBE_URL}`,
    `Choose your newsletters: ${PREFERENCES_URL}`,
    "",
  );
  return { html: String(doc), text: lines.join("\n") };
}
