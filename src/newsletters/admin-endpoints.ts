/**
 * Newsletters over HTTP, the newsroom's side (/api/admin/…): newsletters
 * (admins), issues — write, preview, test-send to oneself, send now or at
 * a time, cancel — with live delivery counts (editors), and subscribers:
 * search, growth, CSV import and export, delete, suppress (admins).
 */
import { Readable } from "node:stream";
import { z } from "zod";
import type { Config } from "../config.ts";
import { GazetteError } from "../content/errors.ts";
import { headerText, issueInputSchema, mailAddress, newsletterInputSchema } from "../content/newsletter.ts";
import type { BulkMailer } from "../mail/bulk-mailer.ts";
import type { Mailer } from "../mail/mailer.ts";
import type { Db } from "../store/database.ts";
import {
  type Issue,
  type Newsletter,
  createIssue,
  createNewsletter,
  deleteNewsletter,
  deleteSubscriber,
  deliveryCounts,
  issueById,
  listIssues,
  listNewsletters,
  listSubscribers,
  listSuppressions,
  newsletterById,
  subscriptionCounts,
  subscriptionGrowth,
  suppress,
  updateIssue,
  updateNewsletter,
} from "../store/newsletter-store.ts";
import { storyRef } from "../store/story-queries.ts";
import { type Endpoint, asset, endpoint, idParam, json } from "../web/endpoint.ts";
import {
  composeIssue,
  digestStories,
  firstDigestAt,
  messageFor,
  queueIssueNow,
} from "./newsletter-service.ts";
import { MAX_IMPORT_BYTES, exportCsv, importSubscribers, readImportCsv } from "./subscriptions.ts";

export interface NewsletterAdminDeps {
  config: Config;
  db: Db;
  mailer: Mailer;
  bulkMailer: () => BulkMailer;
  /** Wakes this process's newsletter runner (an issue was queued). */
  kick: () => void;
}

async function mustNewsletter(db: Db, id: number): Promise<Newsletter> {
  const n = await newsletterById(db, id);
  if (!n) throw new GazetteError("GZ_ERR_NOT_FOUND", "There is no newsletter with that id.");
  return n;
}

async function mustIssue(db: Db, id: number): Promise<Issue> {
  const i = await issueById(db, id);
  if (!i) throw new GazetteError("GZ_ERR_NOT_FOUND", "There is no issue with that id.");
  return i;
}

const sendAtSchema = z.iso
  .datetime({ offset: true, message: "must be a date and time such as 2026-12-01T07:00:00Z" })
  .transform((s) => new Date(s).toISOString());

