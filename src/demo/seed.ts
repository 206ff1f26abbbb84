/**
 * Seeds the demo newsroom on an empty database: sections, authors, site
 * pages, generated pictures and videos, the stories of demo-content.ts and
 * its two subscription plans (one story for subscribers, one for readers
 * with an account).
 * Also writes the demo's house ads into `<data>/gazette.config.json` when no
 * configuration file exists, so the ads come from configuration like any
 * newsroom's would.
 */
import fs from "node:fs";
import path from "node:path";
import type { Config } from "../config.ts";
import type { Block, Inline } from "../content/model.ts";
import type { MediaStore, StoredImage } from "../media/media-store.ts";
import type { Db } from "../store/database.ts";
import { insertImage, insertVideo } from "../store/media-repo.ts";
import { upsertPage } from "../store/page-store.ts";
import { upsertPlan } from "../store/membership-store.ts";
import { campaignInput, saveAdvertiser, saveCampaign, saveCreative } from "../store/ad-store.ts";
import { writeSettings } from "../store/settings-store.ts";
import { generatePassword, hashPassword } from "../auth/passwords.ts";
import { addCorrection } from "../store/revision-store.ts";
import { saveStory, storyByUri } from "../store/story-store.ts";
import { insertComment } from "../store/comment-store.ts";
import { createReader, markVerified } from "../store/reader-store.ts";
import { type UserRole, createUser } from "../store/user-store.ts";
import { upsertAuthor, upsertSection } from "../store/taxonomy-store.ts";
import {
  ABOUT_PAGE,
  AUTHORS,
  type DemoBlock,
  type DemoPicture,
  HOUSE_ADS,
  SITE_SECTIONS,
  STANDARDS_PAGE,
  STORIES,
  VIDEOS,
  DEMO_COMMENTS,
  DEMO_READERS,
  COMMUNITY_RULES_PAGE,
  DEMO_PLANS,
  DEMO_CAMPAIGN,
  DEMO_LIVE,
} from "./demo-content.ts";
import { livePostInputSchema } from "../content/live.ts";
import { addLivePost, editLivePost, saveLiveCoverage } from "../store/live-store.ts";
import { sceneJpeg } from "./scenes.ts";
import { probeDurationSeconds, withTempFile } from "../media/video-probe.ts";
import { panVideo } from "./videos.ts";
import { seedDemoWire } from "./wire-items.ts";
import { seedDemoNewsletters } from "./newsletters.ts";

/** The demo's direct-sold campaign, its advertiser, and its one creative (a generated picture). */
async function seedDemoCampaign(db: Db, picture: StoredImage, now: Date): Promise<void> {
  const c = DEMO_CAMPAIGN;
  const imageId = await insertImage(db, {
    ...picture,
    remoteUrl: null,
    alt: c.creative.alt,
    caption: null,
    credit: c.advertiser.name,
  });
  const advertiser = await saveAdvertiser(db, c.advertiser, undefined, now);
  const campaign = await saveCampaign(
    db,
    campaignInput.parse({
      advertiserId: advertiser.id,
      name: c.name,
      status: "active",
      startsAt: new Date(now.getTime() - 86_400_000).toISOString(),
      endsAt: new Date(now.getTime() + c.days * 86_400_000).toISOString(),
      priority: c.priority,
      budgetImpressions: c.budgetImpressions,
      targeting: c.targeting,
    }),
    undefined,
    now,
  );
  await saveCreative(
    db,
    campaign.id,
    {
      kind: "image",
      name: c.creative.name,
      href: c.creative.href,
      weight: 1,
      imageId,
      width: c.creative.width,
      height: c.creative.height,
      alt: c.creative.alt,
      active: true,
    },
    undefined,
    now,
  );
}

/** `**bold**`, `_italic_`, `[text](url)`; “curly” quotes are kept as typed. */
/** Typographic apostrophes: "council's" → "council’s". */
export function typo(text: string): string {
  return text.replace(/(\p{L})'(\p{L})/gu, "$1’$2");
}

export function parseInline(raw: string): Inline[] {
  const src = typo(raw);
  const out: Inline[] = [];
  const re = /\*\*(.+?)\*\*|_(.+?)_|\[(.+?)\]\((.+?)\)/g;
  let last = 0;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    if (m.index > last) out.push({ text: src.slice(last, m.index) });
    if (m[1]) out.push({ text: m[1], bold: true });
    else if (m[2]) out.push({ text: m[2], italic: true });
    else if (m[3] && m[4]) out.push({ text: m[3], href: m[4] });
    last = m.index + m[0].length;
  }
  if (last < src.length) out.push({ text: src.slice(last) });
  return out;
}

