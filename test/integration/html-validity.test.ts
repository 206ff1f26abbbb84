/**
 * The reader pages are valid HTML by the W3C Nu checker (`vnu-jar`, run
 * with the machine's Java): home, article, a live story, section, topic, search,
 * comments, a comment's page, history, corrections, video, a site page and
 * the 404 page, each rendered from the demo newsroom. The pages do not
 * depend on the engine, so this runs on SQLite only.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { ROOT, type TestEnv, demoEnv, tempDir } from "../helpers.ts";
import { jsonLdBlocks, liveBlogProblems } from "../structured-data.ts";

const VNU = path.join(ROOT, "node_modules", "vnu-jar", "build", "dist", "vnu.jar");

interface VnuMessage {
  type: string;
  url: string;
  message: string;
  extract?: string;
  lastLine?: number;
}

describe("valid HTML (W3C Nu checker)", () => {
  let env: TestEnv;
  const dir = tempDir("gazette-vnu-");
  before(async () => {
    env = await demoEnv("sqlite");
  });
  after(async () => {
    await env.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reports no error on the reader pages", async () => {
    const bridge = await env.db
      .selectFrom("stories")
      .select(["id", "path"])
      .where("uri", "=", "urn:gazette:demo:bridge")
      .executeTakeFirstOrThrow();
    const comment = await env.db
      .selectFrom("comments")
      .select("id")
      .where("story_id", "=", bridge.id)
      .where("status", "=", "approved")
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const live = await env.db
      .selectFrom("stories")
      .select("path")
      .where("uri", "=", "urn:gazette:demo:storm-live")
      .executeTakeFirstOrThrow();
    const pages = {
      home: "/",
      article: bridge.path,
      live: live.path,
      section: "/city",
      topic: "/topic/ellery-harbour",
      search: "/search?q=bridge",
      comments: `/comments/story/${bridge.id}`,
      comment: `/comments/${comment.id}`,
      history: `${bridge.path}/history`,
      "live-history": `${live.path}/history`,
      corrections: "/corrections",
      video: "/video",
      "site-page": "/about/editorial-standards",
      "not-found": "/no/such/page",
      signup: "/account/signup",
    };
    const files: string[] = [];
    for (const [name, url] of Object.entries(pages)) {
      const res = await env.app.inject(url);
      assert.ok(
        res.statusCode === 200 || (name === "not-found" && res.statusCode === 404),
        `${url}: ${res.statusCode}`,
      );
      if (name === "live") {
        // The demo's live story: its LiveBlogPosting by the schema check too.
        const ld = jsonLdBlocks(res.body).find((j) => j["@type"] === "LiveBlogPosting");
        assert.ok(ld, "the live story's LiveBlogPosting");
        assert.deepEqual(liveBlogProblems(ld, env.config.site.baseUrl), []);
        assert.equal((ld["liveBlogUpdate"] as unknown[]).length, 7);
      }
      const file = path.join(dir, `${name}.html`);
      fs.writeFileSync(file, res.body);
      files.push(file);
    }
    // A control page with a known error: proves the checker ran and reports what it finds.
    const control = path.join(dir, "control.html");
    fs.writeFileSync(
      control,
      `<!doctype html><html lang="en"><head><title>c</title></head><body><h1>a</h1><h3>b</h3></body></html>`,
    );
    files.push(control);
    const r = spawnSync("java", ["-jar", VNU, "--format", "json", "--errors-only", ...files], {
      encoding: "utf8",
      timeout: 180_000,
    });
    assert.equal(r.error, undefined, `java could not run the checker: ${r.error?.message}`);
    const messages = (JSON.parse(r.stderr || r.stdout) as { messages: VnuMessage[] }).messages;
    const errors = messages
      .filter((m) => m.type === "error")
      .map((m) => `${path.basename(m.url)}:${m.lastLine ?? "?"}: ${m.message} — ${m.extract ?? ""}`);
    assert.ok(
      errors.some((e) => e.startsWith("control.html:") && /skipping 1 heading level/.test(e)),
      `the checker found the control page's error: ${errors.join("\n")}`,
    );
    assert.deepEqual(
      errors.filter((e) => !e.startsWith("control.html:")),
      [],
    );
  });
});
