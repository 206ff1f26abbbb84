/**
 * Comments as readers see them, rendered on the server (readable without
 * JavaScript): the count, sort links, the form, threads with replies, and
 * a link to the next page. Reader text is escaped and its links found by
 * linkify, marked rel="nofollow ugc".
 */
import { linkify } from "../content/comment-rules.ts";
import type { CommentSort, CommentView } from "../store/comment-store.ts";
import { time } from "./components.ts";
import { type SafeHtml, html } from "./html.ts";

export interface CommentsBlock {
  storyId: number;
  storyPath: string;
  count: number;
  mode: "open" | "closed" | "off";
  sort: CommentSort;
  comments: CommentView[];
  replies: Map<number, CommentView[]>;
  next: string | undefined;
  maxLength: number;
  maxDepth: number;
  /** The enhancement script (posting without reloads); absent: the forms work on their own. */
  scriptHref?: string | undefined;
}

export function commentCountLabel(n: number): string {
  return n === 1 ? "1 comment" : `${n.toLocaleString("en")} comments`;
}

function bodyHtml(text: string): SafeHtml {
  const paragraphs = text.split(/\n{2,}/);
  return html`${paragraphs.map(
    (p) =>
      html`<p>${p.split("\n").map((line, i) => html`${i > 0 ? html`<br>` : ""}${linkify(line).map((r) => ("href" in r ? html`<a href="${r.href}" rel="nofollow ugc noopener">${r.text}</a>` : html`${r.text}`))}`)}</p>`,
  )}`;
}

/** What rendering one comment needs besides the comment. */
interface ThreadContext {
  replies: ReadonlyMap<number, CommentView[]>;
  mode: "open" | "closed" | "off";
  maxDepth: number;
}

function repliesLabel(n: number): string {
  return n === 1 ? "1 reply" : `${n.toLocaleString("en")} replies`;
}

/**
 * One comment with the replies the page has for it and, when it has more, a
 * link to its thread saying how many more ("Show 1 more reply": a count of
 * all its replies read wrong beside the replies' own replies shown nested).
 */
export function commentItem(c: CommentView, b: ThreadContext, tz: string): SafeHtml {
  const replies = b.replies.get(c.id) ?? [];
  const more =
    c.replyCount > replies.length
      ? html`<p class="more-replies"><a href="/comments/${c.id}" data-replies="${c.id}">${replies.length ? `Show ${(c.replyCount - replies.length).toLocaleString("en")} more ${c.replyCount - replies.length === 1 ? "reply" : "replies"}` : `Show ${repliesLabel(c.replyCount)}`}</a></p>`
      : "";
  return html`<li class="comment" id="comment-${c.id}" data-author="${c.author.id}" data-created="${c.createdAt}"><article aria-labelledby="comment-${c.id}-by"><header class="comment-meta"><strong id="comment-${c.id}-by">${c.author.displayName}</strong>${c.staff ? html` <span class="staff-badge">Staff</span>` : ""} · <a href="/comments/${c.id}" class="comment-link">${time(c.createdAt, tz)}</a>${c.editedAt ? html` · <span class="edited">edited</span>` : ""}</header><div class="comment-body">${bodyHtml(c.body)}</div><footer class="comment-actions"><form method="post" action="/comments/${c.id}/react" class="inline-form" data-react="${c.id}"><button type="submit" aria-label="Recommend this comment by ${c.author.displayName} (${c.reactionCount})">Recommend <span class="reaction-count">${c.reactionCount}</span></button></form>${b.mode === "open" && c.depth < b.maxDepth ? html` <a href="/comments/${c.id}/reply" data-reply="${c.id}">Reply</a>` : ""} <a href="/comments/${c.id}/report" class="report-link">Report</a></footer></article>${replies.length ? html`<ol class="comment-replies">${replies.map((r) => commentItem(r, b, tz))}</ol>` : ""}${more}</li>`;
}

export function commentForm(b: {
  storyId: number;
  maxLength: number;
  parentId?: number;
  returnTo: string;
}): SafeHtml {
  const id = b.parentId ? `reply-body-${b.parentId}` : "comment-body";
  return html`<form method="post" action="/comments" class="comment-form" data-comment-form="${b.storyId}"><input type="hidden" name="storyId" value="${b.storyId}">${b.parentId ? html`<input type="hidden" name="parentId" value="${b.parentId}">` : ""}<input type="hidden" name="return" value="${b.returnTo}"><label for="${id}">${b.parentId ? "Your reply" : "Your comment"}</label><textarea id="${id}" name="body" rows="4" maxlength="${b.maxLength}" required></textarea><p class="comment-hint">Plain text; links are allowed. You need to <a href="/account/signin?return=${encodeURIComponent(b.returnTo)}">sign in</a> or <a href="/account/signup?return=${encodeURIComponent(b.returnTo)}">create an account</a> to post. <a href="/about/community-rules">Community rules</a>.</p><button type="submit">${b.parentId ? "Post reply" : "Post comment"}</button></form>`;
}

export function renderCommentsBlock(b: CommentsBlock, tz: string): SafeHtml {
  if (b.mode === "off") return html``;
  const sorts: [CommentSort, string][] = [
    ["newest", "Newest"],
    ["oldest", "Oldest"],
    ["reactions", "Most recommended"],
  ];
  const back = `${b.storyPath}#comments`;
  return html`<section class="comments" id="comments" aria-labelledby="comments-h"><h2 id="comments-h">Comments <span class="comment-total">(${b.count.toLocaleString("en")})</span></h2>
${b.mode === "open" ? commentForm({ storyId: b.storyId, maxLength: b.maxLength, returnTo: back }) : html`<p class="comments-closed">Comments on this story are closed.</p>`}
${b.scriptHref ? html`<script src="${b.scriptHref}" defer></script>` : ""}
${b.comments.length ? html`<nav class="comment-sort" aria-label="Sort comments"><ul>${sorts.map(([s, label]) => html`<li><a href="${b.storyPath}?sort=${s}#comments"${s === b.sort ? html` aria-current="true"` : ""}>${label}</a></li>`)}</ul></nav><ol class="comment-list">${b.comments.map((c) => commentItem(c, b, tz))}</ol>${b.next ? html`<p class="comments-more"><a href="/comments/story/${b.storyId}?sort=${b.sort}&amp;cursor=${b.next}" data-more="${b.storyId}">More comments</a></p>` : ""}` : html`<p class="comments-empty">No comments yet.</p>`}
</section>`;
}
