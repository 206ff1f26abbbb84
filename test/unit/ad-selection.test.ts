/** The pure rules of ad selection: targeting, fit, priority, weights, rotation, caps, the house-ad fallback. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type CampaignCreative,
  type EligibleCampaign,
  type SlotContext,
  adTargetingSchema,
  chooseCreative,
  isLive,
  rotationWindow,
  unitHash,
} from "../../src/content/ad-selection.ts";
import type { HouseAd } from "../../src/content/ad-placement.ts";

const text = (id: number, weight = 1): CampaignCreative => ({
  id,
  kind: "text",
  weight,
  width: null,
  height: null,
});
const image = (id: number, width: number, height: number): CampaignCreative => ({
  id,
  kind: "image",
  weight: 1,
  width,
  height,
});
const campaign = (
  id: number,
  creatives: CampaignCreative[],
  o: { priority?: number; weight?: number; targeting?: object } = {},
): EligibleCampaign => ({
  id,
  priority: o.priority ?? 5,
  weight: o.weight ?? 1,
  targeting: adTargetingSchema.parse(o.targeting ?? {}),
  creatives,
});
const body: SlotContext = {
  position: "body",
  sizes: [
    [300, 250],
    [336, 280],
  ],
  sectionSlug: "city",
  topicSlugs: ["housing", "planning"],
  storyId: 42,
};
const house: HouseAd = { id: "h", advertiser: "Us", headline: "H", text: "T", cta: "C", href: "/" };
const pick = (cs: EligibleCampaign[], slot = body, seed = "s", extra: object = {}) =>
  chooseCreative(cs, slot, { seed, houseAds: [house], ...extra });

describe("ad selection", () => {
  it("matches every targeting dimension a campaign names, and only those", () => {
    const cases: [object, boolean][] = [
      [{}, true],
      [{ sections: ["city"] }, true],
      [{ sections: ["sport"] }, false],
      [{ topics: ["planning", "rail"] }, true],
      [{ topics: ["rail"] }, false],
      [{ stories: [42] }, true],
      [{ stories: [7] }, false],
      [{ positions: ["body", "rail"] }, true],
      [{ positions: ["top"] }, false],
      [{ sections: ["city"], positions: ["top"] }, false],
    ];
    for (const [targeting, served] of cases) {
      const r = pick([campaign(1, [text(10)], { targeting })]);
      assert.equal(r?.kind, served ? "campaign" : "house", JSON.stringify(targeting));
    }
    // A page that is not a story (the home page) is never in a story- or section-targeted campaign.
    const home: SlotContext = { position: "list", sizes: body.sizes };
    assert.equal(pick([campaign(1, [text(10)], { targeting: { sections: ["city"] } })], home)?.kind, "house");
  });

  it("fits image creatives only to slots that accept their size; text fits anywhere", () => {
    assert.equal(pick([campaign(1, [image(10, 728, 90)])])?.kind, "house");
    const r = pick([campaign(1, [image(10, 728, 90), image(11, 300, 250)])]);
    assert.equal(r?.kind === "campaign" && r.creative.id, 11);
  });

  it("gives the slot to the highest priority, and shares it by weight within one", () => {
    const r = pick([campaign(1, [text(10)], { priority: 3 }), campaign(2, [text(20)], { priority: 8 })]);
    assert.equal(r?.kind === "campaign" && r.campaignId, 2);
    const counts = new Map<number, number>();
    const cs = [campaign(1, [text(10)], { weight: 3 }), campaign(2, [text(20)], { weight: 1 })];
    for (let w = 0; w < 4000; w++) {
      const c = pick(cs, body, `page|slot|${w}`);
      if (c?.kind === "campaign") counts.set(c.campaignId, (counts.get(c.campaignId) ?? 0) + 1);
    }
    const share = counts.get(1)! / 4000;
    assert.ok(share > 0.72 && share < 0.78, `weight 3:1 gives about 75 % (${share})`);
  });

  it("is deterministic for a seed, and rotates as the window changes", () => {
    const cs = [campaign(1, [text(10), text(11), text(12), text(13)])];
    const a = pick(cs, body, "p|1|w100");
    assert.deepEqual(pick(cs, body, "p|1|w100"), a);
    const seen = new Set<number>();
    for (let w = 0; w < 50; w++) {
      const c = pick(cs, body, `p|1|w${w}`);
      if (c?.kind === "campaign") seen.add(c.creative.id);
    }
    assert.equal(seen.size, 4, "every creative gets its turn");
  });

  it("shows a creative once a page while there are others, then repeats rather than leave a slot empty", () => {
    const cs = [campaign(1, [text(10), text(11)])];
    const shown = new Set<number>();
    const ids = [1, 2, 3].map((slot) => {
      const c = pick(cs, body, `p|${slot}`, { shown });
      return c?.kind === "campaign" ? c.creative.id : 0;
    });
    assert.deepEqual(new Set(ids.slice(0, 2)), new Set([10, 11]));
    assert.ok(ids[2] === 10 || ids[2] === 11);
  });

  it("skips campaigns the reader has reached the cap of, falling back to house ads", () => {
    const cs = [campaign(1, [text(10)], { priority: 9 }), campaign(2, [text(20)], { priority: 1 })];
    const r = pick(cs, body, "s", { capped: new Set([1]) });
    assert.equal(r?.kind === "campaign" && r.campaignId, 2);
    assert.equal(pick(cs, body, "s", { capped: new Set([1, 2]) })?.kind, "house");
    assert.equal(chooseCreative(cs, body, { seed: "s", houseAds: [], capped: new Set([1, 2]) }), undefined);
  });

  it("serves a campaign only while active, between its dates and short of its budget", () => {
    const now = new Date("2026-11-30T12:00:00Z");
    const c = {
      status: "active",
      startsAt: "2026-11-01T00:00:00Z",
      endsAt: "2026-12-01T00:00:00Z",
      budgetImpressions: 1000,
    };
    assert.equal(isLive(c, 999, now), true);
    assert.equal(isLive(c, 1000, now), false);
    assert.equal(isLive({ ...c, status: "paused" }, 0, now), false);
    assert.equal(isLive({ ...c, startsAt: "2026-12-01T00:00:00Z" }, 0, now), false);
    assert.equal(isLive({ ...c, endsAt: "2026-11-30T12:00:00Z" }, 0, now), false);
    assert.equal(isLive({ ...c, endsAt: null, budgetImpressions: null }, 1e9, now), true);
  });

  it("names rotation windows and when they end; hashes evenly", () => {
    assert.deepEqual(rotationWindow(1_000_000, 300), { index: 3, endsAt: 1_200_000 });
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(unitHash(`seed-${i}`) * 10)]++;
    for (const b of buckets) assert.ok(b > 900 && b < 1100, `even: ${buckets.join(",")}`);
  });

  it("refuses targeting it does not know", () => {
    assert.throws(() => adTargetingSchema.parse({ sectons: ["city"] }));
    assert.throws(() => adTargetingSchema.parse({ positions: ["footer"] }));
  });
});
