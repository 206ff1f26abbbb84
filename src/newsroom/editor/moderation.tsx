/**
 * Comment moderation: the pending, reported and all queues, with keyboard
 * shortcuts (j/k to move, a approve, r reject, b ban), a reader's history,
 * and (admins) the moderation rules.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, type Me, api } from "./api.ts";
import { when } from "./format.ts";
import { deskChanged } from "./desk.tsx";

interface Item {
  id: number;
  body: string;
  status: string;
  holdReasons: string;
  reportCount: number;
  reports: { reason: string; note: string }[];
  createdAt: string;
  reader: { id: number; displayName: string; since: string; banned: boolean };
  story: { id: number; headline: string; path: string };
}

interface Policy {
  bannedWords: string[];
  suspectWords: string[];
  maxLinks: number;
  newAccountHours: number;
  premoderate: boolean;
  closeAfterDays: number;
}

type Queue = "pending" | "reported" | "all";

function ReaderHistory({ id, onClose }: { id: number; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [data, setData] = useState<null | {
    reader: { displayName: string; createdAt: string; bannedAt: string | null };
    comments: { id: number; body: string; status: string; createdAt: string }[];
    log: { action: string; reason: string; createdAt: string }[];
  }>(null);
  useEffect(() => {
    ref.current?.showModal();
    void api<typeof data>("GET", `/api/admin/readers/${id}`).then(setData);
  }, [id]);
  return (
    <dialog ref={ref} class="picker" aria-labelledby="rh-h" onClose={onClose}>
      <h2 id="rh-h">{data ? `${data.reader.displayName}: history` : "Reader history"}</h2>
      {data ? (
        <>
          <p class="sub">
            Reader since {when(data.reader.createdAt)}
            {data.reader.bannedAt ? ` · banned ${when(data.reader.bannedAt)}` : ""}
          </p>
          <h3>Comments</h3>
          <ul class="plain">
            {data.comments.map((c) => (
              <li>
                <span
                  class={`status status-${c.status === "approved" ? "published" : c.status === "pending" ? "review" : "unpublished"}`}
                >
                  {c.status}
                </span>{" "}
                {when(c.createdAt)}: {c.body.slice(0, 200)}
              </li>
            ))}
          </ul>
          <h3>Moderation</h3>
          <ul class="plain">
            {data.log.map((l) => (
              <li>
                {when(l.createdAt)}: {l.action}
                {l.reason ? ` — ${l.reason}` : ""}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>Loading…</p>
      )}
      <form method="dialog">
        <button type="submit">Close</button>
      </form>
    </dialog>
  );
}

function PolicyForm() {
  const [p, setP] = useState<Policy | null>(null);
  const [status, setStatus] = useState("");
  useEffect(() => void api<Policy>("GET", "/api/admin/moderation/policy").then(setP), []);
  if (!p) return null;
  const lines = (v: string) =>
    v
      .split("\n")
      .map((x) => x.trim())
      .filter(Boolean);
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      setP(await api<Policy>("PATCH", "/api/admin/moderation/policy", p));
      setStatus("Saved.");
    } catch (err) {
      setStatus(
        err instanceof ApiError
          ? `${err.message} ${err.fields.map((f) => `${f.path}: ${f.message}`).join("; ")}`
          : "Could not save.",
      );
    }
  };
  return (
    <details class="panel">
      <summary>Moderation rules</summary>
      <form onSubmit={save} class="settings-form">
        <label class="field">
          <span>Banned words (one per line): comments with them are refused, with a message</span>
          <textarea
            rows={4}
            value={p.bannedWords.join("\n")}
            onInput={(e) => setP({ ...p, bannedWords: lines(e.currentTarget.value) })}
          />
        </label>
        <label class="field">
          <span>Suspect words (one per line): comments with them wait for a moderator</span>
          <textarea
            rows={4}
            value={p.suspectWords.join("\n")}
            onInput={(e) => setP({ ...p, suspectWords: lines(e.currentTarget.value) })}
          />
        </label>
        <label class="field">
          <span>Hold comments with more links than</span>
          <input
            type="number"
            min={0}
            value={p.maxLinks}
            onInput={(e) => setP({ ...p, maxLinks: Number(e.currentTarget.value) })}
          />
        </label>
        <label class="field">
          <span>Hold comments from accounts younger than (hours)</span>
          <input
            type="number"
            min={0}
            value={p.newAccountHours}
            onInput={(e) => setP({ ...p, newAccountHours: Number(e.currentTarget.value) })}
          />
        </label>
        <label class="field">
          <span>Close comments after (days; 0 never)</span>
          <input
            type="number"
            min={0}
            value={p.closeAfterDays}
            onInput={(e) => setP({ ...p, closeAfterDays: Number(e.currentTarget.value) })}
          />
        </label>
        <label>
          <input
            type="checkbox"
            checked={p.premoderate}
            onChange={(e) => setP({ ...p, premoderate: e.currentTarget.checked })}
          />{" "}
          Pre-moderate every comment on the site
        </label>
        <p>
          <button type="submit" class="primary">
            Save rules
          </button>{" "}
          <span role="status">{status}</span>
        </p>
      </form>
    </details>
  );
}

export function ModerationPage({ me }: { me: Me }) {
  const [queue, setQueue] = useState<Queue>("pending");
  const [items, setItems] = useState<Item[] | undefined>(undefined);
  const [selected, setSelected] = useState(0);
  const [status, setStatus] = useState("");
  const [history, setHistory] = useState<number | null>(null);
  const load = useCallback(() => {
    void api<{ items: Item[] }>("GET", `/api/admin/comments?queue=${queue}`).then((r) => {
      setItems(r.items);
      setSelected((s) => Math.min(s, Math.max(0, r.items.length - 1)));
    });
  }, [queue]);
  useEffect(load, [load]);
  const decide = useCallback(
    async (item: Item, action: "approve" | "reject" | "ban" | "suspend") => {
      let reason = "";
      let days = 0;
      if (action === "suspend") {
        const d = prompt(`Suspend ${item.reader.displayName} for how many days?`, "7");
        if (!d || !/^\d+$/.test(d)) return;
        days = Number(d);
        const r = prompt("Why? (kept in the moderation log)");
        if (!r) return;
        reason = r;
      }
      if (action === "ban") {
        const r = prompt(`Why ban ${item.reader.displayName}? (kept in the moderation log)`);
        if (!r) return;
        reason = r;
      }
      try {
        await api("POST", `/api/admin/comments/${item.id}/decision`, {
          action,
          reason,
          ...(action === "suspend" ? { days } : {}),
        });
        setStatus(
          `${action === "approve" ? "Approved" : action === "reject" ? "Rejected" : action === "ban" ? "Banned the author of" : `Suspended for ${days} days the author of`} the comment by ${item.reader.displayName}.`,
        );
        load();
        deskChanged();
      } catch (err) {
        setStatus(err instanceof ApiError ? err.message : "That did not work.");
      }
    },
    [load],
  );
  useEffect(() => {
    const h = (e: KeyboardEvent) => {
      if (
        e.target instanceof HTMLInputElement ||
        e.target instanceof HTMLTextAreaElement ||
        e.metaKey ||
        e.ctrlKey ||
        !items?.length
      )
        return;
      const item = items[selected];
      if (e.key === "j") setSelected((s) => Math.min(items.length - 1, s + 1));
      else if (e.key === "k") setSelected((s) => Math.max(0, s - 1));
      else if (item && e.key === "a") void decide(item, "approve");
      else if (item && e.key === "r") void decide(item, "reject");
      else if (item && e.key === "b") void decide(item, "ban");
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", h);
    return () => window.removeEventListener("keydown", h);
  }, [items, selected, decide]);

  return (
    <section class="moderation">
      <h1>Comments</h1>
      <div class="tabs" role="group" aria-label="Queue">
        {(["pending", "reported", "all"] as const).map((q) => (
          <button type="button" aria-pressed={queue === q} onClick={() => setQueue(q)}>
            {q === "pending" ? "Waiting" : q === "reported" ? "Reported" : "All"}
          </button>
        ))}
      </div>
      <p class="sub">Keys: j / k move, a approve, r reject, b ban the author.</p>
      <p role="status">{status}</p>
      {items === undefined ? (
        <p>Loading…</p>
      ) : items.length === 0 ? (
        <p>Nothing here. </p>
      ) : (
        <ol class="queue">
          {items.map((it, i) => (
            <li
              class={i === selected ? "queue-item selected" : "queue-item"}
              aria-current={i === selected ? "true" : undefined}
              onClick={() => setSelected(i)}
            >
              <p class="sub">
                <a href={`${it.story.path}#comments`}>{it.story.headline}</a> · {when(it.createdAt)} ·{" "}
                <button type="button" class="link-button" onClick={() => setHistory(it.reader.id)}>
                  {it.reader.displayName}
                </button>{" "}
                (since {when(it.reader.since)}){it.reader.banned ? " · banned" : ""}
              </p>
              <blockquote class="queue-body">{it.body}</blockquote>
              {it.holdReasons ? <p class="sub">Held: {it.holdReasons}</p> : null}
              {it.reports.length ? (
                <p class="sub">
                  Reports: {it.reports.map((r) => `${r.reason}${r.note ? ` (${r.note})` : ""}`).join("; ")}
                </p>
              ) : null}
              <div class="actions">
                {it.status !== "approved" ? (
                  <button type="button" class="primary" onClick={() => void decide(it, "approve")}>
                    Approve
                  </button>
                ) : null}
                {it.status !== "rejected" ? (
                  <button type="button" onClick={() => void decide(it, "reject")}>
                    Reject
                  </button>
                ) : null}
                {!it.reader.banned ? (
                  <button type="button" onClick={() => void decide(it, "suspend")}>
                    Suspend {it.reader.displayName}
                  </button>
                ) : null}
                {!it.reader.banned ? (
                  <button type="button" class="danger" onClick={() => void decide(it, "ban")}>
                    Ban {it.reader.displayName}
                  </button>
                ) : null}
              </div>
            </li>
          ))}
        </ol>
      )}
      {me.permissions.includes("comments.policy") ? <PolicyForm /> : null}
      {history !== null ? <ReaderHistory id={history} onClose={() => setHistory(null)} /> : null}
    </section>
  );
}
