/**
 * The live desk: posting to a live story quickly. A compose box at the top
 * (Enter posts, Shift+Enter starts a new line, a blank line a new
 * paragraph; pictures pasted, dropped or chosen, each with its alt text;
 * who the post is by), the stream below with each post's controls — edit
 * (with a note to readers once published), pin, key event, approve a
 * contributor's post, publish a draft, delete. Several journalists post at
 * once: posts are independent, and the stream reloads every few seconds.
 * Editors start and end the coverage.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, type Author, type Block, type Me, type StoryJson, api } from "./api.ts";
import { when } from "./format.ts";
import type { LiveCoverage, LivePost } from "../../content/live.ts";
import { imageFiles, uploadImage } from "./media-library.tsx";
import { navigate } from "./router.ts";

type Coverage = LiveCoverage;

/** A post as the desk's API answers (the content model's, types only). */
type Post = LivePost;

const STATUS: Record<Post["status"], string> = {
  draft: "Draft",
  pending: "Waiting for approval",
  published: "Published",
  deleted: "Deleted",
};

/** Text as typed → paragraphs (a blank line between them). */
export function textToBlocks(text: string): Block[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => ({ type: "paragraph" as const, content: [{ text: p.replace(/\s*\n\s*/g, " ") }] }));
}

/** A post's paragraphs as text (its pictures and other blocks are kept as they are when it is edited). */
function blocksToText(blocks: readonly Block[]): string {
  return blocks
    .flatMap((b) => (b.type === "paragraph" ? [b.content.map((r) => r.text).join("")] : []))
    .join("\n\n");
}

/** Only plain paragraphs (links, emphasis) can be edited as text without losing their marks. */
function editableAsText(blocks: readonly Block[]): boolean {
  return blocks.every(
    (b) => b.type !== "paragraph" || b.content.every((r) => !r.bold && !r.italic && !r.href),
  );
}

/**
 * The edited text put back among the post's other blocks: the blocks before
 * its first paragraph stay before the text, the others after it.
 */
function withText(blocks: readonly Block[], text: string): Block[] {
  const first = blocks.findIndex((b) => b.type === "paragraph");
  const lead = first === -1 ? [] : blocks.slice(0, first).filter((b) => b.type !== "paragraph");
  const rest = blocks.filter((b, i) => b.type !== "paragraph" && (first === -1 || i > first));
  return [...lead, ...textToBlocks(text), ...rest];
}

/** A picture waiting in the compose box: uploaded when the post goes out. */
interface Picture {
  file: File;
  /** Set once uploaded (a retry after a failed post does not upload it again). */
  id?: number;
  url: string;
  alt: string;
  caption: string;
  credit: string;
}

function preview(blocks: readonly Block[]): string {
  return blocks
    .map((b) =>
      b.type === "paragraph"
        ? b.content.map((r) => r.text).join("")
        : b.type === "heading" || b.type === "quote"
          ? b.text
          : `[${b.type}]`,
    )
    .join(" ¶ ");
}

