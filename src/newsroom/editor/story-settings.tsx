/** The story's settings beside the text: section, authors, topics, dateline, byline, embargo; the main picture; related videos. (The address is in the search and social panel.) */
import type { Author, ImageJson, Section, StoryContent, VideoJson } from "./api.ts";
import { formatDuration } from "./body-editor.ts";
import { fromLocalInput, toLocalInput } from "./format.ts";
import { imageFiles } from "./media-library.tsx";

type Change = (patch: Partial<StoryContent>) => void;

export function StoryFieldsPanel({
  content,
  editable,
  sections,
  authors,
  topicsText,
  onTopicsText,
  onChange,
}: {
  content: StoryContent;
  editable: boolean;
  sections: Section[];
  authors: Author[];
  /** The topics as typed (commas and all), kept apart from the parsed list. */
  topicsText: string;
  onTopicsText: (text: string) => void;
  onChange: Change;
}) {
  return (
    <section class="panel">
      <h2>Story</h2>
      <label class="field">
        <span>Section</span>
        <select
          value={content.sectionSlug}
          disabled={!editable}
          onChange={(e) => onChange({ sectionSlug: e.currentTarget.value })}
        >
          {sections.map((s) => (
            <option value={s.slug}>{s.name}</option>
          ))}
        </select>
      </label>
      <fieldset class="authors" disabled={!editable}>
        <legend>Authors</legend>
        {authors.map((a) => (
          <label>
            <input
              type="checkbox"
              checked={content.authorSlugs.includes(a.slug)}
              onChange={(e) =>
                onChange({
                  authorSlugs: e.currentTarget.checked
                    ? [...content.authorSlugs, a.slug]
                    : content.authorSlugs.filter((s) => s !== a.slug),
                })
              }
            />{" "}
            {a.name}
          </label>
        ))}
      </fieldset>
      <label class="field">
        <span>Topics (separated by commas)</span>
        <input
          value={topicsText}
          readOnly={!editable}
          onInput={(e) => {
            onTopicsText(e.currentTarget.value);
            onChange({
              topicNames: e.currentTarget.value
                .split(",")
                .map((t) => t.trim())
                .filter(Boolean),
            });
          }}
        />
      </label>
      <AccessField content={content} editable={editable} sections={sections} onChange={onChange} />
      <label class="field">
        <span>Dateline</span>
        <input
          value={content.dateline ?? ""}
          readOnly={!editable}
          placeholder="PORT ELLERY"
          onInput={(e) => onChange({ dateline: e.currentTarget.value || undefined })}
        />
      </label>
      <label class="field">
        <span>Byline text (only when no author above)</span>
        <input
          value={content.byline ?? ""}
          readOnly={!editable}
          onInput={(e) => onChange({ byline: e.currentTarget.value || undefined })}
        />
      </label>
      <label class="field">
        <span>Embargo: not visible before</span>
        <input
          type="datetime-local"
          value={toLocalInput(content.embargoUntil)}
          readOnly={!editable}
          onInput={(e) => onChange({ embargoUntil: fromLocalInput(e.currentTarget.value) })}
        />
      </label>
    </section>
  );
}

const ACCESS_NAMES = {
  free: "Everyone",
  registered: "Readers with a free account",
  subscribers: "Subscribers",
} as const;

