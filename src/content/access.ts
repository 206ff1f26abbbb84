/**
 * Who may read a story in full, and what a reader without access sees: the
 * pure rules of memberships. A story's access (content/model.ts
 * `accessSchema`) falls back to its section's default; a reader's
 * entitlements come from the store (subscriptions, grants, institutions) or
 * from the request (a crawler's address, a gift); the meter is a list of the
 * gated stories read this month, kept in a signed cookie. The answer is one
 * of a few page variants, so gated pages are cached per variant, never per
 * reader.
 */
import type { Access, Block } from "./model.ts";

export type { Access };

export const FREE: Access = { level: "free", plans: [] };

/** The story's own access, else its section's default, else free. */
export function effectiveAccess(story: Access | undefined, sectionDefault: Access | undefined): Access {
  return story ?? sectionDefault ?? FREE;
}

export const isGated = (a: Access): boolean => a.level !== "free";

/** What a reader may read, however they came by it. */
export interface Entitlement {
  /** Signed in with a reader account (the free registered tier). */
  registered: boolean;
  /** Paid or granted plans by slug; "all" opens every story (staff, a listed crawler). */
  plans: ReadonlySet<string> | "all";
}

export const ANONYMOUS: Entitlement = { registered: false, plans: new Set() };

/** True when the entitlement opens a story with this access. */
export function opens(access: Access, e: Entitlement): boolean {
  if (access.level === "free" || e.plans === "all") return true;
  if (access.level === "registered") return e.registered || e.plans.size > 0;
  if (access.plans.length === 0) return e.plans.size > 0;
  return access.plans.some((p) => (e.plans as ReadonlySet<string>).has(p));
}

/** The gated stories a browser read this period (a calendar month, "2026-11"). */
export interface Meter {
  period: string;
  storyIds: number[];
}

/** The calendar month of `now` in the site's time zone, as "YYYY-MM". */
const monthFormats = new Map<string, Intl.DateTimeFormat>();

export function meterPeriod(now: Date, timeZone: string): string {
  // Made once per zone: constructing a DateTimeFormat costs more than the rest of a cache hit.
  let format = monthFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" });
    monthFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(now);
  const y = parts.find((p) => p.type === "year")?.value ?? "1970";
  const m = parts.find((p) => p.type === "month")?.value ?? "01";
  return `${y}-${m}`;
}

/**
 * The page variants of a gated story. "full" is the whole story (entitled
 * readers, listed crawlers, gifts); "metered-N" the whole story with "N free
 * stories left this month"; the gates hold the free preview and an offer,
 * worded for a visitor (register, subscribe, sign in) or for a signed-in
 * reader without the plan (subscribe).
 */
export type Variant = "full" | `metered-${number}` | "gate-anonymous" | "gate-registered";

export const isGateVariant = (v: Variant): boolean => v.startsWith("gate-");

export interface MeterLimits {
  /** Free gated stories a month without an account. */
  anonymous: number;
  /** … and with a free account. */
  registered: number;
}

export interface Decision {
  variant: Variant;
  /** The meter to store when it changed (a story counted, a new month). */
  meter?: Meter;
  /** Why: for logs and tests. */
  reason: "free" | "entitled" | "metered" | "meter-repeat" | "meter-spent";
}

/**
 * Decides what one request for a gated story shows. Reading the same story
 * again this month does not count twice; a meter from an earlier month is
 * a fresh one.
 */
export function decide(
  access: Access,
  storyId: number,
  e: Entitlement,
  meter: Meter | undefined,
  limits: MeterLimits,
  period: string,
  /** false: only ask (a story already read on the meter stays open; no new one is counted). */
  count = true,
): Decision {
  if (!isGated(access)) return { variant: "full", reason: "free" };
  if (opens(access, e)) return { variant: "full", reason: "entitled" };
  const current = meter && meter.period === period ? meter : { period, storyIds: [] };
  const limit = e.registered ? limits.registered : limits.anonymous;
  const gate: Variant = e.registered ? "gate-registered" : "gate-anonymous";
  if (current.storyIds.includes(storyId))
    return { variant: `metered-${Math.max(0, limit - current.storyIds.length)}`, reason: "meter-repeat" };
  if (current.storyIds.length >= limit || !count) return { variant: gate, reason: "meter-spent" };
  const next = { period, storyIds: [...current.storyIds, storyId] };
  return { variant: `metered-${limit - next.storyIds.length}`, meter: next, reason: "metered" };
}

/**
 * The free preview and the gated rest of a body: up to a "preview-end"
 * block when the editor placed one, else the first `paragraphs` paragraphs
 * (and whatever lies between them).
 */
export function splitPreview(
  body: readonly Block[],
  paragraphs: number,
): { preview: Block[]; rest: Block[] } {
  const marker = body.findIndex((b) => b.type === "preview-end");
  if (marker >= 0) return { preview: body.slice(0, marker), rest: body.slice(marker + 1) };
  let seen = 0;
  let cut = body.length;
  for (let i = 0; i < body.length; i++) {
    if (body[i]!.type !== "paragraph") continue;
    if (seen === paragraphs) {
      cut = i;
      break;
    }
    seen++;
  }
  return { preview: body.slice(0, cut), rest: body.slice(cut) };
}

/** What the gate reads of a request: its cookies and the client's address (after trusted proxies). */
export interface AccessRequest {
  cookies: Readonly<Record<string, string | undefined>>;
  ip: string | undefined;
}

export interface CookieToSet {
  name: string;
  value: string;
  maxAgeSeconds: number;
}

export interface AccessOutcome {
  decision: Decision;
  /** Cookies the response must set (the meter, after a story counted). */
  cookies: CookieToSet[];
}

/** Decides per request which variant of a gated story to send (memberships/access-gate.ts). */
export interface AccessGate {
  /** With `count: false`, asks without counting a story on the meter (comments, other pages of a story). */
  decide(
    req: AccessRequest,
    story: { id: number; access: Access },
    opts?: { count?: boolean },
  ): Promise<AccessOutcome>;
}

/** "2 free stories left this month" */
export function meterNotice(left: number): string {
  if (left <= 0) return "This was your last free story this month.";
  return `${left} free ${left === 1 ? "story" : "stories"} left this month.`;
}
