/**
 * Advertisers, their campaigns and creatives, and the counts of what was
 * shown, seen and clicked — per creative and day, never per reader. Every
 * write records the `ads` key: pages with ad slots are rendered again and
 * every process reloads its campaigns.
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import { type AdTargeting, adTargetingSchema } from "../content/ad-selection.ts";
import { GazetteError } from "../content/errors.ts";
import { cacheKey } from "./cache-keys.ts";
import { recordChange } from "./change-feed.ts";
import type { Db } from "./database.ts";
import type { AdCampaignTable, AdCreativeTable } from "./schema.ts";

const iso = (d: Date) => d.toISOString();

export interface Advertiser {
  id: number;
  name: string;
  contactEmail: string | null;
}

export async function listAdvertisers(db: Db): Promise<Advertiser[]> {
  const rows = await db.selectFrom("advertisers").selectAll().orderBy("name").execute();
  return rows.map((r) => ({ id: r.id, name: r.name, contactEmail: r.contact_email }));
}

export async function saveAdvertiser(
  db: Db,
  a: { name: string; contactEmail: string | null },
  id?: number,
  now = new Date(),
): Promise<Advertiser> {
  const values = { name: a.name, contact_email: a.contactEmail, updated_at: iso(now) };
  const row =
    id === undefined
      ? await db
          .insertInto("advertisers")
          .values({ ...values, created_at: iso(now) })
          .returningAll()
          .executeTakeFirstOrThrow()
      : await db
          .updateTable("advertisers")
          .set(values)
          .where("id", "=", id)
          .returningAll()
          .executeTakeFirst();
  if (!row) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no advertiser ${id}.`);
  await recordChange(db, [cacheKey.ads]);
  return { id: row.id, name: row.name, contactEmail: row.contact_email };
}

export const CAMPAIGN_STATUSES = ["draft", "active", "paused", "archived"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export interface Creative {
  id: number;
  campaignId: number;
  kind: "image" | "text";
  name: string;
  /** Where a click goes (through /ad/click/ID, which counts it). */
  href: string;
  weight: number;
  imageId: number | null;
  width: number | null;
  height: number | null;
  alt: string;
  headline: string;
  body: string;
  cta: string;
  active: boolean;
}

export interface Campaign {
  id: number;
  advertiserId: number;
  advertiserName: string;
  name: string;
  status: CampaignStatus;
  startsAt: string;
  endsAt: string | null;
  priority: number;
  weight: number;
  budgetImpressions: number | null;
  frequencyCap: number | null;
  targeting: AdTargeting;
  creatives: Creative[];
}

function toCreative(r: Selectable<AdCreativeTable>): Creative {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    kind: r.kind === "image" ? "image" : "text",
    name: r.name,
    href: r.href,
    weight: r.weight,
    imageId: r.image_id,
    width: r.width,
    height: r.height,
    alt: r.alt,
    headline: r.headline,
    body: r.body,
    cta: r.cta,
    active: r.active === 1,
  };
}

function targetingOf(json: string): AdTargeting {
  const parsed = adTargetingSchema.safeParse(JSON.parse(json || "{}"));
  return parsed.success ? parsed.data : adTargetingSchema.parse({});
}

function toCampaign(
  r: Selectable<AdCampaignTable> & { advertiser_name: string },
  creatives: Creative[],
): Campaign {
  return {
    id: r.id,
    advertiserId: r.advertiser_id,
    advertiserName: r.advertiser_name,
    name: r.name,
    status: (CAMPAIGN_STATUSES as readonly string[]).includes(r.status)
      ? (r.status as CampaignStatus)
      : "draft",
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    priority: r.priority,
    weight: r.weight,
    budgetImpressions: r.budget_impressions,
    frequencyCap: r.frequency_cap,
    targeting: targetingOf(r.targeting),
    creatives: creatives.filter((c) => c.campaignId === r.id),
  };
}

