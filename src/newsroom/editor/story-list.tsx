/**
 * The story list: filters (status, section, author) and a search of
 * headline, byline, authors and text, all kept in the address (a filtered
 * list can be bookmarked or sent); the trash; and a new-story button.
 */
import { useEffect, useState } from "preact/hooks";
import { type Author, type Me, type Section, type Status, ApiError, api } from "./api.ts";
import { STATUS_LABEL, when } from "./format.ts";
import { navigate } from "./router.ts";

interface Row {
  id: number;
  headline: string;
  byline: string;
  status: Status;
  updatedAt: string;
  scheduledAt: string | null;
  path: string | null;
  section: { slug: string; name: string };
  mine: boolean;
  /** The agency updated the wire item this story came from: apply or ignore it in the story. */
  wireUpdate: boolean;
}

export function StoryList({ me }: { me: Me }) {
  const params = new URLSearchParams(location.search);
  const [status, setStatus] = useState(params.get("status") ?? "");
  const [section, setSection] = useState(params.get("section") ?? "");
  const [author, setAuthor] = useState(params.get("author") ?? "");
  const [q, setQ] = useState(params.get("q") ?? "");
  const [trash, setTrash] = useState(params.get("trash") === "1");
  const [reload, setReload] = useState(0);
  const [rows, setRows] = useState<Row[] | undefined>(undefined);
  const [sections, setSections] = useState<Section[]>([]);
  const [authors, setAuthors] = useState<Author[]>([]);
  const [error, setError] = useState("");

  useEffect(() => {
    void api<{ items: Section[] }>("GET", "/api/admin/sections").then((r) => setSections(r.items));
    void api<{ items: Author[] }>("GET", "/api/admin/authors").then((r) => setAuthors(r.items));
  }, []);
  useEffect(() => {
    const qs = new URLSearchParams();
    if (status) qs.set("status", status);
    if (section) qs.set("section", section);
    if (author) qs.set("author", author);
    if (q.trim()) qs.set("q", q.trim());
    if (trash) qs.set("trash", "1");
    history.replaceState(null, "", `/admin${qs.size ? `?${qs}` : ""}`);
    // Only the answer to the latest filters is shown: an earlier request that
    // answers late must not put the previous list back.
    let current = true;
    const t = setTimeout(() => {
      api<{ items: Row[] }>("GET", `/api/admin/stories?${qs}`)
        .then((r) => current && setRows(r.items))
        .catch(
          (e: unknown) => current && setError(e instanceof ApiError ? e.message : "Could not load stories."),
        );
    }, 150);
    return () => {
      current = false;
      clearTimeout(t);
    };
  }, [status, section, author, q, trash, reload]);

  const create = async () => {
    const first = sections[0];
    if (!first) return setError("There are no sections yet: an admin must create one first.");
    try {
      const s = await api<{ id: number }>("POST", "/api/admin/stories", {
        headline: "Untitled story",
        sectionSlug: section || first.slug,
        authorSlugs: me.authorSlug ? [me.authorSlug] : [],
      });
      // "new": the editor deletes it again if it is left untouched.
      navigate(`/admin/stories/${s.id}?new=1`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Could not create the story.");
    }
  };

  return (
    <section class="story-list">
      <div class="page-head">
        <h1>Stories</h1>
        <button type="button" class="primary" onClick={create}>
          New story
        </button>
      </div>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search stories
          <input
            type="search"
            title="Headline, byline, author or words of the text"
            value={q}
            onInput={(e) => setQ(e.currentTarget.value)}
          />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">Any</option>
            {Object.entries(STATUS_LABEL).map(([v, l]) => (
              <option value={v}>{l}</option>
            ))}
          </select>
        </label>
        <label>
          Section
          <select value={section} onChange={(e) => setSection(e.currentTarget.value)}>
            <option value="">Any</option>
            {sections.map((s) => (
              <option value={s.slug}>{s.name}</option>
            ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" checked={trash} onChange={(e) => setTrash(e.currentTarget.checked)} /> Trash
        </label>
        <label>
          Author
          <select value={author} onChange={(e) => setAuthor(e.currentTarget.value)}>
            <option value="">Anyone</option>
            {authors.map((a) => (
              <option value={a.slug}>{a.name}</option>
            ))}
          </select>
        </label>
      </form>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {rows === undefined ? (
        <p>Loading…</p>
      ) : rows.length === 0 ? (
        <p>{trash ? "The trash is empty." : "No stories match."}</p>
      ) : (
        <table class="stories">
          <caption class="visually-hidden">Stories, most recently changed first</caption>
          <thead>
            <tr>
              <th scope="col">Headline</th>
              <th scope="col">Author</th>
              <th scope="col">Status</th>
              <th scope="col">Section</th>
              <th scope="col">Last change</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>
                  <a
                    href={`/admin/stories/${r.id}`}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(`/admin/stories/${r.id}`);
                    }}
                  >
                    {r.headline || "Untitled"}
                  </a>
                  {r.mine ? <span class="tag">yours</span> : null}
                  {r.wireUpdate ? <span class="wire-tag wire-tag--urgent">agency update</span> : null}
                </td>
                <td>{r.byline || <span class="sub">—</span>}</td>
                <td>
                  <span class={`status status-${r.status}`}>{STATUS_LABEL[r.status]}</span>
                  {r.status === "scheduled" && r.scheduledAt ? (
                    <span class="sub"> for {when(r.scheduledAt)}</span>
                  ) : null}
                </td>
                <td>{r.section.name}</td>
                <td>
                  {when(r.updatedAt)}
                  {trash ? (
                    <>
                      {" "}
                      <button
                        type="button"
                        class="small"
                        onClick={() =>
                          void api("POST", `/api/admin/stories/${r.id}/untrash`)
                            .then(() => setReload((n) => n + 1))
                            .catch((e: unknown) =>
                              setError(e instanceof ApiError ? e.message : "Could not restore it."),
                            )
                        }
                      >
                        Restore “{r.headline || "Untitled"}”
                      </button>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
