/**
 * Reader accounts and comments over HTTP. Every page works without
 * JavaScript (forms posting and redirecting); the same actions answer JSON
 * to `Accept: application/json`. State-changing requests must come from
 * this site (Origin, else Referer, checked — OWASP's "verify origin with
 * standard headers"), which keeps the cached article pages free of
 * per-reader tokens; the session cookie is SameSite=Lax as well.
 */
import type {} from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Config } from "../config.ts";
import { HttpError } from "../web/errors.ts";
import type { PageSender } from "../web/page-response.ts";
import { refererPath, sameOrigin } from "../web/same-origin.ts";
import { DUMMY_HASH, PASSWORD_MIN_LENGTH, hashPassword, verifyPassword } from "../auth/passwords.ts";
import type { CommentsBlock } from "../site/comments-view.ts";
import {
  renderCommentsPage,
  renderForm,
  renderMessage,
  renderReplyPage,
  renderReportPage,
  renderThreadPage,
} from "../site/account-pages.ts";
import { html } from "../site/html.ts";
import { type Shell, layout } from "../site/layout.ts";
import {
  type CommentView,
  announceReaderChange,
  commentById,
  commentPage,
  threadPage,
} from "../store/comment-store.ts";
import type { Db } from "../store/database.ts";
import { pagePolicy } from "../store/moderation-policy-store.ts";
import { hit } from "../store/rate-limit-store.ts";
import {
  type Reader,
  ReaderError,
  createReader,
  createReaderSession,
  createReaderToken,
  deleteReader,
  deleteReaderSession,
  displayNameSchema,
  markVerified,
  readerBySession,
  readerCredentials,
  useReaderToken,
} from "../store/reader-store.ts";
import { emailSchema } from "../store/user-store.ts";
import {
  CommentError,
  REPORT_REASONS,
  commentsModeOf,
  deleteOwnComment,
  editOwnComment,
  postComment,
  reactTo,
  report,
} from "./comment-service.ts";
import type { Mailer } from "../mail/mailer.ts";

export const READER_COOKIE = "gz_reader";

export interface CommentRouteDeps {
  config: Config;
  db: Db;
  mailer: Mailer;
  shell: () => Promise<Shell>;
  /** Sends cacheable public pages (comment lists and threads). */
  pages: PageSender;
  /** The enhancement script's URL, for the pages that show comments. */
  commentsScript?: string | undefined;
}

interface CommentJson {
  id: number;
  parentId: number | null;
  author: string;
  staff: boolean;
  body: string;
  createdAt: string;
  editedAt: string | null;
  reactions: number;
  /** Approved replies in all; `replies` holds the first of them (the comment's thread has the rest). */
  replyCount: number;
  replies: CommentJson[];
}

/** A comment as the JSON API shows it, with the replies the page has for it. */
function commentJson(c: CommentView, replies: ReadonlyMap<number, CommentView[]>): CommentJson {
  return {
    id: c.id,
    parentId: c.parentId,
    author: c.author.displayName,
    staff: c.staff,
    body: c.body,
    createdAt: c.createdAt,
    editedAt: c.editedAt,
    reactions: c.reactionCount,
    replyCount: c.replyCount,
    replies: (replies.get(c.id) ?? []).map((r) => commentJson(r, replies)),
  };
}

/** What a public comments page shows: that story's comments, and the section menu. */
function commentKeys(storyId: number): string[] {
  return [`comments:${storyId}`, `story:${storyId}`, "sections"];
}

function wantsJson(req: FastifyRequest): boolean {
  return (req.headers.accept ?? "").includes("application/json") || req.url.startsWith("/api/");
}

/** Only paths on this site, so a `return` parameter cannot send readers elsewhere. */
function safeReturn(v: unknown): string {
  return typeof v === "string" && /^\/(?!\/)[^\s\\]*$/.test(v) && v.length < 500 ? v : "/";
}

