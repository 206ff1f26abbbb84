/** Admin API: site settings (name, tagline, time zone, ad placement rules). */
import { readSettings, siteSettingsSchema, writeSettings } from "../../store/settings-store.ts";
import { endpoint } from "../../web/endpoint.ts";
import type { NewsroomDeps } from "../newsroom-endpoints.ts";

export function settingsEndpoints(deps: NewsroomDeps) {
  const { db, config } = deps;
  const effective = () => ({
    name: config.site.name,
    tagline: config.site.tagline,
    timeZone: config.site.timeZone,
    ads: {
      enabled: config.ads.enabled,
      top: config.ads.top,
      firstAfterParagraph: config.ads.firstAfterParagraph,
      everyParagraphs: config.ads.everyParagraphs,
      maxPerStory: config.ads.maxPerStory,
      minParagraphs: config.ads.minParagraphs,
      houseAds: config.ads.houseAds,
    },
  });
  return [
    endpoint({
      method: "GET",
      path: "/api/admin/settings",
      access: "settings.manage",
      responds: "json",
      tag: "Settings",
      summary:
        "The site settings in effect, and which of them were changed here (the rest come from the configuration file)",
      handler: async () => ({ effective: effective(), stored: await readSettings(db) }),
    }),
    endpoint({
      method: "PATCH",
      path: "/api/admin/settings",
      access: "settings.manage",
      responds: "json",
      tag: "Settings",
      summary: "Change site settings; every page of every app process shows them at once",
      body: siteSettingsSchema,
      handler: async ({ body }) => {
        const stored = await db.transaction().execute((tx) => writeSettings(tx, body));
        await deps.reloadSettings?.();
        return { effective: effective(), stored };
      },
    }),
  ];
}
