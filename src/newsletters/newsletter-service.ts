/**
 * Newsletters at work: making an issue's email, preparing scheduled
 * digests, queueing issues, and the delivery pass every process runs
 * (claim a batch, mark each message `sending`, send through the pooled
 * SMTP connections, record) — see store/newsletter-store.ts for why no
 * recipient gets two different copies whatever process dies when.
 */
import { newsletterToken } from "../auth/access-tokens.ts";
import { accessSigningKey } from "../store/membership-store.ts";
import os from "node:os";
import type { Config } from "../config.ts";
import { GazetteError } from "../content/errors.ts";
import { messageIdFor, nextScheduledAt } from "../content/newsletter.ts";
import type { BulkMailer, BulkMessage } from "../mail/bulk-mailer.ts";
import { imageRendition } from "../site/components.ts";
import { type EmailStory, personalise, renderIssueEmail } from "../site/newsletter-email.ts";
import type { Db } from "../store/database.ts";
import { imagesByIds } from "../store/media-repo.ts";
import {
  type ClaimedDelivery,
  type Issue,
  type Newsletter,
  advanceDigestBookmark,
  claimDeliveries,
  createIssue,
  dueIssues,
  finishIssueIfDone,
  issueById,
  issueSnapshot,
  listIssues,
  markFailed,
  markSending,
  markSent,
  newsletterById,
  newslettersDueForDigest,
  queueIssue,
  recordMailEvents,
  releaseClaims,
  renewDeliveries,
  sendingIssues,
  updateIssue,
} from "../store/newsletter-store.ts";
import { latestForDigest, teasersByIds } from "../store/story-queries.ts";
import type { StoryTeaser } from "../store/story-teasers.ts";

/** This process; each pass claims under its own name (`…:pass-N`), so two passes never take each other's batches. */
const PROCESS_ID = `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
let passes = 0;

export interface NewsletterDeps {
  db: Db;
  config: Config;
  mailer: BulkMailer;
  log: {
    info(o: object, m: string): void;
    warn(o: object, m: string): void;
    error(o: object, m: string): void;
  };
}

const absolute = (base: string, url: string) => (/^https?:\/\//.test(url) ? url : `${base}${url}`);

/** The stories of an issue, in its order, that readers may see now. */
export async function issueStories(db: Db, ids: number[], now = new Date()): Promise<StoryTeaser[]> {
  const found = await teasersByIds(db, ids, now.toISOString());
  return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
}

/** The email of an issue as it would go now (subject, HTML, text; recipients' links left as placeholders). */
export async function composeIssue(
  deps: Pick<NewsletterDeps, "db" | "config">,
  issue: Pick<Issue, "id" | "kind" | "subject" | "intro" | "storyIds" | "url">,
  n: Newsletter,
  now = new Date(),
): Promise<{ subject: string; html: string; text: string; stories: StoryTeaser[] }> {
  const { db, config } = deps;
  const base = config.site.baseUrl;
  const stories = await issueStories(db, issue.storyIds, now);
  if (issue.kind !== "alert" && stories.length === 0)
    throw new GazetteError(
      "GZ_ERR_VALIDATION",
      "The issue has no published story to send; add one (or publish it first).",
      { fields: [{ path: "storyIds", message: "needs at least one published story" }] },
    );
  const images = await imagesByIds(
    db,
    stories.flatMap((s) => (s.heroImageId ? [s.heroImageId] : [])),
  );
  // A gated story's link opens it in full for whoever follows it, for a while (memberships).
  const key = await accessSigningKey(db);
  const until = Math.floor(now.getTime() / 1000) + config.memberships.newsletterLinkDays * 86_400;
  const linkOf = (s: StoryTeaser) =>
    s.access !== "free" ? `${base}/read/${newsletterToken(key, s.id, until)}` : absolute(base, s.path);
  const emailStories: EmailStory[] = stories.map((s) => {
    const img = s.heroImageId ? images.get(s.heroImageId) : undefined;
    const r = img ? imageRendition(img, 1200) : undefined;
    return {
      headline: s.headline,
      summary: s.summary[0] ?? "",
      url: linkOf(s),
      section: s.sectionName,
      byline: s.byline,
      image:
        img && r?.url
          ? { url: absolute(base, r.url), width: r.width, height: r.height, alt: img.alt }
          : undefined,
    };
  });
  const subject = issue.subject || (issue.kind === "story" ? (stories[0]?.headline ?? n.name) : n.name);
  const alertUrl =
    issue.kind === "alert"
      ? issue.url
        ? absolute(base, issue.url)
        : stories[0]
          ? linkOf(stories[0])
          : undefined
      : undefined;
  const rendered = renderIssueEmail({
    site: config.site,
    newsletter: { name: n.name, slug: n.slug, description: n.description },
    kind: issue.kind,
    subject,
    intro: issue.intro,
    stories: emailStories,
    alertUrl,
    webUrl: `${base}/newsletters/${n.slug}/issues/${issue.id}`,
  });
  return { subject, ...rendered, stories };
}

/** RFC 2919's List-Id: the name as a quoted phrase when it is plain ASCII, and the list's own identifier. */
function listId(n: Newsletter, host: string): string {
  const id = `<${n.slug}.newsletters.${host}>`;
  return /^[\x20-\x7e]+$/.test(n.name) ? `"${n.name.replace(/["\\]/g, "")}" ${id}` : id;
}