function PostRow({ post, me, onChange }: { post: Post; me: Me; onChange: (message: string) => void }) {
  const editor = me.permissions.includes("story.publish");
  const mine = post.createdBy === me.id;
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(post.title ?? "");
  const [text, setText] = useState(blocksToText(post.body));
  const [note, setNote] = useState("");
  const act = async (method: string, body?: unknown, done = "Saved.") => {
    try {
      await api(method, `/api/admin/live/posts/${post.id}`, body);
      onChange(done);
      return true;
    } catch (err) {
      onChange(
        err instanceof ApiError
          ? `${err.message} ${err.fields.map((f) => f.message).join("; ")}`
          : "That failed.",
      );
      return false;
    }
  };
  const canEdit = editor || (mine && post.status !== "published");
  const label = post.title || preview(post.body).slice(0, 60);
  return (
    <li class={`desk-post desk-post-${post.status}`}>
      <p class="desk-post-meta">
        <span
          class={`status status-${post.status === "published" ? "published" : post.status === "pending" ? "review" : "draft"}`}
        >
          {STATUS[post.status]}
        </span>{" "}
        {when(post.publishedAt ?? post.createdAt)}
        {post.editedAt ? <span class="sub"> · updated {when(post.editedAt)}</span> : null}
        {post.pinned ? <span class="tag">Pinned</span> : null}
        {post.keyEvent ? <span class="tag">Key event</span> : null}
      </p>
      {editing ? (
        <form
          class="desk-edit"
          onSubmit={(e) => {
            e.preventDefault();
            void act("PATCH", {
              title,
              body: withText(post.body, text),
              ...(post.status === "published" && note.trim() ? { note } : {}),
            }).then((ok) => ok && setEditing(false));
          }}
        >
          <label class="field">
            <span>Title</span>
            <input value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span>Text</span>
            <textarea rows={4} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          </label>
          {post.status === "published" ? (
            <label class="field">
              <span>Note to readers (optional)</span>
              <input
                value={note}
                maxLength={500}
                placeholder="e.g. Corrected the number of homes without power."
                aria-describedby={`note-hint-${post.id}`}
                onInput={(e) => setNote(e.currentTarget.value)}
              />
              <small id={`note-hint-${post.id}`}>
                Readers see the post as updated; the change and this note are in the story's history.
              </small>
            </label>
          ) : null}
          <button type="submit" class="primary">
            Save the post
          </button>{" "}
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          {post.title ? <h3>{post.title}</h3> : null}
          <p class="desk-post-text">{preview(post.body)}</p>
        </>
      )}
      <p class="actions">
        {canEdit && !editing && editableAsText(post.body) ? (
          <button type="button" class="small" onClick={() => setEditing(true)} aria-label={`Edit “${label}”`}>
            Edit
          </button>
        ) : null}
        {post.status === "draft" && canEdit ? (
          <button
            type="button"
            class="small"
            onClick={() => void act("PATCH", { status: "published" }, "Posted.")}
          >
            Post it
          </button>
        ) : null}
        {post.status === "pending" && editor ? (
          <button
            type="button"
            class="small primary"
            onClick={() => void act("PATCH", { status: "published" }, "Approved.")}
          >
            Approve
          </button>
        ) : null}
        {editor ? (
          <>
            <button
              type="button"
              class="small"
              aria-pressed={post.pinned}
              onClick={() =>
                void act("PATCH", { pinned: !post.pinned }, post.pinned ? "Unpinned." : "Pinned.")
              }
            >
              {post.pinned ? "Unpin" : "Pin"}
            </button>
            <button
              type="button"
              class="small"
              aria-pressed={post.keyEvent}
              onClick={() => void act("PATCH", { keyEvent: !post.keyEvent }, "Saved.")}
            >
              Key event
            </button>
          </>
        ) : null}
        {editor || (mine && post.status !== "published") ? (
          <button
            type="button"
            class="small danger"
            onClick={() => {
              if (post.status !== "published") {
                if (confirm("Delete this post?")) void act("DELETE", undefined, "Deleted.");
                return;
              }
              // A published post's removal is told in the story's history, with the editor's note.
              const why = prompt(
                "Delete this post? Readers will no longer see it; the story's history will say it was removed. A note to readers on why (optional):",
              );
              if (why !== null) void act("DELETE", why.trim() ? { note: why.trim() } : undefined, "Deleted.");
            }}
          >
            Delete
          </button>
        ) : null}
      </p>
    </li>
  );
}

