/**
 * Site settings an admin changes from the newsroom: the site's name and
 * tagline, its time zone, and the ad placement rules (not the ad sizes,
 * which shape the stylesheet and stay in the configuration file). Stored
 * in the settings table as one JSON object over the configuration file's
 * values; a change is announced on the change feed as the key "settings",
 * which every process answers by re-reading them and dropping its cache.
 */
import { z } from "zod";
import { adRulesSchema } from "../content/ad-placement.ts";
import { siteSchema } from "../config.ts";
import type { Config } from "../config.ts";
import { recordChange } from "./change-feed.ts";
import { cacheKey } from "./cache-keys.ts";
import type { Db } from "./database.ts";

const KEY = "site_settings";

/** A configuration field as an optional setting: its rules, not its default. */
function noDefault<T extends z.ZodType>(field: z.ZodDefault<T>) {
  return field.unwrap().optional();
}

export const siteSettingsSchema = z
  .object({
    name: siteSchema.shape.name.unwrap().optional(),
    tagline: siteSchema.shape.tagline.unwrap().optional(),
    timeZone: siteSchema.shape.timeZone.unwrap().optional(),
    // Each field as sent, without the configuration's defaults: a PATCH of one
    // rule must not put defaults over the others (or empty the house ads).
    ads: z
      .object({
        enabled: noDefault(adRulesSchema.shape.enabled),
        top: noDefault(adRulesSchema.shape.top),
        firstAfterParagraph: noDefault(adRulesSchema.shape.firstAfterParagraph),
        everyParagraphs: noDefault(adRulesSchema.shape.everyParagraphs),
        maxPerStory: noDefault(adRulesSchema.shape.maxPerStory),
        minParagraphs: noDefault(adRulesSchema.shape.minParagraphs),
        houseAds: noDefault(adRulesSchema.shape.houseAds),
      })
      .strict()
      .optional(),
  })
  .strict();
export type SiteSettings = z.infer<typeof siteSettingsSchema>;

export async function readSettings(db: Db): Promise<SiteSettings> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", KEY).executeTakeFirst();
  if (!row) return {};
  const parsed = siteSettingsSchema.safeParse(JSON.parse(row.value));
  return parsed.success ? parsed.data : {};
}

/** Merges a change into the stored settings (inside the caller's transaction) and announces it. */
export async function writeSettings(db: Db, patch: SiteSettings): Promise<SiteSettings> {
  const current = await readSettings(db);
  const ads = { ...current.ads, ...patch.ads };
  const next = siteSettingsSchema.parse({
    ...current,
    ...patch,
    ...(Object.keys(ads).length ? { ads } : {}),
  });
  const value = JSON.stringify(next);
  await putSetting(db, KEY, value);
  await recordChange(db, [cacheKey.settings]);
  return next;
}

/**
 * Applies stored settings to the running configuration, in place (the
 * renderers hold these objects), over the file's values kept in `base`.
 */
export function applySettings(config: Config, base: Pick<Config, "site" | "ads">, s: SiteSettings): void {
  Object.assign(config.site, base.site, {
    ...(s.name !== undefined ? { name: s.name } : {}),
    ...(s.tagline !== undefined ? { tagline: s.tagline } : {}),
    ...(s.timeZone !== undefined ? { timeZone: s.timeZone } : {}),
  });
  Object.assign(config.ads, base.ads, s.ads ?? {});
}

/** Stores a value under a key, replacing what was there (one statement: no race between processes). */
export async function putSetting(db: Db, key: string, value: string): Promise<void> {
  await db
    .insertInto("settings")
    .values({ key, value })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
    .execute();
}

/** The value under a key, made by `make` and stored on first use (the first process to store it wins). */
export async function settingOrInit(db: Db, key: string, make: () => string): Promise<string> {
  const found = await db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
  if (found) return found.value;
  await db
    .insertInto("settings")
    .values({ key, value: make() })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  return settingOrInit(db, key, make);
}
