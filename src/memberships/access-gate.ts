/**
 * The gate: for one request and one gated story, which variant of the page
 * to send. What it reads, cheapest first:
 *
 * 1. the client's address against the crawler list (a file the operator
 *    keeps) and the institutions' networks — in memory;
 * 2. the pass cookie (gifts, newsletter links) — an HMAC;
 * 3. a newsroom session (staff read everything) or a reader session, and
 *    that reader's subscriptions and grants — indexed reads, so a change of
 *    entitlement counts on the next request;
 * 4. the meter cookie — an HMAC; counting a story sets it again.
 *
 * A User-Agent is never read: a crawler is an address on the list.
 */
import fs from "node:fs";
import {
  type AccessGate,
  type AccessOutcome,
  type AccessRequest,
  type Entitlement,
  type MeterLimits,
  decide,
  meterPeriod,
} from "../content/access.ts";
import { IpRanges } from "../content/ip-ranges.ts";
import { readCrawlerList } from "../config.ts";
import { meterCookie, readMeterCookie, readPassCookie } from "../auth/access-tokens.ts";
import type { Db } from "../store/database.ts";
import { listInstitutions, readerPlans } from "../store/membership-store.ts";
import { type Reader, readerBySession } from "../store/reader-store.ts";
import { sessionByToken } from "../store/session-store.ts";

export const METER_COOKIE = "gz_meter";
export const PASS_COOKIE = "gz_pass";

interface Institutions {
  ranges: { ranges: IpRanges; plan: string | null }[];
  /** Email domain → plan (null: every plan). */
  domains: Map<string, string | null>;
  loadedAt: number;
}

export interface GateOptions {
  db: Db;
  key: Buffer;
  timeZone: string;
  limits: MeterLimits;
  graceDays: number;
  crawlerRangesFile: string | undefined;
  /** The reader and newsroom session cookies' names. */
  readerCookie: string;
  newsroomCookie: string;
  /** Keep readers' entitlements in memory between change notices (only when a change follower runs). */
  cacheEntitlements: boolean;
  log: { warn(obj: object, msg: string): void };
  /** The time the gate goes by: the meter's month, how long what it keeps in memory lasts. */
  now?: () => Date;
}

export interface MembershipGate extends AccessGate {
  /** Plans or institutions changed: read them again on the next request. */
  forget(): void;
  /** A subscription, grant or reader session changed somewhere: ask the database again for every reader. */
  forgetEntitlements(): void;
}

/** How long a reader's entitlement is kept without a change notice (a safety net; notices normally come first). */
const ENTITLEMENT_TTL_MS = 60_000;
const MAX_CACHED_READERS = 50_000;

/** How often the crawler file's modification time is looked at. */
const CRAWLER_RECHECK_MS = 30_000;
/** Institutions are re-read at least this often even without a change notice (the cache may be off). */
const INSTITUTIONS_MAX_AGE_MS = 10_000;

function planEntitlement(add: string | null, into: Set<string> | "all"): Set<string> | "all" {
  if (into === "all" || add === null) return "all";
  into.add(add);
  return into;
}

