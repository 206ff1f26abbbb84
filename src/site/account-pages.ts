/** Reader account and comment pages that work without JavaScript: forms, results, the reply and report pages. */
import type { CommentView } from "../store/comment-store.ts";
import { type CommentsBlock, commentForm, commentItem, renderCommentsBlock } from "./comments-view.ts";
import { type SafeHtml, html } from "./html.ts";
import { type Shell, layout } from "./layout.ts";

export interface FormField {
  name: string;
  label: string;
  type?: string;
  value?: string;
  autocomplete?: string;
  hint?: string;
  error?: string | undefined;
}

function field(f: FormField): SafeHtml {
  const id = `f-${f.name}`;
  return html`<p class="form-field"><label for="${id}">${f.label}</label><input id="${id}" name="${f.name}" type="${f.type ?? "text"}" value="${f.value ?? ""}"${f.autocomplete ? html` autocomplete="${f.autocomplete}"` : ""} required${f.error ? html` aria-invalid="true" aria-describedby="${id}-err"` : ""}>${f.hint ? html`<small>${f.hint}</small>` : ""}${f.error ? html`<small class="form-error" id="${id}-err">${f.error}</small>` : ""}</p>`;
}

export function renderForm(
  shell: Shell,
  p: {
    title: string;
    intro?: SafeHtml | string;
    action: string;
    fields: FormField[];
    hidden?: Record<string, string>;
    submit: string;
    error?: string | undefined;
    after?: SafeHtml;
  },
): string {
  const main = html`<section class="account-page"><h1>${p.title}</h1>${p.intro ? html`<p>${p.intro}</p>` : ""}${p.error ? html`<p class="form-error" role="alert">${p.error}</p>` : ""}<form method="post" action="${p.action}" class="account-form">${Object.entries(p.hidden ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}${p.fields.map(field)}<button type="submit">${p.submit}</button></form>${p.after ?? ""}</section>`;
  return layout(shell, { title: p.title, noindex: true }, main);
}

export function renderMessage(
  shell: Shell,
  title: string,
  body: SafeHtml | string,
  status?: "ok" | "error",
): string {
  return layout(
    shell,
    { title, noindex: true },
    html`<section class="account-page"><h1>${title}</h1><div class="${status === "error" ? "form-error" : "message"}" role="${status === "error" ? "alert" : "status"}">${body}</div></section>`,
  );
}

export function renderReplyPage(
  shell: Shell,
  parent: CommentView,
  story: { headline: string; path: string },
  maxLength: number,
): string {
  const main = html`<section class="account-page"><p class="kicker"><a href="${story.path}#comment-${parent.id}">${story.headline}</a></p><h1>Reply to ${parent.author.displayName}</h1><blockquote class="quoted-comment"><p>${parent.body}</p></blockquote>${commentForm({ storyId: parent.storyId, parentId: parent.id, maxLength, returnTo: `${story.path}#comments` })}</section>`;
  return layout(shell, { title: `Reply to ${parent.author.displayName}`, noindex: true }, main);
}

export function renderReportPage(shell: Shell, c: CommentView, reasons: readonly string[]): string {
  const main = html`<section class="account-page"><h1>Report a comment</h1><blockquote class="quoted-comment"><p>${c.body}</p><footer>— ${c.author.displayName}</footer></blockquote><form method="post" action="/comments/${c.id}/report" class="account-form"><fieldset><legend>What is wrong with it?</legend>${reasons.map((r, i) => html`<p><label><input type="radio" name="reason" value="${r}"${i === 0 ? html` required` : ""}> ${r.replace("-", " ")}</label></p>`)}</fieldset><p class="form-field"><label for="f-note">Anything a moderator should know (optional)</label><input id="f-note" name="note" maxlength="500"></p><button type="submit">Send report</button></form></section>`;
  return layout(shell, { title: "Report a comment", noindex: true }, main);
}

export function renderCommentsPage(
  shell: Shell,
  story: { headline: string; path: string },
  block: CommentsBlock,
): string {
  const main = html`<section class="account-page"><h1 class="comments-page-title">Comments on <a href="${story.path}">${story.headline}</a></h1>${renderCommentsBlock(block, shell.site.timeZone)}</section>`;
  return layout(shell, { title: `Comments: ${story.headline}`, noindex: true }, main);
}

export interface ThreadView {
  story: { id: number; headline: string; path: string };
  comment: CommentView;
  /** The comment it answers, quoted for context. */
  parent?: CommentView | undefined;
  replies: ReadonlyMap<number, CommentView[]>;
  /** The reply after which the next page starts; absent on the last page. */
  next: number | undefined;
  /** This page starts after that reply (a later page of a long thread). */
  after: number | undefined;
  mode: "open" | "closed" | "off";
  maxDepth: number;
  maxLength: number;
  scriptHref?: string | undefined;
}

/**
 * A comment's own page: the comment, its replies a page at a time (each
 * with its first replies), a reply form, and the way back to the story and
 * to the comment it answers. "Show all replies" links land here without
 * JavaScript; the enhancement script reads the replies from it in place.
 */
