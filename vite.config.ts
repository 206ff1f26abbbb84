/**
 * Builds the newsroom editor (src/newsroom/editor) into dist/admin, served
 * by the app at /admin. `npm start` and `npm test` build it when its
 * sources changed (scripts/ensure-editor-build.ts).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: path.join(root, "src/newsroom/editor"),
  base: "/admin/",
  logLevel: "warn",
  build: {
    outDir: path.join(root, "dist/admin"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // One stylesheet and hashed file names; no inline scripts or styles (the admin CSP allows none).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
