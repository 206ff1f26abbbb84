/**
 * What readers do with comments over HTTP: post, reply, recommend, report,
 * edit and delete their own. Forms work without JavaScript (post, then a
 * redirect or a page); the same actions answer JSON to the enhancement
 * script. Writes must come from this site (the `same-origin` guard).
 */
import { z } from "zod";
import { stripControls } from "../content/text.ts";
import type { Config } from "../config.ts";
import type { Mailer } from "../mail/mailer.ts";
import {
  renderCommentNotPosted,
  renderMessage,
  renderReplyPage,
  renderReportPage,
  renderSignInToComment,
} from "../site/account-pages.ts";
import { html } from "../site/html.ts";
import type { Shell } from "../site/layout.ts";
import { commentById } from "../store/comment-store.ts";
import type { Db } from "../store/database.ts";
import { pagePolicy } from "../store/moderation-policy-store.ts";
import { storyRef } from "../store/story-queries.ts";
import { CommentError } from "./comment-service.ts";
import {
  REPORT_REASONS,
  deleteOwnComment,
  editOwnComment,
  postComment,
  reactTo,
  report,
} from "./comment-service.ts";
import { GazetteError } from "../content/errors.ts";
import { type Endpoint, endpoint, idParam, page, redirect, safeReturn } from "../web/endpoint.ts";
import { refererPath } from "../web/same-origin.ts";
import { HTTP_STATUS } from "../web/errors.ts";
import type { AccessGate } from "../content/access.ts";
import { commentsForReaders } from "./thread-endpoints.ts";
import type { TrustFunction } from "../web/client-address.ts";

export interface CommentEndpointDeps {
  config: Config;
  db: Db;
  mailer: Mailer;
  shell: () => Promise<Shell>;
  /** Whether a request may read a gated story (who may comment follows it when memberships.comments is "entitled"). */
  access: { gate: AccessGate; trust: TrustFunction };
}

const postBody = z.object({
  storyId: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
  parentId: z
    .union([
      z.literal("").transform(() => undefined),
      z.coerce
        .number()
        .int()
        .positive()
        .max(2 ** 31 - 1),
    ])
    .optional(),
  body: z.string().max(50_000).transform(stripControls),
  return: z.string().optional(),
});

/** An approved comment, or not found. */
async function approvedComment(db: Db, id: number) {
  const c = await commentById(db, id);
  if (!c || c.status !== "approved") throw new GazetteError("GZ_ERR_COMMENT_NOT_FOUND");
  return c;
}

