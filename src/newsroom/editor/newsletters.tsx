/**
 * Newsletters in the newsroom: each newsletter's issues (write a story
 * issue, a digest to reorder, trim and introduce, or a breaking-news
 * alert; preview it, send a test copy to yourself, send it now or at a
 * time) with live delivery counts; for admins, the newsletters' settings
 * and their subscribers (search, growth, CSV import and export, delete).
 */
import { useEffect, useState } from "preact/hooks";
import { ApiError, type Me, type Section, api } from "./api.ts";
import { when } from "./format.ts";
import { StoryPicker } from "./story-picker.tsx";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

interface Newsletter {
  id: number;
  slug: string;
  name: string;
  description: string;
  fromName: string;
  fromEmail: string;
  replyTo: string | null;
  sectionSlugs: string[];
  topicNames: string[];
  schedule: { days: string[]; time: string } | null;
  autoSend: boolean;
  digestSize: number;
  listed: boolean;
  nextDigestAt: string | null;
  subscribers: { active: number; pending: number; unsubscribed: number };
}

interface Counts {
  recipients: number;
  queued: number;
  sending: number;
  sent: number;
  failed: number;
  bounced: number;
  complaints: number;
}

interface Issue {
  id: number;
  kind: "story" | "digest" | "alert";
  subject: string;
  intro: string;
  storyIds: number[];
  url: string | null;
  status: string;
  sendAt: string | null;
  queuedAt: string | null;
  counts?: Counts;
}

interface StoryRow {
  id: number;
  headline: string;
  sectionName: string;
}

const problem = (err: unknown) =>
  err instanceof ApiError
    ? `${err.message}${err.fields.length ? ` ${err.fields.map((f) => `${f.path}: ${f.message}`).join("; ")}` : ""}`
    : "That did not work; try again.";

export function NewslettersPage({ me }: { me: Me }) {
  const admin = me.permissions.includes("newsletters.manage");
  const [list, setList] = useState<Newsletter[] | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [tab, setTab] = useState<"issues" | "subscribers" | "settings">("issues");
  const [creating, setCreating] = useState(false);
  const load = () =>
    api<{ newsletters: Newsletter[] }>("GET", "/api/admin/newsletters").then((r) => {
      setList(r.newsletters);
      setSelected((s) => s ?? r.newsletters[0]?.id ?? null);
    });
  useEffect(() => void load(), []);
  if (!list) return <p role="status">Loading newsletters…</p>;
  const current = list.find((n) => n.id === selected);
  return (
    <section class="newsletters">
      <div class="page-head">
        <h1>Newsletters</h1>
        {admin ? (
          <div class="head-actions">
            <button type="button" onClick={() => setCreating(true)}>
              New newsletter
            </button>
          </div>
        ) : null}
      </div>
      {creating ? (
        <NewsletterForm
          onDone={(n) => {
            setCreating(false);
            if (n) {
              setSelected(n.id);
              void load();
            }
          }}
        />
      ) : null}
      {list.length === 0 && !creating ? (
        <p>There are no newsletters yet.{admin ? " Make the first with “New newsletter”." : ""}</p>
      ) : null}
      <div class="newsletter-columns">
        <nav aria-label="Newsletters">
          <ul class="newsletter-list">
            {list.map((n) => (
              <li key={n.id}>
                <button
                  type="button"
                  class="link-button"
                  aria-current={n.id === selected ? "true" : undefined}
                  onClick={() => setSelected(n.id)}
                >
                  {n.name}
                </button>
                <div class="sub">
                  {n.subscribers.active} subscribed · {n.subscribers.pending} awaiting confirmation
                </div>
              </li>
            ))}
          </ul>
        </nav>
        {current ? (
          <div class="newsletter-detail">
            <h2>{current.name}</h2>
            <p class="sub">
              From {current.fromName} &lt;{current.fromEmail}&gt; ·{" "}
              {current.schedule
                ? `Digest ${current.schedule.days.join(", ")} at ${current.schedule.time}${current.nextDigestAt ? `; next ${when(current.nextDigestAt)}` : ""}`
                : "No schedule"}{" "}
              · <a href={`/newsletters/${current.slug}`}>Public page</a>
            </p>
            <div class="tabs" role="group" aria-label="Show">
              <button type="button" aria-pressed={tab === "issues"} onClick={() => setTab("issues")}>
                Issues
              </button>
              {admin ? (
                <button
                  type="button"
                  aria-pressed={tab === "subscribers"}
                  onClick={() => setTab("subscribers")}
                >
                  Subscribers
                </button>
              ) : null}
              {admin ? (
                <button type="button" aria-pressed={tab === "settings"} onClick={() => setTab("settings")}>
                  Settings
                </button>
              ) : null}
            </div>
            {tab === "issues" ? <IssuesPanel key={current.id} newsletter={current} me={me} /> : null}
            {tab === "subscribers" && admin ? (
              <SubscribersPanel key={current.id} newsletter={current} />
            ) : null}
            {tab === "settings" && admin ? (
              <NewsletterForm
                key={current.id}
                existing={current}
                onDone={(n) => {
                  if (n) void load();
                }}
                onDelete={() => {
                  setSelected(null);
                  void load();
                }}
              />
            ) : null}
          </div>
        ) : null}
      </div>
    </section>
  );
}

