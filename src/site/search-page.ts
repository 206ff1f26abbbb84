/** The search page: a GET form (works without JavaScript) and ranked, highlighted results. */
import type { Image } from "../store/media-repo.ts";
import { MARK_END, MARK_START, type MatchedField, type SearchResult } from "../store/search-store.ts";
import type { Section } from "../store/taxonomy-store.ts";
import { time } from "./components.ts";
import { type SafeHtml, escapeHtml, html, trusted } from "./html.ts";
import { type Shell, layout } from "./layout.ts";

export interface SearchParams {
  q: string;
  section?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  page: number;
}

/** Escapes a snippet, then turns the engine's markers into <mark>. */
export function highlight(snippet: string): SafeHtml {
  const escaped = escapeHtml(snippet.replace(/\s+/g, " ").trim());
  return trusted(escaped.split(MARK_START).join("<mark>").split(MARK_END).join("</mark>"));
}

export function searchUrl(p: SearchParams, page = p.page): string {
  const u = new URLSearchParams();
  if (p.q) u.set("q", p.q);
  if (p.section) u.set("section", p.section);
  if (p.from) u.set("from", p.from);
  if (p.to) u.set("to", p.to);
  if (page > 1) u.set("page", String(page));
  return `/search?${u.toString()}`;
}

const FIELD_NAMES = { headline: "the headline", summary: "the summary", text: "the text" } as const;

/** Why a result is there: "Found in the headline and the text". */
export function matchedLine(fields: readonly MatchedField[]): string {
  if (fields.length === 0) return "Words found in different parts";
  const names = fields.map((f) => FIELD_NAMES[f]);
  return `Found in ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`}`;
}

export function renderSearch(
  shell: Shell,
  p: SearchParams,
  result: SearchResult | undefined,
  sections: readonly Section[],
  _images: Map<number, Image>,
  pageSize: number,
): string {
  const tz = shell.site.timeZone;
  const totalPages = result ? Math.max(1, Math.ceil(result.total / pageSize)) : 1;
  const form = html`<form class="search-form" role="search" action="/search" method="get">
<div class="search-row"><label for="q" class="visually-hidden">Search</label><input id="q" name="q" type="search" value="${p.q}" maxlength="500" placeholder="Search the news" autocomplete="off"><button type="submit">Search</button></div>
<fieldset class="search-filters"><legend class="visually-hidden">Filters</legend>
<label>Section <select name="section"><option value="">All sections</option>${sections.map((s) => html`<option value="${s.slug}"${p.section === s.slug ? html` selected` : ""}>${s.name}</option>`)}</select></label>
<label>From <input type="date" name="from" value="${p.from ?? ""}"></label>
<label>To <input type="date" name="to" value="${p.to ?? ""}"></label>
</fieldset></form>`;
  const results = result
    ? html`<p class="search-count" role="status">${result.total === 0 ? html`No stories match “${p.q}”.` : html`${result.totalIsLowerBound ? `More than ${result.total.toLocaleString("en")}` : result.total} ${result.total === 1 ? "story matches" : "stories match"} “${p.q}”.`}</p>
<ol class="search-results">${result.hits.map(
        (h) =>
          html`<li><p class="kicker"><a href="/${h.story.sectionSlug}">${h.story.sectionName}</a></p><h2><a href="${h.story.path}">${highlight(h.headline)}</a></h2><p class="snippet">${highlight(h.snippet || h.story.summary[0] || "")}</p><p class="teaser-meta">${time(h.story.firstPublishedAt, tz, "date")} · <span class="matched">${matchedLine(h.matchedIn)}</span></p></li>`,
      )}</ol>
${totalPages > 1 ? html`<nav class="pagination" aria-label="Pages">${p.page > 1 ? html`<a rel="prev" href="${searchUrl(p, p.page - 1)}">← Previous</a>` : html`<span></span>`}<span>Page ${p.page} of ${totalPages}</span>${p.page < totalPages ? html`<a rel="next" href="${searchUrl(p, p.page + 1)}">Next →</a>` : html`<span></span>`}</nav>` : ""}`
    : html``;
  const main = html`<header class="page-header"><h1>Search</h1></header><div class="list">${form}${results}</div>`;
  return layout(shell, { title: p.q ? `Search: ${p.q}` : "Search", noindex: true }, main);
}
