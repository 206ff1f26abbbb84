/** Admin API: the comment queues, moderators' decisions, a reader's history, the moderation log and policy. */
import { z } from "zod";
import type { Config } from "../config.ts";
import { policyPatchSchema } from "../content/comment-rules.ts";
import { GazetteError } from "../content/errors.ts";
import type { Mailer } from "../mail/mailer.ts";
import type { Db } from "../store/database.ts";
import { readPolicy, writePolicy } from "../store/moderation-policy-store.ts";
import {
  moderationLog,
  moderationQueue,
  readerHistory,
  setStoryComments,
} from "../store/moderation-store.ts";
import { type Endpoint, endpoint, idParam } from "../web/endpoint.ts";
import { moderateComment } from "./comment-service.ts";

const queueQuery = z.object({
  queue: z.enum(["pending", "reported", "all"]).default("pending"),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.coerce.number().int().positive().optional(),
});

export function moderationEndpoints(deps: { config: Config; db: Db; mailer: Mailer }): Endpoint[] {
  const { db, config, mailer } = deps;
  return [
    endpoint({
      method: "GET",
      path: "/api/admin/comments",
      access: "comments.moderate",
      responds: "json",
      tag: "Moderation",
      summary:
        "A moderation queue: pending (held by the rules), reported, or all; oldest waiting first for pending",
      query: queueQuery,
      handler: async ({ query }) => ({ items: await moderationQueue(db, query) }),
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/comments/:id/decision",
      access: "comments.moderate",
      responds: "json",
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
        const c = await moderateComment(
          db,
          { mailer, baseUrl: config.site.baseUrl },
          user!,
          params.id,
          body.action === "suspend" ? { kind: "suspend", days: body.days } : { kind: body.action },
          body.reason,
        );
        return { id: c.id, status: c.status };
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/readers/:id",
      access: "comments.moderate",
      responds: "json",
      tag: "Moderation",
      summary: "A reader's history: their account, comments (any status) and what moderators did",
      params: idParam,
      handler: async ({ params }) => {
        const h = await readerHistory(db, params.id);
        if (!h) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no reader ${params.id}.`);
        return h;
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/moderation/log",
      access: "comments.moderate",
      responds: "json",
      tag: "Moderation",
      summary: "Every moderation action, newest first: who (a moderator, or the rules), when, what and why",
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(100) }),
      handler: async ({ query }) => ({ items: await moderationLog(db, query.limit) }),
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/moderation/policy",
      access: "comments.moderate",
      responds: "json",
      tag: "Moderation",
      summary:
        "The moderation policy: banned and suspect words, link limit, new-account hold, pre-moderation, limits",
      handler: async () => readPolicy(db),
    }),
    endpoint({
      method: "PATCH",
      path: "/api/admin/moderation/policy",
      access: "comments.policy",
      responds: "json",
      tag: "Moderation",
      summary: "Change the moderation policy",
      body: policyPatchSchema,
      handler: async ({ body }) => writePolicy(db, body as never),
    }),
    endpoint({
      method: "PATCH",
      path: "/api/admin/stories/:id/comments",
      access: "story.publish",
      responds: "json",
      tag: "Moderation",
      summary: "A story's comments: open, closed (read-only) or off, and pre-moderation",
      params: idParam,
      body: z.object({
        mode: z.enum(["open", "closed", "off"]).optional(),
        premoderate: z.boolean().optional(),
      }),
      handler: async ({ params, body }) => {
        const s = await db.transaction().execute((tx) => setStoryComments(tx, params.id, body));
        if (!s) throw new GazetteError("GZ_ERR_STORY_NOT_FOUND");
        return s;
      },
    }),
  ];
}
