/**
 * The newsroom's side of advertising (admin API): advertisers, campaigns
 * and their creatives, a campaign's report (impressions, viewable rate,
 * clicks, CTR, delivery against budget) and its CSV for the advertiser,
 * and ads.txt / app-ads.txt.
 */
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import { adsTxtProblems } from "../content/ads-txt.ts";
import { GazetteError } from "../content/errors.ts";
import { csvSafeCell } from "../content/newsletter.ts";
import type { Db } from "../store/database.ts";
import {
  campaignById,
  campaignInput,
  campaignReport,
  creativeInput,
  listAdvertisers,
  listCampaigns,
  readAdsTxt,
  saveAdsTxt,
  saveAdvertiser,
  saveCampaign,
  saveCreative,
} from "../store/ad-store.ts";
import { type Endpoint, asset, endpoint, idParam, positiveIntInPath } from "../web/endpoint.ts";

export interface AdAdminDeps {
  db: Db;
}

const advertiserBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    contactEmail: z.email("must be an email address").nullable().default(null),
  })
  .strict();

const adsTxtBody = z
  .object({
    adsTxt: z.string().max(1_000_000).optional(),
    appAdsTxt: z.string().max(1_000_000).optional(),
  })
  .strict();

/** Each wrong line, named by its field and number (the document can only say "a string"). */
function checkAdsTxt(body: z.output<typeof adsTxtBody>): void {
  const fields = (["adsTxt", "appAdsTxt"] as const).flatMap((path) =>
    adsTxtProblems(body[path] ?? "").map((message) => ({ path, message })),
  );
  if (fields.length)
    throw new GazetteError(
      "GZ_ERR_VALIDATION",
      `${fields[0]!.path}: ${fields[0]!.message}${fields.length > 1 ? ` (and ${fields.length - 1} more)` : ""}`,
      { fields },
    );
}

const creativeParams = z.object({ id: positiveIntInPath, creativeId: positiveIntInPath });

/** A booking: a new advertiser (or none: the campaign names one), the campaign and its creatives, saved together. */
const bookingBody = z
  .object({
    advertiser: advertiserBody.optional(),
    campaign: z.unknown(),
    creatives: z.array(creativeInput).min(1).max(20),
  })
  .strict();