export function commentRoutes(app: FastifyInstance, deps: CommentRouteDeps): void {
  const { db, config } = deps;
  const baseUrl = config.site.baseUrl;
  const secure = (req: FastifyRequest) => req.protocol === "https";

  async function currentReader(req: FastifyRequest): Promise<Reader | undefined> {
    const token = req.cookies[READER_COOKIE];
    return token && token.length < 100 ? readerBySession(db, token) : undefined;
  }

  async function signIn(req: FastifyRequest, reply: FastifyReply, readerId: number) {
    const old = req.cookies[READER_COOKIE];
    if (old) await deleteReaderSession(db, old);
    const token = await createReaderSession(db, readerId);
    reply.setCookie(READER_COOKIE, token, {
      path: "/",
      httpOnly: true,
      sameSite: "lax",
      secure: secure(req),
      maxAge: 30 * 86400,
    });
  }

  const page = async (reply: FastifyReply, status: number, body: string) =>
    reply
      .code(status)
      .type("text/html; charset=utf-8")
      .header("cache-control", "private, no-store")
      .send(body);

  async function sendVerification(reader: Reader) {
    const token = await createReaderToken(db, reader.id, "verify", 48);
    await deps.mailer.send({
      to: reader.email,
      subject: `Confirm your email for ${config.site.name}`,
      text: `Hello ${reader.displayName},\n\nConfirm your email address to start commenting:\n${baseUrl}/account/verify/${token}\n\nThe link works once, for 48 hours. If you did not sign up, ignore this email.`,
    });
  }

  // ——— Accounts ———

  const signupFields = (v: Record<string, string> = {}, errors: Record<string, string> = {}) => [
    {
      name: "displayName",
      label: "Name shown with your comments",
      value: v["displayName"] ?? "",
      autocomplete: "nickname",
      error: errors["displayName"],
    },
    {
      name: "email",
      label: "Email",
      type: "email",
      value: v["email"] ?? "",
      autocomplete: "email",
      error: errors["email"],
    },
    {
      name: "password",
      label: `Password (at least ${PASSWORD_MIN_LENGTH} characters)`,
      type: "password",
      autocomplete: "new-password",
      error: errors["password"],
    },
  ];

  app.get("/account/signup", async (req, reply) =>
    page(
      reply,
      200,
      renderForm(await deps.shell(), {
        title: "Create an account to comment",
        action: "/account/signup",
        fields: signupFields(),
        hidden: { return: safeReturn((req.query as { return?: string }).return) },
        submit: "Create account",
        after: html`<p>Already have one? <a href="/account/signin">Sign in</a>.</p>`,
      }),
    ),
  );

  app.post("/account/signup", async (req, reply) => {
    sameOrigin(req);
    const f = (req.body ?? {}) as Record<string, string>;
    const errors: Record<string, string> = {};
    const name = displayNameSchema.safeParse(f["displayName"] ?? "");
    if (!name.success) errors["displayName"] = `Name ${name.error.issues[0]!.message}.`;
    const email = emailSchema.safeParse(f["email"] ?? "");
    if (!email.success) errors["email"] = "Enter an email address such as name@example.org.";
    const password = String(f["password"] ?? "");
    if (password.length < PASSWORD_MIN_LENGTH || password.length > 200)
      errors["password"] = `Use ${PASSWORD_MIN_LENGTH} to 200 characters.`;
    const limited = await hit(db, `signup:ip:${req.ip}`, { max: 30, windowMs: 3600_000 });
    if (!limited.allowed)
      throw new HttpError(
        "GZ_ERR_RATE_LIMITED",
        `Too many sign-ups from your network; try again in ${Math.ceil(limited.retryAfterSeconds / 60)} minutes.`,
      );
    if (!Object.keys(errors).length) {
      try {
        const reader = await db.transaction().execute(async (tx) =>
          createReader(tx, {
            email: email.data!,
            displayName: name.data!,
            passwordHash: await hashPassword(password),
          }),
        );
        await sendVerification(reader);
        if (wantsJson(req))
          return reply
            .code(201)
            .send({ reader: { id: reader.id, displayName: reader.displayName }, verification: "sent" });
        return page(
          reply,
          201,
          renderMessage(
            await deps.shell(),
            "Check your email",
            html`We sent a link to <strong>${reader.email}</strong>. Follow it to confirm your address, and you can comment.`,
          ),
        );
      } catch (err) {
        if (!(err instanceof ReaderError)) throw err;
        errors[err.field] = err.message.replace(/^[^:]+: /, "").replace(/^./, (c) => c.toUpperCase()) + ".";
      }
    }
    if (wantsJson(req))
      throw new HttpError(
        "GZ_ERR_VALIDATION",
        undefined,
        Object.entries(errors).map(([path, message]) => ({ path, message })),
      );
    return page(
      reply,
      400,
      renderForm(await deps.shell(), {
        title: "Create an account to comment",
        action: "/account/signup",
        fields: signupFields(f, errors),
        hidden: { return: safeReturn(f["return"]) },
        submit: "Create account",
        error: "Some fields need another look.",
      }),
    );
  });

  app.get<{ Params: { token: string } }>("/account/verify/:token", async (req, reply) => {
    const id = /^[\w-]{20,60}$/.test(req.params.token)
      ? await useReaderToken(db, req.params.token, "verify")
      : undefined;
    if (!id)
      return page(
        reply,
        400,
        renderMessage(
          await deps.shell(),
          "That link does not work",
          "It was used already or has expired. Sign in and ask for a new one.",
          "error",
        ),
      );
    await markVerified(db, id);
    await signIn(req, reply, id);
    return page(
      reply,
      200,
      renderMessage(
        await deps.shell(),
        "Email confirmed",
        html`You can comment now. <a href="/">Back to the news</a>.`,
      ),
    );
  });

  const signinFields = (email = "", error?: string) => [
    { name: "email", label: "Email", type: "email", value: email, autocomplete: "username", error },
    { name: "password", label: "Password", type: "password", autocomplete: "current-password" },
  ];
  app.get("/account/signin", async (req, reply) =>
    page(
      reply,
      200,
      renderForm(await deps.shell(), {
        title: "Sign in to comment",
        action: "/account/signin",
        fields: signinFields(),
        hidden: { return: safeReturn((req.query as { return?: string }).return) },
        submit: "Sign in",
        after: html`<p>New here? <a href="/account/signup">Create an account</a>.</p>`,
      }),
    ),
  );
  app.post("/account/signin", async (req, reply) => {
    sameOrigin(req);
    const f = (req.body ?? {}) as Record<string, string>;
    const email = String(f["email"] ?? "")
      .trim()
      .toLowerCase();
    const limited = await hit(db, `reader-signin:${email}`, { max: 10, windowMs: 15 * 60_000 });
    if (!limited.allowed)
      throw new HttpError(
        "GZ_ERR_RATE_LIMITED",
        `Too many attempts; try again in ${Math.ceil(limited.retryAfterSeconds / 60)} minutes.`,
      );
    const found = await readerCredentials(db, email);
    const ok = await verifyPassword(String(f["password"] ?? ""), found?.passwordHash ?? DUMMY_HASH);
    if (!found || !ok) {
      if (wantsJson(req)) throw new HttpError("GZ_ERR_BAD_CREDENTIALS");
      return page(
        reply,
        401,
        renderForm(await deps.shell(), {
          title: "Sign in to comment",
          action: "/account/signin",
          fields: signinFields(email),
          hidden: { return: safeReturn(f["return"]) },
          submit: "Sign in",
          error: "That email and password do not match an account.",
        }),
      );
    }
    await signIn(req, reply, found.reader.id);
    if (wantsJson(req))
      return reply.send({
        reader: {
          id: found.reader.id,
          displayName: found.reader.displayName,
          verified: found.reader.verified,
        },
      });
    return reply.redirect(safeReturn(f["return"]), 303);
  });

  app.post("/account/signout", async (req, reply) => {
    sameOrigin(req);
    const token = req.cookies[READER_COOKIE];
    if (token) await deleteReaderSession(db, token);
    reply.clearCookie(READER_COOKIE, { path: "/" });
    return reply.redirect("/", 303);
  });

  app.get("/account", async (req, reply) => {
    const reader = await currentReader(req);
    if (!reader) return reply.redirect("/account/signin?return=/account", 303);
    const main = html`<section class="account-page"><h1>Your account</h1><p>Signed in as <strong>${reader.displayName}</strong> (${reader.email})${reader.verified ? "" : " — email not confirmed yet"}.</p>
<form method="post" action="/account" class="account-form"><p class="form-field"><label for="f-displayName">Name shown with your comments</label><input id="f-displayName" name="displayName" value="${reader.displayName}" required maxlength="40"></p><p class="form-field"><label><input type="checkbox" name="notifyReplies" value="1"${reader.notifyReplies ? html` checked` : ""}> Email me when someone replies to my comments</label></p><button type="submit">Save</button></form>
<form method="post" action="/account/signout" class="account-form"><button type="submit">Sign out</button></form>
<form method="post" action="/account/delete" class="account-form"><h2>Delete your account</h2><p>Your comments stay, shown as “Deleted account”; your name, email and password are removed.</p><p class="form-field"><label for="f-confirm">Type DELETE to confirm</label><input id="f-confirm" name="confirm" required></p><button type="submit">Delete my account</button></form></section>`;
    return page(reply, 200, layout(await deps.shell(), { title: "Your account", noindex: true }, main));
  });

  app.post("/account", async (req, reply) => {
    sameOrigin(req);
    const reader = await currentReader(req);
    if (!reader) throw new HttpError("GZ_ERR_UNAUTHENTICATED");
    const f = (req.body ?? {}) as Record<string, string>;
    const name = displayNameSchema.safeParse(f["displayName"] ?? reader.displayName);
    if (!name.success)
      throw new HttpError("GZ_ERR_VALIDATION", `Name ${name.error.issues[0]!.message}.`, [
        { path: "displayName", message: name.error.issues[0]!.message },
      ]);
    await db.transaction().execute(async (tx) => {
      await tx
        .updateTable("readers")
        .set({ notify_replies: f["notifyReplies"] === "1" ? 1 : 0, display_name: name.data })
        .where("id", "=", reader.id)
        .execute();
      if (name.data !== reader.displayName) await announceReaderChange(tx, reader.id);
    });
    return reply.redirect("/account", 303);
  });

  app.post("/account/delete", async (req, reply) => {
    sameOrigin(req);
    const reader = await currentReader(req);
    if (!reader) throw new HttpError("GZ_ERR_UNAUTHENTICATED");
    if (((req.body ?? {}) as Record<string, string>)["confirm"] !== "DELETE")
      throw new HttpError("GZ_ERR_VALIDATION", "Type DELETE to confirm.", [
        { path: "confirm", message: "must be DELETE" },
      ]);
    await db.transaction().execute(async (tx) => {
      await deleteReader(tx, reader.id);
      await announceReaderChange(tx, reader.id);
    });
    reply.clearCookie(READER_COOKIE, { path: "/" });
    return page(
      reply,
      200,
      renderMessage(
        await deps.shell(),
        "Account deleted",
        "Your account is gone; your comments now show “Deleted account”.",
      ),
    );
  });

  // ——— Comments ———

  function commentFailure(err: unknown): never {
    if (!(err instanceof CommentError)) throw err;
    const fields = err.field ? [{ path: err.field, message: err.message }] : undefined;
    switch (err.code) {
      case "rejected":
      case "invalid":
        throw new HttpError("GZ_ERR_COMMENT_REFUSED", err.message, fields);
      case "closed":
        throw new HttpError("GZ_ERR_COMMENTS_CLOSED", err.message);
      case "rate-limited":
        throw new HttpError("GZ_ERR_RATE_LIMITED", err.message, undefined, {
          retryAfterSeconds: err.retryAfterSeconds,
        });
      case "not-found":
        throw new HttpError("GZ_ERR_NOT_FOUND", err.message);
      case "unverified":
      case "banned":
      case "forbidden":
        throw new HttpError("GZ_ERR_FORBIDDEN", err.message);
    }
  }

  const postBody = z.object({
    storyId: z.coerce.number().int().positive(),
    parentId: z.union([z.literal(""), z.coerce.number().int().positive()]).optional(),
    body: z.string().max(50_000),
    return: z.string().optional(),
  });

  app.post("/comments", async (req, reply) => {
    sameOrigin(req);
    const parsed = postBody.safeParse(req.body ?? {});
    if (!parsed.success)
      throw new HttpError(
        "GZ_ERR_VALIDATION",
        "The comment form was incomplete.",
        parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      );
    const f = parsed.data;
    const back = safeReturn(f.return);
    const reader = await currentReader(req);
    if (!reader) {
      if (wantsJson(req)) throw new HttpError("GZ_ERR_UNAUTHENTICATED", "Sign in to comment.");
      // Keep what they wrote: the sign-in page shows it back after signing in is not possible without state, so show it now.
      return page(
        reply,
        401,
        renderMessage(
          await deps.shell(),
          "Sign in to comment",
          html`<p>Your comment was not posted. Copy it, then <a href="/account/signin?return=${encodeURIComponent(back)}">sign in</a> or <a href="/account/signup?return=${encodeURIComponent(back)}">create an account</a>:</p><textarea readonly rows="6" aria-label="Your comment">${f.body}</textarea>`,
          "error",
        ),
      );
    }
    try {
      const r = await postComment(db, { mailer: deps.mailer, baseUrl }, reader, {
        storyId: f.storyId,
        parentId: f.parentId === "" || f.parentId === undefined ? undefined : f.parentId,
        body: f.body,
        ip: req.ip,
      });
      if (wantsJson(req))
        return reply.code(201).send({
          outcome: r.outcome,
          comment: { id: r.comment.id, body: r.comment.body, status: r.comment.status },
        });
      if (r.outcome === "approved")
        return reply.redirect(`${back.replace(/#.*$/, "")}#comment-${r.comment.id}`, 303);
      return page(
        reply,
        202,
        renderMessage(
          await deps.shell(),
          "Your comment is waiting for a moderator",
          html`It will appear once a moderator has read it. <a href="${back}">Back to the story</a>.`,
        ),
      );
    } catch (err) {
      if (wantsJson(req) || !(err instanceof CommentError)) commentFailure(err);
      const e = err as CommentError;
      const status =
        e.code === "rate-limited"
          ? 429
          : e.code === "closed"
            ? 409
            : e.code === "not-found"
              ? 404
              : e.code === "rejected" || e.code === "invalid"
                ? 422
                : 403;
      // The reader's text comes back in the form, so nothing typed is lost.
      return page(
        reply,
        status,
        renderMessage(
          await deps.shell(),
          "Your comment was not posted",
          html`<p>${e.message}</p><form method="post" action="/comments" class="comment-form"><input type="hidden" name="storyId" value="${f.storyId}">${f.parentId ? html`<input type="hidden" name="parentId" value="${f.parentId}">` : ""}<input type="hidden" name="return" value="${back}"><label for="comment-body">Your comment</label><textarea id="comment-body" name="body" rows="6" required>${f.body}</textarea><button type="submit">Post again</button></form><p><a href="${back}">Back to the story</a></p>`,
          "error",
        ),
      );
    }
  });

  const idParams = z.object({
    id: z.coerce
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1),
  });
  const idOf = (req: FastifyRequest) => {
    const p = idParams.safeParse(req.params);
    if (!p.success) throw new HttpError("GZ_ERR_NOT_FOUND");
    return p.data.id;
  };
  const requireReader = async (req: FastifyRequest) => {
    const r = await currentReader(req);
    if (!r) throw new HttpError("GZ_ERR_UNAUTHENTICATED", "Sign in to do this.");
    return r;
  };

  app.post("/comments/:id/react", async (req, reply) => {
    sameOrigin(req);
    const id = idOf(req);
    const reader = await currentReader(req);
    const c = await commentById(db, id);
    if (!c) throw new HttpError("GZ_ERR_NOT_FOUND");
    const story = await db
      .selectFrom("stories")
      .select("path")
      .where("id", "=", c.storyId)
      .executeTakeFirstOrThrow();
    if (!reader) {
      if (wantsJson(req)) throw new HttpError("GZ_ERR_UNAUTHENTICATED", "Sign in to recommend comments.");
      return reply.redirect(
        `/account/signin?return=${encodeURIComponent(`${story.path}#comment-${id}`)}`,
        303,
      );
    }
    const r = await reactTo(db, reader, id).catch(commentFailure);
    if (wantsJson(req)) return reply.send(r);
    // Back to the page the button was on: the story, or a comment's own page.
    return reply.redirect(`${refererPath(req, story.path)}#comment-${id}`, 303);
  });

  app.get("/comments/:id/reply", async (req, reply) => {
    const c = await commentById(db, idOf(req));
    if (!c || c.status !== "approved") throw new HttpError("GZ_ERR_NOT_FOUND");
    const story = await db
      .selectFrom("stories")
      .select(["headline", "path"])
      .where("id", "=", c.storyId)
      .executeTakeFirstOrThrow();
    return page(reply, 200, renderReplyPage(await deps.shell(), c, story, (await pagePolicy(db)).maxLength));
  });

  app.get("/comments/:id/report", async (req, reply) => {
    const c = await commentById(db, idOf(req));
    if (!c || c.status !== "approved") throw new HttpError("GZ_ERR_NOT_FOUND");
    return page(reply, 200, renderReportPage(await deps.shell(), c, REPORT_REASONS));
  });

  app.post("/comments/:id/report", async (req, reply) => {
    sameOrigin(req);
    const id = idOf(req);
    const reader = await requireReader(req);
    const f = z
      .object({ reason: z.enum(REPORT_REASONS), note: z.string().max(500).default("") })
      .safeParse(req.body ?? {});
    if (!f.success)
      throw new HttpError("GZ_ERR_VALIDATION", `Choose a reason: ${REPORT_REASONS.join(", ")}.`, [
        { path: "reason", message: "choose one" },
      ]);
    await report(db, reader, id, f.data.reason, f.data.note).catch(commentFailure);
    if (wantsJson(req)) return reply.send({ ok: true });
    return page(
      reply,
      200,
      renderMessage(await deps.shell(), "Thank you", "A moderator will look at the comment."),
    );
  });

  app.patch("/api/comments/:id", async (req, reply) => {
    sameOrigin(req);
    const reader = await requireReader(req);
    const f = z.object({ body: z.string().max(50_000) }).safeParse(req.body ?? {});
    if (!f.success)
      throw new HttpError("GZ_ERR_VALIDATION", undefined, [{ path: "body", message: "is required" }]);
    const c = await editOwnComment(db, reader, idOf(req), f.data.body).catch(commentFailure);
    return reply.send({ id: c.id, body: c.body, status: c.status, editedAt: c.editedAt });
  });

  app.delete("/api/comments/:id", async (req, reply) => {
    sameOrigin(req);
    const reader = await requireReader(req);
    await deleteOwnComment(db, reader, idOf(req)).catch(commentFailure);
    return reply.send({ ok: true });
  });

  const listQuery = z.object({
    sort: z.enum(["newest", "oldest", "reactions"]).default("newest"),
    cursor: z
      .string()
      .max(60)
      .regex(/^[\w-]*$/)
      .optional(),
  });

  /** A published story whose comments are shown (not off), with the policy they are shown under. */
  async function storyWithComments(storyId: number) {
    const story = await db
      .selectFrom("stories")
      .select(["id", "headline", "path", "comment_count", "comments_mode", "first_published_at"])
      .where("id", "=", storyId)
      .where("status", "=", "published")
      .executeTakeFirst();
    if (!story) throw new HttpError("GZ_ERR_NOT_FOUND");
    const policy = await pagePolicy(db);
    const mode = commentsModeOf(story, policy);
    if (mode === "off") throw new HttpError("GZ_ERR_NOT_FOUND");
    return { story, policy, mode };
  }

  async function block(
    storyId: number,
    q: z.infer<typeof listQuery>,
  ): Promise<{ block: CommentsBlock; story: { id: number; headline: string; path: string } }> {
    const { story, policy, mode } = await storyWithComments(storyId);
    const p = await commentPage(db, storyId, { sort: q.sort, limit: 20, cursor: q.cursor });
    return {
      story,
      block: {
        storyId,
        storyPath: story.path,
        count: story.comment_count,
        mode,
        sort: q.sort,
        ...p,
        maxLength: policy.maxLength,
        maxDepth: policy.maxDepth,
      },
    };
  }

  app.get("/comments/story/:id", async (req, reply) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success)
      throw new HttpError(
        "GZ_ERR_BAD_PARAMETER",
        "sort: newest, oldest or reactions; cursor: from a More comments link",
      );
    const { story, block: b } = await block(idOf(req), q.data);
    return deps.pages.sendPage(req, reply, {
      body: renderCommentsPage(await deps.shell(), story, b),
      keys: commentKeys(story.id),
    });
  });

  const threadQuery = z.object({
    after: z.coerce
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1)
      .optional(),
  });
  /** Replies on a comment's page (the enhancement script reads them from it, a page at a time). */
  const REPLIES_PER_PAGE = 50;

  async function thread(req: FastifyRequest) {
    const q = threadQuery.safeParse(req.query);
    if (!q.success)
      throw new HttpError("GZ_ERR_BAD_PARAMETER", "after: the number of a reply, from a More replies link");
    const t = await threadPage(db, idOf(req), { limit: REPLIES_PER_PAGE, after: q.data.after });
    if (!t) throw new HttpError("GZ_ERR_NOT_FOUND");
    const parent = t.comment.parentId ? await commentById(db, t.comment.parentId) : undefined;
    return {
      ...t,
      parent: parent?.status === "approved" ? parent : undefined,
      after: q.data.after,
      ...(await storyWithComments(t.comment.storyId)),
    };
  }

  app.get("/comments/:id", async (req, reply) => {
    const t = await thread(req);
    return deps.pages.sendPage(req, reply, {
      body: renderThreadPage(await deps.shell(), {
        story: t.story,
        comment: t.comment,
        parent: t.parent,
        replies: t.replies,
        next: t.next,
        after: t.after,
        mode: t.mode,
        maxDepth: t.policy.maxDepth,
        maxLength: t.policy.maxLength,
        scriptHref: deps.commentsScript,
      }),
      keys: commentKeys(t.story.id),
    });
  });

  app.get("/api/comments/:id/replies", async (req, reply) => {
    const t = await thread(req);
    const { replies, ...comment } = commentJson(t.comment, t.replies);
    return reply.header("cache-control", "no-store").send({
      comment,
      replies,
      next: t.next ?? null,
    });
  });

  app.get("/api/comments/story/:id", async (req, reply) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success)
      throw new HttpError("GZ_ERR_BAD_PARAMETER", "sort: newest, oldest or reactions; cursor: from `next`");
    const { block: b } = await block(idOf(req), q.data);
    return reply.header("cache-control", "no-store").send({
      count: b.count,
      mode: b.mode,
      comments: b.comments.map((c) => commentJson(c, b.replies)),
      next: b.next ?? null,
    });
  });

  app.get("/api/comments/me", async (req, reply) => {
    const r = await currentReader(req);
    return reply
      .header("cache-control", "private, no-store")
      .send({ reader: r ? { id: r.id, displayName: r.displayName, verified: r.verified } : null });
  });
}