/** Who may read the story in full; the rest see its free preview and an offer. */
function AccessField({
  content,
  editable,
  sections,
  onChange,
}: {
  content: StoryContent;
  editable: boolean;
  sections: Section[];
  onChange: Change;
}) {
  const sectionDefault = sections.find((s) => s.slug === content.sectionSlug)?.defaultAccess;
  const level = content.access?.level;
  return (
    <>
      <label class="field">
        <span>Who may read it in full</span>
        <select
          value={level ?? ""}
          disabled={!editable}
          onChange={(e) => {
            const v = e.currentTarget.value;
            onChange({
              access:
                v === "free" || v === "registered" || v === "subscribers"
                  ? { level: v, plans: v === "subscribers" ? (content.access?.plans ?? []) : [] }
                  : undefined,
            });
          }}
        >
          <option value="">Section default ({ACCESS_NAMES[sectionDefault?.level ?? "free"]})</option>
          <option value="free">{ACCESS_NAMES.free}</option>
          <option value="registered">{ACCESS_NAMES.registered}</option>
          <option value="subscribers">{ACCESS_NAMES.subscribers}</option>
        </select>
      </label>
      {level === "subscribers" ? (
        <label class="field">
          <span>
            Only subscribers of these plans (their short names, separated by commas; empty: any plan)
          </span>
          <input
            value={content.access?.plans.join(", ") ?? ""}
            readOnly={!editable}
            onChange={(e) =>
              onChange({
                access: {
                  level: "subscribers",
                  plans: e.currentTarget.value
                    .split(",")
                    .map((p) => p.trim())
                    .filter(Boolean),
                },
              })
            }
          />
        </label>
      ) : null}
      {(level ?? sectionDefault?.level ?? "free") !== "free" ? (
        <p class="hint">
          Readers without access see the first paragraphs, or the text above the “Free preview ends” marker
          (toolbar), then an offer to register or subscribe.
        </p>
      ) : null}
      <label class="field">
        <span>Sponsored by (paid content; empty: not sponsored)</span>
        <input
          value={content.sponsor?.name ?? ""}
          readOnly={!editable}
          onChange={(e) => {
            const name = e.currentTarget.value;
            onChange({ sponsor: name.trim() ? { ...content.sponsor, name } : undefined });
          }}
        />
      </label>
      {content.sponsor ? (
        <label class="field">
          <span>The sponsor’s website (optional)</span>
          <input
            type="url"
            value={content.sponsor.url ?? ""}
            readOnly={!editable}
            onChange={(e) => {
              const url = e.currentTarget.value.trim();
              const { url: _old, ...rest } = content.sponsor!;
              onChange({ sponsor: url ? { ...rest, url } : rest });
            }}
          />
        </label>
      ) : null}
      {content.sponsor ? (
        <p class="hint">
          The story is labelled “Sponsored” on its page, in lists and in feeds, names the sponsor in its
          structured data, and stays out of the Google News sitemap.
        </p>
      ) : null}
    </>
  );
}

export function HeroPanel({
  hero,
  editable,
  problems,
  onDropFiles,
  onDescribe,
  onRemove,
  onChoose,
}: {
  hero: ImageJson | undefined;
  editable: boolean;
  /** What the server said about the main picture. */
  problems: string[];
  onDropFiles: (files: File[]) => void;
  onDescribe: (img: ImageJson) => void;
  onRemove: () => void;
  onChoose: () => void;
}) {
  return (
    <section class="panel">
      <h2>Main picture</h2>
      <div
        class="dropzone"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          if (editable) onDropFiles(imageFiles(e.dataTransfer?.files));
        }}
      >
        {hero ? (
          <>
            <img
              src={hero.thumbnail}
              alt={hero.alt}
              width={240}
              height={Math.round((240 * hero.height) / hero.width)}
            />
            <p class="sub">
              {hero.caption || <em>No caption yet</em>} · {hero.credit || <em>no credit yet</em>}
            </p>
            {editable ? (
              <>
                <button type="button" class="small" onClick={() => onDescribe(hero)}>
                  Edit picture details
                </button>{" "}
                <button type="button" class="small" onClick={onRemove}>
                  Remove
                </button>
              </>
            ) : null}
          </>
        ) : (
          <p class="sub">Drop a picture here, or</p>
        )}
        {editable ? (
          <button type="button" class="small" onClick={onChoose}>
            {hero ? "Choose another" : "Choose or upload a picture"}
          </button>
        ) : null}
      </div>
      {problems.length ? <p class="error">{problems.join("; ")}</p> : null}
    </section>
  );
}

export function RelatedVideosPanel({
  ids,
  videos,
  editable,
  onChange,
  onAdd,
}: {
  ids: number[];
  videos: ReadonlyMap<number, VideoJson>;
  editable: boolean;
  onChange: Change;
  onAdd: () => void;
}) {
  return (
    <section class="panel">
      <h2>Related videos</h2>
      <ul class="plain">
        {ids.map((vid) => {
          const v = videos.get(vid);
          return (
            <li>
              {v
                ? `${v.title}${v.durationSeconds !== null ? ` (${formatDuration(v.durationSeconds)})` : ""}`
                : `Video ${vid}`}{" "}
              {editable ? (
                <button
                  type="button"
                  class="small"
                  onClick={() => onChange({ relatedVideoIds: ids.filter((x) => x !== vid) })}
                >
                  Remove
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      {editable ? (
        <button type="button" class="small" onClick={onAdd}>
          Add a video
        </button>
      ) : null}
    </section>
  );
}
