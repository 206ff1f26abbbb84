/** Admin API: the comment queues, moderators' decisions, a reader's history, the moderation log and policy. */
import { z } from "zod";
import { policyPatchSchema } from "../../content/comment-rules.ts";
import { CommentError, moderateComment } from "../../comments/comment-service.ts";
import { HttpError } from "../../web/errors.ts";
import { recordChange } from "../../store/change-feed.ts";
import { readPolicy, writePolicy } from "../../store/moderation-policy-store.ts";
import { endpoint, idParam } from "../../web/endpoint.ts";
import type { NewsroomDeps } from "../newsroom-routes.ts";

const queueQuery = z.object({
  queue: z.enum(["pending", "reported", "all"]).default("pending"),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.coerce.number().int().positive().optional(),
});

export function moderationEndpoints(deps: NewsroomDeps) {
  const { db, config } = deps;
  const mailer = deps.mailer ?? { send: async () => undefined };
  return [
    endpoint({
      method: "GET",
      url: "/api/admin/comments",
      permission: "comments.moderate",
      tag: "Moderation",
      summary:
        "A moderation queue: pending (held by the rules), reported, or all; oldest waiting first for pending",
      query: queueQuery,
      handler: async ({ query }) => {
        let q = db
          .selectFrom("comments")
          .innerJoin("readers", "readers.id", "comments.reader_id")
          .innerJoin("stories", "stories.id", "comments.story_id")
          .select([
            "comments.id",
            "comments.body",
            "comments.status",
            "comments.hold_reasons",
            "comments.report_count",
            "comments.created_at",
            "comments.parent_id",
            "comments.reaction_count",
            "readers.id as reader_id",
            "readers.display_name",
            "readers.created_at as reader_since",
            "readers.banned_at",
            "stories.id as story_id",
            "stories.headline",
            "stories.path",
          ]);
        if (query.queue === "pending")
          q = q.where("comments.status", "=", "pending").orderBy("comments.id", "asc");
        else if (query.queue === "reported")
          q = q
            .where("comments.report_count", ">", 0)
            .where("comments.status", "=", "approved")
            .orderBy("comments.report_count", "desc")
            .orderBy("comments.id", "desc");
        else q = q.orderBy("comments.id", "desc");
        if (query.before) q = q.where("comments.id", "<", query.before);
        const rows = await q.limit(query.limit).execute();
        const reports = rows.length
          ? await db
              .selectFrom("comment_reports")
              .select(["comment_id", "reason", "note"])
              .where(
                "comment_id",
                "in",
                rows.map((r) => r.id),
              )
              .execute()
          : [];
        return {
          items: rows.map((r) => ({
            id: r.id,
            body: r.body,
            status: r.status,
            holdReasons: r.hold_reasons,
            reportCount: r.report_count,
            reports: reports
              .filter((x) => x.comment_id === r.id)
              .map((x) => ({ reason: x.reason, note: x.note })),
            createdAt: r.created_at,
            parentId: r.parent_id,
            reactions: r.reaction_count,
            reader: {
              id: r.reader_id,
              displayName: r.display_name,
              since: r.reader_since,
              banned: r.banned_at !== null,
            },
            story: { id: r.story_id, headline: r.headline, path: r.path },
          })),
        };
      },
    }),
    endpoint({
      method: "POST",
      url: "/api/admin/comments/:id/decision",
      permission: "comments.moderate",
      tag: "Moderation",
      summary:
        "Approve or reject a comment, or reject it and ban or suspend its author; logged with who and why",
      params: idParam,
      body: z.discriminatedUnion("action", [
        z.object({ action: z.literal("approve"), reason: z.string().max(500).default("") }),
        z.object({ action: z.literal("reject"), reason: z.string().max(500).default("") }),
        z.object({
          action: z.literal("ban"),
          reason: z.string().trim().min(3, "say why (at least 3 characters)").max(500),
        }),
        z.object({
          action: z.literal("suspend"),
          days: z.number().int().min(1).max(365),
          reason: z.string().trim().min(3, "say why (at least 3 characters)").max(500),
        }),
      ]),
      handler: async ({ params, body, user }) => {
        try {
          const c = await moderateComment(
            db,
            { mailer, baseUrl: config.site.baseUrl },
            user!,
            params.id,
            body.action === "suspend" ? { kind: "suspend", days: body.days } : { kind: body.action },
            body.reason,
          );
          return { id: c.id, status: c.status };
        } catch (err) {
          if (err instanceof CommentError) throw new HttpError("GZ_ERR_NOT_FOUND", err.message);
          throw err;
        }
      },
    }),
    endpoint({
      method: "GET",
      url: "/api/admin/readers/:id",
      permission: "comments.moderate",
      tag: "Moderation",
      summary: "A reader's history: their account, comments (any status) and what moderators did",
      params: idParam,
      handler: async ({ params }) => {
        const reader = await db
          .selectFrom("readers")
          .select([
            "id",
            "display_name",
            "created_at",
            "verified_at",
            "banned_at",
            "suspended_until",
            "deleted_at",
          ])
          .where("id", "=", params.id)
          .executeTakeFirst();
        if (!reader) throw new HttpError("GZ_ERR_NOT_FOUND", `There is no reader ${params.id}.`);
        const [comments, log] = await Promise.all([
          db
            .selectFrom("comments")
            .select(["id", "story_id", "body", "status", "created_at", "report_count"])
            .where("reader_id", "=", params.id)
            .orderBy("id", "desc")
            .limit(200)
            .execute(),
          db
            .selectFrom("moderation_log")
            .selectAll()
            .where("reader_id", "=", params.id)
            .orderBy("id", "desc")
            .limit(200)
            .execute(),
        ]);
        return { reader, comments, log };
      },
    }),
    endpoint({
      method: "GET",
      url: "/api/admin/moderation/log",
      permission: "comments.moderate",
      tag: "Moderation",
      summary: "Every moderation action, newest first: who (a moderator, or the rules), when, what and why",
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(100) }),
      handler: async ({ query }) => ({
        items: await db
          .selectFrom("moderation_log")
          .leftJoin("users", "users.id", "moderation_log.user_id")
          .select([
            "moderation_log.id",
            "moderation_log.comment_id",
            "moderation_log.reader_id",
            "moderation_log.action",
            "moderation_log.reason",
            "moderation_log.created_at",
            "users.name as moderator",
          ])
          .orderBy("moderation_log.id", "desc")
          .limit(query.limit)
          .execute(),
      }),
    }),
    endpoint({
      method: "GET",
      url: "/api/admin/moderation/policy",
      permission: "comments.moderate",
      tag: "Moderation",
      summary:
        "The moderation policy: banned and suspect words, link limit, new-account hold, pre-moderation, limits",
      handler: async () => readPolicy(db),
    }),
    endpoint({
      method: "PATCH",
      url: "/api/admin/moderation/policy",
      permission: "comments.policy",
      tag: "Moderation",
      summary: "Change the moderation policy",
      body: policyPatchSchema,
      handler: async ({ body }) => writePolicy(db, body as never),
    }),
    endpoint({
      method: "PATCH",
      url: "/api/admin/stories/:id/comments",
      permission: "story.publish",
      tag: "Moderation",
      summary: "A story's comments: open, closed (read-only) or off, and pre-moderation",
      params: idParam,
      body: z.object({
        mode: z.enum(["open", "closed", "off"]).optional(),
        premoderate: z.boolean().optional(),
      }),
      handler: async ({ params, body }) => {
        const set: { comments_mode?: string; premoderate?: number } = {};
        if (body.mode) set.comments_mode = body.mode;
        if (body.premoderate !== undefined) set.premoderate = body.premoderate ? 1 : 0;
        if (Object.keys(set).length) {
          const r = await db.updateTable("stories").set(set).where("id", "=", params.id).executeTakeFirst();
          if (Number(r.numUpdatedRows) === 0) throw new HttpError("GZ_ERR_STORY_NOT_FOUND");
          await recordChange(db, [`story:${params.id}`, `comments:${params.id}`]);
        }
        const row = await db
          .selectFrom("stories")
          .select(["id", "comments_mode", "premoderate", "comment_count"])
          .where("id", "=", params.id)
          .executeTakeFirst();
        if (!row) throw new HttpError("GZ_ERR_STORY_NOT_FOUND");
        return row;
      },
    }),
  ];
}
