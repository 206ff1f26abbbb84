/**
 * A PATCH of the site settings changes only the fields it sends: one field
 * never puts defaults over the rest (it once reset the ad rules and emptied
 * the house ads the configuration file holds).
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { DIALECTS, type TestEnv, demoEnv } from "../helpers.ts";
import { type Client, addUser, sessionFor } from "../newsroom-client.ts";

type Settings = {
  effective: { name: string; ads: { top: boolean; everyParagraphs: number; houseAds: unknown[] } };
  stored: Record<string, unknown>;
};

for (const dialect of DIALECTS) {
  describe(`PATCH /api/admin/settings (${dialect})`, () => {
    let env: TestEnv;
    let admin: Client;
    beforeEach(async () => {
      env = await demoEnv(dialect);
      admin = await sessionFor(env.app, env.db, await addUser(env.db, "admin", "Ada Settings"));
    });
    afterEach(() => env.close());

    it("changes only what it sends", async () => {
      const before = await admin.json<Settings>("GET", "/api/admin/settings");
      assert.ok(before.effective.ads.houseAds.length > 0, "the demo configures house ads");
      const named = await admin.json<Settings>("PATCH", "/api/admin/settings", { name: "The Harbour Post" });
      assert.equal(named.effective.name, "The Harbour Post");
      assert.deepEqual(named.effective.ads, before.effective.ads, "the ad rules and house ads are untouched");
      assert.equal(named.stored["ads"], undefined, "nothing about ads was stored");

      const topOff = await admin.json<Settings>("PATCH", "/api/admin/settings", { ads: { top: false } });
      assert.equal(topOff.effective.ads.top, false);
      assert.deepEqual({ ...topOff.effective.ads, top: true }, { ...before.effective.ads, top: true });
      assert.deepEqual(topOff.stored["ads"], { top: false });
      assert.equal(topOff.effective.name, "The Harbour Post", "the earlier change stays");
      // The pages show it: the article has no top slot now, and its in-body slots keep their house ads.
      const story = await env.db
        .selectFrom("stories")
        .select("path")
        .where("uri", "=", "urn:gazette:demo:bridge")
        .executeTakeFirstOrThrow();
      const page = (await env.app.inject(story.path)).body;
      assert.doesNotMatch(page, /class="ad ad--top"/);
      assert.match(page, /class="ad ad--body"[\s\S]*?class="house-ad"/);
    });
  });
}