export function createAccessGate(o: GateOptions): MembershipGate {
  const now = o.now ?? (() => new Date());
  const ms = () => now().getTime();
  let crawlers = o.crawlerRangesFile ? readCrawlerList(o.crawlerRangesFile) : IpRanges.empty;
  let crawlerMtime = o.crawlerRangesFile ? fs.statSync(o.crawlerRangesFile).mtimeMs : 0;
  let crawlerCheckedAt = ms();
  let institutions: Promise<Institutions> | undefined;
  const readers = new Map<
    string,
    { value: { reader: Reader; held: Awaited<ReturnType<typeof readerPlans>> } | undefined; until: number }
  >();

  function crawlerList(): IpRanges {
    const file = o.crawlerRangesFile;
    if (!file || ms() - crawlerCheckedAt < CRAWLER_RECHECK_MS) return crawlers;
    crawlerCheckedAt = ms();
    try {
      const mtime = fs.statSync(file).mtimeMs;
      if (mtime !== crawlerMtime) {
        crawlers = readCrawlerList(file);
        crawlerMtime = mtime;
      }
    } catch (err) {
      // A list being rewritten, or broken: keep the one we have, say so.
      o.log.warn({ err: (err as Error).message }, "crawler list not reloaded; the previous one stays");
    }
    return crawlers;
  }

  async function loadInstitutions(): Promise<Institutions> {
    const list = await listInstitutions(o.db, { activeOnly: true });
    const ranges: Institutions["ranges"] = [];
    const domains = new Map<string, string | null>();
    for (const i of list) {
      try {
        if (i.ipRanges.length) ranges.push({ ranges: IpRanges.of(i.ipRanges), plan: i.planSlug });
      } catch (err) {
        o.log.warn({ institution: i.id, err: (err as Error).message }, "institution's IP ranges skipped");
      }
      for (const d of i.emailDomains) domains.set(d.toLowerCase(), i.planSlug);
    }
    return { ranges, domains, loadedAt: ms() };
  }

  async function currentInstitutions(): Promise<Institutions> {
    const loaded = institutions ? await institutions : undefined;
    if (!loaded || ms() - loaded.loadedAt > INSTITUTIONS_MAX_AGE_MS) {
      institutions = loadInstitutions();
      institutions.catch(() => (institutions = undefined));
      return institutions;
    }
    return loaded;
  }

  function domainPlan(inst: Institutions, email: string): string | null | undefined {
    const host = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
    // The domain or any of its subdomains: "example.edu" covers "lib.example.edu".
    const labels = host.split(".");
    for (let i = 0; i < labels.length - 1; i++) {
      const d = labels.slice(i).join(".");
      if (inst.domains.has(d)) return inst.domains.get(d);
    }
    return undefined;
  }

  /**
   * A reader session's reader and plans: read from the database, then kept
   * until an entitlement changes anywhere (the change feed's "entitlements",
   * which every process follows: a subscription, a grant, a sign-out) or for
   * a minute at most, so a subscriber's request costs what a visitor's does.
   */
  async function signedInReader(token: string, at: Date) {
    const hit = o.cacheEntitlements ? readers.get(token) : undefined;
    if (hit && hit.until > ms()) return hit.value;
    const reader = await readerBySession(o.db, token, at);
    const value = reader ? { reader, held: await readerPlans(o.db, reader.id, o.graceDays, at) } : undefined;
    if (o.cacheEntitlements) {
      if (readers.size >= MAX_CACHED_READERS) readers.delete(readers.keys().next().value!);
      readers.set(token, { value, until: ms() + ENTITLEMENT_TTL_MS });
    }
    return value;
  }

  async function entitlement(req: AccessRequest, storyId: number): Promise<Entitlement> {
    if (crawlerList().has(req.ip)) return { registered: false, plans: "all" };
    const at = now();
    if (readPassCookie(o.key, req.cookies[PASS_COOKIE], at).some((p) => p.storyId === storyId))
      return { registered: false, plans: "all" };
    const staff = req.cookies[o.newsroomCookie];
    if (staff && staff.length <= 100 && (await sessionByToken(o.db, staff, at)))
      return { registered: true, plans: "all" };

    let plans: Set<string> | "all" = new Set();
    const inst = await currentInstitutions();
    for (const r of inst.ranges) if (r.ranges.has(req.ip)) plans = planEntitlement(r.plan, plans);

    const token = req.cookies[o.readerCookie];
    const known = token && token.length < 100 ? await signedInReader(token, at) : undefined;
    if (!known) return { registered: false, plans };
    const { reader, held } = known;
    if (held.plans === "all") return { registered: true, plans: "all" };
    for (const p of held.plans) plans = planEntitlement(p, plans);
    // An institution's email domain counts once the reader proved the address.
    if (reader.verified) {
      const p = domainPlan(inst, reader.email);
      if (p !== undefined) plans = planEntitlement(p, plans);
    }
    return { registered: true, plans };
  }

  return {
    async decide(req, story, opts = {}): Promise<AccessOutcome> {
      const e = await entitlement(req, story.id);
      const at = now();
      const period = meterPeriod(at, o.timeZone);
      const decision = decide(
        story.access,
        story.id,
        e,
        readMeterCookie(o.key, req.cookies[METER_COOKIE]),
        o.limits,
        period,
        opts.count !== false,
      );
      return {
        decision,
        cookies: decision.meter
          ? [{ name: METER_COOKIE, value: meterCookie(o.key, decision.meter), maxAgeSeconds: 40 * 86_400 }]
          : [],
      };
    },
    forget() {
      institutions = undefined;
    },
    forgetEntitlements() {
      readers.clear();
    },
  };
}
