/**
 * Live coverage over HTTP. The desk (admin API): make a story live and
 * close it (editors), post to it (contributors' posts wait for approval
 * when the story asks for it), edit, pin, mark key events, approve, delete
 * (editors). Readers: the changes after a cursor, as small cacheable JSON —
 * kept by each process until the next change and by shared caches for two
 * seconds, so any number of readers costs the origin about one render per
 * change per process.
 */
import { z } from "zod";
import { allowed } from "../auth/permissions.ts";
import type { Config } from "../config.ts";
import { isGated } from "../content/access.ts";
import { GazetteError } from "../content/errors.ts";
import {
  type LivePost,
  liveDeleteSchema,
  postAnchor,
  livePostInputSchema,
  livePostPatchSchema,
  liveSettingsSchema,
} from "../content/live.ts";
import { cacheKey } from "../store/cache-keys.ts";
import type { Db } from "../store/database.ts";
import {
  addLivePost,
  deleteLivePost,
  deskLivePosts,
  editLivePost,
  liveChangesSince,
  liveCoverage,
  livePostById,
  saveLiveCoverage,
} from "../store/live-store.ts";
import { visiblePathById } from "../store/story-queries.ts";
import { storyById } from "../store/story-store.ts";
import type { User } from "../store/user-store.ts";
import { postsContext } from "../site/article-data.ts";
import { keyEventHtml, livePostHtml, postLabel } from "../site/live-view.ts";
import { cachedBriefly, endpoint, idParam, json } from "../web/endpoint.ts";

/** Seconds a shared cache (a CDN) keeps a changes answer. */
export const CHANGES_SECONDS = 2;
/** Changes per answer; a reader further behind asks again from the cursor it got. */
const CHANGES_LIMIT = 100;