/** The links and headers that make one copy of an issue for one subscriber. */
export function messageFor(
  config: Config,
  n: Newsletter,
  issueId: number,
  snapshot: { subject: string; html: string; text: string },
  to: { subscriberId: number; email: string; token: string },
): BulkMessage {
  const base = config.site.baseUrl;
  const domain = n.fromEmail.split("@")[1] ?? new URL(base).hostname;
  const unsubscribe = `${base}/newsletters/unsubscribe/${to.token}/${n.slug}`;
  const preferences = `${base}/newsletters/preferences/${to.token}`;
  const mailbox = config.newsletters.unsubscribeMailbox ?? n.replyTo ?? n.fromEmail;
  const messageId = messageIdFor(issueId, to.subscriberId, domain);
  return {
    from: { name: n.fromName, address: n.fromEmail },
    to: to.email,
    replyTo: n.replyTo ?? undefined,
    subject: snapshot.subject,
    html: personalise(snapshot.html, { unsubscribe, preferences }),
    text: personalise(snapshot.text, { unsubscribe, preferences }),
    messageId,
    headers: {
      // RFC 2919: the list's name and its identifier under the site's domain.
      "List-Id": { prepared: true, value: listId(n, new URL(base).hostname) },
      // RFC 2369 and 8058: one header, both ways out; a POST of "List-Unsubscribe=One-Click" to the https one unsubscribes.
      "List-Unsubscribe": {
        prepared: true,
        value: `<mailto:${mailbox}?subject=${encodeURIComponent(`unsubscribe ${n.slug} ${to.token}`)}>,\r\n <${unsubscribe}>`,
      },
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      "List-Archive": { prepared: true, value: `<${base}/newsletters/${n.slug}>` },
      // Postmark hands metadata back in its bounce webhooks, which ties a bounce to this copy.
      "X-PM-Metadata-gazette-message-id": messageId,
    },
  };
}

/**
 * Queues an issue now: freezes its email and makes its delivery rows.
 * Returns the number of recipients. Refuses an issue already sent or
 * cancelled.
 */
export async function queueIssueNow(
  deps: Pick<NewsletterDeps, "db" | "config">,
  issueId: number,
  now = new Date(),
) {
  const issue = await issueById(deps.db, issueId);
  if (!issue) throw new GazetteError("GZ_ERR_NOT_FOUND", "There is no issue with that id.");
  if (issue.status !== "draft" && issue.status !== "scheduled")
    throw new GazetteError(
      "GZ_ERR_INVALID_TRANSITION",
      `The issue is ${issue.status} already; it cannot be sent again.`,
    );
  const n = await newsletterById(deps.db, issue.newsletterId);
  if (!n) throw new GazetteError("GZ_ERR_NOT_FOUND", "The issue's newsletter is gone.");
  const email = await composeIssue(deps, issue, n, now);
  const count = await deps.db.transaction().execute((tx) => queueIssue(tx, issueId, email, now));
  if (count === undefined)
    throw new GazetteError("GZ_ERR_CONFLICT", "Someone else sent or changed the issue at the same moment.");
  return count;
}

