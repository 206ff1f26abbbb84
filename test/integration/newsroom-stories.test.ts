/**
 * The newsroom's story life on both engines: draft → review → published,
 * revisions and conflicts, the public history, corrections, the scheduler
 * (exactly once, across processes and restarts), signed previews, uploads.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { promisify } from "node:util";
import sharp from "sharp";
import { buildApp } from "../../src/app.ts";
import { publishDueStories } from "../../src/newsroom/story-service.ts";
import { upsertSection } from "../../src/store/taxonomy-store.ts";
import type { User } from "../../src/store/user-store.ts";
import { panVideo } from "../../src/demo/videos.ts";
import { DIALECTS, ROOT, type TestEnv, makeEnv } from "../helpers.ts";
import { type Client, addUser, sessionFor } from "../newsroom-client.ts";

const run = promisify(execFile);

type StoryJson = {
  id: number;
  revision: number;
  status: string;
  path: string | null;
  content: { headline: string; summary: string[]; body: unknown[] };
};

const para = (text: string) => ({ type: "paragraph", content: [{ text }] });

function content(headline: string, paragraphs: string[], extra: Record<string, unknown> = {}) {
  return {
    headline,
    sectionSlug: "city",
    summary: ["A summary point."],
    body: paragraphs.map(para),
    ...extra,
  };
}

async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 900, height: 600, channels: 3, background: "#336699" } })
    .jpeg()
    .withExif({
      IFD0: { Make: "PhoneCo", Model: "Pocket 9" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1" },
    })
    .toBuffer();
}

function multipart(fields: Record<string, string>, file: { name: string; type: string; data: Buffer }) {
  const boundary = "----gazette-test-boundary";
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
    ),
    file.data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return {
    payload: Buffer.concat(parts),
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
  };
}

async function upload(
  c: Client,
  url: string,
  fields: Record<string, string>,
  file: { name: string; type: string; data: Buffer },
) {
  const m = multipart(fields, file);
  return c.call("POST", url, m.payload, m.headers);
}

for (const dialect of DIALECTS) {
  describe(`newsroom stories (${dialect})`, () => {
    let env: TestEnv;
    let contributor: User, editor: User, editor2: User;
    let reporter: Client, desk: Client, desk2: Client;
    beforeEach(async () => {
      env = await makeEnv({ dialect, env: {} });
      await upsertSection(env.db, { slug: "city", name: "City" });
      await env.db
        .insertInto("pages")
        .values({
          slug: "editorial-standards",
          title: "Standards",
          body: "[]",
          updated_at: new Date().toISOString(),
        })
        .execute();
      contributor = await addUser(env.db, "contributor", "Rita Reporter");
      editor = await addUser(env.db, "editor", "Eddie Editor");
      editor2 = await addUser(env.db, "editor", "Erin Second");
      reporter = await sessionFor(env.app, env.db, contributor);
      desk = await sessionFor(env.app, env.db, editor);
      desk2 = await sessionFor(env.app, env.db, editor2);
    });
    afterEach(() => env.close());

    it("takes a contributor's draft through review to publication, and the site shows it", async () => {
      const draft = await reporter.json<StoryJson>(
        "POST",
        "/api/admin/stories",
        content("Harbour ferry returns", ["The ferry returns on Monday."]),
        201,
      );
      assert.equal(draft.status, "draft");
      assert.equal(draft.revision, 1);
      const saved = await reporter.json<StoryJson>("PUT", `/api/admin/stories/${draft.id}`, {
        baseRevision: 1,
        content: content(
          "Harbour ferry returns after repairs",
          ["The ferry returns on Monday after six weeks of repairs."],
          {
            authorSlugs: ["rita-reporter"],
          },
        ),
      });
      assert.equal(saved.revision, 2);
      // A contributor cannot publish, and cannot edit someone else's story.
      const refused = await reporter.call("POST", `/api/admin/stories/${draft.id}/publish`, {
        baseRevision: 2,
      });
      assert.equal(refused.statusCode, 403);
      const other = await desk.json<StoryJson>(
        "POST",
        "/api/admin/stories",
        content("Editor's own", ["Text."]),
        201,
      );
      const notMine = await reporter.call("PUT", `/api/admin/stories/${other.id}`, {
        baseRevision: 1,
        content: content("Taken", ["x"]),
      });
      assert.equal(notMine.statusCode, 403);

      const submitted = await reporter.json<StoryJson>("POST", `/api/admin/stories/${draft.id}/submit`, {
        baseRevision: 2,
      });
      assert.equal(submitted.status, "review");
      const locked = await reporter.call("PUT", `/api/admin/stories/${draft.id}`, {
        baseRevision: 3,
        content: content("Changed in review", ["x"]),
      });
      assert.equal(locked.statusCode, 403, "in review, the contributor hands over");
      const bad = await desk.call("POST", `/api/admin/stories/${draft.id}/submit`, { baseRevision: 3 });
      assert.equal(bad.statusCode, 409);
      assert.equal(bad.json().error.code, "GZ_ERR_INVALID_TRANSITION");

      const pub = await desk.json<StoryJson>("POST", `/api/admin/stories/${draft.id}/publish`, {
        baseRevision: 3,
      });
      assert.equal(pub.status, "published");
      assert.ok(pub.path);
      const page = await env.app.inject(pub.path);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Harbour ferry returns after repairs/);
      assert.match(page.body, /By <a href="\/author\/rita-reporter"/, "the contributor's byline");
      const home = await env.app.inject("/");
      assert.match(home.body, /Harbour ferry returns after repairs/);

      const revs = await desk.json<{ items: { number: number; userName: string; note: string }[] }>(
        "GET",
        `/api/admin/stories/${draft.id}/revisions`,
      );
      assert.deepEqual(
        revs.items.map((r) => [r.number, r.userName, r.note]),
        [
          [4, "Eddie Editor", "Published"],
          [3, "Rita Reporter", "Submitted for review"],
          [2, "Rita Reporter", "Saved"],
          [1, "Rita Reporter", "Created"],
        ],
      );
      const diff = await desk.json<{ text: { field: string; parts: { kind: string; text: string }[] }[] }>(
        "GET",
        `/api/admin/stories/${draft.id}/diff?from=1&to=2`,
      );
      const headline = diff.text.find((f) => f.field === "headline")!;
      assert.ok(headline.parts.some((p) => p.kind === "added" && /repairs/.test(p.text)));
    });

    it("shows readers each published update and its diff, and the correction on the page", async () => {
      const s = await desk.json<StoryJson>(
        "POST",
        "/api/admin/stories",
        content("Council votes on the pier", ["The council voted nine to two for the pier."]),
        201,
      );
      const pub = await desk.json<StoryJson>("POST", `/api/admin/stories/${s.id}/publish`, {
        baseRevision: 1,
      });
      const before = await env.app.inject(pub.path!);
      assert.doesNotMatch(before.body, /See what changed/, "one version: no history link yet");
      const upd = await desk.json<StoryJson>("PUT", `/api/admin/stories/${s.id}`, {
        baseRevision: pub.revision,
        content: content("Council votes on the pier", ["The council voted eight to three for the pier."]),
      });
      assert.equal(upd.status, "published");
      await env.app.syncChanges();
      const page = await env.app.inject(pub.path!);
      assert.match(page.body, /See what changed/);
      assert.match(page.body, /eight to three/);
      const history = await env.app.inject(`${pub.path}/history`);
      assert.equal(history.statusCode, 200);
      assert.match(history.body, /First published/);
      assert.match(history.body, /Updated/);
      assert.match(history.body, /<del>nine to two<\/del>|<del>nine<\/del>/);
      assert.match(history.body, /<ins>eight to three<\/ins>|<ins>eight<\/ins>/);

      const short = await desk.call("POST", `/api/admin/stories/${s.id}/corrections`, { text: "short" });
      assert.equal(short.statusCode, 400);
      assert.equal(short.json().error.fields[0].path, "text");
      const refused = await reporter.call("POST", `/api/admin/stories/${s.id}/corrections`, {
        text: "A contributor may not add this.",
      });
      assert.equal(refused.statusCode, 403);
      await desk.json(
        "POST",
        `/api/admin/stories/${s.id}/corrections`,
        {
          kind: "correction",
          text: "An earlier version gave the vote as nine to two; it was eight to three.",
        },
        201,
      );
      await env.app.syncChanges();
      const corrected = await env.app.inject(pub.path!);
      assert.match(corrected.body, /class="corrections-box"/);
      assert.match(corrected.body, /it was eight to three/);
      const ld = JSON.parse(
        /<script type="application\/ld\+json">(.*?)<\/script>/s
          .exec(corrected.body)![1]!
          .replace(/\\u003c/g, "<"),
      );
      assert.equal(ld.correction[0]["@type"], "CorrectionComment");
      assert.match(ld.correction[0].text, /^Correction: An earlier version/);
      const list = await env.app.inject("/corrections");
      assert.match(list.body, /Council votes on the pier/);
      assert.match(list.body, /it was eight to three/);

      // The same correction again is refused, not published twice.
      const again = await desk.call("POST", `/api/admin/stories/${s.id}/corrections`, {
        kind: "correction",
        text: "An earlier version gave the vote as nine to two; it was eight to three.",
      });
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().error.code, "GZ_ERR_DUPLICATE");
      const [first] = (
        await desk.json<{ items: { id: number }[] }>("GET", `/api/admin/stories/${s.id}/corrections`)
      ).items;
      // Reworded: the page says so; the earlier wording is kept for the newsroom.
      const edited = await desk.json<{ text: string; updatedAt: string | null }>(
        "PATCH",
        `/api/admin/stories/${s.id}/corrections/${first!.id}`,
        {
          kind: "correction",
          text: "An earlier version gave the vote as nine to two; it was eight to three, with one absent.",
        },
      );
      assert.ok(edited.updatedAt);
      const changes = await env.db
        .selectFrom("correction_changes")
        .select(["action", "previous_text"])
        .where("correction_id", "=", first!.id)
        .execute();
      assert.deepEqual(changes, [
        {
          action: "edited",
          previous_text: "An earlier version gave the vote as nine to two; it was eight to three.",
        },
      ]);
      await env.app.syncChanges();
      assert.match(
        (await env.app.inject(pub.path!)).body,
        /\(updated <time[^>]*>[^<]*<\/time>\):<\/strong> An earlier version gave the vote as nine to two; it was eight to three, with one absent\./,
      );
      // Retracted: still on the page and at /corrections, struck through; no longer a correction in JSON-LD.
      const retracted = await desk.json<{ retractedAt: string | null }>(
        "POST",
        `/api/admin/stories/${s.id}/corrections/${first!.id}/retract`,
        {},
      );
      assert.ok(retracted.retractedAt);
      await env.app.syncChanges();
      const after = (await env.app.inject(pub.path!)).body;
      assert.match(after, /class="correction correction--retracted"><strong>.*?, retracted <time/);
      assert.match(
        after,
        /<del>An earlier version gave the vote as nine to two; it was eight to three, with one absent\.<\/del>/,
      );
      assert.doesNotMatch(after, /"CorrectionComment"/);
      assert.match((await env.app.inject("/corrections")).body, /correction--retracted/);
      const frozen = await desk.call("PATCH", `/api/admin/stories/${s.id}/corrections/${first!.id}`, {
        text: "Changing a retracted correction is refused.",
      });
      assert.equal(frozen.statusCode, 409);
      const missing = await desk.call("POST", `/api/admin/stories/${s.id}/corrections/999999/retract`, {});
      assert.equal(missing.statusCode, 404);
    });

    it("saves a draft with a blank summary point or no headline yet, and asks for the headline only to publish", async () => {
      const draft = await reporter.json<StoryJson>(
        "POST",
        "/api/admin/stories",
        content("Tide gauge", ["The gauge is read hourly."]),
        201,
      );
      // A point added and left blank (or only spaces) is dropped; the rest of the draft is saved.
      const saved = await reporter.json<StoryJson>("PUT", `/api/admin/stories/${draft.id}`, {
        baseRevision: 1,
        content: content("Tide gauge reads high", ["The gauge is read hourly."], {
          summary: ["  ", "The gauge read 5.1 m at noon.", ""],
        }),
      });
      assert.equal(saved.content.headline, "Tide gauge reads high");
      assert.deepEqual(saved.content.summary, ["The gauge read 5.1 m at noon."]);
      // A writer who cleared the headline to retype it keeps their summary and body.
      const cleared = await reporter.json<StoryJson>("PUT", `/api/admin/stories/${draft.id}`, {
        baseRevision: saved.revision,
        content: content("", ["The gauge is read hourly."], { summary: ["The gauge read 5.1 m at noon."] }),
      });
      assert.equal(cleared.content.headline, "");
      assert.deepEqual(cleared.content.summary, ["The gauge read 5.1 m at noon."]);
      const refused = await desk.call("POST", `/api/admin/stories/${draft.id}/publish`, {
        baseRevision: cleared.revision,
      });
      assert.equal(refused.statusCode, 422);
      assert.deepEqual(refused.json().error.fields, [{ path: "headline", message: "needs a headline" }]);
      // Six points with words in them are still too many, and the message says so in words.
      const tooMany = await reporter.call("PUT", `/api/admin/stories/${draft.id}`, {
        baseRevision: cleared.revision,
        content: content("Tide gauge", ["x"], { summary: ["a", "b", "c", "d", "e", "f"] }),
      });
      assert.equal(tooMany.statusCode, 400);
      assert.equal(tooMany.json().error.fields[0].message, "use at most five summary points");
    });

    it("moves drafts to the trash and back, and deletes a new story nobody worked on", async () => {
      type Row = { id: number; headline: string };
      type WithTrash = StoryJson & { trashedAt: string | null; can: { edit: boolean; trash: boolean } };
      const list = async (c: typeof reporter, trash = false) =>
        (await c.json<{ items: Row[] }>("GET", `/api/admin/stories${trash ? "?trash=1" : ""}`)).items.map(
          (r) => r.headline,
        );
      const mine = await reporter.json<WithTrash>(
        "POST",
        "/api/admin/stories",
        content("Old draft", ["x"]),
        201,
      );
      assert.equal(mine.can.trash, true);
      const trashed = await reporter.json<WithTrash>("DELETE", `/api/admin/stories/${mine.id}`);
      assert.ok(trashed.trashedAt);
      assert.deepEqual([trashed.can.edit, trashed.can.trash], [false, false]);
      assert.ok(!(await list(reporter)).includes("Old draft"), "not in the list");
      assert.ok((await list(reporter, true)).includes("Old draft"), "in the trash");
      const frozen = await reporter.call("PUT", `/api/admin/stories/${mine.id}`, {
        baseRevision: trashed.revision,
        content: content("Changed in the trash", ["x"]),
      });
      assert.equal(frozen.statusCode, 409);
      const back = await reporter.json<WithTrash>("POST", `/api/admin/stories/${mine.id}/untrash`);
      assert.deepEqual([back.trashedAt, back.can.edit], [null, true]);

      // A contributor may not trash someone else's story; an editor may trash any unpublished one, not a live one.
      const others = await desk.json<WithTrash>(
        "POST",
        "/api/admin/stories",
        content("Desk draft", ["x"]),
        201,
      );
      assert.equal((await reporter.call("DELETE", `/api/admin/stories/${others.id}`)).statusCode, 403);
      assert.equal((await desk.call("DELETE", `/api/admin/stories/${mine.id}`)).statusCode, 200);
      const live = await desk.json<WithTrash>("POST", `/api/admin/stories/${others.id}/publish`, {
        baseRevision: others.revision,
      });
      assert.equal((await desk.call("DELETE", `/api/admin/stories/${live.id}`)).statusCode, 409);

      // "New story" left untouched: deleted, row and all; once worked on, it is kept.
      const untouched = await reporter.json<WithTrash>(
        "POST",
        "/api/admin/stories",
        content("Untitled story", []),
        201,
      );
      assert.deepEqual(await reporter.json("DELETE", `/api/admin/stories/${untouched.id}?untouched=1`), {
        deleted: true,
      });
      assert.equal((await reporter.call("GET", `/api/admin/stories/${untouched.id}`)).statusCode, 404);
      const typed = await reporter.json<WithTrash>(
        "POST",
        "/api/admin/stories",
        content("Untitled story", []),
        201,
      );
      await reporter.json("PUT", `/api/admin/stories/${typed.id}`, {
        baseRevision: typed.revision,
        content: content("Something typed", ["x"]),
      });
      assert.equal(
        (await reporter.call("DELETE", `/api/admin/stories/${typed.id}?untouched=1`)).statusCode,
        409,
      );
      assert.ok((await list(reporter)).includes("Something typed"));
      // Someone else's new story is not theirs to discard.
      const editorsNew = await desk.json<WithTrash>(
        "POST",
        "/api/admin/stories",
        content("Untitled story", []),
        201,
      );
      assert.equal(
        (await reporter.call("DELETE", `/api/admin/stories/${editorsNew.id}?untouched=1`)).statusCode,
        409,
      );
    });

    it("lets a writer withdraw their story from review, change it and submit it again", async () => {
      type WithCan = StoryJson & { can: { edit: boolean; withdraw: boolean } };
      const draft = await reporter.json<WithCan>(
        "POST",
        "/api/admin/stories",
        content("Quay lights", ["On."]),
        201,
      );
      const submitted = await reporter.json<WithCan>("POST", `/api/admin/stories/${draft.id}/submit`, {
        baseRevision: draft.revision,
      });
      assert.deepEqual(
        [submitted.status, submitted.can.edit, submitted.can.withdraw],
        ["review", false, true],
      );
      // Someone else's story is not theirs to withdraw; an editor returns it instead.
      const notTheirs = await desk.call("POST", `/api/admin/stories/${draft.id}/withdraw`, {
        baseRevision: submitted.revision,
      });
      assert.equal(notTheirs.statusCode, 403);
      const back = await reporter.json<WithCan>("POST", `/api/admin/stories/${draft.id}/withdraw`, {
        baseRevision: submitted.revision,
      });
      assert.deepEqual([back.status, back.can.edit, back.can.withdraw], ["draft", true, false]);
      const edited = await reporter.json<WithCan>("PUT", `/api/admin/stories/${draft.id}`, {
        baseRevision: back.revision,
        content: content("Quay lights back on", ["On again."]),
      });
      const again = await reporter.json<WithCan>("POST", `/api/admin/stories/${draft.id}/submit`, {
        baseRevision: edited.revision,
      });
      assert.equal(again.status, "review");
      const twice = await reporter.call("POST", `/api/admin/stories/${draft.id}/withdraw`, {
        baseRevision: edited.revision,
      });
      assert.equal(twice.statusCode, 409, "a stale revision is refused");
      const revisions = await reporter.json<{ items: { note: string }[] }>(
        "GET",
        `/api/admin/stories/${draft.id}/revisions`,
      );
      assert.ok(revisions.items.some((r) => r.note === "Withdrawn from review"));
    });

    it("refuses a save based on an old revision with 409 naming who changed it, and loses nothing", async () => {
      const s = await desk.json<StoryJson>(
        "POST",
        "/api/admin/stories",
        content("Tide tables", ["Original text."]),
        201,
      );
      const first = await desk.json<StoryJson>("PUT", `/api/admin/stories/${s.id}`, {
        baseRevision: 1,
        content: content("Tide tables", ["Eddie's text."]),
      });
      const clash = await desk2.call("PUT", `/api/admin/stories/${s.id}`, {
        baseRevision: 1,
        content: content("Tide tables", ["Erin's text."]),
      });
      assert.equal(clash.statusCode, 409);
      const err = clash.json().error;
      assert.equal(err.code, "GZ_ERR_CONFLICT");
      assert.match(err.message, /Eddie Editor changed this story at/);
      assert.equal(err.latest.revision, first.revision);
      assert.equal(err.latest.userName, "Eddie Editor");
      const now = await desk.json<StoryJson>("GET", `/api/admin/stories/${s.id}`);
      assert.deepEqual(now.content.body, [para("Eddie's text.")], "Eddie's save stands");
      // Erin merges on top of the latest revision.
      const merged = await desk2.json<StoryJson>("PUT", `/api/admin/stories/${s.id}`, {
        baseRevision: first.revision,
        content: content("Tide tables", ["Eddie's text.", "Erin's text."]),
      });
      assert.equal(merged.revision, first.revision + 1);
      // Two saves racing on one base: exactly one wins.
      const race = await Promise.all([
        desk.call("PUT", `/api/admin/stories/${s.id}`, {
          baseRevision: merged.revision,
          content: content("Tide tables", ["A"]),
        }),
        desk2.call("PUT", `/api/admin/stories/${s.id}`, {
          baseRevision: merged.revision,
          content: content("Tide tables", ["B"]),
        }),
      ]);
      assert.deepEqual(race.map((r) => r.statusCode).sort(), [200, 409]);
      // Restore brings back an old revision as a new one.
      const latest = await desk.json<StoryJson>("GET", `/api/admin/stories/${s.id}`);
      const restored = await desk.json<StoryJson>("POST", `/api/admin/stories/${s.id}/revisions/1/restore`, {
        baseRevision: latest.revision,
      });
      assert.deepEqual(restored.content.body, [para("Original text.")]);
      assert.equal(restored.revision, latest.revision + 1);
    });

    it("publishes a scheduled story once, on time, with two processes and across a restart", async () => {
      const s = await desk.json<StoryJson>(
        "POST",
        "/api/admin/stories",
        content("Scheduled market story", ["Stalls open at dawn."]),
        201,
      );
      const past = await desk.call("POST", `/api/admin/stories/${s.id}/schedule`, {
        baseRevision: 1,
        at: "2001-01-01T00:00:00Z",
      });
      assert.equal(past.statusCode, 409, "the time must be in the future");
      const at = new Date(Date.now() + 60_000).toISOString();
      const sch = await desk.json<StoryJson & { scheduledAt: string }>(
        "POST",
        `/api/admin/stories/${s.id}/schedule`,
        { baseRevision: 1, at },
      );
      assert.equal(sch.status, "scheduled");
      assert.deepEqual(await env.app.runScheduler(), [], "not due yet");

      // Two more app processes on the same database, all three passing at the same moment.
      const later = new Date(Date.now() + 61_000).toISOString();
      const startAt = Date.now() + 2500;
      const other = () =>
        run(
          process.execPath,
          [
            "--import",
            "tsx",
            path.join(ROOT, "test/fixtures/run-scheduler.ts"),
            env.dataDir,
            env.databaseUrl ?? "-",
            later,
            String(startAt),
          ],
          { cwd: ROOT },
        ).then((r) => JSON.parse(r.stdout) as number[]);
      const results = await Promise.all([
        other(),
        other(),
        new Promise<number[]>((resolve, reject) =>
          setTimeout(
            () => publishDueStories(env.db, new Date(later)).then(resolve, reject),
            startAt - Date.now(),
          ),
        ),
      ]);
      assert.deepEqual(results.flat(), [s.id], `published exactly once: ${JSON.stringify(results)}`);
      const revs = await desk.json<{ items: { note: string; userName: string }[] }>(
        "GET",
        `/api/admin/stories/${s.id}/revisions`,
      );
      assert.equal(revs.items.filter((r) => r.note === "Published on schedule").length, 1);
      assert.equal(revs.items[0]!.userName, "Scheduler");
      const row = await env.db
        .selectFrom("stories")
        .select(["status", "first_published_at"])
        .where("id", "=", s.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, "published");
      assert.equal(row.first_published_at, at, "published at the time it was due");

      // Across a restart: schedule, stop the app, start a new one after the time.
      const t = await desk.json<StoryJson>(
        "POST",
        "/api/admin/stories",
        content("Overnight story", ["Due while the server was down."]),
        201,
      );
      await desk.json("POST", `/api/admin/stories/${t.id}/schedule`, {
        baseRevision: 1,
        at: new Date(Date.now() + 500).toISOString(),
      });
      await env.app.close();
      await new Promise((r) => setTimeout(r, 600));
      const app2 = await buildApp({ config: env.config, db: env.db, media: env.media });
      env.app = app2;
      assert.deepEqual(await app2.runScheduler(), [t.id]);
      assert.deepEqual(await app2.runScheduler(), []);
      desk = await sessionFor(app2, env.db, editor);
      desk2 = await sessionFor(app2, env.db, editor2);
      reporter = await sessionFor(app2, env.db, contributor);
      const story = await desk.json<StoryJson>("GET", `/api/admin/stories/${t.id}`);
      assert.equal(story.status, "published");
      assert.equal((await app2.inject(story.path!)).statusCode, 200);
    });

    it("signs preview links for unpublished stories, which expire and cannot be forged", async () => {
      const s = await reporter.json<StoryJson>(
        "POST",
        "/api/admin/stories",
        content("Secret draft", ["Not yet."]),
        201,
      );
      const link = await reporter.json<{ path: string; expiresAt: string }>(
        "POST",
        `/api/admin/stories/${s.id}/preview-link`,
        { hours: 2 },
      );
      const ok = await env.app.inject(link.path);
      assert.equal(ok.statusCode, 200);
      assert.match(ok.body, /Secret draft/);
      assert.match(ok.body, /Preview — not published/);
      assert.match(ok.body, /<p class="dates">Not published yet<\/p>/, "no made-up publication date");
      assert.match(ok.body, /<meta name="robots" content="noindex">/);
      assert.equal(ok.headers["cache-control"], "private, no-store");
      const forged = link.path.replace(/sig=./, (m) => (m.endsWith("A") ? "sig=B" : "sig=A"));
      assert.equal((await env.app.inject(forged)).statusCode, 403);
      const otherStory = link.path.replace(`/preview/${s.id}`, `/preview/${s.id + 1000}`);
      assert.equal((await env.app.inject(otherStory)).statusCode, 403);
      const extended = link.path.replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 3600}`);
      assert.equal((await env.app.inject(extended)).statusCode, 403);
      const { previewUrl } = await import("../../src/newsroom/preview.ts");
      const old = await previewUrl(env.db, "", s.id, 1, new Date(Date.now() - 2 * 3600_000));
      assert.equal((await env.app.inject(old.path)).statusCode, 403, "expired");
      // Not visible on the site meanwhile.
      const search = await env.app.inject("/api/search?q=secret");
      assert.equal(search.json().total, 0);
    });

    it("uploads images checked by content, without location metadata, and needs caption, credit and alt to publish", async () => {
      const jpeg = await jpegWithGps();
      assert.ok((await sharp(jpeg).metadata()).exif, "the test picture carries EXIF");
      const up = await upload(
        reporter,
        "/api/admin/images",
        { alt: "" },
        { name: "harbour.jpg", type: "image/jpeg", data: jpeg },
      );
      assert.equal(up.statusCode, 201, up.body);
      const img = up.json() as { id: number; width: number };
      assert.equal(img.width, 900);
      const row = await env.db
        .selectFrom("images")
        .select("file")
        .where("id", "=", img.id)
        .executeTakeFirstOrThrow();
      const stored = (await env.media.blobs.get(row.file!))!;
      const meta = await sharp(stored).metadata();
      assert.equal(meta.exif, undefined, "no EXIF (no GPS) in the stored original");

      const fake = await upload(
        reporter,
        "/api/admin/images",
        {},
        { name: "photo.jpg", type: "image/jpeg", data: Buffer.from("<html>not a picture</html>") },
      );
      assert.equal(fake.statusCode, 415);
      assert.equal(fake.json().error.fields[0].path, "file");
      const none = await reporter.call("POST", "/api/admin/images", { alt: "x" });
      assert.ok([400, 415].includes(none.statusCode), none.body);

      const s = await reporter.json<StoryJson>(
        "POST",
        "/api/admin/stories",
        content("Pictured story", ["Words."], { heroImageId: img.id }),
        201,
      );
      const notReady = await desk.call("POST", `/api/admin/stories/${s.id}/publish`, { baseRevision: 1 });
      assert.equal(notReady.statusCode, 422);
      const paths = (notReady.json().error.fields as { path: string; message: string }[]).map(
        (f) => f.message,
      );
      assert.ok(
        paths.some((m) => /alt text/.test(m)) &&
          paths.some((m) => /caption/.test(m)) &&
          paths.some((m) => /credit/.test(m)),
        JSON.stringify(paths),
      );
      await reporter.json("PATCH", `/api/admin/images/${img.id}`, {
        alt: "The harbour at dawn",
        caption: "Boats at the quay.",
        credit: "Rita Reporter / Gazette",
      });
      const pub = await desk.json<StoryJson>("POST", `/api/admin/stories/${s.id}/publish`, {
        baseRevision: 1,
      });
      assert.equal(pub.status, "published");
    });

    it("caps upload size", async () => {
      const small = await makeEnv({ dialect, env: {} });
      try {
        small.config.newsroom = { ...small.config.newsroom, maxImageMb: 1 };
        await small.app.close();
        small.app = await buildApp({ config: small.config, db: small.db, media: small.media });
        const u = await addUser(small.db, "contributor", "Cap Tester");
        const c = await sessionFor(small.app, small.db, u);
        const big = await sharp({ create: { width: 3000, height: 3000, channels: 3, background: "#808080" } })
          .png({ compressionLevel: 0 })
          .toBuffer();
        assert.ok(big.length > 1024 * 1024);
        const res = await upload(
          c,
          "/api/admin/images",
          {},
          { name: "big.png", type: "image/png", data: big },
        );
        assert.equal(res.statusCode, 413, res.body);
        assert.match(res.json().error.message, /1 MB/);
        const count = await small.db
          .selectFrom("images")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow();
        assert.equal(Number(count.n), 0);
      } finally {
        await small.close();
      }
    });

    it("uploads a video: duration from the file, a poster from a frame", async () => {
      const still = await sharp({ create: { width: 1280, height: 720, channels: 3, background: "#225544" } })
        .jpeg()
        .toBuffer();
      const mp4 = await panVideo([still], 3);
      const res = await upload(
        desk,
        "/api/admin/videos",
        { title: "Harbour at dawn" },
        { name: "clip.mp4", type: "video/mp4", data: mp4 },
      );
      assert.equal(res.statusCode, 201, res.body);
      const v = res.json() as {
        id: number;
        durationSeconds: number;
        poster: { id: number } | null;
        sources: { url: string }[];
      };
      assert.equal(v.durationSeconds, 3);
      assert.ok(v.poster, "a poster frame");
      assert.match(v.sources[0]!.url, /^\/media\/files\/.+\.mp4$/);
      const notVideo = await upload(
        desk,
        "/api/admin/videos",
        { title: "x" },
        { name: "clip.mp4", type: "video/mp4", data: await jpegWithGps() },
      );
      assert.equal(notVideo.statusCode, 415);
      const remote = await desk.json<{ durationSeconds: number }>(
        "POST",
        "/api/admin/videos/remote",
        { title: "Wire video", durationSeconds: 107, url: "https://video.example.org/a.mp4" },
        201,
      );
      assert.equal(remote.durationSeconds, 107);
      const badRemote = await desk.call("POST", "/api/admin/videos/remote", {
        title: "Wire video",
        durationSeconds: -1,
        url: "javascript:alert(1)",
      });
      assert.equal(badRemote.statusCode, 400);
      const fields = (badRemote.json().error.fields as { path: string }[]).map((f) => f.path).sort();
      assert.deepEqual(fields, ["durationSeconds", "url"]);
    });
  });
}
