/**
 * Builds the editor with Vite when its sources (or the lockfile) changed
 * since the last build; otherwise does nothing, in a few milliseconds.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sources = path.join(root, "src/newsroom/editor");
const stamp = path.join(root, "dist/admin/.source-hash");

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

const h = crypto.createHash("sha256");
for (const f of [
  ...files(sources),
  path.join(root, "vite.config.ts"),
  path.join(root, "package-lock.json"),
]) {
  h.update(path.relative(root, f));
  h.update(fs.readFileSync(f));
}
const hash = h.digest("hex");
if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === hash) process.exit(0);
const t0 = Date.now();
await build({ configFile: path.join(root, "vite.config.ts") });
fs.writeFileSync(stamp, hash);
console.log(`Built the newsroom editor in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