/** The digest's stories: the newest of its sections and topics since the last issue (at most a week back). */
export async function digestStories(db: Db, n: Newsletter, now = new Date()): Promise<StoryTeaser[]> {
  const last = (await listIssues(db, n.id, { sentOnly: true, limit: 1 }))[0];
  const weekAgo = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  const since = last?.queuedAt && last.queuedAt > weekAgo ? last.queuedAt : weekAgo;
  return latestForDigest(
    db,
    { sectionSlugs: n.sectionSlugs, topicNames: n.topicNames, since, limit: n.digestSize },
    now.toISOString(),
  );
}

/**
 * Prepares the digests whose time is within the lead: one issue per
 * newsletter and occurrence (two processes cannot make two — the bookmark
 * moves by compare-and-set and the occurrence is unique). A digest with
 * no new story is skipped and said so in the log.
 */
export async function prepareDigests(deps: NewsletterDeps, now = new Date()): Promise<Issue[]> {
  const { db, config } = deps;
  const made: Issue[] = [];
  const horizon = new Date(now.getTime() + config.newsletters.digestLeadMinutes * 60_000);
  for (const n of await newslettersDueForDigest(db, horizon)) {
    const occurrence = n.nextDigestAt!;
    const next = nextScheduledAt(
      n.schedule!,
      new Date(Math.max(now.getTime(), Date.parse(occurrence))),
      config.site.timeZone,
    );
    if (!(await advanceDigestBookmark(db, n.id, occurrence, next.toISOString()))) continue;
    // An occurrence long past (the site was down) is not sent late; the next one is.
    if (Date.parse(occurrence) < now.getTime() - 6 * 3600_000) continue;
    const stories = await digestStories(db, n, now);
    if (stories.length === 0) {
      deps.log.info({ newsletter: n.slug, occurrence }, "digest skipped: no new story since the last issue");
      continue;
    }
    const issue = await createIssue(
      db,
      {
        newsletterId: n.id,
        kind: "digest",
        subject: `${n.name}: ${stories[0]!.headline}`.slice(0, 200),
        intro: "",
        storyIds: stories.map((s) => s.id),
        url: null,
        status: n.autoSend ? "scheduled" : "draft",
        sendAt: occurrence,
        scheduledFor: occurrence,
        createdBy: null,
      },
      now,
    );
    if (issue) made.push(issue);
  }
  return made;
}

/** Retry delays after a temporary failure: 1, 5, 15, 60 minutes, then 3 hours. */
function retryDelayMs(attempts: number): number {
  return [60_000, 300_000, 900_000, 3_600_000][attempts] ?? 3 * 3_600_000;
}

/** Paces sends to `perSecond` (0: no pacing). */
function pacer(perSecond: number) {
  let next = 0;
  return async () => {
    if (perSecond <= 0) return;
    const now = Date.now();
    const wait = next - now;
    next = Math.max(now, next) + 1000 / perSecond;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };
}

export interface PassResult {
  queued: number[];
  sent: number;
  failed: number;
  finished: number[];
}

/**
 * One pass of the newsletter runner: prepare due digests, queue due
 * issues, then send until nothing is left to claim, `budgetMs` has passed,
 * or `stopping()` says so.
 */
