/**
 * A watch folder and a polled feed (served by a local HTTP server) shared by
 * `gazette serve` processes on one database, one of which is killed with
 * SIGKILL in the middle of taking the files, and two more started: every
 * item is stored exactly once, every file ends in done/ exactly once,
 * nothing is recorded as failed, and the polls ask with the feed's ETag.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { openDatabase } from "../../src/store/database.ts";
import { startServer } from "../browser.ts";
import { DIALECTS, eventually, tempDir } from "../helpers.ts";
import { freshPostgresUrl } from "../postgres.ts";

const FILES = 400;
const PER_FILE = 2;
const POLLED = 30;

function fileItems(f: number) {
  return Array.from({ length: PER_FILE }, (_, i) => ({
    uri: `urn:drop.example:${f}-${i}`,
    type: "text",
    version: "1",
    versioncreated: "2026-11-28T10:00:00Z",
    headline: `Dropped item ${f}-${i}`,
    body_text: `Paragraph one of item ${f}-${i}.\n\nParagraph two.`,
  }));
}

for (const dialect of DIALECTS) {
  describe(`a watch folder shared by two processes, one killed mid-ingest (${dialect})`, () => {
    const servers: ChildProcess[] = [];
    let dataDir = "";
    let drop = "";
    let staged = "";
    let databaseUrl: string | undefined;
    let env: Record<string, string> = {};
    let feedServer: http.Server;
    const conditional: string[] = [];
    before(async () => {
      const feed = JSON.stringify({
        api_version: "2",
        data: {
          items: Array.from({ length: POLLED }, (_, i) => ({
            item: { ...fileItems(1000)[0], uri: `urn:poll.example:${i}`, headline: `Polled item ${i}` },
          })),
        },
      });
      feedServer = http.createServer((req, res) => {
        if (req.headers["if-none-match"] === '"feed-1"') {
          conditional.push(req.url ?? "");
          res.writeHead(304).end();
          return;
        }
        res.writeHead(200, { "content-type": "application/json", etag: '"feed-1"' }).end(feed);
      });
      await new Promise<void>((r) => feedServer.listen(0, "127.0.0.1", r));
      const pollUrl = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}/feed`;
      databaseUrl = dialect === "postgres" ? await freshPostgresUrl() : undefined;
      dataDir = tempDir("gazette-wire-2p-");
      drop = path.join(dataDir, "drop");
      fs.mkdirSync(drop);
      // The files are written beside the folder and moved in once the first process listens.
      staged = path.join(dataDir, "staged");
      fs.mkdirSync(staged);
      const db = await openDatabase({ dataDir, databaseUrl });
      await db.destroy();
      const past = new Date(Date.now() - 60_000);
      for (let f = 0; f < FILES; f++) {
        const file = path.join(staged, `batch-${String(f).padStart(3, "0")}.json`);
        fs.writeFileSync(file, JSON.stringify(fileItems(f)));
        fs.utimesSync(file, past, past);
      }
      const configFile = path.join(dataDir, "wire.config.json");
      fs.writeFileSync(
        configFile,
        JSON.stringify({
          wire: {
            runnerMs: 100,
            leaseSeconds: 2,
            feeds: [
              { name: "Drop", kind: "folder", settings: { path: drop, settleSeconds: 0, everySeconds: 1 } },
              { name: "Poll", kind: "poll", settings: { url: pollUrl, everySeconds: 5 } },
            ],
          },
        }),
      );
      env = {
        GAZETTE_DEMO: "0",
        GAZETTE_CONFIG: configFile,
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      };
    });
    after(() => {
      feedServer.closeAllConnections();
      feedServer.close();
      for (const s of servers) s.kill("SIGKILL");
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it("stores every item once and moves every file once", async () => {
      const first = await startServer(dataDir, env);
      servers.push(first.server);
      const done = () =>
        fs.existsSync(path.join(drop, "done")) ? fs.readdirSync(path.join(drop, "done")) : [];
      // Kill the first process the moment it reports its first file taken: it is in the middle of the rest.
      const killed = new Promise<void>((resolve) => {
        const watch = (b: Buffer) => {
          if (!b.toString().includes("wire file taken")) return;
          first.server.stdout!.off("data", watch);
          first.server.kill("SIGKILL");
          resolve();
        };
        first.server.stdout!.on("data", watch);
      });
      for (const f of fs.readdirSync(staged)) fs.renameSync(path.join(staged, f), path.join(drop, f));
      await killed;
      await new Promise((r) => first.server.once("exit", r));
      const takenBeforeKill = done().length;
      const second = await startServer(dataDir, env);
      const third = await startServer(dataDir, env);
      servers.push(second.server, third.server);
      await eventually(
        "every file to be taken",
        async () => fs.readdirSync(drop).filter((f) => f.endsWith(".json")).length === 0,
        120_000,
      );
      const names = done();
      assert.ok(
        takenBeforeKill < FILES,
        `killed while files were still waiting (${takenBeforeKill} of ${FILES} taken)`,
      );
      assert.equal(names.filter((n) => n.endsWith(".json")).length, FILES, names.join(" "));
      assert.ok(!fs.existsSync(path.join(drop, "failed")), "nothing failed");
      const db = await openDatabase({ dataDir, databaseUrl, migrate: false });
      try {
        const count = async (t: "wire_items" | "wire_versions" | "wire_failures") =>
          Number(
            (
              await db
                .selectFrom(t)
                .select((eb) => eb.fn.countAll().as("n"))
                .executeTakeFirstOrThrow()
            ).n,
          );
        await eventually(
          "the polled feed to be asked again with its ETag",
          async () => conditional.length > 0,
          60_000,
        );
        assert.equal(await count("wire_items"), FILES * PER_FILE + POLLED);
        assert.equal(await count("wire_versions"), FILES * PER_FILE + POLLED);
        assert.equal(await count("wire_failures"), 0);
      } finally {
        await db.destroy();
      }
    });
  });
}
