/**
 * First start with a data folder that does not exist yet, on both engines:
 * `gazette serve` makes what it needs, and the demo seed writes its
 * configuration there (on PostgreSQL nothing else had made the folder, and
 * the first start crashed with ENOENT … gazette.config.json).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import { loadConfig } from "../../src/config.ts";
import { seedDemo } from "../../src/demo/seed.ts";
import { MediaStore } from "../../src/media/media-store.ts";
import { openDatabase } from "../../src/store/database.ts";
import { countStories } from "../../src/store/story-queries.ts";
import { DIALECTS, ROOT, demoDataDir, getOnce, tempDir } from "../helpers.ts";
import { freshPostgresUrl } from "../postgres.ts";

const cleanup: string[] = [];
after(() => {
  for (const d of cleanup) fs.rmSync(d, { recursive: true, force: true });
});

describe("first start with the demo (sqlite)", () => {
  it("serves the site before the pictures' sizes are all made, making any asked for on request, then says they are ready", async () => {
    const parent = tempDir();
    cleanup.push(parent);
    const server = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve"], {
      cwd: ROOT,
      env: { ...process.env, GAZETTE_DATA: path.join(parent, "data"), PORT: "0", HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const waitFor = (re: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const m = re.exec(out);
          if (m) resolve(m);
        };
        server.stdout!.on("data", check);
        server.on("exit", (code) => reject(new Error(`server exited ${code}: ${out}`)));
        check();
      });
    server.stdout!.on("data", (b: Buffer) => (out += b.toString()));
    server.stderr!.on("data", (b: Buffer) => (out += b.toString()));
    try {
      const base = (await waitFor(/serving .* at (http:\/\/localhost:\d+)\//))[1]!.replace(
        "localhost",
        "127.0.0.1",
      );
      assert.match(out, /Demo stories in place in [\d.]+ s\./);
      // The sign-in address is the one it serves at (PORT=0 picked a free port), not the default's.
      // (Waited for: the lines after "serving" may come in a later chunk of the pipe.)
      const signIn = (await waitFor(/Sign in at (\S+)\/admin/))[1];
      assert.equal(signIn, base.replace("127.0.0.1", "localhost"));
      const home = await getOnce(`${base}/`);
      assert.equal(home.status, 200);
      const img = /<img src="\/media\/(images\/[0-9a-f]{2}\/[0-9a-f]{32})-\d+\.jpg"/.exec(home.body);
      assert.ok(img, "the home page shows a picture");
      const avif = await getOnce(`${base}/media/${img[1]}-480.avif`);
      assert.equal(avif.status, 200, "a size is served whether or not its turn has come");
      await waitFor(/Demo pictures ready in every size/);
    } finally {
      server.kill("SIGTERM");
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`first start with a new data folder (${dialect})`, () => {
    it("serves: `gazette serve` makes the data folder", async () => {
      const parent = tempDir();
      cleanup.push(parent);
      const dataDir = path.join(parent, "not", "yet", "there");
      const databaseUrl = dialect === "postgres" ? await freshPostgresUrl() : undefined;
      const server = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve"], {
        cwd: ROOT,
        env: {
          ...process.env,
          GAZETTE_DATA: dataDir,
          GAZETTE_DEMO: "0",
          PORT: "0",
          HOST: "127.0.0.1",
          ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      try {
        const base = await new Promise<string>((resolve, reject) => {
          let out = "";
          server.stdout!.on("data", (b: Buffer) => {
            out += b.toString();
            const m = /serving .* at (http:\/\/localhost:\d+)\//.exec(out);
            if (m) resolve(m[1]!.replace("localhost", "127.0.0.1"));
          });
          server.stderr!.on("data", (b: Buffer) => (out += b.toString()));
          server.on("exit", (code) => reject(new Error(`server exited ${code}: ${out}`)));
        });
        assert.equal((await getOnce(`${base}/healthz`)).status, 200);
        assert.equal((await getOnce(`${base}/`)).status, 200);
        assert.ok(fs.existsSync(dataDir), "the data folder was made");
      } finally {
        server.kill("SIGTERM");
      }
    });

    it("seeds the demo into a folder that does not exist (its configuration written there)", async () => {
      const parent = tempDir();
      cleanup.push(parent);
      const dataDir = path.join(parent, "new-data");
      const databaseUrl = dialect === "postgres" ? await freshPostgresUrl() : undefined;
      const config = loadConfig(
        { GAZETTE_DATA: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
        ROOT,
      );
      const db = await openDatabase({ dataDir, databaseUrl });
      // The demo's media, already made once for the tests (so nothing is encoded again here).
      const cached = await demoDataDir();
      cleanup.push(cached);
      try {
        await seedDemo({ db, media: new MediaStore(path.join(cached, "media")), config });
        assert.ok(
          fs.existsSync(path.join(dataDir, "gazette.config.json")),
          "the demo's house ads are configured",
        );
        assert.ok((await countStories(db)) > 5);
      } finally {
        await db.destroy();
      }
    });
  });
}