export function liveEndpoints(deps: { db: Db; config: Config }) {
  const { db, config } = deps;

  async function mustLive(storyId: number) {
    const live = await liveCoverage(db, storyId);
    if (!live) throw new GazetteError("GZ_ERR_NOT_FOUND", `Story ${storyId} is not covered live.`);
    return live;
  }

  async function mustPost(id: number): Promise<LivePost> {
    const p = await livePostById(db, id);
    if (!p || p.status === "deleted")
      throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no live post ${id}.`);
    return p;
  }

  /** Pinning, key events and approving are the editors'. */
  function editorOnly(user: User, what: { pinned?: boolean | undefined; keyEvent?: boolean | undefined }) {
    if (allowed(user.role, "story.publish")) return;
    for (const field of ["pinned", "keyEvent"] as const)
      if (what[field])
        throw new GazetteError("GZ_ERR_FORBIDDEN", "Editors pin posts and mark key events.", {
          fields: [{ path: field, message: "is for editors" }],
        });
  }

  return [
    endpoint({
      method: "PUT",
      path: "/api/admin/stories/:id/live",
      access: "story.publish",
      responds: "json",
      tag: "Live coverage",
      summary:
        "Make a story a live story, or change its coverage: state open or closed (closing sets the end time; readers see “This live coverage has ended”), coverage start and end, requireApproval (contributors' posts wait for an editor), wireAppend",
      params: idParam,
      body: liveSettingsSchema,
      handler: async ({ params, body }) => {
        if (!(await storyById(db, params.id))) throw new GazetteError("GZ_ERR_STORY_NOT_FOUND");
        return saveLiveCoverage(db, params.id, body);
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/stories/:id/live",
      access: "newsroom.read",
      responds: "json",
      tag: "Live coverage",
      summary:
        "A live story's coverage and its posts as the desk sees them (drafts, waiting and published), newest first",
      params: idParam,
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(200) }),
      handler: async ({ params, query }) => {
        const coverage = await mustLive(params.id);
        return { coverage, posts: await deskLivePosts(db, params.id, query.limit) };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/stories/:id/live/posts",
      access: "story.create",
      responds: "json",
      status: 201,
      tag: "Live coverage",
      summary:
        "Post to a live story: {body (blocks), title?, authorSlugs?, pinned?, keyEvent?, status: published|draft}. A contributor's post waits for an editor (status pending) when the story requires approval; pinning and key events are editors'. 409 when the coverage has ended",
      params: idParam,
      body: livePostInputSchema,
      handler: async ({ params, body, user }) => {
        const live = await mustLive(params.id);
        if (live.state === "closed")
          throw new GazetteError("GZ_ERR_CONFLICT", "This live coverage has ended; reopen it to post.");
        editorOnly(user!, body);
        const waits = live.requireApproval && !allowed(user!.role, "story.publish");
        const status = body.status === "draft" ? "draft" : waits ? "pending" : "published";
        return json(await addLivePost(db, params.id, body, { status, userId: user!.id }), 201);
      },
    }),
    endpoint({
      method: "PATCH",
      path: "/api/admin/live/posts/:id",
      access: "story.edit",
      responds: "json",
      tag: "Live coverage",
      summary:
        "Change a live post: its text, title, authors (with an optional note to readers: the story's public history shows the change and the note); pin or unpin, key event (editors); publish a draft or approve a waiting post (status: published; a contributor's waits when the story requires approval). A published post whose text changes shows “Updated”. Contributors change their own posts until they are published",
      params: idParam,
      body: livePostPatchSchema,
      handler: async ({ params, body, user }) => {
        const post = await mustPost(params.id);
        const live = await mustLive(post.storyId);
        const editor = allowed(user!.role, "story.publish");
        if (!editor && (post.createdBy !== user!.id || post.status === "published"))
          throw new GazetteError(
            "GZ_ERR_FORBIDDEN",
            "Contributors change their own posts until they are published.",
          );
        editorOnly(user!, body);
        const status =
          body.status === "published" && !editor && live.requireApproval ? "pending" : body.status;
        const { after } = await editLivePost(
          db,
          params.id,
          { ...body, ...(status ? { status } : {}) },
          { actor: { userId: user!.id, name: user!.name } },
        );
        return after;
      },
    }),
    endpoint({
      method: "DELETE",
      path: "/api/admin/live/posts/:id",
      access: "story.edit",
      responds: "json",
      tag: "Live coverage",
      summary:
        "Delete a live post (editors; contributors their own unpublished posts), with an optional {note} to readers: readers' pages drop it; the post is kept with who deleted it and when, and a published post's deletion (with the note) is told in the story's public history",
      params: idParam,
      body: liveDeleteSchema.optional(),
      handler: async ({ params, body, user }) => {
        const post = await mustPost(params.id);
        if (
          !allowed(user!.role, "story.publish") &&
          (post.createdBy !== user!.id || post.status === "published")
        )
          throw new GazetteError("GZ_ERR_FORBIDDEN", "Editors delete published posts.");
        await deleteLivePost(db, params.id, {
          actor: { userId: user!.id, name: user!.name },
          note: body?.note,
        });
        return { deleted: params.id };
      },
    }),
    endpoint({
      method: "GET",
      path: "/live/:id/changes.json",
      access: "anyone",
      responds: "json",
      tag: "Live coverage",
      summary: `What changed in a live story after the cursor \`since\` (0: from the start): posts published or changed, with their HTML, in change order; deleted posts' ids; the coverage's state; the new cursor; \`more\` when over ${CHANGES_LIMIT} changes (ask again from the new cursor). Cached ${CHANGES_SECONDS} s by shared caches, and by each process until the next change`,
      params: idParam.catch({ id: 0 }),
      query: z.object({ since: z.coerce.number().int().min(0).max(2_000_000_000).catch(0).default(0) }),
      handler: async ({ params, query }) => {
        const path = params.id ? await visiblePathById(db, params.id) : undefined;
        const story = path ? await storyById(db, params.id) : undefined;
        const live = story ? await liveCoverage(db, story.id) : undefined;
        // A gated story's posts are its text: they stay on its pages, behind its access.
        if (!story || !live || isGated(story.effectiveAccess)) throw new GazetteError("GZ_ERR_NOT_FOUND");
        const changes = await liveChangesSince(db, story.id, query.since, CHANGES_LIMIT);
        const more = changes.length === CHANGES_LIMIT;
        const published = changes.filter((p) => p.status === "published");
        const ctx = await postsContext(db, published);
        const site = { storyPath: story.path, baseUrl: config.site.baseUrl, timeZone: config.site.timeZone };
        const answer = {
          storyId: story.id,
          cursor: more ? changes.at(-1)!.seq : Math.max(live.seq, query.since),
          state: live.state,
          coverageEnd: live.coverageEnd,
          lastPostAt: live.lastPostAt,
          posts: published.map((p) => ({
            id: p.id,
            seq: p.seq,
            publishedAt: p.publishedAt,
            editedAt: p.editedAt,
            pinned: p.pinned,
            keyEvent: p.keyEvent,
            label: postLabel(p),
            html: livePostHtml(p, { ...site, ...ctx }).value,
            // The line of the Key events summary, for a post that is (or became) one.
            ...(p.keyEvent
              ? { keyEventHtml: keyEventHtml(p, `#${postAnchor(p.id)}`, site.timeZone).value }
              : {}),
          })),
          deleted: changes.filter((p) => p.status === "deleted").map((p) => p.id),
          more,
        };
        return cachedBriefly(
          JSON.stringify(answer),
          [cacheKey.live(story.id), cacheKey.story(story.id), cacheKey.settings],
          "application/json; charset=utf-8",
          CHANGES_SECONDS,
        );
      },
    }),
  ];
}
