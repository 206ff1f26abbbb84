/**
 * `gazette newsletter …`: newsletters for operators and scripts. Each
 * subcommand takes --json for a machine-readable answer.
 *
 *   gazette newsletter create --slug S --name N [--from-email E] [--from-name N] [--reply-to E]
 *                             [--description D] [--sections a,b] [--schedule mon,wed@07:00]
 *   gazette newsletter import --newsletter S [--consent given|confirm] FILE.csv
 *   gazette newsletter send --newsletter S (--story PATH|ID | --digest) [--queue-only]
 *   gazette newsletter deliver           send whatever is queued, until nothing is left
 *   gazette newsletter status --newsletter S
 *   gazette newsletter suppress EMAIL
 *   gazette newsletter export --newsletter S [--out FILE]
 */
import fs from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import type { Config } from "../config.ts";
import { GazetteError } from "../content/errors.ts";
import { WEEKDAYS, mailAddress, newsletterInputSchema } from "../content/newsletter.ts";
import { createBulkMailer } from "../mail/bulk-mailer.ts";
import { createMailer } from "../mail/mailer.ts";
import {
  digestStories,
  firstDigestAt,
  newsletterPass,
  queueIssueNow,
} from "../newsletters/newsletter-service.ts";
import { exportCsv, importSubscribers, readImportCsv } from "../newsletters/subscriptions.ts";
import type { Db } from "../store/database.ts";
import {
  type Newsletter,
  createIssue,
  createNewsletter,
  deliveryCounts,
  issueById,
  listIssues,
  listNewsletters,
  newsletterBySlug,
  nextDeliveryTime,
  sendingIssues,
  subscriptionCounts,
  suppress,
} from "../store/newsletter-store.ts";
import { storyRef } from "../store/story-queries.ts";
import { visibleStoryByPath } from "../store/story-store.ts";
import { NewsletterUsageError } from "./usage.ts";

/** A newsletter command that could not be done (exit 1), said in one line. */
class NewsletterCommandError extends Error {}

const quietLog = {
  info: () => undefined,
  warn: (o: object, m: string) => console.error(`warning: ${m} ${JSON.stringify(o)}`),
  error: (o: object, m: string) => console.error(`error: ${m} ${JSON.stringify(o)}`),
};

async function mustNewsletter(db: Db, slug: string | undefined, sub: string): Promise<Newsletter> {
  if (!slug) throw new NewsletterUsageError(`newsletter ${sub}: name the newsletter with --newsletter SLUG`);
  const n = await newsletterBySlug(db, slug);
  if (!n)
    throw new NewsletterCommandError(
      `there is no newsletter "${slug}" (gazette newsletter status lists them)`,
    );
  return n;
}

/** Reads "mon,wed,fri@07:00" or "daily@07:00" or "weekdays@06:30". */
function parseSchedule(text: string): { days: (typeof WEEKDAYS)[number][]; time: string } {
  const m = /^([a-z,]+)@(\d{2}:\d{2})$/.exec(text.trim().toLowerCase());
  if (!m)
    throw new NewsletterUsageError(
      `--schedule: "${text}" is not a schedule; write days@time, e.g. mon,wed@07:00, daily@07:00, weekdays@06:30`,
    );
  const days =
    m[1] === "daily" ? [...WEEKDAYS] : m[1] === "weekdays" ? WEEKDAYS.slice(0, 5) : m[1]!.split(",");
  for (const d of days)
    if (!(WEEKDAYS as readonly string[]).includes(d))
      throw new NewsletterUsageError(
        `--schedule: "${d}" is not a day; use ${WEEKDAYS.join(", ")}, daily or weekdays`,
      );
  return { days: days as (typeof WEEKDAYS)[number][], time: m[2]! };
}

/** Sends what is queued in this process until nothing is left (waiting out another process's lease). */
async function deliverAll(db: Db, config: Config, json: boolean): Promise<{ sent: number; failed: number }> {
  const mailer = createBulkMailer(config.mail, {
    connections: config.newsletters.connections,
    outboxDir: `${config.dataDir}/outbox`,
  });
  let sent = 0;
  let failed = 0;
  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    for (;;) {
      const r = await newsletterPass(
        { db, config, mailer, log: quietLog },
        { stopping: () => stopping, budgetMs: 60_000 },
      );
      sent += r.sent;
      failed += r.failed;
      if (!json && (r.sent || r.failed)) console.error(`sent ${sent}, failed ${failed}…`);
      if (stopping) break;
      const open = await sendingIssues(db);
      if (open.length === 0) break;
      // Left: deliveries waiting for a retry or for a dead process's lease to run out.
      const times = (await Promise.all(open.map((i) => nextDeliveryTime(db, i.id)))).filter(
        (t): t is string => !!t,
      );
      const next = times.sort()[0];
      if (!next) continue;
      const wait = Date.parse(next) - Date.now();
      if (wait > 10 * 60_000) {
        if (!json)
          console.error(
            `the rest waits for retries (next at ${next}); the server's runner will send it, or run gazette newsletter deliver again`,
          );
        break;
      }
      if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait + 50, 10_000)));
    }
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    mailer.close();
  }
  return { sent, failed };
}

