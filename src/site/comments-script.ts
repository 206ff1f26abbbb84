/**
 * The comments enhancement script, compiled once at boot from
 * comments-client.ts with esbuild (minified, ES2020), served under a
 * content-hash URL from the reader site's own origin (the CSP allows
 * scripts from 'self' only).
 */
import crypto from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

export function buildCommentsScript(): { js: string; href: string } {
  return buildClientScript("comments-client.ts", "comments");
}

/** The viewability script (ads-client.ts), built the same way, for pages with campaign creatives. */
export function buildAdsScript(): { js: string; href: string } {
  return buildClientScript("ads-client.ts", "ads");
}

/** The live page's script (live-client.ts): new, edited and deleted posts without a reload. */
export function buildLiveScript(): { js: string; href: string } {
  return buildClientScript("live-client.ts", "live");
}

/** The ad server's tag and the consent notice (adtag-client.ts), for sites that configure an ad server. */
export function buildAdTagScript(): { js: string; href: string } {
  return buildClientScript("adtag-client.ts", "adtag");
}

function buildClientScript(file: string, name: string): { js: string; href: string } {
  const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), file);
  const out = buildSync({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2020",
    write: false,
    logLevel: "silent",
  });
  const js = out.outputFiles[0]!.text;
  const hash = crypto.createHash("sha256").update(js).digest("hex").slice(0, 12);
  return { js, href: `/assets/${name}.${hash}.js` };
}
