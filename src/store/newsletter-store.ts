/**
 * Newsletters in the database: the newsletters, their subscribers and
 * subscriptions (with the consent each rests on), double opt-in
 * confirmations, the suppression list, issues, and one delivery row per
 * issue and recipient that any number of processes claim, send and record.
 *
 * A delivery moves queued → claimed (a batch, leased to one process) →
 * sending (just before its SMTP transaction) → sent | queued (a temporary
 * failure, retried later) | failed | bounced. A process that dies leaves
 * rows claimed or sending; once the lease runs out, claimed rows go back
 * to the queue as they were, and sending rows go back marked `uncertain`:
 * the server may have taken the message before the process died, so the
 * resend carries the same Message-ID and a mailbox keeps one copy.
 */
import crypto from "node:crypto";
import { sql } from "kysely";
import { GazetteError } from "../content/errors.ts";
import {
  type MailEvent,
  type NewsletterSettings,
  readMessageId,
  scheduleSchema,
} from "../content/newsletter.ts";
import type { Db } from "./database.ts";
import { dialectOf } from "./dialect.ts";

const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");
const newToken = () => crypto.randomBytes(24).toString("base64url");
const iso = (d: Date) => d.toISOString();

export interface Newsletter extends NewsletterSettings {
  id: number;
  nextDigestAt: string | null;
  createdAt: string;
  updatedAt: string;
}

type NewsletterRow = {
  id: number;
  slug: string;
  name: string;
  description: string;
  from_name: string;
  from_email: string;
  reply_to: string | null;
  section_slugs: string;
  topic_names: string;
  schedule: string | null;
  auto_send: number;
  digest_size: number;
  listed: number;
  next_digest_at: string | null;
  created_at: string;
  updated_at: string;
};

