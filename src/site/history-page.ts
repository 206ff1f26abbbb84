/**
 * Transparency pages: a story's public history (every version readers saw,
 * with what changed in each, word by word) and the list of recent
 * corrections. Pure renderers over what the store gives them.
 */
import type { LivePostChange } from "../content/live.ts";
import {
  type DiffPart,
  type FieldChange,
  type StoryDiff,
  changedParagraphs,
  diffLivePost,
} from "../content/story-diff.ts";
import type { Correction } from "../store/revision-store.ts";
import { correctionLine, time } from "./components.ts";
import { type SafeHtml, html } from "./html.ts";
import { type Shell, layout } from "./layout.ts";

export interface HistoryEntry {
  number: number;
  at: string;
  /** "First published", "Updated", "Correction" … */
  label: string;
  diff: StoryDiff | undefined;
}

function runs(ps: readonly DiffPart[]): SafeHtml {
  return html`${ps.map((p) =>
    p.kind === "added"
      ? html`<ins>${p.text}</ins>`
      : p.kind === "removed"
        ? html`<del>${p.text}</del>`
        : html`${p.text}`,
  )}`;
}

/** Each changed paragraph whole; "…" where unchanged ones were skipped. */
function paragraphs(ps: readonly DiffPart[]): SafeHtml {
  return html`${changedParagraphs(ps).map(
    (p) =>
      html`${p.gapBefore ? html`<p class="diff-gap" aria-hidden="true">…</p>` : ""}<p class="diff">${runs(p.parts)}</p>`,
  )}`;
}

/** Each changed field of a diff under its own heading (`h`: the heading's level). */
function fieldsHtml(fields: readonly FieldChange[], h: 3 | 4): SafeHtml {
  return html`${fields.map((f) => html`<section class="history-field">${h === 3 ? html`<h3>${f.label}</h3>` : html`<h4>${f.label}</h4>`}${paragraphs(f.parts)}</section>`)}`;
}

/**
 * A live story's edited and removed updates, newest first. `words`: whether
 * the diff may show their text (not for a gated story: its posts are for
 * subscribers). A removed update's words are not repeated: the note says why.
 */
function liveChangesHtml(changes: readonly LivePostChange[], words: boolean, tz: string): SafeHtml {
  if (!changes.length) return html``;
  return html`<section class="history-live" id="live-changes" aria-labelledby="live-changes-h"><h2 id="live-changes-h">Changes to live updates</h2>
<p class="history-intro">Updates we edited or removed after publishing them, newest first.</p>
<ol class="history-list" reversed>${[...changes].reverse().map((c) => {
    const diff = words && c.after ? diffLivePost(c.before, c.after) : [];
    return html`<li class="history-entry" id="live-change-${c.id}"><h3>Update of ${time(c.postPublishedAt, tz)} ${c.kind === "deleted" ? "removed" : "edited"} ${time(c.at, tz)}</h3>${c.note ? html`<p class="history-note">${c.note}</p>` : ""}${c.kind === "edited" ? (diff.length ? fieldsHtml(diff, 4) : words ? html`<p>No change to the words.</p>` : "") : ""}</li>`;
  })}</ol></section>`;
}

export function renderHistory(
  shell: Shell,
  story: { headline: string; path: string },
  entries: readonly HistoryEntry[],
  corrections: readonly Correction[],
  live: { changes: readonly LivePostChange[]; words: boolean } = { changes: [], words: true },
): string {
  const tz = shell.site.timeZone;
  const main = html`<article class="history">
<p class="kicker"><a href="${story.path}">Back to the story</a></p>
<h1>How this story changed</h1>
<p class="history-headline"><a href="${story.path}">${story.headline}</a></p>
<p class="history-intro">Every version readers have seen, newest first. Words removed are <del>struck through</del>; words added are <ins>underlined</ins>. Read how we correct mistakes in <a href="/about/${shell.site.standardsPage}">our editorial standards</a>.</p>
${corrections.length ? html`<section class="corrections-box" aria-labelledby="hc-h"><h2 id="hc-h">Corrections</h2>${corrections.map((c) => correctionLine(c, tz))}</section>` : ""}
<ol class="history-list" reversed>
${[...entries].reverse().map(
  (e) => html`<li class="history-entry" id="v${e.number}"><h2>${e.label} ${time(e.at, tz)}</h2>
${
  e.diff
    ? html`${fieldsHtml(e.diff.text, 3)}${e.diff.other.length ? html`<ul class="history-other">${e.diff.other.map((o) => html`<li>${o}</li>`)}</ul>` : ""}${!e.diff.text.length && !e.diff.other.length ? html`<p>No change to the text.</p>` : ""}`
    : html`<p>The story as first published.</p>`
}</li>`,
)}
</ol>
${liveChangesHtml(live.changes, live.words, tz)}
</article>`;
  return layout(
    shell,
    {
      title: `How this story changed: ${story.headline}`,
      description: `Every published version of “${story.headline}” and what changed.`,
      canonicalPath: `${story.path}/history`,
    },
    main,
  );
}

export function renderCorrections(
  shell: Shell,
  items: readonly (Correction & { headline: string; path: string })[],
): string {
  const tz = shell.site.timeZone;
  const main = html`<section class="corrections-page">
<h1>Corrections</h1>
<p class="history-intro">When we get something wrong, we fix it and say so here and on the story. How we decide: <a href="/about/${shell.site.standardsPage}">our editorial standards</a>.</p>
${
  items.length
    ? html`<ol class="corrections-list">${items.map((c) => html`<li><p class="corrections-story"><a href="${c.path}">${c.headline}</a></p>${correctionLine(c, tz)}<p><a href="${c.path}/history">What changed in this story</a></p></li>`)}</ol>`
    : html`<p>No corrections have been published.</p>`
}
</section>`;
  return layout(
    shell,
    {
      title: "Corrections",
      description: `Corrections and clarifications published by ${shell.site.name}.`,
      canonicalPath: "/corrections",
    },
    main,
  );
}
