/**
 * Revisions (written by saveStory, one per save) and corrections: the
 * newsroom's history of a story and what readers see of it.
 */
import { z } from "zod";
import { type StoryContent, storyContentSchema } from "../content/model.ts";
import { cacheKey } from "./cache-keys.ts";
import type { Db } from "./database.ts";
import { keysForStory, recordChange } from "./change-feed.ts";

export interface RevisionSummary {
  number: number;
  userId: number | null;
  userName: string;
  createdAt: string;
  status: string;
  published: boolean;
  note: string;
}

export interface Revision extends RevisionSummary {
  content: StoryContent;
}

type RevisionRow = {
  number: number;
  user_id: number | null;
  user_name: string;
  created_at: string;
  status: string;
  published: number;
  note: string;
};

function summaryOf(r: RevisionRow): RevisionSummary {
  return {
    number: r.number,
    userId: r.user_id,
    userName: r.user_name,
    createdAt: r.created_at,
    status: r.status,
    published: r.published === 1,
    note: r.note,
  };
}

const summaryColumns = [
  "number",
  "user_id",
  "user_name",
  "created_at",
  "status",
  "published",
  "note",
] as const;

/** Every revision of a story, newest first. */
export async function listRevisions(db: Db, storyId: number): Promise<RevisionSummary[]> {
  const rows = await db
    .selectFrom("story_revisions")
    .select(summaryColumns)
    .where("story_id", "=", storyId)
    .orderBy("number", "desc")
    .execute();
  return rows.map(summaryOf);
}

export async function revisionByNumber(db: Db, storyId: number, n: number): Promise<Revision | undefined> {
  const r = await db
    .selectFrom("story_revisions")
    .select([...summaryColumns, "data"])
    .where("story_id", "=", storyId)
    .where("number", "=", n)
    .executeTakeFirst();
  return r ? { ...summaryOf(r), content: storyContentSchema.parse(JSON.parse(r.data)) } : undefined;
}

/**
 * The versions readers saw, oldest first: every revision saved while the
 * story was published. What the public history page shows.
 */
export async function publishedRevisions(db: Db, storyId: number): Promise<Revision[]> {
  const rows = await db
    .selectFrom("story_revisions")
    .select([...summaryColumns, "data"])
    .where("story_id", "=", storyId)
    .where("published", "=", 1)
    .orderBy("number", "asc")
    .execute();
  return rows.map((r) => ({ ...summaryOf(r), content: storyContentSchema.parse(JSON.parse(r.data)) }));
}

export const correctionKind = z.enum(["correction", "clarification"]);
export const correctionInputSchema = z.object({
  kind: correctionKind.default("correction"),
  text: z.string().trim().min(10, "say what was wrong and what is right (at least 10 characters)").max(2000),
});
export type CorrectionInput = z.input<typeof correctionInputSchema>;

export interface Correction {
  id: number;
  storyId: number;
  kind: z.infer<typeof correctionKind>;
  text: string;
  createdAt: string;
}

/** Attaches a correction to a story and invalidates every page that shows it. */
export async function addCorrection(
  db: Db,
  storyId: number,
  input: CorrectionInput,
  userId: number | null,
  now = new Date(),
): Promise<Correction> {
  const c = correctionInputSchema.parse(input);
  const createdAt = now.toISOString();
  const row = await db
    .insertInto("corrections")
    .values({ story_id: storyId, kind: c.kind, text: c.text, created_at: createdAt, user_id: userId })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.updateTable("stories").set({ updated_at: createdAt }).where("id", "=", storyId).execute();
  await recordChange(db, [...(await keysForStory(db, storyId)), cacheKey.corrections]);
  return { id: row.id, storyId, kind: c.kind, text: c.text, createdAt };
}

export async function correctionsForStory(db: Db, storyId: number): Promise<Correction[]> {
  const rows = await db
    .selectFrom("corrections")
    .selectAll()
    .where("story_id", "=", storyId)
    .orderBy("created_at", "asc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    storyId: r.story_id,
    kind: correctionKind.parse(r.kind),
    text: r.text,
    createdAt: r.created_at,
  }));
}

/** The newest corrections on stories readers can see, for /corrections. */
export async function recentCorrections(
  db: Db,
  limit: number,
  now = new Date().toISOString(),
): Promise<(Correction & { headline: string; path: string })[]> {
  const rows = await db
    .selectFrom("corrections")
    .innerJoin("stories", "stories.id", "corrections.story_id")
    .select([
      "corrections.id",
      "corrections.story_id",
      "corrections.kind",
      "corrections.text",
      "corrections.created_at",
      "stories.headline",
      "stories.path",
    ])
    .where("stories.status", "=", "published")
    .where("stories.first_published_at", "<=", now)
    .orderBy("corrections.created_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    storyId: r.story_id,
    kind: correctionKind.parse(r.kind),
    text: r.text,
    createdAt: r.created_at,
    headline: r.headline,
    path: r.path,
  }));
}

/** How many of a story's revisions readers saw (more than one: it has a public history). */
export async function countPublicRevisions(db: Db, storyId: number): Promise<number> {
  const r = await db
    .selectFrom("story_revisions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("story_id", "=", storyId)
    .where("published", "=", 1)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
