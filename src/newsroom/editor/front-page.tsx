/**
 * Front pages: an editor chooses the stories that open the home page (the
 * first leads) or a section's top, in order; the newest stories fill the
 * rest. Saving reaches readers at once; the preview below shows how the top
 * of the page will read, placed stories first, as the order changes.
 */
import { useEffect, useState } from "preact/hooks";
import { ApiError, api } from "./api.ts";
import { StoryPicker } from "./story-picker.tsx";

interface Placed {
  id: number;
  headline: string | null;
  path: string | null;
  section: string | null;
  live: boolean;
}

export function FrontPagePage({ canPlace }: { canPlace: boolean }) {
  const [sections, setSections] = useState<{ slug: string; name: string }[]>([]);
  const [page, setPage] = useState("home");
  const [stories, setStories] = useState<Placed[]>([]);
  const [dirty, setDirty] = useState(false);
  const [picking, setPicking] = useState(false);
  const [message, setMessage] = useState("");
  const [newest, setNewest] = useState<{ id: number; headline: string | null }[]>([]);
  useEffect(() => {
    void api<{ items: { slug: string; name: string }[] }>("GET", "/api/admin/sections").then((r) =>
      setSections(r.items),
    );
  }, []);
  useEffect(() => {
    const section = page === "home" ? "" : `&section=${page.slice("section:".length)}`;
    void api<{ items: { id: number; headline: string }[] }>(
      "GET",
      `/api/admin/stories?status=published&order=published&limit=12${section}`,
    ).then((r) => setNewest(r.items));
    void api<{ stories: Placed[] }>("GET", `/api/admin/front-pages/${page}`).then((r) => {
      setStories(r.stories);
      setDirty(false);
    });
  }, [page]);
  const move = (i: number, by: -1 | 1) => {
    const next = [...stories];
    const [x] = next.splice(i, 1);
    next.splice(i + by, 0, x!);
    setStories(next);
    setDirty(true);
  };
  const publicPath = page === "home" ? "/" : `/${page.slice("section:".length)}`;
  return (
    <section class="front-page-editor">
      <h1>Front pages</h1>
      <label class="field">
        <span>Page</span>
        <select value={page} onChange={(e) => setPage(e.currentTarget.value)}>
          <option value="home">Home page</option>
          {sections.map((s) => (
            <option value={`section:${s.slug}`}>{s.name} (section top)</option>
          ))}
        </select>
      </label>
      <p class="sub">
        These stories open the page in this order (the first leads); the newest stories follow. A story taken
        off the site drops out by itself.
      </p>
      {stories.length === 0 ? <p>Nothing placed: the newest story leads.</p> : null}
      <ol class="placed-list">
        {stories.map((s, i) => (
          <li class={s.live ? "" : "gone"}>
            <span class="placed-headline">
              {i === 0 ? <strong>Lead: </strong> : null}
              {s.live ? s.headline : `Story ${s.id} (no longer on the site)`}
            </span>
            {canPlace ? (
              <span class="placed-actions">
                <button
                  type="button"
                  class="small"
                  disabled={i === 0}
                  onClick={() => move(i, -1)}
                  aria-label={`Move up: ${s.headline ?? s.id}`}
                >
                  ↑
                </button>
                <button
                  type="button"
                  class="small"
                  disabled={i === stories.length - 1}
                  onClick={() => move(i, 1)}
                  aria-label={`Move down: ${s.headline ?? s.id}`}
                >
                  ↓
                </button>
                <button
                  type="button"
                  class="small"
                  onClick={() => {
                    setStories(stories.filter((x) => x.id !== s.id));
                    setDirty(true);
                  }}
                  aria-label={`Remove: ${s.headline ?? s.id}`}
                >
                  Remove
                </button>
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      {canPlace ? (
        <p>
          <button type="button" onClick={() => setPicking(true)} disabled={stories.length >= 12}>
            Add a story
          </button>{" "}
          <button
            type="button"
            class="primary"
            disabled={!dirty}
            onClick={() =>
              void api<{ stories: Placed[] }>("PUT", `/api/admin/front-pages/${page}`, {
                storyIds: stories.filter((s) => s.live).map((s) => s.id),
              })
                .then((r) => {
                  setStories(r.stories);
                  setDirty(false);
                  setMessage("Saved: readers see it now.");
                })
                .catch((e: unknown) =>
                  setMessage(
                    e instanceof ApiError
                      ? [e.message, ...e.fields.map((f) => f.message)].join(" ")
                      : "Not saved; try again.",
                  ),
                )
            }
          >
            Save the order
          </button>
        </p>
      ) : null}
      <p role="status" class="sub">
        {message}
      </p>
      {picking ? (
        <StoryPicker
          title="Place a story"
          exclude={0}
          onClose={() => setPicking(false)}
          onPick={(id, headline) => {
            setPicking(false);
            if (stories.some((s) => s.id === id)) return;
            setStories([...stories, { id, headline, path: null, section: null, live: true }]);
            setDirty(true);
          }}
        />
      ) : null}
      <h2>How the top of the page will read</h2>
      <ol class="front-preview" aria-label="Preview of the page's first stories">
        {[...stories.filter((s) => s.live), ...newest.filter((n) => !stories.some((s) => s.id === n.id))]
          .slice(0, Math.max(7, stories.length))
          .map((s, i) => (
            <li class={i === 0 ? "lead" : ""}>
              {i === 0 ? <strong>{s.headline}</strong> : s.headline}
              {stories.some((p) => p.id === s.id) ? (
                <span class="sub"> · placed</span>
              ) : (
                <span class="sub"> · newest</span>
              )}
            </li>
          ))}
      </ol>
      <p>
        <a href={publicPath} target="_blank" rel="noopener">
          Open the page as readers see it
        </a>
      </p>
    </section>
  );
}
