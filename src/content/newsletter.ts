/**
 * Newsletters, the pure part: what a newsletter is (its settings and
 * schedule), an issue's kinds, the rules of addresses and headers (no line
 * breaks into a header: that is how header injection works), when a
 * scheduled digest is next due in the site's time zone, the Message-ID
 * that makes a resend after an unknown outcome recognisable, CSV cells that
 * a spreadsheet will not run as formulas, and the bounce and complaint
 * notices of the services Gazette understands, read into one shape.
 */
import { z } from "zod";
import { slugSchema } from "./model.ts";

/** Text that goes into a mail header: one line, no control characters. */
export const headerText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`)
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must not pass
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "must be one line without control characters");

/** An email address as Gazette keeps it: trimmed, lower-case, one line. */
export const mailAddress = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "must be at most 254 characters")
  .email("must be an email address such as name@example.org");

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** When a digest goes: on these days at this local time (the site's time zone). */
export const scheduleSchema = z
  .object({
    days: z.array(z.enum(WEEKDAYS)).min(1, "name at least one day").max(7),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time such as 07:00"),
  })
  .strict();
export type Schedule = z.output<typeof scheduleSchema>;

export const newsletterInputSchema = z
  .object({
    slug: slugSchema,
    name: headerText(100),
    description: z.string().trim().max(1000).default(""),
    /** The sender's name and address; the address's domain should be one the SMTP service may send for. */
    fromName: headerText(100),
    fromEmail: mailAddress,
    replyTo: mailAddress.nullable().default(null),
    /** A digest's stories come from these sections and topics (none: every section). */
    sectionSlugs: z.array(slugSchema).max(50).default([]),
    topicNames: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
    /** The digest's schedule; null: issues go only when an editor sends one. */
    schedule: scheduleSchema.nullable().default(null),
    /** A scheduled digest goes by itself at its time (true) or waits for an editor to send it (false). */
    autoSend: z.boolean().default(true),
    /** Most stories in a digest. */
    digestSize: z.number().int().min(1).max(30).default(8),
    /** Listed on /newsletters and offered on the sign-up form; a hidden one is sent only to whom the newsroom adds. */
    listed: z.boolean().default(true),
  })
  .strict();
export type NewsletterInput = z.input<typeof newsletterInputSchema>;
export type NewsletterSettings = z.output<typeof newsletterInputSchema>;

export const ISSUE_KINDS = ["story", "digest", "alert"] as const;
export type IssueKind = (typeof ISSUE_KINDS)[number];

/** An issue as an editor writes it. */
export const issueInputSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("story"),
      storyId: z.number().int().positive(),
      subject: headerText(200).optional(),
      intro: z.string().trim().max(2000).default(""),
    })
    .strict(),
  z
    .object({
      kind: z.literal("digest"),
      subject: headerText(200).optional(),
      intro: z.string().trim().max(2000).default(""),
      /** The stories in order; left out: the latest of the newsletter's sections and topics. */
      storyIds: z.array(z.number().int().positive()).max(30).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal("alert"),
      /** The one headline (the subject too). */
      subject: headerText(200),
      /** One line under it. */
      intro: z.string().trim().max(300).default(""),
      /** Where it links: a story of this site, or a path on it. */
      storyId: z.number().int().positive().optional(),
      url: z
        .string()
        .trim()
        .max(500)
        .regex(/^\/[^\s]*$/, "must be a path on this site such as /live/storm")
        .optional(),
    })
    .strict(),
]);
export type IssueInput = z.input<typeof issueInputSchema>;

/** The parts of a date in a time zone. */
function zonedParts(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    weekday: "short",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return {
    year: Number(get("year")),
    month: Number(get("month")),
    day: Number(get("day")),
    hour: Number(get("hour")),
    minute: Number(get("minute")),
    second: Number(get("second")),
    weekday: get("weekday").toLowerCase().slice(0, 3) as Weekday,
  };
}

/** The instant a local wall-clock time in `timeZone` names (the later one in a gap, the first in a repeat). */
export function zonedTime(
  timeZone: string,
  y: number,
  month: number,
  d: number,
  h: number,
  min: number,
): Date {
  const wall = Date.UTC(y, month - 1, d, h, min);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const p = zonedParts(new Date(guess), timeZone);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    const diff = wall - shown;
    if (diff === 0) break;
    guess += diff;
  }
  return new Date(guess);
}

/** The first time the schedule falls strictly after `after`. */
export function nextScheduledAt(schedule: Schedule, after: Date, timeZone: string): Date {
  const [h, m] = schedule.time.split(":").map(Number) as [number, number];
  const today = zonedParts(after, timeZone);
  for (let i = 0; i <= 8; i++) {
    const day = new Date(Date.UTC(today.year, today.month - 1, today.day + i));
    const weekday = WEEKDAYS[(day.getUTCDay() + 6) % 7]!;
    if (!schedule.days.includes(weekday)) continue;
    const at = zonedTime(timeZone, day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), h, m);
    if (at.getTime() > after.getTime()) return at;
  }
  throw new Error("nextScheduledAt: a schedule with days always falls within eight days");
}

/** How a schedule reads on the newsletter's page: "Every weekday at 07:00", "Sundays at 18:30". */
export function describeSchedule(schedule: Schedule | null): string {
  if (!schedule) return "When there is news";
  const days = [...schedule.days].sort((a, b) => WEEKDAYS.indexOf(a) - WEEKDAYS.indexOf(b));
  const names: Record<Weekday, string> = {
    mon: "Monday",
    tue: "Tuesday",
    wed: "Wednesday",
    thu: "Thursday",
    fri: "Friday",
    sat: "Saturday",
    sun: "Sunday",
  };
  const when =
    days.length === 7
      ? "Every day"
      : days.join() === "mon,tue,wed,thu,fri"
        ? "Every weekday"
        : days.length === 1
          ? `${names[days[0]!]}s`
          : `${days
              .slice(0, -1)
              .map((d) => `${names[d]}s`)
              .join(", ")} and ${names[days.at(-1)!]}s`;
  return `${when} at ${schedule.time}`;
}

/** The Message-ID of one issue to one subscriber: the same on every attempt, so a resend is the same message. */
export function messageIdFor(issueId: number, subscriberId: number, domain: string): string {
  return `<gz-${issueId}-${subscriberId}@${domain}>`;
}

/** The issue and subscriber a Message-ID of ours names, or undefined. */
export function readMessageId(messageId: string): { issueId: number; subscriberId: number } | undefined {
  const m = /<?gz-(\d+)-(\d+)@[^>]+>?/.exec(messageId);
  return m ? { issueId: Number(m[1]), subscriberId: Number(m[2]) } : undefined;
}

/**
 * A cell a spreadsheet shows as text: a leading = + - @ (or tab, carriage
 * return) would make it a formula, so it gets a leading apostrophe (OWASP's
 * advice for CSV injection).
 */
export function csvSafeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A bounce, complaint or delivery notice, whichever service sent it. */
export interface MailEvent {
  kind: "bounce" | "complaint" | "delivery";
  /** For bounces: hard (the address does not work) or soft (try again later). */
  bounce?: "hard" | "soft";
  email: string;
  /** Our Message-ID, when the notice carries it. */
  messageId?: string;
  at: string;
  detail: string;
}

/** Gazette's own webhook body (docs/operations.md): `{events: [...]}`. */
export const gazetteEventsSchema = z
  .object({
    events: z
      .array(
        z
          .object({
            type: z.enum(["bounce", "complaint", "delivery"]),
            bounce: z.enum(["hard", "soft"]).optional(),
            email: mailAddress,
            messageId: z.string().max(300).optional(),
            at: z.iso.datetime({ offset: true }).optional(),
            detail: z.string().max(1000).default(""),
          })
          .refine((e) => e.type !== "bounce" || e.bounce, {
            message: 'a bounce names its kind: "hard" or "soft"',
            path: ["bounce"],
          }),
      )
      .min(1)
      .max(1000),
  })
  .strict();

export function fromGazetteEvents(body: z.output<typeof gazetteEventsSchema>, now: Date): MailEvent[] {
  return body.events.map((e) => ({
    kind: e.type,
    ...(e.bounce ? { bounce: e.bounce } : {}),
    email: e.email,
    ...(e.messageId ? { messageId: e.messageId } : {}),
    at: e.at ? new Date(e.at).toISOString() : now.toISOString(),
    detail: e.detail,
  }));
}

const lowerEmail = (s: unknown) => (typeof s === "string" ? s.trim().toLowerCase() : "");
const isoOr = (s: unknown, now: Date) =>
  typeof s === "string" && !Number.isNaN(Date.parse(s)) ? new Date(s).toISOString() : now.toISOString();

/**
 * An Amazon SES notification (the `Message` of an SNS notification, parsed):
 * notificationType (or eventType) Bounce / Complaint / Delivery. Permanent
 * bounces are hard; Transient and Undetermined soft.
 */
export function fromSesNotification(n: unknown, now: Date): MailEvent[] {
  if (!n || typeof n !== "object") return [];
  const o = n as Record<string, unknown>;
  const type = String(o["notificationType"] ?? o["eventType"] ?? "");
  const mail = (o["mail"] ?? {}) as Record<string, unknown>;
  const headers = (mail["commonHeaders"] ?? {}) as Record<string, unknown>;
  const messageId = typeof headers["messageId"] === "string" ? headers["messageId"] : undefined;
  const common = messageId ? { messageId } : {};
  if (type === "Bounce") {
    const b = (o["bounce"] ?? {}) as Record<string, unknown>;
    const hard = b["bounceType"] === "Permanent";
    const list = Array.isArray(b["bouncedRecipients"]) ? (b["bouncedRecipients"] as unknown[]) : [];
    return list.map((r) => {
      const rec = (r ?? {}) as Record<string, unknown>;
      return {
        kind: "bounce" as const,
        bounce: hard ? ("hard" as const) : ("soft" as const),
        email: lowerEmail(rec["emailAddress"]),
        ...common,
        at: isoOr(b["timestamp"], now),
        detail: [b["bounceType"], b["bounceSubType"], rec["diagnosticCode"]].filter(Boolean).join("; "),
      };
    });
  }
  if (type === "Complaint") {
    const c = (o["complaint"] ?? {}) as Record<string, unknown>;
    const list = Array.isArray(c["complainedRecipients"]) ? (c["complainedRecipients"] as unknown[]) : [];
    return list.map((r) => ({
      kind: "complaint" as const,
      email: lowerEmail((r as Record<string, unknown>)?.["emailAddress"]),
      ...common,
      at: isoOr(c["timestamp"], now),
      detail: String(c["complaintFeedbackType"] ?? "complaint"),
    }));
  }
  if (type === "Delivery") {
    const d = (o["delivery"] ?? {}) as Record<string, unknown>;
    const list = Array.isArray(d["recipients"]) ? (d["recipients"] as unknown[]) : [];
    return list.map((r) => ({
      kind: "delivery" as const,
      email: lowerEmail(r),
      ...common,
      at: isoOr(d["timestamp"], now),
      detail: String(d["smtpResponse"] ?? ""),
    }));
  }
  return [];
}

/** Postmark's bounce types that mean the address does not work. */
const POSTMARK_HARD = new Set([
  "HardBounce",
  "BadEmailAddress",
  "ManuallyDeactivated",
  "Blocked",
  "DMARCPolicy",
]);
/** Postmark's bounce types that are not about delivery at all (an auto-reply, a subscribe request). */
const POSTMARK_NOT_BOUNCES = new Set(["AutoResponder", "Subscribe", "Unsubscribe", "OpenRelayTest"]);

/** A Postmark webhook body: RecordType Bounce / SpamComplaint / Delivery. */
export function fromPostmark(body: unknown, now: Date): MailEvent[] {
  if (!body || typeof body !== "object") return [];
  const o = body as Record<string, unknown>;
  const metadata = (o["Metadata"] ?? {}) as Record<string, unknown>;
  const ours =
    typeof metadata["gazette-message-id"] === "string" ? metadata["gazette-message-id"] : undefined;
  const common = ours ? { messageId: ours } : {};
  const record = String(o["RecordType"] ?? "");
  const type = String(o["Type"] ?? "");
  if (record === "SpamComplaint" || (record === "Bounce" && type === "SpamComplaint"))
    return [
      {
        kind: "complaint",
        email: lowerEmail(o["Email"]),
        ...common,
        at: isoOr(o["BouncedAt"], now),
        detail: "spam complaint",
      },
    ];
  if (record === "Bounce") {
    if (POSTMARK_NOT_BOUNCES.has(type)) return [];
    return [
      {
        kind: "bounce",
        bounce: POSTMARK_HARD.has(type) ? "hard" : "soft",
        email: lowerEmail(o["Email"]),
        ...common,
        at: isoOr(o["BouncedAt"], now),
        detail: [type, o["Description"] ?? o["Details"]].filter(Boolean).join(": "),
      },
    ];
  }
  if (record === "Delivery")
    return [
      {
        kind: "delivery",
        email: lowerEmail(o["Recipient"]),
        ...common,
        at: isoOr(o["DeliveredAt"], now),
        detail: String(o["Details"] ?? ""),
      },
    ];
  return [];
}