/** The demo paper's time zone, set as a newsroom setting unless the configuration names one. */
export const DEMO_TIME_ZONE = "Europe/London";

export interface SeedDeps {
  db: Db;
  media: MediaStore;
  config: Config;
  now?: Date;
  /**
   * "now" (the default) returns once every picture size is made; "later"
   * returns once the stories are in, with the sizes made in the background
   * (`pictureSizesMade`), so a first start can serve the site sooner.
   */
  pictureSizes?: "now" | "later";
  /** Called as each picture's sizes are done: (done, of). */
  onPictureSizes?: (done: number, of: number) => void;
}

/** A block as it read in the first version (see DemoStory.earlier). */
function earlierBlock(b: Block, replacements: readonly [string, string][]): Block {
  const swap = (t: string) => replacements.reduce((acc, [now, then]) => acc.replace(now, then), t);
  if (b.type === "paragraph") return { ...b, content: b.content.map((r) => ({ ...r, text: swap(r.text) })) };
  return b;
}

/** A demo newsroom account: its password is shown once, at the first start. */
export interface DemoAccount {
  email: string;
  role: UserRole;
  name: string;
  password: string;
}

/** Demo-only accounts, one per role, signing as demo authors. Never use these on a real site. */
const DEMO_ACCOUNTS: { email: string; role: UserRole; name: string; authorSlug?: string }[] = [
  { email: "admin@demo.gazette.test", role: "admin", name: "Demo Admin" },
  { email: "ines@demo.gazette.test", role: "editor", name: "Ines Carvalho", authorSlug: "ines-carvalho" },
  {
    email: "tomas@demo.gazette.test",
    role: "contributor",
    name: "Tomas Whitlow",
    authorSlug: "tomas-whitlow",
  },
];

