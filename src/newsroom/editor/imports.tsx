/**
 * Import (admins): a WordPress or Ghost export uploaded from the browser
 * (with the upload's progress), the import runs on the server, its progress
 * while it works, and the report: counts, every item's outcome, what needs
 * a person. An interrupted run is continued with one button.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, type FieldError, api, csrf, parseText } from "./api.ts";
import { when } from "./format.ts";
import { navigate } from "./router.ts";

interface Run {
  id: number;
  origin: "cli" | "newsroom";
  kind: "wordpress" | "ghost";
  file: string;
  state: "running" | "interrupted" | "done" | "failed";
  position: number;
  total: number;
  counts: Partial<Record<"created" | "updated" | "unchanged" | "skipped" | "error", number>>;
  startedAt: string;
  finishedAt: string | null;
  startedBy: { id: number; name: string } | null;
  options: { fetchMedia?: boolean; section?: string; siteUrl?: string } | null;
  error: string | null;
  report: {
    format?: string;
    unresolved?: string[];
    resumedAfter?: number;
    comments?: { created: number; unchanged: number; skipped: number };
  } | null;
  canContinue: boolean;
}

interface Item {
  id: number;
  key: string;
  status: string;
  title: string | null;
  url: string | null;
  detail: string | null;
  notes: string[];
}

const STATE_LABEL: Record<Run["state"], string> = {
  running: "Running",
  interrupted: "Interrupted",
  done: "Done",
  failed: "Failed",
};

const KIND_LABEL = { wordpress: "WordPress", ghost: "Ghost" };

/** Sends the form with XMLHttpRequest: unlike fetch, it tells how much of a large file has gone. */
function send(form: FormData, onProgress: (fraction: number) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/admin/imports");
    xhr.setRequestHeader("x-csrf-token", csrf());
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      try {
        resolve(parseText<Run>(xhr.status >= 200 && xhr.status < 300, xhr.status, xhr.responseText));
      } catch (err) {
        reject(err);
      }
    };
    xhr.onerror = () =>
      reject(new ApiError(0, "GZ_ERR_OFFLINE", "Cannot reach the server; the upload did not finish."));
    xhr.send(form);
  });
}

function counts(r: Run): string {
  const c = r.counts;
  const n = (k: keyof Run["counts"]) => (c[k] ?? 0).toLocaleString();
  return `${n("created")} created, ${n("updated")} updated, ${n("unchanged")} unchanged, ${n("skipped")} skipped, ${n("error")} failed`;
}

function Progress({ run }: { run: Run }) {
  if (run.state === "done" || !run.total) return null;
  return (
    <p class="import-progress">
      <progress id={`progress-${run.id}`} max={run.total} value={run.position} />{" "}
      <label for={`progress-${run.id}`}>
        {run.position.toLocaleString()} of {run.total.toLocaleString()} items
      </label>
    </p>
  );
}

/** Re-reads what `load` reads every 1.5 s while `active` says the run is working. */
function usePolling(load: () => Promise<boolean>, deps: unknown[]) {
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      let again = false;
      try {
        again = await load();
      } catch {
        again = true;
      }
      if (again && !stop) timer = setTimeout(() => void tick(), 1500);
    };
    void tick();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, deps);
}