export function renderThreadPage(shell: Shell, t: ThreadView): string {
  const c = t.comment;
  const self = `/comments/${c.id}`;
  // The comment's replies here are paged by the "More replies" link below, not by
  // commentItem's "All N replies" link (which points at this page): hence replyCount 0.
  const main = html`<section class="account-page comments" id="comments" aria-labelledby="thread-h"><p class="kicker"><a href="${t.story.path}#comments">${t.story.headline}</a></p><h1 id="thread-h">Comment by ${c.author.displayName}</h1>${t.parent ? html`<blockquote class="quoted-comment"><p>${t.parent.body}</p><footer>In reply to ${t.parent.author.displayName} · <a href="/comments/${t.parent.id}">their comment and its replies</a></footer></blockquote>` : ""}<p class="thread-context"><a href="${t.story.path}#comments">All comments on the story</a></p>
${t.scriptHref ? html`<script src="${t.scriptHref}" defer></script>` : ""}
<ol class="comment-list" data-thread="${c.id}">${commentItem({ ...c, replyCount: 0 }, t, shell.site.timeZone)}</ol>
${t.next ? html`<p class="comments-more"><a href="${self}?after=${t.next}" data-more-replies="${c.id}">More replies</a></p>` : ""}${t.after ? html`<p class="comments-more"><a href="${self}">First replies</a></p>` : ""}
${t.mode === "open" && c.depth < t.maxDepth ? commentForm({ storyId: t.story.id, parentId: c.id, maxLength: t.maxLength, returnTo: self }) : ""}</section>`;
  return layout(
    shell,
    { title: `Comment by ${c.author.displayName}: ${t.story.headline}`, noindex: true },
    main,
  );
}

/** Values typed into a form, and a message per field that needs another look. */
export interface FormState {
  values?: Record<string, unknown>;
  errors?: Record<string, string>;
  returnTo: string;
  /** A message over the whole form. */
  error?: string | undefined;
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

export function renderSignupPage(shell: Shell, s: FormState, passwordMinLength: number): string {
  const v = s.values ?? {};
  const e = s.errors ?? {};
  return renderForm(shell, {
    title: "Create an account to comment",
    action: "/account/signup",
    fields: [
      {
        name: "displayName",
        label: "Name shown with your comments",
        value: str(v["displayName"]),
        autocomplete: "nickname",
        error: e["displayName"],
      },
      {
        name: "email",
        label: "Email",
        type: "email",
        value: str(v["email"]),
        autocomplete: "email",
        error: e["email"],
      },
      {
        name: "password",
        label: `Password (at least ${passwordMinLength} characters)`,
        type: "password",
        autocomplete: "new-password",
        error: e["password"],
      },
    ],
    hidden: { return: s.returnTo },
    submit: "Create account",
    error: s.error,
    after: html`<p>Already have one? <a href="/account/signin">Sign in</a>.</p>`,
  });
}

export function renderSigninPage(shell: Shell, s: FormState): string {
  return renderForm(shell, {
    title: "Sign in to comment",
    action: "/account/signin",
    fields: [
      {
        name: "email",
        label: "Email",
        type: "email",
        value: str(s.values?.["email"]),
        autocomplete: "username",
      },
      { name: "password", label: "Password", type: "password", autocomplete: "current-password" },
    ],
    hidden: { return: s.returnTo },
    submit: "Sign in",
    error: s.error,
    after: html`<p>New here? <a href="/account/signup">Create an account</a>.</p>`,
  });
}

/** The reader's own page: name, reply emails, sign out, delete the account. */
export function renderAccountPage(
  shell: Shell,
  reader: { displayName: string; email: string; verified: boolean; notifyReplies: boolean },
  membership?: SafeHtml,
): string {
  const main = html`<section class="account-page"><h1>Your account</h1><p>Signed in as <strong>${reader.displayName}</strong> (${reader.email})${reader.verified ? "" : " — email not confirmed yet"}.</p>
<form method="post" action="/account" class="account-form"><p class="form-field"><label for="f-displayName">Name shown with your comments</label><input id="f-displayName" name="displayName" value="${reader.displayName}" required maxlength="40"></p><p class="form-field"><label><input type="checkbox" name="notifyReplies" value="1"${reader.notifyReplies ? html` checked` : ""}> Email me when someone replies to my comments</label></p><button type="submit">Save</button></form>
${membership ?? ""}
<h2>Newsletters</h2><p><a href="/account/newsletters">Choose the newsletters sent to ${reader.email}</a></p>
<form method="post" action="/account/signout" class="account-form"><button type="submit">Sign out</button></form>
<form method="post" action="/account/delete" class="account-form"><h2>Delete your account</h2><p>Your comments stay, shown as “Deleted account”; your name, email and password are removed.</p><p class="form-field"><label for="f-confirm">Type DELETE to confirm</label><input id="f-confirm" name="confirm" required></p><button type="submit">Delete my account</button></form></section>`;
  return layout(shell, { title: "Your account", noindex: true }, main);
}

/** A comment that was not posted: why, and the form again with the reader's text, so nothing typed is lost. */
export function renderCommentNotPosted(
  shell: Shell,
  p: { message: string; storyId: number; parentId?: number | undefined; returnTo: string; body: string },
): string {
  return renderMessage(
    shell,
    "Your comment was not posted",
    html`<p>${p.message}</p><form method="post" action="/comments" class="comment-form"><input type="hidden" name="storyId" value="${p.storyId}">${p.parentId ? html`<input type="hidden" name="parentId" value="${p.parentId}">` : ""}<input type="hidden" name="return" value="${p.returnTo}"><label for="comment-body">Your comment</label><textarea id="comment-body" name="body" rows="6" required>${p.body}</textarea><button type="submit">Post again</button></form><p><a href="${p.returnTo}">Back to the story</a></p>`,
    "error",
  );
}

/** A signed-out reader posted a comment: it is shown back to copy, with the ways to sign in. */
export function renderSignInToComment(shell: Shell, p: { returnTo: string; body: string }): string {
  return renderMessage(
    shell,
    "Sign in to comment",
    html`<p>Your comment was not posted. Copy it, then <a href="/account/signin?return=${encodeURIComponent(p.returnTo)}">sign in</a> or <a href="/account/signup?return=${encodeURIComponent(p.returnTo)}">create an account</a>:</p><textarea readonly rows="6" aria-label="Your comment">${p.body}</textarea>`,
    "error",
  );
}
