/**
 * The comments benchmark: one story with 10,000 approved comments (a third
 * of them replies, and 2,000 of them answering one comment on the first
 * page: a thread that caught fire), the article page with its first page of comments
 * rendered for every request (the page cache off), measured on 127.0.0.1 —
 * with wrk when installed, else autocannon — and the same page with the
 * cache on. Target: p99 under 50 ms uncached at 10 connections.
 * Also the hot comment's own page (its first 50 replies), and the article
 * at one connection (the render time itself, no queueing).
 *   npm run bench:comments -- [--comments 10000] [--hot-thread 2000] [--duration 10] [--json] [--keep]
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "../src/store/database.ts";
import { saveStory } from "../src/store/story-store.ts";
import { upsertSection } from "../src/store/taxonomy-store.ts";
import { ROOT, load as bench, pickTool, startGazette } from "./load.ts";
const { values } = parseArgs({
  options: {
    comments: { type: "string", default: "10000" },
    /** Of those, replies to one comment on the first page (a thread that caught fire). */
    "hot-thread": { type: "string", default: "2000" },
    duration: { type: "string", default: "10" },
    json: { type: "boolean", default: false },
    /** Keep the built data folder (for profiling: GAZETTE_DATA=<it> node --cpu-prof …). */
    keep: { type: "boolean", default: false },
  },
});
const total = Number(values.comments);
const hot = Math.min(Number(values["hot-thread"]), total - 1);
const seconds = Number(values.duration);
const tool = pickTool();
const load = (url: string, connections: number) => bench(tool, url, connections, seconds);

