/**
 * Live coverage, the pure rules: what a post is (the story body's blocks,
 * an optional title, its authors, pinned, key event), what a live story's
 * settings are, and the ordering readers see (pinned first, then newest
 * first). No I/O: the store keeps posts, live/ serves them.
 */
import { z } from "zod";
import { type Block, STANDALONE_BLOCKS, slugSchema } from "./model.ts";

/** At most this many posts stay pinned on top: a live page is not a notice board. */
export const MAX_PINNED = 3;

/**
 * Seconds a shared cache (a CDN) keeps an open live story's page: a reader
 * without JavaScript is that far behind at most, even where no purge reaches
 * the CDN (with the script, the changes bring the rest).
 */
export const LIVE_PAGE_CDN_SECONDS = 10;

/** Posts per page of the stream (the first page is the live page itself). */
export const POSTS_PER_PAGE = 20;

/** Blocks a post may hold: text, headings, quotes, lists, pictures, video, link cards, dividers. */
export const livePostBlock = z.discriminatedUnion("type", [...STANDALONE_BLOCKS]);

export const livePostInputSchema = z
  .object({
    title: z
      .string()
      .trim()
      .max(200, "keep a post's title under 200 characters")
      .optional()
      .transform((t) => t || undefined),
    body: z.array(livePostBlock).min(1, "write something to post").max(40, "a post holds at most 40 blocks"),
    authorSlugs: z.array(slugSchema).max(5, "at most five authors on a post").default([]),
    pinned: z.boolean().default(false),
    keyEvent: z.boolean().default(false),
    /** A draft waits in the desk; "published" goes out (or waits for approval, when the story asks for it). */
    status: z.enum(["draft", "published"]).default("published"),
  })
  .strict();
export type LivePostInput = z.input<typeof livePostInputSchema>;
export type LivePostData = z.output<typeof livePostInputSchema>;

/** A change to a post: any of its fields. */
export const livePostPatchSchema = z
  .object({
    /** "" takes the title away. */
    title: z.string().trim().max(200, "keep a post's title under 200 characters").optional(),
    body: livePostInputSchema.shape.body.optional(),
    authorSlugs: livePostInputSchema.shape.authorSlugs.optional(),
    pinned: z.boolean().optional(),
    keyEvent: z.boolean().optional(),
    status: z.enum(["draft", "published"]).optional(),
    /** For a published post: why it changed, shown to readers in the story's history. */
    note: z.string().trim().max(500, "keep the note to readers under 500 characters").optional(),
  })
  .strict();
export type LivePostPatch = z.output<typeof livePostPatchSchema>;

/** Deleting a post: the note readers see in the story's history (why it went). */
export const liveDeleteSchema = z
  .object({
    note: z.string().trim().max(500, "keep the note to readers under 500 characters").optional(),
  })
  .strict();

export const liveSettingsSchema = z
  .object({
    /** open: posts arrive; closed: "This live coverage has ended". */
    state: z.enum(["open", "closed"]).optional(),
    coverageStart: z.iso.datetime({ offset: true }).optional(),
    coverageEnd: z.iso.datetime({ offset: true }).nullable().optional(),
    /** Contributors' posts wait for an editor's approval. */
    requireApproval: z.boolean().optional(),
    /** New versions of the story's wire item are appended as posts. */
    wireAppend: z.boolean().optional(),
  })
  .strict();
export type LiveSettings = z.output<typeof liveSettingsSchema>;

export type LivePostStatus = "draft" | "pending" | "published" | "deleted";

/** A post as the site and the desk read it. */
export interface LivePost {
  id: number;
  storyId: number;
  seq: number;
  status: LivePostStatus;
  title: string | null;
  body: Block[];
  authorSlugs: string[];
  pinned: boolean;
  keyEvent: boolean;
  publishedAt: string | null;
  /** When a published post was last changed (readers see "updated"). */
  editedAt: string | null;
  createdAt: string;
  createdBy: number | null;
  sourceUri: string | null;
}

/** A published post edited or deleted, as the story's public history tells it. */
export interface LivePostChange {
  id: number;
  postId: number;
  kind: "edited" | "deleted";
  at: string;
  /** When the post was published. */
  postPublishedAt: string;
  before: { title: string | null; body: Block[] };
  /** After an edit; undefined for a deletion. */
  after: { title: string | null; body: Block[] } | undefined;
  /** Why, in the desk's words. */
  note: string | null;
  userName: string;
}

export interface LiveCoverage {
  storyId: number;
  state: "open" | "closed";
  coverageStart: string;
  coverageEnd: string | null;
  requireApproval: boolean;
  wireAppend: boolean;
  /** The latest change's number: the cursor a reader starts from. */
  seq: number;
  lastPostAt: string | null;
}

/** The stream's order: newest first (ties by id, newest first). */
export function newestFirst(a: LivePost, b: LivePost): number {
  const at = a.publishedAt ?? "";
  const bt = b.publishedAt ?? "";
  return at < bt ? 1 : at > bt ? -1 : b.id - a.id;
}

/** The anchor of a post on the live page: `#post-12`. */
export function postAnchor(id: number): string {
  return `post-${id}`;
}
