/**
 * What the benchmarks share: a load run against 127.0.0.1 (wrk when
 * installed, else autocannon; both stop by themselves) and starting
 * `gazette serve` as a child process on a chosen data folder.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export type LoadTool = "wrk" | "autocannon";

/** wrk when it is installed (and not refused), else autocannon from npm. */
export function pickTool(prefer?: string): LoadTool {
  const haveWrk = spawnSync("wrk", ["--version"], { encoding: "utf8" }).error === undefined;
  return prefer === "autocannon" || !haveWrk ? "autocannon" : "wrk";
}

export interface Measure {
  rps: number;
  p50_ms: number;
  p99_ms: number;
}

function wrkMs(value: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : n * 60_000;
}

/** GETs `url` over `connections` keep-alive connections for `seconds` (gzip accepted); fails on any non-2xx. */
export async function load(
  tool: LoadTool,
  url: string,
  connections: number,
  seconds: number,
  /** More request headers (a cookie). */
  headers: Record<string, string> = {},
  /** A POST with this body instead of a GET. */
  post?: string,
): Promise<Measure> {
  if (tool === "wrk") {
    // wrk POSTs through a Lua script.
    const script = post === undefined ? undefined : path.join(os.tmpdir(), `gazette-wrk-${process.pid}.lua`);
    if (script) fs.writeFileSync(script, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(post)}\n`);
    const r = spawnSync(
      "wrk",
      [
        `-t${Math.min(2, connections)}`,
        `-c${connections}`,
        `-d${seconds}s`,
        "--latency",
        "-H",
        "Accept-Encoding: gzip",
        ...Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]),
        ...(script ? ["-s", script] : []),
        url,
      ],
      { encoding: "utf8" },
    );
    if (script) fs.rmSync(script, { force: true });
    const out = r.stdout;
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
    const p50 = wrkMs(/\s50%\s+(\S+)/.exec(out)?.[1] ?? "");
    const p99 = wrkMs(/\s99%\s+(\S+)/.exec(out)?.[1] ?? "");
    if (/Non-2xx or 3xx responses/.test(out)) throw new Error(`wrk saw errors from ${url}:\n${out}`);
    return { rps, p50_ms: p50, p99_ms: p99 };
  }
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: { "accept-encoding": "gzip", ...headers },
    ...(post === undefined ? {} : { method: "POST" as const, body: post }),
  });
  if (result.non2xx > 0) throw new Error(`autocannon saw ${result.non2xx} non-2xx responses from ${url}`);
  return { rps: result.requests.average, p50_ms: result.latency.p50, p99_ms: result.latency.p99 };
}

/** `gazette serve` in production mode on a free port of 127.0.0.1, without the demo; `env` adds GAZETTE_DATA and the like. */
export function startGazette(env: Record<string, string>): Promise<{ proc: ChildProcess; base: string }> {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      HOST: "127.0.0.1",
      PORT: "0",
      GAZETTE_DEMO: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /at http:\/\/localhost:(\d+)\//.exec(out);
      if (m) resolve({ proc, base: `http://127.0.0.1:${m[1]}` });
    });
    proc.on("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}
