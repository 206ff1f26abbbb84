/**
 * The wire desk's rules, for every way copy arrives (a file on the command
 * line, a watch folder, a push, a poll):
 *
 *  - every item is stored with every version exactly as sent, once (a feed
 *    repeating itself stores nothing new); what cannot be read is recorded
 *    as a failure with its reason and the rest goes on;
 *  - a queue feed's items wait for an editor ("Use as draft", "Publish as
 *    is"); a trusted publish feed's items are published as they arrive;
 *  - a newer version of an item a story was made from is applied by itself
 *    only on a publish feed and only while nobody in the newsroom has edited
 *    the story since; otherwise it waits on the story ("The agency updated
 *    this item"), to apply or ignore — it never silently overwrites;
 *  - a kill or hold alerts the story's editors and, by the feed's rule, takes
 *    the story off the site; embargoes travel with the story;
 *  - urgent items (urgency 1–2) are announced to the editors at once;
 *  - a live story that asks for it (`wireAppend`) takes each newer version
 *    of its item as a post of what is new in it (published from a publish
 *    feed, waiting for approval from a queue feed), not as a rewrite.
 */
import { livePostBlock } from "../content/live.ts";
import type { Block, Source, StoryContent, StoryStatus } from "../content/model.ts";
import { type StoryDiff, diffStoryContent } from "../content/story-diff.ts";
import { blockText } from "../content/text.ts";
import { GazetteError } from "../content/errors.ts";
import { addNotices, usersWithRoles } from "../store/desk-store.ts";
import { addLivePost, liveCoverage, livePostsFromSource } from "../store/live-store.ts";
import { type Story, storyById, storyByUri } from "../store/story-store.ts";
import {
  type WireFeed,
  type WireItem,
  dismissVersion,
  linkStory,
  recordFailure,
  searchable,
  setItemMedia,
  storeVersion,
  versionsOf,
  wireItemById,
} from "../store/wire-store.ts";
import { type MappedItem, NinjsMappingError, compareVersions } from "./ninjs-mapper.ts";
import { type ReadItem, readNinjsItem } from "./ninjs-read.ts";
import type { SchemaVersion } from "./ninjs-schema.ts";
import { ItemError, type WriterDeps, addMediaItem, withdrawStory, writeStory } from "./story-writer.ts";

export type ReceiveStatus = "created" | "updated" | "unchanged" | "skipped" | "queued" | "error";

export interface Received {
  uri: string | null;
  status: ReceiveStatus;
  /** The wire item (absent when the item could not be read at all). */
  itemId?: number;
  storyId?: number;
  reason?: string;
  error?: string;
  warnings?: string[];
}

export interface ReceiveContext {
  /** The file (and item position), push or URL it came from: for the report and the failure list. */
  source: string;
  /** Where relative media paths resolve; null for pushed and polled items (http(s) only). */
  baseDir: string | null;
  strict?: boolean | undefined;
  ninjsVersion?: SchemaVersion | undefined;
  /** Store only, whatever the feed's mode (`gazette import --queue`). */
  queueOnly?: boolean | undefined;
  /** Section of stories the feed does not name one for. */
  defaultSection?: { slug: string; name: string } | undefined;
  /** Warnings about the whole file (read leniently), added to each item's. */
  payloadWarnings?: string[] | undefined;
  /**
   * Fetches the text of an item's remote text rendition (a poll: the feed's
   * host and headers); an item sent without its text inline gets it this way.
   */
  fetchBody?: ((url: string) => Promise<string>) | undefined;
}

export interface DeskLog {
  warn(obj: object, msg: string): void;
}

export type WireDeps = WriterDeps & { log?: DeskLog | undefined };

/**
 * Lets the event loop run between files and items: on SQLite every query is
 * synchronous, so a long run of items would otherwise hold the process's
 * other HTTP requests (and its log output) until it ends.
 */
export const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

const WIRE_ACTOR = { userId: null, name: "Wire desk" };
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? Math.round(v) : null);

function rawField(raw: unknown, key: string): unknown {
  if (!raw || typeof raw !== "object") return undefined;
  const r = raw as Record<string, unknown>;
  return r[key] ?? r[key.toLowerCase()];
}