function NewsletterForm({
  existing,
  onDone,
  onDelete,
}: {
  existing?: Newsletter;
  onDone: (n: Newsletter | null) => void;
  onDelete?: () => void;
}) {
  const [v, setV] = useState({
    slug: existing?.slug ?? "",
    name: existing?.name ?? "",
    description: existing?.description ?? "",
    fromName: existing?.fromName ?? "",
    fromEmail: existing?.fromEmail ?? "",
    replyTo: existing?.replyTo ?? "",
    sectionSlugs: existing?.sectionSlugs ?? [],
    scheduled: Boolean(existing?.schedule),
    days: existing?.schedule?.days ?? ["mon", "tue", "wed", "thu", "fri"],
    time: existing?.schedule?.time ?? "07:00",
    autoSend: existing?.autoSend ?? true,
    digestSize: existing?.digestSize ?? 8,
    listed: existing?.listed ?? true,
  });
  const [sections, setSections] = useState<Section[]>([]);
  const [message, setMessage] = useState("");
  useEffect(
    () => void api<{ items: Section[] }>("GET", "/api/admin/sections").then((r) => setSections(r.items)),
    [],
  );
  const set = (k: keyof typeof v, value: unknown) => setV({ ...v, [k]: value });
  const save = async (e: Event) => {
    e.preventDefault();
    const body = {
      slug: v.slug,
      name: v.name,
      description: v.description,
      fromName: v.fromName,
      fromEmail: v.fromEmail,
      replyTo: v.replyTo.trim() || null,
      sectionSlugs: v.sectionSlugs,
      topicNames: existing?.topicNames ?? [],
      schedule: v.scheduled ? { days: v.days, time: v.time } : null,
      autoSend: v.autoSend,
      digestSize: v.digestSize,
      listed: v.listed,
    };
    try {
      const r = existing
        ? await api<{ newsletter: Newsletter }>("PUT", `/api/admin/newsletters/${existing.id}`, body)
        : await api<{ newsletter: Newsletter }>("POST", "/api/admin/newsletters", body);
      setMessage("Saved.");
      onDone(r.newsletter);
    } catch (err) {
      setMessage(problem(err));
    }
  };
  const field = (k: "slug" | "name" | "fromName" | "fromEmail" | "replyTo", label: string, type = "text") => (
    <label class="field">
      <span>{label}</span>
      <input
        type={type}
        value={v[k]}
        onInput={(e) => set(k, e.currentTarget.value)}
        required={k !== "replyTo"}
      />
    </label>
  );
  return (
    <form class="panel newsletter-form" onSubmit={(e) => void save(e)}>
      <h2>{existing ? `Settings of ${existing.name}` : "New newsletter"}</h2>
      {field("name", "Name")}
      {field("slug", "Address (slug)")}
      <label class="field">
        <span>What it is (shown on its sign-up page)</span>
        <textarea rows={2} value={v.description} onInput={(e) => set("description", e.currentTarget.value)} />
      </label>
      {field("fromName", "Sender name")}
      {field("fromEmail", "Sender address", "email")}
      {field("replyTo", "Replies go to (optional)", "email")}
      <fieldset>
        <legend>A digest draws on these sections (none: all)</legend>
        {sections.map((s) => (
          <label key={s.slug} class="check">
            <input
              type="checkbox"
              checked={v.sectionSlugs.includes(s.slug)}
              onChange={(e) =>
                set(
                  "sectionSlugs",
                  e.currentTarget.checked
                    ? [...v.sectionSlugs, s.slug]
                    : v.sectionSlugs.filter((x) => x !== s.slug),
                )
              }
            />{" "}
            {s.name}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Schedule</legend>
        <label class="check">
          <input
            type="checkbox"
            checked={v.scheduled}
            onChange={(e) => set("scheduled", e.currentTarget.checked)}
          />{" "}
          Send a digest on a schedule
        </label>
        {v.scheduled ? (
          <>
            <div class="days">
              {DAYS.map((d) => (
                <label key={d} class="check">
                  <input
                    type="checkbox"
                    checked={v.days.includes(d)}
                    onChange={(e) =>
                      set("days", e.currentTarget.checked ? [...v.days, d] : v.days.filter((x) => x !== d))
                    }
                  />{" "}
                  {d}
                </label>
              ))}
            </div>
            <label class="field">
              <span>At (the site's time zone)</span>
              <input type="time" value={v.time} onInput={(e) => set("time", e.currentTarget.value)} />
            </label>
            <label class="check">
              <input
                type="checkbox"
                checked={v.autoSend}
                onChange={(e) => set("autoSend", e.currentTarget.checked)}
              />{" "}
              The digest goes by itself (otherwise it waits for an editor)
            </label>
            <label class="field">
              <span>Most stories in a digest</span>
              <input
                type="number"
                min={1}
                max={30}
                value={v.digestSize}
                onInput={(e) => set("digestSize", Number(e.currentTarget.value))}
              />
            </label>
          </>
        ) : null}
      </fieldset>
      <label class="check">
        <input type="checkbox" checked={v.listed} onChange={(e) => set("listed", e.currentTarget.checked)} />{" "}
        Offered on the site's newsletters page
      </label>
      <p class="actions">
        <button type="submit" class="primary">
          {existing ? "Save" : "Create"}
        </button>
        {existing ? null : (
          <button type="button" onClick={() => onDone(null)}>
            Cancel
          </button>
        )}
        {existing && onDelete ? (
          <button
            type="button"
            class="danger"
            onClick={() =>
              confirm(`Delete ${existing.name} with its issues and subscriptions?`) &&
              void api("DELETE", `/api/admin/newsletters/${existing.id}`).then(onDelete, (err: unknown) =>
                setMessage(problem(err)),
              )
            }
          >
            Delete newsletter
          </button>
        ) : null}
      </p>
      <p class="sub" role="status" aria-live="polite">
        {message}
      </p>
    </form>
  );
}

function countsLine(c: Counts | undefined) {
  if (!c) return null;
  return (
    <span class="counts">
      {c.sent} sent · {c.queued + c.sending} waiting · {c.failed} failed · {c.bounced} bounced
      {c.complaints ? ` · ${c.complaints} complaints` : ""} of {c.recipients}
    </span>
  );
}

function IssuesPanel({ newsletter, me }: { newsletter: Newsletter; me: Me }) {
  const [issues, setIssues] = useState<Issue[]>([]);
  const [message, setMessage] = useState("");
  const [editing, setEditing] = useState<Issue | null>(null);
  const [preview, setPreview] = useState<{ id: number; text: string; subject: string } | null>(null);
  const load = () =>
    api<{ issues: Issue[] }>("GET", `/api/admin/newsletters/${newsletter.id}/issues`).then((r) =>
      setIssues(r.issues),
    );
  useEffect(() => void load(), []);
  // Live counts while anything is being sent.
  useEffect(() => {
    if (!issues.some((i) => i.status === "sending")) return;
    const t = setTimeout(() => void load(), 2000);
    return () => clearTimeout(t);
  }, [issues]);

  const act = async (what: string, run: () => Promise<unknown>) => {
    setMessage("");
    try {
      await run();
      setMessage(what);
      await load();
    } catch (err) {
      setMessage(problem(err));
    }
  };
  const show = async (i: Issue) => {
    try {
      const p = await api<{ text: string; subject: string }>(
        "GET",
        `/api/admin/newsletter-issues/${i.id}/preview`,
      );
      setPreview({ id: i.id, text: p.text, subject: p.subject });
    } catch (err) {
      setMessage(problem(err));
    }
  };
  return (
    <div class="issues">
      <Composer
        newsletter={newsletter}
        editing={editing}
        onSaved={(i, note) => {
          setEditing(null);
          setMessage(note);
          void load();
          if (i) void show(i);
        }}
      />
      <p class="sub" role="status" aria-live="polite">
        {message}
      </p>
      <table class="stories">
        <caption class="visually-hidden">Issues of {newsletter.name}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Issue</th>
            <th scope="col">Status</th>
            <th scope="col">Delivery</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {issues.map((i) => (
            <tr key={i.id}>
              <td>
                {i.subject}
                <div class="sub">{i.kind}</div>
              </td>
              <td>
                {i.status}
                {i.sendAt && i.status === "scheduled" ? <div class="sub">at {when(i.sendAt)}</div> : null}
                {i.queuedAt ? <div class="sub">{when(i.queuedAt)}</div> : null}
              </td>
              <td>{countsLine(i.counts)}</td>
              <td class="actions">
                <button type="button" onClick={() => void show(i)}>
                  Preview
                </button>
                {i.status === "draft" || i.status === "scheduled" ? (
                  <>
                    <button type="button" onClick={() => setEditing(i)}>
                      Edit
                    </button>
                    <button
                      type="button"
                      onClick={() =>
                        void act(`A test copy went to ${me.email}.`, () =>
                          api("POST", `/api/admin/newsletter-issues/${i.id}/test`),
                        )
                      }
                    >
                      Test to me
                    </button>
                    <button
                      type="button"
                      class="primary"
                      onClick={() =>
                        confirm(`Send “${i.subject}” to every subscriber of ${newsletter.name} now?`) &&
                        void act("Sending.", () => api("POST", `/api/admin/newsletter-issues/${i.id}/send`))
                      }
                    >
                      Send now
                    </button>
                    <button
                      type="button"
                      onClick={() =>
                        void act("Cancelled.", () =>
                          api("PATCH", `/api/admin/newsletter-issues/${i.id}`, { cancel: true }),
                        )
                      }
                    >
                      Cancel
                    </button>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {preview ? (
        <section class="panel issue-preview" aria-label="Preview of the email">
          <div class="page-head">
            <h3>Subject: {preview.subject}</h3>
            <button type="button" onClick={() => setPreview(null)}>
              Close preview
            </button>
          </div>
          <iframe
            title="The email as readers will see it"
            sandbox=""
            src={`/admin/newsletter-issues/${preview.id}/preview.html`}
          />
          <details>
            <summary>Plain-text part</summary>
            <pre>{preview.text}</pre>
          </details>
        </section>
      ) : null}
    </div>
  );
}

function Composer({
  newsletter,
  editing,
  onSaved,
}: {
  newsletter: Newsletter;
  editing: Issue | null;
  onSaved: (issue: Issue | null, note: string) => void;
}) {
  const [kind, setKind] = useState<Issue["kind"]>(editing?.kind ?? "digest");
  const [subject, setSubject] = useState(editing?.subject ?? "");
  const [intro, setIntro] = useState(editing?.intro ?? "");
  const [url, setUrl] = useState(editing?.url ?? "");
  const [stories, setStories] = useState<StoryRow[]>([]);
  const [picking, setPicking] = useState(false);
  const [sendAt, setSendAt] = useState("");
  const [error, setError] = useState("");
  useEffect(() => {
    setKind(editing?.kind ?? "digest");
    setSubject(editing?.subject ?? "");
    setIntro(editing?.intro ?? "");
    setUrl(editing?.url ?? "");
    if (editing?.storyIds.length)
      void api<{ items: StoryRow[] }>("GET", `/api/admin/stories?status=published&limit=100`).then((r) =>
        setStories(editing.storyIds.flatMap((id) => r.items.filter((s) => s.id === id))),
      );
    else setStories([]);
  }, [editing]);
  const suggest = () =>
    void api<{ stories: { id: number; headline: string; sectionName: string }[] }>(
      "GET",
      `/api/admin/newsletters/${newsletter.id}/digest-suggestion`,
    ).then((r) => setStories(r.stories));
  const move = (i: number, by: number) => {
    const next = [...stories];
    const [s] = next.splice(i, 1);
    next.splice(i + by, 0, s!);
    setStories(next);
  };
  const save = async (send: boolean) => {
    setError("");
    try {
      if (editing) {
        await api("PATCH", `/api/admin/newsletter-issues/${editing.id}`, {
          subject,
          intro,
          storyIds: stories.map((s) => s.id),
          ...(sendAt ? { sendAt: new Date(sendAt).toISOString() } : {}),
        });
        if (send) await api("POST", `/api/admin/newsletter-issues/${editing.id}/send`);
        onSaved(null, send ? "Sending." : "Saved.");
        return;
      }
      const issue =
        kind === "story"
          ? { kind, storyId: stories[0]?.id ?? 0, intro, ...(subject ? { subject } : {}) }
          : kind === "digest"
            ? { kind, intro, storyIds: stories.map((s) => s.id), ...(subject ? { subject } : {}) }
            : {
                kind,
                subject,
                intro,
                ...(stories[0] ? { storyId: stories[0].id } : {}),
                ...(url ? { url } : {}),
              };
      const r = await api<{ issue: Issue }>("POST", `/api/admin/newsletters/${newsletter.id}/issues`, {
        issue,
        send,
        ...(sendAt && !send ? { sendAt: new Date(sendAt).toISOString() } : {}),
      });
      setSubject("");
      setIntro("");
      setStories([]);
      onSaved(
        send ? null : r.issue,
        send
          ? `Sending to ${newsletter.subscribers.active} subscribers.`
          : sendAt
            ? "Scheduled."
            : "Saved as a draft.",
      );
    } catch (err) {
      setError(problem(err));
    }
  };
  return (
    <form class="panel composer" onSubmit={(e) => e.preventDefault()}>
      <h3>{editing ? `Edit “${editing.subject}”` : "Write an issue"}</h3>
      {editing ? null : (
        <fieldset class="kind">
          <legend>Kind</legend>
          {(["digest", "story", "alert"] as const).map((k) => (
            <label key={k} class="check">
              <input type="radio" name="kind" checked={kind === k} onChange={() => setKind(k)} />{" "}
              {k === "digest" ? "Digest of stories" : k === "story" ? "One story" : "Breaking-news alert"}
            </label>
          ))}
        </fieldset>
      )}
      <label class="field">
        <span>{kind === "alert" ? "Headline (the subject)" : "Subject (optional: the first headline)"}</span>
        <input
          value={subject}
          maxLength={200}
          onInput={(e) => setSubject(e.currentTarget.value)}
          required={kind === "alert"}
        />
      </label>
      <label class="field">
        <span>{kind === "alert" ? "One line under it" : "Introduction (optional)"}</span>
        <textarea
          rows={kind === "alert" ? 1 : 3}
          value={intro}
          onInput={(e) => setIntro(e.currentTarget.value)}
        />
      </label>
      {kind === "alert" ? (
        <label class="field">
          <span>Link to a path on the site (optional, else the story below)</span>
          <input value={url} placeholder="/live/storm" onInput={(e) => setUrl(e.currentTarget.value)} />
        </label>
      ) : null}
      <div class="issue-stories">
        <h4>{kind === "digest" ? "Stories, in order" : "Story"}</h4>
        <ol>
          {stories.map((s, i) => (
            <li key={s.id}>
              {s.headline} <span class="sub">{s.sectionName}</span>{" "}
              {kind === "digest" ? (
                <>
                  <button
                    type="button"
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                    aria-label={`Move “${s.headline}” up`}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    disabled={i === stories.length - 1}
                    onClick={() => move(i, 1)}
                    aria-label={`Move “${s.headline}” down`}
                  >
                    ↓
                  </button>
                </>
              ) : null}
              <button
                type="button"
                onClick={() => setStories(stories.filter((x) => x.id !== s.id))}
                aria-label={`Remove “${s.headline}”`}
              >
                Remove
              </button>
            </li>
          ))}
        </ol>
        {kind === "digest" ? (
          <button type="button" onClick={suggest}>
            Suggest the newest stories
          </button>
        ) : null}{" "}
        {kind === "digest" || stories.length === 0 ? (
          <button type="button" onClick={() => setPicking(true)}>
            Add a story
          </button>
        ) : null}
      </div>
      <label class="field">
        <span>Send at (optional)</span>
        <input type="datetime-local" value={sendAt} onInput={(e) => setSendAt(e.currentTarget.value)} />
      </label>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <p class="actions">
        <button type="button" onClick={() => void save(false)}>
          {sendAt ? "Schedule" : editing ? "Save" : "Save draft and preview"}
        </button>
        <button
          type="button"
          class="primary"
          onClick={() =>
            confirm(`Send this to every subscriber of ${newsletter.name} now?`) && void save(true)
          }
        >
          Send now
        </button>
        {editing ? (
          <button type="button" onClick={() => onSaved(null, "")}>
            Stop editing
          </button>
        ) : null}
      </p>
      {picking ? (
        <StoryPicker
          title="Add a story"
          exclude={0}
          onClose={() => setPicking(false)}
          onPick={(id, headline) => {
            setPicking(false);
            if (!stories.some((s) => s.id === id))
              setStories([...stories, { id, headline, sectionName: "" }]);
          }}
        />
      ) : null}
    </form>
  );
}

interface SubscriberRow {
  id: number;
  email: string;
  source: string;
  createdAt: string;
  confirmedAt: string | null;
  suppressed: string | null;
  subscriptions: { newsletterId: number; status: string }[];
}

function SubscribersPanel({ newsletter }: { newsletter: Newsletter }) {
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ total: number; items: SubscriberRow[] } | null>(null);
  const [growth, setGrowth] = useState<{ date: string; joined: number; left: number }[]>([]);
  const [consent, setConsent] = useState<"confirm" | "given">("confirm");
  const [message, setMessage] = useState("");
  const load = () =>
    api<{ total: number; items: SubscriberRow[] }>(
      "GET",
      `/api/admin/subscribers?newsletter=${newsletter.id}&page=${page}${q.trim() ? `&q=${encodeURIComponent(q.trim())}` : ""}`,
    ).then(setData);
  useEffect(() => {
    const t = setTimeout(() => void load(), 150);
    return () => clearTimeout(t);
  }, [q, page]);
  useEffect(
    () =>
      void api<{ days: typeof growth }>("GET", `/api/admin/newsletters/${newsletter.id}/growth`).then((r) =>
        setGrowth(r.days),
      ),
    [],
  );
  const joined = growth.reduce((a, d) => a + d.joined, 0);
  const left = growth.reduce((a, d) => a + d.left, 0);
  const importFile = async (file: File) => {
    setMessage("Importing…");
    try {
      const res = await fetch(
        `/api/admin/newsletters/${newsletter.id}/import?consent=${consent}&source=${encodeURIComponent(`CSV file ${file.name} (newsroom)`)}`,
        {
          method: "POST",
          credentials: "same-origin",
          headers: {
            "content-type": "text/csv",
            accept: "application/json",
            "x-csrf-token": (await api<{ csrfToken: string }>("GET", "/api/admin/session")).csrfToken,
          },
          body: await file.text(),
        },
      );
      const r = (await res.json()) as {
        rows?: number;
        subscribed?: number;
        confirmationsSent?: number;
        alreadySubscribed?: number;
        invalid?: { line: number; message: string }[];
        suppressed?: { line: number; email: string; reason: string }[];
        error?: { message: string };
      };
      if (!res.ok) throw new Error(r.error?.message ?? `The server answered ${res.status}.`);
      setMessage(
        `${r.rows} rows: ${r.subscribed} subscribed, ${r.confirmationsSent} sent a confirmation, ${r.alreadySubscribed} subscribed already${r.invalid?.length ? `; not imported: ${r.invalid.map((i) => `line ${i.line} (${i.message})`).join(", ")}` : ""}${r.suppressed?.length ? `; suppressed: ${r.suppressed.map((s) => s.email).join(", ")}` : ""}.`,
      );
      void load();
    } catch (err) {
      setMessage((err as Error).message);
    }
  };
  return (
    <div class="subscribers">
      <p>
        {newsletter.subscribers.active} subscribed, {newsletter.subscribers.pending} awaiting confirmation,{" "}
        {newsletter.subscribers.unsubscribed} left. Last 30 days: +{joined} / −{left}.
      </p>
      <div class="growth" aria-hidden="true">
        {growth.map((d) => (
          <span
            key={d.date}
            title={`${d.date}: +${d.joined} −${d.left}`}
            style={{ height: `${Math.min(40, 4 + d.joined * 4)}px` }}
          />
        ))}
      </div>
      <div class="panel">
        <h3>Import and export</h3>
        <fieldset>
          <legend>Consent of the imported addresses</legend>
          <label class="check">
            <input
              type="radio"
              name="consent"
              checked={consent === "confirm"}
              onChange={() => setConsent("confirm")}
            />{" "}
            Ask each new address to confirm (an email with a button)
          </label>
          <label class="check">
            <input
              type="radio"
              name="consent"
              checked={consent === "given"}
              onChange={() => setConsent("given")}
            />{" "}
            We hold their consent already (recorded as such, with your name)
          </label>
        </fieldset>
        <label class="field">
          <span>CSV file with an “email” column</span>
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => e.currentTarget.files?.[0] && void importFile(e.currentTarget.files[0])}
          />
        </label>
        <p>
          <a href={`/admin/newsletters/${newsletter.id}/export.csv`} download>
            Export the subscribers (CSV)
          </a>
        </p>
        <p class="sub" role="status" aria-live="polite">
          {message}
        </p>
      </div>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label class="field">
          <span>Search addresses</span>
          <input type="search" value={q} onInput={(e) => (setQ(e.currentTarget.value), setPage(1))} />
        </label>
      </form>
      {data ? (
        <>
          <table class="stories">
            <caption class="visually-hidden">Subscribers, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Address</th>
                <th scope="col">Status</th>
                <th scope="col">Since</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((s) => (
                <tr key={s.id}>
                  <td>{s.email}</td>
                  <td>
                    {s.subscriptions.find((x) => x.newsletterId === newsletter.id)?.status ?? "—"}
                    {s.suppressed ? <div class="sub">suppressed: {s.suppressed}</div> : null}
                  </td>
                  <td>{when(s.createdAt)}</td>
                  <td>
                    <button
                      type="button"
                      class="danger"
                      onClick={() =>
                        confirm(`Delete ${s.email} and everything about them?`) &&
                        void api("DELETE", `/api/admin/subscribers/${s.id}`).then(load, (err: unknown) =>
                          setMessage(problem(err)),
                        )
                      }
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="actions">
            <button type="button" disabled={page === 1} onClick={() => setPage(page - 1)}>
              Newer
            </button>
            <span class="sub">
              {data.total} subscribers · page {page}
            </span>
            <button type="button" disabled={page * 50 >= data.total} onClick={() => setPage(page + 1)}>
              Older
            </button>
          </p>
        </>
      ) : (
        <p role="status">Loading subscribers…</p>
      )}
    </div>
  );
}

/** In the story editor's publishing panel: send a published story (or one about to be) to chosen newsletters. */
export function SendToNewsletters({ storyId, published }: { storyId: number; published: boolean }) {
  const [list, setList] = useState<Newsletter[]>([]);
  const [chosen, setChosen] = useState<number[]>([]);
  const [waiting, setWaiting] = useState(false);
  const [message, setMessage] = useState("");
  useEffect(
    () =>
      void api<{ newsletters: Newsletter[] }>("GET", "/api/admin/newsletters").then((r) =>
        setList(r.newsletters),
      ),
    [],
  );
  const send = async () => {
    const done: string[] = [];
    for (const id of chosen) {
      const n = list.find((x) => x.id === id)!;
      try {
        await api("POST", `/api/admin/newsletters/${id}/issues`, {
          issue: { kind: "story", storyId },
          send: true,
        });
        done.push(n.name);
      } catch (err) {
        setMessage(`${n.name}: ${problem(err)}`);
        return;
      }
    }
    setChosen([]);
    setMessage(`Sending to ${done.join(", ")}.`);
  };
  // Chosen before publishing: sent the moment the story is published.
  useEffect(() => {
    if (published && waiting) {
      setWaiting(false);
      void send();
    }
  }, [published]);
  if (list.length === 0) return null;
  return (
    <fieldset class="send-newsletters">
      <legend>{published ? "Send to newsletters" : "Also send to newsletters when published"}</legend>
      {list.map((n) => (
        <label key={n.id} class="check">
          <input
            type="checkbox"
            checked={chosen.includes(n.id)}
            onChange={(e) => {
              setChosen(e.currentTarget.checked ? [...chosen, n.id] : chosen.filter((x) => x !== n.id));
              if (!published) setWaiting(true);
            }}
          />{" "}
          {n.name} <span class="sub">({n.subscribers.active})</span>
        </label>
      ))}
      {published ? (
        <button type="button" disabled={chosen.length === 0} onClick={() => void send()}>
          Send this story
        </button>
      ) : null}
      <p class="sub" role="status" aria-live="polite">
        {message || (!published && chosen.length ? "They go out the moment you publish." : "")}
      </p>
    </fieldset>
  );
}