function toNewsletter(r: NewsletterRow): Newsletter {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    description: r.description,
    fromName: r.from_name,
    fromEmail: r.from_email,
    replyTo: r.reply_to,
    sectionSlugs: JSON.parse(r.section_slugs) as string[],
    topicNames: JSON.parse(r.topic_names) as string[],
    schedule: r.schedule ? scheduleSchema.parse(JSON.parse(r.schedule)) : null,
    autoSend: r.auto_send === 1,
    digestSize: r.digest_size,
    listed: r.listed === 1,
    nextDigestAt: r.next_digest_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function newsletterColumns(n: NewsletterSettings) {
  return {
    slug: n.slug,
    name: n.name,
    description: n.description,
    from_name: n.fromName,
    from_email: n.fromEmail,
    reply_to: n.replyTo,
    section_slugs: JSON.stringify(n.sectionSlugs),
    topic_names: JSON.stringify(n.topicNames),
    schedule: n.schedule ? JSON.stringify(n.schedule) : null,
    auto_send: n.autoSend ? 1 : 0,
    digest_size: n.digestSize,
    listed: n.listed ? 1 : 0,
  };
}

export async function createNewsletter(
  db: Db,
  n: NewsletterSettings,
  nextDigestAt: string | null,
  now = new Date(),
): Promise<Newsletter> {
  if (await newsletterBySlug(db, n.slug))
    throw new GazetteError("GZ_ERR_DUPLICATE", `a newsletter with the slug "${n.slug}" exists already`, {
      fields: [{ path: "slug", message: "is taken; choose another" }],
    });
  const row = await db
    .insertInto("newsletters")
    .values({
      ...newsletterColumns(n),
      next_digest_at: nextDigestAt,
      created_at: iso(now),
      updated_at: iso(now),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toNewsletter(row);
}

export async function updateNewsletter(
  db: Db,
  id: number,
  n: NewsletterSettings,
  nextDigestAt: string | null,
  now = new Date(),
): Promise<Newsletter> {
  const clash = await newsletterBySlug(db, n.slug);
  if (clash && clash.id !== id)
    throw new GazetteError("GZ_ERR_DUPLICATE", `a newsletter with the slug "${n.slug}" exists already`, {
      fields: [{ path: "slug", message: "is taken; choose another" }],
    });
  const row = await db
    .updateTable("newsletters")
    .set({ ...newsletterColumns(n), next_digest_at: nextDigestAt, updated_at: iso(now) })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new GazetteError("GZ_ERR_NOT_FOUND", "There is no newsletter with that id.");
  return toNewsletter(row);
}

export async function deleteNewsletter(db: Db, id: number): Promise<boolean> {
  const r = await db.deleteFrom("newsletters").where("id", "=", id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function newsletterBySlug(db: Db, slug: string): Promise<Newsletter | undefined> {
  const r = await db.selectFrom("newsletters").selectAll().where("slug", "=", slug).executeTakeFirst();
  return r ? toNewsletter(r) : undefined;
}

export async function newsletterById(db: Db, id: number): Promise<Newsletter | undefined> {
  const r = await db.selectFrom("newsletters").selectAll().where("id", "=", id).executeTakeFirst();
  return r ? toNewsletter(r) : undefined;
}

export async function listNewsletters(db: Db, opts: { listedOnly?: boolean } = {}): Promise<Newsletter[]> {
  let q = db.selectFrom("newsletters").selectAll().orderBy("name");
  if (opts.listedOnly) q = q.where("listed", "=", 1);
  return (await q.execute()).map(toNewsletter);
}

/** Subscriber counts per newsletter: active, waiting for confirmation, left. */
export async function subscriptionCounts(
  db: Db,
): Promise<Map<number, { active: number; pending: number; unsubscribed: number }>> {
  const rows = await db
    .selectFrom("subscriptions")
    .select(["newsletter_id", "status", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy(["newsletter_id", "status"])
    .execute();
  const out = new Map<number, { active: number; pending: number; unsubscribed: number }>();
  for (const r of rows) {
    const c = out.get(r.newsletter_id) ?? { active: 0, pending: 0, unsubscribed: 0 };
    if (r.status === "active" || r.status === "pending" || r.status === "unsubscribed")
      c[r.status] = Number(r.n);
    out.set(r.newsletter_id, c);
  }
  return out;
}

/** New and lost subscribers per day (UTC dates) for the last `days` days. */
export async function subscriptionGrowth(
  db: Db,
  newsletterId: number,
  days: number,
  now = new Date(),
): Promise<{ date: string; joined: number; left: number }[]> {
  const since = new Date(now.getTime() - days * 86_400_000).toISOString();
  const rows = await db
    .selectFrom("subscriptions")
    .select(["subscribed_at", "unsubscribed_at", "status"])
    .where("newsletter_id", "=", newsletterId)
    .where((eb) => eb.or([eb("subscribed_at", ">=", since), eb("unsubscribed_at", ">=", since)]))
    .execute();
  const byDay = new Map<string, { joined: number; left: number }>();
  for (let i = days - 1; i >= 0; i--)
    byDay.set(new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10), { joined: 0, left: 0 });
  for (const r of rows) {
    if (r.subscribed_at && r.subscribed_at >= since) {
      const d = byDay.get(r.subscribed_at.slice(0, 10));
      if (d) d.joined++;
    }
    if (r.status === "unsubscribed" && r.unsubscribed_at && r.unsubscribed_at >= since) {
      const d = byDay.get(r.unsubscribed_at.slice(0, 10));
      if (d) d.left++;
    }
  }
  return [...byDay].map(([date, c]) => ({ date, ...c }));
}

// ————— subscribers —————

export interface Subscriber {
  id: number;
  email: string;
  token: string;
  readerId: number | null;
  source: string;
  softBounces: number;
  confirmedAt: string | null;
  createdAt: string;
}

type SubscriberRow = {
  id: number;
  email: string;
  token: string;
  reader_id: number | null;
  source: string;
  soft_bounces: number;
  confirmed_at: string | null;
  created_at: string;
};

const toSubscriber = (r: SubscriberRow): Subscriber => ({
  id: r.id,
  email: r.email,
  token: r.token,
  readerId: r.reader_id,
  source: r.source,
  softBounces: r.soft_bounces,
  confirmedAt: r.confirmed_at,
  createdAt: r.created_at,
});

/** How a subscription's consent was given, kept with it. */
export interface Consent {
  /** double-opt-in | imported-consent | account | preferences */
  basis: string;
  at: string;
  /** The page (or file) it was given on. */
  page: string;
  /** The words the reader was shown. */
  wording: string;
}

/** The subscriber for an address, made on first use (lower-case addresses only). */
export async function findOrCreateSubscriber(
  db: Db,
  email: string,
  source: string,
  readerId: number | null = null,
  now = new Date(),
): Promise<Subscriber> {
  await db
    .insertInto("subscribers")
    .values({ email, token: newToken(), reader_id: readerId, source, created_at: iso(now) })
    .onConflict((oc) => oc.column("email").doNothing())
    .execute();
  const row = await db
    .selectFrom("subscribers")
    .selectAll()
    .where("email", "=", email)
    .executeTakeFirstOrThrow();
  if (readerId !== null && row.reader_id === null)
    await db.updateTable("subscribers").set({ reader_id: readerId }).where("id", "=", row.id).execute();
  return toSubscriber({ ...row, reader_id: row.reader_id ?? readerId });
}

export async function subscriberByToken(db: Db, token: string): Promise<Subscriber | undefined> {
  const r = await db.selectFrom("subscribers").selectAll().where("token", "=", token).executeTakeFirst();
  return r ? toSubscriber(r) : undefined;
}

export async function subscriberByEmail(db: Db, email: string): Promise<Subscriber | undefined> {
  const r = await db.selectFrom("subscribers").selectAll().where("email", "=", email).executeTakeFirst();
  return r ? toSubscriber(r) : undefined;
}

export async function subscriberById(db: Db, id: number): Promise<Subscriber | undefined> {
  const r = await db.selectFrom("subscribers").selectAll().where("id", "=", id).executeTakeFirst();
  return r ? toSubscriber(r) : undefined;
}

export interface SubscriptionView {
  newsletterId: number;
  status: string;
  consent: Consent | null;
  subscribedAt: string | null;
  unsubscribedAt: string | null;
}

export async function subscriptionsOf(db: Db, subscriberId: number): Promise<SubscriptionView[]> {
  const rows = await db
    .selectFrom("subscriptions")
    .selectAll()
    .where("subscriber_id", "=", subscriberId)
    .execute();
  return rows.map((r) => ({
    newsletterId: r.newsletter_id,
    status: r.status,
    consent: r.consent === "{}" ? null : (JSON.parse(r.consent) as Consent),
    subscribedAt: r.subscribed_at,
    unsubscribedAt: r.unsubscribed_at,
  }));
}

/**
 * Starts a double opt-in: the subscriptions wait as `pending` (active ones
 * stay active) and a one-time token is made; its hash is kept, the token
 * itself goes into the confirmation email only.
 */
export async function startConfirmation(
  db: Db,
  subscriberId: number,
  newsletterIds: number[],
  consent: Consent,
  hours: number,
  now = new Date(),
): Promise<string> {
  const token = newToken();
  await db
    .insertInto("subscription_confirmations")
    .values({
      token_hash: sha256(token),
      subscriber_id: subscriberId,
      newsletter_ids: JSON.stringify(newsletterIds),
      consent: JSON.stringify(consent),
      created_at: iso(now),
      expires_at: iso(new Date(now.getTime() + hours * 3600_000)),
    })
    .execute();
  for (const newsletterId of newsletterIds)
    await db
      .insertInto("subscriptions")
      .values({
        subscriber_id: subscriberId,
        newsletter_id: newsletterId,
        status: "pending",
        // The request as made; confirming adds `confirmedAt`.
        consent: JSON.stringify(consent),
        updated_at: iso(now),
      })
      .onConflict((oc) =>
        oc
          .columns(["subscriber_id", "newsletter_id"])
          .doUpdateSet({ status: "pending", consent: JSON.stringify(consent), updated_at: iso(now) })
          .where("subscriptions.status", "!=", "active"),
      )
      .execute();
  return token;
}

export type ConfirmationLookup =
  | { state: "valid"; subscriber: Subscriber; newsletterIds: number[] }
  | { state: "used" | "expired" | "unknown" };

/** What a confirmation token would do, without using it (the page the link opens). */
export async function lookupConfirmation(
  db: Db,
  token: string,
  now = new Date(),
): Promise<ConfirmationLookup> {
  const row = await db
    .selectFrom("subscription_confirmations")
    .selectAll()
    .where("token_hash", "=", sha256(token))
    .executeTakeFirst();
  if (!row) return { state: "unknown" };
  if (row.used_at) return { state: "used" };
  if (row.expires_at < iso(now)) return { state: "expired" };
  const subscriber = await subscriberById(db, row.subscriber_id);
  if (!subscriber) return { state: "unknown" };
  return { state: "valid", subscriber, newsletterIds: JSON.parse(row.newsletter_ids) as number[] };
}

/**
 * Uses a confirmation token (inside the caller's transaction): the
 * subscriptions become active with the consent recorded, the address is
 * confirmed, and a suppression lifts (re-confirming is how a bounced or
 * complaining address comes back).
 */
export async function useConfirmation(db: Db, token: string, now = new Date()): Promise<ConfirmationLookup> {
  const found = await lookupConfirmation(db, token, now);
  if (found.state !== "valid") return found;
  const used = await db
    .updateTable("subscription_confirmations")
    .set({ used_at: iso(now) })
    .where("token_hash", "=", sha256(token))
    .where("used_at", "is", null)
    .executeTakeFirst();
  if (Number(used.numUpdatedRows) !== 1) return { state: "used" };
  const row = await db
    .selectFrom("subscription_confirmations")
    .select("consent")
    .where("token_hash", "=", sha256(token))
    .executeTakeFirstOrThrow();
  const consent = { ...(JSON.parse(row.consent) as Consent), confirmedAt: iso(now) };
  for (const newsletterId of found.newsletterIds)
    await activate(db, found.subscriber.id, newsletterId, consent, now);
  await db
    .updateTable("subscribers")
    .set({ confirmed_at: iso(now), soft_bounces: 0 })
    .where("id", "=", found.subscriber.id)
    .execute();
  await db.deleteFrom("suppressions").where("email", "=", found.subscriber.email).execute();
  return found;
}

async function activate(db: Db, subscriberId: number, newsletterId: number, consent: object, now: Date) {
  await db
    .insertInto("subscriptions")
    .values({
      subscriber_id: subscriberId,
      newsletter_id: newsletterId,
      status: "active",
      consent: JSON.stringify(consent),
      subscribed_at: iso(now),
      updated_at: iso(now),
    })
    .onConflict((oc) =>
      oc.columns(["subscriber_id", "newsletter_id"]).doUpdateSet({
        status: "active",
        consent: JSON.stringify(consent),
        subscribed_at: iso(now),
        unsubscribed_at: null,
        updated_at: iso(now),
      }),
    )
    .execute();
}

/** The status of one subscription (undefined: none). */
export async function subscriptionStatus(
  db: Db,
  subscriberId: number,
  newsletterId: number,
): Promise<string | undefined> {
  const r = await db
    .selectFrom("subscriptions")
    .select("status")
    .where("subscriber_id", "=", subscriberId)
    .where("newsletter_id", "=", newsletterId)
    .executeTakeFirst();
  return r?.status;
}

/**
 * Subscribes a confirmed address to a newsletter without another email
 * (the preference page, whose link proves the address; an import whose
 * consent was given). Active subscriptions stay as they are.
 */
export async function subscribeConfirmed(
  db: Db,
  subscriberId: number,
  newsletterId: number,
  consent: Consent,
  now = new Date(),
): Promise<boolean> {
  const current = await db
    .selectFrom("subscriptions")
    .select("status")
    .where("subscriber_id", "=", subscriberId)
    .where("newsletter_id", "=", newsletterId)
    .executeTakeFirst();
  if (current?.status === "active") return false;
  await activate(db, subscriberId, newsletterId, consent, now);
  return true;
}

/** Ends one subscription (or every one, without a newsletter); true when something changed. */
export async function unsubscribe(
  db: Db,
  subscriberId: number,
  newsletterId: number | undefined,
  now = new Date(),
): Promise<boolean> {
  let q = db
    .updateTable("subscriptions")
    .set({ status: "unsubscribed", unsubscribed_at: iso(now), updated_at: iso(now) })
    .where("subscriber_id", "=", subscriberId)
    .where("status", "!=", "unsubscribed");
  if (newsletterId !== undefined) q = q.where("newsletter_id", "=", newsletterId);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** A subscriber and everything about them: subscriptions, consents, deliveries, notices. */
export async function deleteSubscriber(db: Db, id: number): Promise<boolean> {
  const s = await subscriberById(db, id);
  if (!s) return false;
  await db.deleteFrom("newsletter_deliveries").where("subscriber_id", "=", id).execute();
  await db.deleteFrom("mail_events").where("email", "=", s.email).execute();
  await db.deleteFrom("subscribers").where("id", "=", id).execute();
  return true;
}

export interface SubscriberListRow {
  id: number;
  email: string;
  source: string;
  createdAt: string;
  confirmedAt: string | null;
  suppressed: string | null;
  subscriptions: { newsletterId: number; status: string }[];
}

/** Subscribers, newest first, optionally of one newsletter and matching a search of the address. */
export async function listSubscribers(
  db: Db,
  opts: { newsletterId?: number; search?: string; limit: number; offset: number },
): Promise<{ total: number; items: SubscriberListRow[] }> {
  let q = db.selectFrom("subscribers");
  if (opts.newsletterId !== undefined)
    q = q.where("id", "in", (eb) =>
      eb
        .selectFrom("subscriptions")
        .select("subscriber_id")
        .where("newsletter_id", "=", opts.newsletterId!)
        .where("status", "!=", "unsubscribed"),
    );
  if (opts.search) q = q.where("email", "like", `%${opts.search.toLowerCase().replace(/[%_\\]/g, "")}%`);
  const total = Number(
    (await q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n,
  );
  const rows = await q
    .leftJoin("suppressions", "suppressions.email", "subscribers.email")
    .select([
      "subscribers.id",
      "subscribers.email",
      "subscribers.source",
      "subscribers.created_at",
      "subscribers.confirmed_at",
      "suppressions.reason as suppressed",
    ])
    .orderBy("subscribers.id", "desc")
    .limit(opts.limit)
    .offset(opts.offset)
    .execute();
  const subs = rows.length
    ? await db
        .selectFrom("subscriptions")
        .select(["subscriber_id", "newsletter_id", "status"])
        .where(
          "subscriber_id",
          "in",
          rows.map((r) => r.id),
        )
        .execute()
    : [];
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      email: r.email,
      source: r.source,
      createdAt: r.created_at,
      confirmedAt: r.confirmed_at,
      suppressed: r.suppressed,
      subscriptions: subs
        .filter((s) => s.subscriber_id === r.id)
        .map((s) => ({ newsletterId: s.newsletter_id, status: s.status })),
    })),
  };
}

/** Every subscriber of a newsletter with their consent, for the CSV export (in pages, never all at once). */
export async function* subscribersForExport(
  db: Db,
  newsletterId: number,
  pageSize = 1000,
): AsyncGenerator<{
  email: string;
  status: string;
  subscribedAt: string | null;
  unsubscribedAt: string | null;
  consent: string;
  suppressed: string | null;
}> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom("subscriptions")
      .innerJoin("subscribers", "subscribers.id", "subscriptions.subscriber_id")
      .leftJoin("suppressions", "suppressions.email", "subscribers.email")
      .select([
        "subscribers.id",
        "subscribers.email",
        "subscriptions.status",
        "subscriptions.subscribed_at",
        "subscriptions.unsubscribed_at",
        "subscriptions.consent",
        "suppressions.reason",
      ])
      .where("subscriptions.newsletter_id", "=", newsletterId)
      .where("subscribers.id", ">", after)
      .orderBy("subscribers.id")
      .limit(pageSize)
      .execute();
    for (const r of rows)
      yield {
        email: r.email,
        status: r.status,
        subscribedAt: r.subscribed_at,
        unsubscribedAt: r.unsubscribed_at,
        consent: r.consent,
        suppressed: r.reason,
      };
    if (rows.length < pageSize) return;
    after = rows.at(-1)!.id;
  }
}

// ————— suppressions —————

export async function suppress(db: Db, email: string, reason: string, detail: string, now = new Date()) {
  await db
    .insertInto("suppressions")
    .values({ email, reason, detail, created_at: iso(now) })
    .onConflict((oc) => oc.column("email").doNothing())
    .execute();
}

export async function suppressionOf(
  db: Db,
  email: string,
): Promise<{ reason: string; at: string } | undefined> {
  const r = await db
    .selectFrom("suppressions")
    .select(["reason", "created_at"])
    .where("email", "=", email)
    .executeTakeFirst();
  return r ? { reason: r.reason, at: r.created_at } : undefined;
}

export async function listSuppressions(
  db: Db,
  limit = 100,
): Promise<{ email: string; reason: string; detail: string; at: string }[]> {
  const rows = await db
    .selectFrom("suppressions")
    .selectAll()
    .orderBy("created_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ email: r.email, reason: r.reason, detail: r.detail, at: r.created_at }));
}

// ————— issues —————

export interface Issue {
  id: number;
  newsletterId: number;
  kind: "story" | "digest" | "alert";
  subject: string;
  intro: string;
  storyIds: number[];
  url: string | null;
  status: "draft" | "scheduled" | "sending" | "sent" | "cancelled";
  scheduledFor: string | null;
  sendAt: string | null;
  recipients: number;
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
  queuedAt: string | null;
  finishedAt: string | null;
}

type IssueRow = {
  id: number;
  newsletter_id: number;
  kind: string;
  subject: string;
  intro: string;
  story_ids: string;
  url: string | null;
  status: string;
  scheduled_for: string | null;
  send_at: string | null;
  recipients: number;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  queued_at: string | null;
  finished_at: string | null;
};

const ISSUE_COLUMNS = [
  "id",
  "newsletter_id",
  "kind",
  "subject",
  "intro",
  "story_ids",
  "url",
  "status",
  "scheduled_for",
  "send_at",
  "recipients",
  "created_by",
  "created_at",
  "updated_at",
  "queued_at",
  "finished_at",
] as const;

const toIssue = (r: IssueRow): Issue => ({
  id: r.id,
  newsletterId: r.newsletter_id,
  kind: r.kind as Issue["kind"],
  subject: r.subject,
  intro: r.intro,
  storyIds: JSON.parse(r.story_ids) as number[],
  url: r.url,
  status: r.status as Issue["status"],
  scheduledFor: r.scheduled_for,
  sendAt: r.send_at,
  recipients: r.recipients,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  queuedAt: r.queued_at,
  finishedAt: r.finished_at,
});

export async function createIssue(
  db: Db,
  i: {
    newsletterId: number;
    kind: Issue["kind"];
    subject: string;
    intro: string;
    storyIds: number[];
    url: string | null;
    status: "draft" | "scheduled";
    sendAt: string | null;
    scheduledFor?: string | null;
    createdBy: number | null;
  },
  now = new Date(),
): Promise<Issue | undefined> {
  const row = await db
    .insertInto("newsletter_issues")
    .values({
      newsletter_id: i.newsletterId,
      kind: i.kind,
      subject: i.subject,
      intro: i.intro,
      story_ids: JSON.stringify(i.storyIds),
      url: i.url,
      status: i.status,
      scheduled_for: i.scheduledFor ?? null,
      send_at: i.sendAt,
      created_by: i.createdBy,
      created_at: iso(now),
      updated_at: iso(now),
    })
    .onConflict((oc) => oc.columns(["newsletter_id", "scheduled_for"]).doNothing())
    .returning(ISSUE_COLUMNS)
    .executeTakeFirst();
  return row ? toIssue(row) : undefined;
}

export async function issueById(db: Db, id: number): Promise<Issue | undefined> {
  const r = await db
    .selectFrom("newsletter_issues")
    .select(ISSUE_COLUMNS)
    .where("id", "=", id)
    .executeTakeFirst();
  return r ? toIssue(r) : undefined;
}

/** The email as it was sent (for the web version and the archive). */
export async function issueSnapshot(db: Db, id: number): Promise<{ html: string; text: string } | undefined> {
  const r = await db
    .selectFrom("newsletter_issues")
    .select(["html", "text"])
    .where("id", "=", id)
    .executeTakeFirst();
  return r?.html && r.text !== null ? { html: r.html, text: r.text } : undefined;
}

export async function listIssues(
  db: Db,
  newsletterId: number,
  opts: { sentOnly?: boolean; limit: number; offset?: number },
): Promise<Issue[]> {
  let q = db
    .selectFrom("newsletter_issues")
    .select(ISSUE_COLUMNS)
    .where("newsletter_id", "=", newsletterId)
    .orderBy("id", "desc")
    .limit(opts.limit)
    .offset(opts.offset ?? 0);
  if (opts.sentOnly) q = q.where("status", "in", ["sending", "sent"]);
  return (await q.execute()).map(toIssue);
}

/** Changes a draft or scheduled issue; false when it has gone (or been cancelled) meanwhile. */
export async function updateIssue(
  db: Db,
  id: number,
  change: {
    subject?: string;
    intro?: string;
    storyIds?: number[];
    sendAt?: string | null;
    status?: "draft" | "scheduled" | "cancelled";
  },
  now = new Date(),
): Promise<boolean> {
  const r = await db
    .updateTable("newsletter_issues")
    .set({
      ...(change.subject !== undefined ? { subject: change.subject } : {}),
      ...(change.intro !== undefined ? { intro: change.intro } : {}),
      ...(change.storyIds !== undefined ? { story_ids: JSON.stringify(change.storyIds) } : {}),
      ...(change.sendAt !== undefined ? { send_at: change.sendAt } : {}),
      ...(change.status !== undefined ? { status: change.status } : {}),
      updated_at: iso(now),
    })
    .where("id", "=", id)
    .where("status", "in", ["draft", "scheduled"])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Turns an issue into one delivery row per active, unsuppressed subscriber
 * (one INSERT … SELECT, whatever the list's size) and freezes its email;
 * false when the issue was no longer a draft or scheduled (another process
 * or editor queued it first). Run inside a transaction.
 */
export async function queueIssue(
  db: Db,
  issueId: number,
  email: { subject: string; html: string; text: string },
  now = new Date(),
): Promise<number | undefined> {
  const claimed = await db
    .updateTable("newsletter_issues")
    .set({
      status: "sending",
      subject: email.subject,
      html: email.html,
      text: email.text,
      queued_at: iso(now),
      send_at: iso(now),
      updated_at: iso(now),
    })
    .where("id", "=", issueId)
    .where("status", "in", ["draft", "scheduled"])
    .returning("newsletter_id")
    .executeTakeFirst();
  if (!claimed) return undefined;
  await db
    .insertInto("newsletter_deliveries")
    .columns(["issue_id", "subscriber_id", "email", "status", "attempts", "next_attempt_at", "uncertain"])
    .expression((eb) =>
      eb
        .selectFrom("subscriptions")
        .innerJoin("subscribers", "subscribers.id", "subscriptions.subscriber_id")
        .select([
          sql.lit(issueId).as("issue_id"),
          "subscribers.id",
          "subscribers.email",
          sql.lit("queued").as("status"),
          sql.lit(0).as("attempts"),
          sql.val(iso(now)).as("next_attempt_at"),
          sql.lit(0).as("uncertain"),
        ])
        .where("subscriptions.newsletter_id", "=", claimed.newsletter_id)
        .where("subscriptions.status", "=", "active")
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("suppressions")
                .select("email")
                .whereRef("suppressions.email", "=", "subscribers.email"),
            ),
          ),
        )
        .orderBy("subscribers.id"),
    )
    .execute();
  const count = Number(
    (
      await db
        .selectFrom("newsletter_deliveries")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("issue_id", "=", issueId)
        .executeTakeFirstOrThrow()
    ).n,
  );
  await db.updateTable("newsletter_issues").set({ recipients: count }).where("id", "=", issueId).execute();
  return count;
}

/** Scheduled issues whose time has come. */
export async function dueIssues(db: Db, now = new Date()): Promise<Issue[]> {
  const rows = await db
    .selectFrom("newsletter_issues")
    .select(ISSUE_COLUMNS)
    .where("status", "=", "scheduled")
    .where("send_at", "<=", iso(now))
    .orderBy("send_at")
    .limit(20)
    .execute();
  return rows.map(toIssue);
}

/** Issues with deliveries still to make. */
export async function sendingIssues(db: Db): Promise<Issue[]> {
  const rows = await db
    .selectFrom("newsletter_issues")
    .select(ISSUE_COLUMNS)
    .where("status", "=", "sending")
    .orderBy("id")
    .execute();
  return rows.map(toIssue);
}

/** Newsletters whose next scheduled digest should be prepared by `horizon`. */
export async function newslettersDueForDigest(db: Db, horizon: Date): Promise<Newsletter[]> {
  const rows = await db
    .selectFrom("newsletters")
    .selectAll()
    .where("schedule", "is not", null)
    .where("next_digest_at", "<=", iso(horizon))
    .execute();
  return rows.map(toNewsletter);
}

/** Moves a newsletter's schedule bookmark on, if no other process did (false: it did). */
export async function advanceDigestBookmark(db: Db, id: number, from: string, to: string): Promise<boolean> {
  const r = await db
    .updateTable("newsletters")
    .set({ next_digest_at: to })
    .where("id", "=", id)
    .where("next_digest_at", "=", from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ————— deliveries —————

export interface ClaimedDelivery {
  id: number;
  subscriberId: number;
  email: string;
  attempts: number;
  uncertain: boolean;
  token: string;
}

/**
 * Takes up to `limit` queued deliveries of an issue for this process,
 * leased until `now + leaseMs`; first returns to the queue what a dead
 * process left behind (see the file's comment).
 */
export async function claimDeliveries(
  db: Db,
  issueId: number,
  by: string,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<ClaimedDelivery[]> {
  const at = iso(now);
  await db
    .updateTable("newsletter_deliveries")
    .set({ status: "queued", claimed_by: null, claimed_until: null })
    .where("issue_id", "=", issueId)
    .where("status", "=", "claimed")
    .where("claimed_until", "<", at)
    .execute();
  await db
    .updateTable("newsletter_deliveries")
    .set({ status: "queued", uncertain: 1, claimed_by: null, claimed_until: null })
    .where("issue_id", "=", issueId)
    .where("status", "=", "sending")
    .where("claimed_until", "<", at)
    .execute();
  let pick = db
    .selectFrom("newsletter_deliveries")
    .select("id")
    .where("issue_id", "=", issueId)
    .where("status", "=", "queued")
    .where("next_attempt_at", "<=", at)
    .orderBy("id")
    .limit(limit);
  if (dialectOf(db).engine === "postgres") pick = pick.forUpdate().skipLocked();
  const rows = await db
    .updateTable("newsletter_deliveries")
    .set({ status: "claimed", claimed_by: by, claimed_until: iso(new Date(now.getTime() + leaseMs)) })
    .where("id", "in", pick)
    .where("status", "=", "queued")
    .returning(["id", "subscriber_id", "email", "attempts", "uncertain"])
    .execute();
  if (rows.length === 0) return [];
  const tokens = new Map(
    (
      await db
        .selectFrom("subscribers")
        .select(["id", "token"])
        .where(
          "id",
          "in",
          rows.map((r) => r.subscriber_id),
        )
        .execute()
    ).map((r) => [r.id, r.token]),
  );
  return rows
    .sort((a, b) => a.id - b.id)
    .flatMap((r) => {
      const token = tokens.get(r.subscriber_id);
      return token
        ? [
            {
              id: r.id,
              subscriberId: r.subscriber_id,
              email: r.email,
              attempts: r.attempts,
              uncertain: r.uncertain === 1,
              token,
            },
          ]
        : [];
    });
}

/**
 * Marks deliveries as being sent now (durably, before their SMTP
 * transactions start) and extends this process's lease on its batch;
 * returns the ids still this process's.
 */
export async function markSending(
  db: Db,
  ids: number[],
  by: string,
  now: Date,
  leaseMs: number,
): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const until = iso(new Date(now.getTime() + leaseMs));
  const rows = await db
    .updateTable("newsletter_deliveries")
    .set({ status: "sending", claimed_until: until })
    .where("id", "in", ids)
    .where("claimed_by", "=", by)
    .where("status", "=", "claimed")
    .returning("id")
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Extends this process's lease on the deliveries of an issue it holds. */
export async function renewDeliveries(
  db: Db,
  issueId: number,
  by: string,
  now: Date,
  leaseMs: number,
): Promise<void> {
  await db
    .updateTable("newsletter_deliveries")
    .set({ claimed_until: iso(new Date(now.getTime() + leaseMs)) })
    .where("issue_id", "=", issueId)
    .where("status", "in", ["claimed", "sending"])
    .where("claimed_by", "=", by)
    .execute();
}

/** Records deliveries the SMTP server accepted. */
export async function markSent(db: Db, ids: number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("newsletter_deliveries")
    .set((eb) => ({
      status: "sent",
      sent_at: iso(now),
      attempts: eb("attempts", "+", 1),
      claimed_by: null,
      claimed_until: null,
      error: null,
    }))
    .where("id", "in", ids)
    .where("status", "in", ["claimed", "sending", "queued"])
    .execute();
}

/** Records a delivery that failed: retried at `retryAt`, or given up (`failed`, or `bounced` for a refused address). */
export async function markFailed(
  db: Db,
  id: number,
  outcome: { retryAt?: Date; status?: "failed" | "bounced"; error: string },
  now: Date,
): Promise<void> {
  await db
    .updateTable("newsletter_deliveries")
    .set((eb) => ({
      status: outcome.retryAt ? "queued" : (outcome.status ?? "failed"),
      attempts: eb("attempts", "+", 1),
      next_attempt_at: iso(outcome.retryAt ?? now),
      claimed_by: null,
      claimed_until: null,
      error: outcome.error.slice(0, 500),
      ...(outcome.status === "bounced" ? { bounced_at: iso(now) } : {}),
    }))
    .where("id", "=", id)
    .where("status", "in", ["claimed", "sending"])
    .execute();
}

/** Returns deliveries of an issue this process claimed but did not start (it is stopping). */
export async function releaseClaims(db: Db, issueId: number, by: string): Promise<void> {
  await db
    .updateTable("newsletter_deliveries")
    .set({ status: "queued", claimed_by: null, claimed_until: null })
    .where("issue_id", "=", issueId)
    .where("status", "=", "claimed")
    .where("claimed_by", "=", by)
    .execute();
}

export interface DeliveryCounts {
  recipients: number;
  queued: number;
  sending: number;
  sent: number;
  failed: number;
  bounced: number;
  complaints: number;
  /** Resent after a process died mid-send (same Message-ID). */
  uncertain: number;
}

export async function deliveryCounts(db: Db, issueId: number): Promise<DeliveryCounts> {
  const rows = await db
    .selectFrom("newsletter_deliveries")
    .select([
      "status",
      (eb) => eb.fn.countAll<number>().as("n"),
      (eb) => eb.fn.sum<number>("uncertain").as("u"),
    ])
    .where("issue_id", "=", issueId)
    .groupBy("status")
    .execute();
  const c: DeliveryCounts = {
    recipients: 0,
    queued: 0,
    sending: 0,
    sent: 0,
    failed: 0,
    bounced: 0,
    complaints: 0,
    uncertain: 0,
  };
  for (const r of rows) {
    const n = Number(r.n);
    c.recipients += n;
    c.uncertain += Number(r.u ?? 0);
    if (r.status === "queued") c.queued += n;
    else if (r.status === "claimed" || r.status === "sending") c.sending += n;
    else if (r.status === "sent") c.sent += n;
    else if (r.status === "failed") c.failed += n;
    else if (r.status === "bounced") c.bounced += n;
  }
  const complaints = await db
    .selectFrom("mail_events")
    .innerJoin("newsletter_deliveries", "newsletter_deliveries.id", "mail_events.delivery_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("newsletter_deliveries.issue_id", "=", issueId)
    .where("mail_events.kind", "=", "complaint")
    .executeTakeFirstOrThrow();
  c.complaints = Number(complaints.n);
  return c;
}

/** Marks an issue sent when nothing is left to deliver; true when it did. */
export async function finishIssueIfDone(db: Db, issueId: number, now = new Date()): Promise<boolean> {
  const left = await db
    .selectFrom("newsletter_deliveries")
    .select("id")
    .where("issue_id", "=", issueId)
    .where("status", "in", ["queued", "claimed", "sending"])
    .limit(1)
    .executeTakeFirst();
  if (left) return false;
  const r = await db
    .updateTable("newsletter_issues")
    .set({ status: "sent", finished_at: iso(now), updated_at: iso(now) })
    .where("id", "=", issueId)
    .where("status", "=", "sending")
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The earliest time a delivery of the issue can be tried (a retry's, or a lease's end). */
export async function nextDeliveryTime(db: Db, issueId: number): Promise<string | undefined> {
  const queued = await db
    .selectFrom("newsletter_deliveries")
    .select((eb) => eb.fn.min("next_attempt_at").as("t"))
    .where("issue_id", "=", issueId)
    .where("status", "=", "queued")
    .executeTakeFirst();
  const leased = await db
    .selectFrom("newsletter_deliveries")
    .select((eb) => eb.fn.min("claimed_until").as("t"))
    .where("issue_id", "=", issueId)
    .where("status", "in", ["claimed", "sending"])
    .executeTakeFirst();
  const times = [queued?.t, leased?.t].filter((t): t is string => typeof t === "string");
  return times.sort()[0];
}

// ————— bounce and complaint notices —————

/**
 * Records notices from a sending service (inside the caller's transaction):
 * a hard bounce or a complaint suppresses the address at once, a soft
 * bounce after `softLimit` in a row (a delivery notice resets the count);
 * the delivery they concern (by our Message-ID, else the latest to that
 * address) is marked bounced.
 */
export async function recordMailEvents(
  db: Db,
  events: MailEvent[],
  source: string,
  softLimit: number,
  now = new Date(),
): Promise<{ recorded: number; suppressed: string[] }> {
  const suppressed: string[] = [];
  let recorded = 0;
  for (const e of events) {
    if (!e.email) continue;
    const ours = e.messageId ? readMessageId(e.messageId) : undefined;
    let delivery = ours
      ? await db
          .selectFrom("newsletter_deliveries")
          .select(["id"])
          .where("issue_id", "=", ours.issueId)
          .where("subscriber_id", "=", ours.subscriberId)
          .executeTakeFirst()
      : undefined;
    delivery ??= await db
      .selectFrom("newsletter_deliveries")
      .select(["id"])
      .where("email", "=", e.email)
      .where("status", "in", ["sent", "bounced"])
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    await db
      .insertInto("mail_events")
      .values({
        kind: e.kind,
        bounce: e.bounce ?? null,
        email: e.email,
        message_id: e.messageId ?? null,
        delivery_id: delivery?.id ?? null,
        source,
        detail: e.detail.slice(0, 1000),
        at: e.at,
        received_at: iso(now),
      })
      .execute();
    recorded++;
    if (e.kind === "delivery") {
      await db.updateTable("subscribers").set({ soft_bounces: 0 }).where("email", "=", e.email).execute();
      continue;
    }
    if (e.kind === "bounce" && delivery)
      await db
        .updateTable("newsletter_deliveries")
        .set({ status: "bounced", bounced_at: e.at, error: e.detail.slice(0, 500) })
        .where("id", "=", delivery.id)
        .execute();
    let reason: string | undefined;
    if (e.kind === "complaint") reason = "complaint";
    else if (e.bounce === "hard") reason = "hard-bounce";
    else {
      const row = await db
        .updateTable("subscribers")
        .set((eb) => ({ soft_bounces: eb("soft_bounces", "+", 1) }))
        .where("email", "=", e.email)
        .returning("soft_bounces")
        .executeTakeFirst();
      if (row && row.soft_bounces >= softLimit) reason = "soft-bounces";
    }
    if (reason) {
      await suppress(db, e.email, reason, e.detail.slice(0, 500), now);
      suppressed.push(e.email);
    }
  }
  return { recorded, suppressed };
}
