/**
 * The wire queue: agency items as they arrive, newest first, read every
 * fifteen seconds (new arrivals are announced, never jumped to); filters by
 * feed, urgency, text and whether an item has been used, kept in the
 * address; a preview of what the item would make, with "Use as draft" and,
 * for editors on a trusted feed, "Publish as is"; and what feeds brought
 * that could not be read. Also the notice an editor sees on a story when
 * the agency has updated the item it was made from.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, type Me, api } from "./api.ts";
import { when } from "./format.ts";
import { navigate } from "./router.ts";
import { type Diff, DiffView } from "./story-panels.tsx";

interface WireItem {
  id: number;
  key: string;
  feedName: string | null;
  kind: "story" | "media" | "skip";
  headline: string;
  summary: string;
  urgency: number | null;
  pubstatus: string;
  embargoUntil: string | null;
  skipReason: string | null;
  versionCount: number;
  sentAt: string | null;
  storyId: number | null;
  media: { kind: string; id: number } | null;
  receivedAt: string;
  updatePending: boolean;
}

interface Feed {
  id: number;
  name: string;
  trusted: boolean;
  kind: string;
}

interface Detail {
  item: WireItem;
  trusted: boolean;
  preview: {
    headline: string;
    summary: string[];
    body: { type: string; content?: { text: string }[]; text?: string; items?: { text: string }[][] }[];
    byline: string | null;
    dateline: string | null;
    embargoUntil: string | null;
    pictures: { alt: string; caption: string | null; credit: string | null }[];
    ednote: string | null;
  } | null;
  versions: {
    versionKey: string;
    ninjsVersion: string;
    receivedAt: string;
    source: string;
    warnings: string[];
  }[];
}

interface Failure {
  id: number;
  source: string;
  itemKey: string | null;
  error: string;
  receivedAt: string;
}

const URGENCY_LABEL: Record<number, string> = { 1: "Flash", 2: "Urgent" };

function blockText(
  b: Detail["preview"] extends infer P ? (P extends { body: (infer B)[] } ? B : never) : never,
): string {
  if (b.content) return b.content.map((r) => r.text).join("");
  if (b.items) return b.items.map((i) => i.map((r) => r.text).join("")).join(" · ");
  return b.text ?? "";
}

function Badges({ item }: { item: WireItem }) {
  return (
    <>
      {item.urgency !== null && item.urgency <= 2 ? (
        <span class="wire-tag wire-tag--urgent">{URGENCY_LABEL[item.urgency]}</span>
      ) : null}
      {item.pubstatus === "canceled" ? <span class="wire-tag wire-tag--kill">Killed</span> : null}
      {item.pubstatus === "withheld" ? <span class="wire-tag wire-tag--kill">Withheld</span> : null}
      {item.embargoUntil && item.embargoUntil > new Date().toISOString() ? (
        <span class="wire-tag">Embargoed until {when(item.embargoUntil)}</span>
      ) : null}
      {item.versionCount > 1 ? <span class="wire-tag">{item.versionCount} versions</span> : null}
      {item.storyId ? <span class="wire-tag wire-tag--used">Used</span> : null}
      {item.kind === "media" ? <span class="wire-tag">Picture/video</span> : null}
      {item.kind === "skip" ? <span class="wire-tag">Not a story</span> : null}
    </>
  );
}

export function WirePage({ me }: { me: Me }) {
  const params = new URLSearchParams(location.search);
  const [feed, setFeed] = useState(params.get("feed") ?? "");
  const [urgency, setUrgency] = useState(params.get("urgency") ?? "");
  const [state, setState] = useState(params.get("state") ?? "all");
  const [q, setQ] = useState(params.get("q") ?? "");
  const [items, setItems] = useState<WireItem[] | undefined>(undefined);
  const [feeds, setFeeds] = useState<Feed[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState("");
  const [arrived, setArrived] = useState("");
  const [failures, setFailures] = useState<Failure[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [showFeeds, setShowFeeds] = useState(false);
  const seen = useRef<Set<number> | null>(null);

  useEffect(() => {
    const qs = new URLSearchParams();
    if (feed) qs.set("feed", feed);
    if (urgency) qs.set("urgency", urgency);
    if (state !== "all") qs.set("state", state);
    if (q.trim()) qs.set("q", q.trim());
    history.replaceState(null, "", `/admin/wire${qs.size ? `?${qs}` : ""}`);
    seen.current = null;
    let current = true;
    const load = () =>
      api<{ items: WireItem[]; feeds: Feed[] }>("GET", `/api/admin/wire/items?${qs}`)
        .then((r) => {
          if (!current) return;
          // Announce what is new since the last read; the list itself stays where the reader is.
          if (seen.current) {
            const fresh = r.items.filter((i) => !seen.current!.has(i.id));
            const urgent = fresh.filter((i) => i.urgency !== null && i.urgency <= 2);
            if (fresh.length)
              setArrived(
                `${fresh.length} new item${fresh.length > 1 ? "s" : ""} from the wire${urgent.length ? `, ${urgent.length} urgent: ${urgent.map((i) => i.headline).join("; ")}` : ""}.`,
              );
          }
          seen.current = new Set(r.items.map((i) => i.id));
          setItems(r.items);
          setFeeds(r.feeds);
        })
        .catch(
          (e: unknown) => current && setError(e instanceof ApiError ? e.message : "Could not load the wire."),
        );
    const t = setTimeout(load, 150);
    const every = setInterval(load, 15_000);
    return () => {
      current = false;
      clearTimeout(t);
      clearInterval(every);
    };
  }, [feed, urgency, state, q]);

  useEffect(() => {
    if (selected === null) return setDetail(null);
    let current = true;
    void api<Detail>("GET", `/api/admin/wire/items/${selected}`)
      .then((d) => current && setDetail(d))
      .catch(
        (e: unknown) => current && setError(e instanceof ApiError ? e.message : "Could not open the item."),
      );
    return () => {
      current = false;
    };
  }, [selected]);

  const use = async (publish: boolean) => {
    if (!detail) return;
    setBusy(true);
    try {
      const r = await api<{ storyId: number }>("POST", `/api/admin/wire/items/${detail.item.id}/use`, {
        publish,
      });
      navigate(`/admin/stories/${r.storyId}`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Could not use the item.");
    } finally {
      setBusy(false);
    }
  };

  const canPublish = me.permissions.includes("story.publish");
  const embargoed = !!detail?.item.embargoUntil && detail.item.embargoUntil > new Date().toISOString();

  return (
    <section class="wire">
      <div class="page-head">
        <h1>Wire</h1>
        <div class="head-actions">
          {me.permissions.includes("wire.manage") ? (
            <button type="button" aria-expanded={showFeeds} onClick={() => setShowFeeds(!showFeeds)}>
              {showFeeds ? "Hide the feeds" : "Feeds"}
            </button>
          ) : null}
          <button
            type="button"
            onClick={() =>
              failures
                ? setFailures(null)
                : void api<{ failures: Failure[] }>("GET", "/api/admin/wire/failures").then((r) =>
                    setFailures(r.failures),
                  )
            }
          >
            {failures ? "Back to the queue" : "What could not be read"}
          </button>
        </div>
      </div>
      {showFeeds ? <FeedsPanel /> : null}
      <p class="sub" role="status" aria-live="polite">
        {arrived}
      </p>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {failures ? (
        failures.length === 0 ? (
          <p>Every item the feeds brought could be read.</p>
        ) : (
          <table class="stories">
            <caption>What feeds brought that could not be read, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">From</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {failures.map((f) => (
                <tr>
                  <td>{when(f.receivedAt)}</td>
                  <td>
                    {f.source}
                    {f.itemKey ? <div class="sub">{f.itemKey}</div> : null}
                  </td>
                  <td>{f.error}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : (
        <>
          <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
            <label>
              Search the wire
              <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
            </label>
            <label>
              Feed
              <select value={feed} onChange={(e) => setFeed(e.currentTarget.value)}>
                <option value="">All feeds</option>
                {feeds.map((f) => (
                  <option value={String(f.id)}>{f.name}</option>
                ))}
              </select>
            </label>
            <label>
              Urgency
              <select value={urgency} onChange={(e) => setUrgency(e.currentTarget.value)}>
                <option value="">Any</option>
                <option value="1">Flash only</option>
                <option value="2">Urgent and flash</option>
                <option value="4">1–4</option>
              </select>
            </label>
            <label>
              Show
              <select value={state} onChange={(e) => setState(e.currentTarget.value)}>
                <option value="all">Everything</option>
                <option value="new">Not used yet</option>
                <option value="used">Used in a story</option>
              </select>
            </label>
          </form>
          <div class="wire-columns">
            {items === undefined ? (
              <p>Loading…</p>
            ) : items.length === 0 ? (
              <p>Nothing on the wire matches.</p>
            ) : (
              <ol class="wire-list" aria-label="Wire items, newest first">
                {items.map((i) => (
                  <li class={i.id === selected ? "wire-item wire-item--open" : "wire-item"}>
                    <button
                      type="button"
                      class="link-button"
                      aria-expanded={i.id === selected}
                      onClick={() => setSelected(i.id === selected ? null : i.id)}
                    >
                      {i.headline || "(no headline)"}
                    </button>
                    <div class="sub">
                      {i.feedName ?? "Wire"} ·{" "}
                      <time dateTime={i.sentAt ?? i.receivedAt} title={`Received ${when(i.receivedAt)}`}>
                        {when(i.sentAt ?? i.receivedAt)}
                      </time>{" "}
                      <Badges item={i} />
                    </div>
                  </li>
                ))}
              </ol>
            )}
            {detail ? (
              <article class="wire-preview" aria-label="Preview of the wire item">
                <h2>{detail.preview?.headline ?? detail.item.headline}</h2>
                <p class="sub">
                  {detail.item.feedName ?? "Wire"} · {detail.item.key} <Badges item={detail.item} />
                </p>
                {detail.preview ? (
                  <>
                    {detail.preview.ednote ? (
                      <p class="notice">Agency note: {detail.preview.ednote}</p>
                    ) : null}
                    {detail.preview.byline || detail.preview.dateline ? (
                      <p class="sub">
                        {[detail.preview.byline, detail.preview.dateline].filter(Boolean).join(" · ")}
                      </p>
                    ) : null}
                    {detail.preview.summary.length ? (
                      <ul>
                        {detail.preview.summary.map((s) => (
                          <li>{s}</li>
                        ))}
                      </ul>
                    ) : null}
                    {detail.preview.body.map((b) =>
                      b.type === "heading" ? <h3>{blockText(b)}</h3> : <p>{blockText(b)}</p>,
                    )}
                    {detail.preview.pictures.map((p) => (
                      <p class="sub">
                        Picture: {p.alt}
                        {p.caption ? ` — ${p.caption}` : ""}
                        {p.credit ? ` (${p.credit})` : ""}
                      </p>
                    ))}
                  </>
                ) : (
                  <p>{detail.item.skipReason ?? (detail.item.media ? "In the media library." : "")}</p>
                )}
                <div class="actions">
                  {detail.item.storyId ? (
                    <a
                      href={`/admin/stories/${detail.item.storyId}`}
                      onClick={(e) => (e.preventDefault(), navigate(`/admin/stories/${detail.item.storyId}`))}
                    >
                      Open the story made from it
                    </a>
                  ) : detail.item.kind === "story" && detail.item.pubstatus !== "canceled" ? (
                    <>
                      <button type="button" class="primary" disabled={busy} onClick={() => void use(false)}>
                        Use as draft
                      </button>
                      {canPublish && detail.trusted ? (
                        <button type="button" disabled={busy} onClick={() => void use(true)}>
                          {embargoed ? "Publish as is (when the embargo lifts)" : "Publish as is"}
                        </button>
                      ) : null}
                    </>
                  ) : null}
                </div>
                <details>
                  <summary>
                    {detail.versions.length} version{detail.versions.length > 1 ? "s" : ""} received
                  </summary>
                  <ul>
                    {detail.versions.map((v) => (
                      <li>
                        {v.versionKey.replace("#", " v")} (ninjs {v.ninjsVersion}) — {when(v.receivedAt)} —{" "}
                        {v.source}
                        {v.warnings.map((w) => (
                          <div class="sub">{w}</div>
                        ))}
                      </li>
                    ))}
                  </ul>
                </details>
              </article>
            ) : null}
          </div>
        </>
      )}
    </section>
  );
}

interface StoryWire {
  wire: {
    item: WireItem;
    update: ({ version: string; receivedAt: string } & Diff) | null;
  } | null;
}

/** On a story made from a wire item: where it came from, and the agency's newer version to apply or ignore. */
export function WireUpdateNotice({
  storyId,
  canApply,
  dirty,
  onApplied,
}: {
  storyId: number;
  canApply: boolean;
  dirty: boolean;
  onApplied: () => void;
}) {
  const [state, setState] = useState<StoryWire["wire"]>(null);
  const [message, setMessage] = useState("");
  const load = () =>
    void api<StoryWire>("GET", `/api/admin/stories/${storyId}/wire`)
      .then((r) => setState(r.wire))
      .catch(() => undefined);
  useEffect(() => {
    load();
    const t = setInterval(load, 30_000);
    return () => clearInterval(t);
  }, [storyId]);
  if (!state) return null;
  const { item, update } = state;
  const act = async (what: "apply" | "dismiss") => {
    try {
      await api("POST", `/api/admin/wire/items/${item.id}/${what}`);
      setMessage(what === "apply" ? "The agency's update is in the story." : "The update was set aside.");
      if (what === "apply") onApplied();
      load();
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : "That did not work.");
    }
  };
  return (
    <div
      class={update || item.pubstatus !== "usable" ? "notice wire-notice" : "wire-origin sub"}
      role={update ? "region" : undefined}
      aria-label={update ? "Agency update" : undefined}
    >
      {item.pubstatus !== "usable" ? (
        <p>
          <strong>The agency {item.pubstatus === "canceled" ? "killed" : "withheld"} this item.</strong> Check
          the story before it stays on the site.
        </p>
      ) : null}
      {update ? (
        <>
          <p>
            <strong>The agency updated this item</strong> ({item.feedName ?? "wire"},{" "}
            {when(update.receivedAt)}). What changed since the version this story has:
          </p>
          <DiffView diff={update} />
          {canApply ? (
            <p class="actions">
              <button
                type="button"
                class="primary"
                disabled={dirty}
                title={dirty ? "Save your changes first" : undefined}
                onClick={() => void act("apply")}
              >
                Apply the update
              </button>
              <button type="button" onClick={() => void act("dismiss")}>
                Ignore it
              </button>
              {dirty ? (
                <span class="sub"> Save your changes first: applying replaces the agency's text.</span>
              ) : null}
            </p>
          ) : (
            <p class="sub">An editor can apply or ignore it.</p>
          )}
        </>
      ) : (
        <p>
          From the wire: {item.feedName ?? "wire"}, {item.key}
        </p>
      )}
      {message ? <p role="status">{message}</p> : null}
    </div>
  );
}