function fieldsOf(read: ReadItem & { ok: true }, raw: unknown) {
  const m = read.mapped;
  const urgency = num(rawField(raw, "urgency"));
  const priority = num(rawField(raw, "priority"));
  const pubstatus =
    typeof rawField(raw, "pubstatus") === "string" ? String(rawField(raw, "pubstatus")) : "usable";
  const created = m.version.split("#")[0] ?? "";
  const sentAt = /^\d{4}-\d\d-\d\dT/.test(created) ? created : null;
  if (m.kind === "story") {
    const body = (m.story.body ?? []).map(blockText).join("\n");
    const summary = (m.story.summary ?? []).join(" · ");
    return {
      key: m.uri,
      kind: "story" as const,
      headline: m.story.headline ?? "",
      summary,
      searchText: searchable(`${m.story.headline ?? ""}\n${summary}\n${m.story.byline ?? ""}\n${body}`),
      urgency,
      priority,
      pubstatus,
      embargoUntil: m.story.embargoUntil ?? null,
      skipReason: null,
      sentAt,
    };
  }
  if (m.kind === "media") {
    const text = m.image
      ? `${m.image.alt}\n${m.image.caption ?? ""}`
      : `${m.video!.title}\n${m.video!.caption ?? ""}`;
    return {
      key: m.uri,
      kind: "media" as const,
      headline: m.image ? m.image.alt : m.video!.title,
      summary: (m.image?.caption ?? m.video?.caption ?? "").slice(0, 500),
      searchText: searchable(text),
      urgency,
      priority,
      pubstatus,
      embargoUntil: null,
      skipReason: null,
      sentAt,
    };
  }
  const headline = rawField(raw, "headline");
  return {
    key: m.uri,
    kind: "skip" as const,
    headline: typeof headline === "string" ? headline.slice(0, 300) : m.reason,
    summary: "",
    searchText: searchable(typeof headline === "string" ? headline : ""),
    urgency,
    priority,
    pubstatus,
    embargoUntil: null,
    skipReason: m.reason,
    sentAt,
  };
}

function excerptOf(raw: unknown): string {
  try {
    return JSON.stringify(raw).slice(0, 2000);
  } catch {
    return "";
  }
}

/** Expected per-item failures become the item's error; anything else is a fault and is thrown. */
function itemProblem(err: unknown): string | undefined {
  if (err instanceof ItemError || err instanceof NinjsMappingError) return err.message;
  if (err && typeof err === "object" && "issues" in err && Array.isArray(err.issues)) {
    return (err.issues as { path: (string | number)[]; message: string }[])
      .map((i) => `${i.path.join(".")}: ${i.message}`)
      .join("; ");
  }
  return undefined;
}

async function tellEditors(deps: WireDeps, storyId: number | null, text: string): Promise<void> {
  const editors = await usersWithRoles(deps.db, ["editor", "admin"]);
  await addNotices(
    deps.db,
    editors.map((e) => e.id),
    { kind: "wire", storyId, text },
  );
}

const quoted = (s: string) => `“${s.trim().slice(0, 140) || "Untitled"}”`;

/** Has anyone in the newsroom saved the story since the wire version was applied? */
function editedSince(story: Story, item: WireItem | undefined): boolean {
  return !!item && item.appliedRevision !== null && story.revision !== item.appliedRevision;
}

/** The credit on a story made from a feed's item. */
function creditOf(feed: WireFeed, mapped: MappedItem & { kind: "story" }): Source {
  return { name: mapped.story.byline ? `${feed.name} (${mapped.story.byline})`.slice(0, 200) : feed.name };
}

/**
 * One item from a feed, stored and acted on by the rules at the top. Never
 * throws for a bad item (its error is the result, and it is in the failure
 * list); throws only when the database or media store fails.
 */
