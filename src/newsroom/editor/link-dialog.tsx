/**
 * Making a link (Ctrl/⌘+K, or Link on the toolbar): type an address, or
 * words to find one of our own published stories and link to it. Remove
 * takes the link off the selected words.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "./api.ts";
import { when } from "./format.ts";

interface Row {
  id: number;
  headline: string;
  path: string;
  firstPublishedAt: string | null;
  section: { name: string };
}

const isAddress = (s: string) => /^(https?:\/\/|mailto:)/i.test(s.trim());

export function LinkDialog({
  current,
  onDone,
}: {
  /** The link under the cursor, if any. */
  current: string | undefined;
  /** The address to link to, "" to remove the link, or null to leave things as they were. */
  onDone: (href: string | null) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState(current ?? "");
  const [rows, setRows] = useState<Row[]>([]);
  const [problem, setProblem] = useState("");
  useEffect(() => ref.current?.showModal(), []);
  useEffect(() => {
    const q = text.trim();
    if (isAddress(q) || q.length < 2) return setRows([]);
    const t = setTimeout(() => {
      void api<{ items: Row[] }>(
        "GET",
        `/api/admin/stories?status=published&limit=8&q=${encodeURIComponent(q)}`,
      )
        .then((r) => setRows(r.items))
        .catch(() => setRows([]));
    }, 150);
    return () => clearTimeout(t);
  }, [text]);
  const submit = () => {
    const href = text.trim();
    if (!isAddress(href) || !URL.canParse(href)) {
      setProblem(
        rows.length
          ? "Choose one of the stories below, or type a full address starting with https://."
          : "Type a full address starting with https:// (or mailto:), or words from one of our headlines.",
      );
      return;
    }
    onDone(href);
  };
  return (
    <dialog ref={ref} class="picker link-dialog" aria-labelledby="link-h" onClose={() => onDone(null)}>
      <h2 id="link-h">Link</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label class="field">
          <span>Address, or search our stories</span>
          <input
            type="text"
            value={text}
            autoFocus
            aria-describedby="link-problem"
            onInput={(e) => {
              setText(e.currentTarget.value);
              setProblem("");
            }}
          />
        </label>
        <p id="link-problem" class="error" role="alert">
          {problem}
        </p>
        {rows.length ? (
          <ul class="plain story-choices" aria-label="Our stories">
            {rows.map((r) => (
              <li>
                <button type="button" class="tile" onClick={() => onDone(`${location.origin}${r.path}`)}>
                  <strong>{r.headline}</strong>
                  <span class="sub">
                    {" "}
                    · {r.section.name} · {when(r.firstPublishedAt)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <p class="dialog-actions">
          <button type="submit" class="primary">
            Link
          </button>{" "}
          {current ? (
            <button type="button" onClick={() => onDone("")}>
              Remove the link
            </button>
          ) : null}{" "}
          <button type="button" onClick={() => onDone(null)}>
            Cancel
          </button>
        </p>
      </form>
    </dialog>
  );
}