async function campaignsWhere(
  db: Db,
  filter: { id?: number; live?: Date; includeArchived?: boolean },
): Promise<Campaign[]> {
  let q = db
    .selectFrom("ad_campaigns")
    .innerJoin("advertisers", "advertisers.id", "ad_campaigns.advertiser_id")
    .selectAll("ad_campaigns")
    .select("advertisers.name as advertiser_name")
    .orderBy("ad_campaigns.starts_at", "desc")
    .orderBy("ad_campaigns.id", "desc");
  if (filter.id !== undefined) q = q.where("ad_campaigns.id", "=", filter.id);
  else if (!filter.includeArchived) q = q.where("ad_campaigns.status", "!=", "archived");
  if (filter.live) {
    const now = iso(filter.live);
    q = q
      .where("ad_campaigns.status", "=", "active")
      .where("ad_campaigns.starts_at", "<=", now)
      .where((eb) => eb.or([eb("ad_campaigns.ends_at", "is", null), eb("ad_campaigns.ends_at", ">", now)]));
  }
  const rows = await q.execute();
  if (!rows.length) return [];
  let cq = db
    .selectFrom("ad_creatives")
    .selectAll()
    .where(
      "campaign_id",
      "in",
      rows.map((r) => r.id),
    )
    .orderBy("id");
  if (filter.live) cq = cq.where("active", "=", 1);
  const creatives = (await cq.execute()).map(toCreative);
  return rows.map((r) => toCampaign(r, creatives));
}

export async function listCampaigns(db: Db, opts: { includeArchived?: boolean } = {}): Promise<Campaign[]> {
  return campaignsWhere(db, opts);
}

export async function campaignById(db: Db, id: number): Promise<Campaign | undefined> {
  return (await campaignsWhere(db, { id }))[0];
}

/** Campaigns serving at `now` (active and between their dates), with their active creatives and impressions so far. */
export async function liveCampaigns(db: Db, now: Date): Promise<(Campaign & { impressions: number })[]> {
  const live = await campaignsWhere(db, { live: now });
  if (!live.length) return [];
  const totals = await db
    .selectFrom("ad_stats")
    .select(["campaign_id", (eb) => eb.fn.sum<number | string>("impressions").as("impressions")])
    .where(
      "campaign_id",
      "in",
      live.map((c) => c.id),
    )
    .groupBy("campaign_id")
    .execute();
  const by = new Map(totals.map((t) => [t.campaign_id, Number(t.impressions)]));
  return live.map((c) => ({ ...c, impressions: by.get(c.id) ?? 0 }));
}

export const campaignInput = z
  .object({
    advertiserId: z.number().int().positive(),
    name: z.string().trim().min(1).max(200),
    status: z.enum(CAMPAIGN_STATUSES).default("draft"),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }).nullable().default(null),
    priority: z.number().int().min(1).max(10).default(5),
    weight: z.number().int().min(1).max(1000).default(1),
    budgetImpressions: z.number().int().min(1).nullable().default(null),
    frequencyCap: z.number().int().min(1).max(100).nullable().default(null),
    targeting: adTargetingSchema.default(adTargetingSchema.parse({})),
  })
  .strict()
  .refine((c) => !c.endsAt || Date.parse(c.endsAt) > Date.parse(c.startsAt), {
    path: ["endsAt"],
    message: "must be after startsAt",
  });
export type CampaignInput = z.output<typeof campaignInput>;

