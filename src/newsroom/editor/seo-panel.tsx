/**
 * How the story shows outside the site: its address, the title and
 * description search engines show, and what a share shows (title,
 * description, picture), each with a preview as a reader would meet it.
 * Every field may stay empty: the story's own headline, first summary point
 * and main picture stand in. Word count and reading time sit here too.
 */
import type { ImageJson, StoryContent, StoryJson } from "./api.ts";
import { readingTimeMinutes } from "../../content/reading-time.ts";
import { bodyWordCount } from "../../content/text.ts";
import { slugify } from "../../content/slug.ts";

type Change = (patch: Partial<StoryContent>) => void;

function Counted({
  label,
  value,
  max,
  advice,
  placeholder,
  editable,
  multiline,
  onInput,
}: {
  label: string;
  value: string | undefined;
  max: number;
  advice: number;
  placeholder: string;
  editable: boolean;
  multiline?: boolean;
  onInput: (v: string | undefined) => void;
}) {
  const n = (value ?? "").length;
  const props = {
    value: value ?? "",
    readOnly: !editable,
    placeholder,
    maxLength: max,
    onInput: (e: { currentTarget: { value: string } }) => onInput(e.currentTarget.value || undefined),
  };
  return (
    <label class="field">
      <span>
        {label}{" "}
        <span class={n > advice ? "count over" : "count"}>
          {n}/{advice}
        </span>
      </span>
      {multiline ? <textarea rows={2} {...props} /> : <input {...props} />}
    </label>
  );
}

export function SeoPanel({
  story,
  content,
  editable,
  socialImage,
  hero,
  onChange,
  onChooseSocialImage,
}: {
  story: StoryJson;
  content: StoryContent;
  editable: boolean;
  socialImage: ImageJson | undefined;
  hero: ImageJson | undefined;
  onChange: Change;
  onChooseSocialImage: () => void;
}) {
  const seo = content.seo;
  const set = (patch: Partial<StoryContent["seo"]>) => {
    const next: Record<string, unknown> = { ...seo, ...patch };
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    onChange({ seo: next as StoryContent["seo"] });
  };
  const words = bodyWordCount(content.body);
  const minutes = readingTimeMinutes(content.body, { heroImage: content.heroImageId !== undefined });
  const slug = content.slug ?? slugify(content.headline);
  const path =
    story.path && !story.path.startsWith("/draft")
      ? story.path.replace(/[^/]+$/, slug)
      : `/${content.sectionSlug}/…/${slug}`;
  const title = seo.title ?? content.headline;
  const description = seo.description ?? content.summary[0] ?? "";
  const cardImage = socialImage ?? hero;
  return (
    <section class="panel seo" aria-labelledby="seo-h">
      <h2 id="seo-h">Search and social</h2>
      <p class="sub" aria-live="polite">
        {words.toLocaleString("en")} words · {minutes} min read
      </p>
      <label class="field">
        <span>
          {story.firstPublishedAt
            ? "Address (changing it redirects the old one)"
            : "Address (empty: made for you until publication)"}
        </span>
        <input
          value={content.slug ?? ""}
          readOnly={!editable}
          placeholder={slugify(content.headline)}
          pattern="[a-z0-9]+(-[a-z0-9]+)*"
          title="Lower-case letters, digits and single hyphens"
          onInput={(e) => onChange({ slug: e.currentTarget.value || undefined })}
        />
      </label>
      <Counted
        label="Search title"
        value={seo.title}
        max={70}
        advice={60}
        placeholder={content.headline}
        editable={editable}
        onInput={(v) => set({ title: v })}
      />
      <Counted
        label="Search description"
        value={seo.description}
        max={200}
        advice={160}
        placeholder={content.summary[0] ?? ""}
        editable={editable}
        multiline
        onInput={(v) => set({ description: v })}
      />
      <figure class="serp-preview" aria-label="How a search result may show it">
        <p class="serp-url">
          {location.host}
          {path.replace(/\//g, " › ").replace(/^ › /, " › ")}
        </p>
        <p class="serp-title">{title.length > 60 ? `${title.slice(0, 59)}…` : title}</p>
        <p class="serp-description">
          {description.length > 160 ? `${description.slice(0, 159)}…` : description}
        </p>
      </figure>
      <Counted
        label="Social title"
        value={seo.socialTitle}
        max={100}
        advice={70}
        placeholder={title}
        editable={editable}
        onInput={(v) => set({ socialTitle: v })}
      />
      <Counted
        label="Social description"
        value={seo.socialDescription}
        max={300}
        advice={200}
        placeholder={description}
        editable={editable}
        multiline
        onInput={(v) => set({ socialDescription: v })}
      />
      <div class="social-image-choice">
        <span>Social picture: {socialImage ? socialImage.alt || "chosen" : "the main picture"}</span>{" "}
        {editable ? (
          <>
            <button type="button" class="small" onClick={onChooseSocialImage}>
              Choose
            </button>{" "}
            {socialImage ? (
              <button type="button" class="small" onClick={() => set({ socialImageId: undefined })}>
                Use the main picture
              </button>
            ) : null}
          </>
        ) : null}
      </div>
      <figure class="card-preview" aria-label="How a share may show it">
        {cardImage ? <img src={cardImage.url} alt="" width={1200} height={630} /> : null}
        <figcaption>
          <span class="card-domain">{location.host}</span>
          <strong>{seo.socialTitle ?? title}</strong>
          <span>{seo.socialDescription ?? description}</span>
        </figcaption>
      </figure>
    </section>
  );
}
