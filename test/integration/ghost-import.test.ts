/**
 * `gazette import-ghost` on both engines: a Ghost 5 export (Lexical bodies)
 * and a Ghost 4 one (mobiledoc) made by the test in Ghost's own shape, with
 * a copy of Ghost's content folder; run again, changed, and refused.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { ItemResult } from "../../src/ingest/archive-importer.ts";
import { type GhostImportReport, importGhost } from "../../src/ingest/ghost/ghost-importer.ts";
import { contentOf, saveStory, storyById } from "../../src/store/story-store.ts";
import { imagesByIds } from "../../src/store/media-repo.ts";
import { DIALECTS, ROOT, type TestEnv, countRows, makeEnv, tempDir, writeJpeg } from "../helpers.ts";

const SITE = "https://tideline.example";
const TABLES = [
  "stories",
  "story_revisions",
  "images",
  "sections",
  "topics",
  "authors",
  "pages",
  "import_items",
  "legacy_urls",
] as const;

const text = (t: string, format = 0) => ({ type: "extended-text", text: t, format });
const para = (...children: unknown[]) => ({ type: "paragraph", children });
const link = (url: string, t: string) => ({ type: "link", url, children: [text(t)] });
const lexical = (...children: unknown[]) => JSON.stringify({ root: { type: "root", children } });

interface PostSpec {
  id: string;
  slug: string;
  title: string;
  status?: string;
  visibility?: string;
  type?: string;
  lexical?: string | null;
  mobiledoc?: string | null;
  html?: string | null;
  feature_image?: string | null;
  published_at?: string | null;
  custom_excerpt?: string | null;
  tags?: string[];
  authors?: string[];
}

/** A Ghost export in Ghost's own shape (db[0].meta and data), of our own writing. */
function ghostExport(version: string, posts: PostSpec[], opts: { url?: boolean } = {}): string {
  return JSON.stringify({
    db: [
      {
        meta: { exported_on: 1764460800000, version },
        data: {
          posts: posts.map(({ tags: _t, authors: _a, ...p }) => ({
            uuid: `uuid-${p.id}`,
            type: "post",
            status: "published",
            visibility: "public",
            lexical: null,
            mobiledoc: null,
            html: null,
            feature_image: null,
            published_at: "2025-04-14T07:00:00.000Z",
            updated_at: "2025-04-14T09:30:00.000Z",
            created_at: "2025-04-13T16:00:00.000Z",
            ...p,
          })),
          posts_meta: [
            {
              id: "m1",
              post_id: "p1",
              feature_image_alt: "The pier from the beach",
              feature_image_caption: "<span>Photo: Tideline</span>",
            },
          ],
          tags: [
            { id: "t1", name: "Coast", slug: "coast", visibility: "public" },
            { id: "t2", name: "Weather", slug: "weather", visibility: "public" },
            { id: "t3", name: "#import-2025", slug: "hash-import-2025", visibility: "internal" },
          ],
          posts_tags: posts.flatMap((p) =>
            (p.tags ?? []).map((tag, i) => ({
              id: `${p.id}-${tag}`,
              post_id: p.id,
              tag_id: tag,
              sort_order: i,
            })),
          ),
          users: [
            {
              id: "u1",
              name: "Noor Haddad",
              slug: "noor",
              email: "noor@tideline.example",
              bio: "Covers the coast.",
            },
            { id: "u2", name: "Sam Ortiz", slug: "sam", email: "", bio: null },
          ],
          posts_authors: posts.flatMap((p) =>
            (p.authors ?? ["u1"]).map((a, i) => ({
              id: `${p.id}-${a}`,
              post_id: p.id,
              author_id: a,
              sort_order: i,
            })),
          ),
          settings: [
            { id: "s1", key: "title", value: "Tideline" },
            ...(opts.url === false ? [] : [{ id: "s2", key: "url", value: SITE }]),
          ],
        },
      },
    ],
  });
}

