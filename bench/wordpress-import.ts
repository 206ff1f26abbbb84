/**
 * The WordPress importer on a large archive: a generated WXR of N posts
 * (default 20,000, about 117 MB), imported by `gazette import-wordpress`
 * into an empty SQLite site, timed, with the process's peak resident
 * memory. Baselines in the same run: reading the file in a bare Node
 * process (the disk's floor) and parsing it with the importer's streaming
 * reader alone (the parser's floor).
 *
 *   npm run bench:import                  # 20,000 posts
 *   npm run bench:import -- --posts 5000
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { readWxr } from "../src/ingest/wordpress/wxr-reader.ts";
import { writeLargeWxr } from "../test/wxr-generator.ts";

const { values } = parseArgs({ options: { posts: { type: "string", default: "20000" } } });
const posts = Number(values.posts);
const root = path.resolve(import.meta.dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gazette-bench-wxr-"));

try {
  const { file, bytes } = await writeLargeWxr(path.join(dir, "archive.xml"), posts);
  const mb = bytes / 1048576;

  let t0 = performance.now();
  let read = 0;
  for await (const chunk of fs.createReadStream(file)) read += (chunk as Buffer).length;
  const readS = (performance.now() - t0) / 1000;

  t0 = performance.now();
  let items = 0;
  for await (const r of readWxr(file)) if (r.type === "item") items++;
  const parseS = (performance.now() - t0) / 1000;

  const data = path.join(dir, "data");
  t0 = performance.now();
  const result = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/fixtures/run-measured.ts", "import-wordpress", file],
      { cwd: root, env: { ...process.env, GAZETTE_DATA: data, GAZETTE_DEMO: "0" } },
    );
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.stdout.on("data", (b: Buffer) => (stdout = (stdout + b.toString()).slice(-4000)));
    child.on("close", (code) => resolve({ code, stderr, stdout }));
  });
  const importS = (performance.now() - t0) / 1000;
  if (result.code !== 0) throw new Error(`the import failed (${result.code}): ${result.stderr}`);
  const rssMb = Number(/MAXRSS_KB (\d+)/.exec(result.stderr)?.[1]) / 1024;
  const summary = /\n(\d+ item\(s\)[^\n]*)/.exec(result.stdout)?.[1] ?? "";

  console.log(
    `WordPress import: ${posts.toLocaleString("en")} posts, ${mb.toFixed(0)} MB (${os.cpus().length} cores)`,
  );
  console.log(
    `  read the file (bare Node)     ${readS.toFixed(2)} s   ${(read / 1048576 / readS).toFixed(0)} MB/s`,
  );
  console.log(
    `  parse it (streaming reader)   ${parseS.toFixed(2)} s   ${(items / parseS).toFixed(0)} items/s`,
  );
  console.log(
    `  gazette import-wordpress      ${importS.toFixed(1)} s   ${(posts / importS).toFixed(0)} posts/s, peak memory ${rssMb.toFixed(0)} MB`,
  );
  console.log(`  ${summary}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