export async function saveCampaign(
  db: Db,
  c: CampaignInput,
  id?: number,
  now = new Date(),
): Promise<Campaign> {
  const advertiser = await db
    .selectFrom("advertisers")
    .select("id")
    .where("id", "=", c.advertiserId)
    .executeTakeFirst();
  if (!advertiser)
    throw new GazetteError("GZ_ERR_VALIDATION", `There is no advertiser ${c.advertiserId}.`, {
      fields: [
        {
          path: "advertiserId",
          message: "no such advertiser: make it first (POST /api/admin/ads/advertisers)",
        },
      ],
    });
  const values = {
    advertiser_id: c.advertiserId,
    name: c.name,
    status: c.status,
    starts_at: new Date(c.startsAt).toISOString(),
    ends_at: c.endsAt ? new Date(c.endsAt).toISOString() : null,
    priority: c.priority,
    weight: c.weight,
    budget_impressions: c.budgetImpressions,
    frequency_cap: c.frequencyCap,
    targeting: JSON.stringify(c.targeting),
    updated_at: iso(now),
  };
  const row =
    id === undefined
      ? await db
          .insertInto("ad_campaigns")
          .values({ ...values, created_at: iso(now) })
          .returning("id")
          .executeTakeFirstOrThrow()
      : await db
          .updateTable("ad_campaigns")
          .set(values)
          .where("id", "=", id)
          .returning("id")
          .executeTakeFirst();
  if (!row) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no campaign ${id}.`);
  await recordChange(db, [cacheKey.ads]);
  return (await campaignById(db, row.id))!;
}

export const creativeInput = z
  .discriminatedUnion("kind", [
    z
      .object({
        kind: z.literal("image"),
        name: z.string().trim().min(1).max(200),
        href: z.url({ protocol: /^https?$/ }),
        weight: z.number().int().min(0).max(1000).default(1),
        imageId: z.number().int().positive(),
        width: z.number().int().positive().max(2000),
        height: z.number().int().positive().max(2000),
        alt: z.string().trim().min(1, "an image ad needs alt text: what the ad says").max(300),
        active: z.boolean().default(true),
      })
      .strict(),
    z
      .object({
        kind: z.literal("text"),
        name: z.string().trim().min(1).max(200),
        href: z.url({ protocol: /^https?$/ }),
        weight: z.number().int().min(0).max(1000).default(1),
        headline: z.string().trim().min(1).max(120),
        body: z.string().trim().min(1).max(300),
        cta: z.string().trim().min(1).max(60),
        active: z.boolean().default(true),
      })
      .strict(),
  ])
  .describe("An image in one of the slot sizes, or a text ad");
export type CreativeInput = z.output<typeof creativeInput>;

export async function saveCreative(
  db: Db,
  campaignId: number,
  c: CreativeInput,
  id?: number,
  now = new Date(),
): Promise<Creative> {
  if (!(await db.selectFrom("ad_campaigns").select("id").where("id", "=", campaignId).executeTakeFirst()))
    throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no campaign ${campaignId}.`);
  if (c.kind === "image") {
    const img = await db.selectFrom("images").select("id").where("id", "=", c.imageId).executeTakeFirst();
    if (!img)
      throw new GazetteError("GZ_ERR_VALIDATION", `There is no image ${c.imageId}.`, {
        fields: [
          { path: "imageId", message: "upload the picture first (POST /api/admin/images) and use its id" },
        ],
      });
  }
  const values = {
    campaign_id: campaignId,
    kind: c.kind,
    name: c.name,
    href: c.href,
    weight: c.weight,
    image_id: c.kind === "image" ? c.imageId : null,
    width: c.kind === "image" ? c.width : null,
    height: c.kind === "image" ? c.height : null,
    alt: c.kind === "image" ? c.alt : "",
    headline: c.kind === "text" ? c.headline : "",
    body: c.kind === "text" ? c.body : "",
    cta: c.kind === "text" ? c.cta : "",
    active: c.active ? 1 : 0,
    updated_at: iso(now),
  };
  const row =
    id === undefined
      ? await db
          .insertInto("ad_creatives")
          .values({ ...values, created_at: iso(now) })
          .returningAll()
          .executeTakeFirstOrThrow()
      : await db
          .updateTable("ad_creatives")
          .set(values)
          .where("id", "=", id)
          .where("campaign_id", "=", campaignId)
          .returningAll()
          .executeTakeFirst();
  if (!row)
    throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no creative ${id} in campaign ${campaignId}.`);
  await recordChange(db, [cacheKey.ads]);
  return toCreative(row);
}

/** Where a creative's clicks go, and its campaign (also for creatives no longer serving: cached pages may show them). */
export async function creativeTarget(
  db: Db,
  id: number,
): Promise<{ href: string; campaignId: number } | undefined> {
  const r = await db
    .selectFrom("ad_creatives")
    .select(["href", "campaign_id"])
    .where("id", "=", id)
    .executeTakeFirst();
  return r && { href: r.href, campaignId: r.campaign_id };
}

export interface AdCount {
  creativeId: number;
  campaignId: number;
  /** YYYY-MM-DD in the site's time zone. */
  day: string;
  impressions: number;
  viewable: number;
  clicks: number;
}

/** Adds counts (a process's tally since its last flush) in one transaction. */
export async function addAdCounts(db: Db, counts: readonly AdCount[]): Promise<void> {
  if (!counts.length) return;
  await db.transaction().execute(async (trx) => {
    for (const c of counts) {
      await trx
        .insertInto("ad_stats")
        .values({
          creative_id: c.creativeId,
          campaign_id: c.campaignId,
          day: c.day,
          impressions: c.impressions,
          viewable: c.viewable,
          clicks: c.clicks,
        })
        .onConflict((oc) =>
          oc.columns(["creative_id", "day"]).doUpdateSet((eb) => ({
            impressions: eb("ad_stats.impressions", "+", eb.ref("excluded.impressions")),
            viewable: eb("ad_stats.viewable", "+", eb.ref("excluded.viewable")),
            clicks: eb("ad_stats.clicks", "+", eb.ref("excluded.clicks")),
          })),
        )
        .execute();
    }
  });
}

export interface ReportRow {
  day: string;
  creativeId: number;
  creativeName: string;
  impressions: number;
  viewable: number;
  clicks: number;
}

export interface CampaignReport {
  campaign: Campaign;
  rows: ReportRow[];
  totals: { impressions: number; viewable: number; clicks: number; viewableRate: number; ctr: number };
  /** Share of the impression budget delivered (null without a budget). */
  delivered: number | null;
}

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/** A campaign's counts per day and creative, and its totals. */
export async function campaignReport(db: Db, id: number): Promise<CampaignReport | undefined> {
  const campaign = await campaignById(db, id);
  if (!campaign) return undefined;
  const rows = await db
    .selectFrom("ad_stats")
    .innerJoin("ad_creatives", "ad_creatives.id", "ad_stats.creative_id")
    .select([
      "ad_stats.day",
      "ad_stats.creative_id",
      "ad_creatives.name",
      "ad_stats.impressions",
      "ad_stats.viewable",
      "ad_stats.clicks",
    ])
    .where("ad_stats.campaign_id", "=", id)
    .orderBy("ad_stats.day")
    .orderBy("ad_stats.creative_id")
    .execute();
  const out: ReportRow[] = rows.map((r) => ({
    day: r.day,
    creativeId: r.creative_id,
    creativeName: r.name,
    impressions: r.impressions,
    viewable: r.viewable,
    clicks: r.clicks,
  }));
  const sum = (k: "impressions" | "viewable" | "clicks") => out.reduce((n, r) => n + r[k], 0);
  const impressions = sum("impressions");
  const viewable = sum("viewable");
  const clicks = sum("clicks");
  return {
    campaign,
    rows: out,
    totals: {
      impressions,
      viewable,
      clicks,
      viewableRate: rate(viewable, impressions),
      ctr: rate(clicks, impressions),
    },
    delivered: campaign.budgetImpressions ? impressions / campaign.budgetImpressions : null,
  };
}

/** The site's ads.txt and app-ads.txt, as an admin saved them ("" when never). */
export type AdsTxtFile = "ads.txt" | "app-ads.txt";
const adsTxtKey = (f: AdsTxtFile) => (f === "ads.txt" ? "ads_txt" : "app_ads_txt");

export async function readAdsTxt(db: Db, file: AdsTxtFile): Promise<string> {
  const r = await db
    .selectFrom("settings")
    .select("value")
    .where("key", "=", adsTxtKey(file))
    .executeTakeFirst();
  return r?.value ?? "";
}

export async function saveAdsTxt(db: Db, file: AdsTxtFile, text: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("settings")
      .values({ key: adsTxtKey(file), value: text })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: text }))
      .execute();
    await recordChange(trx, [cacheKey.ads]);
  });
}