const POSTS: PostSpec[] = [
  {
    id: "p1",
    slug: "pier-reopens",
    title: "Pier reopens after storm repairs",
    visibility: "members",
    custom_excerpt: "Eleven weeks of repairs are done.",
    feature_image: "__GHOST_URL__/content/images/2025/04/pier.jpg",
    tags: ["t3", "t1", "t2"],
    authors: ["u1", "u2"],
    lexical: lexical(
      para(
        text("The pier reopens on Monday after "),
        text("eleven weeks", 1),
        text(" of repairs. See "),
        link("__GHOST_URL__/storm-damage/", "the storm damage"),
        text("."),
      ),
      {
        type: "image",
        src: "__GHOST_URL__/content/images/size/w1200/2025/04/boats.jpg",
        alt: "Boats moored by the pier",
        caption: "Back on their moorings",
      },
      { type: "image", src: "__GHOST_URL__/content/images/2025/04/lost.jpg", alt: "A picture nobody kept" },
      { type: "html", html: '<p onclick="steal()">Tide times <script>alert(1)</script>below.</p>' },
    ),
  },
  {
    id: "p2",
    slug: "storm-damage",
    title: "Storm damage on the front",
    published_at: "2025-01-30T06:00:00.000Z",
    tags: ["t2"],
    mobiledoc: JSON.stringify({
      version: "0.3.1",
      atoms: [],
      cards: [
        ["image", { src: "__GHOST_URL__/content/images/2025/01/wall.jpg", alt: "The sea wall", caption: "" }],
      ],
      markups: [["a", ["href", "__GHOST_URL__/pier-reopens/"]]],
      sections: [
        [
          1,
          "p",
          [
            [0, [], 0, "Waves broke over the sea wall overnight. The "],
            [0, [0], 1, "pier"],
            [0, [], 0, " was shut."],
          ],
        ],
        [10, 0],
      ],
    }),
  },
  {
    id: "p3",
    slug: "about",
    title: "About Tideline",
    type: "page",
    html: "<p>A newsletter about the coast.</p>",
  },
  {
    id: "p8",
    slug: "members-area",
    title: "For members",
    type: "page",
    visibility: "members",
    html: "<p>Hello.</p>",
  },
  {
    id: "p4",
    slug: "winter-lights",
    title: "Winter lights",
    status: "draft",
    visibility: "paid",
    published_at: null,
  },
  {
    id: "p5",
    slug: "summer-fair",
    title: "Summer fair",
    status: "scheduled",
    published_at: "2099-07-01T06:00:00.000Z",
    html: "<p>Stalls on the green.</p>",
  },
  {
    id: "p6",
    slug: "members-letter",
    title: "A letter to members",
    status: "sent",
    html: "<p>Thank you.</p>",
  },
  {
    id: "p7",
    slug: "harbour-accounts",
    title: "The harbour's accounts",
    visibility: "tiers",
    html: "<p>Figures.</p>",
  },
];