export function newsletterAdminEndpoints(deps: NewsletterAdminDeps): Endpoint[] {
  const { db, config } = deps;
  const tz = config.site.timeZone;

  async function issueJson(i: Issue) {
    const counts = i.status === "sending" || i.status === "sent" ? await deliveryCounts(db, i.id) : undefined;
    return { ...i, ...(counts ? { counts } : {}) };
  }

  /** One copy of an issue as it would go now, to `email` with links made of `token` (previews, test copies). */
  async function copyOf(issueId: number, email: string, token: string) {
    const issue = await mustIssue(db, issueId);
    const n = await mustNewsletter(db, issue.newsletterId);
    const e = await composeIssue(deps, issue, n);
    return messageFor(config, n, issue.id, e, { subscriberId: 0, email, token });
  }

  /** Checks an issue's stories exist (a story id of nothing is a clear error, not a blank email). */
  async function checkStories(ids: number[], path: string) {
    for (const [n, id] of ids.entries())
      if (!(await storyRef(db, id)))
        throw new GazetteError("GZ_ERR_VALIDATION", undefined, {
          fields: [{ path: `${path}.${n}`, message: `there is no story ${id}` }],
        });
  }

  return [
    endpoint({
      method: "GET",
      path: "/api/admin/newsletters",
      access: "newsletters.send",
      responds: "json",
      tag: "Newsletters (admin)",
      summary: "Every newsletter with its subscriber counts (active, waiting for confirmation, left)",
      handler: async () => {
        const counts = await subscriptionCounts(db);
        return {
          newsletters: (await listNewsletters(db)).map((n) => ({
            ...n,
            subscribers: counts.get(n.id) ?? { active: 0, pending: 0, unsubscribed: 0 },
          })),
        };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/newsletters",
      access: "newsletters.manage",
      responds: "json",
      status: 201,
      tag: "Newsletters (admin)",
      summary: "Create a newsletter",
      body: newsletterInputSchema,
      handler: async ({ body }) => ({
        newsletter: await createNewsletter(db, body, firstDigestAt(body, tz)),
      }),
    }),
    endpoint({
      method: "PUT",
      path: "/api/admin/newsletters/:id",
      access: "newsletters.manage",
      responds: "json",
      tag: "Newsletters (admin)",
      summary: "Change a newsletter (every setting; a new schedule starts from now)",
      params: idParam,
      body: newsletterInputSchema,
      handler: async ({ params, body }) => {
        const before = await mustNewsletter(db, params.id);
        const sameSchedule = JSON.stringify(before.schedule) === JSON.stringify(body.schedule);
        const next = sameSchedule ? before.nextDigestAt : firstDigestAt(body, tz);
        return { newsletter: await updateNewsletter(db, params.id, body, next) };
      },
    }),
    endpoint({
      method: "DELETE",
      path: "/api/admin/newsletters/:id",
      access: "newsletters.manage",
      responds: "json",
      tag: "Newsletters (admin)",
      summary:
        "Delete a newsletter with its issues and subscriptions (subscribers of other newsletters stay)",
      params: idParam,
      handler: async ({ params }) => {
        if (!(await deleteNewsletter(db, params.id)))
          throw new GazetteError("GZ_ERR_NOT_FOUND", "There is no newsletter with that id.");
        return { deleted: params.id };
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/newsletters/:id/growth",
      access: "newsletters.send",
      responds: "json",
      tag: "Newsletters (admin)",
      summary: "Subscribers gained and lost per day over the last 30 days",
      params: idParam,
      handler: async ({ params }) => {
        await mustNewsletter(db, params.id);
        return { days: await subscriptionGrowth(db, params.id, 30) };
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/newsletters/:id/issues",
      access: "newsletters.send",
      responds: "json",
      tag: "Newsletters (admin)",
      summary:
        "A newsletter's issues, newest first, with delivery counts (queued, sending, sent, failed, bounced, complaints)",
      params: idParam,
      handler: async ({ params }) => {
        await mustNewsletter(db, params.id);
        const issues = await listIssues(db, params.id, { limit: 50 });
        return { issues: await Promise.all(issues.map(issueJson)) };
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/newsletters/:id/digest-suggestion",
      access: "newsletters.send",
      responds: "json",
      tag: "Newsletters (admin)",
      summary:
        "The stories a digest would hold now (the newest of its sections and topics since the last issue)",
      params: idParam,
      handler: async ({ params }) => {
        const n = await mustNewsletter(db, params.id);
        return { stories: await digestStories(db, n) };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/newsletters/:id/issues",
      access: "newsletters.send",
      responds: "json",
      status: 201,
      tag: "Newsletters (admin)",
      summary:
        "Write an issue: a story (kind story), a digest (its stories in order, or the newest of the newsletter's sections and topics), or a breaking-news alert. `send: true` sends it at once; `sendAt` schedules it; otherwise it stays a draft.",
      params: idParam,
      body: z
        .object({
          issue: issueInputSchema,
          send: z.boolean().default(false),
          sendAt: sendAtSchema.optional(),
        })
        .strict(),
      handler: async ({ params, body, user }) => {
        const n = await mustNewsletter(db, params.id);
        const i = body.issue;
        let storyIds: number[] = [];
        if (i.kind === "story") storyIds = [i.storyId];
        else if (i.kind === "digest") storyIds = i.storyIds ?? (await digestStories(db, n)).map((s) => s.id);
        else if (i.storyId) storyIds = [i.storyId];
        await checkStories(storyIds, i.kind === "digest" ? "issue.storyIds" : "issue.storyId");
        if (i.kind === "digest" && storyIds.length === 0)
          throw new GazetteError("GZ_ERR_VALIDATION", "There is no new story for a digest; pick stories.", {
            fields: [
              { path: "issue.storyIds", message: "no new story in the newsletter's sections and topics" },
            ],
          });
        const issue = await createIssue(db, {
          newsletterId: n.id,
          kind: i.kind,
          subject: i.subject ?? "",
          intro: i.intro,
          storyIds,
          url: i.kind === "alert" ? (i.url ?? null) : null,
          status: body.sendAt ? "scheduled" : "draft",
          sendAt: body.sendAt ?? null,
          createdBy: user!.id,
        });
        if (!issue) throw new GazetteError("GZ_ERR_CONFLICT");
        // The email must render (a story unpublished meanwhile is caught here, not at send time).
        const email = await composeIssue(deps, issue, n);
        if (!issue.subject) await updateIssue(db, issue.id, { subject: email.subject });
        if (body.send) {
          await queueIssueNow(deps, issue.id);
          deps.kick();
        }
        return json({ issue: await issueJson((await issueById(db, issue.id))!) }, 201);
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/newsletter-issues/:id",
      access: "newsletters.send",
      responds: "json",
      tag: "Newsletters (admin)",
      summary: "An issue with its delivery counts (poll it to watch a send)",
      params: idParam,
      handler: async ({ params }) => ({ issue: await issueJson(await mustIssue(db, params.id)) }),
    }),
    endpoint({
      method: "PATCH",
      path: "/api/admin/newsletter-issues/:id",
      access: "newsletters.send",
      responds: "json",
      tag: "Newsletters (admin)",
      summary:
        "Change a draft or scheduled issue: its subject, introduction, stories (reorder, trim), send time (null: back to draft), or cancel it",
      params: idParam,
      body: z
        .object({
          subject: headerText(200).optional(),
          intro: z.string().trim().max(2000).optional(),
          storyIds: z.array(z.number().int().positive()).max(30).optional(),
          sendAt: sendAtSchema.nullable().optional(),
          cancel: z.literal(true).optional(),
        })
        .strict(),
      handler: async ({ params, body }) => {
        const issue = await mustIssue(db, params.id);
        if (body.storyIds) await checkStories(body.storyIds, "storyIds");
        const ok = await updateIssue(db, issue.id, {
          ...(body.subject !== undefined ? { subject: body.subject } : {}),
          ...(body.intro !== undefined ? { intro: body.intro } : {}),
          ...(body.storyIds !== undefined ? { storyIds: body.storyIds } : {}),
          ...(body.sendAt !== undefined
            ? { sendAt: body.sendAt, status: body.sendAt ? "scheduled" : "draft" }
            : {}),
          ...(body.cancel ? { status: "cancelled" } : {}),
        });
        if (!ok)
          throw new GazetteError(
            "GZ_ERR_INVALID_TRANSITION",
            `The issue is ${issue.status}; only a draft or a scheduled issue can change.`,
          );
        return { issue: await issueJson((await issueById(db, issue.id))!) };
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/newsletter-issues/:id/preview",
      access: "newsletters.send",
      responds: "json",
      tag: "Newsletters (admin)",
      summary: "The issue's email as it would go now: subject, HTML and plain text",
      params: idParam,
      handler: async ({ params }) => {
        const m = await copyOf(params.id, "preview", "preview-link-not-for-a-reader");
        return { subject: m.subject, html: m.html, text: m.text };
      },
    }),
    endpoint({
      method: "GET",
      path: "/admin/newsletter-issues/:id/preview.html",
      access: "newsletters.send",
      responds: "asset",
      tag: "Newsletters (admin)",
      summary:
        "The issue's email as a page, for the newsroom's preview frame (its own policy: the email's inline styles, no script)",
      params: idParam,
      handler: async ({ params }) => {
        const m = await copyOf(params.id, "preview", "preview-link-not-for-a-reader");
        return asset(m.html, "text/html; charset=utf-8", "no-store", {
          headers: {
            "content-security-policy":
              "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
          },
        });
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/newsletter-issues/:id/test",
      access: "newsletters.send",
      responds: "json",
      tag: "Newsletters (admin)",
      summary:
        "Send one copy of the issue to the signed-in editor's own address, through the same path as the real send",
      params: idParam,
      handler: async ({ params, user }) => {
        const m = await copyOf(params.id, user!.email, "test-copy-links-do-not-work");
        const outcome = await deps.bulkMailer().send({
          ...m,
          subject: `[Test] ${m.subject}`,
          messageId: m.messageId.replace("<gz-", `<gz-test-${Date.now()}-`),
        });
        if (!outcome.ok)
          throw new GazetteError("GZ_ERR_UNAVAILABLE", `The test copy was not sent: ${outcome.message}`);
        return { sentTo: user!.email };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/newsletter-issues/:id/send",
      access: "newsletters.send",
      responds: "json",
      tag: "Newsletters (admin)",
      summary: "Send a draft or scheduled issue now: one delivery per active, unsuppressed subscriber",
      params: idParam,
      handler: async ({ params }) => {
        const recipients = await queueIssueNow(deps, params.id);
        deps.kick();
        return { issue: await issueJson((await issueById(db, params.id))!), recipients };
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/subscribers",
      access: "newsletters.manage",
      responds: "json",
      tag: "Newsletters (admin)",
      summary: "Subscribers, newest first: search by address, filter by newsletter (50 a page)",
      query: z.object({
        q: z.string().max(200).optional(),
        newsletter: z.coerce.number().int().positive().optional(),
        page: z.coerce.number().int().min(1).max(100_000).default(1),
      }),
      handler: async ({ query }) =>
        listSubscribers(db, {
          ...(query.newsletter ? { newsletterId: query.newsletter } : {}),
          ...(query.q ? { search: query.q } : {}),
          limit: 50,
          offset: (query.page - 1) * 50,
        }),
    }),
    endpoint({
      method: "DELETE",
      path: "/api/admin/subscribers/:id",
      access: "newsletters.manage",
      responds: "json",
      tag: "Newsletters (admin)",
      summary:
        "Delete a subscriber and everything about them (subscriptions, consents, deliveries, notices); a suppression of a bounced or complaining address stays",
      params: idParam,
      handler: async ({ params }) => {
        if (!(await db.transaction().execute((tx) => deleteSubscriber(tx, params.id))))
          throw new GazetteError("GZ_ERR_NOT_FOUND", "There is no subscriber with that id.");
        return { deleted: params.id };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/newsletters/:id/import",
      access: "newsletters.manage",
      rawBody: { maxBytes: MAX_IMPORT_BYTES },
      responds: "json",
      tag: "Newsletters (admin)",
      summary:
        "Import subscribers from a CSV body (a header row with at least `email`): `?consent=given` subscribes them with that consent recorded; `?consent=confirm` (the default) emails each new address a confirmation",
      params: idParam,
      query: z.object({
        consent: z.enum(["given", "confirm"]).default("confirm"),
        source: z.string().max(200).optional(),
      }),
      handler: async ({ params, query, body, user }) => {
        const n = await mustNewsletter(db, params.id);
        const raw = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
        const rows = readImportCsv(raw.toString("utf8"));
        return importSubscribers(deps, n, rows, {
          consent: query.consent,
          source: query.source ?? "CSV import in the newsroom",
          by: `${user!.name} <${user!.email}>`,
        });
      },
    }),
    endpoint({
      method: "GET",
      path: "/admin/newsletters/:id/export.csv",
      access: "newsletters.manage",
      responds: "asset",
      tag: "Newsletters (admin)",
      summary: "The newsletter's subscribers with their consent, as CSV",
      params: idParam,
      handler: async ({ params }) => {
        const n = await mustNewsletter(db, params.id);
        return asset(Readable.from(exportCsv(db, n)), "text/csv; charset=utf-8", "no-store", {
          headers: { "content-disposition": `attachment; filename="${n.slug}-subscribers.csv"` },
        });
      },
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/suppressions",
      access: "newsletters.manage",
      responds: "json",
      tag: "Newsletters (admin)",
      summary: "The addresses never sent to (bounced, complained, or suppressed by hand), newest first",
      handler: async () => ({ suppressions: await listSuppressions(db, 200) }),
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/suppressions",
      access: "newsletters.manage",
      responds: "json",
      status: 201,
      tag: "Newsletters (admin)",
      summary:
        "Suppress an address by hand (a reader asked by phone or letter); it receives nothing until it confirms again",
      body: z.object({ email: mailAddress, detail: z.string().max(500).default("") }).strict(),
      handler: async ({ body, user }) => {
        await suppress(db, body.email, "manual", body.detail || `by ${user!.name}`);
        return json({ suppressed: body.email }, 201);
      },
    }),
  ];
}
