/** The editor's side panels: revisions (compare any two, restore), corrections, sources. */
import { useEffect, useState } from "preact/hooks";
import { type Source, type StoryJson, api } from "./api.ts";
import { when } from "./format.ts";

interface Revision {
  number: number;
  userName: string;
  createdAt: string;
  status: string;
  published: boolean;
  note: string;
}

export interface Diff {
  text: {
    field: string;
    label: string;
    /** The changed paragraphs, each whole. */
    paragraphs: { gapBefore: boolean; parts: { kind: "same" | "added" | "removed"; text: string }[] }[];
  }[];
  other: string[];
}

/** A word-level diff: the changed paragraphs of each text field, and other changes in words. */
export function DiffView({ diff }: { diff: Diff }) {
  return (
    <>
      {diff.text.length === 0 && diff.other.length === 0 ? <p>No differences.</p> : null}
      {diff.text.map((f) => (
        <div>
          <h4>{f.label}</h4>
          {f.paragraphs.map((para) => (
            <>
              {para.gapBefore ? <p class="sub">…</p> : null}
              <p class="diff">
                {para.parts.map((p) =>
                  p.kind === "added" ? (
                    <ins>{p.text}</ins>
                  ) : p.kind === "removed" ? (
                    <del>{p.text}</del>
                  ) : (
                    p.text
                  ),
                )}
              </p>
            </>
          ))}
        </div>
      ))}
      {diff.other.length ? (
        <ul>
          {diff.other.map((o) => (
            <li>{o}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

export function RevisionsPanel({ story, onRestore }: { story: StoryJson; onRestore: (n: number) => void }) {
  const [items, setItems] = useState<Revision[]>([]);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [diff, setDiff] = useState<Diff | null>(null);
  useEffect(() => {
    void api<{ items: Revision[] }>("GET", `/api/admin/stories/${story.id}/revisions`).then((r) => {
      setItems(r.items);
      if (r.items.length >= 2) {
        setTo(r.items[0]!.number);
        setFrom(r.items[1]!.number);
      }
    });
  }, [story.id, story.revision]);
  useEffect(() => {
    setDiff(null);
    if (from === null || to === null || from === to) return;
    void api<Diff>(
      "GET",
      `/api/admin/stories/${story.id}/diff?from=${Math.min(from, to)}&to=${Math.max(from, to)}`,
    ).then(setDiff);
  }, [from, to, story.id]);
  return (
    <details class="panel">
      <summary>Revisions ({items.length})</summary>
      <p class="sub">
        Pick two to compare. Restoring saves an old version as the newest one; nothing is deleted.
      </p>
      <table class="revisions">
        <caption class="visually-hidden">Revisions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Revision</th>
            <th scope="col">Restore</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr>
              <td>
                <input
                  type="radio"
                  name="rev-from"
                  aria-label={`Compare from revision ${r.number}`}
                  checked={from === r.number}
                  onChange={() => setFrom(r.number)}
                />
              </td>
              <td>
                <input
                  type="radio"
                  name="rev-to"
                  aria-label={`Compare to revision ${r.number}`}
                  checked={to === r.number}
                  onChange={() => setTo(r.number)}
                />
              </td>
              <td>
                <strong>{r.number}</strong> {r.note}
                {r.published ? <span class="tag">public</span> : null}
                <br />
                <span class="sub">
                  {r.userName}, {when(r.createdAt)}
                </span>
              </td>
              <td>
                {r.number !== story.revision && story.can.edit ? (
                  <button type="button" class="small" onClick={() => onRestore(r.number)}>
                    Restore {r.number}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {diff ? (
        <div class="rev-diff" aria-live="polite">
          <h3>
            Changes from {Math.min(from!, to!)} to {Math.max(from!, to!)}
          </h3>
          <DiffView diff={diff} />
        </div>
      ) : null}
    </details>
  );
}

export function SourcesEditor({
  sources,
  onChange,
  disabled,
}: {
  sources: Source[];
  onChange: (s: Source[]) => void;
  disabled: boolean;
}) {
  const set = (i: number, patch: Partial<Source>) =>
    onChange(sources.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  return (
    <fieldset class="sources" disabled={disabled}>
      <legend>Sources</legend>
      {sources.map((s, i) => (
        <div class="source">
          <label class="field">
            <span>Who (source {i + 1})</span>
            <input value={s.name} onInput={(e) => set(i, { name: e.currentTarget.value })} />
          </label>
          <label class="field">
            <span>What they provided</span>
            <input
              value={s.description ?? ""}
              onInput={(e) => set(i, { description: e.currentTarget.value || undefined })}
            />
          </label>
          <label class="field">
            <span>Link (optional)</span>
            <input
              type="url"
              value={s.url ?? ""}
              onInput={(e) => set(i, { url: e.currentTarget.value || undefined })}
            />
          </label>
          <button type="button" class="small" onClick={() => onChange(sources.filter((_, j) => j !== i))}>
            Remove source {i + 1}
          </button>
        </div>
      ))}
      <button type="button" class="small" onClick={() => onChange([...sources, { name: "" }])}>
        Add a source
      </button>
    </fieldset>
  );
}
