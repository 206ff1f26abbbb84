/**
 * The layout's rules, checked on the source: imports only point down.
 *
 *   app.ts, cli/                       the composition roots: may import anything
 *   newsroom/ comments/ readers/ reading/ newsletters/ memberships/ advertising/   features: never each other, never a root
 *   web/                               the HTTP toolkit: no feature
 *   site/ ingest/ demo/                page views, importers, demo content: no feature, no web
 *   store/ media/ auth/ mail/          below them
 *   content/                           the pure core: nothing but content/
 *
 * No file outside store/ imports Kysely or writes SQL, and no service (a
 * file that is not an endpoint list, in a feature, or anything below web/)
 * imports Fastify or the web toolkit.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { ROOT } from "../helpers.ts";

const SRC = path.join(ROOT, "src");
const FEATURES = [
  "newsroom",
  "comments",
  "readers",
  "reading",
  "newsletters",
  "memberships",
  "advertising",
  "live",
];
/** What each top-level folder may import (besides itself and config.ts). */
const MAY_IMPORT: Record<string, string[]> = {
  content: [],
  auth: ["content"],
  "config.ts": ["content"],
  store: ["content", "auth", "media"],
  media: ["content"],
  mail: ["content"],
  ingest: ["content", "store", "media"],
  site: ["content", "store", "media"],
  demo: ["content", "store", "media", "ingest", "site", "auth"],
  web: ["content", "store", "auth", "site", "media"],
  ...Object.fromEntries(
    FEATURES.map((f) => [f, ["content", "store", "media", "auth", "mail", "site", "web", "ingest"]]),
  ),
};

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });
}

const files = walk(SRC).map((file) => ({
  file,
  rel: path.relative(SRC, file).split(path.sep).join("/"),
  text: fs.readFileSync(file, "utf8"),
}));

/** The top-level part of `src/` a file is in: a folder, or the file itself (app.ts, config.ts). */
const partOf = (rel: string) => (rel.includes("/") ? rel.slice(0, rel.indexOf("/")) : rel);

function importsOf(f: { file: string; text: string }): string[] {
  const specs = [...f.text.matchAll(/(?:^|\n)\s*(?:import|export)[^"'`;]*?from\s+["']([^"']+)["']/g)].map(
    (m) => m[1]!,
  );
  return specs;
}

describe("layering", () => {
  it("imports only point down: features never import each other or the composition root", () => {
    const wrong: string[] = [];
    for (const f of files) {
      const part = partOf(f.rel);
      // The editor is a browser app built by Vite: it imports the content model's types only.
      if (f.rel.startsWith("newsroom/editor/")) {
        for (const spec of importsOf(f).filter((s) => s.startsWith(".")))
          if (!spec.startsWith("./") && !/\/content\//.test(spec)) wrong.push(`${f.rel} → ${spec}`);
        continue;
      }
      if (part === "app.ts" || part === "cli") continue;
      for (const spec of importsOf(f).filter((s) => s.startsWith("."))) {
        const target = path
          .relative(SRC, path.resolve(path.dirname(f.file), spec))
          .split(path.sep)
          .join("/");
        const to = partOf(target);
        if (to === part || to === "config.ts") continue;
        if (!(MAY_IMPORT[part] ?? []).includes(to)) wrong.push(`${f.rel} → ${target}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("keeps SQL and Kysely in src/store/", () => {
    const wrong = files
      .filter((f) => !f.rel.startsWith("store/"))
      .filter(
        (f) =>
          importsOf(f).includes("kysely") ||
          /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto)\(|\bsql`/.test(f.text),
      )
      .map((f) => f.rel);
    assert.deepEqual(wrong, []);
  });

  it("keeps HTTP out of services: only endpoint lists, the web toolkit and the roots import Fastify or web/", () => {
    const wrong = files
      .filter((f) => {
        const part = partOf(f.rel);
        if (part === "app.ts" || part === "cli" || part === "web") return false;
        if (/-endpoints\.ts$/.test(f.rel)) return false;
        return importsOf(f).some((s) => s === "fastify" || s.startsWith("@fastify/") || /\/web\//.test(s));
      })
      .map((f) => f.rel);
    assert.deepEqual(wrong, []);
  });

  it("records cache invalidations only in the store's write functions", () => {
    const wrong = files
      .filter((f) => !f.rel.startsWith("store/") && /\brecordChange\(/.test(f.text))
      .map((f) => f.rel);
    assert.deepEqual(wrong, []);
  });
});
