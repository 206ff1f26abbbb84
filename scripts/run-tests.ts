/**
 * `npm test`'s runner: starts one embedded PostgreSQL for the whole run
 * (when the PostgreSQL engine is tested), runs the given test files with
 * Node's test runner and stops the server whatever happens. Each test file
 * used to start its own server and seed its own demo template; sharing them
 * saves about a minute and a half per run.
 *
 * Unit and integration files run three at a time (each has its own data
 * folder, database and ports; a shared demo template is built under a lock),
 * and beside them the browser files one at a time, since two Chromiums on
 * two cores would only slow each other down.
 *
 *   node --import tsx scripts/run-tests.ts test/unit/*.test.ts …
 */
import { spawn } from "node:child_process";
import { startPostgresServer } from "../test/postgres.ts";

const args = process.argv.slice(2);
if (args.filter((a) => !a.startsWith("--")).length === 0) {
  console.error("run-tests: name the test files, e.g. test/unit/*.test.ts");
  process.exit(2);
}
const options = args.filter((a) => a.startsWith("--"));
const files = args.filter((a) => !a.startsWith("--"));
const isBrowserTest = (f: string) => f.includes("/e2e/");
// Three at a time, beside the browser files (four processes in all): two at a time kept the two cores
// only 71 % busy (a fresh run of 2026-11-30: 1,700 s of CPU in 1,195 s), the files waiting on child
// processes, PostgreSQL and sockets.
const concurrency = Number(process.env["GAZETTE_TEST_CONCURRENCY"] ?? 3);
/**
 * The slowest files first (measured: each takes 40-100 s on both engines), so
 * that the run does not end with one long file running alone.
 */
const SLOW_FIRST = [
  "wordpress-resume",
  "cli",
  "media-migrate",
  "first-start",
  "newsletter-kill",
  "comments",
  "advertising",
  "memberships",
  "reader-site",
  "contract-fuzz",
  "ninjs-import",
];
const slowness = (f: string) => {
  const i = SLOW_FIRST.findIndex((name) => f.endsWith(`/${name}.test.ts`));
  return i === -1 ? SLOW_FIRST.length : i;
};
const groups: { files: string[]; concurrency: number }[] = [
  { files: files.filter((f) => !isBrowserTest(f)).sort((a, b) => slowness(a) - slowness(b)), concurrency },
  { files: files.filter(isBrowserTest), concurrency: 1 },
].filter((g) => g.files.length > 0);

const dialects = (process.env["GAZETTE_TEST_DIALECTS"] ?? "sqlite,postgres").split(",");
const given = process.env["GAZETTE_TEST_POSTGRES_URL"] ?? process.env["DATABASE_URL"];
const server = dialects.includes("postgres") && !given ? await startPostgresServer() : undefined;

const children = new Set<ReturnType<typeof spawn>>();
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    for (const c of children) c.kill(signal);
  });

/**
 * Runs one group in a `node --test` of its own. The browser group's output is
 * held back and printed whole when it ends, so that the two groups' reports
 * do not interleave line by line.
 */
function runGroup(g: { files: string[]; concurrency: number }, holdOutput: boolean): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--test",
      `--test-concurrency=${g.concurrency}`,
      // A test (or suite) still running after ten minutes fails, naming itself, instead
      // of holding the run until CI's limit: once, an image upload never returned
      // (a libvips worker waiting on a condition for ever; see the README, Tests).
      "--test-timeout=600000",
      ...options,
      ...g.files,
    ],
    {
      stdio: holdOutput ? ["ignore", "pipe", "pipe"] : "inherit",
      env: { ...process.env, ...(server ? { GAZETTE_TEST_POSTGRES_URL: server.url } : {}) },
    },
  );
  children.add(child);
  const held: Buffer[] = [];
  child.stdout?.on("data", (b: Buffer) => held.push(b));
  child.stderr?.on("data", (b: Buffer) => held.push(b));
  return new Promise<number>((resolve) =>
    child.on("close", (c, signal) => {
      children.delete(child);
      if (held.length) process.stdout.write(Buffer.concat(held));
      resolve(c ?? (signal ? 1 : 0));
    }),
  );
}

// The browser files run beside the others (one Chromium at a time), not after them: the two
// cores were a fifth idle with every group in turn (a fresh run of 2026-11-30: 16:38, CPU 160 %).
const codes = await Promise.all(groups.map((g, i) => runGroup(g, i > 0)));
const failed = codes.find((c) => c !== 0) ?? 0;
await server?.stop();
process.exit(failed);
