/**
 * Changing a picture's or a video's details. Media shown in a published
 * story are part of what readers see: only an editor may change them, a
 * picture there keeps the alt text, caption and credit a published story
 * needs, and each change is recorded in every such story's history (and
 * shown in its public history) while the pages showing it are refreshed.
 */
import type { z } from "zod";
import { allowed } from "../auth/permissions.ts";
import { FieldError, GazetteError } from "../content/errors.ts";
import {
  type Image,
  type Video,
  type imageTextSchema,
  imagesByIds,
  liveStoriesShowing,
  updateImageText,
  updateVideo,
  videoById,
  type videoPatchSchema,
} from "../store/media-repo.ts";
import type { Db } from "../store/database.ts";
import { recordMediaChange } from "../store/revision-store.ts";
import type { User } from "../store/user-store.ts";

const clipped = (s: string | null | undefined) => {
  const t = (s ?? "").trim();
  return t ? `“${t.length > 120 ? `${t.slice(0, 120).trimEnd()}…` : t}”` : "(none)";
};

/** "caption “A” → “B”" for each field that changes. */
function changesOf(
  fields: [label: string, before: string | null, after: string | null | undefined][],
): string[] {
  return fields
    .filter(([, before, after]) => after !== undefined && (after ?? "").trim() !== (before ?? "").trim())
    .map(([label, before, after]) => `${label} ${clipped(before)} → ${clipped(after)}`);
}

function storiesPhrase(stories: readonly { headline: string }[]): string {
  const first = `“${stories[0]!.headline}”`;
  return stories.length === 1
    ? `the published story ${first}`
    : `${stories.length} published stories (${first} and ${stories.length - 1} more)`;
}

function mustBeEditor(user: User, what: string, stories: readonly { headline: string }[]): void {
  if (!allowed(user.role, "story.publish"))
    throw new GazetteError(
      "GZ_ERR_FORBIDDEN",
      `This ${what} is shown in ${storiesPhrase(stories)}; only an editor may change it. Ask an editor, or upload a new ${what} for your story.`,
    );
}

/** The change, as a revision of each published story showing the media (none when no live story does). */
async function recordOnLiveStories(db: Db, live: readonly { id: number }[], line: string, user: User) {
  if (live.length)
    await recordMediaChange(
      db,
      live.map((s) => s.id),
      line,
      { userId: user.id, name: user.name },
    );
}

export async function changeImage(
  db: Db,
  user: User,
  id: number,
  patch: z.infer<typeof imageTextSchema>,
): Promise<Image> {
  return db.transaction().execute(async (tx) => {
    const before = (await imagesByIds(tx, [id])).get(id);
    if (!before) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no image ${id}.`);
    const changes = changesOf([
      ["alt text", before.alt, patch.alt],
      ["caption", before.caption, patch.caption],
      ["credit", before.credit, patch.credit],
    ]);
    if (
      patch.focalPoint &&
      (patch.focalPoint.x !== before.focalPoint.x || patch.focalPoint.y !== before.focalPoint.y)
    )
      changes.push("focal point moved (how it is cropped)");
    const live = changes.length ? await liveStoriesShowing(tx, "image", id) : [];
    if (live.length) {
      mustBeEditor(user, "picture", live);
      const needs: [keyof typeof patch, string][] = [
        ["alt", "alt text (describe the picture for screen readers)"],
        ["caption", "a caption"],
        ["credit", "a credit (who took it, which agency)"],
      ];
      for (const [field, what] of needs) {
        const value = patch[field];
        if (value !== undefined && !String(value ?? "").trim())
          throw new FieldError(field, `a picture shown in ${storiesPhrase(live)} needs ${what}`);
      }
    }
    const after = await updateImageText(tx, id, patch);
    await recordOnLiveStories(tx, live, `Picture details changed: ${changes.join("; ")}.`, user);
    return after!;
  });
}

export async function changeVideo(
  db: Db,
  user: User,
  id: number,
  patch: z.infer<typeof videoPatchSchema>,
): Promise<Video> {
  return db.transaction().execute(async (tx) => {
    const before = await videoById(tx, id);
    if (!before) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no video ${id}.`);
    const changes = changesOf([
      ["title", before.title, patch.title],
      ["caption", before.caption ?? null, patch.caption],
      ["credit", before.credit ?? null, patch.credit],
    ]);
    if (patch.durationSeconds !== undefined && patch.durationSeconds !== before.durationSeconds)
      changes.push("duration changed");
    if (patch.posterImageId !== undefined && patch.posterImageId !== (before.poster?.id ?? null))
      changes.push("poster picture changed");
    const live = changes.length ? await liveStoriesShowing(tx, "video", id) : [];
    if (live.length) mustBeEditor(user, "video", live);
    const after = await updateVideo(tx, id, patch);
    await recordOnLiveStories(tx, live, `Video details changed: ${changes.join("; ")}.`, user);
    return after!;
  });
}