export async function receiveItem(
  deps: WireDeps,
  feed: WireFeed,
  raw: unknown,
  ctx: ReceiveContext,
): Promise<Received> {
  let read = readNinjsItem(raw, { strict: ctx.strict, ninjsVersion: ctx.ninjsVersion });
  let fetchedBody: string | undefined;
  const textAt = read.ok && read.mapped.kind === "story" ? read.mapped.bodyRendition?.href : undefined;
  if (textAt && /^https?:\/\//i.test(textAt) && ctx.fetchBody) {
    try {
      fetchedBody = await ctx.fetchBody(textAt);
      read = readNinjsItem(raw, { strict: ctx.strict, ninjsVersion: ctx.ninjsVersion, fetchedBody });
    } catch (err) {
      if (read.ok)
        read.warnings.push(
          `the body at ${textAt.slice(0, 200)} could not be fetched: ${(err as Error).message}`,
        );
    }
  }
  if (!read.ok) {
    await recordFailure(deps.db, {
      feedId: feed.id,
      source: ctx.source,
      itemKey: read.uri,
      error: read.error,
      excerpt: excerptOf(raw),
    });
    return { uri: read.uri, status: "error", error: read.error };
  }
  const warnings = [...(ctx.payloadWarnings ?? []), ...read.warnings];
  const mapped = read.mapped;
  const stored = await storeVersion(
    deps.db,
    fieldsOf(read, raw),
    {
      feedId: feed.id,
      versionKey: mapped.version,
      ninjsVersion: read.ninjsVersion,
      payload: JSON.stringify(raw),
      baseDir: ctx.baseDir,
      fetchedBody,
      warnings,
      source: ctx.source,
    },
    compareVersions,
  );
  const item = await wireItemById(deps.db, stored.itemId);
  const base = {
    uri: mapped.uri,
    itemId: stored.itemId,
    ...(warnings.length ? { warnings } : {}),
  };
  if (
    stored.newItem &&
    item?.urgency !== null &&
    item?.urgency !== undefined &&
    item.urgency <= 2 &&
    mapped.kind === "story"
  )
    await tellEditors(deps, null, `Urgent from ${feed.name}: ${quoted(item.headline)}`);
  try {
    if (mapped.kind === "skip") return { ...base, status: "skipped", reason: mapped.reason };
    if (mapped.kind === "media") {
      // Pictures and videos sent alone go to the library in every mode: not public until a story uses them.
      if (item?.media)
        return {
          ...base,
          status: "unchanged",
          reason: `already in the media library (${item.media.kind} ${item.media.id})`,
        };
      const added = await addMediaItem(deps, mapped, ctx.baseDir);
      await setItemMedia(deps.db, stored.itemId, added);
      return {
        ...base,
        status: added.created ? "created" : "unchanged",
        reason: `${added.created ? `${added.kind === "image" ? "picture" : "video"} added to` : "already in"} the media library (${added.kind} ${added.id})`,
      };
    }
    const linked = item?.storyId ? await storyById(deps.db, item.storyId) : undefined;
    // Stories imported before the wire desk existed are found by their uri.
    const existing = linked ?? (await storyByUri(deps.db, mapped.uri));
    const queue = ctx.queueOnly || feed.mode === "queue";
    if (!existing) {
      if (queue) return { ...base, status: stored.newVersion ? "queued" : "unchanged" };
      if (mapped.pubstatus === "canceled")
        return {
          ...base,
          status: "skipped",
          reason: "a kill (pubstatus canceled) of an item never published here: nothing to withdraw",
        };
      const saved = await writeStory(deps, mapped, ctx.baseDir, {
        existing: undefined,
        section: feedSection(feed, ctx),
        topicNames: feed.topicNames,
        credit: feed.kind === "import" ? undefined : creditOf(feed, mapped),
        actor: WIRE_ACTOR,
        note: `Published from the wire (${feed.name})`,
      });
      await linkStory(deps.db, stored.itemId, {
        storyId: saved.id,
        version: mapped.version,
        revision: saved.revision,
      });
      return { ...base, status: "created", storyId: saved.id };
    }
    if (existing.sourceVersion) {
      const order = compareVersions(mapped.version, existing.sourceVersion);
      if (order === 0 || (!stored.newVersion && !stored.latest))
        return { ...base, status: "unchanged", storyId: existing.id };
      if (order < 0)
        return {
          ...base,
          status: "skipped",
          storyId: existing.id,
          reason: `older than the stored version (${existing.sourceVersion.replace("#", " v")})`,
        };
    }
    if (mapped.pubstatus !== "usable") {
      const rule = ctx.queueOnly ? "alert" : feed.killRule;
      const verb = mapped.pubstatus === "canceled" ? "killed" : "withheld";
      if (rule === "unpublish") {
        const status = await withdrawStory(deps, mapped, existing);
        await tellEditors(
          deps,
          existing.id,
          `The agency ${verb} ${quoted(existing.headline)}; the story was taken off the site (${status}).${mapped.ednote ? ` Agency note: ${mapped.ednote}` : ""}`,
        );
        return {
          ...base,
          status: "updated",
          storyId: existing.id,
          reason: `withdrawn by the agency (pubstatus ${mapped.pubstatus}): the story is now ${status === "unpublished" ? "unpublished" : "a draft"}`,
        };
      }
      await tellEditors(
        deps,
        existing.id,
        `The agency ${verb} the item ${quoted(existing.headline)} was made from. Check the story.${mapped.ednote ? ` Agency note: ${mapped.ednote}` : ""}`,
      );
      return {
        ...base,
        status: "queued",
        storyId: existing.id,
        reason: `the agency ${verb} the item: the story's editors were alerted`,
      };
    }
    const live = await liveCoverage(deps.db, existing.id);
    if (live?.wireAppend) {
      if (!stored.newVersion || !stored.latest) return { ...base, status: "unchanged", storyId: existing.id };
      const appended = await appendToLive(deps, existing, mapped, { open: live.state === "open", queue });
      if (appended.posted)
        await linkStory(deps.db, stored.itemId, {
          storyId: existing.id,
          version: mapped.version,
          revision: existing.revision,
        });
      return {
        ...base,
        status: appended.posted ? "updated" : "skipped",
        storyId: existing.id,
        reason: appended.reason,
      };
    }
    if (queue || editedSince(existing, item ?? undefined)) {
      if (stored.newVersion && stored.latest)
        await tellEditors(
          deps,
          existing.id,
          `The agency updated the item ${quoted(existing.headline)} was made from: apply or ignore it on the story.`,
        );
      return {
        ...base,
        status: queue ? "queued" : "skipped",
        storyId: existing.id,
        reason:
          "a newer version of an item the newsroom has a story from: it waits on the story to be applied or ignored (the newsroom's edits are never overwritten)",
      };
    }
    const saved = await writeStory(deps, mapped, ctx.baseDir, {
      existing,
      section: feedSection(feed, ctx),
      actor: WIRE_ACTOR,
      note: `Updated from the wire (version ${mapped.version.replace("#", " v")})`,
    });
    await linkStory(deps.db, stored.itemId, {
      storyId: saved.id,
      version: mapped.version,
      revision: saved.revision,
    });
    return { ...base, status: "updated", storyId: saved.id };
  } catch (err) {
    const problem = itemProblem(err);
    if (problem === undefined) throw err;
    await recordFailure(deps.db, {
      feedId: feed.id,
      source: ctx.source,
      itemKey: mapped.uri,
      error: problem,
      excerpt: excerptOf(raw),
    });
    return { ...base, status: "error", error: problem };
  }
}

