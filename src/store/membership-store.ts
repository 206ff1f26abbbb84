/**
 * Memberships in the database: paid plans, the newsroom's grants,
 * institutions, Stripe customers and subscriptions (written only from
 * Stripe's webhooks: each event applied once, an event older than the one
 * a row already reflects changes nothing), gift links, and what a reader is
 * entitled to now.
 */
import crypto from "node:crypto";
import { type ExpressionBuilder, type Selectable, sql } from "kysely";
import type { Database } from "./schema.ts";
import { settingOrInit } from "./settings-store.ts";
import { z } from "zod";
import { GazetteError } from "../content/errors.ts";
import { cacheKey } from "./cache-keys.ts";
import { recordChange } from "./change-feed.ts";
import type { Db } from "./database.ts";

const iso = (d: Date) => d.toISOString();

/** The key meter cookies, passes, gift and newsletter links are signed with: made once, kept in the settings table. */
export async function accessSigningKey(db: Db): Promise<Buffer> {
  const key = await settingOrInit(db, "access_signing_key", () =>
    crypto.randomBytes(32).toString("base64url"),
  );
  return Buffer.from(key, "base64url");
}

export interface Plan {
  id: number;
  slug: string;
  name: string;
  description: string;
  priceMinor: number;
  currency: string;
  interval: "month" | "year";
  stripePriceId: string | null;
  active: boolean;
  position: number;
}

type PlanRow = {
  id: number;
  slug: string;
  name: string;
  description: string;
  price_minor: number;
  currency: string;
  interval: string;
  stripe_price_id: string | null;
  active: number;
  position: number;
};

const toPlan = (r: PlanRow): Plan => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  description: r.description,
  priceMinor: r.price_minor,
  currency: r.currency,
  interval: r.interval === "year" ? "year" : "month",
  stripePriceId: r.stripe_price_id,
  active: r.active === 1,
  position: r.position,
});

export async function listPlans(db: Db, opts: { activeOnly?: boolean } = {}): Promise<Plan[]> {
  let q = db.selectFrom("plans").selectAll().orderBy("position").orderBy("price_minor");
  if (opts.activeOnly) q = q.where("active", "=", 1);
  return (await q.execute()).map(toPlan);
}

export async function planBySlug(db: Db, slug: string): Promise<Plan | undefined> {
  const r = await db.selectFrom("plans").selectAll().where("slug", "=", slug).executeTakeFirst();
  return r && toPlan(r);
}

export interface PlanInput {
  slug: string;
  name: string;
  description?: string | undefined;
  priceMinor: number;
  currency: string;
  interval: "month" | "year";
  stripePriceId?: string | null | undefined;
  active?: boolean | undefined;
  position?: number | undefined;
}

/** Creates the plan or updates the one with its slug; gated pages (which offer plans) are dropped. */
export async function upsertPlan(db: Db, p: PlanInput, now = new Date()): Promise<Plan> {
  const values = {
    name: p.name,
    description: p.description ?? "",
    price_minor: p.priceMinor,
    currency: p.currency.toLowerCase(),
    interval: p.interval,
    stripe_price_id: p.stripePriceId ?? null,
    active: p.active === false ? 0 : 1,
    position: p.position ?? 0,
    updated_at: iso(now),
  };
  const row = await db
    .insertInto("plans")
    .values({ slug: p.slug, ...values, created_at: iso(now) })
    .onConflict((oc) => oc.column("slug").doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordChange(db, [cacheKey.memberships]);
  return toPlan(row);
}

// ---------------------------------------------------------------- grants

export const GRANT_KINDS = ["complimentary", "staff", "partner"] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];

export interface Grant {
  id: number;
  readerId: number;
  kind: GrantKind;
  /** null: every plan. */
  planSlug: string | null;
  note: string;
  expiresAt: string | null;
  createdAt: string;
  revokedAt: string | null;
}

type GrantRow = {
  id: number;
  reader_id: number;
  kind: string;
  plan_slug: string | null;
  note: string;
  expires_at: string | null;
  created_at: string;
  revoked_at: string | null;
};

