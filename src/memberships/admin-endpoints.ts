/**
 * The newsroom's side of memberships (admin API): members and subscribers
 * with counts and monthly revenue, the CSV export, plans, grants,
 * institutions, a section's default access, and gift links to any story.
 */
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import type { Config } from "../config.ts";
import { GazetteError } from "../content/errors.ts";
import { IpRanges } from "../content/ip-ranges.ts";
import { accessSchema, slugSchema } from "../content/model.ts";
import { csvSafeCell } from "../content/newsletter.ts";
import { giftToken } from "../auth/access-tokens.ts";
import type { Db } from "../store/database.ts";
import {
  GRANT_KINDS,
  MEMBER_FILTERS,
  accessSigningKey,
  addGrant,
  createGift,
  deleteInstitution,
  listInstitutions,
  listMembers,
  listPlans,
  membershipSummary,
  planBySlug,
  revokeGrant,
  saveInstitution,
  upsertPlan,
} from "../store/membership-store.ts";
import { storyById } from "../store/story-store.ts";
import { setSectionAccess } from "../store/taxonomy-store.ts";
import { type Endpoint, asset, endpoint, idParam } from "../web/endpoint.ts";

export interface MembershipAdminDeps {
  config: Config;
  db: Db;
}

const isoDate = z.iso.datetime({ offset: true });

const planBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).default(""),
    priceMinor: z.number().int().min(0).max(100_000_000),
    currency: z.string().regex(/^[A-Za-z]{3}$/, "must be a three-letter ISO 4217 code such as eur"),
    interval: z.enum(["month", "year"]),
    stripePriceId: z
      .string()
      .regex(/^price_\w+$/, "must be a Stripe Price id (price_…) from the Stripe dashboard")
      .nullable()
      .default(null),
    active: z.boolean().default(true),
    position: z.number().int().min(0).max(1000).default(0),
  })
  .strict();

const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "must be a domain such as library.example",
  );

const institutionBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    emailDomains: z.array(domainSchema).max(100).default([]),
    ipRanges: z
      .array(
        z.union([z.cidrv4(), z.cidrv6(), z.ipv4(), z.ipv6()], {
          error: "must be an IP address or a CIDR range such as 192.0.2.0/24 or 2001:db8::/32",
        }),
      )
      .max(10_000)
      .default([]),
    planSlug: slugSchema.nullable().default(null),
    active: z.boolean().default(true),
  })
  .strict()
  .superRefine((b, ctx) => {
    try {
      IpRanges.of(b.ipRanges);
    } catch (err) {
      const m = /^entry (\d+): (.*)$/.exec((err as Error).message);
      ctx.addIssue({
        code: "custom",
        path: m ? ["ipRanges", Number(m[1]) - 1] : ["ipRanges"],
        message: m ? m[2]! : (err as Error).message,
      });
    }
  });

