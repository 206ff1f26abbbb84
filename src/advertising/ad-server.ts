/**
 * Gazette's own ad server: the campaigns serving now, held in memory per
 * process, a fill for each page render (content/ad-selection.ts decides),
 * and the tally of impressions, viewable impressions and clicks, added to
 * the database every `advertising.flushMs` per creative and day.
 *
 * Choosing at render (not per request) keeps pages cacheable: a page holds
 * the creatives of its rotation window, and is rendered again when the
 * window ends — only when it had something to rotate. Every flush also
 * rereads the campaigns; when the set serving changes (one starts, ends,
 * or spends its budget), the process drops its pages with ad slots.
 *
 * Counting: an impression is a page with the creative sent to a browser
 * (render or cache hit, never a bot by its User-Agent, never HEAD); viewable
 * and clicks come from the reader's browser (ad-endpoints.ts). Counts are
 * per creative and day; nothing is kept per reader.
 */
import type { IncomingMessage } from "node:http";
import { isbot } from "isbot";
import {
  type EligibleCampaign,
  chooseCreative,
  isLive,
  rotationWindow,
  targets,
} from "../content/ad-selection.ts";
import type { HouseAd } from "../content/ad-placement.ts";
import type { AdChoiceView, AdProvider, PageAdContext, PageAds, PageFill } from "../site/ad-fill.ts";
import { type AdCount, type Campaign, type Creative, addAdCounts, liveCampaigns } from "../store/ad-store.ts";
import type { Db } from "../store/database.ts";
import { type Image, imagesByIds } from "../store/media-repo.ts";

export interface AdServerOptions {
  db: Db;
  /** The house ads and rotation in effect (settings may change them). */
  rules: () => { houseAds: readonly HouseAd[]; rotateSeconds: number };
  timeZone: () => string;
  now?: () => Date;
  log: { warn(obj: object, msg: string): void };
  /** The campaigns serving changed: drop this process's pages with ad slots. */
  onServingChange: () => void;
}

export interface AdServer extends AdProvider {
  /** A page with these creatives went to a browser. */
  served(ads: PageAds, req: IncomingMessage): void;
  /** Has this reader reached the frequency cap of a campaign on the page (a cookie check)? */
  capped(ads: PageAds, req: IncomingMessage): boolean;
  /**
   * The reader's frequency-cap cookie after these viewable impressions, when
   * one of them belongs to a capped campaign (else undefined).
   */
  capCookie(creativeIds: readonly number[], cookie: string | undefined): Promise<string | undefined>;
  /** Viewable impressions a browser reported: creatives this process serves count, anything else is ignored (how many counted). */
  viewed(creativeIds: readonly number[]): Promise<number>;
  clicked(creativeId: number, campaignId: number): void;
  /** Adds the tally to the database, then rereads the campaigns. */
  flush(): Promise<void>;
  /** Campaigns changed (change feed key "ads"): read them again on the next page. */
  forget(): void;
}

interface Loaded {
  campaigns: (Campaign & { impressions: number })[];
  images: Map<number, Image>;
  /** Creative id → its campaign's id. */
  campaignOf: Map<number, number>;
}

/** isbot's answers for the User-Agents seen lately: a page hit asks, and the same few strings recur. */
const botAnswers = new Map<string, boolean>();

/** Is this request from a program rather than a reader? (No User-Agent at all counts as a program.) */
export function isBotRequest(req: IncomingMessage): boolean {
  const ua = req.headers["user-agent"];
  if (!ua) return true;
  let bot = botAnswers.get(ua);
  if (bot === undefined) {
    if (botAnswers.size >= 2000) botAnswers.clear();
    bot = isbot(ua);
    botAnswers.set(ua, bot);
  }
  return bot;
}

/** The frequency-cap cookie: today's views of capped campaigns, `YYYYMMDD.id-n.id-n` (no reader id, nothing else). */
export const CAP_COOKIE = "gz_adf";

/** Views per campaign today, from the cookie; another day's cookie counts as none. */
export function readCapCookie(header: string | undefined, today: string): Map<number, number> {
  const out = new Map<number, number>();
  if (!header || !header.includes(CAP_COOKIE)) return out;
  const value = /(?:^|;\s*)gz_adf=([0-9.-]{1,400})(?:;|$)/.exec(header)?.[1];
  const [day, ...pairs] = (value ?? "").split(".");
  if (day !== today.replaceAll("-", "")) return out;
  for (const p of pairs.slice(0, 50)) {
    const m = /^(\d{1,9})-(\d{1,4})$/.exec(p);
    if (m) out.set(Number(m[1]), Number(m[2]));
  }
  return out;
}