const toGrant = (r: GrantRow): Grant => ({
  id: r.id,
  readerId: r.reader_id,
  kind: (GRANT_KINDS as readonly string[]).includes(r.kind) ? (r.kind as GrantKind) : "complimentary",
  planSlug: r.plan_slug,
  note: r.note,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export async function addGrant(
  db: Db,
  g: {
    readerId: number;
    kind: GrantKind;
    planSlug: string | null;
    note?: string | undefined;
    expiresAt?: string | null | undefined;
    userId?: number | null | undefined;
  },
  now = new Date(),
): Promise<Grant> {
  const reader = await db.selectFrom("readers").select("id").where("id", "=", g.readerId).executeTakeFirst();
  if (!reader) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no reader ${g.readerId}.`);
  const row = await db
    .insertInto("reader_grants")
    .values({
      reader_id: g.readerId,
      kind: g.kind,
      plan_slug: g.planSlug,
      note: g.note ?? "",
      expires_at: g.expiresAt ?? null,
      created_by: g.userId ?? null,
      created_at: iso(now),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordChange(db, [cacheKey.entitlements]);
  return toGrant(row);
}

export async function revokeGrant(db: Db, id: number, now = new Date()): Promise<boolean> {
  const r = await db
    .updateTable("reader_grants")
    .set({ revoked_at: iso(now) })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return false;
  await recordChange(db, [cacheKey.entitlements]);
  return true;
}

export async function grantsOf(db: Db, readerId: number): Promise<Grant[]> {
  const rows = await db
    .selectFrom("reader_grants")
    .selectAll()
    .where("reader_id", "=", readerId)
    .orderBy("id", "desc")
    .execute();
  return rows.map(toGrant);
}

// ---------------------------------------------------------------- institutions

export interface Institution {
  id: number;
  name: string;
  emailDomains: string[];
  ipRanges: string[];
  planSlug: string | null;
  active: boolean;
}

const strings = z.array(z.string());
const jsonStrings = (s: string): string[] => {
  try {
    const r = strings.safeParse(JSON.parse(s));
    return r.success ? r.data : [];
  } catch {
    return [];
  }
};

type InstitutionRow = {
  id: number;
  name: string;
  email_domains: string;
  ip_ranges: string;
  plan_slug: string | null;
  active: number;
};

const toInstitution = (r: InstitutionRow): Institution => ({
  id: r.id,
  name: r.name,
  emailDomains: jsonStrings(r.email_domains),
  ipRanges: jsonStrings(r.ip_ranges),
  planSlug: r.plan_slug,
  active: r.active === 1,
});

export async function listInstitutions(db: Db, opts: { activeOnly?: boolean } = {}): Promise<Institution[]> {
  let q = db.selectFrom("institutions").selectAll().orderBy("name");
  if (opts.activeOnly) q = q.where("active", "=", 1);
  return (await q.execute()).map(toInstitution);
}

export interface InstitutionInput {
  name: string;
  emailDomains: string[];
  ipRanges: string[];
  planSlug: string | null;
  active: boolean;
}

/** Creates (no id) or replaces an institution; every process reloads the list. */
export async function saveInstitution(
  db: Db,
  i: InstitutionInput,
  id?: number,
  now = new Date(),
): Promise<Institution> {
  const values = {
    name: i.name,
    email_domains: JSON.stringify(i.emailDomains.map((d) => d.toLowerCase())),
    ip_ranges: JSON.stringify(i.ipRanges),
    plan_slug: i.planSlug,
    active: i.active ? 1 : 0,
    updated_at: iso(now),
  };
  const row =
    id === undefined
      ? await db
          .insertInto("institutions")
          .values({ ...values, created_at: iso(now) })
          .returningAll()
          .executeTakeFirstOrThrow()
      : await db
          .updateTable("institutions")
          .set(values)
          .where("id", "=", id)
          .returningAll()
          .executeTakeFirst();
  if (!row) throw new GazetteError("GZ_ERR_NOT_FOUND", `There is no institution ${id}.`);
  await recordChange(db, [cacheKey.memberships]);
  return toInstitution(row);
}

export async function deleteInstitution(db: Db, id: number): Promise<boolean> {
  const r = await db.deleteFrom("institutions").where("id", "=", id).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) return false;
  await recordChange(db, [cacheKey.memberships]);
  return true;
}

// ---------------------------------------------------------------- entitlements

/** Stripe statuses that open stories (past_due only within the grace period). */
const OPEN_STATUSES = ["active", "trialing", "past_due"] as const;

export interface ReaderAccess {
  /** Plans from subscriptions and grants; "all" when a grant names no plan. */
  plans: Set<string> | "all";
}

/**
 * The plans a reader holds now: active or trialing subscriptions, past-due
 * ones still in their grace period, and unexpired grants. Two indexed reads.
 */
export async function readerPlans(
  db: Db,
  readerId: number,
  graceDays: number,
  now = new Date(),
): Promise<ReaderAccess> {
  const graceStart = iso(new Date(now.getTime() - graceDays * 86_400_000));
  const [subs, grants] = await Promise.all([
    db
      .selectFrom("billing_subscriptions")
      .select(["plan_slug", "status", "past_due_since"])
      .where("reader_id", "=", readerId)
      .where("status", "in", OPEN_STATUSES)
      .execute(),
    db
      .selectFrom("reader_grants")
      .select("plan_slug")
      .where("reader_id", "=", readerId)
      .where("revoked_at", "is", null)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", iso(now))]))
      .execute(),
  ]);
  if (grants.some((g) => g.plan_slug === null)) return { plans: "all" };
  const plans = new Set<string>();
  for (const s of subs) {
    if (s.status === "past_due" && (!s.past_due_since || s.past_due_since < graceStart)) continue;
    if (s.plan_slug) plans.add(s.plan_slug);
  }
  for (const g of grants) if (g.plan_slug) plans.add(g.plan_slug);
  return { plans };
}

// ---------------------------------------------------------------- Stripe

export async function stripeCustomerOf(db: Db, readerId: number): Promise<string | null> {
  const r = await db
    .selectFrom("readers")
    .select("stripe_customer_id")
    .where("id", "=", readerId)
    .executeTakeFirst();
  return r?.stripe_customer_id ?? null;
}

/** Records the reader's Stripe customer, unless one is already recorded (first wins); returns the one kept. */
export async function setStripeCustomer(db: Db, readerId: number, customerId: string): Promise<string> {
  await db
    .updateTable("readers")
    .set({ stripe_customer_id: customerId })
    .where("id", "=", readerId)
    .where("stripe_customer_id", "is", null)
    .execute();
  return (await stripeCustomerOf(db, readerId)) ?? customerId;
}

export async function readerByStripeCustomer(db: Db, customerId: string): Promise<number | undefined> {
  const r = await db
    .selectFrom("readers")
    .select("id")
    .where("stripe_customer_id", "=", customerId)
    .executeTakeFirst();
  return r?.id;
}

/** What a webhook says about one subscription. */
export interface SubscriptionState {
  id: string;
  customerId: string;
  /** The reader, when known (the checkout's client_reference_id, else by customer). */
  readerId: number | undefined;
  priceId: string | null;
  status: string;
  amountMinor: number;
  currency: string;
  interval: string;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
}

/**
 * Marks a Stripe event as seen; false when it was already (a redelivery).
 * Call inside the transaction that applies it, so a failure leaves it unseen.
 */
export async function firstDelivery(
  db: Db,
  e: { id: string; type: string; created: number },
  now = new Date(),
): Promise<boolean> {
  const r = await db
    .insertInto("stripe_events")
    .values({ id: e.id, type: e.type, created: e.created, received_at: iso(now) })
    .onConflict((oc) => oc.column("id").doNothing())
    .returning("id")
    .executeTakeFirst();
  return r !== undefined;
}

/**
 * Writes a subscription as an event of time `eventCreated` describes it;
 * an event older than the one the row reflects changes nothing (Stripe does
 * not promise order). Returns whether the row changed.
 */
export async function applySubscription(
  db: Db,
  s: SubscriptionState,
  eventCreated: number,
  now = new Date(),
): Promise<boolean> {
  const plan = s.priceId
    ? await db.selectFrom("plans").select("slug").where("stripe_price_id", "=", s.priceId).executeTakeFirst()
    : undefined;
  const readerId = s.readerId ?? (await readerByStripeCustomer(db, s.customerId)) ?? null;
  const existing = await db
    .selectFrom("billing_subscriptions")
    .select(["event_created", "status", "past_due_since", "reader_id"])
    .where("id", "=", s.id)
    .executeTakeFirst();
  if (existing && existing.event_created > eventCreated) return false;
  const pastDueSince =
    s.status === "past_due"
      ? existing?.status === "past_due" && existing.past_due_since
        ? existing.past_due_since
        : iso(now)
      : null;
  const values = {
    reader_id: readerId ?? existing?.reader_id ?? null,
    customer_id: s.customerId,
    price_id: s.priceId,
    plan_slug: plan?.slug ?? null,
    status: s.status,
    amount_minor: s.amountMinor,
    currency: s.currency,
    interval: s.interval,
    current_period_end: s.currentPeriodEnd,
    cancel_at_period_end: s.cancelAtPeriodEnd ? 1 : 0,
    past_due_since: pastDueSince,
    event_created: eventCreated,
    updated_at: iso(now),
  };
  await db
    .insertInto("billing_subscriptions")
    .values({ id: s.id, ...values, created_at: iso(now) })
    .onConflict((oc) => oc.column("id").doUpdateSet(values))
    .execute();
  await recordChange(db, [cacheKey.entitlements]);
  return true;
}

export interface BillingSubscription {
  id: string;
  readerId: number | null;
  planSlug: string | null;
  status: string;
  amountMinor: number;
  currency: string;
  interval: string;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
  pastDueSince: string | null;
}

function toSubscription(r: Selectable<Database["billing_subscriptions"]>): BillingSubscription {
  return {
    id: r.id,
    readerId: r.reader_id,
    planSlug: r.plan_slug,
    status: r.status,
    amountMinor: r.amount_minor,
    currency: r.currency,
    interval: r.interval,
    currentPeriodEnd: r.current_period_end,
    cancelAtPeriodEnd: r.cancel_at_period_end === 1,
    pastDueSince: r.past_due_since,
  };
}

export async function subscriptionsOf(db: Db, readerId: number): Promise<BillingSubscription[]> {
  const rows = await db
    .selectFrom("billing_subscriptions")
    .selectAll()
    .where("reader_id", "=", readerId)
    .orderBy("updated_at", "desc")
    .execute();
  return rows.map(toSubscription);
}

// ---------------------------------------------------------------- gifts

export interface GiftLink {
  id: number;
  storyId: number;
  maxUses: number;
  uses: number;
  expiresAt: string;
  createdAt: string;
}

const toGift = (r: Selectable<Database["gift_links"]>): GiftLink => ({
  id: r.id,
  storyId: r.story_id,
  maxUses: r.max_uses,
  uses: r.uses,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
});

export async function createGift(
  db: Db,
  g: {
    storyId: number;
    readerId?: number | undefined;
    userId?: number | undefined;
    maxUses: number;
    expiresAt: string;
  },
  now = new Date(),
): Promise<GiftLink> {
  const r = await db
    .insertInto("gift_links")
    .values({
      story_id: g.storyId,
      reader_id: g.readerId ?? null,
      user_id: g.userId ?? null,
      max_uses: g.maxUses,
      expires_at: g.expiresAt,
      created_at: iso(now),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toGift(r);
}

/** Gift links a reader made since a time (the monthly allowance). */
export async function giftsMadeSince(db: Db, readerId: number, since: string): Promise<number> {
  const r = await db
    .selectFrom("gift_links")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("reader_id", "=", readerId)
    .where("created_at", ">=", since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Counts one use of a gift link, if it has one left and has not expired
 * (one conditional UPDATE: two people following the last use race, one
 * wins). Returns the story it opens, or why not.
 */
export async function useGift(
  db: Db,
  id: number,
  now = new Date(),
): Promise<{ storyId: number; expiresAt: string } | "used-up" | "expired" | "unknown"> {
  const r = await db
    .updateTable("gift_links")
    .set({ uses: sql`uses + 1` })
    .where("id", "=", id)
    .where("expires_at", ">", iso(now))
    .where(sql<boolean>`uses < max_uses`)
    .returning(["story_id", "expires_at"])
    .executeTakeFirst();
  if (r) return { storyId: r.story_id, expiresAt: r.expires_at };
  const row = await db
    .selectFrom("gift_links")
    .select(["expires_at"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) return "unknown";
  return row.expires_at <= iso(now) ? "expired" : "used-up";
}

export async function giftById(db: Db, id: number): Promise<GiftLink | undefined> {
  const r = await db.selectFrom("gift_links").selectAll().where("id", "=", id).executeTakeFirst();
  return r && toGift(r);
}

// ---------------------------------------------------------------- the newsroom's view

export const MEMBER_FILTERS = ["all", "subscribers", "past_due", "grants", "free"] as const;
export type MemberFilter = (typeof MEMBER_FILTERS)[number];

export interface Member {
  readerId: number;
  email: string;
  displayName: string;
  createdAt: string;
  verified: boolean;
  subscriptions: BillingSubscription[];
  grants: Grant[];
}

/** Readers with their subscriptions and grants, newest first; `q` matches email or name. */
export async function listMembers(
  db: Db,
  o: { q?: string | undefined; filter: MemberFilter; limit: number; offset: number },
  now = new Date(),
): Promise<Member[]> {
  let q = db
    .selectFrom("readers")
    .select(["id", "email", "display_name", "created_at", "verified_at"])
    .where("deleted_at", "is", null)
    .orderBy("id", "desc")
    .limit(o.limit)
    .offset(o.offset);
  if (o.q) {
    const like = `%${o.q.toLowerCase().replace(/[%_\\]/g, "")}%`;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn("lower", ["email"]), "like", like),
        eb(eb.fn("lower", ["display_name"]), "like", like),
      ]),
    );
  }
  const paying = (statuses: readonly string[]) => (eb: ExpressionBuilder<Database, "readers">) =>
    eb.exists(
      eb
        .selectFrom("billing_subscriptions")
        .select("billing_subscriptions.id")
        .whereRef("billing_subscriptions.reader_id", "=", "readers.id")
        .where("billing_subscriptions.status", "in", statuses),
    );
  const granted = (eb: ExpressionBuilder<Database, "readers">) =>
    eb.exists(
      eb
        .selectFrom("reader_grants")
        .select("reader_grants.id")
        .whereRef("reader_grants.reader_id", "=", "readers.id")
        .where("reader_grants.revoked_at", "is", null)
        .where((w) =>
          w.or([w("reader_grants.expires_at", "is", null), w("reader_grants.expires_at", ">", iso(now))]),
        ),
    );
  if (o.filter === "subscribers") q = q.where((eb) => paying(OPEN_STATUSES)(eb));
  else if (o.filter === "past_due") q = q.where((eb) => paying(["past_due"])(eb));
  else if (o.filter === "grants") q = q.where((eb) => granted(eb));
  else if (o.filter === "free")
    q = q.where((eb) => eb.and([eb.not(paying(OPEN_STATUSES)(eb)), eb.not(granted(eb))]));
  const rows = await q.execute();
  const ids = rows.map((r) => r.id);
  const [subs, grants] = ids.length
    ? await Promise.all([
        db.selectFrom("billing_subscriptions").selectAll().where("reader_id", "in", ids).execute(),
        db
          .selectFrom("reader_grants")
          .selectAll()
          .where("reader_id", "in", ids)
          .orderBy("id", "desc")
          .execute(),
      ])
    : [[], []];
  return rows.map((r) => ({
    readerId: r.id,
    email: r.email,
    displayName: r.display_name,
    createdAt: r.created_at,
    verified: r.verified_at !== null,
    subscriptions: subs.filter((s) => s.reader_id === r.id).map(toSubscription),
    grants: grants.filter((g) => g.reader_id === r.id).map(toGrant),
  }));
}

export interface MembershipSummary {
  /** Subscriptions by plan and status. */
  byPlan: { planSlug: string | null; status: string; count: number }[];
  /** Monthly recurring revenue of active, trialing and past-due subscriptions, per currency, in minor units (yearly plans count a twelfth). */
  mrr: { currency: string; amountMinor: number }[];
  activeGrants: number;
  readers: number;
}

export async function membershipSummary(db: Db, now = new Date()): Promise<MembershipSummary> {
  const [byPlan, revenue, grants, readers] = await Promise.all([
    db
      .selectFrom("billing_subscriptions")
      .select(["plan_slug", "status", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy(["plan_slug", "status"])
      .execute(),
    db
      .selectFrom("billing_subscriptions")
      .select(["currency", "interval", (eb) => eb.fn.sum<number>("amount_minor").as("total")])
      .where("status", "in", OPEN_STATUSES)
      .groupBy(["currency", "interval"])
      .execute(),
    db
      .selectFrom("reader_grants")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("revoked_at", "is", null)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", iso(now))]))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("readers")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("deleted_at", "is", null)
      .executeTakeFirstOrThrow(),
  ]);
  const mrr = new Map<string, number>();
  for (const r of revenue) {
    const monthly = r.interval === "year" ? Number(r.total) / 12 : Number(r.total);
    mrr.set(r.currency, (mrr.get(r.currency) ?? 0) + monthly);
  }
  return {
    byPlan: byPlan.map((r) => ({ planSlug: r.plan_slug, status: r.status, count: Number(r.n) })),
    mrr: [...mrr].map(([currency, amount]) => ({ currency, amountMinor: Math.round(amount) })),
    activeGrants: Number(grants.n),
    readers: Number(readers.n),
  };
}