for (const dialect of DIALECTS) {
  let env: TestEnv;
  let content: string;
  let dir: string;

  const rowCounts = () => countRows(env.db, TABLES);

  async function run(
    json: string,
    extra: { siteUrl?: string } = {},
  ): Promise<{ report: GhostImportReport; items: Map<string, ItemResult> }> {
    const file = path.join(dir, `export-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, json);
    const items = new Map<string, ItemResult>();
    const report = await importGhost(file, {
      db: env.db,
      media: env.media,
      baseUrl: env.config.site.baseUrl,
      uploadsDir: content,
      onItem: (r) => items.set(r.key, r),
      ...extra,
    });
    await env.app.syncChanges();
    return { report, items };
  }

  const storyOf = async (key: string) => {
    const row = await env.db
      .selectFrom("import_items")
      .select("target_id")
      .where("item_key", "=", key)
      .where("kind", "=", "story")
      .executeTakeFirstOrThrow();
    return (await storyById(env.db, row.target_id))!;
  };

  beforeEach(async () => {
    env = await makeEnv({ dialect });
    dir = tempDir("gazette-ghost-");
    content = path.join(dir, "content");
    await writeJpeg(path.join(content, "images", "2025", "04", "pier.jpg"), 1200, 800, "#2b5d7c");
    await writeJpeg(path.join(content, "images", "2025", "04", "boats.jpg"), 1000, 700, "#7c5d2b");
    await writeJpeg(path.join(content, "images", "2025", "01", "wall.jpg"), 900, 600, "#5d7c2b");
  });
  afterEach(async () => {
    await env.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe(`importing a Ghost export (${dialect})`, () => {
    it("brings posts, pages, tags, authors, pictures and who may read them, and says what it could not", async () => {
      const { report, items } = await run(ghostExport("5.101.0", POSTS));
      assert.deepEqual(report.counts, { created: 7, updated: 0, unchanged: 0, skipped: 1, error: 0 });
      assert.match(items.get("page:p8")?.reason ?? "", /a members-only page: site pages are always public/);
      assert.equal(report.source, `ghost:${SITE}`);
      assert.equal(report.ghostVersion, "5.101.0");

      const pier = await storyOf("post:p1");
      assert.equal(pier.status, "published");
      assert.equal(pier.path, "/coast/2025/04/14/pier-reopens");
      assert.equal(pier.firstPublishedAt, "2025-04-14T07:00:00.000Z");
      assert.deepEqual(pier.summary, ["Eleven weeks of repairs are done."]);
      assert.deepEqual(
        pier.authors.map((a) => a.name),
        ["Noor Haddad", "Sam Ortiz"],
        "byline order kept",
      );
      assert.deepEqual(
        pier.topics.map((t) => t.name),
        ["Weather"],
        "the internal #tag left out",
      );
      assert.deepEqual(contentOf(pier).access, { level: "registered", plans: [] });
      const hero = (await imagesByIds(env.db, [pier.heroImageId!])).get(pier.heroImageId!)!;
      assert.equal(hero.alt, "The pier from the beach");
      assert.equal(hero.caption, "Photo: Tideline");
      assert.ok(hero.file, "the feature image came from the content folder");
      const pictures = pier.body.filter((b) => b.type === "image");
      assert.equal(pictures.length, 1, "the resized copy's original was found; the lost one left out");
      const boats = (await imagesByIds(env.db, [pictures[0]!.imageId])).get(pictures[0]!.imageId)!;
      assert.equal(boats.alt, "Boats moored by the pier");

      // Links between posts point at the new addresses, the later post's too.
      const storm = await storyOf("post:p2");
      assert.equal(storm.path, "/weather/2025/01/30/storm-damage");
      const hrefs = (s: typeof pier) =>
        s.body.flatMap((b) =>
          b.type === "paragraph" ? b.content.flatMap((r) => (r.href ? [r.href] : [])) : [],
        );
      assert.deepEqual(hrefs(await storyOf("post:p1")), [
        `${env.config.site.baseUrl.replace(/\/$/, "")}${storm.path}`,
      ]);
      assert.deepEqual(hrefs(storm), [`${env.config.site.baseUrl.replace(/\/$/, "")}${pier.path}`]);
      assert.equal(storm.body.filter((b) => b.type === "image").length, 1, "mobiledoc's image card");

      // Statuses and visibility.
      const draft = await storyOf("post:p4");
      assert.equal(draft.status, "draft");
      assert.deepEqual(contentOf(draft).access, { level: "subscribers", plans: [] });
      const fair = await storyOf("post:p5");
      assert.equal(fair.status, "scheduled");
      assert.equal(fair.scheduledAt, "2099-07-01T06:00:00.000Z");
      assert.equal((await storyOf("post:p6")).status, "unpublished");
      assert.match(items.get("post:p6")?.notes?.join(" ") ?? "", /sent as an email only/);
      assert.deepEqual(contentOf(await storyOf("post:p7")).access, { level: "subscribers", plans: [] });
      assert.match(items.get("post:p7")?.notes?.join(" ") ?? "", /some of Ghost's tiers/);

      // Hostile HTML is inert on the page; the page and the old addresses answer.
      const page = await env.app.inject(pier.path);
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /steal\(\)|alert\(1\)/);
      assert.match(page.body, /Tide times/);
      const about = await env.app.inject("/about/about");
      assert.equal(about.statusCode, 200);
      assert.match(about.body, /A newsletter about the coast\./);
      const moved: Record<string, string> = {
        "/pier-reopens/": pier.path,
        "/storm-damage": storm.path,
        "/tag/coast/": "/coast",
        "/tag/weather/": "/weather",
        "/author/noor/": "/author/noor-haddad",
      };
      for (const [from, to] of Object.entries(moved)) {
        const r = await env.app.inject(from);
        assert.equal(r.statusCode, 301, from);
        assert.equal(r.headers["location"], to, from);
      }
      assert.equal((await env.app.inject("/winter-lights/")).statusCode, 404, "a draft stays hidden");

      const unresolved = report.unresolved.join("\n");
      for (const expected of [
        /author u2 \(Sam Ortiz\) has no email address/,
        /picture images\/2025\/04\/lost\.jpg: not found in/,
        /post:p1 \(Pier reopens after storm repairs\): a picture \(https:\/\/tideline\.example\/content\/images\/2025\/04\/lost\.jpg\) was not found/,
      ])
        assert.match(unresolved, expected);
    });

    it("runs again without duplicating, updates what changed, leaves alone what the newsroom edited, and reads mobiledoc-era exports", async () => {
      await run(ghostExport("5.101.0", POSTS));
      const before = await rowCounts();
      const again = await run(ghostExport("5.101.0", POSTS));
      assert.deepEqual(again.report.counts, { created: 0, updated: 0, unchanged: 7, skipped: 1, error: 0 });
      assert.deepEqual(await rowCounts(), before);

      const pier = await storyOf("post:p1");
      await saveStory(
        env.db,
        { ...contentOf(pier), headline: "Pier open again", status: "published" },
        { id: pier.id, baseRevision: pier.revision },
      );
      const changed = POSTS.map((p) =>
        p.id === "p2"
          ? { ...p, title: "Storm damage on the sea front" }
          : p.id === "p1"
            ? { ...p, title: "Pier reopens" }
            : p,
      );
      const third = await run(ghostExport("5.101.0", changed));
      assert.equal(third.items.get("post:p2")?.status, "updated");
      assert.equal((await storyOf("post:p2")).headline, "Storm damage on the sea front");
      assert.equal(third.items.get("post:p1")?.status, "skipped");
      assert.equal((await storyById(env.db, pier.id))?.headline, "Pier open again");
      assert.equal((await rowCounts()).stories, before.stories);

      // A Ghost 2 export: pages by flag, one author_id, no site address in it (given on the command line).
      const old = JSON.parse(ghostExport("2.38.0", [], { url: false })) as {
        db: [{ data: Record<string, unknown> }];
      };
      old.db[0].data["posts"] = [
        {
          id: "5c1",
          uuid: "u-5c1",
          title: "Old harbour notes",
          slug: "old-harbour-notes",
          page: false,
          status: "published",
          visibility: "public",
          author_id: "u1",
          published_at: 1546300800000,
          updated_at: 1546300800000,
          mobiledoc: JSON.stringify({
            version: "0.3.1",
            atoms: [],
            cards: [],
            markups: [],
            sections: [[1, "p", [[0, [], 0, "Nets drying on the quay."]]]],
          }),
        },
      ];
      const second = await run(JSON.stringify(old), { siteUrl: "https://old.tideline.example" });
      assert.equal(second.report.source, "ghost:https://old.tideline.example");
      const notes = await storyOf("post:5c1");
      assert.equal(notes.firstPublishedAt, "2019-01-01T00:00:00.000Z");
      assert.deepEqual(
        notes.authors.map((a) => a.name),
        ["Noor Haddad"],
      );
      assert.equal(notes.section.slug, "news", "no tag: the default section");
    });

    it("refuses a file that is not a Ghost export, saying what is wrong and writing nothing", async () => {
      const before = await rowCounts();
      const cases: [string, RegExp][] = [
        [
          '{"db": [ {"meta": {"version": "5.0.0"}, "data": {"posts": [,]}} ]}',
          /^not JSON \(line 1, column 60\): unexpected “,\]}} \]}”/,
        ],
        ['{"hello": "world"}', /not a Ghost export: no db\[0\]\.data/],
        [ghostExport("1.25.0", POSTS), /Ghost 1\.25\.0: Gazette reads exports of Ghost 2 to 6/],
        ["", /the file is empty/],
      ];
      for (const [json, expected] of cases) {
        await assert.rejects(run(json), (err: Error) => expected.test(err.message), json.slice(0, 40));
        assert.deepEqual(await rowCounts(), before);
      }
      await assert.rejects(
        importGhost(path.join(dir, "missing.json"), {
          db: env.db,
          media: env.media,
          baseUrl: env.config.site.baseUrl,
        }),
        (err: Error) => /no such file/.test(err.message),
      );
    });
  });
}

describe("gazette import-ghost, on the command line", () => {
  it("imports with a report and a summary, and explains mistakes with exit code 2", async () => {
    const dataDir = tempDir("gazette-ghost-cli-");
    try {
      const file = path.join(dataDir, "tideline.json");
      fs.writeFileSync(file, ghostExport("5.101.0", POSTS));
      const gazette = (...args: string[]) =>
        spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
          cwd: ROOT,
          env: { ...process.env, GAZETTE_DATA: dataDir, GAZETTE_DEMO: "0" },
          encoding: "utf8",
        });
      const wrong = gazette("import-ghost", file, "--content", path.join(dataDir, "nowhere"));
      assert.equal(wrong.status, 2);
      assert.match(
        wrong.stderr,
        /--content: no folder .*nowhere; give a copy of the Ghost site's content folder/,
      );
      const ok = gazette("import-ghost", file);
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(
        ok.stdout,
        /8 item\(s\) in .*tideline\.json \(Ghost 5\.101\.0\): 7 created, 0 updated, 0 unchanged, 1 skipped, 0 failed\n/,
      );
      assert.match(ok.stdout, /Unresolved \(\d+\):/);
      assert.match(
        ok.stdout,
        /picture images\/2025\/04\/pier\.jpg: not found \(give --content DIR or --fetch-media\)/,
      );
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
