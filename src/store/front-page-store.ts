/**
 * Front-page curation: the stories an editor put first on the home page or
 * at the top of a section, in order (the first is the lead). The rest of
 * each page follows newest first. A story that stops being visible (taken
 * down, trashed) simply drops out of its slot.
 */
import { z } from "zod";
import { cacheKey } from "./cache-keys.ts";
import { recordChange } from "./change-feed.ts";
import type { Db } from "./database.ts";

/** "home", or a section's top: "section:<slug>". */
export type FrontPage = "home" | `section:${string}`;

/** How many stories an editor may place on one page. */
export const MAX_PLACED = 12;

export interface Placement {
  storyIds: number[];
  updatedAt: string | null;
  updatedBy: number | null;
}

const idsSchema = z.array(z.number().int().positive());

export async function placementOf(db: Db, page: FrontPage): Promise<Placement> {
  const row = await db.selectFrom("front_pages").selectAll().where("page", "=", page).executeTakeFirst();
  if (!row) return { storyIds: [], updatedAt: null, updatedBy: null };
  const ids = idsSchema.safeParse(JSON.parse(row.story_ids));
  return { storyIds: ids.success ? ids.data : [], updatedAt: row.updated_at, updatedBy: row.updated_by };
}

/** Replaces a page's placed stories (inside the caller's transaction) and drops the cached page. */
export async function placeStories(
  db: Db,
  page: FrontPage,
  storyIds: readonly number[],
  userId: number | null,
  now = new Date(),
): Promise<void> {
  const value = JSON.stringify([...new Set(storyIds)].slice(0, MAX_PLACED));
  const updated_at = now.toISOString();
  await db
    .insertInto("front_pages")
    .values({ page, story_ids: value, updated_at, updated_by: userId })
    .onConflict((oc) => oc.column("page").doUpdateSet({ story_ids: value, updated_at, updated_by: userId }))
    .execute();
  await recordChange(db, [page === "home" ? cacheKey.home : cacheKey.section(page.slice("section:".length))]);
}
