/**
 * The content model: zod schemas are the single source of truth, the
 * TypeScript types are inferred from them. Every boundary (HTTP, CLI,
 * importer, config, store reads of JSON columns) parses through these.
 * Documented in docs/content-model.md.
 */
import { z } from "zod";

/**
 * URL fields say in their own schema what they take, so the OpenAPI document
 * made from them says it too: a pattern (the scheme, a host, no spaces) and
 * the JSON Schema format `uri`; a URL the WHATWG parser still refuses
 * (a host with "<", a bad IPv4) is refused with the same message.
 */
function urlString(pattern: RegExp, message: string, format: "uri" | "uri-reference" = "uri") {
  return z
    .string()
    .max(2048)
    .regex(pattern, message)
    .refine((u) => !/^[a-z]+:/i.test(u) || URL.canParse(u), message)
    .meta({ format });
}
// (Spaces after the host were always taken: the URL parser encodes them.)
const HOST_AND_REST = String.raw`[^\s/?#]+(?:[/?#].*)?`;
/** An absolute http(s) URL. */
export const httpUrl = urlString(
  new RegExp(`^https?://${HOST_AND_REST}$`, "i"),
  "must be an absolute http(s) URL",
);
/** An absolute https URL (media hosted elsewhere: a page served over https may not load http). */
export const httpsUrl = urlString(new RegExp(`^https://${HOST_AND_REST}$`, "i"), "must be an https URL");
/** Links inside text may also be mailto:. Nothing else (no javascript:, data:). */
export const safeLinkHref = urlString(
  new RegExp(String.raw`^(?:https?://${HOST_AND_REST}|mailto:\S.*)$`, "i"),
  "must be an http(s) or mailto: URL",
);
/** An http(s) URL or a path on this site (not //host, which leaves it). */
export const httpUrlOrPath = urlString(
  /^(?:https?:\/\/[^\s/?#]+(?:[/?#]\S*)?|\/(?!\/)\S*)$/i,
  "must be an http(s) URL or a path starting with /",
  "uri-reference",
);

export const slugSchema = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be lower-case letters, digits and single hyphens");

/** A run of text with optional inline marks. */
export const inlineSchema = z.object({
  text: z.string(),
  bold: z.literal(true).optional(),
  italic: z.literal(true).optional(),
  href: safeLinkHref.optional(),
});
export type Inline = z.infer<typeof inlineSchema>;

export const paragraphBlock = z.object({
  type: z.literal("paragraph"),
  content: z.array(inlineSchema).min(1),
});
export const headingBlock = z.object({
  type: z.literal("heading"),
  level: z.union([z.literal(2), z.literal(3), z.literal(4)]),
  text: z.string().min(1),
});
export const quoteBlock = z.object({
  type: z.literal("quote"),
  text: z.string().min(1),
  attribution: z.string().optional(),
  sourceUrl: httpUrl.optional(),
});
export const listBlock = z.object({
  type: z.literal("list"),
  ordered: z.boolean(),
  items: z.array(z.array(inlineSchema).min(1)).min(1),
});
export const imageBlock = z.object({
  type: z.literal("image"),
  imageId: z.number().int().positive(),
  /** Overrides the image's own caption for this placement. */
  caption: z.string().optional(),
});
export const videoBlock = z.object({ type: z.literal("video"), videoId: z.number().int().positive() });
/** An embed is shown as a link card: no third-party frame or script reaches the reader. */
export const embedBlock = z.object({
  type: z.literal("embed"),
  url: httpUrl,
  title: z.string().min(1),
  provider: z.string().optional(),
});
export const dividerBlock = z.object({ type: z.literal("divider") });
export const relatedStoryBlock = z.object({
  type: z.literal("related-story"),
  storyId: z.number().int().positive(),
});

/** Where a gated story's free preview ends (content/access.ts); shows nothing itself. */
export const previewEndBlock = z.object({ type: z.literal("preview-end") });

/** Blocks that stand on their own, outside a story's page (a live post holds these). */
export const STANDALONE_BLOCKS = [
  paragraphBlock,
  headingBlock,
  quoteBlock,
  listBlock,
  imageBlock,
  videoBlock,
  embedBlock,
  dividerBlock,
] as const;

export const blockSchema = z.discriminatedUnion("type", [
  ...STANDALONE_BLOCKS,
  relatedStoryBlock,
  previewEndBlock,
]);
export type Block = z.infer<typeof blockSchema>;
export type BlockType = Block["type"];

export const sourceSchema = z.object({
  /** Who said or reported it: "Tass", "Ministry of Health". */
  name: z.string().min(1).max(200),
  /** What they said or reported. */
  description: z.string().max(500).optional(),
  url: httpUrl.optional(),
});
export type Source = z.infer<typeof sourceSchema>;

/**
 * The workflow: draft → review → scheduled → published, and unpublished
 * (taken down). Only "published" is shown to readers (and only once its
 * embargo has passed). Transitions are in workflow.ts.
 */
export const storyStatus = z.enum(["draft", "review", "scheduled", "published", "unpublished"]);
export type StoryStatus = z.infer<typeof storyStatus>;

const isoDate = z.iso.datetime({ offset: true });

/** What a writer (or an importer) supplies; ids refer to rows in the store. */
const optionalText = (max: number, advice: string) =>
  z
    .string()
    .trim()
    .max(max, advice)
    .transform((t) => (t ? t : undefined))
    .optional();

/**
 * How the story shows in search results and when shared: each falls back to
 * the story's own (the headline, the first summary point, the hero picture).
 */
export const seoSchema = z
  .object({
    /** The <title> and search-result headline. */
    title: optionalText(70, "keep the search title under 70 characters: search engines cut the rest"),
    /** The meta description search engines show under the title. */
    description: optionalText(200, "keep the search description under 200 characters"),
    socialTitle: optionalText(100, "keep the social title under 100 characters"),
    socialDescription: optionalText(300, "keep the social description under 300 characters"),
    /** A picture from the library for social cards, instead of the hero. */
    socialImageId: z.number().int().positive().optional(),
  })
  .strict();
export type Seo = z.output<typeof seoSchema>;

/**
 * Who may read a story in full: everyone, readers with an account, or
 * subscribers (of any paid plan, or only of the plans named). Unset on a
 * story: its section's default.
 */
export const accessLevel = z.enum(["free", "registered", "subscribers"]);
export type AccessLevel = z.infer<typeof accessLevel>;
export const accessSchema = z
  .object({
    level: accessLevel,
    /** With "subscribers": only these plans (their slugs); empty: any paid plan. */
    plans: z.array(slugSchema).max(20).default([]),
  })
  .strict();
export type Access = z.output<typeof accessSchema>;

/**
 * A sponsored story (paid content): whose, labelled "Sponsored" wherever the
 * story appears, named in its JSON-LD, and kept out of the news sitemap.
 */
export const sponsorSchema = z
  .object({
    name: z.string().trim().min(1, "name the sponsor").max(200),
    /** The sponsor's site. */
    url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    /** The sponsor's logo, an uploaded picture. */
    logoImageId: z.number().int().positive().optional(),
  })
  .strict();
export type Sponsor = z.output<typeof sponsorSchema>;

export const storyInputSchema = z.object({
  uri: z.string().min(1).max(1000).optional(),
  slug: slugSchema.optional(),
  /** May be empty while a draft is written; publishing needs one (workflow.ts publishProblems). */
  headline: z.string().trim().max(300, "keep the headline under 300 characters"),
  /** Summary points; an empty one (a point added and left blank) is dropped, not refused. */
  summary: z
    .array(z.string().trim().max(500, "keep each summary point under 500 characters"))
    .default([])
    .transform((points) => points.filter((p) => p !== ""))
    .pipe(z.array(z.string()).max(5, "use at most five summary points")),
  body: z.array(blockSchema).default([]),
  heroImageId: z.number().int().positive().optional(),
  sectionSlug: slugSchema,
  topicNames: z.array(z.string().trim().min(1).max(120)).default([]),
  authorSlugs: z.array(slugSchema).default([]),
  /** Free-text byline as it came from the wire, used when no author profile exists. */
  byline: z.string().max(300).optional(),
  dateline: z.string().max(200).optional(),
  sources: z.array(sourceSchema).default([]),
  relatedVideoIds: z.array(z.number().int().positive()).default([]),
  seo: seoSchema.default({}),
  /** Who may read it in full; unset: the section's default (content/access.ts). */
  access: accessSchema.optional(),
  /** Set on paid content: who paid for it. */
  sponsor: sponsorSchema.optional(),
  status: storyStatus,
  firstPublishedAt: isoDate.optional(),
  updatedAt: isoDate.optional(),
  embargoUntil: isoDate.optional(),
  /** When a scheduled story is due to be published (status "scheduled"). */
  scheduledAt: isoDate.optional(),
  /** The version the source gave (ninjs `version` or `versioncreated`): decides whether a re-import updates. */
  sourceVersion: z.string().max(100).optional(),
});
export type StoryInput = z.input<typeof storyInputSchema>;
export type StoryData = z.output<typeof storyInputSchema>;

/**
 * What the editor edits: the story's content, without its workflow state
 * (status, times) or its import bookkeeping. A revision stores one of these.
 */
export const storyContentSchema = storyInputSchema.omit({
  uri: true,
  status: true,
  firstPublishedAt: true,
  updatedAt: true,
  scheduledAt: true,
  sourceVersion: true,
});
export type StoryContent = z.output<typeof storyContentSchema>;

export const videoSourceSchema = z.object({
  /** A remote http(s) URL, or a file in the media store (/media/…). */
  url: z
    .string()
    .max(2048)
    .refine(
      (u) => /^https?:\/\/\S+$/i.test(u) || /^\/media\/\S+$/.test(u),
      "must be an http(s) URL or a /media/ path",
    ),
  type: z.string().regex(/^(video|application)\/[\w.+-]+$/, "must be a video MIME type such as video/mp4"),
});
export const videoInputSchema = z.object({
  title: z.string().min(1).max(300),
  /** null when unknown (a wire video that did not say): the page then shows no length. */
  durationSeconds: z.number().int().nonnegative().nullable(),
  posterImageId: z.number().int().positive().optional(),
  sources: z.array(videoSourceSchema).min(1),
  caption: z.string().max(2000).optional(),
  credit: z.string().max(300).optional(),
});
export type VideoInput = z.infer<typeof videoInputSchema>;

export const pageInputSchema = z.object({
  slug: slugSchema,
  title: z.string().min(1).max(200),
  body: z.array(blockSchema),
});
export type PageInput = z.infer<typeof pageInputSchema>;