const memberQuery = z.object({
  q: z.string().trim().max(200).optional(),
  filter: z.enum(MEMBER_FILTERS).default("all"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});

export function membershipAdminEndpoints(deps: MembershipAdminDeps): Endpoint[] {
  const { db, config } = deps;
  const tag = "Memberships";
  const PAGE = 50;
  const knownPlan = async (slug: string | null, field: string) => {
    if (slug !== null && !(await planBySlug(db, slug)))
      throw new GazetteError("GZ_ERR_VALIDATION", `There is no plan "${slug}".`, {
        fields: [{ path: field, message: "is not a plan; create it first, or use null for every plan" }],
      });
  };
  return [
    endpoint({
      method: "GET",
      path: "/api/admin/memberships/summary",
      access: "memberships.view",
      responds: "json",
      tag,
      summary: "Subscriptions by plan and status, monthly recurring revenue per currency, grants and readers",
      handler: async () => ({
        ...(await membershipSummary(db)),
        plans: await listPlans(db),
        payments: config.memberships.stripe ? "stripe" : "off",
      }),
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/memberships/members",
      access: "memberships.view",
      responds: "json",
      tag,
      summary:
        "Readers with their subscriptions and grants; search by email or name, filter by kind, 50 a page",
      query: memberQuery,
      handler: async ({ query }) => {
        const members = await listMembers(db, {
          q: query.q,
          filter: query.filter,
          limit: PAGE + 1,
          offset: (query.page - 1) * PAGE,
        });
        return { members: members.slice(0, PAGE), page: query.page, hasMore: members.length > PAGE };
      },
    }),
    endpoint({
      method: "GET",
      path: "/admin/memberships/members.csv",
      access: "memberships.manage",
      responds: "asset",
      tag,
      summary:
        "Every member as CSV (email, name, joined, plan, status, renews, grants), for the newsroom's own records",
      query: memberQuery.pick({ q: true, filter: true }),
      handler: async ({ query }) => {
        const rows: string[][] = [];
        for (let offset = 0; ; offset += 1000) {
          const page = await listMembers(db, { q: query.q, filter: query.filter, limit: 1000, offset });
          for (const m of page) {
            const sub = m.subscriptions[0];
            rows.push(
              [
                m.email,
                m.displayName,
                m.createdAt,
                m.verified ? "yes" : "no",
                sub?.planSlug ?? "",
                sub?.status ?? "",
                sub?.currentPeriodEnd ?? "",
                m.grants
                  .filter((g) => !g.revokedAt)
                  .map((g) => `${g.kind}:${g.planSlug ?? "all"}`)
                  .join(" "),
              ].map(csvSafeCell),
            );
          }
          if (page.length < 1000) break;
        }
        const csv = stringify([
          ["email", "name", "joined", "verified", "plan", "status", "renews", "grants"],
          ...rows,
        ]);
        return asset(csv, "text/csv; charset=utf-8", "private, no-store", {
          headers: { "content-disposition": 'attachment; filename="members.csv"' },
        });
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/memberships/plans",
      access: "memberships.view",
      responds: "json",
      tag,
      summary: "Every plan, on sale or not",
      handler: async () => ({ plans: await listPlans(db) }),
    }),
    endpoint({
      method: "PUT",
      path: "/api/admin/memberships/plans/:slug",
      access: "memberships.manage",
      responds: "json",
      tag,
      summary: "Create or change a plan (its Stripe Price id puts it on sale)",
      params: z.object({ slug: slugSchema }),
      body: planBody,
      handler: async ({ params, body }) => ({
        plan: await upsertPlan(db, { slug: params.slug, ...body }),
      }),
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/memberships/grants",
      access: "memberships.manage",
      responds: "json",
      status: 201,
      tag,
      summary:
        "Give a reader access: complimentary, staff or partner, to one plan or every plan, until a date or for good",
      body: z
        .object({
          readerId: z.number().int().positive(),
          kind: z.enum(GRANT_KINDS),
          planSlug: slugSchema.nullable(),
          note: z.string().max(500).default(""),
          expiresAt: isoDate.nullable().default(null),
        })
        .strict(),
      handler: async ({ body, user }) => {
        await knownPlan(body.planSlug, "planSlug");
        return { grant: await addGrant(db, { ...body, userId: user!.id }) };
      },
    }),
    endpoint({
      method: "DELETE",
      path: "/api/admin/memberships/grants/:id",
      access: "memberships.manage",
      responds: "json",
      tag,
      summary: "End a grant now",
      params: idParam,
      handler: async ({ params }) => {
        if (!(await revokeGrant(db, params.id)))
          throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no standing grant ${params.id}.`);
        return { ok: true };
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/memberships/institutions",
      access: "memberships.view",
      responds: "json",
      tag,
      summary: "Institutions whose networks and email domains give access",
      handler: async () => ({ institutions: await listInstitutions(db) }),
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/memberships/institutions",
      access: "memberships.manage",
      responds: "json",
      status: 201,
      tag,
      summary: "Add an institution (email domains, IP ranges in CIDR, the plan it gives; null: every plan)",
      body: institutionBody,
      handler: async ({ body }) => {
        await knownPlan(body.planSlug, "planSlug");
        return { institution: await saveInstitution(db, body) };
      },
    }),
    endpoint({
      method: "PUT",
      path: "/api/admin/memberships/institutions/:id",
      access: "memberships.manage",
      responds: "json",
      tag,
      summary: "Replace an institution's settings",
      params: idParam,
      body: institutionBody,
      handler: async ({ params, body }) => {
        await knownPlan(body.planSlug, "planSlug");
        return { institution: await saveInstitution(db, body, params.id) };
      },
    }),
    endpoint({
      method: "DELETE",
      path: "/api/admin/memberships/institutions/:id",
      access: "memberships.manage",
      responds: "json",
      tag,
      summary: "Remove an institution",
      params: idParam,
      handler: async ({ params }) => {
        if (!(await deleteInstitution(db, params.id)))
          throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no institution ${params.id}.`);
        return { ok: true };
      },
    }),
    endpoint({
      method: "PUT",
      path: "/api/admin/sections/:slug/access",
      access: "taxonomy.manage",
      responds: "json",
      tag,
      summary: "Who may read a section's stories that set no access of their own (null: everyone)",
      params: z.object({ slug: slugSchema }),
      body: z.object({ access: accessSchema.nullable() }).strict(),
      handler: async ({ params, body }) => {
        if (!(await setSectionAccess(db, params.slug, body.access)))
          throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no section "${params.slug}".`);
        return { slug: params.slug, access: body.access };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/stories/:id/gift",
      access: "memberships.view",
      responds: "json",
      status: 201,
      tag,
      summary: "A gift link to a published story, for a source, a partner or a reader the newsroom chooses",
      params: idParam,
      body: z
        .object({
          maxUses: z.number().int().min(1).max(10_000).default(config.memberships.gifts.maxUses),
          days: z.number().int().min(1).max(365).default(config.memberships.gifts.days),
        })
        .strict(),
      handler: async ({ params, body, user }) => {
        const story = await storyById(db, params.id);
        if (!story || story.status !== "published") throw new GazetteError("GZ_ERR_STORY_NOT_FOUND");
        const gift = await createGift(db, {
          storyId: story.id,
          userId: user!.id,
          maxUses: body.maxUses,
          expiresAt: new Date(Date.now() + body.days * 86_400_000).toISOString(),
        });
        return {
          url: `${config.site.baseUrl}/gift/${giftToken(await accessSigningKey(db), gift.id)}`,
          maxUses: gift.maxUses,
          expiresAt: gift.expiresAt,
        };
      },
    }),
  ];
}
