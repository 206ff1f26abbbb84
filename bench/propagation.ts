/**
 * How soon a write through one app process shows on another: two `gazette
 * serve` processes on one SQLite data folder (as on one host behind a load
 * balancer), a story published through A's admin API, and B's front page
 * polled until it carries the headline. Target: within a second (B's
 * change follower polls every `cache.pollMs`, 100 ms by default; on
 * PostgreSQL a NOTIFY wakes it at once). This was a timed assertion in the
 * two-processes test; a test now only checks that it happens.
 *
 *   npm run bench:propagation [-- --stories 20]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { hashPassword } from "../src/auth/passwords.ts";
import { openDatabase } from "../src/store/database.ts";
import { upsertSection } from "../src/store/taxonomy-store.ts";
import { createUser } from "../src/store/user-store.ts";
import { startGazette } from "./load.ts";

const { values } = parseArgs({ options: { stories: { type: "string", default: "20" } } });
const count = Number(values.stories);
const PASSWORD = "propagation bench password";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gazette-bench-prop-"));
const db = await openDatabase({ dataDir });
await upsertSection(db, { slug: "city", name: "City" });
await createUser(db, {
  email: "desk@example.org",
  name: "Desk",
  role: "editor",
  passwordHash: await hashPassword(PASSWORD),
});
await db.destroy();

const a = await startGazette({ GAZETTE_DATA: dataDir });
const b = await startGazette({ GAZETTE_DATA: dataDir });
try {
  // Sign in on A (pre-login CSRF token, then the session's).
  const pre = await fetch(`${a.base}/api/admin/session`);
  const preToken = ((await pre.json()) as { csrfToken: string }).csrfToken;
  const preCookie = /gz_csrf=[^;]+/.exec(pre.headers.get("set-cookie") ?? "")![0];
  const login = await fetch(`${a.base}/api/admin/session`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      cookie: preCookie,
      "x-csrf-token": preToken,
      origin: a.base,
    },
    body: JSON.stringify({ email: "desk@example.org", password: PASSWORD }),
  });
  const cookie = /gz_session=[^;]+/.exec(login.headers.get("set-cookie") ?? "")![0];
  const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  const call = (method: string, url: string, body: unknown) =>
    fetch(`${a.base}${url}`, {
      method,
      headers: { "content-type": "application/json", cookie, "x-csrf-token": csrf, origin: a.base },
      body: JSON.stringify(body),
    });

  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const headline = `Propagation probe ${i} ${Date.now()}`;
    const created = (await (
      await call("POST", "/api/admin/stories", { headline, sectionSlug: "city" })
    ).json()) as {
      id: number;
      revision: number;
    };
    await fetch(`${b.base}/`); // B's front page is cached before the publish.
    const t0 = performance.now();
    const pub = await call("POST", `/api/admin/stories/${created.id}/publish`, {
      baseRevision: created.revision,
    });
    if (!pub.ok) throw new Error(`publish failed: ${pub.status} ${await pub.text()}`);
    for (;;) {
      if ((await (await fetch(`${b.base}/`)).text()).includes(headline)) break;
      if (performance.now() - t0 > 30_000) throw new Error("B never showed the story");
      await new Promise((r) => setTimeout(r, 5));
    }
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(0);
  console.log(`publish on A → on B's front page, ${count} stories (SQLite, pollMs 100):`);
  console.log(
    `  p50 ${at(0.5)} ms · p95 ${at(0.95)} ms · max ${times[times.length - 1]!.toFixed(0)} ms  (target: < 1000 ms)`,
  );
} finally {
  a.proc.kill("SIGTERM");
  b.proc.kill("SIGTERM");
  fs.rmSync(dataDir, { recursive: true, force: true });
}
