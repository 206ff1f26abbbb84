/**
 * Wire copy as real systems send it (fixtures of our own, written from the
 * publishers' documentation): an editorial system's 1.x dialect, an agency
 * media API's envelopes for text (body in a NITF rendition) and a picture, a
 * broadcaster's feed wrapper, an embargoed item and a kill — imported by
 * `importFile` into a real database and media folder, and read back as a
 * reader would.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { importFile } from "../../src/ingest/ninjs-importer.ts";
import { DIALECTS, ROOT, type TestEnv, makeEnv, tempDir, writeJpeg } from "../helpers.ts";

for (const dialect of DIALECTS) {
  describe(`wire formats in the field (${dialect})`, () => {
    let env: TestEnv;
    let dir: string;
    const imp = (file: string, strict = false) =>
      importFile({ db: env.db, media: env.media, strict }, path.join(dir, file));

    before(async () => {
      env = await makeEnv({ dialect });
      dir = tempDir("gazette-wire-");
      fs.cpSync(path.join(ROOT, "test", "fixtures", "wire"), dir, { recursive: true });
      await writeJpeg(path.join(dir, "pics", "ferry.jpg"), 1800, 1200, "#335577");
      await writeJpeg(path.join(dir, "pics", "seawall.jpg"), 1600, 1067, "#557733");
    });
    after(async () => {
      await env.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("an editorial system's 1.x item with guid: story, hero with alt text and caption, extras reported", async () => {
      const [r] = await imp("editorial-guid.json");
      assert.equal(r!.status, "created", JSON.stringify(r));
      assert.equal(r!.uri, "urn:newsml:harrowby-desk.example:2026:ferry-timetable");
      const warning = (r!.warnings ?? []).join("\n");
      for (const name of ["priority", "service", "extra", "annotations"])
        assert.match(warning, new RegExp(name));
      const page = await env.app.inject(r!.url!);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Winter ferry timetable cuts the last crossing to Skerry Isle/);
      assert.match(page.body, /Morag Lindqvist/);
      assert.match(page.body, /alt="A white car ferry pulling away from a stone quay at dusk"/);
      assert.match(page.body, /The ferry leaves Harrowby quay on its 19\.15 run\./);
      assert.match(page.body, /Iain Sorley/);
      assert.doesNotMatch(page.body, /check crew numbers/, "an editor's annotation never reaches readers");
      // Strict mode refuses the same file, naming what the standard lacks.
      const [strict] = await imp("editorial-guid.json", true);
      assert.equal(strict!.status, "error");
      assert.match(strict!.error ?? "", /uri: is required|guid: not a ninjs property/);
    });

    it("an agency API envelope with a text item: the body comes from its NITF rendition", async () => {
      const [r] = await imp("agency-api-text.json");
      assert.equal(r!.status, "created", JSON.stringify(r));
      const page = await env.app.inject(r!.url!);
      assert.match(page.body, /Storm warning raised for the north coast as gales near/);
      assert.match(page.body, /gusts of up to 70 mph could reach exposed headlands/);
      assert.match(page.body, /<h2[^>]*>What to expect<\/h2>/);
      assert.match(page.body, /Tomas Reyna/);
      assert.match((r!.warnings ?? []).join(), /signals/);
      // The same version again changes nothing.
      const [again] = await imp("agency-api-text.json");
      assert.equal(again!.status, "unchanged");
    });

    it("an agency API envelope with a picture: into the media library with caption and credit, once", async () => {
      const [r] = await imp("agency-api-picture.json");
      assert.equal(r!.status, "created", JSON.stringify(r));
      const id = Number(/image (\d+)/.exec(r!.reason ?? "")?.[1]);
      const row = await env.db
        .selectFrom("images")
        .selectAll()
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      assert.equal(row.alt, "Waves break over the sea wall at Skerry Point");
      assert.match(row.caption ?? "", /first gales of the storm/);
      assert.equal(row.credit, "Ana Castellet / Agency Example");
      assert.ok(row.file, "the picture file is in the media store");
      const [again] = await imp("agency-api-picture.json");
      assert.equal(again!.status, "unchanged");
    });

    it("a broadcaster's feed wrapper: each item imported, the advisory skipped with its reason", async () => {
      const rs = await imp("broadcaster-feed.json");
      assert.deepEqual(
        rs.map((r) => r.status),
        ["created", "created", "skipped"],
      );
      assert.match(rs[2]!.reason ?? "", /advisory/);
      const page = await env.app.inject(rs[0]!.url!);
      assert.match(page.body, /Volunteers from the Friends of the Library/);
    });

    it("an embargoed item is stored but not shown before its time", async () => {
      const [r] = await imp("embargoed.json");
      assert.equal(r!.status, "created");
      assert.equal(r!.url, undefined, "not visible to readers yet");
      const front = await env.app.inject("/");
      assert.doesNotMatch(front.body, /Harrowby Academy results/);
    });

    it("a kill takes the story off the site, keeps its text and records the agency's note", async () => {
      const before = await imp("broadcaster-feed.json");
      const url = before[1]!.url!;
      assert.equal((await env.app.inject(url)).statusCode, 200);
      const [r] = await imp("kill.json");
      assert.equal(r!.status, "updated");
      assert.match(r!.reason ?? "", /withdrawn by the agency/);
      await env.app.syncChanges(); // the page cache follows the change feed; an import is not an HTTP write
      assert.equal((await env.app.inject(url)).statusCode, 404);
      const story = await env.db
        .selectFrom("stories")
        .select(["id", "headline", "status"])
        .where("uri", "=", "urn:coastradio.example:news:2026-11-28:harbour-dredging")
        .executeTakeFirstOrThrow();
      assert.equal(story.status, "unpublished");
      assert.equal(
        story.headline,
        "Harbour dredging finishes a week early",
        "the kill notice does not replace the story",
      );
      const note = await env.db
        .selectFrom("story_revisions")
        .select("note")
        .where("story_id", "=", story.id)
        .orderBy("id", "desc")
        .executeTakeFirstOrThrow();
      assert.match(
        note.note ?? "",
        /Withdrawn by the agency \(pubstatus canceled\): Kill\. The harbour board/,
      );
    });
  });
}