export function LiveDeskPage({ id, me }: { id: number; me: Me }) {
  const editor = me.permissions.includes("story.publish");
  const [story, setStory] = useState<StoryJson | null>(null);
  const [coverage, setCoverage] = useState<Coverage | null | undefined>(undefined);
  const [posts, setPosts] = useState<Post[]>([]);
  const [title, setTitle] = useState("");
  const [text, setText] = useState("");
  const [keyEvent, setKeyEvent] = useState(false);
  const [pinned, setPinned] = useState(false);
  const [status, setStatus] = useState("");
  const [sending, setSending] = useState(false);
  const [authors, setAuthors] = useState<Author[]>([]);
  /** The story was made from a wire item: its newer versions can become posts. */
  const [fromWire, setFromWire] = useState(false);
  const [by, setBy] = useState<string[]>(me.authorSlug ? [me.authorSlug] : []);
  const [pictures, setPictures] = useState<Picture[]>([]);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const addPictures = (files: File[]) => {
    if (!files.length) return;
    setPictures((ps) => [
      ...ps,
      ...files.map((file) => ({ file, url: URL.createObjectURL(file), alt: "", caption: "", credit: "" })),
    ]);
    setStatus(
      `${files.length === 1 ? "A picture was" : `${files.length} pictures were`} added: describe ${files.length === 1 ? "it" : "each"} for readers who cannot see it.`,
    );
  };
  const changePicture = (i: number, patch: Partial<Picture>) =>
    setPictures((ps) => ps.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  const removePicture = (i: number) =>
    setPictures((ps) => {
      URL.revokeObjectURL(ps[i]!.url);
      return ps.filter((_, j) => j !== i);
    });

  const load = async () => {
    try {
      const r = await api<{ coverage: Coverage; posts: Post[] }>("GET", `/api/admin/stories/${id}/live`);
      setCoverage(r.coverage);
      setPosts(r.posts);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setCoverage(null);
    }
  };
  useEffect(() => {
    void api<StoryJson>("GET", `/api/admin/stories/${id}`).then(setStory);
    void api<{ items: Author[] }>("GET", "/api/admin/authors").then((r) => setAuthors(r.items));
    void api<{ wire: unknown }>("GET", `/api/admin/stories/${id}/wire`)
      .then((r) => setFromWire(!!r.wire))
      .catch(() => undefined);
    void load();
    // Other journalists' posts appear by themselves.
    const t = setInterval(() => void load(), 3000);
    return () => clearInterval(t);
  }, [id]);

  const settings = async (body: Record<string, unknown>, done: string) => {
    try {
      setCoverage(await api<Coverage>("PUT", `/api/admin/stories/${id}/live`, body));
      setStatus(done);
    } catch (err) {
      setStatus(err instanceof ApiError ? err.message : "That failed.");
    }
  };

  const send = async (asDraft = false) => {
    const body = textToBlocks(text);
    if (!body.length && !pictures.length) {
      setStatus("Write something to post.");
      textRef.current?.focus();
      return;
    }
    const undescribed = pictures.findIndex((p) => !p.alt.trim());
    if (undescribed !== -1) {
      setStatus("Describe each picture for readers who cannot see it (alt text) before posting.");
      document.getElementById(`pic-alt-${undescribed}`)?.focus();
      return;
    }
    setSending(true);
    try {
      // The pictures go to the library first (with their words), then the post shows them after its text.
      for (const [i, p] of pictures.entries()) {
        if (p.id) continue;
        const img = await uploadImage(p.file, { alt: p.alt, caption: p.caption, credit: p.credit });
        pictures[i] = { ...p, id: img.id };
        setPictures([...pictures]);
      }
      const images: Block[] = pictures.map((p) => ({ type: "image", imageId: p.id! }));
      const p = await api<Post>("POST", `/api/admin/stories/${id}/live/posts`, {
        ...(title.trim() ? { title } : {}),
        body: [...body, ...images],
        authorSlugs: by,
        ...(editor ? { keyEvent, pinned } : {}),
        status: asDraft ? "draft" : "published",
      });
      setTitle("");
      setText("");
      setKeyEvent(false);
      setPinned(false);
      for (const pic of pictures) URL.revokeObjectURL(pic.url);
      setPictures([]);
      setStatus(
        p.status === "pending"
          ? "Sent for approval: an editor will publish it."
          : asDraft
            ? "Draft saved."
            : "Posted.",
      );
      await load();
      textRef.current?.focus();
    } catch (err) {
      setStatus(
        err instanceof ApiError
          ? `${err.message} ${err.fields.map((f) => f.message).join("; ")}`
          : "Not posted.",
      );
    } finally {
      setSending(false);
    }
  };

  const back = (
    <p>
      <a
        href={`/admin/stories/${id}`}
        onClick={(e) => {
          e.preventDefault();
          navigate(`/admin/stories/${id}`);
        }}
      >
        ← The story
      </a>
    </p>
  );
  if (coverage === undefined) return <p>Loading…</p>;
  if (coverage === null)
    return (
      <section class="live-desk">
        {back}
        <h1>Live desk{story ? `: ${story.content.headline}` : ""}</h1>
        <p>This story is not covered live.</p>
        {editor ? (
          <button
            type="button"
            class="primary"
            onClick={() => void settings({ state: "open" }, "Live coverage started.")}
          >
            Start live coverage
          </button>
        ) : (
          <p class="sub">An editor starts live coverage.</p>
        )}
        <p role="status">{status}</p>
      </section>
    );
  const open = coverage.state === "open";
  return (
    <section class="live-desk">
      {back}
      <h1>Live desk{story ? `: ${story.content.headline}` : ""}</h1>
      <p>
        <span class={`status ${open ? "status-published" : "status-unpublished"}`}>
          {open ? "Live" : "Ended"}
        </span>{" "}
        <span class="sub">
          since {when(coverage.coverageStart)}
          {coverage.coverageEnd ? `, ended ${when(coverage.coverageEnd)}` : ""}
        </span>
        {story?.path ? (
          <>
            {" "}
            · <a href={story.path}>Readers' page</a>
          </>
        ) : null}
      </p>
      {editor ? (
        <p class="actions">
          <button
            type="button"
            onClick={() =>
              void settings(
                { state: open ? "closed" : "open", ...(open ? {} : { coverageEnd: null }) },
                open ? "Live coverage ended." : "Live coverage reopened.",
              )
            }
          >
            {open ? "End live coverage" : "Reopen live coverage"}
          </button>{" "}
          <label class="check inline">
            <input
              type="checkbox"
              checked={coverage.requireApproval}
              onChange={(e) => void settings({ requireApproval: e.currentTarget.checked }, "Saved.")}
            />{" "}
            Contributors' posts need an editor's approval
          </label>
          {fromWire || coverage.wireAppend ? (
            <label class="check inline">
              <input
                type="checkbox"
                checked={coverage.wireAppend}
                onChange={(e) => void settings({ wireAppend: e.currentTarget.checked }, "Saved.")}
              />{" "}
              The agency's new versions of this story become posts
            </label>
          ) : null}
        </p>
      ) : null}
      {open ? (
        <form
          class="settings-form live-compose"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
          onDragOver={(e) => e.preventDefault()}
          onDrop={(e) => {
            const files = imageFiles(e.dataTransfer?.files);
            if (!files.length) return;
            e.preventDefault();
            addPictures(files);
          }}
        >
          <h2>New post</h2>
          <label class="field">
            <span>Title (optional)</span>
            <input value={title} maxLength={200} onInput={(e) => setTitle(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span>Post</span>
            <textarea
              ref={textRef}
              rows={4}
              value={text}
              aria-describedby="compose-hint"
              onInput={(e) => setText(e.currentTarget.value)}
              onPaste={(e) => {
                const files = imageFiles(e.clipboardData?.files);
                if (!files.length) return;
                e.preventDefault();
                addPictures(files);
              }}
              onKeyDown={(e) => {
                if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
                  e.preventDefault();
                  void send();
                }
              }}
            />
          </label>
          <p class="sub" id="compose-hint">
            Enter posts; Shift+Enter for a new line, a blank line for a new paragraph. Paste or drop pictures
            here.
          </p>
          {pictures.length ? (
            <ul class="compose-pictures">
              {pictures.map((p, i) => (
                <li>
                  <img src={p.url} alt="" width={120} />
                  <div>
                    <label class="field">
                      <span>Describe the picture (alt text)</span>
                      <input
                        id={`pic-alt-${i}`}
                        value={p.alt}
                        required
                        maxLength={500}
                        onInput={(e) => changePicture(i, { alt: e.currentTarget.value })}
                      />
                    </label>
                    <label class="field">
                      <span>Caption (optional)</span>
                      <input
                        value={p.caption}
                        onInput={(e) => changePicture(i, { caption: e.currentTarget.value })}
                      />
                    </label>
                    <label class="field">
                      <span>Credit (optional)</span>
                      <input
                        value={p.credit}
                        onInput={(e) => changePicture(i, { credit: e.currentTarget.value })}
                      />
                    </label>
                    <button type="button" class="small" onClick={() => removePicture(i)}>
                      Remove picture {i + 1}
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          ) : null}
          <p>
            <button type="button" class="small" onClick={() => fileRef.current?.click()}>
              Add a picture
            </button>
            <input
              ref={fileRef}
              type="file"
              class="visually-hidden"
              tabIndex={-1}
              aria-hidden="true"
              multiple
              accept="image/jpeg,image/png,image/webp,image/gif,image/avif"
              onChange={(e) => {
                addPictures(imageFiles(e.currentTarget.files));
                e.currentTarget.value = "";
              }}
            />
          </p>
          {authors.length ? (
            <details class="compose-by">
              <summary>
                By:{" "}
                {by.length
                  ? by.map((s) => authors.find((a) => a.slug === s)?.name ?? s).join(", ")
                  : "nobody named"}
              </summary>
              <fieldset class="authors">
                <legend class="visually-hidden">Who the post is by</legend>
                {authors.map((a) => (
                  <label class="check inline">
                    <input
                      type="checkbox"
                      checked={by.includes(a.slug)}
                      onChange={(e) =>
                        setBy(e.currentTarget.checked ? [...by, a.slug] : by.filter((s) => s !== a.slug))
                      }
                    />{" "}
                    {a.name}
                  </label>
                ))}
              </fieldset>
            </details>
          ) : null}
          {editor ? (
            <p>
              <label class="check inline">
                <input
                  type="checkbox"
                  checked={keyEvent}
                  onChange={(e) => setKeyEvent(e.currentTarget.checked)}
                />{" "}
                Key event
              </label>{" "}
              <label class="check inline">
                <input
                  type="checkbox"
                  checked={pinned}
                  onChange={(e) => setPinned(e.currentTarget.checked)}
                />{" "}
                Pin to the top
              </label>
            </p>
          ) : null}
          <button type="submit" class="primary" disabled={sending}>
            Post
          </button>{" "}
          <button type="button" disabled={sending} onClick={() => void send(true)}>
            Save as draft
          </button>
        </form>
      ) : null}
      <p role="status">{status}</p>
      <h2>Posts</h2>
      {posts.length === 0 ? (
        <p class="sub">No posts yet.</p>
      ) : (
        <ol class="desk-posts">
          {posts.map((p) => (
            <PostRow
              key={`${p.id}-${p.status}-${p.editedAt ?? ""}-${p.pinned}-${p.keyEvent}`}
              post={p}
              me={me}
              onChange={(m) => {
                setStatus(m);
                void load();
              }}
            />
          ))}
        </ol>
      )}
    </section>
  );
}