/** Text a block shows, to tell which of a new version's paragraphs are new. */
const wordsOf = (b: Block) => blockText(b).replace(/\s+/g, " ").trim();

/**
 * A newer version of a live story's wire item, as a post: the blocks of the
 * version that neither the story nor an earlier post from the item holds
 * (an agency's running story adds paragraphs at the top), its headline as
 * the post's title when that is new too. Published from a publish feed;
 * from a queue feed it waits in the live desk for an editor's approval.
 */
async function appendToLive(
  deps: WireDeps,
  story: Story,
  mapped: MappedItem & { kind: "story" },
  opts: { open: boolean; queue: boolean },
): Promise<{ posted: boolean; reason: string }> {
  if (!opts.open)
    return { posted: false, reason: "the story's live coverage has ended: the new version was not posted" };
  const sourceUri = `${mapped.uri}#${mapped.version}`;
  const earlier = await livePostsFromSource(deps.db, story.id, `${mapped.uri}#`);
  if (earlier.some((p) => p.sourceUri === sourceUri))
    return { posted: false, reason: "this version is already a post of the live story" };
  const seen = new Set([...story.body, ...earlier.flatMap((p) => p.body)].map(wordsOf));
  const titles = new Set([story.headline, ...earlier.map((p) => p.title)]);
  // Text only: the version's pictures and videos are the story's (the desk adds its own to posts).
  const fresh = (mapped.story.body ?? [])
    .flatMap((b) => {
      const r = livePostBlock.safeParse(b);
      return r.success && r.data.type !== "image" && r.data.type !== "video" ? [r.data] : [];
    })
    .filter((b) => wordsOf(b) && !seen.has(wordsOf(b)))
    .slice(0, 40);
  if (!fresh.length)
    return {
      posted: false,
      reason: `version ${mapped.version.replace(/^.*#/, "")} adds no new paragraph: nothing to post to the live story`,
    };
  const status = opts.queue ? "pending" : "published";
  const title = titles.has(mapped.story.headline) ? undefined : mapped.story.headline.slice(0, 200);
  await addLivePost(
    deps.db,
    story.id,
    {
      body: fresh,
      title,
      authorSlugs: [],
      pinned: false,
      keyEvent: false,
      status: "published",
    },
    { status, userId: null, sourceUri },
  );
  if (opts.queue)
    await tellEditors(
      deps,
      story.id,
      `The agency updated the item behind the live story ${quoted(story.headline)}: a post waits for approval in the live desk.`,
    );
  return {
    posted: true,
    reason: `appended to the live story as a post (${status === "published" ? "published" : "waiting for an editor's approval"})`,
  };
}

