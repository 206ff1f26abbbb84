/**
 * Comment rules, pure: what the moderation policy does with a new comment
 * (reject with a message, hold for a moderator, or publish), and how a
 * comment's plain text becomes runs of text and links for rendering.
 * Readers never send HTML: their text is text.
 */
import { z } from "zod";

export const moderationPolicySchema = z
  .object({
    /** Comments containing these words are refused, with a message saying so. */
    bannedWords: z.array(z.string().min(1).max(60)).max(2000).default([]),
    /** Comments containing these words wait for a moderator. */
    suspectWords: z.array(z.string().min(1).max(60)).max(2000).default([]),
    /** More links than this and the comment waits for a moderator. */
    maxLinks: z.number().int().min(0).max(50).default(2),
    /** Comments from accounts younger than this wait for a moderator. */
    newAccountHours: z
      .number()
      .min(0)
      .max(24 * 365)
      .default(24),
    /** Every comment waits for a moderator (the whole site; sections and stories can opt in too). */
    premoderate: z.boolean().default(false),
    maxLength: z.number().int().min(100).max(20_000).default(3000),
    /** Replies nest at most this deep (1 = replies to top-level comments only). */
    maxDepth: z.number().int().min(0).max(10).default(3),
    /** Comments close this many days after first publication (0: never). */
    closeAfterDays: z.number().int().min(0).max(3650).default(14),
    /** Editing is possible for this many minutes after posting. */
    editMinutes: z.number().int().min(0).max(1440).default(15),
  })
  .strict();
export type ModerationPolicy = z.output<typeof moderationPolicySchema>;

type WithoutDefaults<S> = {
  [K in keyof S]: S[K] extends z.ZodDefault<infer T extends z.ZodType> ? z.ZodOptional<T> : S[K];
};

/**
 * A change to the policy: any of its fields, and only those given. (The
 * policy's own `.partial()` would fill every missing field with its default,
 * and saving one field would reset all the others.)
 */
export const policyPatchSchema = z
  .object(
    Object.fromEntries(
      Object.entries(moderationPolicySchema.shape).map(([k, v]) => [k, v.unwrap().optional()]),
    ) as WithoutDefaults<typeof moderationPolicySchema.shape>,
  )
  .strict();
export type PolicyPatch = z.output<typeof policyPatchSchema>;

/** Lower case, accents removed, compatibility forms folded: "Ｆóo" → "foo". */
export function foldText(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

function words(text: string): Set<string> {
  return new Set(foldText(text).match(/[\p{L}\p{N}]+/gu) ?? []);
}

/** The listed words (or phrases) that occur in the text as whole words. */
export function matchingWords(text: string, list: readonly string[]): string[] {
  const have = words(text);
  const folded = ` ${[...(foldText(text).match(/[\p{L}\p{N}]+/gu) ?? [])].join(" ")} `;
  return list.filter((w) => {
    const parts = foldText(w).match(/[\p{L}\p{N}]+/gu) ?? [];
    if (parts.length === 0) return false;
    return parts.length === 1 ? have.has(parts[0]!) : folded.includes(` ${parts.join(" ")} `);
  });
}

const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"]+[^\s<>".,;:!?)\]'’”]/giu;

export function countLinks(text: string): number {
  return (text.match(LINK) ?? []).length;
}

export type ModerationDecision =
  { outcome: "reject"; message: string } | { outcome: "pending"; reasons: string[] } | { outcome: "approve" };

/**
 * What happens to a new comment. Banned words refuse it (the reader is told
 * which rule, not which word list); anything else suspicious holds it.
 */
export function moderate(
  text: string,
  ctx: { policy: ModerationPolicy; accountAgeHours: number; premoderated: boolean; staff: boolean },
): ModerationDecision {
  const { policy } = ctx;
  const banned = matchingWords(text, policy.bannedWords);
  if (banned.length) {
    return {
      outcome: "reject",
      message: `Your comment uses language our community rules do not allow (${banned.map((w) => `“${w}”`).join(", ")}). Please rephrase it.`,
    };
  }
  if (ctx.staff) return { outcome: "approve" };
  const reasons: string[] = [];
  if (ctx.premoderated || policy.premoderate) reasons.push("pre-moderation");
  const suspect = matchingWords(text, policy.suspectWords);
  if (suspect.length) reasons.push(`suspect words: ${suspect.join(", ")}`);
  const links = countLinks(text);
  if (links > policy.maxLinks) reasons.push(`${links} links`);
  if (ctx.accountAgeHours < policy.newAccountHours) reasons.push("new account");
  return reasons.length ? { outcome: "pending", reasons } : { outcome: "approve" };
}

export type TextRun = { text: string } | { text: string; href: string };

/** Plain text with its links found: rendered as text and `rel="nofollow ugc"` links, never as HTML. */
export function linkify(text: string): TextRun[] {
  const out: TextRun[] = [];
  let last = 0;
  for (const m of text.matchAll(LINK)) {
    if (m.index! > last) out.push({ text: text.slice(last, m.index) });
    const raw = m[0];
    const href = raw.startsWith("www.") ? `https://${raw}` : raw;
    out.push(URL.canParse(href) ? { text: raw, href } : { text: raw });
    last = m.index! + raw.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

export type CommentsMode = "open" | "closed" | "off";

/** Whether a story takes comments now: its own mode, then the automatic closing after N days. */
export function commentsModeOf(
  story: { commentsMode: string; firstPublishedAt: string | null },
  policy: ModerationPolicy,
  now = new Date(),
): CommentsMode {
  if (story.commentsMode === "off") return "off";
  if (story.commentsMode === "closed") return "closed";
  if (policy.closeAfterDays > 0 && story.firstPublishedAt) {
    const closes = Date.parse(story.firstPublishedAt) + policy.closeAfterDays * 86_400_000;
    if (now.getTime() > closes) return "closed";
  }
  return "open";
}
