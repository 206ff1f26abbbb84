/** The page shell every reader page shares. */
import type { SiteConfig } from "../config.ts";
import type { Section } from "../store/taxonomy-store.ts";
import { type SafeHtml, html, jsonForScript } from "./html.ts";

export interface PageMeta {
  title: string;
  description?: string;
  /** Path of the canonical URL (joined to the site's base URL). */
  canonicalPath?: string;
  og?: { type: string; image?: { url: string; width: number; height: number; alt: string } };
  /** What a share shows, when it should differ from the title and description. */
  social?: { title?: string | undefined; description?: string | undefined };
  jsonLd?: unknown[];
  /** Extra <link> tags (feeds, prev/next). */
  links?: { rel: string; href: string; type?: string; title?: string }[];
  noindex?: boolean;
}

export interface Shell {
  site: SiteConfig;
  sections: readonly Section[];
  /** Fingerprinted stylesheet URL. */
  cssHref: string;
  /** The viewability script's URL, loaded by pages that show campaign creatives. */
  adsScript?: string | undefined;
  /** The live page's script, on pages with a live stream. */
  liveScript?: string | undefined;
  /** The ad server's tag (its script and what it reads), loaded by pages with ad slots when the site has one. */
  adTag?: { script: string; config: Record<string, unknown> } | undefined;
  currentSection?: string;
}

function absolute(site: SiteConfig, path: string): string {
  return /^https?:\/\//.test(path) ? path : `${site.baseUrl}${path}`;
}

export function layout(
  shell: Shell,
  meta: PageMeta,
  main: SafeHtml,
  opts: { beforeMain?: SafeHtml } = {},
): string {
  const { site } = shell;
  const title = meta.title === site.name ? site.name : `${meta.title} | ${site.name}`;
  const canonical = meta.canonicalPath ? absolute(site, meta.canonicalPath) : undefined;
  const image = meta.og?.image;
  const socialTitle = meta.social?.title ?? meta.title;
  const socialDescription = meta.social?.description ?? meta.description;
  return `<!doctype html>${html`<html lang="${site.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>${meta.description ? html`<meta name="description" content="${meta.description}">` : ""}${canonical ? html`<link rel="canonical" href="${canonical}">` : ""}${meta.noindex ? html`<meta name="robots" content="noindex">` : ""}<meta name="color-scheme" content="light dark"><link rel="stylesheet" href="${shell.cssHref}"><link rel="icon" href="/assets/logo.svg" type="image/svg+xml"><link rel="alternate" type="application/rss+xml" title="${site.name}" href="/feed.xml">${(meta.links ?? []).map((l) => html`<link rel="${l.rel}" href="${l.href}"${l.type ? html` type="${l.type}"` : ""}${l.title ? html` title="${l.title}"` : ""}>`)}<meta property="og:site_name" content="${site.name}"><meta property="og:title" content="${socialTitle}">${socialDescription ? html`<meta property="og:description" content="${socialDescription}">` : ""}<meta property="og:type" content="${meta.og?.type ?? "website"}">${canonical ? html`<meta property="og:url" content="${canonical}">` : ""}${image ? html`<meta property="og:image" content="${absolute(site, image.url)}"><meta property="og:image:width" content="${image.width}"><meta property="og:image:height" content="${image.height}"><meta property="og:image:alt" content="${image.alt}">` : ""}<meta name="twitter:card" content="${image ? "summary_large_image" : "summary"}"><meta name="twitter:title" content="${socialTitle}">${socialDescription ? html`<meta name="twitter:description" content="${socialDescription}">` : ""}${image ? html`<meta name="twitter:image" content="${absolute(site, image.url)}"><meta name="twitter:image:alt" content="${image.alt}">` : ""}${(meta.jsonLd ?? []).map((d) => html`<script type="application/ld+json">${jsonForScript(d)}</script>`)}</head><body><a class="skip-link" href="#main">Skip to content</a><header class="site-header"><div class="masthead"><a class="brand" href="/"><img src="/assets/logo.svg" alt="" width="36" height="36"><span>${site.name}</span></a><p class="tagline">${site.tagline}</p></div><nav class="sections" aria-label="Sections"><div class="nav-row"><ul class="nav-list">${shell.sections.map((s) => html`<li><a href="/${s.slug}"${shell.currentSection === s.slug ? html` aria-current="page"` : ""}>${s.name}</a></li>`)}<li><a href="/video"${shell.currentSection === "video" ? html` aria-current="page"` : ""}>Video</a></li></ul><a class="nav-search" href="/search">Search</a></div></nav></header>${opts.beforeMain ?? ""}<main id="main" tabindex="-1">${main}</main><footer class="site-footer"><nav aria-label="About"><ul><li><a href="/about/${site.standardsPage}">Editorial standards</a></li><li><a href="/about/about-us">About us</a></li><li><a href="/corrections">Corrections</a></li><li><a href="/newsletters">Newsletters</a></li><li><a href="/feed.xml">RSS</a></li><li><a href="/sitemap.xml">Sitemap</a></li></ul></nav><p>© ${new Date().getFullYear()} ${site.name}. Published with Gazette.</p></footer>${shell.liveScript && String(main).includes('data-live="/live/') ? html`<script src="${shell.liveScript}" defer></script>` : ""}${shell.adsScript && String(main).includes("data-ad-creative=") ? html`<script src="${shell.adsScript}" defer></script>` : ""}${shell.adTag && String(main).includes("data-ad-slot=") ? html`<script type="application/json" id="gz-ad-tag">${jsonForScript(shell.adTag.config)}</script><script src="${shell.adTag.script}" defer></script>` : ""}</body></html>`}`;
}
