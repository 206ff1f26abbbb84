/** Choosing a published story to recommend ("Read more"), by searching headlines. */
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "./api.ts";
import { when } from "./format.ts";

interface Row {
  id: number;
  headline: string;
  firstPublishedAt: string | null;
  section: { name: string };
}

export function StoryPicker({
  exclude,
  onPick,
  onClose,
  title = "Recommend a story",
}: {
  title?: string;
  exclude: number;
  onPick: (id: number, headline: string) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [q, setQ] = useState("");
  const [rows, setRows] = useState<Row[]>([]);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  useEffect(() => {
    const t = setTimeout(() => {
      void api<{ items: Row[] }>(
        "GET",
        `/api/admin/stories?status=published&limit=20${q.trim() ? `&q=${encodeURIComponent(q.trim())}` : ""}`,
      ).then((r) => setRows(r.items.filter((x) => x.id !== exclude)));
    }, 150);
    return () => clearTimeout(t);
  }, [q]);
  return (
    <dialog ref={ref} class="picker" aria-labelledby="spicker-h" onClose={onClose}>
      <h2 id="spicker-h">{title}</h2>
      <label class="field">
        <span>Search published stories</span>
        <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
      </label>
      <ul class="plain story-choices">
        {rows.map((r) => (
          <li>
            <button type="button" class="tile" onClick={() => onPick(r.id, r.headline)}>
              <strong>{r.headline}</strong>
              <span class="sub">
                {" "}
                · {r.section.name} · {when(r.firstPublishedAt)}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <form method="dialog">
        <button type="submit">Cancel</button>
      </form>
    </dialog>
  );
}
