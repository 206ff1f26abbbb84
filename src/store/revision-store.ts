/**
 * Revisions (written by saveStory, one per save) and corrections: the
 * newsroom's history of a story and what readers see of it.
 */
import { z } from "zod";
import { type StoryContent, storyContentSchema } from "../content/model.ts";
import { cacheKey } from "./cache-keys.ts";
import { GazetteError } from "../content/errors.ts";
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
  /** A change to a picture or video the story shows (the content itself unchanged), as readers are told it. */
  publicNote: string | null;
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
  public_note: string | null;
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
    publicNote: r.public_note,
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
  "public_note",
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

/**
 * Records, in each story's revision history, a change to a picture or video
 * it shows: a revision holding the same content as the latest, with the line
 * readers see in the public history ("The picture's caption was changed: …"),
 * and refreshes the pages that show the story. Run in the transaction that
 * changed the media. A newsroom save based on the revision before it is not a
 * conflict (nobody's words or workflow step are undone; see saveStory).
 */
export async function recordMediaChange(
  db: Db,
  storyIds: readonly number[],
  line: string,
  actor: { userId: number | null; name: string },
  now = new Date().toISOString(),
): Promise<void> {
  for (const storyId of storyIds) {
    const story = await db
      .selectFrom("stories")
      .select(["revision", "status"])
      .where("id", "=", storyId)
      .executeTakeFirst();
    if (!story) continue;
    const latest = await db
      .selectFrom("story_revisions")
      .select("data")
      .where("story_id", "=", storyId)
      .where("number", "=", story.revision)
      .executeTakeFirstOrThrow();
    const revision = story.revision + 1;
    await db.updateTable("stories").set({ revision }).where("id", "=", storyId).execute();
    await db
      .insertInto("story_revisions")
      .values({
        story_id: storyId,
        number: revision,
        user_id: actor.userId,
        user_name: actor.name,
        created_at: now,
        status: story.status,
        published: story.status === "published" ? 1 : 0,
        note: line,
        public_note: line,
        data: latest.data,
      })
      .execute();
    await recordChange(db, await keysForStory(db, storyId));
  }
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
  /** The text was last changed then (the earlier wording is kept in correction_changes). */
  updatedAt: string | null;
  /** Withdrawn then: still shown, marked as retracted. */
  retractedAt: string | null;
}

type CorrectionRow = {
  id: number;
  story_id: number;
  kind: string;
  text: string;
  created_at: string;
  updated_at: string | null;
  retracted_at: string | null;
};

const toCorrection = (r: CorrectionRow): Correction => ({
  id: r.id,
  storyId: r.story_id,
  kind: correctionKind.parse(r.kind),
  text: r.text,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  retractedAt: r.retracted_at,
});

/** Pages showing a story's corrections: the story's, and /corrections. */
async function announceCorrection(db: Db, storyId: number, at: string): Promise<void> {
  await db.updateTable("stories").set({ updated_at: at }).where("id", "=", storyId).execute();
  await recordChange(db, [...(await keysForStory(db, storyId)), cacheKey.corrections]);
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
  // Sending the same correction twice (a double click, a retry) publishes it once.
  const same = await db
    .selectFrom("corrections")
    .select("id")
    .where("story_id", "=", storyId)
    .where("kind", "=", c.kind)
    .where("text", "=", c.text)
    .where("retracted_at", "is", null)
    .executeTakeFirst();
  if (same)
    throw new GazetteError("GZ_ERR_DUPLICATE", "This correction is already on the story.", {
      fields: [{ path: "text", message: "is already on the story" }],
      details: { correctionId: same.id },
    });
  const row = await db
    .insertInto("corrections")
    .values({ story_id: storyId, kind: c.kind, text: c.text, created_at: createdAt, user_id: userId })
    .returning("id")
    .executeTakeFirstOrThrow();
  await announceCorrection(db, storyId, createdAt);
  return { id: row.id, storyId, kind: c.kind, text: c.text, createdAt, updatedAt: null, retractedAt: null };
}

async function correctionOf(db: Db, storyId: number, id: number): Promise<CorrectionRow> {
  const row = await db
    .selectFrom("corrections")
    .select(["id", "story_id", "kind", "text", "created_at", "updated_at", "retracted_at"])
    .where("id", "=", id)
    .where("story_id", "=", storyId)
    .executeTakeFirst();
  if (!row) throw new GazetteError("GZ_ERR_NOT_FOUND", `Story ${storyId} has no correction ${id}.`);
  return row;
}

/** Rewords a correction; what it said before is kept, with who changed it and when. */
export async function editCorrection(
  db: Db,
  storyId: number,
  id: number,
  input: CorrectionInput,
  userId: number | null,
  now = new Date(),
): Promise<Correction> {
  const c = correctionInputSchema.parse(input);
  const before = await correctionOf(db, storyId, id);
  if (before.retracted_at)
    throw new GazetteError("GZ_ERR_INVALID_TRANSITION", "A retracted correction cannot be changed.");
  if (before.text === c.text && before.kind === c.kind) return toCorrection(before);
  const at = now.toISOString();
  await db
    .insertInto("correction_changes")
    .values({
      correction_id: id,
      action: "edited",
      previous_kind: before.kind,
      previous_text: before.text,
      user_id: userId,
      created_at: at,
    })
    .execute();
  await db
    .updateTable("corrections")
    .set({ kind: c.kind, text: c.text, updated_at: at })
    .where("id", "=", id)
    .execute();
  await announceCorrection(db, storyId, at);
  return toCorrection(await correctionOf(db, storyId, id));
}

/** Withdraws a correction: it stays on the story and at /corrections, marked as retracted. */
export async function retractCorrection(
  db: Db,
  storyId: number,
  id: number,
  userId: number | null,
  now = new Date(),
): Promise<Correction> {
  const before = await correctionOf(db, storyId, id);
  if (before.retracted_at) return toCorrection(before);
  const at = now.toISOString();
  await db
    .insertInto("correction_changes")
    .values({
      correction_id: id,
      action: "retracted",
      previous_kind: before.kind,
      previous_text: before.text,
      user_id: userId,
      created_at: at,
    })
    .execute();
  await db.updateTable("corrections").set({ retracted_at: at }).where("id", "=", id).execute();
  await announceCorrection(db, storyId, at);
  return toCorrection(await correctionOf(db, storyId, id));
}

/** A correction's earlier wordings and its retraction, oldest first (for the newsroom). */
export async function correctionChanges(
  db: Db,
  id: number,
): Promise<
  { action: string; previousKind: string; previousText: string; userId: number | null; at: string }[]
> {
  const rows = await db
    .selectFrom("correction_changes")
    .select(["action", "previous_kind", "previous_text", "user_id", "created_at"])
    .where("correction_id", "=", id)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    action: r.action,
    previousKind: r.previous_kind,
    previousText: r.previous_text,
    userId: r.user_id,
    at: r.created_at,
  }));
}

export async function correctionsForStory(db: Db, storyId: number): Promise<Correction[]> {
  const rows = await db
    .selectFrom("corrections")
    .select(["id", "story_id", "kind", "text", "created_at", "updated_at", "retracted_at"])
    .where("story_id", "=", storyId)
    .orderBy("created_at", "asc")
    .execute();
  return rows.map(toCorrection);
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
      "corrections.updated_at",
      "corrections.retracted_at",
      "stories.headline",
      "stories.path",
    ])
    .where("stories.status", "=", "published")
    .where("stories.first_published_at", "<=", now)
    .orderBy("corrections.created_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...toCorrection(r), headline: r.headline, path: r.path }));
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