export function adAdminEndpoints(deps: AdAdminDeps): Endpoint[] {
  const { db } = deps;
  const tag = "Advertising";
  const found = async (id: number) => {
    const c = await campaignById(db, id);
    if (!c) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no campaign ${id}.`);
    return c;
  };
  return [
    endpoint({
      method: "GET",
      path: "/api/admin/ads/advertisers",
      access: "ads.view",
      responds: "json",
      tag,
      summary: "Every advertiser",
      handler: async () => ({ advertisers: await listAdvertisers(db) }),
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/ads/advertisers",
      access: "ads.manage",
      responds: "json",
      status: 201,
      tag,
      summary: "Add an advertiser",
      body: advertiserBody,
      handler: async ({ body }) => ({ advertiser: await saveAdvertiser(db, body) }),
    }),
    endpoint({
      method: "PUT",
      path: "/api/admin/ads/advertisers/:id",
      access: "ads.manage",
      responds: "json",
      tag,
      summary: "Change an advertiser's name or contact",
      params: idParam,
      body: advertiserBody,
      handler: async ({ params, body }) => ({ advertiser: await saveAdvertiser(db, body, params.id) }),
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/ads/campaigns",
      access: "ads.view",
      responds: "json",
      tag,
      summary: "Every campaign (archived ones with ?archived=1), newest first, with its creatives",
      query: z.object({ archived: z.enum(["0", "1"]).default("0") }),
      handler: async ({ query }) => ({
        campaigns: await listCampaigns(db, { includeArchived: query.archived === "1" }),
      }),
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/ads/campaigns",
      access: "ads.manage",
      responds: "json",
      status: 201,
      tag,
      summary:
        "Book a campaign: dates, priority (1-10, higher wins), weight, impression budget, frequency cap, targeting",
      body: campaignInput,
      handler: async ({ body }) => ({ campaign: await saveCampaign(db, body) }),
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/ads/bookings",
      access: "ads.manage",
      responds: "json",
      status: 201,
      tag,
      summary:
        "Book a campaign in one step: {advertiser?, campaign, creatives}; a new advertiser's id fills the campaign's advertiserId; nothing is saved unless all of it is",
      body: bookingBody,
      handler: async ({ body }) =>
        db.transaction().execute(async (trx) => {
          const advertiserId = body.advertiser ? (await saveAdvertiser(trx, body.advertiser)).id : undefined;
          const parsed = campaignInput.safeParse({
            ...(body.campaign as Record<string, unknown>),
            ...(advertiserId ? { advertiserId } : {}),
          });
          if (!parsed.success)
            throw new GazetteError("GZ_ERR_VALIDATION", "The campaign is not valid.", {
              fields: parsed.error.issues.map((i) => ({
                path: ["campaign", ...i.path].join("."),
                message: i.message,
              })),
            });
          const campaign = await saveCampaign(trx, parsed.data);
          for (const c of body.creatives) await saveCreative(trx, campaign.id, c);
          return { campaign: await campaignById(trx, campaign.id) };
        }),
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/ads/campaigns/:id",
      access: "ads.view",
      responds: "json",
      tag,
      summary: "A campaign with its creatives",
      params: idParam,
      handler: async ({ params }) => ({ campaign: await found(params.id) }),
    }),
    endpoint({
      method: "PUT",
      path: "/api/admin/ads/campaigns/:id",
      access: "ads.manage",
      responds: "json",
      tag,
      summary: "Change a campaign (status active to serve, paused or archived to stop)",
      params: idParam,
      body: campaignInput,
      handler: async ({ params, body }) => ({ campaign: await saveCampaign(db, body, params.id) }),
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/ads/campaigns/:id/creatives",
      access: "ads.manage",
      responds: "json",
      status: 201,
      tag,
      summary:
        "Add a creative: an uploaded image in one of the slot sizes with alt text, or a text ad; its link",
      params: idParam,
      body: creativeInput,
      handler: async ({ params, body }) => ({ creative: await saveCreative(db, params.id, body) }),
    }),
    endpoint({
      method: "PUT",
      path: "/api/admin/ads/campaigns/:id/creatives/:creativeId",
      access: "ads.manage",
      responds: "json",
      tag,
      summary: "Change a creative (active: false stops it)",
      params: creativeParams,
      body: creativeInput,
      handler: async ({ params, body }) => ({
        creative: await saveCreative(db, params.id, body, params.creativeId),
      }),
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/ads/campaigns/:id/report",
      access: "ads.view",
      responds: "json",
      tag,
      summary:
        "A campaign's delivery: impressions, viewable impressions and rate, clicks and CTR, per day and creative, against its budget",
      params: idParam,
      handler: async ({ params }) => {
        const report = await campaignReport(db, params.id);
        if (!report) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no campaign ${params.id}.`);
        return report;
      },
    }),
    endpoint({
      method: "GET",
      path: "/admin/ads/campaigns/:id/report.csv",
      access: "ads.manage",
      responds: "asset",
      tag,
      summary: "A campaign's delivery per day and creative as CSV, for the advertiser",
      params: idParam,
      handler: async ({ params }) => {
        const report = await campaignReport(db, params.id);
        if (!report) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no campaign ${params.id}.`);
        const pct = (n: number) => (n * 100).toFixed(2);
        const csv = stringify([
          ["day", "creative", "impressions", "viewable", "viewable rate %", "clicks", "CTR %"],
          ...report.rows.map((r) =>
            [
              r.day,
              r.creativeName,
              String(r.impressions),
              String(r.viewable),
              pct(r.impressions ? r.viewable / r.impressions : 0),
              String(r.clicks),
              pct(r.impressions ? r.clicks / r.impressions : 0),
            ].map(csvSafeCell),
          ),
          [
            "total",
            "",
            String(report.totals.impressions),
            String(report.totals.viewable),
            pct(report.totals.viewableRate),
            String(report.totals.clicks),
            pct(report.totals.ctr),
          ],
        ]);
        const name = report.campaign.name.replace(/[^\w-]+/g, "-").slice(0, 60) || "campaign";
        return asset(csv, "text/csv; charset=utf-8", "private, no-store", {
          headers: { "content-disposition": `attachment; filename="${name}-report.csv"` },
        });
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/ads/ads-txt",
      access: "ads.view",
      responds: "json",
      tag,
      summary: "The site's ads.txt and app-ads.txt as saved",
      handler: async () => ({
        adsTxt: await readAdsTxt(db, "ads.txt"),
        appAdsTxt: await readAdsTxt(db, "app-ads.txt"),
      }),
    }),
    endpoint({
      method: "PUT",
      path: "/api/admin/ads/ads-txt",
      access: "ads.manage",
      responds: "json",
      tag,
      summary:
        "Save ads.txt and/or app-ads.txt (checked line by line; a wrong line is named and nothing is saved)",
      body: adsTxtBody,
      handler: async ({ body }) => {
        checkAdsTxt(body);
        if (body.adsTxt !== undefined) await saveAdsTxt(db, "ads.txt", body.adsTxt);
        if (body.appAdsTxt !== undefined) await saveAdsTxt(db, "app-ads.txt", body.appAdsTxt);
        return {
          adsTxt: await readAdsTxt(db, "ads.txt"),
          appAdsTxt: await readAdsTxt(db, "app-ads.txt"),
        };
      },
    }),
  ];
}