async function build(dir: string): Promise<{ articlePath: string; hotId: number }> {
  const db = await openDatabase({ dataDir: dir });
  await upsertSection(db, { slug: "city", name: "City" });
  const s = await saveStory(db, {
    headline: "Harbour bridge reopens",
    sectionSlug: "city",
    body: Array.from({ length: 12 }, (_, i) => ({
      type: "paragraph" as const,
      content: [{ text: `Paragraph ${i} of the story, long enough to read like one. `.repeat(4) }],
    })),
    status: "published",
    firstPublishedAt: new Date(Date.now() - 3600_000).toISOString(),
  });
  const now = new Date().toISOString();
  let hotId = 0;
  await db.transaction().execute(async (tx) => {
    const readers: number[] = [];
    for (let i = 0; i < 500; i++) {
      const r = await tx
        .insertInto("readers")
        .values({
          email: `r${i}@bench.example`,
          display_name: `Reader ${i}`,
          password_hash: "!",
          created_at: now,
          verified_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      readers.push(r.id);
    }
    const tops: number[] = [];
    for (let i = 0; i < total - hot - 1; i++) {
      const parent = i % 3 === 2 && tops.length ? tops[(i * 7919) % tops.length]! : null;
      const row = await tx
        .insertInto("comments")
        .values({
          story_id: s.id,
          reader_id: readers[i % readers.length]!,
          parent_id: parent,
          depth: parent ? 1 : 0,
          body: `Comment ${i}: a considered view on the bridge, its cost and the ferries, with a link https://example.org/${i}.`,
          status: "approved",
          created_at: now,
          reaction_count: i % 17,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      if (!parent) tops.push(row.id);
      else
        await tx
          .updateTable("comments")
          .set((eb) => ({ reply_count: eb("reply_count", "+", 1) }))
          .where("id", "=", parent)
          .execute();
    }
    // The newest top-level comment, with `hot` replies: on the first page.
    const fire = await tx
      .insertInto("comments")
      .values({
        story_id: s.id,
        reader_id: readers[0]!,
        depth: 0,
        body: "The hot take everyone answered.",
        status: "approved",
        created_at: now,
        reply_count: hot,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    hotId = fire.id;
    for (let i = 0; i < hot; i++)
      await tx
        .insertInto("comments")
        .values({
          story_id: s.id,
          reader_id: readers[(i * 31) % readers.length]!,
          parent_id: fire.id,
          depth: 1,
          body: `Reply ${i} to the hot take, with a link https://example.org/r${i}.`,
          status: "approved",
          created_at: now,
        })
        .execute();
    await tx.updateTable("stories").set({ comment_count: total }).where("id", "=", s.id).execute();
  });
  await db.destroy();
  return { articlePath: s.path, hotId };
}

const serve = (dir: string, env: Record<string, string>) => startGazette({ GAZETTE_DATA: dir, ...env });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gazette-bench-comments-"));
try {
  const t0 = Date.now();
  const { articlePath, hotId } = await build(dir);
  const results = [];
  for (const cached of [false, true]) {
    const { proc, base } = await serve(dir, { GAZETTE_CACHE: cached ? "1" : "0" });
    try {
      const page = await (await fetch(`${base}${articlePath}`)).text();
      if (!page.includes(`${total.toLocaleString("en")} comments`))
        throw new Error("the page does not show the count");
      if (hot > 3 && !page.includes(`All ${hot.toLocaleString("en")} replies`))
        throw new Error("the page does not show the hot thread");
      await load(`${base}${articlePath}`, 10); // warm-up
      for (const connections of [1, 10, 50])
        results.push({
          page: "article+comments",
          cached,
          connections,
          ...(await load(`${base}${articlePath}`, connections)),
        });
      results.push({
        page: `thread of ${hot.toLocaleString("en")} replies (first 50)`,
        cached,
        connections: 10,
        ...(await load(`${base}/comments/${hotId}`, 10)),
      });
    } finally {
      proc.kill("SIGTERM");
    }
  }
  // The same CPU per request in a bare Node server (no Gazette, no database):
  // what queueing alone does to p99 when one process has more connections
  // than it can serve at once.
  const render = results.find((r) => r.page === "article+comments" && !r.cached && r.connections === 1)!;
  const busy = spawn(
    process.execPath,
    [
      "-e",
      `require("node:http").createServer((q, s) => { const end = performance.now() + ${render.p50_ms}; while (performance.now() < end); s.end("ok"); }).listen(0, "127.0.0.1", function () { console.log(this.address().port); });`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    const port = await new Promise<string>((resolve) =>
      busy.stdout!.once("data", (b: Buffer) => resolve(b.toString().trim())),
    );
    for (const connections of [10, 50])
      results.push({
        page: `bare Node, ${render.p50_ms.toFixed(2)} ms CPU/request`,
        cached: false,
        connections,
        ...(await load(`http://127.0.0.1:${port}/`, connections)),
      });
  } finally {
    busy.kill("SIGTERM");
  }
  const report = { tool, comments: total, buildSeconds: (Date.now() - t0) / 1000, results };
  const outDir = path.join(ROOT, "bench", "results");
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(
    path.join(outDir, `comments-${new Date().toISOString().replace(/[:.]/g, "-")}.json`),
    JSON.stringify(report, null, 2),
  );
  if (values.json) console.log(JSON.stringify(report));
  else {
    console.log(
      `Article page with ${total.toLocaleString("en")} comments (first page of 20 threads rendered), measured with ${tool}:`,
    );
    for (const r of results)
      console.log(
        `  ${r.page.padEnd(36)} ${r.cached ? "cached  " : "uncached"}  c=${String(r.connections).padEnd(3)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50_ms.toFixed(2)} ms   p99 ${r.p99_ms.toFixed(2)} ms`,
      );
    const target = results.find((r) => r.page === "article+comments" && !r.cached && r.connections === 10)!;
    console.log(
      `Target p99 < 50 ms uncached at 10 connections: ${target.p99_ms < 50 ? "met" : "NOT met"} (${target.p99_ms.toFixed(1)} ms)`,
    );
  }
} finally {
  if (values.keep) console.log(`Data folder kept: ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}