export async function newsletterCommand(args: string[], config: Config, db: Db): Promise<number> {
  const [sub, ...rest] = args;
  const out = (json: boolean, data: unknown, text: string) =>
    console.log(json ? JSON.stringify(data, null, 2) : text);
  try {
    switch (sub) {
      case "create": {
        const { values } = parseArgs({
          args: rest,
          options: {
            json: { type: "boolean", default: false },
            slug: { type: "string" },
            name: { type: "string" },
            description: { type: "string" },
            "from-name": { type: "string" },
            "from-email": { type: "string" },
            "reply-to": { type: "string" },
            sections: { type: "string" },
            schedule: { type: "string" },
          },
        });
        if (!values.slug || !values.name)
          throw new NewsletterUsageError(
            'newsletter create: give --slug and --name, e.g. --slug morning --name "Morning briefing"',
          );
        const configured = /<([^>]+)>/.exec(config.mail.from)?.[1] ?? config.mail.from;
        const input = newsletterInputSchema.safeParse({
          slug: values.slug,
          name: values.name,
          description: values.description ?? "",
          fromName: values["from-name"] ?? config.site.name,
          fromEmail: values["from-email"] ?? configured,
          replyTo: values["reply-to"] ?? null,
          sectionSlugs: values.sections
            ? values.sections
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean)
            : [],
          schedule: values.schedule ? parseSchedule(values.schedule) : null,
        });
        if (!input.success) {
          const flag: Record<string, string> = {
            fromName: "--from-name",
            fromEmail: "--from-email",
            replyTo: "--reply-to",
            sectionSlugs: "--sections",
          };
          throw new NewsletterUsageError(
            `newsletter create: ${input.error.issues.map((i) => `${flag[String(i.path[0])] ?? `--${String(i.path[0])}`} ${i.message}`).join("; ")}`,
          );
        }
        const n = await createNewsletter(db, input.data, firstDigestAt(input.data, config.site.timeZone));
        out(
          values.json,
          { newsletter: n },
          `Created the newsletter ${n.name} (${n.slug}), from ${n.fromName} <${n.fromEmail}>${n.nextDigestAt ? `; first digest ${n.nextDigestAt}` : ""}.`,
        );
        return 0;
      }
      case "import": {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            json: { type: "boolean", default: false },
            newsletter: { type: "string" },
            consent: { type: "string", default: "confirm" },
          },
        });
        if (values.consent !== "given" && values.consent !== "confirm")
          throw new NewsletterUsageError(
            'newsletter import: --consent is "given" (you hold their consent) or "confirm" (email each a confirmation)',
          );
        if (positionals.length !== 1)
          throw new NewsletterUsageError(
            "newsletter import: name one CSV file, e.g. gazette newsletter import --newsletter morning readers.csv",
          );
        const file = positionals[0]!;
        const n = await mustNewsletter(db, values.newsletter, "import");
        let text: string;
        try {
          text = fs.readFileSync(file, "utf8");
        } catch (err) {
          throw new NewsletterCommandError(
            `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`,
          );
        }
        const rows = readImportCsv(text);
        const report = await importSubscribers(
          { db, config, mailer: createMailer(config.mail, quietLog) },
          n,
          rows,
          {
            consent: values.consent,
            source: `CSV file ${file} (command line)`,
            by: "an operator on the command line",
          },
        );
        out(
          values.json,
          report,
          [
            `${n.name}: ${report.rows} rows; ${report.subscribed} subscribed, ${report.confirmationsSent} sent a confirmation, ${report.alreadySubscribed} subscribed already.`,
            ...report.suppressed.map(
              (s) => `  line ${s.line}: ${s.email} is suppressed (${s.reason}); not imported`,
            ),
            ...report.invalid.map((i) => `  line ${i.line}: ${i.message}`),
          ].join("\n"),
        );
        return report.invalid.length ? 1 : 0;
      }
      case "send": {
        const { values } = parseArgs({
          args: rest,
          options: {
            json: { type: "boolean", default: false },
            newsletter: { type: "string" },
            story: { type: "string" },
            digest: { type: "boolean", default: false },
            "queue-only": { type: "boolean", default: false },
          },
        });
        if (!values.story === !values.digest)
          throw new NewsletterUsageError(
            "newsletter send: give --story PATH (one story) or --digest (the newest of its sections)",
          );
        const n = await mustNewsletter(db, values.newsletter, "send");
        let storyIds: number[];
        if (values.story) {
          const s = /^\d+$/.test(values.story)
            ? await storyRef(db, Number(values.story))
            : await visibleStoryByPath(db, values.story.replace(/^https?:\/\/[^/]+/, "")).then((r) =>
                r && "story" in r ? r.story : undefined,
              );
          if (!s) throw new NewsletterCommandError(`there is no published story at ${values.story}`);
          storyIds = [s.id];
        } else {
          storyIds = (await digestStories(db, n)).map((s) => s.id);
          if (storyIds.length === 0)
            throw new NewsletterCommandError(`there is no new story for a digest of ${n.name}`);
        }
        const issue = await createIssue(db, {
          newsletterId: n.id,
          kind: values.story ? "story" : "digest",
          subject: "",
          intro: "",
          storyIds,
          url: null,
          status: "draft",
          sendAt: null,
          createdBy: null,
        });
        const recipients = await queueIssueNow({ db, config }, issue!.id);
        if (!values.json)
          console.error(`Issue ${issue!.id} of ${n.name} queued for ${recipients} recipients.`);
        const r = values["queue-only"] ? { sent: 0, failed: 0 } : await deliverAll(db, config, values.json);
        const counts = await deliveryCounts(db, issue!.id);
        out(
          values.json,
          { issue: await issueById(db, issue!.id), counts },
          `Issue ${issue!.id}: ${counts.sent} sent, ${counts.queued} queued, ${counts.failed} failed, ${counts.bounced} bounced.`,
        );
        return r.failed && counts.failed ? 1 : 0;
      }
      case "deliver": {
        const { values } = parseArgs({ args: rest, options: { json: { type: "boolean", default: false } } });
        const r = await deliverAll(db, config, values.json);
        out(values.json, r, `Sent ${r.sent}; ${r.failed} failed.`);
        return 0;
      }
      case "status": {
        const { values } = parseArgs({
          args: rest,
          options: { json: { type: "boolean", default: false }, newsletter: { type: "string" } },
        });
        const counts = await subscriptionCounts(db);
        const list = values.newsletter ? [await mustNewsletter(db, values.newsletter, "status")] : [];
        if (!values.newsletter) list.push(...(await listNewsletters(db)));
        const data = await Promise.all(
          list.map(async (n) => ({
            slug: n.slug,
            name: n.name,
            subscribers: counts.get(n.id) ?? { active: 0, pending: 0, unsubscribed: 0 },
            nextDigestAt: n.nextDigestAt,
            issues: await Promise.all(
              (await listIssues(db, n.id, { limit: values.newsletter ? 20 : 3 })).map(async (i) => ({
                id: i.id,
                kind: i.kind,
                subject: i.subject,
                status: i.status,
                queuedAt: i.queuedAt,
                counts:
                  i.status === "sending" || i.status === "sent" ? await deliveryCounts(db, i.id) : undefined,
              })),
            ),
          })),
        );
        out(
          values.json,
          { newsletters: data },
          data
            .map((n) =>
              [
                `${n.name} (${n.slug}): ${n.subscribers.active} subscribed, ${n.subscribers.pending} awaiting confirmation, ${n.subscribers.unsubscribed} left${n.nextDigestAt ? `; next digest ${n.nextDigestAt}` : ""}`,
                ...n.issues.map(
                  (i) =>
                    `  #${i.id} ${i.status.padEnd(9)} ${i.kind.padEnd(6)} ${i.subject}${i.counts ? ` — queued ${i.counts.queued}, sending ${i.counts.sending}, sent ${i.counts.sent}, failed ${i.counts.failed}, bounced ${i.counts.bounced}` : ""}`,
                ),
              ].join("\n"),
            )
            .join("\n") || "There are no newsletters yet (gazette newsletter create).",
        );
        return 0;
      }
      case "suppress": {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { json: { type: "boolean", default: false } },
        });
        const email = mailAddress.safeParse(positionals[0] ?? "");
        if (positionals.length !== 1 || !email.success)
          throw new NewsletterUsageError(
            "newsletter suppress: name one email address, e.g. gazette newsletter suppress reader@example.org",
          );
        await suppress(db, email.data, "manual", "by an operator on the command line");
        out(
          values.json,
          { suppressed: email.data },
          `${email.data} will receive no newsletter until it confirms a subscription again.`,
        );
        return 0;
      }
      case "export": {
        const { values } = parseArgs({
          args: rest,
          options: {
            newsletter: { type: "string" },
            out: { type: "string" },
            json: { type: "boolean", default: false },
          },
        });
        const n = await mustNewsletter(db, values.newsletter, "export");
        const target: NodeJS.WritableStream = values.out ? fs.createWriteStream(values.out) : process.stdout;
        await pipeline(Readable.from(exportCsv(db, n)), target, { end: Boolean(values.out) });
        if (values.out && !values.json) console.error(`Wrote ${values.out}.`);
        return 0;
      }
      default:
        throw new NewsletterUsageError(
          sub
            ? `newsletter: unknown subcommand "${sub}"`
            : "newsletter: name a subcommand (create, import, send, deliver, status, suppress, export)",
        );
    }
  } catch (err) {
    if (err instanceof NewsletterCommandError) {
      console.error(`gazette newsletter: ${err.message}`);
      return 1;
    }
    if (err instanceof GazetteError) {
      console.error(
        `gazette newsletter: ${err.message}${err.fields ? ` (${err.fields.map((f) => `${f.path}: ${f.message}`).join("; ")})` : ""}`,
      );
      return 1;
    }
    throw err;
  }
}