function feedSection(feed: WireFeed, ctx: ReceiveContext): { slug: string; name: string } {
  const slug = feed.sectionSlug ?? ctx.defaultSection?.slug ?? "news";
  const name =
    ctx.defaultSection && ctx.defaultSection.slug === slug
      ? ctx.defaultSection.name
      : slug.replace(/-/g, " ").replace(/^./, (c) => c.toUpperCase());
  return { slug, name };
}

// ---------------------------------------------------------------- the newsroom's actions

async function latestRead(deps: WireDeps, item: WireItem) {
  const versions = await versionsOf(deps.db, item.id);
  const latest = versions.find((v) => v.versionKey === item.latestVersion) ?? versions[0];
  if (!latest) throw new GazetteError("GZ_ERR_NOT_FOUND", `Wire item ${item.id} has no stored version.`);
  const read = readNinjsItem(JSON.parse(latest.payload) as unknown, { fetchedBody: latest.fetchedBody });
  if (!read.ok) throw new GazetteError("GZ_ERR_WIRE_ITEM", `The agency's item cannot be used: ${read.error}`);
  return { read, version: latest, versions };
}

async function mustFindItem(deps: WireDeps, id: number): Promise<WireItem> {
  const item = await wireItemById(deps.db, id);
  if (!item) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no wire item ${id}.`);
  return item;
}

/**
 * "Use as draft" / "Publish as is": a story from the item's newest version,
 * linked to it and credited to the agency. An item already used opens its
 * story instead of making a second one.
 */
export async function useWireItem(
  deps: WireDeps,
  id: number,
  opts: { actor: { userId: number; name: string }; publish: boolean; feed: WireFeed | undefined },
): Promise<{ storyId: number; created: boolean }> {
  const item = await mustFindItem(deps, id);
  if (item.storyId && (await storyById(deps.db, item.storyId)))
    return { storyId: item.storyId, created: false };
  if (item.kind !== "story")
    throw new GazetteError(
      "GZ_ERR_WIRE_ITEM",
      item.kind === "media"
        ? "This item is a picture or video: it is in the media library."
        : `This item cannot become a story: ${item.skipReason ?? "it has no text"}.`,
    );
  if (item.pubstatus === "canceled")
    throw new GazetteError("GZ_ERR_WIRE_ITEM", "The agency killed this item: it must not be used.");
  const { read, version } = await latestRead(deps, item);
  const mapped = read.mapped;
  if (mapped.kind !== "story") throw new GazetteError("GZ_ERR_WIRE_ITEM", "This item cannot become a story.");
  const status: StoryStatus = opts.publish ? "published" : "draft";
  let saved;
  try {
    saved = await writeStory(deps, mapped, version.baseDir, {
      existing: undefined,
      section: {
        slug: opts.feed?.sectionSlug ?? "news",
        name: opts.feed?.sectionSlug
          ? opts.feed.sectionSlug.replace(/-/g, " ").replace(/^./, (c) => c.toUpperCase())
          : "News",
      },
      topicNames: opts.feed?.topicNames,
      status,
      credit: opts.feed ? creditOf(opts.feed, mapped) : { name: "Wire" },
      actor: opts.actor,
      note: opts.publish
        ? `Published as is from the wire (${item.feedName ?? "wire"})`
        : `Drafted from the wire (${item.feedName ?? "wire"})`,
    });
  } catch (err) {
    const problem = itemProblem(err);
    if (problem === undefined) throw err;
    throw new GazetteError("GZ_ERR_WIRE_ITEM", `The agency's item cannot be used: ${problem}`);
  }
  await linkStory(deps.db, item.id, {
    storyId: saved.id,
    version: version.versionKey,
    revision: saved.revision,
  });
  return { storyId: saved.id, created: true };
}

