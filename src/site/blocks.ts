/**
 * A story's blocks as reader HTML: paragraphs with their marks, headings,
 * quotes, lists, pictures with caption and credit, videos, link cards,
 * related-story cards. Shared by the article page and live posts. Everything
 * typed by a person goes through the escaping template.
 */
import type { Block } from "../content/model.ts";
import type { Image, Video } from "../store/media-repo.ts";
import type { StoryTeaser } from "../store/story-store.ts";
import { credit, inline, picture, videoFigure } from "./components.ts";
import { type SafeHtml, html } from "./html.ts";

/** What blocks refer to, loaded: pictures and videos by id, related stories by id; the story's dateline. */
export interface BlockContext {
  images: ReadonlyMap<number, Image>;
  videos: ReadonlyMap<number, Video>;
  linked: ReadonlyMap<number, StoryTeaser>;
  /** Put before the first paragraph ("HARBOURTON —"). */
  dateline?: string | null | undefined;
}

export function blockHtml(b: Block, v: BlockContext, first: boolean, headingLevel = 2): SafeHtml {
  switch (b.type) {
    case "paragraph":
      return first && v.dateline
        ? html`<p><span class="dateline">${v.dateline} —</span> ${inline(b.content)}</p>`
        : html`<p>${inline(b.content)}</p>`;
    case "heading":
      return headingLevel === 2
        ? html`<h2>${b.text}</h2>`
        : headingLevel === 3
          ? html`<h3>${b.text}</h3>`
          : html`<h4>${b.text}</h4>`;
    case "quote":
      return html`<figure class="quote"><blockquote${b.sourceUrl ? html` cite="${b.sourceUrl}"` : ""}><p>${b.text}</p></blockquote>${b.attribution ? html`<figcaption>— ${b.attribution}</figcaption>` : ""}</figure>`;
    case "list": {
      const items = b.items.map((i) => html`<li>${inline(i)}</li>`);
      return b.ordered ? html`<ol>${items}</ol>` : html`<ul>${items}</ul>`;
    }
    case "image": {
      const img = v.images.get(b.imageId);
      if (!img) return html``;
      const caption = b.caption ?? img.caption;
      return html`<figure class="image">${picture(img, { sizes: "(min-width: 720px) 680px, 100vw" })}${caption || img.credit ? html`<figcaption>${caption ?? ""}${credit(img.credit)}</figcaption>` : ""}</figure>`;
    }
    case "video": {
      const video = v.videos.get(b.videoId);
      return video ? videoFigure(video) : html``;
    }
    case "embed":
      return html`<aside class="embed"><a href="${b.url}" rel="noopener">${b.provider ? html`<span class="embed-provider">${b.provider}</span>` : ""}<span class="embed-title">${b.title}</span></a></aside>`;
    case "divider":
      return html`<hr>`;
    case "preview-end":
      return html``;
    case "related-story": {
      const t = v.linked.get(b.storyId);
      return t
        ? html`<aside class="related-inline" aria-label="Related story"><p class="related-inline-label">Read more</p><a href="${t.path}">${t.headline}</a></aside>`
        : html``;
    }
  }
}
