/**
 * A large WordPress export (made by the test) imported by the command as a
 * newsroom runs it: killed with SIGKILL at a random point, run again, and
 * compared with one uninterrupted run into an empty site. On SQLite the
 * 20,000 posts (over 100 MB) of the memory target, with the process's peak
 * resident memory; on PostgreSQL the same on a smaller file (every
 * statement there is a round trip).
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { DIALECTS, ROOT, type TestEnv, countRows, makeEnv, tempDir } from "../helpers.ts";
import { writeLargeWxr } from "../wxr-generator.ts";

for (const dialect of DIALECTS) {
  let env: TestEnv;
  beforeEach(async () => {
    env = await makeEnv({ dialect });
  });
  afterEach(async () => {
    await env.close();
  });

  describe(`a large WordPress export, killed and run again (${dialect})`, () => {
    const posts = dialect === "sqlite" ? 20_000 : 300;

    it(`${posts.toLocaleString("en")} posts: kill -9 mid-way and the same command again give what one uninterrupted run gives${dialect === "sqlite" ? ", in under 300 MB" : ""}`, async () => {
      const dir = tempDir("gazette-big-wxr-");
      const { file, bytes } = await writeLargeWxr(path.join(dir, "big.xml"), posts);
      if (posts === 20_000) assert.ok(bytes > 100_000_000, `the file is ${bytes} bytes`);
      const cli = (extra: Record<string, string>) => ({
        GAZETTE_BASE_URL: env.config.site.baseUrl,
        GAZETTE_DATA: env.dataDir,
        ...(env.databaseUrl ? { DATABASE_URL: env.databaseUrl } : {}),
        ...extra,
      });
      // The same file once, uninterrupted, into an empty site: at the same time as the interrupted
      // runs (another process, another database), which halves the test's time on two cores.
      const clean = await makeEnv({ dialect });
      try {
        const whole = startImport(file, {
          GAZETTE_BASE_URL: clean.config.site.baseUrl,
          GAZETTE_DATA: clean.dataDir,
          ...(clean.databaseUrl ? { DATABASE_URL: clean.databaseUrl } : {}),
        });
        // A random point: after this many items are committed.
        const killAfter = Math.floor(posts * (0.15 + Math.random() * 0.6));
        const first = startImport(file, cli({}));
        await first.itemsDone(killAfter);
        first.child.kill("SIGKILL");
        await first.exited;
        const second = startImport(file, cli({}));
        const [secondRun, wholeRun] = await Promise.all([second.exited, whole.exited]);
        assert.equal(secondRun.code, 0, secondRun.stderr);
        const resumed = /continued after item (\d+)/.exec(secondRun.stdout);
        assert.ok(resumed, "the second run continued the first");
        assert.ok(
          Number(resumed[1]) >= killAfter,
          `continued after ${resumed[1]}, killed after ${killAfter}`,
        );
        assert.equal(wholeRun.code, 0, wholeRun.stderr);
        assert.match(
          wholeRun.stdout,
          new RegExp(`${posts} created, 0 updated, .*, 0 failed; comments: \\d+ created`),
        );
        const interrupted = await snapshot(env);
        const uninterrupted = await snapshot(clean);
        assert.equal(uninterrupted.stories, posts);
        assert.deepEqual(interrupted, uninterrupted);
        if (posts === 20_000) {
          const rss = Number(/MAXRSS_KB (\d+)/.exec(wholeRun.stderr)?.[1]);
          assert.ok(rss > 0 && rss < 300 * 1024, `peak resident memory ${Math.round(rss / 1024)} MB`);
        }
      } finally {
        await clean.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** The import run as a newsroom runs it, in a process of its own, reporting its peak memory. */
function startImport(
  file: string,
  env: Record<string, string>,
): {
  child: ChildProcess;
  itemsDone: (n: number) => Promise<void>;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
} {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "test/fixtures/run-measured.ts", "import-wordpress", file],
    { cwd: ROOT, env: { ...process.env, GAZETTE_DEMO: "0", ...env } },
  );
  let stdout = "";
  let stderr = "";
  let created = 0;
  const waiting: { n: number; resolve: () => void }[] = [];
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (s: string) => {
    stdout += s;
    created += (s.match(/^created /gm) ?? []).length;
    for (const w of waiting.filter((x) => created >= x.n)) w.resolve();
    if (stdout.length > 4_000_000) stdout = stdout.slice(-100_000);
  });
  child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return {
    child,
    exited,
    itemsDone: (n) =>
      new Promise<void>((resolve, reject) => {
        if (created >= n) return resolve();
        waiting.push({ n, resolve });
        void exited.then(() => reject(new Error(`the import ended after ${created} items: ${stderr}`)));
      }),
  };
}

/** What an import made, independent of row ids and of when it ran. */
async function snapshot(env: TestEnv): Promise<Record<string, unknown>> {
  const stories = await env.db
    .selectFrom("stories")
    .innerJoin("sections", "sections.id", "stories.section_id")
    .select([
      "stories.path",
      "stories.headline",
      "stories.summary",
      "stories.body",
      "stories.status",
      "stories.first_published_at",
      "stories.revision",
      "stories.comment_count",
      "sections.slug",
    ])
    .orderBy("stories.path")
    .execute();
  const hash = crypto.createHash("sha256").update(JSON.stringify(stories)).digest("hex");
  const comments = await env.db
    .selectFrom("comments")
    .innerJoin("stories", "stories.id", "comments.story_id")
    .select(["stories.path", "comments.body", "comments.created_at"])
    .orderBy("stories.path")
    .orderBy("comments.created_at")
    .execute();
  return {
    stories: stories.length,
    storiesHash: hash,
    commentsHash: crypto.createHash("sha256").update(JSON.stringify(comments)).digest("hex"),
    ...(await countRows(env.db, [
      "comments",
      "readers",
      "topics",
      "story_topics",
      "legacy_urls",
      "import_items",
    ] as const)),
  };
}
