/**
 * Admin API: the editors' desk. Internal notes on a story, each user's
 * notices and what waits for the newsroom (stories in review, comments held
 * for moderation), and front-page curation: the stories an editor places
 * first on the home page or at the top of a section.
 */
import { z } from "zod";
import { allowed } from "../../auth/permissions.ts";
import { FieldError, GazetteError } from "../../content/errors.ts";
import type { Db } from "../../store/database.ts";
import {
  addStoryNote,
  deskCounts,
  markNoticesRead,
  noticesFor,
  notifyByEmail,
  setNotifyByEmail,
  storyNotes,
  unreadNoticeCount,
} from "../../store/desk-store.ts";
import { type FrontPage, MAX_PLACED, placeStories, placementOf } from "../../store/front-page-store.ts";
import { teasersByIds } from "../../store/story-queries.ts";
import { storyById } from "../../store/story-store.ts";
import { sectionBySlug } from "../../store/taxonomy-store.ts";
import { endpoint, idParam } from "../../web/endpoint.ts";
import { type DeskDeps, tellDesk } from "../desk.ts";

export const noteBodySchema = z
  .string()
  .trim()
  .min(1, "write the note")
  .max(4000, "must be at most 4,000 characters");

const pageParam = z.object({
  page: z
    .string()
    .regex(/^(home|section:[a-z0-9-]{1,80})$/, "must be home or section:<slug>, such as section:city"),
});

export function deskEndpoints(deps: DeskDeps) {
  const { db } = deps;

  async function resolvePage(page: string): Promise<FrontPage> {
    if (page === "home") return "home";
    const slug = page.slice("section:".length);
    if (!(await sectionBySlug(db, slug)))
      throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no section "${slug}".`);
    return `section:${slug}`;
  }

  async function placementJson(db: Db, page: FrontPage) {
    const p = await placementOf(db, page);
    const visible = await teasersByIds(db, p.storyIds);
    return {
      page,
      updatedAt: p.updatedAt,
      stories: p.storyIds.map((id) => {
        const t = visible.get(id);
        // A placed story taken down since keeps its slot in the list, marked: the page skips it.
        return t
          ? { id, headline: t.headline, path: t.path, section: t.sectionName, live: true }
          : { id, headline: null, path: null, section: null, live: false };
      }),
    };
  }

  return [
    endpoint({
      method: "GET",
      path: "/api/admin/stories/:id/notes",
      access: "newsroom.read",
      responds: "json",
      tag: "Desk",
      summary: "The story's internal notes, oldest first (never shown to readers)",
      params: idParam,
      handler: async ({ params }) => {
        if (!(await storyById(db, params.id)))
          throw new GazetteError("GZ_ERR_STORY_NOT_FOUND", `There is no story ${params.id}.`);
        return { items: await storyNotes(db, params.id) };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/stories/:id/notes",
      access: "story.edit",
      responds: "json",
      tag: "Desk",
      summary: "Leave an internal note on a story; its writer and earlier note-writers are told",
      status: 201,
      params: idParam,
      body: z.object({ body: noteBodySchema }),
      handler: async ({ params, body, user }) => {
        const story = await storyById(db, params.id);
        if (!story) throw new GazetteError("GZ_ERR_STORY_NOT_FOUND", `There is no story ${params.id}.`);
        const note = await addStoryNote(db, {
          storyId: story.id,
          userId: user!.id,
          authorName: user!.name,
          kind: "note",
          body: body.body,
        });
        await tellDesk(deps, { kind: "note", note: body.body }, story, user!);
        return note;
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/desk",
      access: "newsroom.read",
      responds: "json",
      tag: "Desk",
      summary:
        "What waits for you: stories in review (editors), comments held for moderation (moderators), your notices",
      handler: async ({ user }) => {
        const counts = await deskCounts(db);
        return {
          inReview: allowed(user!.role, "story.publish") ? counts.inReview : null,
          heldComments: allowed(user!.role, "comments.moderate") ? counts.heldComments : null,
          unread: await unreadNoticeCount(db, user!.id),
          notices: await noticesFor(db, user!.id),
          notifyByEmail: await notifyByEmail(db, user!.id),
        };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/desk/read",
      access: "newsroom.read",
      responds: "json",
      tag: "Desk",
      summary: "Mark your notices read (all, or those up to `upTo`)",
      body: z.object({ upTo: z.number().int().positive().optional() }),
      handler: async ({ body, user }) => {
        await markNoticesRead(db, user!.id, body.upTo);
        return { unread: await unreadNoticeCount(db, user!.id) };
      },
    }),
    endpoint({
      method: "PUT",
      path: "/api/admin/me/notifications",
      access: "newsroom.read",
      responds: "json",
      tag: "Desk",
      summary: "Choose whether your notices also come by email",
      body: z.object({ byEmail: z.boolean() }),
      handler: async ({ body, user }) => {
        await setNotifyByEmail(db, user!.id, body.byEmail);
        return { byEmail: body.byEmail };
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/front-pages/:page",
      access: "newsroom.read",
      responds: "json",
      tag: "Front pages",
      summary: "The stories placed first on the home page (`home`) or a section's top (`section:<slug>`)",
      params: pageParam,
      handler: async ({ params }) => placementJson(db, await resolvePage(params.page)),
    }),
    endpoint({
      method: "PUT",
      path: "/api/admin/front-pages/:page",
      access: "story.publish",
      responds: "json",
      tag: "Front pages",
      summary:
        "Place stories first on a front page, in order (the first leads); the newest fill the rest. Readers see it at once",
      params: pageParam,
      body: z.object({
        storyIds: z
          .array(z.number().int().positive())
          .max(MAX_PLACED, `place at most ${MAX_PLACED} stories`)
          .refine((ids) => new Set(ids).size === ids.length, "a story can be placed once"),
      }),
      handler: async ({ params, body, user }) => {
        const page = await resolvePage(params.page);
        const visible = await teasersByIds(db, body.storyIds);
        const missing = body.storyIds.findIndex((id) => !visible.has(id));
        if (missing >= 0)
          throw new FieldError(
            `storyIds.${missing}`,
            `story ${body.storyIds[missing]} is not published; only stories readers can see can be placed`,
          );
        await db.transaction().execute((tx) => placeStories(tx, page, body.storyIds, user!.id));
        return placementJson(db, page);
      },
    }),
  ];
}
