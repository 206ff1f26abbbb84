/**
 * The wire desk's own vocabulary: what a feed is and what its settings may
 * be, checked the same way whether they come from the config file or from an
 * admin in the newsroom (docs/wire.md).
 */
import { z } from "zod";
import { httpUrl, slugSchema } from "./model.ts";

export const WIRE_FEED_KINDS = ["folder", "push", "poll"] as const;
export type WireFeedKind = (typeof WIRE_FEED_KINDS)[number] | "import";

/** A header name and value an agency's API wants on every poll (an API key). */
const headerName = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,80}$/, "must be an HTTP header name (letters, digits and hyphens)");

const common = {
  name: z.string().trim().min(1, "is required").max(200),
  slug: slugSchema.optional(),
  /** Section for stories made from its items (the importer's default when unset). */
  sectionSlug: slugSchema.nullable().optional(),
  /** Topics added to every story made from its items. */
  topicNames: z.array(z.string().trim().min(1).max(120)).max(12).default([]),
  /**
   * `queue`: items wait for an editor. `publish`: a trusted feed's items are
   * published as they arrive (and its updates applied while nobody in the
   * newsroom has edited the story).
   */
  mode: z.enum(["queue", "publish"]).default("queue"),
  /** Editors may "Publish as is" from it. A publish feed is trusted by definition. */
  trusted: z.boolean().default(false),
  /** What a kill (pubstatus canceled or withheld) does to a story made from the item: tell its editors, or also take it off the site. */
  killRule: z.enum(["alert", "unpublish"]).default("alert"),
  /** Orders feeds in the queue's filter (1 first). */
  priority: z.number().int().min(1).max(9).default(5),
  enabled: z.boolean().default(true),
};

export const folderSettingsSchema = z.object({
  /** The folder agencies drop files into (an FTP/SFTP target). done/ and failed/ are made beside the files. */
  path: z.string().trim().min(1, "is required: the folder to watch"),
  /** A file is taken once it has not changed for this long (a half-written upload is left alone). */
  settleSeconds: z.number().min(0).max(600).default(2),
  /** How often the folder is looked at. */
  everySeconds: z.number().min(1).max(3600).default(5),
  /** Larger files are refused (moved to failed/ with the reason) without being read. */
  maxMegabytes: z.number().min(1).max(500).default(20),
});

export const pollSettingsSchema = z.object({
  /** A URL serving ninjs items or a feed of them. */
  url: httpUrl,
  everySeconds: z.number().int().min(5).max(86_400).default(60),
  timeoutSeconds: z.number().int().min(1).max(300).default(20),
  maxMegabytes: z.number().min(1).max(500).default(20),
  /** Headers the agency's API wants (e.g. an API key), sent on every request. */
  headers: z.record(headerName, z.string().max(2000)).default({}),
});

export const pushSettingsSchema = z.object({
  maxMegabytes: z.number().min(1).max(500).default(20),
});

/** A feed as an admin or the config file defines it. */
export const wireFeedInputSchema = z.discriminatedUnion("kind", [
  z.object({ ...common, kind: z.literal("folder"), settings: folderSettingsSchema }),
  z.object({ ...common, kind: z.literal("poll"), settings: pollSettingsSchema }),
  z.object({
    ...common,
    kind: z.literal("push"),
    settings: pushSettingsSchema.default({ maxMegabytes: 20 }),
    /** The shared secret: the HMAC-SHA256 key of the body, or the bearer token. At least 24 characters. */
    secret: z
      .string()
      .min(24, "must be at least 24 characters (make one with `openssl rand -hex 24`)")
      .max(500),
  }),
]);
export type WireFeedInput = z.input<typeof wireFeedInputSchema>;
export type WireFeedSpec = z.output<typeof wireFeedInputSchema>;

export type FolderSettings = z.output<typeof folderSettingsSchema>;
export type PollSettings = z.output<typeof pollSettingsSchema>;
export type PushSettings = z.output<typeof pushSettingsSchema>;
