/**
 * Two `gazette serve` processes on one database, as behind a load
 * balancer: a story published through one is read through the other
 * without being told; a session made on one works on the other; a scheduled
 * story is published exactly once while both schedulers run.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { hashPassword } from "../../src/auth/passwords.ts";
import { openDatabase } from "../../src/store/database.ts";
import { upsertSection } from "../../src/store/taxonomy-store.ts";
import { createUser } from "../../src/store/user-store.ts";
import { startServer } from "../browser.ts";
import { DIALECTS, eventually, tempDir } from "../helpers.ts";
import { freshPostgresUrl } from "../postgres.ts";

const PASSWORD = "two processes, one newsroom";

/** A tiny cookie-keeping client for one base URL. */
function client(base: string) {
  let cookies = new Map<string, string>();
  let csrf = "";
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${base}${url}`, {
      method,
      redirect: "manual",
      headers: {
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        ...(csrf && method !== "GET" ? { "x-csrf-token": csrf, origin: base } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [k, v] = pair!.split("=");
      cookies.set(k!, v!);
    }
    return res;
  };
  return {
    call,
    async signIn(email: string) {
      csrf = ((await (await call("GET", "/api/admin/session")).json()) as { csrfToken: string }).csrfToken;
      const res = await call("POST", "/api/admin/session", { email, password: PASSWORD });
      assert.equal(res.status, 200, await res.clone().text());
      csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
    },
    /** Uses another client's session (the same browser reaching another app process). */
    share(other: { cookies: () => Map<string, string>; csrf: () => string }) {
      cookies = new Map(other.cookies());
      csrf = other.csrf();
    },
    cookies: () => cookies,
    csrf: () => csrf,
  };
}

for (const dialect of DIALECTS) {
  describe(`two app processes on one ${dialect} database`, () => {
    const servers: ChildProcess[] = [];
    const dirs: string[] = [];
    let a: string, b: string;
    before(async () => {
      const databaseUrl = dialect === "postgres" ? await freshPostgresUrl() : undefined;
      const dataDir = tempDir("gazette-2p-");
      dirs.push(dataDir);
      const db = await openDatabase({ dataDir, databaseUrl });
      await upsertSection(db, { slug: "city", name: "City" });
      await createUser(db, {
        email: "desk@example.org",
        name: "Desk Editor",
        role: "editor",
        passwordHash: await hashPassword(PASSWORD),
      });
      await db.destroy();
      const configFile = path.join(dataDir, "two.config.json");
      fs.writeFileSync(configFile, JSON.stringify({ newsroom: { schedulerMs: 200 } }));
      const env = {
        GAZETTE_DEMO: "0",
        GAZETTE_CONFIG: configFile,
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      };
      // Both share the data folder (media; and the database file on SQLite), as processes on one host would.
      const first = await startServer(dataDir, env);
      const second = await startServer(dataDir, env);
      servers.push(first.server, second.server);
      a = first.base;
      b = second.base;
    });
    after(() => {
      for (const s of servers) s.kill("SIGTERM");
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    it("publishes through one process and the other shows it without being told; sessions work on both", async () => {
      const onA = client(a);
      await onA.signIn("desk@example.org");
      const created = await onA.call("POST", "/api/admin/stories", {
        headline: "Night ferry timetable returns",
        sectionSlug: "city",
        body: [{ type: "paragraph", content: [{ text: "The night ferry runs again from Friday." }] }],
      });
      assert.equal(created.status, 201);
      const story = (await created.json()) as { id: number; revision: number };
      // Warm B's cache for the home page before the publish.
      assert.doesNotMatch(await (await fetch(`${b}/`)).text(), /Night ferry timetable returns/);
      const pub = await onA.call("POST", `/api/admin/stories/${story.id}/publish`, {
        baseRevision: story.revision,
      });
      assert.equal(pub.status, 200);
      const { path: storyPath } = (await pub.json()) as { path: string };
      // How soon is the benchmark's business (bench/); here: it gets there without being told.
      await eventually("the other process to show it", async () =>
        (await (await fetch(`${b}/`)).text()).includes("Night ferry timetable returns"),
      );
      assert.equal((await fetch(`${b}${storyPath}`)).status, 200);
      // The session is in the database: the other process knows it.
      const onB = client(b);
      onB.share(onA);
      const me = (await (await onB.call("GET", "/api/admin/session")).json()) as {
        user: { email: string } | null;
      };
      assert.equal(me.user?.email, "desk@example.org");
    });

    it("publishes a scheduled story exactly once with both schedulers running", async () => {
      const onA = client(a);
      await onA.signIn("desk@example.org");
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await onA.call("POST", "/api/admin/stories", {
          headline: `Scheduled story ${i}`,
          sectionSlug: "city",
        });
        const s = (await r.json()) as { id: number; revision: number };
        const at = new Date(Date.now() + 4000).toISOString();
        const sch = await onA.call("POST", `/api/admin/stories/${s.id}/schedule`, {
          baseRevision: s.revision,
          at,
        });
        assert.equal(sch.status, 200, await sch.text());
        ids.push(s.id);
      }
      const onB = client(b);
      onB.share(onA);
      const statusOn = async (c: typeof onA, id: number) =>
        ((await (await c.call("GET", `/api/admin/stories/${id}`)).json()) as { status: string }).status;
      await eventually("both schedulers to publish every story", async () => {
        for (const id of ids) if ((await statusOn(onA, id)) !== "published") return false;
        return true;
      });
      for (const id of ids) {
        const revs = (await (await onA.call("GET", `/api/admin/stories/${id}/revisions`)).json()) as {
          items: { note: string }[];
        };
        assert.equal(revs.items.filter((r) => r.note === "Published on schedule").length, 1, `story ${id}`);
        const s = (await (await onB.call("GET", `/api/admin/stories/${id}`)).json()) as {
          status: string;
          path: string;
        };
        assert.equal(s.status, "published");
        assert.equal((await fetch(`${b}${s.path}`)).status, 200);
      }
    });
  });
}
