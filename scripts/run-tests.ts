/**
 * `npm test`'s runner: starts one embedded PostgreSQL for the whole run
 * (when the PostgreSQL engine is tested), runs the given test files with
 * Node's test runner, one file at a time, and stops the server whatever
 * happens. Each test file used to start its own server and seed its own
 * demo template; sharing them saves about a minute and a half per run.
 *
 *   node --import tsx scripts/run-tests.ts test/unit/*.test.ts …
 */
import { spawn } from "node:child_process";
import { startPostgresServer } from "../test/postgres.ts";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("run-tests: name the test files, e.g. test/unit/*.test.ts");
  process.exit(2);
}
const dialects = (process.env["GAZETTE_TEST_DIALECTS"] ?? "sqlite,postgres").split(",");
const given = process.env["GAZETTE_TEST_POSTGRES_URL"] ?? process.env["DATABASE_URL"];
const server = dialects.includes("postgres") && !given ? await startPostgresServer() : undefined;

const child = spawn(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", ...files], {
  stdio: "inherit",
  env: { ...process.env, ...(server ? { GAZETTE_TEST_POSTGRES_URL: server.url } : {}) },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
const code = await new Promise<number>((resolve) =>
  child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0))),
);
await server?.stop();
process.exit(code);
