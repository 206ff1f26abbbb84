/**
 * First start as a newcomer sees it: `gazette serve` on a data folder that
 * does not exist, the demo seeded, timed to the first home page answered
 * (target: under 15 s on the 2-core machine) and to every picture size made.
 * The baseline in the same run: how long a bare Node process takes to answer
 * its first request, the floor any Node server's start has.
 *
 *   npm run bench:first-start            # three runs, each in a new folder
 *   npm run bench:first-start -- --runs 1
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const runs = Number(values.runs);
const root = path.resolve(import.meta.dirname, "..");

function firstAnswer(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode === 200));
      })
      .on("error", () => resolve(false));
  });
}

/** Starts a process that prints its URL, and times the first 200 from it; then waits for `until` in its output. */
async function timeStart(
  args: string[],
  env: NodeJS.ProcessEnv,
  until?: RegExp,
): Promise<{ firstPageS: number; untilS?: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  try {
    let url: string | undefined;
    while (!url) {
      url = /(http:\/\/localhost:\d+)\//.exec(out)?.[1];
      if (child.exitCode !== null) throw new Error(`exited: ${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    while (!(await firstAnswer(`${url.replace("localhost", "127.0.0.1")}/`)))
      await new Promise((r) => setTimeout(r, 20));
    const firstPageS = (performance.now() - t0) / 1000;
    if (!until) return { firstPageS };
    while (!until.test(out)) {
      if (child.exitCode !== null) throw new Error(`exited: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return { firstPageS, untilS: (performance.now() - t0) / 1000 };
  } finally {
    child.kill("SIGTERM");
  }
}

const baselineScript = `require("node:http").createServer((q, s) => s.end("ok")).listen(0, "127.0.0.1", function () { console.log("http://localhost:" + this.address().port + "/"); });`;
const rows: { run: number; baselineS: number; firstPageS: number; allSizesS: number }[] = [];
for (let i = 1; i <= runs; i++) {
  const baseline = await timeStart(["-e", baselineScript], process.env);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gazette-first-start-"));
  try {
    const r = await timeStart(
      ["--import", "tsx", "src/cli/main.ts", "serve"],
      {
        ...process.env,
        GAZETTE_DATA: path.join(dir, "new"),
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
      },
      /Demo pictures ready in every size/,
    );
    rows.push({ run: i, baselineS: baseline.firstPageS, firstPageS: r.firstPageS, allSizesS: r.untilS! });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
console.log("\nrun  bare Node first answer  Gazette first page  every picture size");
for (const r of rows)
  console.log(
    `${String(r.run).padStart(3)}  ${r.baselineS.toFixed(2).padStart(20)} s  ${r.firstPageS.toFixed(1).padStart(16)} s  ${r.allSizesS.toFixed(1).padStart(16)} s`,
  );
const worst = Math.max(...rows.map((r) => r.firstPageS));
console.log(
  `\nFirst page: worst ${worst.toFixed(1)} s (target under 15 s) on ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}.`,
);
process.exitCode = worst < 15 ? 0 : 1;