interface FeedRow {
  id: number;
  name: string;
  slug: string;
  kind: "folder" | "push" | "poll" | "import";
  settings: Record<string, unknown>;
  sectionSlug: string | null;
  mode: "queue" | "publish";
  trusted: boolean;
  killRule: "alert" | "unpublish";
  enabled: boolean;
  fromConfig: boolean;
  failures: number;
  lastError: string | null;
  lastSuccessAt: string | null;
}

/** Admins: the feeds, their state, and a form to add one (folder, push, poll). */
export function FeedsPanel() {
  const [feeds, setFeeds] = useState<FeedRow[] | undefined>(undefined);
  const [kind, setKind] = useState<"folder" | "push" | "poll">("push");
  const [name, setName] = useState("");
  const [where, setWhere] = useState("");
  const [secret, setSecret] = useState("");
  const [apiKey, setApiKey] = useState("");
  const [section, setSection] = useState("");
  const [mode, setMode] = useState<"queue" | "publish">("queue");
  const [trusted, setTrusted] = useState(false);
  const [killRule, setKillRule] = useState<"alert" | "unpublish">("alert");
  const [message, setMessage] = useState("");
  const [problems, setProblems] = useState<string[]>([]);
  const load = () =>
    void api<{ feeds: FeedRow[] }>("GET", "/api/admin/wire/feeds")
      .then((r) => setFeeds(r.feeds))
      .catch(() => setMessage("Could not load the feeds."));
  useEffect(load, []);

  const add = async (e: Event) => {
    e.preventDefault();
    setProblems([]);
    const settings =
      kind === "folder"
        ? { path: where }
        : kind === "poll"
          ? { url: where, ...(apiKey ? { headers: { "x-api-key": apiKey } } : {}) }
          : {};
    try {
      await api("POST", "/api/admin/wire/feeds", {
        name,
        kind,
        settings,
        ...(kind === "push" ? { secret } : {}),
        ...(section ? { sectionSlug: section } : {}),
        mode,
        trusted: trusted || mode === "publish",
        killRule,
      });
      setMessage(`Added ${name}.`);
      setName("");
      setWhere("");
      setSecret("");
      setApiKey("");
      load();
    } catch (err) {
      if (err instanceof ApiError) {
        setMessage(err.message);
        setProblems(err.fields.map((f) => `${f.path}: ${f.message}`));
      } else setMessage("Could not add the feed.");
    }
  };

  const toggle = (f: FeedRow) =>
    void api("PATCH", `/api/admin/wire/feeds/${f.id}`, { enabled: !f.enabled })
      .then(load)
      .catch((err: unknown) => setMessage(err instanceof ApiError ? err.message : "That did not work."));
  const remove = (f: FeedRow) =>
    confirm(`Remove the feed ${f.name}? Its items stay in the queue.`) &&
    void api("DELETE", `/api/admin/wire/feeds/${f.id}`)
      .then(load)
      .catch((err: unknown) => setMessage(err instanceof ApiError ? err.message : "That did not work."));

  return (
    <section class="wire-feeds" aria-labelledby="feeds-heading">
      <h2 id="feeds-heading">Feeds</h2>
      {message ? <p role="status">{message}</p> : null}
      {feeds === undefined ? (
        <p>Loading…</p>
      ) : (
        <table class="stories">
          <caption class="visually-hidden">Wire feeds</caption>
          <thead>
            <tr>
              <th scope="col">Feed</th>
              <th scope="col">Kind</th>
              <th scope="col">Items</th>
              <th scope="col">State</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {feeds.map((f) => (
              <tr>
                <td>
                  {f.name}
                  <div class="sub">
                    {f.kind === "push"
                      ? `POST ${location.origin}/api/wire/push/${f.slug}`
                      : f.kind === "folder"
                        ? String(f.settings["path"] ?? "")
                        : f.kind === "poll"
                          ? String(f.settings["url"] ?? "")
                          : "gazette import"}
                  </div>
                </td>
                <td>{f.kind}</td>
                <td>
                  {f.mode === "publish" ? "published at once" : "wait in the queue"}
                  {f.trusted && f.mode !== "publish" ? ", may be published as is" : ""}
                  {f.sectionSlug ? ` · ${f.sectionSlug}` : ""}
                  {f.killRule === "unpublish" ? " · kills unpublish" : ""}
                </td>
                <td>
                  {!f.enabled ? "Off" : f.lastError ? <span class="error">{f.lastError}</span> : "Working"}
                  {f.lastSuccessAt ? <div class="sub">Last success {when(f.lastSuccessAt)}</div> : null}
                  {f.failures ? <div class="sub">{f.failures} failures in a row</div> : null}
                </td>
                <td>
                  {f.fromConfig ? (
                    <span class="sub">From the config file</span>
                  ) : f.kind === "import" ? null : (
                    <>
                      <button type="button" onClick={() => toggle(f)}>
                        {f.enabled ? `Switch off ${f.name}` : `Switch on ${f.name}`}
                      </button>{" "}
                      <button type="button" class="danger" onClick={() => remove(f)}>
                        Remove {f.name}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="feed-form" onSubmit={(e) => void add(e)}>
        <h3>Add a feed</h3>
        <label>
          Name
          <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as typeof kind)}>
            <option value="push">Push: the agency sends to Gazette</option>
            <option value="poll">Poll: Gazette fetches a URL</option>
            <option value="folder">Watch folder: files dropped on this server</option>
          </select>
        </label>
        {kind === "push" ? (
          <label>
            Shared secret (at least 24 characters)
            <input required minLength={24} value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
          </label>
        ) : (
          <label>
            {kind === "poll" ? "Feed URL" : "Folder on the server"}
            <input required value={where} onInput={(e) => setWhere(e.currentTarget.value)} />
          </label>
        )}
        {kind === "poll" ? (
          <label>
            API key (sent as x-api-key; optional)
            <input value={apiKey} onInput={(e) => setApiKey(e.currentTarget.value)} />
          </label>
        ) : null}
        <label>
          Section for its stories (optional)
          <input value={section} placeholder="world" onInput={(e) => setSection(e.currentTarget.value)} />
        </label>
        <label>
          Items
          <select value={mode} onChange={(e) => setMode(e.currentTarget.value as typeof mode)}>
            <option value="queue">Wait in the queue for an editor</option>
            <option value="publish">Are published as they arrive (trusted)</option>
          </select>
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={trusted || mode === "publish"}
            disabled={mode === "publish"}
            onChange={(e) => setTrusted(e.currentTarget.checked)}
          />{" "}
          Editors may publish its items as they are
        </label>
        <label>
          When the agency kills an item
          <select value={killRule} onChange={(e) => setKillRule(e.currentTarget.value as typeof killRule)}>
            <option value="alert">Alert the story's editors</option>
            <option value="unpublish">Alert them and take the story off the site</option>
          </select>
        </label>
        {problems.length ? (
          <ul class="error">
            {problems.map((p) => (
              <li>{p}</li>
            ))}
          </ul>
        ) : null}
        <button type="submit" class="primary">
          Add the feed
        </button>
      </form>
    </section>
  );
}