export function ImportsPage() {
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState("");
  const [sent, setSent] = useState<number | null>(null);
  const [kind, setKind] = useState<"wordpress" | "ghost" | "">("");
  const fileRef = useRef<HTMLInputElement>(null);

  usePolling(async () => {
    const r = await api<{ items: Run[] }>("GET", "/api/admin/imports");
    setRuns(r.items);
    return r.items.some((x) => x.state === "running");
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    const formEl = e.currentTarget as HTMLFormElement;
    setError("");
    setFieldErrors([]);
    const form = new FormData(formEl);
    if (!fileRef.current?.files?.length) {
      setFieldErrors([{ path: "file", message: "Choose the export file to import." }]);
      fileRef.current?.focus();
      return;
    }
    setSent(0);
    try {
      const run = await send(form, setSent);
      navigate(`/admin/imports/${run.id}`);
    } catch (err) {
      setSent(null);
      if (err instanceof ApiError) {
        setError(err.message);
        setFieldErrors(err.fields);
      } else setError("The upload failed.");
    }
  };
  const fieldError = (name: string) => {
    const f = fieldErrors.find((x) => x.path === name);
    return f ? (
      <span class="error" id={`${name}-error`}>
        {f.message}
      </span>
    ) : null;
  };
  const described = (name: string, hint?: string) =>
    [fieldErrors.some((x) => x.path === name) ? `${name}-error` : "", hint ?? ""].filter(Boolean).join(" ") ||
    undefined;
  const running = runs?.find((r) => r.state === "running");

  return (
    <section class="imports">
      <h1>Import an archive</h1>
      <p class="sub">
        Bring stories, pages, authors, sections, comments and pictures from WordPress or Ghost. Importing the
        same export again updates what changed and never duplicates; old addresses redirect to the new ones.
      </p>
      <form class="settings-form import-form" onSubmit={submit} noValidate>
        <label class="field">
          <span>Export file</span>
          <input
            ref={fileRef}
            type="file"
            name="file"
            accept=".xml,.json,application/xml,text/xml,application/json"
            aria-describedby={described("file", "file-hint")}
            aria-invalid={fieldErrors.some((x) => x.path === "file") || undefined}
            onChange={(e) => {
              const name = e.currentTarget.files?.[0]?.name.toLowerCase() ?? "";
              setKind(name.endsWith(".json") ? "ghost" : name.endsWith(".xml") ? "wordpress" : "");
            }}
          />
          <span class="sub" id="file-hint">
            WordPress: Tools → Export → All content (.xml). Ghost: Settings → Advanced → Import/Export →
            Export content (.json).
          </span>
          {fieldError("file")}
        </label>
        <label class="check">
          <input type="checkbox" name="fetchMedia" defaultChecked /> Download pictures from the old site (it
          must still be online)
        </label>
        <label class="field">
          <span>Section for stories without a category or tag (optional)</span>
          <input
            name="section"
            placeholder="archive"
            pattern="[a-z0-9-]+"
            aria-describedby={described("section")}
          />
          {fieldError("section")}
        </label>
        {kind !== "wordpress" ? (
          <label class="field">
            <span>The Ghost site's address (only if the export lacks it)</span>
            <input
              name="siteUrl"
              type="url"
              placeholder="https://old.example.com"
              aria-describedby={described("siteUrl")}
            />
            {fieldError("siteUrl")}
          </label>
        ) : null}
        <button type="submit" class="primary" disabled={sent !== null || !!running}>
          Start import
        </button>
        {running ? <p class="sub">An import is running; the next one can start when it ends.</p> : null}
        {sent !== null ? (
          <p class="import-progress">
            <progress id="upload-progress" max={1} value={sent} />{" "}
            <label for="upload-progress">Uploading… {Math.round(sent * 100)} %</label>
          </p>
        ) : null}
        <p role="alert" class="error">
          {error}
        </p>
      </form>

      <h2>Imports</h2>
      {runs === null ? (
        <p>Loading…</p>
      ) : runs.length === 0 ? (
        <p class="sub">No import yet.</p>
      ) : (
        <table class="stories">
          <caption class="visually-hidden">Imports, newest first</caption>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Started</th>
              <th scope="col">State</th>
              <th scope="col">Items</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr>
                <td>
                  <a
                    href={`/admin/imports/${r.id}`}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(`/admin/imports/${r.id}`);
                    }}
                  >
                    {r.file}
                  </a>
                  <div class="sub">{KIND_LABEL[r.kind]}</div>
                </td>
                <td>
                  {when(r.startedAt)}
                  <div class="sub">
                    {r.origin === "cli" ? "with the gazette command" : (r.startedBy?.name ?? "")}
                  </div>
                </td>
                <td>
                  <span class={`status import-${r.state}`}>{STATE_LABEL[r.state]}</span>
                </td>
                <td>
                  {r.state === "running" && r.total
                    ? `${r.position.toLocaleString()} of ${r.total.toLocaleString()}`
                    : r.state === "failed" && !r.position
                      ? "—"
                      : counts(r)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const SHOW = [
  ["attention", "Needing attention"],
  ["all", "All items"],
  ["created", "Created"],
  ["updated", "Updated"],
  ["unchanged", "Unchanged"],
  ["skipped", "Skipped"],
  ["error", "Failed"],
] as const;

export function ImportRunPage({ id }: { id: number }) {
  const [run, setRun] = useState<Run | null | undefined>(undefined);
  const [show, setShow] = useState<(typeof SHOW)[number][0]>("attention");
  const [items, setItems] = useState<Item[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [status, setStatus] = useState("");
  const [round, setRound] = useState(0);

  const loadItems = async (after: number) => {
    const r = await api<{ items: Item[]; next: number | null }>(
      "GET",
      `/api/admin/imports/${id}/items?show=${show}&limit=100&after=${after}`,
    );
    setItems((old) => (after ? [...old, ...r.items] : r.items));
    setNext(r.next);
  };

  usePolling(async () => {
    try {
      const r = await api<Run>("GET", `/api/admin/imports/${id}`);
      setRun(r);
      await loadItems(0);
      return r.state === "running";
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        setRun(null);
        return false;
      }
      throw err;
    }
  }, [id, show, round]);

  const resume = async () => {
    setStatus("");
    try {
      setRun(await api<Run>("POST", `/api/admin/imports/${id}/continue`));
      setRound((n) => n + 1);
    } catch (err) {
      setStatus(err instanceof ApiError ? err.message : "Could not continue the import.");
    }
  };

  const back = (
    <p>
      <a
        href="/admin/imports"
        onClick={(e) => {
          e.preventDefault();
          navigate("/admin/imports");
        }}
      >
        ← All imports
      </a>
    </p>
  );
  if (run === undefined) return <p>Loading…</p>;
  if (run === null)
    return (
      <section>
        {back}
        <h1>No such import</h1>
      </section>
    );
  const unresolved = run.report?.unresolved ?? [];
  return (
    <section class="imports">
      {back}
      <h1>
        {KIND_LABEL[run.kind]} import: {run.file}
      </h1>
      <p>
        <span class={`status import-${run.state}`}>{STATE_LABEL[run.state]}</span>{" "}
        <span class="sub">
          started {when(run.startedAt)}
          {run.origin === "cli"
            ? " with the gazette command"
            : run.startedBy
              ? ` by ${run.startedBy.name}`
              : ""}
          {run.finishedAt ? `, ended ${when(run.finishedAt)}` : ""}
          {run.report?.format ? ` · ${run.report.format}` : ""}
        </span>
      </p>
      <Progress run={run} />
      <p role="status">
        {run.state === "running"
          ? "Importing. You can leave this page; the import goes on on the server."
          : run.state === "interrupted"
            ? `The import stopped after item ${run.position} of ${run.total} (its server stopped). ${run.origin === "cli" ? "Run the same gazette command again to continue it." : "Continue it from there."}`
            : ""}
      </p>
      {run.error ? (
        <div class="error-box">
          <p>{run.error}</p>
        </div>
      ) : null}
      {run.canContinue ? (
        <p>
          <button type="button" class="primary" onClick={() => void resume()}>
            Continue the import
          </button>
        </p>
      ) : null}
      {status ? (
        <p role="alert" class="error">
          {status}
        </p>
      ) : null}
      {run.state !== "failed" || run.position ? (
        <dl class="import-counts">
          {(["created", "updated", "unchanged", "skipped", "error"] as const).map((k) => (
            <div>
              <dt>{k === "error" ? "failed" : k}</dt>
              <dd>{(run.counts[k] ?? 0).toLocaleString()}</dd>
            </div>
          ))}
          {run.report?.comments ? (
            <div>
              <dt>comments</dt>
              <dd>{run.report.comments.created.toLocaleString()}</dd>
            </div>
          ) : null}
        </dl>
      ) : null}
      {run.report?.resumedAfter ? (
        <p class="sub">Continued after item {run.report.resumedAfter} of an interrupted run.</p>
      ) : null}
      {unresolved.length ? (
        <>
          <h2>Unresolved ({unresolved.length})</h2>
          <p class="sub">
            What needs a person: pictures not found, blocks kept as text, authors without email.
          </p>
          <ul class="unresolved">
            {unresolved.map((u) => (
              <li>{u}</li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>Items</h2>
      <label class="field import-show">
        <span>Show</span>
        <select value={show} onChange={(e) => setShow(e.currentTarget.value as typeof show)}>
          {SHOW.map(([v, label]) => (
            <option value={v}>{label}</option>
          ))}
        </select>
      </label>
      {items.length === 0 ? (
        <p class="sub">{show === "attention" ? "Nothing needs attention." : "No item here."}</p>
      ) : (
        <table class="stories">
          <caption class="visually-hidden">Items of the import</caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Outcome</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr>
                <td>
                  {i.url ? <a href={i.url}>{i.title || i.key}</a> : i.title || i.key}
                  <div class="sub">{i.key}</div>
                </td>
                <td>{i.status === "error" ? "failed" : i.status}</td>
                <td>
                  {i.detail ? <p>{i.detail}</p> : null}
                  {i.notes.length ? (
                    <ul>
                      {i.notes.map((n) => (
                        <li>{n}</li>
                      ))}
                    </ul>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next !== null ? (
        <p>
          <button type="button" onClick={() => void loadItems(next)}>
            More items
          </button>
        </p>
      ) : null}
    </section>
  );
}