export function writeCapCookie(views: Map<number, number>, today: string): string {
  return [today.replaceAll("-", ""), ...[...views].slice(-50).map(([id, n]) => `${id}-${n}`)].join(".");
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
/** YYYY-MM-DD in the time zone. */
export function dayIn(timeZone: string, at: Date): string {
  let f = dayFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dayFormats.set(timeZone, f);
  }
  return f.format(at);
}

export function createAdServer(o: AdServerOptions): AdServer {
  const now = o.now ?? (() => new Date());
  let loaded: Promise<Loaded> | undefined;
  let servingIds = "";
  /** Counts since the last flush, by day and creative. */
  let tally = new Map<string, AdCount>();
  /** Impressions counted here since the last flush, per campaign (for budgets between flushes). */
  let pending = new Map<number, number>();

  /** The campaigns last loaded, for the synchronous cookie check on a cache hit. */
  let loadedNow: Loaded | undefined;

  async function load(): Promise<Loaded> {
    const campaigns = await liveCampaigns(o.db, now());
    const imageIds = campaigns.flatMap((c) => c.creatives.flatMap((cr) => (cr.imageId ? [cr.imageId] : [])));
    const campaignOf = new Map(campaigns.flatMap((c) => c.creatives.map((cr) => [cr.id, c.id] as const)));
    loadedNow = { campaigns, images: await imagesByIds(o.db, imageIds), campaignOf };
    return loadedNow;
  }

  function current(): Promise<Loaded> {
    if (!loaded) {
      const p = load();
      loaded = p;
      p.catch(() => {
        if (loaded === p) loaded = undefined;
      });
    }
    return loaded;
  }

  /** Has the reader seen the campaign as often as its cap allows today? */
  const atCap = (c: Campaign, views: Map<number, number>) =>
    c.frequencyCap !== null && (views.get(c.id) ?? 0) >= c.frequencyCap;

  /** The campaigns this cookie's reader has seen as often as their cap allows today. */
  function cappedBy(l: Loaded, cookie: string | undefined): Set<number> {
    if (!cookie?.includes(CAP_COOKIE)) return new Set();
    const views = readCapCookie(cookie, day());
    return new Set(l.campaigns.filter((c) => atCap(c, views)).map((c) => c.id));
  }

  function serving(l: Loaded): (Campaign & { impressions: number })[] {
    const at = now();
    return l.campaigns.filter((c) => isLive(c, c.impressions + (pending.get(c.id) ?? 0), at));
  }

  /** Today in the site's time zone, worked out at most once a second. */
  let today = { at: 0, zone: "", day: "" };
  function day(): string {
    const t = now().getTime();
    const zone = o.timeZone();
    if (t - today.at >= 1000 || t < today.at || zone !== today.zone)
      today = { at: t, zone, day: dayIn(zone, new Date(t)) };
    return today.day;
  }

  function count(creativeId: number, campaignId: number, what: "impressions" | "viewable" | "clicks") {
    const d = day();
    const key = `${d}|${creativeId}`;
    let c = tally.get(key);
    if (!c) tally.set(key, (c = { creativeId, campaignId, day: d, impressions: 0, viewable: 0, clicks: 0 }));
    c[what]++;
    if (what === "impressions") pending.set(campaignId, (pending.get(campaignId) ?? 0) + 1);
  }

  function view(c: Campaign, cr: Creative, images: Map<number, Image>): AdChoiceView {
    const img = cr.imageId ? images.get(cr.imageId) : undefined;
    return {
      kind: "campaign",
      creativeId: cr.id,
      campaignId: c.id,
      advertiser: c.advertiserName,
      clickUrl: `/ad/click/${cr.id}`,
      image:
        cr.kind === "image" && img && cr.width && cr.height
          ? { img, width: cr.width, height: cr.height, alt: cr.alt }
          : undefined,
      headline: cr.headline,
      body: cr.body,
      cta: cr.cta,
    };
  }

  return {
    async fill(ctx: PageAdContext, cookie?: string): Promise<PageFill> {
      const l = await current();
      const live = serving(l);
      const capped = cappedBy(l, cookie);
      const rules = o.rules();
      const window = rotationWindow(now().getTime(), rules.rotateSeconds);
      const eligible: EligibleCampaign<Creative>[] = live.map((c) => ({
        id: c.id,
        priority: c.priority,
        weight: c.weight,
        targeting: c.targeting,
        // An image creative whose picture is gone would show an empty box: it does not serve.
        creatives: c.creatives.filter((cr) => cr.kind === "text" || (cr.imageId && l.images.has(cr.imageId))),
      }));
      const byId = new Map(live.map((c) => [c.id, c]));
      const shownIds = new Set<number>();
      const shown: PageAds["shown"] = [];
      // Rotation matters only when there is more than one creative to rotate.
      const rotates = eligible.reduce((n, c) => n + c.creatives.length, 0) > 1;
      // A reader at a cap of a campaign that could show on this page gets a page of their own.
      const personal = eligible.some(
        (c) =>
          capped.has(c.id) &&
          targets(
            { ...c.targeting, positions: [] },
            {
              position: "top",
              sizes: [],
              sectionSlug: ctx.sectionSlug,
              topicSlugs: ctx.topicSlugs,
              storyId: ctx.storyId,
            },
          ),
      );
      return {
        pick(slot) {
          const choice = chooseCreative(
            eligible,
            {
              position: slot.position,
              sizes: slot.sizes,
              sectionSlug: ctx.sectionSlug,
              topicSlugs: ctx.topicSlugs,
              storyId: ctx.storyId,
            },
            {
              seed: `${ctx.page}|${slot.id}|${rotates ? window.index : 0}`,
              houseAds: rules.houseAds,
              shown: shownIds,
              capped,
            },
          );
          if (!choice) return undefined;
          if (choice.kind === "house") return { kind: "house", ad: choice.ad };
          shown.push({ creativeId: choice.creative.id, campaignId: choice.campaignId });
          return view(byId.get(choice.campaignId)!, choice.creative, l.images);
        },
        record() {
          if (!shown.length && !personal) return undefined;
          const withCaps = [
            ...new Set(shown.map((s) => s.campaignId).filter((id) => byId.get(id)?.frequencyCap != null)),
          ];
          return {
            shown,
            ...(rotates ? { expiresAt: window.endsAt } : {}),
            ...(withCaps.length ? { capped: withCaps } : {}),
            ...(personal ? { personal: true as const } : {}),
          };
        },
      };
    },

    capped(ads, req) {
      const cookie = req.headers.cookie;
      if (!ads.capped?.length || !cookie?.includes(CAP_COOKIE)) return false;
      const views = readCapCookie(cookie, day());
      const l = loadedNow;
      if (!l) return true; // campaigns not loaded yet: render, which loads them
      return l.campaigns.some((c) => ads.capped!.includes(c.id) && atCap(c, views));
    },

    async capCookie(creativeIds, cookie) {
      const l = await current();
      const d = day();
      const views = readCapCookie(cookie, d);
      let changed = false;
      for (const id of creativeIds) {
        const campaignId = l.campaignOf.get(id);
        const campaign = campaignId === undefined ? undefined : l.campaigns.find((c) => c.id === campaignId);
        if (!campaign || campaign.frequencyCap === null) continue;
        views.set(campaign.id, (views.get(campaign.id) ?? 0) + 1);
        changed = true;
      }
      return changed ? writeCapCookie(views, d) : undefined;
    },

    served(ads, req) {
      if (req.method === "HEAD" || isBotRequest(req)) return;
      for (const s of ads.shown) count(s.creativeId, s.campaignId, "impressions");
    },
    async viewed(creativeIds) {
      const { campaignOf } = await current();
      let n = 0;
      for (const id of creativeIds) {
        const campaignId = campaignOf.get(id);
        if (campaignId === undefined) continue;
        count(id, campaignId, "viewable");
        n++;
      }
      return n;
    },
    clicked: (creativeId, campaignId) => count(creativeId, campaignId, "clicks"),

    async flush() {
      const batch = [...tally.values()];
      tally = new Map();
      const sent = pending;
      pending = new Map();
      try {
        await addAdCounts(o.db, batch);
      } catch (err) {
        // Keep the counts for the next flush rather than lose them.
        for (const c of batch) {
          const key = `${c.day}|${c.creativeId}`;
          const t = tally.get(key);
          if (t) {
            t.impressions += c.impressions;
            t.viewable += c.viewable;
            t.clicks += c.clicks;
          } else tally.set(key, c);
        }
        for (const [id, n] of sent) pending.set(id, (pending.get(id) ?? 0) + n);
        throw err;
      }
      loaded = undefined;
      const l = await current();
      const ids = serving(l)
        .map((c) => c.id)
        .sort((a, b) => a - b)
        .join(",");
      if (ids !== servingIds) {
        servingIds = ids;
        o.onServingChange();
      }
    },

    forget() {
      loaded = undefined;
    },
  };
}
