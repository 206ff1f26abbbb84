/** Admin API: stories, their workflow, revisions, corrections and preview links. */
import { type DeskDeps, tellDesk } from "../desk.ts";
import { noteBodySchema } from "./desk-endpoints.ts";
import { z } from "zod";
import { storyContentSchema, storyStatus } from "../../content/model.ts";
import { changedParagraphs, diffStoryContent } from "../../content/story-diff.ts";
import { GazetteError } from "../../content/errors.ts";
import type { Db } from "../../store/database.ts";
import {
  addCorrection,
  correctionInputSchema,
  correctionsForStory,
  editCorrection,
  retractCorrection,
  listRevisions,
  revisionByNumber,
} from "../../store/revision-store.ts";
import { type Story, storyById } from "../../store/story-store.ts";
import { newsroomStoryList } from "../../store/story-queries.ts";
import type { User } from "../../store/user-store.ts";
import { endpoint, idParam, positiveIntInPath } from "../../web/endpoint.ts";
import { allowed, canEditStory } from "../../auth/permissions.ts";
import { previewUrl } from "../preview.ts";
import { storiesWithWaitingUpdates } from "../../store/wire-store.ts";
import {
  canTrash,
  contentOf,
  createStory,
  discardUntouched,
  restoreRevision,
  saveContent,
  transition,
  trashStory,
} from "../story-service.ts";

const baseRevision = z.number().int().nonnegative();
const correctionParams = idParam.extend({ correctionId: idParam.shape.id });

/** A story as the editor sees it: content, workflow state, and what the caller may do. */
export function storyJson(story: Story, user: User) {
  return {
    id: story.id,
    revision: story.revision,
    status: story.status,
    path: story.status === "published" ? story.path : null,
    firstPublishedAt: story.firstPublishedAt,
    updatedAt: story.updatedAt,
    scheduledAt: story.scheduledAt,
    createdBy: story.createdBy,
    trashedAt: story.trashedAt,
    content: contentOf(story),
    can: {
      edit:
        !story.trashedAt &&
        canEditStory(user, story) &&
        (allowed(user.role, "story.publish") ||
          (story.status !== "published" && story.status !== "scheduled")),
      submit: canEditStory(user, story) && story.status === "draft",
      /** The writer may take it back from review to keep working on it. */
      withdraw:
        story.status === "review" && story.createdBy === user.id && allowed(user.role, "story.submit"),
      trash: !story.trashedAt && canTrash(user, story),
      publish: allowed(user.role, "story.publish"),
      correct: allowed(user.role, "story.correct") && story.status === "published",
    },
  };
}

async function mustFind(db: Db, id: number): Promise<Story> {
  const s = await storyById(db, id);
  if (!s) throw new GazetteError("GZ_ERR_STORY_NOT_FOUND", `There is no story ${id}.`);
  return s;
}