/** What the newsroom sees of a story's wire item: the item, and the agency's newer version as a diff when one waits. */
export interface StoryWireState {
  item: WireItem;
  update: { version: string; receivedAt: string; diff: StoryDiff } | null;
}

function asContent(m: MappedItem & { kind: "story" }, like: StoryContent): StoryContent {
  return {
    ...like,
    headline: m.story.headline ?? "",
    summary: m.story.summary ?? [],
    body: m.story.body ?? [],
    ...(m.story.byline ? { byline: m.story.byline } : { byline: undefined }),
    ...(m.story.dateline ? { dateline: m.story.dateline } : { dateline: undefined }),
  } as StoryContent;
}

export async function storyWireState(
  deps: WireDeps,
  item: WireItem,
  content: StoryContent,
): Promise<StoryWireState> {
  if (!item.updatePending) return { item, update: null };
  const { read, version, versions } = await latestRead(deps, item);
  const applied = versions.find((v) => v.versionKey === item.appliedVersion);
  const before = applied
    ? readNinjsItem(JSON.parse(applied.payload) as unknown, { fetchedBody: applied.fetchedBody })
    : undefined;
  const after = read.mapped;
  if (after.kind !== "story") return { item, update: null };
  const beforeContent =
    before?.ok && before.mapped.kind === "story" ? asContent(before.mapped, content) : content;
  return {
    item,
    update: {
      version: version.versionKey,
      receivedAt: version.receivedAt,
      diff: diffStoryContent(beforeContent, asContent(after, content)),
    },
  };
}

/** "Apply": the agency's newest version replaces what it wrote in the story (the newsroom's section, topics and settings stay). */
export async function applyWireUpdate(
  deps: WireDeps,
  id: number,
  actor: { userId: number; name: string },
): Promise<{ storyId: number; revision: number }> {
  const item = await mustFindItem(deps, id);
  const story = item.storyId ? await storyById(deps.db, item.storyId) : undefined;
  if (!story) throw new GazetteError("GZ_ERR_NOT_FOUND", "No story was made from this wire item.");
  if (!item.updatePending)
    throw new GazetteError("GZ_ERR_WIRE_ITEM", "There is no newer version of the agency's item to apply.");
  const { read, version } = await latestRead(deps, item);
  if (read.mapped.kind !== "story")
    throw new GazetteError("GZ_ERR_WIRE_ITEM", "The newer version is not a story.");
  let saved;
  try {
    saved = await writeStory(deps, read.mapped, version.baseDir, {
      existing: story,
      section: { slug: story.section.slug, name: story.section.name },
      actor,
      note: `Applied the agency's update (version ${version.versionKey.replace("#", " v")})`,
    });
  } catch (err) {
    const problem = itemProblem(err);
    if (problem === undefined) throw err;
    throw new GazetteError("GZ_ERR_WIRE_ITEM", `The agency's update cannot be applied: ${problem}`);
  }
  await linkStory(deps.db, item.id, {
    storyId: story.id,
    version: version.versionKey,
    revision: saved.revision,
  });
  return { storyId: story.id, revision: saved.revision };
}

/** "Ignore": the waiting version is set aside (a later one will be offered again). */
export async function dismissWireUpdate(deps: WireDeps, id: number): Promise<void> {
  const item = await mustFindItem(deps, id);
  if (!item.updatePending)
    throw new GazetteError("GZ_ERR_WIRE_ITEM", "There is no newer version of the agency's item to ignore.");
  await dismissVersion(deps.db, item.id, item.latestVersion);
}
