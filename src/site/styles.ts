/**
 * The reader stylesheet, built once at boot (ad slot heights come from the
 * ad rules, so reserved space always matches what the rules allow) and
 * served under a content-hash URL. System fonts only: nothing to download,
 * nothing to shift.
 */
import crypto from "node:crypto";
import type { AdRules } from "../content/ad-placement.ts";
import { reservedHeight } from "../content/ad-placement.ts";

/** One rule per focal point on a 10 % grid (components.ts focalClass): where a cropped picture is anchored. */
function focalRules(): string {
  const rules: string[] = [];
  for (let x = 0; x <= 100; x += 10)
    for (let y = 0; y <= 100; y += 10)
      if (x !== 50 || y !== 50) rules.push(`.fp-${x}-${y}{object-position:${x}% ${y}%}`);
  return rules.join("");
}

export function buildCss(ads: AdRules): { css: string; href: string } {
  const topH = reservedHeight(ads.topSizes);
  const bodyH = reservedHeight(ads.bodySizes);
  const css = `
:root{--ink:#1a1a1a;--muted:#5c5c5c;--rule:#d9d5cc;--paper:#fdfcf8;--accent:#8a1c1c;--link:#0b4f8a;--card:#f3f0e8;
--serif:Georgia,"Iowan Old Style","Palatino Linotype",Palatino,"Times New Roman",serif;
--sans:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;--measure:42rem}
@media (prefers-color-scheme:dark){:root{--ink:#ece9e2;--muted:#a9a59c;--rule:#3a3834;--paper:#151412;--accent:#e07a6a;--link:#8fc3f2;--card:#211f1c}}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--paper);color:var(--ink);font:1.0625rem/1.6 var(--serif)}
a{color:var(--link)}
a:focus-visible,button:focus-visible,video:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
img,video{max-width:100%;height:auto;display:block}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip-link{position:absolute;left:-999px;top:0;background:var(--ink);color:var(--paper);padding:.5rem 1rem;z-index:10}
.skip-link:focus{left:0}
main{display:block;max-width:72rem;margin:0 auto;padding:0 1rem 3rem;overflow-wrap:anywhere}
main:focus{outline:none}
.site-header{border-bottom:3px double var(--ink);margin-bottom:1.5rem}
.masthead{max-width:72rem;margin:0 auto;padding:1rem 1rem .5rem;display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:.25rem 1rem}
.brand{display:flex;align-items:center;gap:.6rem;color:var(--ink);text-decoration:none;font:700 clamp(1.6rem,5vw,2.4rem)/1.1 var(--serif);letter-spacing:-.01em}
.brand img{width:36px;height:36px}
.tagline{margin:0;color:var(--muted);font:italic .95rem var(--serif)}
.sections{border-top:1px solid var(--rule)}
.nav-row{max-width:72rem;margin:0 auto;padding:0 1rem;display:flex;align-items:center;gap:.75rem}
.nav-list{flex:1;min-width:0;margin:0;padding:0 2rem 0 0;list-style:none;display:flex;gap:1.25rem;overflow-x:auto;white-space:nowrap;scrollbar-width:none}
.nav-list::-webkit-scrollbar{display:none}
.sections a{display:inline-block;padding:.6rem 0;font:600 .8rem var(--sans);text-transform:uppercase;letter-spacing:.06em;color:var(--ink);text-decoration:none}
.sections a[aria-current=page],.sections a:hover{box-shadow:inset 0 -3px 0 var(--accent)}
.corrections-box{border-left:4px solid var(--accent);background:var(--card);padding:.75rem 1rem;margin:0 auto 1.5rem;max-width:var(--measure)}
.corrections-box h2{font:700 .8rem var(--sans);text-transform:uppercase;letter-spacing:.08em;color:var(--accent);margin:0 0 .35rem}
.corrections-box p{margin:.35rem 0;font-size:1rem;line-height:1.5}
.corrections-more{font:.85rem var(--sans)}
.paywall{border-top:4px solid var(--accent);background:var(--card);padding:1rem 1.25rem 1.25rem;margin:1.5rem 0;font-family:var(--sans)}
.paywall h2{font:700 1.35rem/1.25 var(--serif);margin:0 0 .5rem}
.paywall p{font-size:1rem;line-height:1.5;margin:.5rem 0}
.paywall-meter{font-weight:600}
.plan-list{list-style:none;padding:0;margin:.75rem 0;display:grid;gap:.75rem;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr))}
.plan{border:1px solid var(--rule);background:var(--paper);border-radius:4px;padding:.75rem}
.plan .plan-name{font-weight:700;margin:0}
.plan .plan-price{margin:.2rem 0;color:var(--muted)}
.plan .plan-description{font-size:.9rem}
.button,.plan button,.membership-form button{display:inline-block;font:600 .95rem var(--sans);padding:.5rem 1rem;border:1px solid var(--ink);background:var(--ink);color:var(--paper);border-radius:4px;text-decoration:none;cursor:pointer}
.meter-notice{font:.9rem var(--sans);background:var(--card);border-left:4px solid var(--accent);padding:.5rem .75rem}
.teaser-access{font-weight:700;color:var(--accent)}
.gift-form{font:.9rem var(--sans);margin:1rem 0}.gift-form button{font:600 .9rem var(--sans);padding:.35rem .8rem;border:1px solid var(--ink);background:none;color:var(--ink);border-radius:4px;cursor:pointer}
.comments-withheld p{font:.95rem var(--sans);color:var(--muted)}
.preview-banner{max-width:var(--measure);margin:0 auto 1rem;padding:.5rem 1rem;background:#fff3c4;color:#3d3000;font:600 .9rem var(--sans);border-radius:4px}
.history,.corrections-page{max-width:var(--measure);margin:0 auto}
.history h1,.corrections-page h1{font:700 clamp(1.7rem,4vw,2.3rem)/1.15 var(--serif);margin:.2rem 0 .6rem}
.history-headline{font-size:1.15rem;margin:0 0 1rem}
.history-intro{color:var(--muted)}
.history-list{padding-left:1.4rem;margin:1.5rem 0}
.history-entry{border-top:1px solid var(--rule);padding:.5rem 0 1rem}
.history-entry h2{font:700 1.05rem var(--sans);margin:.5rem 0}
.history-field h3{font:700 .75rem var(--sans);text-transform:uppercase;letter-spacing:.08em;color:var(--muted);margin:.8rem 0 .3rem}
.diff{margin:.4rem 0}
.diff-gap{margin:.2rem 0;color:var(--muted)}
.history-other{font:.9rem var(--sans);color:var(--muted)}
.history-live{margin-top:2.5rem}
.history-live>h2{font:700 1.3rem var(--serif);margin:0 0 .4rem}
.history-live .history-entry h3{font:700 1rem var(--sans);margin:.5rem 0}
.history-field h4{font:700 .75rem var(--sans);text-transform:uppercase;letter-spacing:.08em;color:var(--muted);margin:.8rem 0 .3rem}
.history-note{font-style:italic}
ins{background:#d8f0dc;color:var(--ink);text-decoration:underline;text-decoration-thickness:2px}
del{background:#fadcd8;color:var(--ink);text-decoration:line-through}
@media (prefers-color-scheme:dark){ins{background:#1e4426}del{background:#4f2420}.preview-banner{background:#4a3d0a;color:#fff3c4}}
.corrections-list{list-style:none;padding:0}
.corrections-list li{border-top:1px solid var(--rule);padding:.75rem 0}
.corrections-story{font:700 1.1rem var(--serif);margin:0 0 .3rem}
.comments{max-width:var(--measure);margin:2.5rem auto 0;border-top:3px double var(--rule);padding-top:1rem}
.comments h2{font:700 1.4rem var(--serif);margin:0 0 1rem}
.comment-total{color:var(--muted);font-weight:400}
.comment-form label,.account-form label{display:block;font:600 .9rem var(--sans);margin-bottom:.3rem}
.comment-form textarea,.account-form input:not([type=checkbox]):not([type=radio]),.comments-page textarea{width:100%;font:1rem/1.5 var(--serif);padding:.6rem;border:1px solid var(--muted);border-radius:4px;background:var(--paper);color:var(--ink)}
.comment-form button,.account-form button,.inline-form button{font:600 .9rem var(--sans);padding:.45rem 1rem;border:1px solid var(--ink);background:var(--ink);color:var(--paper);border-radius:4px;cursor:pointer;margin-top:.5rem}
.inline-form{display:inline}
.inline-form button{background:none;color:var(--link);border:0;padding:0;margin:0;font:.85rem var(--sans);text-decoration:underline}
.comment-hint{font:.85rem var(--sans);color:var(--muted);margin:.4rem 0}
.comment-sort ul{list-style:none;display:flex;gap:1rem;padding:0;margin:1.2rem 0 .5rem;font:.85rem var(--sans)}
.comment-sort a[aria-current]{font-weight:700;color:var(--ink)}
.comment-list,.comment-replies{list-style:none;padding:0;margin:0}
.comment-replies{margin-left:1.25rem;border-left:2px solid var(--rule);padding-left:1rem}
.comment{padding:.75rem 0;border-bottom:1px solid var(--rule)}
.comment-replies .comment:last-child{border-bottom:0}
.comment-meta{font:.85rem var(--sans);color:var(--muted)}
.comment-meta strong{color:var(--ink)}
.comment-link{color:inherit;text-decoration:none}
.comment-link:hover,.comment-link:focus-visible{text-decoration:underline}
.more-replies{font:600 .85rem var(--sans);margin:.5rem 0 0 1.25rem}
.thread-context{font:.9rem var(--sans);color:var(--muted)}
.staff-badge{font:700 .7rem var(--sans);text-transform:uppercase;letter-spacing:.06em;background:var(--accent);color:var(--paper);padding:.05rem .4rem;border-radius:3px}
.comment-body p{margin:.35rem 0}
.comment-actions{font:.85rem var(--sans);display:flex;gap:1rem;align-items:baseline}
.comment-actions a{color:var(--link)}
.comment-actions .link-like{background:none;border:0;padding:0;font:.85rem var(--sans);color:var(--link);text-decoration:underline;cursor:pointer}
.comment-body textarea{width:100%;font:1rem/1.5 var(--serif);padding:.5rem}
.comments-closed,.comments-empty{color:var(--muted);font-style:italic}
.account-page{max-width:32rem;margin:0 auto}
.newsletters-page{max-width:40rem;margin:0 auto}
.newsletters-page h1{font:700 2rem var(--serif)}
.newsletters-page .lede{font:1.15rem/1.5 var(--serif)}
.newsletters-page .muted,.newsletter-choice .muted{color:var(--muted);font:.9rem var(--sans)}
.newsletter-list,.issue-list{list-style:none;padding:0}
.newsletter-list li{border-top:1px solid var(--rule);padding:.75rem 0}
.newsletter-list h2{font:700 1.3rem var(--serif);margin:0 0 .25rem}
.issue-list li{padding:.35rem 0;border-top:1px solid var(--rule)}
.issue-stories{padding-left:1.25rem}
.issue-stories h2{font:700 1.2rem var(--serif);margin:.1rem 0 .3rem}
.newsletter-choice{border:1px solid var(--rule);border-radius:4px;padding:.5rem .9rem;margin:0 0 1rem}
.newsletter-choice legend{font:600 .9rem var(--sans)}
.consent-note{font:.85rem/1.45 var(--sans);color:var(--muted)}
.account-page h1{font:700 1.8rem var(--serif)}
.account-form{margin:1rem 0 1.5rem}
.form-field{margin:0 0 1rem}
.form-field small{display:block;color:var(--muted);font:.8rem var(--sans)}
.form-error{color:var(--accent);font:600 .9rem var(--sans)}
.quoted-comment{border-left:3px solid var(--rule);margin:1rem 0;padding-left:1rem;color:var(--muted)}
.kicker{margin:0 0 .4rem;font:700 .78rem var(--sans);text-transform:uppercase;letter-spacing:.08em}
.kicker a{color:var(--accent);text-decoration:none}
h1,h2,h3,h4{font-family:var(--serif);line-height:1.2;margin:1.6em 0 .5em}
.story{max-width:var(--measure);margin:0 auto}
.story-header h1{font-size:clamp(1.9rem,5.2vw,2.9rem);line-height:1.12;margin:.1em 0 .45em;letter-spacing:-.012em}
.summary{margin:0 0 1rem;padding:0;list-style:none;font-size:1.06rem;line-height:1.45;color:var(--ink)}
@media (min-width:720px){.summary{font-size:1.18rem}}
.summary li{position:relative;padding-left:1.1rem;margin-bottom:.35rem}
.summary li::before{content:"";position:absolute;left:0;top:.55em;width:.45rem;height:.45rem;background:var(--accent)}
.story-meta{font:.88rem/1.5 var(--sans);color:var(--muted);border-top:1px solid var(--rule);border-bottom:1px solid var(--rule);padding:.6rem 0;margin-bottom:1.25rem}
.story-meta p{margin:.1rem 0}
.byline{color:var(--ink);font-weight:600}
.byline a{color:inherit}
.trust a{color:var(--link)}
.hero{margin:0 auto 1.5rem;max-width:62.5rem}
.story .hero{margin-left:calc(50% - min(50vw,31.25rem));margin-right:calc(50% - min(50vw,31.25rem))}
.story .hero figcaption{padding:0 1rem}
@media (min-width:1040px){.story .hero figcaption{padding:0}}
figure{margin:1.75rem 0}
figure img,figure video{width:100%;height:auto;background:var(--card)}
figcaption{font:.85rem/1.45 var(--sans);color:var(--muted);margin-top:.5rem;padding:0 1rem 0 0}
.credit{white-space:nowrap;opacity:.9}
.story-body{font-size:1.125rem;line-height:1.7}
.story-body p{margin:0 0 1.15em}
.dateline{font:700 .85em var(--sans);text-transform:uppercase;letter-spacing:.04em}
.story-body h2{font-size:1.5rem}
.teaser-live{display:inline-block;background:var(--accent);color:var(--paper);font:700 .7rem var(--sans);text-transform:uppercase;letter-spacing:.08em;padding:.05rem .4rem;border-radius:2px}
.live{margin:2rem 0 1rem;font-size:1.05rem;line-height:1.6}
.live-status{font:600 .9rem var(--sans);color:var(--muted);margin:0 0 1rem;display:flex;align-items:center;gap:.5rem;flex-wrap:wrap}
.live-badge{display:inline-block;background:var(--accent);color:var(--paper);font:700 .75rem var(--sans);text-transform:uppercase;letter-spacing:.08em;padding:.15rem .5rem;border-radius:2px}
.live-ended{color:var(--ink);background:var(--card);padding:.6rem .9rem;border-left:4px solid var(--muted)}
.live-key-events{background:var(--card);padding:.75rem 1rem;margin:0 0 1.5rem}
.live-key-events h2{font:700 .8rem var(--sans);text-transform:uppercase;letter-spacing:.08em;color:var(--accent);margin:0 0 .4rem}
.live-key-events ol{margin:0;padding:0 0 0 1.1rem;font:.95rem/1.45 var(--sans)}
.live-key-events li{margin:.3rem 0}
.live-key-events time{font-weight:700;margin-right:.35rem}
.live-stream{list-style:none;margin:0;padding:0}
.live-post{border-top:1px solid var(--rule);padding:1rem 0 .5rem;scroll-margin-top:1rem}
.live-pinned .live-post{border-top:3px solid var(--accent)}
.live-post-head p{margin:0 0 .35rem}
.live-post-time{font:700 .85rem var(--sans)}
.live-post-time a{color:var(--ink)}
.live-post-updated{font-weight:400;color:var(--muted);margin-left:.4rem}
.live-day{font-weight:400;color:var(--muted)}
.same-day .live-day{display:none}
.live-flag{display:inline-block;font:700 .7rem var(--sans);text-transform:uppercase;letter-spacing:.08em;color:var(--accent);margin-right:.6rem!important}
.live-post h3{font-size:1.25rem;margin:.2rem 0 .5rem}
.live-post-by{font:.85rem var(--sans);color:var(--muted)}
.live-post-body p{margin:0 0 .9em}
.live-post-foot{font:.8rem var(--sans);margin:.25rem 0 .5rem}
.live-share{color:var(--muted)}
.live-pages{display:flex;justify-content:space-between;gap:1rem;font:600 .95rem var(--sans);margin:1.5rem 0}
.live-pages a[rel=next]{margin-left:auto}
.live-empty{color:var(--muted);font-family:var(--sans)}
.live-new{position:sticky;top:.75rem;z-index:5;display:flex;justify-content:center;height:0;overflow:visible}
.live-new[hidden]{display:none}
.live-new-button{font:700 .9rem var(--sans);background:var(--accent);color:var(--paper);border:0;border-radius:999px;padding:.5rem 1.1rem;box-shadow:0 2px 8px rgba(0,0,0,.25);cursor:pointer;height:max-content}
.live-new-button:focus-visible{outline:3px solid var(--link);outline-offset:2px}
.quote{margin:2rem 0;padding:0 0 0 1.25rem;border-left:4px solid var(--accent)}
.quote blockquote{margin:0;font-size:1.35rem;line-height:1.4;font-style:italic}
.quote blockquote p{margin:0}
.quote figcaption{font-size:.9rem;margin-top:.6rem}
.embed a,.related-inline{display:block;border:1px solid var(--rule);padding:.8rem 1rem;margin:1.5rem 0;background:var(--card);text-decoration:none}
.related-inline-label,.embed-provider{display:block;font:700 .72rem var(--sans);text-transform:uppercase;letter-spacing:.08em;color:var(--accent);margin:0 0 .2rem}
.ad{display:flex;flex-direction:column;align-items:center;justify-content:flex-start;margin:1.75rem auto;padding:.35rem 0 .75rem;background:var(--card);border-top:1px solid var(--rule);border-bottom:1px solid var(--rule);contain:layout}
.ad--top{min-height:${topH + 40}px;max-width:72rem;margin:0 auto 1.5rem}
.ad--body{min-height:${bodyH + 40}px}
.ad--rail{min-height:${bodyH + 40}px;margin:0}
.ad--list{min-height:${bodyH + 40}px;grid-column:1/-1;width:100%;margin:.5rem 0}
.ad--list .house-ad{min-height:${Math.min(250, bodyH)}px;max-width:300px;justify-content:center}
.image-ad{display:block;line-height:0}
.ad-server{display:flex;justify-content:center}
.ad--served .ad-creative{display:none}
.consent{position:fixed;left:0;right:0;bottom:0;z-index:10;max-height:60vh;overflow:auto;padding:1rem 1.25rem;background:var(--paper);color:var(--ink);border-top:2px solid var(--ink);font-family:var(--sans);box-shadow:0 -4px 16px rgba(0,0,0,.15)}
.consent h2{margin:0 0 .4rem;font-size:1.05rem}
.consent p{margin:0 0 .75rem;max-width:60rem;font-size:.92rem}
.consent-actions{display:flex;gap:.75rem;flex-wrap:wrap}
.consent-actions button{min-width:8rem;padding:.55rem 1.2rem;font:700 .95rem var(--sans);border:2px solid var(--ink);background:var(--paper);color:var(--ink);cursor:pointer}
.link-button{padding:0;border:0;background:none;color:inherit;font:inherit;text-decoration:underline;cursor:pointer}
.image-ad img{max-width:100%;height:auto}
.ad--rail .house-ad{min-height:${Math.min(250, bodyH)}px;max-width:300px;justify-content:center}
.ad--body .house-ad{min-height:${Math.min(250, bodyH)}px;max-width:300px;justify-content:center}
.sponsored-label{margin:.25rem 0 .5rem;font:.85rem var(--sans);color:var(--muted)}
.sponsored-tag,.teaser-sponsored{display:inline-block;padding:.05rem .4rem;margin-right:.25rem;border:1px solid currentColor;font:700 .68rem var(--sans);text-transform:uppercase;letter-spacing:.08em;color:var(--ink)}
.sponsor-logo{vertical-align:middle;height:28px;width:auto}
.ad-label{margin:0 0 .35rem;font:600 .68rem var(--sans);text-transform:uppercase;letter-spacing:.12em;color:var(--muted)}
.ad-creative{width:100%;display:flex;justify-content:center}
.house-ad{display:flex;flex-direction:column;gap:.3rem;max-width:336px;width:100%;padding:1rem 1.1rem;border:1px solid var(--rule);background:var(--paper);color:var(--ink);text-decoration:none;font-family:var(--sans)}
.ad--top .house-ad{max-width:728px;flex-direction:row;flex-wrap:wrap;align-items:baseline;column-gap:.8rem;padding:.6rem 1rem}
.house-ad-advertiser{font-size:.7rem;text-transform:uppercase;letter-spacing:.08em;color:var(--muted)}
.house-ad-headline{font:700 1.1rem/1.25 var(--serif)}
.house-ad-text{font-size:.88rem;color:var(--muted)}
.house-ad-cta{font-weight:700;font-size:.85rem;color:var(--link)}
.player{position:relative;aspect-ratio:16/9;background:#000}
.player video{width:100%;height:100%;object-fit:contain}
.video figcaption{display:flex;flex-wrap:wrap;align-items:baseline;gap:.25rem .6rem}
.video-title{font:700 1.05rem/1.3 var(--serif);margin:0;color:var(--ink)}
.video figcaption p{flex-basis:100%;margin:.2rem 0 0}
.duration{display:inline-block;font:700 .78rem var(--sans);font-variant-numeric:tabular-nums;background:var(--ink);color:var(--paper);padding:.1rem .4rem;border-radius:2px}
.sources{border-top:1px solid var(--rule);margin-top:2rem;padding-top:.5rem;font:.92rem/1.5 var(--sans)}
.sources h2,.related h2,.related-videos h2,.section-title{font:700 .85rem var(--sans);text-transform:uppercase;letter-spacing:.08em;border-top:3px solid var(--ink);padding-top:.5rem;margin:2rem 0 1rem}
.sources ul{padding-left:1.1rem}
.sources-note{color:var(--muted)}
.topics ul{list-style:none;padding:0;margin:1.5rem 0;display:flex;flex-wrap:wrap;gap:.5rem}
.topics a{display:inline-block;font:600 .8rem var(--sans);border:1px solid var(--rule);border-radius:999px;padding:.3rem .8rem;text-decoration:none;color:var(--ink)}
.topics a:hover{border-color:var(--accent)}
.related,.related-videos{max-width:var(--measure);margin:0 auto}
.teaser-grid{display:grid;gap:1.25rem;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr))}
.teaser{border-top:1px solid var(--rule);padding-top:.75rem}
.teaser h2,.teaser h3{margin:.1rem 0 .35rem;font-size:1.2rem;line-height:1.25}
.teaser h2 a,.teaser h3 a{color:var(--ink);text-decoration:none}
.teaser h2 a:hover,.teaser h3 a:hover{text-decoration:underline}
.teaser-image{margin-bottom:.6rem}
.teaser-image img{width:100%;height:auto;aspect-ratio:3/2;object-fit:cover;background:var(--card)}
.teaser-summary{margin:0 0 .35rem;font-size:.98rem;line-height:1.45;color:var(--muted)}
.teaser-meta{margin:0;font:.78rem var(--sans);color:var(--muted)}
.teaser--lead{border-top:0;padding-top:0;display:grid;gap:1rem}
.teaser--lead h2{font-size:clamp(1.7rem,4vw,2.5rem);line-height:1.12}
.teaser--lead .teaser-summary{font-size:1.15rem;color:var(--ink)}
@media (min-width:900px){.teaser--lead{grid-template-columns:3fr 2fr;align-items:start}.teaser--lead .teaser-text{padding-top:.5rem}}
.front-section{margin-top:2.5rem}
@media (min-width:900px){.teaser-grid--three{grid-template-columns:repeat(3,minmax(0,1fr))}}
.section-blocks{display:grid;gap:0 2rem;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));margin-top:.5rem}
@media (min-width:900px){.section-blocks{grid-template-columns:repeat(3,minmax(0,1fr))}}
.section-block .section-title a{color:var(--ink);text-decoration:none}
.section-block .teaser{border-top:0;padding-top:0}
.headline-list{list-style:none;margin:.25rem 0 0;padding:0}
.headline-list li{border-top:1px solid var(--rule);padding:.55rem 0}
.headline-list h3{margin:0 0 .15rem;font-size:1rem;line-height:1.3}
.headline-list h3 a{color:var(--ink);text-decoration:none}
.headline-list h3 a:hover{text-decoration:underline}
.headline-list time{font:.75rem var(--sans);color:var(--muted)}
@media (max-width:699px){.front-section .teaser:not(.teaser--lead),.section-block .teaser{display:grid;grid-template-columns:7rem minmax(0,1fr);gap:.75rem;align-items:start}.front-section .teaser:not(.teaser--lead) .teaser-image,.section-block .teaser-image{margin:0}.front-section .teaser:not(.teaser--lead) .teaser-summary,.section-block .teaser-summary{display:none}.front-section .teaser:not(.teaser--lead) h2,.front-section .teaser:not(.teaser--lead) h3,.section-block .teaser h3{font-size:1.05rem}}
.front-section .section-title a{color:var(--ink);text-decoration:none}
.video-grid{list-style:none;padding:0;display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr))}
.video-card a{display:grid;gap:.35rem;color:var(--ink);text-decoration:none;position:relative}
.video-card img{aspect-ratio:16/9;object-fit:cover;width:100%;height:auto}
.video-card .duration{position:absolute;top:.5rem;left:.5rem}
.video-poster{position:relative;display:block}
.play-mark{position:absolute;left:50%;top:50%;width:3rem;height:3rem;margin:-1.5rem 0 0 -1.5rem;border-radius:50%;background:rgba(0,0,0,.62);box-shadow:0 0 0 2px rgba(255,255,255,.85)}
.play-mark::after{content:"";position:absolute;left:1.15rem;top:.85rem;border-style:solid;border-width:.65rem 0 .65rem 1.05rem;border-color:transparent transparent transparent #fff}
.video-card a:hover .play-mark{background:var(--accent)}
.video-grid--index{grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:1.5rem}
.video-card .teaser-meta{display:block;margin-top:.25rem}
.video-meta{border:0;padding:0;margin:0 0 1rem}
.video-card-title{font:700 1rem/1.3 var(--serif)}
.poster-placeholder{display:block;aspect-ratio:16/9;background:var(--card)}
.page-header{max-width:52rem;margin:0 auto 1rem}
.page-header h1{font-size:clamp(1.8rem,4.5vw,2.6rem);margin:.2rem 0 .4rem}
.page-header p{color:var(--muted);margin:0}
.list{max-width:52rem;margin:0 auto}
.pagination{display:flex;justify-content:space-between;align-items:center;margin:2rem 0;font:600 .9rem var(--sans)}
.prose{max-width:var(--measure);margin:0 auto;font-size:1.1rem;line-height:1.7}
.not-found{max-width:var(--measure);margin:2rem auto}
.sections .nav-search{flex:none;padding-left:.75rem;border-left:1px solid var(--rule)}
@media (max-width:899px){.nav-list{-webkit-mask-image:linear-gradient(to right,#000 calc(100% - 2.5rem),transparent);mask-image:linear-gradient(to right,#000 calc(100% - 2.5rem),transparent)}}
.search-form{margin:0 0 1.5rem;font-family:var(--sans)}
.search-row{display:flex;gap:.5rem}
.search-row input{flex:1;min-width:0;font:inherit;font-size:1.05rem;padding:.55rem .7rem;border:1px solid var(--muted);border-radius:3px;background:var(--paper);color:var(--ink)}
.search-row button{font:700 .95rem var(--sans);padding:.55rem 1.1rem;border:0;border-radius:3px;background:var(--ink);color:var(--paper);cursor:pointer}
.search-filters{border:0;padding:0;margin:.75rem 0 0;display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;font-size:.88rem;color:var(--muted)}
.search-filters select,.search-filters input{font:inherit;color:var(--ink);background:var(--paper);border:1px solid var(--rule);padding:.25rem .35rem;margin-left:.3rem}
.search-count{font:600 .9rem var(--sans);color:var(--muted)}
.search-results{list-style:none;padding:0}
.search-results li{border-top:1px solid var(--rule);padding:.9rem 0}
.search-results h2{font-size:1.25rem;margin:.1rem 0 .35rem}
.search-results h2 a{color:var(--ink);text-decoration:none}
.snippet{margin:0 0 .3rem;line-height:1.5}
mark{background:#f5e08a;color:#1a1a1a;padding:0 .1em}
.site-footer{border-top:1px solid var(--rule);padding:1.5rem 1rem 3rem;font:.85rem var(--sans);color:var(--muted);text-align:center}
.site-footer ul{list-style:none;padding:0;display:flex;justify-content:center;flex-wrap:wrap;gap:1.25rem}
.site-footer a{color:var(--muted)}
@media (min-width:720px){body{font-size:1.125rem}}
.rail{display:none}
.rail-title{font:700 .78rem var(--sans);text-transform:uppercase;letter-spacing:.1em;border-top:3px solid var(--ink);padding-top:.5rem;margin:0}
.rail-list{list-style:none;margin:0;padding:0}
.rail-list li{border-bottom:1px solid var(--rule);padding:.65rem 0;line-height:1.3}
.rail-list a{display:block;color:var(--ink);text-decoration:none;font-weight:700;margin-bottom:.2rem}
.rail-list a:hover{text-decoration:underline}
.rail-list time{font:.75rem var(--sans);color:var(--muted)}
.rail-more{margin:0;font:.85rem var(--sans)}
@media (min-width:1180px){.story-layout{display:grid;grid-template-columns:minmax(0,1fr) 18.75rem;gap:3rem}.story-column{min-width:0}.story-layout .story .hero{margin-left:0;margin-right:0}.story-layout .story .hero figcaption{padding:0}.rail{display:flex;flex-direction:column;gap:1rem;border-left:1px solid var(--rule);padding-left:1.5rem}.rail .ad--rail{position:sticky;top:1rem}}
@media print{.ad,.rail,.site-header nav,.related,.related-videos,.site-footer{display:none}}
${focalRules()}
`
    .replace(/\n/g, "")
    .trim();
  const hash = crypto.createHash("sha256").update(css).digest("hex").slice(0, 12);
  return { css, href: `/assets/site.${hash}.css` };
}
