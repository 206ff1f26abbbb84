/**
 * `npm run bench [-- --stories N] [--duration S] [--json] [--rebuild]`
 *
 * Builds a site of N stories (default 10,000), starts Gazette in production
 * mode twice (page cache on, and off with GAZETTE_CACHE=0), and measures the
 * article, home, section and search pages at 10 and 50 connections on
 * 127.0.0.1 — with wrk when it is installed, otherwise autocannon — next to
 * the physical-limit baseline: a bare Node `http` server answering a
 * prebuilt buffer the size of the article page, measured with the same tool
 * in the same run. Also reports the importer's rate, publish-to-visible
 * latency and the server's resident memory, and a live story's page and
 * changes JSON under load while a post is added every second (with how many
 * renders the origin did). Results go to bench/results/.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import zlib from "node:zlib";
import { importFile } from "../src/ingest/ninjs-importer.ts";
import { MediaStore } from "../src/media/media-store.ts";
import { openDatabase } from "../src/store/database.ts";
import { contentOf, saveStory, storyByUri } from "../src/store/story-store.ts";
import { livePostInputSchema } from "../src/content/live.ts";
import { addLivePost, liveCoverage, saveLiveCoverage } from "../src/store/live-store.ts";
import { meterCookie } from "../src/auth/access-tokens.ts";
import { meterPeriod } from "../src/content/access.ts";
import { accessSigningKey, addGrant } from "../src/store/membership-store.ts";
import { campaignInput, saveAdvertiser, saveCampaign, saveCreative } from "../src/store/ad-store.ts";
import { createReader, createReaderSession, markVerified } from "../src/store/reader-store.ts";
import { ROOT, type Measure, load as bench, pickTool, startGazette } from "./load.ts";
import { buildSite } from "./site-builder.ts";
const { values: args } = parseArgs({
  options: {
    stories: { type: "string", default: "10000" },
    duration: { type: "string", default: "10" },
    json: { type: "boolean", default: false },
    rebuild: { type: "boolean", default: false },
    tool: { type: "string" },
  },
});
const stories = Number(args.stories);
const duration = Number(args.duration);
if (!Number.isInteger(stories) || stories < 10 || stories > 5_000_000)
  throw new Error("--stories: a whole number from 10 to 5,000,000");
if (!Number.isFinite(duration) || duration < 1 || duration > 600)
  throw new Error("--duration: seconds, from 1 to 600");
const log = (s: string) => (args.json ? process.stderr : process.stdout).write(`${s}\n`);

const tool = pickTool(args.tool);
const load = (
  url: string,
  connections: number,
  seconds: number,
  headers: Record<string, string> = {},
  post?: string,
) => bench(tool, url, connections, seconds, headers, post);

/** Ad impressions are counted for browsers only: the ad rows ask as one. */
const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

function startBaseline(bytes: number): Promise<{ proc: ChildProcess; base: string }> {
  // The physical limit: Node's http module answering a prebuilt buffer, nothing else.
  const code = `const http=require("node:http");const body=Buffer.alloc(${bytes},97);http.createServer((q,s)=>{s.writeHead(200,{"content-type":"text/html","content-length":body.length});s.end(body)}).listen(0,"127.0.0.1",function(){console.log("port "+this.address().port)})`;
  const proc = spawn(process.execPath, ["-e", code], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  return new Promise((resolve) => {
    proc.stdout!.on("data", (b: Buffer) => {
      const m = /port (\d+)/.exec(b.toString());
      if (m) resolve({ proc, base: `http://127.0.0.1:${m[1]}` });
    });
  });
}

function rssMb(pid: number | undefined): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return NaN;
  }
}

async function importRate(): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gazette-bench-import-"));
  const files: string[] = [];
  for (let i = 0; i < 300; i++) {
    const f = path.join(dir, `item-${i}.json`);
    fs.writeFileSync(
      f,
      JSON.stringify({
        uri: `urn:bench:import:${i}`,
        type: "text",
        versioncreated: new Date(Date.now() - i * 60_000).toISOString(),
        headlines: [{ role: "main", value: `Imported wire story number ${i} about the harbour` }],
        descriptions: [{ role: "summary", value: "A summary point for the benchmark." }],
        bodies: [
          {
            role: "main",
            contenttype: "text/html",
            value: "<p>First paragraph of wire copy with <b>bold</b> text.</p>".repeat(8),
          },
        ],
        subjects: [{ name: "Benchmark" }, { name: `Topic ${i % 10}` }],
      }),
    );
    files.push(f);
  }
  const db = await openDatabase({ dataDir: path.join(dir, "data") });
  const media = new MediaStore(path.join(dir, "data", "media"));
  const t0 = performance.now();
  for (const f of files) await importFile({ db, media }, f);
  const seconds = (performance.now() - t0) / 1000;
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
  return Math.round(files.length / seconds);
}