const listQuery = z.object({
  status: storyStatus.optional(),
  section: z.string().max(120).optional(),
  author: z.string().max(120).optional(),
  q: z.string().max(200).optional(),
  mine: z.enum(["1", "0"]).optional(),
  /** 1: the trash instead. */
  trash: z.enum(["1", "0"]).optional(),
  /** published: newest publication first (the front page's order); changed (default): latest change first. */
  order: z.enum(["changed", "published"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const workflowBody = z.object({ baseRevision });
const scheduleBody = z.object({
  baseRevision,
  at: z.iso.datetime({ offset: true, message: "must be a date and time such as 2026-12-01T09:00:00Z" }),
});

export function storyEndpoints(deps: DeskDeps) {
  const { db, config } = deps;
  const told = { submit: "submitted", publish: "published" } as const;
  const flow = (kind: "submit" | "withdraw" | "publish" | "unschedule" | "unpublish", summary: string) =>
    endpoint({
      method: "POST",
      path: `/api/admin/stories/:id/${kind}`,
      access: kind === "submit" || kind === "withdraw" ? "story.submit" : "story.publish",
      responds: "json",
      tag: "Workflow",
      summary,
      params: idParam,
      body: workflowBody,
      handler: async ({ params, body, user }) => {
        const story = await transition(db, user!, params.id, body.baseRevision, { kind });
        if (kind === "submit" || kind === "publish") await tellDesk(deps, { kind: told[kind] }, story, user!);
        return storyJson(story, user!);
      },
    });

  return [
    endpoint({
      method: "GET",
      path: "/api/admin/stories",
      access: "newsroom.read",
      responds: "json",
      tag: "Stories",
      summary:
        "List stories, newest change first, with filters (status, section, author) and a search of headline, byline, authors and text",
      query: listQuery,
      handler: async ({ query, user }) => {
        const { items, hasMore } = await newsroomStoryList(db, {
          status: query.status,
          sectionSlug: query.section,
          authorSlug: query.author,
          createdBy: query.mine === "1" ? user!.id : undefined,
          text: query.q?.trim() || undefined,
          order: query.order,
          trashed: query.trash === "1",
          limit: query.limit,
          offset: query.offset,
        });
        const waiting = await storiesWithWaitingUpdates(
          db,
          items.map((i) => i.id),
        );
        return {
          items: items.map(({ createdBy, ...r }) => ({
            ...r,
            path: r.status === "published" ? r.path : null,
            mine: createdBy === user!.id,
            wireUpdate: waiting.has(r.id),
          })),
          hasMore,
        };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/stories",
      access: "story.create",
      responds: "json",
      tag: "Stories",
      summary: "Create a draft",
      status: 201,
      body: storyContentSchema,
      handler: async ({ body, user }) => storyJson(await createStory(db, user!, body), user!),
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/stories/:id",
      access: "newsroom.read",
      responds: "json",
      tag: "Stories",
      summary: "One story with its content, workflow state and what you may do with it",
      params: idParam,
      handler: async ({ params, user }) => storyJson(await mustFind(db, params.id), user!),
    }),
    endpoint({
      method: "PUT",
      path: "/api/admin/stories/:id",
      access: "story.edit",
      responds: "json",
      tag: "Stories",
      summary:
        "Save the story's content on top of baseRevision; 409 GZ_ERR_CONFLICT (with `latest`) when someone saved in between",
      params: idParam,
      body: z.object({ baseRevision, content: storyContentSchema }),
      handler: async ({ params, body, user }) =>
        storyJson(await saveContent(db, user!, params.id, body.baseRevision, body.content), user!),
    }),
    endpoint({
      method: "DELETE",
      path: "/api/admin/stories/:id",
      access: "story.edit",
      responds: "json",
      tag: "Stories",
      summary:
        "Move a story to the trash (a writer their own draft; an editor any unpublished story); with ?untouched=1, delete a new story nobody worked on",
      params: idParam,
      query: z.object({ untouched: z.enum(["1"]).optional() }),
      handler: async ({ params, query, user }) => {
        if (query.untouched) {
          if (!(await discardUntouched(db, user!, params.id)))
            throw new GazetteError("GZ_ERR_CONFLICT", "The story has been worked on; it was kept.");
          return { deleted: true };
        }
        return storyJson(await trashStory(db, user!, params.id, true), user!);
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/stories/:id/untrash",
      access: "story.edit",
      responds: "json",
      tag: "Stories",
      summary: "Take a story out of the trash, as it was",
      params: idParam,
      handler: async ({ params, user }) => storyJson(await trashStory(db, user!, params.id, false), user!),
    }),
    flow("submit", "Submit a draft for review"),
    flow("withdraw", "Take your own story back from review, to keep working on it"),
    endpoint({
      method: "POST",
      path: "/api/admin/stories/:id/return",
      access: "story.publish",
      responds: "json",
      tag: "Workflow",
      summary:
        "Send a story in review (or scheduled) back to draft, optionally with a note to its writer (kept with the story, never public)",
      params: idParam,
      body: workflowBody.extend({ note: noteBodySchema.optional() }),
      handler: async ({ params, body, user }) => {
        const story = await transition(
          db,
          user!,
          params.id,
          body.baseRevision,
          { kind: "return" },
          new Date(),
          {
            note: body.note,
          },
        );
        await tellDesk(deps, { kind: "returned", note: body.note }, story, user!);
        return storyJson(story, user!);
      },
    }),
    flow("publish", "Publish now"),
    endpoint({
      method: "POST",
      path: "/api/admin/stories/:id/schedule",
      access: "story.publish",
      responds: "json",
      tag: "Workflow",
      summary: "Schedule publication at a future time",
      params: idParam,
      body: scheduleBody,
      handler: async ({ params, body, user }) =>
        storyJson(
          await transition(db, user!, params.id, body.baseRevision, {
            kind: "schedule",
            at: new Date(body.at).toISOString(),
          }),
          user!,
        ),
    }),
    flow("unschedule", "Cancel a scheduled publication (back to review)"),
    flow("unpublish", "Take a published story down"),
    endpoint({
      method: "GET",
      path: "/api/admin/stories/:id/revisions",
      access: "newsroom.read",
      responds: "json",
      tag: "Revisions",
      summary: "Every revision (who, when, what), newest first",
      params: idParam,
      handler: async ({ params }) => {
        await mustFind(db, params.id);
        return { items: await listRevisions(db, params.id) };
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/stories/:id/revisions/:number",
      access: "newsroom.read",
      responds: "json",
      tag: "Revisions",
      summary: "One revision's content",
      params: idParam.extend({
        number: positiveIntInPath,
      }),
      handler: async ({ params }) => {
        const r = await revisionByNumber(db, params.id, params.number);
        if (!r)
          throw new GazetteError("GZ_ERR_NOT_FOUND", `Story ${params.id} has no revision ${params.number}.`);
        return r;
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/stories/:id/diff",
      access: "newsroom.read",
      responds: "json",
      tag: "Revisions",
      summary: "What changed between two revisions (word-level text diff, other changes in words)",
      params: idParam,
      query: z.object({
        from: z.coerce.number().int().positive(),
        to: z.coerce.number().int().positive(),
      }),
      handler: async ({ params, query }) => {
        const [a, b] = await Promise.all([
          revisionByNumber(db, params.id, query.from),
          revisionByNumber(db, params.id, query.to),
        ]);
        if (!a || !b)
          throw new GazetteError(
            "GZ_ERR_NOT_FOUND",
            `Story ${params.id} lacks revision ${!a ? query.from : query.to}.`,
          );
        const d = diffStoryContent(a.content, b.content);
        return {
          from: query.from,
          to: query.to,
          text: d.text.map((f) => ({ ...f, paragraphs: changedParagraphs(f.parts) })),
          other: d.other,
        };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/stories/:id/revisions/:number/restore",
      access: "story.edit",
      responds: "json",
      tag: "Revisions",
      summary: "Save an old revision's content as the newest revision",
      params: idParam.extend({
        number: positiveIntInPath,
      }),
      body: workflowBody,
      handler: async ({ params, body, user }) =>
        storyJson(await restoreRevision(db, user!, params.id, body.baseRevision, params.number), user!),
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/stories/:id/corrections",
      access: "newsroom.read",
      responds: "json",
      tag: "Corrections",
      summary: "The story's corrections and clarifications",
      params: idParam,
      handler: async ({ params }) => ({ items: await correctionsForStory(db, params.id) }),
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/stories/:id/corrections",
      access: "story.correct",
      responds: "json",
      tag: "Corrections",
      summary:
        "Attach a correction or clarification to a published story (shown on the page and at /corrections)",
      status: 201,
      params: idParam,
      body: correctionInputSchema,
      handler: async ({ params, body, user }) => {
        const story = await mustFind(db, params.id);
        if (story.status !== "published") {
          throw new GazetteError(
            "GZ_ERR_INVALID_TRANSITION",
            "Only a published story can carry a correction.",
          );
        }
        const added = await db.transaction().execute((tx) => addCorrection(tx, params.id, body, user!.id));
        await tellDesk(deps, { kind: "correction", text: body.text }, story, user!);
        return added;
      },
    }),
    endpoint({
      method: "PATCH",
      path: "/api/admin/stories/:id/corrections/:correctionId",
      access: "story.correct",
      responds: "json",
      tag: "Corrections",
      summary:
        "Reword a correction (the earlier wording is kept in the newsroom, and the page says it was updated)",
      params: correctionParams,
      body: correctionInputSchema,
      handler: async ({ params, body, user }) =>
        db.transaction().execute((tx) => editCorrection(tx, params.id, params.correctionId, body, user!.id)),
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/stories/:id/corrections/:correctionId/retract",
      access: "story.correct",
      responds: "json",
      tag: "Corrections",
      summary: "Retract a correction: it stays on the story and at /corrections, marked as retracted",
      params: correctionParams,
      handler: async ({ params, user }) =>
        db.transaction().execute((tx) => retractCorrection(tx, params.id, params.correctionId, user!.id)),
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/stories/:id/preview-link",
      access: "story.preview",
      responds: "json",
      tag: "Stories",
      summary: "A signed link that shows the story as readers would see it, until it expires",
      params: idParam,
      body: z.object({
        hours: z
          .number()
          .int()
          .min(1)
          .max(24 * 14)
          .default(48),
      }),
      handler: async ({ params, body }) => {
        await mustFind(db, params.id);
        return previewUrl(db, config.site.baseUrl, params.id, body.hours);
      },
    }),
  ];
}