export function commentEndpoints(deps: CommentEndpointDeps): Endpoint[] {
  const { db, config } = deps;
  const baseUrl = config.site.baseUrl;
  return [
    endpoint({
      method: "POST",
      path: "/comments",
      access: "anyone",
      identify: "reader",
      responds: "negotiated",
      form: true,
      status: 201,
      tag: "Comments",
      summary:
        "Post a comment or a reply; it is published at once or held for a moderator by the rules (outcome)",
      body: postBody,
      handler: async ({ body, reader, wantsJson, ip, req }) => {
        const back = safeReturn(body.return);
        if (!reader) {
          if (wantsJson) throw new GazetteError("GZ_ERR_UNAUTHENTICATED", "Sign in to comment.");
          // Nothing typed is lost: the comment is shown back to copy.
          return page(renderSignInToComment(await deps.shell(), { returnTo: back, body: body.body }), 401);
        }
        // The conversation on a gated story is for the readers who may read it.
        await commentsForReaders(deps, body.storyId, req, "subscribe to join in");
        try {
          const r = await postComment(db, { mailer: deps.mailer, baseUrl }, reader, {
            storyId: body.storyId,
            parentId: body.parentId,
            body: body.body,
            ip,
          });
          if (wantsJson)
            return {
              outcome: r.outcome,
              comment: { id: r.comment.id, body: r.comment.body, status: r.comment.status },
            };
          if (r.outcome === "approved")
            return redirect(`${back.replace(/#.*$/, "")}#comment-${r.comment.id}`);
          return page(
            renderMessage(
              await deps.shell(),
              "Your comment is waiting for a moderator",
              html`It will appear once a moderator has read it. <a href="${back}">Back to the story</a>.`,
            ),
            202,
          );
        } catch (err) {
          if (wantsJson || !(err instanceof CommentError)) throw err;
          // The reader's text comes back in the form, so nothing typed is lost.
          return page(
            renderCommentNotPosted(await deps.shell(), {
              message: err.message,
              storyId: body.storyId,
              parentId: body.parentId,
              returnTo: back,
              body: body.body,
            }),
            HTTP_STATUS[err.code],
          );
        }
      },
    }),
    endpoint({
      method: "POST",
      path: "/comments/:id/react",
      access: "anyone",
      identify: "reader",
      responds: "negotiated",
      tag: "Comments",
      summary: "Recommend a comment, or take the recommendation back (a toggle); answers the new count",
      params: idParam,
      handler: async ({ params, reader, wantsJson, req }) => {
        const c = await approvedComment(db, params.id);
        const story = await storyRef(db, c.storyId);
        const storyPath = story?.path ?? "/";
        if (!reader) {
          if (wantsJson) throw new GazetteError("GZ_ERR_UNAUTHENTICATED", "Sign in to recommend comments.");
          return redirect(`/account/signin?return=${encodeURIComponent(`${storyPath}#comment-${c.id}`)}`);
        }
        const r = await reactTo(db, reader, c.id);
        if (wantsJson) return r;
        // Back to the page the button was on: the story, or a comment's own page.
        return redirect(`${refererPath(req, storyPath)}#comment-${c.id}`);
      },
    }),
    endpoint({
      method: "GET",
      path: "/comments/:id/reply",
      access: "anyone",
      responds: "html",
      tag: "Comments",
      summary: "The reply form for a comment (without JavaScript)",
      params: idParam,
      handler: async ({ params }) => {
        const c = await approvedComment(db, params.id);
        const story = await storyRef(db, c.storyId);
        if (!story) throw new GazetteError("GZ_ERR_COMMENT_NOT_FOUND");
        return page(renderReplyPage(await deps.shell(), c, story, (await pagePolicy(db)).maxLength));
      },
    }),
    endpoint({
      method: "GET",
      path: "/comments/:id/report",
      access: "anyone",
      responds: "html",
      tag: "Comments",
      summary: "The report form for a comment",
      params: idParam,
      handler: async ({ params }) =>
        page(renderReportPage(await deps.shell(), await approvedComment(db, params.id), REPORT_REASONS)),
    }),
    endpoint({
      method: "POST",
      path: "/comments/:id/report",
      access: "reader",
      responds: "negotiated",
      form: true,
      tag: "Comments",
      summary: "Report a comment to the moderators, with a reason",
      params: idParam,
      body: z.object({
        reason: z.enum(REPORT_REASONS, `choose a reason: ${REPORT_REASONS.join(", ")}`),
        note: z.string().max(500).default(""),
      }),
      handler: async ({ params, body, reader, wantsJson }) => {
        await report(db, reader!, params.id, body.reason, body.note);
        if (wantsJson) return { ok: true };
        return page(renderMessage(await deps.shell(), "Thank you", "A moderator will look at the comment."));
      },
    }),
    endpoint({
      method: "PATCH",
      path: "/api/comments/:id",
      access: "reader",
      responds: "json",
      tag: "Comments",
      summary: "Edit your own comment within the edit window; the moderation rules run again",
      params: idParam,
      body: z.object({ body: z.string().max(50_000).transform(stripControls) }),
      handler: async ({ params, body, reader }) => {
        const c = await editOwnComment(db, reader!, params.id, body.body);
        return { id: c.id, body: c.body, status: c.status, editedAt: c.editedAt };
      },
    }),
    endpoint({
      method: "DELETE",
      path: "/api/comments/:id",
      access: "reader",
      responds: "json",
      tag: "Comments",
      summary: "Delete your own comment (its replies stay)",
      params: idParam,
      handler: async ({ params, reader }) => {
        await deleteOwnComment(db, reader!, params.id);
        return { ok: true };
      },
    }),
  ];
}