/** fetch, once more on a reset connection (a keep-alive socket the server closed as we reused it). */
async function fetchText(url: string, headers: Record<string, string> = {}): Promise<string> {
  try {
    return await (await fetch(url, { headers })).text();
  } catch {
    return (await fetch(url, { headers: { ...headers, connection: "close" } })).text();
  }
}

/** One POST on a connection of its own: the load runs before may have left pooled sockets closed. */
function postOnce(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function publishToVisible(dataDir: string, base: string, articlePath: string): Promise<number> {
  const db = await openDatabase({ dataDir });
  const s = (await storyByUri(db, `urn:bench:${stories - 1}`))!;
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    await fetchText(`${base}${articlePath}`); // make sure it is cached
    const headline = `Updated headline ${i} ${Date.now()}`;
    const t0 = performance.now();
    await saveStory(
      db,
      { headline, summary: s.summary, body: s.body, sectionSlug: s.section.slug, status: "published" },
      { id: s.id },
    );
    for (;;) {
      const html = await fetchText(`${base}${s.path}`);
      if (html.includes(headline)) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    times.push(performance.now() - t0);
  }
  await db.destroy();
  times.sort((a, b) => a - b);
  return Math.round(times[2]!);
}

/**
 * A story for subscribers, and the three kinds of reader its cached page is
 * measured for: a subscriber (a session, read from the database per
 * request), a visitor on the meter's first story (a new signed cookie per
 * request), and a visitor whose meter is spent (the gate).
 */
async function gateOneStory(dir: string) {
  const db = await openDatabase({ dataDir: dir });
  const s = (await storyByUri(db, `urn:bench:${stories - 2}`))!;
  await saveStory(
    db,
    { ...contentOf(s), access: { level: "subscribers", plans: [] }, status: "published" },
    { id: s.id },
  );
  const email = "bench.subscriber@example.org";
  const reader =
    (await db.selectFrom("readers").select("id").where("email", "=", email).executeTakeFirst()) ??
    (await createReader(db, { email, displayName: "Bench Subscriber", passwordHash: "!" }));
  await markVerified(db, reader.id);
  await addGrant(db, { readerId: reader.id, kind: "complimentary", planSlug: null });
  const session = await createReaderSession(db, reader.id);
  const key = await accessSigningKey(db);
  const spent = meterCookie(key, {
    period: meterPeriod(new Date(), "UTC"),
    storyIds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  });
  await db.destroy();
  return { path: s.path, subscriber: `gz_reader=${session}`, spent: `gz_meter=${spent}` };
}

/**
 * Direct-sold campaigns on one story: one targeting the story itself (three
 * creatives in rotation) and one its section, so each of its slots is
 * chosen among campaigns and every response counts impressions.
 */
async function bookCampaigns(dir: string) {
  const db = await openDatabase({ dataDir: dir });
  const s = (await storyByUri(db, `urn:bench:${stories - 3}`))!;
  await db.deleteFrom("ad_campaigns").execute();
  const advertiser = await saveAdvertiser(db, { name: "Bench Advertiser", contactEmail: null });
  const creatives: number[] = [];
  for (const [name, targeting, n] of [
    ["This story", { stories: [s.id] }, 3],
    ["Its section", { sections: [s.section.slug] }, 2],
  ] as const) {
    const c = await saveCampaign(
      db,
      campaignInput.parse({
        advertiserId: advertiser.id,
        name,
        status: "active",
        startsAt: new Date(Date.now() - 86_400_000).toISOString(),
        priority: name === "This story" ? 8 : 5,
        targeting,
      }),
    );
    for (let i = 1; i <= n; i++)
      creatives.push(
        (
          await saveCreative(db, c.id, {
            kind: "text",
            name: `${name} ${i}`,
            href: `https://advertiser.example/${i}`,
            weight: 1,
            headline: `An advertisement, number ${i}`,
            body: "A line of text about what is on offer.",
            cta: "Find out more",
            active: true,
          })
        ).id,
      );
  }
  await db.destroy();
  return { path: s.path, creatives };
}

/** A live story with 40 posts (made once per site; its cursor now). */
async function liveOneStory(dir: string) {
  const db = await openDatabase({ dataDir: dir });
  const s = (await storyByUri(db, `urn:bench:${stories - 4}`))!;
  if (!(await liveCoverage(db, s.id))) {
    await saveLiveCoverage(db, s.id, {});
    for (let i = 1; i <= 40; i++)
      await addLivePost(
        db,
        s.id,
        livePostInputSchema.parse({
          title: i % 5 === 0 ? `Update ${i}` : undefined,
          keyEvent: i % 10 === 0,
          body: [
            {
              type: "paragraph",
              content: [
                {
                  text: `Earlier update ${i}: water levels at the bridge, the ferries and the schools. `.repeat(
                    3,
                  ),
                },
              ],
            },
          ],
        }),
        { status: "published", userId: null, now: new Date(Date.now() - (60 - i) * 60_000) },
      );
  }
  const cursor = (await liveCoverage(db, s.id))!.seq;
  await db.destroy();
  return { id: s.id, path: s.path, cursor };
}

/** What the server's page cache has done so far (/healthz). */
async function cacheStats(base: string): Promise<{ renders: number; waited: number; hits: number }> {
  const health = JSON.parse(await fetchText(`${base}/healthz`)) as {
    pageCache: { renders: number; waited: number; hits: number };
  };
  return health.pageCache;
}

const dataDir = path.join(os.tmpdir(), `gazette-bench-${stories}`);
if (args.rebuild || !fs.existsSync(path.join(dataDir, ".built"))) {
  log(`Building a site of ${stories.toLocaleString("en")} stories in ${dataDir}…`);
  const t0 = Date.now();
  const site = await buildSite(dataDir, stories, log);
  fs.writeFileSync(
    path.join(dataDir, ".built"),
    JSON.stringify({ articlePath: site.articlePaths[site.articlePaths.length - 1] }),
  );
  log(`Built in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
}
const { articlePath } = JSON.parse(fs.readFileSync(path.join(dataDir, ".built"), "utf8")) as {
  articlePath: string;
};

log(
  `Load generator: ${tool}${tool === "autocannon" ? " (wrk is not installed: apt-get install wrk measures closer to the limit)" : ""}; ${duration} s per run; ${os.cpus().length} cores.`,
);
const gated = await gateOneStory(dataDir);
const advertised = await bookCampaigns(dataDir);
const live = await liveOneStory(dataDir);
const cached = await startGazette({ GAZETTE_DATA: dataDir });
const uncached = await startGazette({ GAZETTE_DATA: dataDir, GAZETTE_CACHE: "0" });
const pages = {
  article: articlePath,
  home: "/",
  section: "/world",
  search: "/search?q=harbour+council",
} as const;
const articleBytes = (await (await fetch(`${cached.base}${articlePath}`)).text()).length;
const baselineServer = await startBaseline(articleBytes);

const results: ({ page: string; cached: boolean; connections: number; ratio: number } & Measure)[] = [];
let baseline: Measure | undefined;
try {
  // Warm up (JIT, caches, SQLite's pages) with a few sequential requests: a
  // warm-up under load would leave slow requests queued into the next run.
  for (const s of [cached, uncached])
    for (const p of Object.values(pages)) for (let i = 0; i < 20; i++) await fetchText(`${s.base}${p}`);
  await load(baselineServer.base, 10, 1);
  baseline = await load(baselineServer.base, 10, duration);
  const baseline50 = await load(baselineServer.base, 50, duration);
  for (const [page, p] of Object.entries(pages)) {
    for (const isCached of [true, false]) {
      for (const connections of [10, 50]) {
        const m = await load(`${(isCached ? cached : uncached).base}${p}`, connections, duration);
        const base = connections === 10 ? baseline : baseline50;
        results.push({
          page,
          cached: isCached,
          connections,
          ...m,
          ratio: Math.round((m.rps / base.rps) * 1000) / 1000,
        });
        log(
          `  ${page.padEnd(8)} ${isCached ? "cached  " : "uncached"} c=${String(connections).padEnd(3)} ${Math.round(m.rps).toString().padStart(7)} req/s  p50 ${m.p50_ms.toFixed(2).padStart(7)} ms  p99 ${m.p99_ms.toFixed(2).padStart(7)} ms  ${((m.rps / base.rps) * 100).toFixed(1).padStart(5)} % of baseline`,
        );
      }
    }
  }
  // A gated story's cached variants against the ungated cached article, measured again just
  // before them (a run minutes earlier drifts with the machine), 10 connections.
  const article10 = await load(`${cached.base}${articlePath}`, 10, duration);
  log(
    `  article  cached, again just before the gated rows c=10 ${Math.round(article10.rps).toString().padStart(7)} req/s  p99 ${article10.p99_ms.toFixed(2).padStart(7)} ms`,
  );
  const gatedRows: { reader: string; rps: number; p99_ms: number; of_article: number }[] = [];
  for (const [who, cookie] of [
    ["subscriber (full)", gated.subscriber],
    ["visitor, meter counts", ""],
    ["visitor, meter spent (gate)", gated.spent],
  ] as const) {
    const headers: Record<string, string> = cookie ? { cookie } : {};
    for (let i = 0; i < 20; i++) await fetchText(`${cached.base}${gated.path}`, headers);
    const m = await load(`${cached.base}${gated.path}`, 10, duration, headers);
    const ofArticle = Math.round((m.rps / article10.rps) * 1000) / 1000;
    gatedRows.push({ reader: who, rps: m.rps, p99_ms: m.p99_ms, of_article: ofArticle });
    log(
      `  gated    ${who.padEnd(28)} c=10 ${Math.round(m.rps).toString().padStart(7)} req/s  p99 ${m.p99_ms.toFixed(2).padStart(7)} ms  ${(ofArticle * 100).toFixed(1).padStart(5)} % of the cached article (target ≥ 80 %)`,
    );
  }
  // A story with targeted campaigns (chosen at render, counted on every hit) against the plain
  // cached article measured just before it, both asked for by a browser.
  const browser = { "user-agent": BROWSER_UA };
  const plain = await load(`${cached.base}${articlePath}`, 10, duration, browser);
  for (let i = 0; i < 20; i++) await fetchText(`${cached.base}${advertised.path}`, browser);
  const withAds = await load(`${cached.base}${advertised.path}`, 10, duration, browser);
  const adsOfArticle = Math.round((withAds.rps / plain.rps) * 1000) / 1000;
  log(
    `  article  cached, plain, just before                  c=10 ${Math.round(plain.rps).toString().padStart(7)} req/s  p99 ${plain.p99_ms.toFixed(2).padStart(7)} ms`,
  );
  log(
    `  ads      cached article with targeted campaigns  c=10 ${Math.round(withAds.rps).toString().padStart(7)} req/s  p99 ${withAds.p99_ms.toFixed(2).padStart(7)} ms  ${(adsOfArticle * 100).toFixed(1).padStart(5)} % of the plain article (target ≥ 80 %)`,
  );
  // The other way to rotate creatives on cached pages: choose at the edge of the cache, per
  // request — splice the slots into the cached HTML and compress it again for every hit.
  // Its per-request work, measured here in-process on the same page, against a hit's.
  const adPage = await fetchText(`${cached.base}${advertised.path}`, browser);
  const parts = adPage.split(/(<aside class="ad [^]*?<\/aside>)/);
  const edgeRuns = 500;
  let t = process.hrtime.bigint();
  for (let i = 0; i < edgeRuns; i++) {
    const page = parts.map((p, j) => (j % 2 ? p.replace(/number \d/, `number ${i % 3}`) : p)).join("");
    zlib.gzipSync(page, { level: 6 });
  }
  const edgeGzipUs = Number(process.hrtime.bigint() - t) / 1000 / edgeRuns;
  t = process.hrtime.bigint();
  for (let i = 0; i < edgeRuns; i++) {
    const page = parts.map((p, j) => (j % 2 ? p.replace(/number \d/, `number ${i % 3}`) : p)).join("");
    zlib.brotliCompressSync(page, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } });
  }
  const edgeBrUs = Number(process.hrtime.bigint() - t) / 1000 / edgeRuns;
  log(
    `  ads      choosing at the edge instead: splice + gzip ${edgeGzipUs.toFixed(0)} µs, + brotli ${edgeBrUs.toFixed(0)} µs per request (a hit of the page chosen at render: ${(1e6 / withAds.rps).toFixed(0)} µs of the server's time per request at c=10)`,
  );
  // The viewability beacon: what a page's script sends, from our own origin, as fast as it goes.
  const beaconBody = JSON.stringify({ v: advertised.creatives.slice(0, 2) });
  const beaconHeaders = {
    ...browser,
    origin: cached.base,
    "content-type": "text/plain",
  };
  for (let i = 0; i < 200; i++) await postOnce(`${cached.base}/ad/viewed`, beaconHeaders, beaconBody);
  const rssBefore = rssMb(cached.proc.pid);
  const beacons = await load(`${cached.base}/ad/viewed`, 10, duration, beaconHeaders, beaconBody);
  const beacons2 = await load(`${cached.base}/ad/viewed`, 10, duration, beaconHeaders, beaconBody);
  const rssAfter = rssMb(cached.proc.pid);
  log(
    `  beacon   POST /ad/viewed, two runs                c=10 ${Math.round(beacons.rps).toString().padStart(7)} / ${Math.round(beacons2.rps)} req/s  p99 ${beacons2.p99_ms.toFixed(2).padStart(7)} ms  (target ≥ 5,000/s); memory ${rssBefore} → ${rssAfter} MB resident`,
  );
  // A live story while the desk posts every second (a writer process of its own): its page and
  // its changes JSON (asked from the cursor readers got when the run began, as a CDN would pass
  // on), and how many renders the origin did — the page cache renders a page once per change.
  const liveRows: {
    what: string;
    connections: number;
    rps: number;
    p99_ms: number;
    posts: number;
    renders: number;
    renders_per_s: number;
    waited: number;
  }[] = [];
  const livePaths = {
    "live page": live.path,
    "live changes": `/live/${live.id}/changes.json?since=${live.cursor}`,
  };
  for (const p of Object.values(livePaths))
    for (let i = 0; i < 20; i++) await fetchText(`${cached.base}${p}`);
  const writer = spawn(
    process.execPath,
    ["--import", "tsx", "bench/live-writer.ts", dataDir, String(live.id)],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let posted = 0;
  writer.stdout.on("data", (b: Buffer) => (posted += (b.toString().match(/posted/g) ?? []).length));
  try {
    await new Promise((r) => setTimeout(r, 2500)); // the writer is up and posting
    for (const [what, p] of Object.entries(livePaths)) {
      for (const connections of [10, 50]) {
        const [before, postsBefore] = [await cacheStats(cached.base), posted];
        const m = await load(`${cached.base}${p}`, connections, duration);
        const after = await cacheStats(cached.base);
        const renders = after.renders - before.renders;
        const row = {
          what,
          connections,
          rps: m.rps,
          p99_ms: m.p99_ms,
          posts: posted - postsBefore,
          renders,
          renders_per_s: Math.round((renders / duration) * 100) / 100,
          waited: after.waited - before.waited,
        };
        liveRows.push(row);
        log(
          `  ${what.padEnd(13)} cached, a post a second  c=${String(connections).padEnd(3)} ${Math.round(m.rps).toString().padStart(7)} req/s  p99 ${m.p99_ms.toFixed(2).padStart(7)} ms  ${row.posts} posts, ${renders} renders (${row.renders_per_s}/s; target ≈ 1/s), ${row.waited} requests waited for a render`,
        );
      }
    }
  } finally {
    writer.kill("SIGTERM");
  }
  const memory = rssMb(cached.proc.pid);
  const latency = await publishToVisible(dataDir, cached.base, articlePath);
  const rate = await importRate();
  const report = {
    date: new Date().toISOString(),
    tool,
    stories,
    duration_s: duration,
    machine: { cpus: os.cpus().length, node: process.version },
    page_bytes: articleBytes,
    baseline: { rps: baseline.rps, p50_ms: baseline.p50_ms, p99_ms: baseline.p99_ms, rps_50: baseline50.rps },
    results,
    gated: { article_rps: article10.rps, rows: gatedRows },
    ads: {
      plain_article_rps: plain.rps,
      with_campaigns_rps: withAds.rps,
      with_campaigns_p99_ms: withAds.p99_ms,
      of_article: adsOfArticle,
      edge_step_gzip_us: edgeGzipUs,
      edge_step_brotli_us: edgeBrUs,
      beacon_rps: [beacons.rps, beacons2.rps],
      beacon_p99_ms: beacons2.p99_ms,
      rss_mb_before_beacons: rssBefore,
      rss_mb_after_beacons: rssAfter,
    },
    live: { story_posts_at_start: 40, rows: liveRows },
    import_rate_stories_per_s: rate,
    publish_to_visible_ms: latency,
    memory_rss_mb: memory,
  };
  fs.mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
  const file = path.join(
    ROOT,
    "bench",
    "results",
    `bench-${stories}-${report.date.replace(/[:.]/g, "-")}.json`,
  );
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    log(
      `\nBaseline (bare Node http, ${articleBytes} bytes): ${Math.round(baseline.rps)} req/s at 10 connections, ${Math.round(baseline50.rps)} at 50; p99 ${baseline.p99_ms.toFixed(2)} ms`,
    );
    log(
      `Import: ${rate} stories/s. Publish to visible (cached article): ${latency} ms. Server memory: ${memory} MB resident.`,
    );
    log(`Written to ${path.relative(ROOT, file)}`);
  }
} finally {
  for (const p of [cached.proc, uncached.proc, baselineServer.proc]) p.kill("SIGTERM");
}