export async function seedDemo({
  db,
  media,
  config,
  now = new Date(),
  pictureSizes = "now",
  onPictureSizes,
}: SeedDeps): Promise<{ accounts: DemoAccount[]; pictureSizesMade: Promise<void> }> {
  const configFile = path.join(config.dataDir, "gazette.config.json");
  if (
    !fs.existsSync(configFile) &&
    !process.env["GAZETTE_CONFIG"] &&
    !fs.existsSync(path.resolve("gazette.config.json"))
  ) {
    // On PostgreSQL nothing else has made the data folder yet.
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(configFile, `${JSON.stringify({ ads: { houseAds: HOUSE_ADS } }, null, 2)}\n`);
    config.ads = { ...config.ads, houseAds: HOUSE_ADS };
  }

  // Media first (outside the transaction), rows in one transaction. Only
  // the originals are made before the rows: the pictures' sizes (AVIF, WebP
  // and JPEG at four widths, most of the work) can follow while the site
  // serves, and a size asked for before its turn is made on request.
  const stored: StoredImage[] = [];
  const original = async (jpeg: Buffer) => {
    const s = await media.putOriginal(jpeg);
    stored.push(s);
    return s;
  };
  const pictures = new Map<DemoPicture, StoredImage>();
  const allPictures = STORIES.flatMap((s) => [
    s.hero,
    ...s.body.flatMap((b) => (typeof b === "object" && "picture" in b ? [b.picture] : [])),
  ]);
  const videoFiles = new Map<string, { file: string; seconds: number | null; poster: StoredImage }>();
  // ffmpeg runs in its own process, so the videos encode while sharp draws the pictures.
  await Promise.all([
    (async () => {
      for (const p of allPictures) pictures.set(p, await original(await sceneJpeg(p.scene, p.seed)));
    })(),
    Promise.all(
      VIDEOS.map(async (v) => {
        const stills = await Promise.all(v.scenes.map((s) => sceneJpeg(s.scene, s.seed)));
        const mp4 = await panVideo(stills, v.seconds);
        const file = await media.putFile(mp4, "mp4");
        const poster = await original(await sceneJpeg(v.scenes[0]!.scene, v.scenes[0]!.seed, 1280, 720));
        const seconds = await withTempFile(mp4, "mp4", probeDurationSeconds);
        videoFiles.set(v.key, { file, seconds, poster });
      }),
    ),
  ]);
  const makeSizes = async () => {
    for (const [i, s] of stored.entries()) {
      await media.makeRenditions(s);
      onPictureSizes?.(i + 1, stored.length);
    }
  };

  await db.transaction().execute(async (trx) => {
    // Port Ellery keeps British time: readers see "10:30 BST", not UTC (changeable in Settings).
    if (config.site.timeZone === "UTC") await writeSettings(trx, { timeZone: DEMO_TIME_ZONE });
    for (const [i, s] of SITE_SECTIONS.entries()) await upsertSection(trx, { ...s, position: i });
    for (const a of AUTHORS) await upsertAuthor(trx, a);
    for (const [i, p] of DEMO_PLANS.entries()) await upsertPlan(trx, { ...p, position: i }, now);
    const toBlocks = (blocks: DemoBlock[]): Block[] =>
      blocks.flatMap((b): Block[] => {
        if (typeof b === "string") return [{ type: "paragraph", content: parseInline(b) }];
        if ("heading" in b) return [{ type: "heading", level: 2, text: typo(b.heading) }];
        if ("list" in b)
          return [{ type: "list", ordered: b.ordered ?? false, items: b.list.map(parseInline) }];
        if ("quote" in b) return [{ type: "quote", text: typo(b.quote), attribution: typo(b.by) }];
        if ("divider" in b) return [{ type: "divider" }];
        if ("previewEnd" in b) return [{ type: "preview-end" }];
        return [];
      });
    await upsertPage(
      trx,
      { slug: STANDARDS_PAGE.slug, title: STANDARDS_PAGE.title, body: toBlocks(STANDARDS_PAGE.body) },
      now,
    );
    await upsertPage(
      trx,
      { slug: ABOUT_PAGE.slug, title: ABOUT_PAGE.title, body: toBlocks(ABOUT_PAGE.body) },
      now,
    );
    await upsertPage(
      trx,
      {
        slug: COMMUNITY_RULES_PAGE.slug,
        title: COMMUNITY_RULES_PAGE.title,
        body: toBlocks(COMMUNITY_RULES_PAGE.body),
      },
      now,
    );

    const imageIds = new Map<DemoPicture, number>();
    for (const [p, stored] of pictures) {
      imageIds.set(
        p,
        await insertImage(trx, {
          ...stored,
          remoteUrl: null,
          alt: p.alt,
          caption: p.caption,
          credit: p.credit,
        }),
      );
    }
    const videoIds = new Map<string, number>();
    for (const v of VIDEOS) {
      const f = videoFiles.get(v.key)!;
      const posterId = await insertImage(trx, {
        ...f.poster,
        remoteUrl: null,
        alt: `Still from the video: ${v.title}`,
        caption: null,
        credit: v.credit,
      });
      videoIds.set(
        v.key,
        await insertVideo(trx, {
          title: v.title,
          durationSeconds: f.seconds,
          posterImageId: posterId,
          sources: [{ url: `/media/${f.file}`, type: "video/mp4" }],
          caption: v.caption,
          credit: v.credit,
        }),
      );
    }

    // Oldest first, so that related-story blocks can point at stories already saved.
    const storyIds = new Map<string, number>();
    const ordered = [...STORIES].sort((a, b) => b.hoursAgo - a.hoursAgo);
    const pending: { key: string; body: DemoBlock[] }[] = [];
    for (const s of ordered) {
      const published = new Date(now.getTime() - s.hoursAgo * 3600_000).toISOString();
      const updated = new Date(now.getTime() - (s.updatedHoursAgo ?? s.hoursAgo) * 3600_000).toISOString();
      const body = s.body.flatMap((b): Block[] => {
        if (typeof b === "object" && "picture" in b)
          return [{ type: "image", imageId: imageIds.get(b.picture)! }];
        if (typeof b === "object" && "video" in b)
          return [{ type: "video", videoId: videoIds.get(b.video)! }];
        if (typeof b === "object" && "embed" in b)
          return [{ type: "embed", url: b.embed, title: b.title, provider: b.provider }];
        if (typeof b === "object" && "related" in b) {
          const id = storyIds.get(b.related);
          if (!id) pending.push({ key: s.key, body: s.body });
          return id ? [{ type: "related-story", storyId: id }] : [];
        }
        return toBlocks([b]);
      });
      const input = {
        uri: `urn:gazette:demo:${s.key}`,
        headline: typo(s.headline),
        summary: s.summary.map(typo),
        body,
        heroImageId: imageIds.get(s.hero)!,
        sectionSlug: s.section,
        topicNames: s.topics,
        authorSlugs: s.authors,
        ...(s.dateline ? { dateline: s.dateline } : {}),
        sources: s.sources ?? [],
        relatedVideoIds: (s.relatedVideos ?? []).map((k) => videoIds.get(k)!),
        ...(s.access ? { access: { level: s.access, plans: [] } } : {}),
        ...(s.sponsor ? { sponsor: s.sponsor } : {}),
        ...(s.byline ? { byline: s.byline } : {}),
        status: "published" as const,
        firstPublishedAt: published,
        updatedAt: updated,
      };
      const byline = { userId: null, name: AUTHORS.find((a) => a.slug === s.authors[0])?.name ?? "Gazette" };
      let saved;
      if (s.earlier) {
        // First as readers first saw it, then the update: the public history shows the change.
        const earlierBody = body.map((b) => earlierBlock(b, s.earlier!.replacements));
        await saveStory(
          trx,
          { ...input, body: earlierBody, updatedAt: published },
          { now: new Date(published), actor: byline, note: "Published" },
        );
        saved = await saveStory(trx, input, {
          now: new Date(updated),
          actor: byline,
          note: "Updated the published story",
        });
        if (s.earlier.correction) {
          await addCorrection(
            trx,
            saved.id,
            { kind: "correction", text: s.earlier.correction },
            null,
            new Date(updated),
          );
        }
      } else {
        saved = await saveStory(trx, input, { now: new Date(published), actor: byline, note: "Published" });
      }
      storyIds.set(s.key, saved.id);
    }
    if (pending.length)
      throw new Error(
        `demo content: related-story blocks point at stories not yet saved (${pending.map((p) => p.key).join(", ")})`,
      );
  });

  // The live story: coverage open since the story went up, its posts at their times.
  {
    const id = (await storyByUri(db, `urn:gazette:demo:${DEMO_LIVE.story}`))!.id;
    const story = STORIES.find((x) => x.key === DEMO_LIVE.story)!;
    await saveLiveCoverage(db, id, {
      coverageStart: new Date(now.getTime() - story.hoursAgo * 3600_000).toISOString(),
    });
    const paragraphs = (text: string[]) =>
      text.map((t) => ({ type: "paragraph" as const, content: [{ text: typo(t) }] }));
    for (const p of DEMO_LIVE.posts) {
      const post = await addLivePost(
        db,
        id,
        livePostInputSchema.parse({
          ...(p.title ? { title: p.title } : {}),
          body: paragraphs(p.text),
          authorSlugs: [p.author],
          pinned: p.pinned ?? false,
          keyEvent: p.keyEvent ?? false,
        }),
        { status: "published", userId: null, now: new Date(now.getTime() - p.minutesAgo * 60_000) },
      );
      if (p.edited)
        await editLivePost(
          db,
          post.id,
          { body: paragraphs(p.edited.text), note: p.edited.note },
          {
            now: new Date(now.getTime() - p.edited.minutesAgo * 60_000),
            actor: { userId: null, name: "Demo" },
          },
        );
    }
  }

  // Readers and their comments: a conversation on the fullest story, counts kept as comment-store keeps them.
  await db.transaction().execute(async (trx) => {
    const readerIds = new Map<string, number>();
    for (const [i, name] of DEMO_READERS.entries()) {
      const created = new Date(now.getTime() - (30 + i) * 86_400_000);
      const r = await createReader(
        trx,
        {
          email: `reader${i + 1}@demo.gazette.test`,
          displayName: name,
          passwordHash: "!",
          notifyReplies: false,
        },
        created,
      );
      await markVerified(trx, r.id, created);
      readerIds.set(name, r.id);
    }
    for (const [key, comments] of Object.entries(DEMO_COMMENTS)) {
      const story = await storyByUri(trx, `urn:gazette:demo:${key}`);
      if (!story?.firstPublishedAt) continue;
      const added: { id: number; depth: number }[] = [];
      for (const [i, c] of comments.entries()) {
        const parent = c.replyTo !== undefined ? added[c.replyTo]! : undefined;
        const at = new Date(Date.parse(story.firstPublishedAt) + (i + 1) * 11 * 60_000);
        const row = await insertComment(
          trx,
          {
            storyId: story.id,
            readerId: readerIds.get(c.by)!,
            parentId: parent?.id ?? null,
            depth: parent ? parent.depth + 1 : 0,
            body: typo(c.text),
            status: "approved",
            holdReasons: [],
            staff: c.staff ?? false,
            reactionCount: c.reactions ?? 0,
          },
          at,
        );
        added.push({ id: row.id, depth: row.depth });
      }
    }
  });

  const accounts: DemoAccount[] = [];
  for (const a of DEMO_ACCOUNTS) {
    const password = generatePassword();
    await createUser(db, { ...a, passwordHash: await hashPassword(password) });
    accounts.push({ email: a.email, role: a.role, name: a.name, password });
  }
  await seedDemoWire({ db, media }, now);
  await seedDemoNewsletters(db, config.site.timeZone, now);
  await seedDemoCampaign(
    db,
    await original(await sceneJpeg(DEMO_CAMPAIGN.creative.scene, DEMO_CAMPAIGN.creative.seed, 600, 500)),
    now,
  );
  if (pictureSizes === "now") {
    await makeSizes();
    return { accounts, pictureSizesMade: Promise.resolve() };
  }
  return { accounts, pictureSizesMade: makeSizes() };
}
