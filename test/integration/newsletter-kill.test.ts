/**
 * The newsletter kill test, on both engines: `gazette newsletter send` to
 * 10,000 subscribers through a real SMTP server is killed with SIGKILL
 * part-way, and `gazette newsletter deliver` finishes the issue. Every
 * address receives the issue under exactly one Message-ID; a second copy
 * can only be one the dead process had handed to the server when it died
 * (recorded as uncertain and resent under the same Message-ID, so a
 * mailbox keeps one), and there are no more of those than messages it
 * could have had in flight.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { saveStory } from "../../src/store/story-store.ts";
import { upsertSection } from "../../src/store/taxonomy-store.ts";
import { DIALECTS, ROOT, type TestEnv, eventually, makeEnv, runGazette, tempDir } from "../helpers.ts";
import { newsletterWithSubscribers } from "../newsletter-fixtures.ts";
import { type SmtpSink, startSmtpSink } from "../smtp-sink.ts";

const RECIPIENTS = 10_000;
const CONNECTIONS = 4;

for (const dialect of DIALECTS) {
  describe(`newsletter delivery survives a killed sender (${dialect})`, () => {
    let env: TestEnv;
    let sink: SmtpSink;
    let childEnv: Record<string, string>;
    let storyId = 0;
    const children: ChildProcess[] = [];

    before(async () => {
      sink = await startSmtpSink({ keep: false });
      const dataDir = tempDir("gazette-kill-");
      fs.writeFileSync(
        path.join(dataDir, "gazette.config.json"),
        JSON.stringify({ newsletters: { leaseSeconds: 2, batchSize: 200, connections: CONNECTIONS } }),
      );
      env = await makeEnv({ dialect, dataDir, env: { GAZETTE_SMTP_URL: sink.url } });
      childEnv = {
        GAZETTE_DATA: dataDir,
        GAZETTE_SMTP_URL: sink.url,
        GAZETTE_BASE_URL: "https://news.example.org",
        LOG_LEVEL: "warn",
        ...(env.databaseUrl ? { DATABASE_URL: env.databaseUrl } : {}),
      };
      await upsertSection(env.db, { slug: "city", name: "City" });
      storyId = (
        await saveStory(env.db, {
          headline: "Night trams return to the river line",
          summary: ["The service runs every twenty minutes until two."],
          sectionSlug: "city",
          status: "published",
          firstPublishedAt: new Date(Date.now() - 60_000).toISOString(),
        })
      ).id;
      await newsletterWithSubscribers(
        env.db,
        { slug: "nightly", name: "Nightly", fromEmail: "nightly@news.example.org" },
        RECIPIENTS,
      );
    });
    after(async () => {
      for (const c of children) c.kill("SIGKILL");
      await env.close();
      await sink.close();
    });

    it(`sends every one of ${RECIPIENTS} recipients the issue under one Message-ID`, async () => {
      const sender = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          "src/cli/main.ts",
          "newsletter",
          "send",
          "--newsletter",
          "nightly",
          "--story",
          String(storyId),
        ],
        {
          cwd: ROOT,
          env: { ...process.env, GAZETTE_DEMO: "0", ...childEnv },
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      children.push(sender);
      let stderr = "";
      sender.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
      const exited = new Promise<number | null>((r) => sender.once("exit", (code) => r(code)));
      // Kill it once a good part has gone, wherever it is in its batch.
      await eventually(
        "a quarter of the issue to be sent",
        async () => sink.total >= RECIPIENTS / 4,
        300_000,
      );
      sender.kill("SIGKILL");
      await exited;
      const atKill = sink.total;
      assert.ok(atKill < RECIPIENTS, `the sender was killed part-way (${atKill} sent): ${stderr}`);

      const rest = await runGazette(["newsletter", "deliver", "--json"], childEnv);
      assert.equal(rest.status, 0, rest.stderr);

      const issue = await env.db
        .selectFrom("newsletter_issues")
        .select(["id", "status", "recipients"])
        .executeTakeFirstOrThrow();
      assert.equal(issue.recipients, RECIPIENTS);
      assert.equal(issue.status, "sent");
      const byStatus = await env.db
        .selectFrom("newsletter_deliveries")
        .select([
          "status",
          (eb) => eb.fn.countAll<number>().as("n"),
          (eb) => eb.fn.sum<number>("uncertain").as("u"),
        ])
        .groupBy("status")
        .execute();
      assert.deepEqual(
        byStatus.map((r) => [r.status, Number(r.n)]),
        [["sent", RECIPIENTS]],
      );
      const uncertain = Number(byStatus[0]!.u);

      assert.equal(sink.perAddress.size, RECIPIENTS, "every address received the issue");
      let second = 0;
      for (const [address, got] of sink.perAddress) {
        assert.equal(got.messageIds.size, 1, `${address} got ${got.messageIds.size} different messages`);
        if (got.copies > 1) second++;
        assert.ok(got.copies <= 2, `${address} got ${got.copies} copies`);
      }
      // A second copy only where the dead process had a message in flight: recorded as uncertain, bounded by its connections.
      assert.ok(second <= uncertain, `${second} second copies, ${uncertain} recorded as uncertain`);
      assert.ok(
        uncertain <= CONNECTIONS * 2,
        `${uncertain} uncertain deliveries (at most the ${CONNECTIONS * 2} a sender has in flight)`,
      );
      console.log(
        `# ${dialect}: killed after ${atKill} of ${RECIPIENTS}; ${uncertain} in flight at the kill resent under their Message-ID; ${second} of them had reached the server`,
      );
    });
  });
}
