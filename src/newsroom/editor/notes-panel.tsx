/**
 * A story's internal notes: what an editor said when returning it, and the
 * newsroom's notes to one another. Never shown to readers. The newest note
 * from an editor returning the story is shown first to its writer.
 */
import { useEffect, useState } from "preact/hooks";
import { ApiError, api } from "./api.ts";
import { when } from "./format.ts";

export interface StoryNote {
  id: number;
  authorName: string;
  kind: "note" | "returned";
  body: string;
  createdAt: string;
}

export function NotesPanel({
  storyId,
  canWrite,
  refresh,
}: {
  storyId: number;
  canWrite: boolean;
  refresh: number;
}) {
  const [notes, setNotes] = useState<StoryNote[]>([]);
  const [text, setText] = useState("");
  const [message, setMessage] = useState("");
  const load = () =>
    api<{ items: StoryNote[] }>("GET", `/api/admin/stories/${storyId}/notes`)
      .then((r) => setNotes(r.items))
      .catch(() => undefined);
  useEffect(() => void load(), [storyId, refresh]);
  return (
    <section class="panel notes" aria-labelledby="notes-title">
      <h2 id="notes-title">Notes {notes.length ? <span class="count">({notes.length})</span> : null}</h2>
      <p class="sub">For the newsroom only; readers never see these.</p>
      {notes.length ? (
        <ol class="note-list">
          {notes.map((n) => (
            <li class={n.kind === "returned" ? "note note--returned" : "note"}>
              <p class="note-meta">
                <strong>{n.authorName}</strong>
                {n.kind === "returned" ? " returned the story" : ""} · {when(n.createdAt)}
              </p>
              <p class="note-body">{n.body}</p>
            </li>
          ))}
        </ol>
      ) : null}
      {canWrite ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void api("POST", `/api/admin/stories/${storyId}/notes`, { body: text })
              .then(() => {
                setText("");
                setMessage("Note added.");
                return load();
              })
              .catch((err: unknown) =>
                setMessage(
                  err instanceof ApiError
                    ? [err.message, ...err.fields.map((f) => f.message)].join(" ")
                    : "Not added; try again.",
                ),
              );
          }}
        >
          <label class="field">
            <span>Add a note</span>
            <textarea
              rows={2}
              value={text}
              maxLength={4000}
              onInput={(e) => setText(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="small" disabled={!text.trim()}>
            Add note
          </button>
        </form>
      ) : null}
      <p role="status" class="sub">
        {message}
      </p>
    </section>
  );
}