export async function newsletterPass(
  deps: NewsletterDeps,
  opts: { budgetMs?: number; stopping?: () => boolean; now?: () => Date } = {},
): Promise<PassResult> {
  const { db, config } = deps;
  const now = opts.now ?? (() => new Date());
  const result: PassResult = { queued: [], sent: 0, failed: 0, finished: [] };
  const SENDER_ID = `${PROCESS_ID}:pass-${++passes}`;
  await prepareDigests(deps, now());
  for (const issue of await dueIssues(db, now())) {
    try {
      result.queued.push(issue.id);
      await queueIssueNow(deps, issue.id, now());
    } catch (err) {
      deps.log.error({ err, issue: issue.id }, "scheduled issue could not be queued");
      result.queued.pop();
      if (err instanceof GazetteError && err.code !== "GZ_ERR_CONFLICT") {
        // Nothing to send (its stories were unpublished): the issue waits for an editor.
        await updateIssue(db, issue.id, { status: "draft" });
      }
    }
  }
  const started = Date.now();
  const budget = opts.budgetMs ?? 30_000;
  const lease = config.newsletters.leaseSeconds * 1000;
  const pace = pacer(config.newsletters.ratePerSecond);
  const inFlight = Math.max(1, config.newsletters.connections * 2);
  const newsletters = new Map<number, Newsletter | undefined>();
  const snapshots = new Map<number, { subject: string; html: string; text: string } | undefined>();
  for (const issue of await sendingIssues(db)) {
    if (!newsletters.has(issue.newsletterId))
      newsletters.set(issue.newsletterId, await newsletterById(db, issue.newsletterId));
    const n = newsletters.get(issue.newsletterId);
    const snap = snapshots.get(issue.id) ?? (await issueSnapshot(db, issue.id));
    if (!n || !snap) continue;
    snapshots.set(issue.id, { ...snap, subject: issue.subject });
    for (;;) {
      if (opts.stopping?.() || Date.now() - started > budget) break;
      const batch = await claimDeliveries(
        db,
        issue.id,
        SENDER_ID,
        now(),
        lease,
        config.newsletters.batchSize,
      );
      if (batch.length === 0) break;
      let renewed = Date.now();
      try {
        for (let i = 0; i < batch.length; i += inFlight) {
          if (opts.stopping?.()) break;
          const chunk = batch.slice(i, i + inFlight);
          const mine = await markSending(
            db,
            chunk.map((d) => d.id),
            SENDER_ID,
            now(),
            lease,
          );
          const outcomes = await Promise.all(
            chunk
              .filter((d) => mine.has(d.id))
              .map(async (d) => {
                await pace();
                return {
                  d,
                  outcome: await deps.mailer.send(
                    messageFor(config, n, issue.id, snapshots.get(issue.id)!, d),
                  ),
                };
              }),
          );
          const sent = outcomes.filter((o) => o.outcome.ok).map((o) => o.d.id);
          await markSent(db, sent, now());
          result.sent += sent.length;
          for (const { d, outcome } of outcomes) {
            if (outcome.ok) continue;
            result.failed++;
            await recordFailure(deps, d, outcome, now());
          }
          // The lease is renewed once a third of it has gone (a slow relay, a low rate).
          if (i + inFlight < batch.length && Date.now() - renewed > lease / 3) {
            await renewDeliveries(db, issue.id, SENDER_ID, now(), lease);
            renewed = Date.now();
          }
        }
      } finally {
        await releaseClaims(db, issue.id, SENDER_ID);
      }
    }
    if (await finishIssueIfDone(db, issue.id, now())) result.finished.push(issue.id);
  }
  return result;
}

async function recordFailure(
  deps: NewsletterDeps,
  d: ClaimedDelivery,
  outcome: { temporary: boolean; refusedRecipient: boolean; message: string },
  now: Date,
) {
  const { db, config } = deps;
  if (outcome.temporary && d.attempts + 1 < config.newsletters.maxAttempts) {
    await markFailed(
      db,
      d.id,
      { retryAt: new Date(now.getTime() + retryDelayMs(d.attempts)), error: outcome.message },
      now,
    );
    return;
  }
  if (outcome.refusedRecipient) {
    // The receiving server refused the address itself: a hard bounce, said at once.
    await markFailed(db, d.id, { status: "bounced", error: outcome.message }, now);
    await db.transaction().execute((tx) =>
      recordMailEvents(
        tx,
        [
          {
            kind: "bounce",
            bounce: "hard",
            email: d.email,
            at: now.toISOString(),
            detail: outcome.message,
          },
        ],
        "smtp",
        config.newsletters.softBounceLimit,
        now,
      ),
    );
    return;
  }
  await markFailed(db, d.id, { status: "failed", error: outcome.message }, now);
  deps.log.warn({ delivery: d.id, error: outcome.message }, "newsletter delivery failed");
}

/** When the next digest of a schedule is due, from now (null without a schedule). */
export function firstDigestAt(
  n: { schedule: Newsletter["schedule"] },
  timeZone: string,
  now = new Date(),
): string | null {
  return n.schedule ? nextScheduledAt(n.schedule, now, timeZone).toISOString() : null;
}
