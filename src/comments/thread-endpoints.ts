/**
 * Reading comments: a story's comments a page at a time and a comment's own
 * page (its replies, 50 at a time), as cacheable public HTML pages and as
 * JSON for the enhancement script.
 */
import { z } from "zod";
import { commentsModeOf } from "../content/comment-rules.ts";
import { GazetteError } from "../content/errors.ts";
import { renderCommentsPage, renderThreadPage } from "../site/account-pages.ts";
import type { CommentsBlock } from "../site/comments-view.ts";
import type { Shell } from "../site/layout.ts";
import { type CacheKey, cacheKey } from "../store/cache-keys.ts";
import { type CommentView, commentById, commentPage, threadPage } from "../store/comment-store.ts";
import type { Db } from "../store/database.ts";
import { pagePolicy } from "../store/moderation-policy-store.ts";
import { commentableStory } from "../store/story-queries.ts";
import { type Endpoint, cached, endpoint, idParam, page } from "../web/endpoint.ts";
import type { FastifyRequest } from "fastify";
import type { Config } from "../config.ts";
import { type AccessGate, isGated } from "../content/access.ts";
import { storyById } from "../store/story-store.ts";
import { mayRead } from "../web/access-variants.ts";
import type { TrustFunction } from "../web/client-address.ts";

/**
 * With memberships.comments = "entitled", a gated story's comments (reading
 * and posting) are for the readers who may read it: asked per request,
 * without counting on the meter. True when that rule applies to the story
 * (its pages are then private); GZ_ERR_FORBIDDEN when this reader may not.
 */
export async function commentsForReaders(
  deps: { config: Config; db: Db; access: { gate: AccessGate; trust: TrustFunction } },
  storyId: number,
  req: FastifyRequest,
  offer: string,
): Promise<boolean> {
  if (deps.config.memberships.comments !== "entitled") return false;
  const story = await storyById(deps.db, storyId);
  if (!story || !isGated(story.effectiveAccess)) return false;
  const spec = { storyId, access: story.effectiveAccess };
  if (!(await mayRead(req.raw, deps.access.gate, deps.access.trust, spec)))
    throw new GazetteError(
      "GZ_ERR_FORBIDDEN",
      `Comments on this story are open to readers of the whole story: ${offer}.`,
    );
  return true;
}

export interface ThreadEndpointDeps {
  config: Config;
  db: Db;
  /** Whether a request may read a gated story (its comments follow it when memberships.comments is "entitled"). */
  access: { gate: AccessGate; trust: TrustFunction };
  shell: () => Promise<Shell>;
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
const commentKeys = (storyId: number): CacheKey[] => [
  cacheKey.comments(storyId),
  cacheKey.story(storyId),
  cacheKey.sections,
];

const listQuery = z.object({
  sort: z.enum(["newest", "oldest", "reactions"]).default("newest"),
  cursor: z
    .string()
    .max(60)
    .regex(/^[\w-]*$/, "must be the cursor from a More comments link (`next`)")
    .optional(),
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

export function threadEndpoints(deps: ThreadEndpointDeps): Endpoint[] {
  const { db } = deps;

  /**
   * With memberships.comments = "entitled", a gated story's comments are for
   * readers who may read it: asked per request, and the page is then private.
   */
  const withheld = (storyId: number, req: FastifyRequest) =>
    commentsForReaders(deps, storyId, req, "sign in or subscribe");

  /** A story readers can see whose comments are shown (not off), with the policy they are shown under. */
  async function storyWithComments(storyId: number) {
    const story = await commentableStory(db, storyId);
    if (!story) throw new GazetteError("GZ_ERR_NOT_FOUND");
    const policy = await pagePolicy(db);
    const mode = commentsModeOf(story, policy);
    if (mode === "off") throw new GazetteError("GZ_ERR_NOT_FOUND");
    return { story, policy, mode };
  }

  async function block(storyId: number, q: z.infer<typeof listQuery>) {
    const { story, policy, mode } = await storyWithComments(storyId);
    const p = await commentPage(db, storyId, { sort: q.sort, limit: 20, cursor: q.cursor });
    const b: CommentsBlock = {
      storyId,
      storyPath: story.path,
      count: story.commentCount,
      mode,
      sort: q.sort,
      ...p,
      maxLength: policy.maxLength,
      maxDepth: policy.maxDepth,
    };
    return { story, block: b };
  }

  async function thread(id: number, after: number | undefined) {
    const t = await threadPage(db, id, { limit: REPLIES_PER_PAGE, after });
    if (!t) throw new GazetteError("GZ_ERR_COMMENT_NOT_FOUND");
    const parent = t.comment.parentId ? await commentById(db, t.comment.parentId) : undefined;
    return {
      ...t,
      parent: parent?.status === "approved" ? parent : undefined,
      after,
      ...(await storyWithComments(t.comment.storyId)),
    };
  }

  return [
    endpoint({
      method: "GET",
      path: "/comments/story/:id",
      access: "anyone",
      responds: "html",
      tag: "Comments",
      summary: "A story's comments as a page of their own (sorting and paging without JavaScript)",
      params: idParam,
      query: listQuery,
      handler: async ({ params, query, req }) => {
        const { story, block: b } = await block(params.id, query);
        const html = renderCommentsPage(await deps.shell(), story, b);
        return (await withheld(story.id, req)) ? page(html) : cached(html, commentKeys(story.id));
      },
    }),
    endpoint({
      method: "GET",
      path: "/comments/:id",
      access: "anyone",
      responds: "html",
      tag: "Comments",
      summary: "A comment's own page: the comment, its replies 50 at a time, and a reply form",
      params: idParam,
      query: threadQuery,
      handler: async ({ params, query, req }) => {
        const t = await thread(params.id, query.after);
        const gated = await withheld(t.story.id, req);
        const html = renderThreadPage(await deps.shell(), {
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
        });
        return gated ? page(html) : cached(html, commentKeys(t.story.id));
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/comments/:id/replies",
      access: "anyone",
      responds: "json",
      tag: "Comments",
      summary: "A comment and its replies, 50 at a time after `after` (each with its first replies)",
      params: idParam,
      query: threadQuery,
      handler: async ({ params, query, req }) => {
        const t = await thread(params.id, query.after);
        await withheld(t.story.id, req);
        const { replies, ...comment } = commentJson(t.comment, t.replies);
        return { comment, replies, next: t.next ?? null };
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/comments/story/:id",
      access: "anyone",
      responds: "json",
      tag: "Comments",
      summary: "A story's comments, 20 threads at a time (`next` is the cursor for the following page)",
      params: idParam,
      query: listQuery,
      handler: async ({ params, query, req }) => {
        const { block: b } = await block(params.id, query);
        await withheld(params.id, req);
        return {
          count: b.count,
          mode: b.mode,
          comments: b.comments.map((c) => commentJson(c, b.replies)),
          next: b.next ?? null,
        };
      },
    }),
  ];
}
