/**
 * A live story's corrections and clarifications: add one, reword one (the
 * page then says it was updated; the earlier wording is kept), or retract
 * one (it stays on the page, struck through). Sending the same text twice
 * is refused by the server, so a double click publishes it once.
 */
import { useEffect, useState } from "preact/hooks";
import { ApiError, type StoryJson, api } from "./api.ts";
import { when } from "./format.ts";

type Kind = "correction" | "clarification";

interface Correction {
  id: number;
  kind: Kind;
  text: string;
  createdAt: string;
  updatedAt: string | null;
  retractedAt: string | null;
}

const label = (k: Kind) => (k === "clarification" ? "Clarification" : "Correction");

function problem(err: unknown): string {
  return err instanceof ApiError
    ? [err.message, ...err.fields.map((f) => f.message)].filter(Boolean).join(" ")
    : "That did not work; try again.";
}

function KindChoice({ name, kind, onChange }: { name: string; kind: Kind; onChange: (k: Kind) => void }) {
  return (
    <fieldset class="kind-choice">
      <legend>Kind</legend>
      {(["correction", "clarification"] as const).map((k) => (
        <label>
          <input type="radio" name={name} checked={kind === k} onChange={() => onChange(k)} /> {label(k)}
        </label>
      ))}
    </fieldset>
  );
}

export function CorrectionsPanel({ story }: { story: StoryJson }) {
  const [items, setItems] = useState<Correction[]>([]);
  const [kind, setKind] = useState<Kind>("correction");
  const [text, setText] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState<null | { id: number; kind: Kind; text: string }>(null);
  const base = `/api/admin/stories/${story.id}/corrections`;
  const load = () => void api<{ items: Correction[] }>("GET", base).then((r) => setItems(r.items));
  useEffect(load, [story.id]);

  const run = async (what: () => Promise<unknown>, done: string) => {
    if (busy) return false;
    setBusy(true);
    try {
      await what();
      setStatus(done);
      load();
      return true;
    } catch (err) {
      setStatus(problem(err));
      return false;
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel corrections-panel" aria-labelledby="corrections-h">
      <h2 id="corrections-h">Corrections ({items.length})</h2>
      <ul class="corrections">
        {items.map((c) =>
          editing?.id === c.id ? (
            <li>
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  void run(
                    () => api("PATCH", `${base}/${c.id}`, { kind: editing.kind, text: editing.text }),
                    "Updated on the story and on the corrections page.",
                  ).then((ok) => ok && setEditing(null));
                }}
              >
                <KindChoice
                  name={`ckind-${c.id}`}
                  kind={editing.kind}
                  onChange={(k) => setEditing({ ...editing, kind: k })}
                />
                <label class="field">
                  <span>Corrected wording</span>
                  <textarea
                    rows={3}
                    required
                    minLength={10}
                    value={editing.text}
                    onInput={(e) => setEditing({ ...editing, text: e.currentTarget.value })}
                  />
                </label>
                <button type="submit" disabled={busy}>
                  Save the new wording
                </button>{" "}
                <button type="button" onClick={() => setEditing(null)}>
                  Cancel
                </button>
              </form>
            </li>
          ) : (
            <li class={c.retractedAt ? "retracted" : undefined}>
              <strong>{label(c.kind)}</strong>, {when(c.createdAt)}
              {c.updatedAt ? ` (updated ${when(c.updatedAt)})` : ""}
              {c.retractedAt ? `, retracted ${when(c.retractedAt)}` : ""}:{" "}
              {c.retractedAt ? <del>{c.text}</del> : c.text}
              {story.can.correct && !c.retractedAt ? (
                <span class="correction-actions">
                  {" "}
                  <button
                    type="button"
                    class="small"
                    onClick={() => setEditing({ id: c.id, kind: c.kind, text: c.text })}
                  >
                    Edit
                  </button>{" "}
                  <button
                    type="button"
                    class="small danger"
                    onClick={() =>
                      confirm("Retract this correction? It stays on the story, struck through.") &&
                      void run(
                        () => api("POST", `${base}/${c.id}/retract`, {}),
                        "Retracted: the story shows it struck through.",
                      )
                    }
                  >
                    Retract
                  </button>
                </span>
              ) : null}
            </li>
          ),
        )}
      </ul>
      {story.can.correct ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(
              () => api("POST", base, { kind, text }),
              "Published on the story and on the corrections page.",
            ).then((ok) => ok && setText(""));
          }}
        >
          <KindChoice name="ckind" kind={kind} onChange={setKind} />
          <label class="field">
            <span>What was wrong, and what is right</span>
            <textarea
              rows={3}
              required
              minLength={10}
              value={text}
              onInput={(e) => setText(e.currentTarget.value)}
            />
          </label>
          <button type="submit" disabled={busy}>
            Publish correction
          </button>
        </form>
      ) : (
        <p class="sub">
          {story.status === "published"
            ? "Editors add corrections."
            : "Corrections are for published stories."}
        </p>
      )}
      <p role="status" class="sub">
        {status}
      </p>
    </section>
  );
}
