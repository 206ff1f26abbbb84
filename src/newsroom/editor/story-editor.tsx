/**
 * The story editor: headline, summary points, the block body (Tiptap),
 * and the story's settings; autosave for drafts, an explicit Update for
 * what readers see, a local copy of every keystroke until the server has
 * it, conflicts shown side by side, a live preview, keyboard shortcuts.
 */
import type { Editor } from "@tiptap/core";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import {
  ApiError,
  type Author,
  type FieldError,
  type ImageJson,
  type Me,
  type Section,
  type StoryContent,
  type StoryJson,
  type VideoJson,
  api,
} from "./api.ts";
import { type Lookups, createBodyEditor, formatDuration } from "./body-editor.ts";
import { ConflictPanel, contentText } from "./conflict.tsx";
import { blocksToDoc, docToBlocks } from "./doc-convert.ts";
import { STATUS_LABEL, fromLocalInput, toLocalInput, when } from "./format.ts";
import { clearLocal, readLocal, sameContent, writeLocal } from "./local-copy.ts";
import { ImageDetails, ImagePicker, VideoPicker, imageFiles, uploadImage } from "./media-library.tsx";
import { CorrectionsPanel, RevisionsPanel, SourcesEditor } from "./story-panels.tsx";
import { StoryPicker } from "./story-picker.tsx";

type SaveState = "saved" | "dirty" | "saving" | "offline" | "error" | "conflict";
type Picker =
  | { kind: "related-story" }
  | null
  | { kind: "hero" }
  | { kind: "body-image" }
  | { kind: "body-video" }
  | { kind: "related-video" };

const AUTOSAVE_MS = 1500;

export function StoryEditor({ id, me }: { id: number; me: Me }) {
  const [story, setStory] = useState<StoryJson | null>(null);
  const [content, setContent] = useState<StoryContent | null>(null);
  const [saveState, setSaveState] = useState<SaveState>("saved");
  const [message, setMessage] = useState("");
  const [fields, setFields] = useState<FieldError[]>([]);
  const [conflict, setConflict] = useState<null | {
    latest: { userName: string; at: string; revision: number };
    theirs: StoryJson;
  }>(null);
  const [localOffer, setLocalOffer] = useState<null | { at: string; content: StoryContent }>(null);
  const [sections, setSections] = useState<Section[]>([]);
  const [authors, setAuthors] = useState<Author[]>([]);
  const [images, setImages] = useState(new Map<number, ImageJson>());
  const [videos, setVideos] = useState(new Map<number, VideoJson>());
  const [picker, setPicker] = useState<Picker>(null);
  const [describe, setDescribe] = useState<ImageJson | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [scheduleAt, setScheduleAt] = useState("");
  const [previewLink, setPreviewLink] = useState("");
  const [topicsText, setTopicsText] = useState("");

  const editorEl = useRef<HTMLDivElement>(null);
  const editor = useRef<Editor | null>(null);
  const contentRef = useRef<StoryContent | null>(null);
  const storyRef = useRef<StoryJson | null>(null);
  const baseRevision = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const saving = useRef(false);
  const mediaRef = useRef({ images, videos });
  mediaRef.current = { images, videos };

  const editable = !!story?.can.edit;
  const autosaves =
    !!story &&
    editable &&
    (story.status === "draft" || story.status === "review" || story.status === "unpublished");

  const rememberMedia = useCallback(async (c: StoryContent) => {
    const imageIds = [
      ...(c.heroImageId ? [c.heroImageId] : []),
      ...c.body.flatMap((b) => (b.type === "image" ? [b.imageId] : [])),
    ];
    const videoIds = [
      ...c.relatedVideoIds,
      ...c.body.flatMap((b) => (b.type === "video" ? [b.videoId] : [])),
    ];
    const [imgs, vids] = await Promise.all([
      imageIds.length
        ? api<{ items: ImageJson[] }>("GET", `/api/admin/images?ids=${imageIds.join(",")}`)
        : { items: [] },
      videoIds.length
        ? api<{ items: VideoJson[] }>("GET", `/api/admin/videos?ids=${videoIds.join(",")}`)
        : { items: [] },
    ]);
    setImages((m) => new Map([...m, ...imgs.items.map((i) => [i.id, i] as const)]));
    setVideos((m) => new Map([...m, ...vids.items.map((v) => [v.id, v] as const)]));
  }, []);

  const adopt = (s: StoryJson, c: StoryContent = s.content) => {
    setStory(s);
    storyRef.current = s;
    baseRevision.current = s.revision;
    setContent(c);
    contentRef.current = c;
    setTopicsText(c.topicNames.join(", "));
  };

  // Load the story, the lists the settings need, and any unsaved local copy.
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const [s, secs, auths] = await Promise.all([
        api<StoryJson>("GET", `/api/admin/stories/${id}`),
        api<{ items: Section[] }>("GET", "/api/admin/sections"),
        api<{ items: Author[] }>("GET", "/api/admin/authors"),
      ]);
      if (cancelled) return;
      await rememberMedia(s.content);
      setSections(secs.items);
      setAuthors(auths.items);
      adopt(s);
      const local = readLocal(id);
      if (local && !sameContent(local.content, s.content))
        setLocalOffer({ at: local.at, content: local.content });
      else if (local) clearLocal(id);
    })().catch((e: unknown) => setMessage(e instanceof ApiError ? e.message : "Could not open the story."));
    return () => {
      cancelled = true;
    };
  }, [id]);

  const save = useCallback(async (): Promise<boolean> => {
    const c = contentRef.current;
    if (!c || saving.current) return false;
    clearTimeout(timer.current);
    saving.current = true;
    setSaveState("saving");
    try {
      const s = await api<StoryJson>("PUT", `/api/admin/stories/${id}`, {
        baseRevision: baseRevision.current,
        content: c,
      });
      setStory(s);
      storyRef.current = s;
      baseRevision.current = s.revision;
      setFields([]);
      setMessage("");
      // Only what the server now holds leaves the local copy.
      if (sameContent(contentRef.current!, c)) {
        clearLocal(id);
        setSaveState("saved");
      } else {
        setSaveState("dirty");
      }
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.code === "GZ_ERR_CONFLICT") {
        const theirs = await api<StoryJson>("GET", `/api/admin/stories/${id}`);
        setConflict({
          latest: err.details["latest"] as { userName: string; at: string; revision: number },
          theirs,
        });
        setSaveState("conflict");
      } else if (err instanceof ApiError && err.code === "GZ_ERR_OFFLINE") {
        setSaveState("offline");
        setMessage(err.message);
      } else if (err instanceof ApiError) {
        setSaveState("error");
        setMessage(err.message);
        setFields(err.fields);
      }
      return false;
    } finally {
      saving.current = false;
    }
  }, [id]);

  const change = useCallback(
    (patch: Partial<StoryContent>) => {
      const next = { ...contentRef.current!, ...patch };
      const unchanged = sameContent(next, contentRef.current!);
      contentRef.current = next;
      if (!unchanged) setContent(next);
      if (storyRef.current && sameContent(next, storyRef.current.content)) {
        // Back to what the server has (an undo): nothing to save.
        clearTimeout(timer.current);
        clearLocal(id);
        setSaveState((s) => (s === "conflict" ? s : "saved"));
        return;
      }
      // Editor housekeeping (a trailing empty paragraph) changes nothing a reader sees.
      if (unchanged) return;
      setSaveState((s) => (s === "conflict" ? s : "dirty"));
      writeLocal(id, { baseRevision: baseRevision.current, content: next, at: new Date().toISOString() });
      const s = storyRef.current;
      if (s && s.can.edit && (s.status === "draft" || s.status === "review" || s.status === "unpublished")) {
        clearTimeout(timer.current);
        timer.current = setTimeout(() => {
          if (!conflictRef.current) void save();
        }, AUTOSAVE_MS);
      }
    },
    [id, save],
  );
  const conflictRef = useRef(conflict);
  conflictRef.current = conflict;

  // The body editor, created once the story is loaded.
  useEffect(() => {
    if (!story || !editorEl.current || editor.current) return;
    const lookups: Lookups = {
      image: (i) => mediaRef.current.images.get(i),
      video: (i) => mediaRef.current.videos.get(i),
      storyHeadline: (i) =>
        api<StoryJson>("GET", `/api/admin/stories/${i}`).then(
          (s) => s.content.headline,
          () => `Story ${i}`,
        ),
    };
    editor.current = createBodyEditor({
      element: editorEl.current,
      content: blocksToDoc(contentRef.current!.body),
      editable: story.can.edit,
      lookups,
      label: "Story text",
      onChange: () => change({ body: docToBlocks(editor.current!.getJSON() as never) }),
    });
    return undefined;
  }, [story !== null]);
  useEffect(() => () => editor.current?.destroy(), []);
  useEffect(() => {
    editor.current?.setEditable(editable, false);
  }, [editable]);

  const loadIntoEditor = (c: StoryContent) => {
    editor.current?.commands.setContent(blocksToDoc(c.body) as never, { emitUpdate: false });
  };

  // Warn before leaving with unsaved work (it is in localStorage too).
  useEffect(() => {
    const h = (e: BeforeUnloadEvent) => {
      if (saveState !== "saved") e.preventDefault();
    };
    window.addEventListener("beforeunload", h);
    return () => window.removeEventListener("beforeunload", h);
  }, [saveState]);

  // Live preview: rendered by the site's own templates, refreshed as you type.
  useEffect(() => {
    if (preview === null || !content) return;
    const t = setTimeout(() => {
      api<{ html: string }>("POST", "/api/admin/preview", { storyId: id, content })
        .then((r) => setPreview(r.html))
        .catch((e: unknown) =>
          setPreview(
            `<p style="font:16px sans-serif">${e instanceof ApiError ? e.message : "Preview failed."}</p>`,
          ),
        );
    }, 400);
    return () => clearTimeout(t);
  }, [preview !== null, content]);

  const act = async (action: string, body: Record<string, unknown> = {}) => {
    if (saveState !== "saved" && editable) {
      if (!(await save())) return;
    }
    try {
      const s = await api<StoryJson>("POST", `/api/admin/stories/${id}/${action}`, {
        baseRevision: baseRevision.current,
        ...body,
      });
      adopt(s, contentRef.current ?? s.content);
      setFields([]);
      setMessage(
        {
          submit: "Submitted for review. An editor will take it from here.",
          publish: "Published. It is on the site now.",
          schedule: `Scheduled for ${when(s.scheduledAt)}.`,
          unschedule: "No longer scheduled.",
          return: "Returned to draft.",
          unpublish: "Taken down from the site.",
        }[action] ?? "Done.",
      );
    } catch (err) {
      if (err instanceof ApiError) {
        setMessage(err.message);
        setFields(err.fields);
      }
    }
  };

  // Keyboard: Mod-S saves now, Mod-Shift-P toggles the preview, Mod-K makes a link.
  useEffect(() => {
    const h = (e: KeyboardEvent) => {
      const mod = e.metaKey || e.ctrlKey;
      if (mod && e.key.toLowerCase() === "s") {
        e.preventDefault();
        if (editable) void save();
      } else if (mod && e.shiftKey && e.key.toLowerCase() === "p") {
        e.preventDefault();
        setPreview((p) => (p === null ? "" : null));
      } else if (mod && e.key.toLowerCase() === "k" && editor.current?.isFocused) {
        e.preventDefault();
        const href = prompt(
          "Link address (https://…)",
          editor.current.getAttributes("link")["href"] ?? "https://",
        );
        if (href === null) return;
        if (href === "") editor.current.chain().focus().unsetLink().run();
        else editor.current.chain().focus().extendMarkRange("link").setLink({ href }).run();
      }
    };
    window.addEventListener("keydown", h);
    return () => window.removeEventListener("keydown", h);
  }, [editable, save]);

  if (!story || !content) return <p role="status">{message || "Opening the story…"}</p>;

  const f = (path: string) =>
    fields
      .filter((x) => x.path === path || x.path.startsWith(`${path}.`) || x.path === `content.${path}`)
      .map((x) => x.message);
  const hero = content.heroImageId ? images.get(content.heroImageId) : undefined;

  const pick = (img: ImageJson) => {
    setImages((m) => new Map(m).set(img.id, img));
    mediaRef.current.images.set(img.id, img);
    if (picker?.kind === "hero") change({ heroImageId: img.id });
    else
      editor.current
        ?.chain()
        .focus()
        .insertContent({ type: "gzImage", attrs: { imageId: img.id, caption: "" } })
        .run();
    setPicker(null);
    if (!img.alt || !img.caption || !img.credit) setDescribe(img);
  };
  const pickVideo = (v: VideoJson) => {
    setVideos((m) => new Map(m).set(v.id, v));
    mediaRef.current.videos.set(v.id, v);
    if (picker?.kind === "related-video")
      change({ relatedVideoIds: [...new Set([...content.relatedVideoIds, v.id])] });
    else
      editor.current
        ?.chain()
        .focus()
        .insertContent({ type: "gzVideo", attrs: { videoId: v.id } })
        .run();
    setPicker(null);
  };
  const dropImages = async (files: File[], target: "hero" | "body") => {
    for (const file of files) {
      try {
        const img = await uploadImage(file);
        setPicker(target === "hero" ? { kind: "hero" } : { kind: "body-image" });
        // pick() reads the picker kind; set it synchronously for this call.
        if (target === "hero") change({ heroImageId: img.id });
        else
          editor.current
            ?.chain()
            .focus()
            .insertContent({ type: "gzImage", attrs: { imageId: img.id, caption: "" } })
            .run();
        setImages((m) => new Map(m).set(img.id, img));
        mediaRef.current.images.set(img.id, img);
        setPicker(null);
        setDescribe(img);
      } catch (err) {
        setMessage(err instanceof ApiError ? `${file.name}: ${err.message}` : "The upload failed.");
      }
    }
  };

  const stateLabel: Record<SaveState, string> = {
    saved: story.status === "published" ? "All changes are live" : "All changes saved",
    dirty: autosaves
      ? "Unsaved changes…"
      : story.status === "published"
        ? "Changes not yet on the site — press Update"
        : "Unsaved changes",
    saving: "Saving…",
    offline: "Offline — kept in this browser",
    error: "Not saved — see the message",
    conflict: "Not saved — someone else changed the story",
  };

  return (
    <div class="editor-page">
      <div class="editor-bar">
        <p class="crumbs">
          <span class={`status status-${story.status}`}>{STATUS_LABEL[story.status]}</span>
          {story.status === "scheduled" ? <span class="sub"> for {when(story.scheduledAt)}</span> : null}
          {story.path ? (
            <>
              {" "}
              · <a href={story.path}>View on the site</a>
            </>
          ) : null}
        </p>
        <p class={`save-state save-${saveState}`} role="status" aria-live="polite">
          {stateLabel[saveState]}
        </p>
        <div class="tabs" role="group" aria-label="View">
          <button type="button" aria-pressed={preview === null} onClick={() => setPreview(null)}>
            Write
          </button>
          <button
            type="button"
            aria-pressed={preview !== null}
            onClick={() => setPreview("")}
            title="Ctrl+Shift+P"
          >
            Preview
          </button>
        </div>
        {editable && !autosaves ? (
          <button
            type="button"
            class="primary"
            onClick={() => void save()}
            disabled={saveState === "saved" || saveState === "saving"}
          >
            {story.status === "published" ? "Update" : "Save"}
          </button>
        ) : null}
      </div>

      {localOffer ? (
        <div class="notice" role="alert">
          <p>
            This browser holds changes to this story from {when(localOffer.at)} that the server does not have.
          </p>
          <button
            type="button"
            class="primary"
            onClick={() => {
              change(localOffer.content);
              loadIntoEditor(localOffer.content);
              setTopicsText(localOffer.content.topicNames.join(", "));
              setLocalOffer(null);
            }}
          >
            Restore my unsaved changes
          </button>{" "}
          <button
            type="button"
            onClick={() => {
              clearLocal(id);
              setLocalOffer(null);
            }}
          >
            Discard them
          </button>
        </div>
      ) : null}

      {conflict ? (
        <ConflictPanel
          latest={conflict.latest}
          theirs={conflict.theirs}
          mine={content}
          onKeepMine={() => {
            baseRevision.current = conflict.theirs.revision;
            setConflict(null);
            void save();
          }}
          onUseTheirs={() => {
            void navigator.clipboard?.writeText(contentText(content)).catch(() => undefined);
            try {
              localStorage.setItem(
                `gazette:story:${id}:set-aside`,
                JSON.stringify({ at: new Date().toISOString(), content }),
              );
            } catch {
              /* the clipboard has it */
            }
            adopt(conflict.theirs);
            loadIntoEditor(conflict.theirs.content);
            clearLocal(id);
            setConflict(null);
            setSaveState("saved");
            setMessage(
              "Their version is loaded. Yours was copied to the clipboard and set aside in this browser.",
            );
          }}
        />
      ) : null}

      {message ? (
        <div class={saveState === "error" || fields.length ? "error-box" : "notice"} role="alert">
          <p>{message}</p>
          {fields.length ? (
            <ul>
              {fields.map((x) => (
                <li>
                  {x.path}: {x.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <div class="editor-columns">
        <div class="write" hidden={preview !== null}>
          <label class="headline-field">
            <span class="visually-hidden">Headline</span>
            <textarea
              class="headline"
              rows={2}
              placeholder="Headline"
              value={content.headline}
              readOnly={!editable}
              onInput={(e) => change({ headline: e.currentTarget.value })}
              aria-invalid={f("headline").length ? true : undefined}
            />
          </label>
          <fieldset class="summary-points" disabled={!editable}>
            <legend>Summary points (up to five)</legend>
            {content.summary.map((s, i) => (
              <div class="summary-point">
                <label class="visually-hidden" for={`sum-${i}`}>
                  Summary point {i + 1}
                </label>
                <input
                  id={`sum-${i}`}
                  value={s}
                  onInput={(e) =>
                    change({ summary: content.summary.map((x, j) => (j === i ? e.currentTarget.value : x)) })
                  }
                />
                <button
                  type="button"
                  class="small"
                  onClick={() => change({ summary: content.summary.filter((_, j) => j !== i) })}
                  aria-label={`Remove summary point ${i + 1}`}
                >
                  ×
                </button>
              </div>
            ))}
            {content.summary.length < 5 ? (
              <button
                type="button"
                class="small"
                onClick={() => change({ summary: [...content.summary, ""] })}
              >
                Add a summary point
              </button>
            ) : null}
          </fieldset>

          {editable ? (
            <div class="toolbar" role="toolbar" aria-label="Formatting">
              <button
                type="button"
                onClick={() => editor.current?.chain().focus().toggleHeading({ level: 2 }).run()}
              >
                Heading
              </button>
              <button
                type="button"
                onClick={() => editor.current?.chain().focus().toggleHeading({ level: 3 }).run()}
              >
                Subheading
              </button>
              <button
                type="button"
                onClick={() => editor.current?.chain().focus().toggleBold().run()}
                title="Ctrl+B"
              >
                <b>Bold</b>
              </button>
              <button
                type="button"
                onClick={() => editor.current?.chain().focus().toggleItalic().run()}
                title="Ctrl+I"
              >
                <i>Italic</i>
              </button>
              <button
                type="button"
                title="Ctrl+K"
                onClick={() => {
                  const href = prompt("Link address (https://…)", "https://");
                  if (href) editor.current?.chain().focus().extendMarkRange("link").setLink({ href }).run();
                }}
              >
                Link
              </button>
              <button type="button" onClick={() => editor.current?.chain().focus().toggleBulletList().run()}>
                • List
              </button>
              <button type="button" onClick={() => editor.current?.chain().focus().toggleOrderedList().run()}>
                1. List
              </button>
              <button type="button" onClick={() => editor.current?.chain().focus().setNode("gzQuote").run()}>
                Quote
              </button>
              <button type="button" onClick={() => setPicker({ kind: "body-image" })}>
                Picture
              </button>
              <button type="button" onClick={() => setPicker({ kind: "body-video" })}>
                Video
              </button>
              <button
                type="button"
                onClick={() =>
                  editor.current
                    ?.chain()
                    .focus()
                    .insertContent({ type: "gzEmbed", attrs: { url: "", title: "" } })
                    .run()
                }
              >
                Link card
              </button>
              <button type="button" onClick={() => setPicker({ kind: "related-story" })}>
                Related story
              </button>
              <button type="button" onClick={() => editor.current?.chain().focus().setHorizontalRule().run()}>
                Divider
              </button>
            </div>
          ) : null}
          <div
            class="body-wrap"
            ref={editorEl}
            onDrop={(e) => {
              const files = imageFiles(e.dataTransfer?.files);
              if (files.length && editable) {
                e.preventDefault();
                e.stopPropagation();
                void dropImages(files, "body");
              }
            }}
            onPaste={(e) => {
              const files = imageFiles(e.clipboardData?.files);
              if (files.length && editable) {
                e.preventDefault();
                void dropImages(files, "body");
              }
            }}
          />
          {f("body").length ? <p class="error">{f("body").join("; ")}</p> : null}
          <details class="shortcuts">
            <summary>Keyboard shortcuts</summary>
            <dl>
              <dt>Ctrl/⌘ + S</dt>
              <dd>Save now</dd>
              <dt>Ctrl/⌘ + B, I</dt>
              <dd>Bold, italic</dd>
              <dt>Ctrl/⌘ + K</dt>
              <dd>Link the selected words</dd>
              <dt>Ctrl/⌘ + Alt + 2, 3</dt>
              <dd>Heading, subheading</dd>
              <dt>Ctrl/⌘ + Shift + 8, 7</dt>
              <dd>Bulleted, numbered list</dd>
              <dt>Ctrl/⌘ + Shift + 9</dt>
              <dd>Quote</dd>
              <dt>Ctrl/⌘ + Shift + P</dt>
              <dd>Preview on / off</dd>
              <dt>Ctrl/⌘ + Z</dt>
              <dd>Undo</dd>
            </dl>
          </details>
        </div>

        {preview !== null ? (
          <div class="preview">
            <iframe title="Preview of the reader page" srcdoc={preview} sandbox="allow-same-origin" />
          </div>
        ) : null}

        <aside class="settings" aria-label="Story settings">
          <section class="panel workflow">
            <h2>Publishing</h2>
            {story.can.submit && story.status === "draft" && !story.can.publish ? (
              <button type="button" class="primary" onClick={() => void act("submit")}>
                Submit for review
              </button>
            ) : null}
            {story.can.publish && story.status !== "published" ? (
              <button type="button" class="primary" onClick={() => void act("publish")}>
                Publish now
              </button>
            ) : null}
            {story.can.publish &&
            (story.status === "draft" || story.status === "review" || story.status === "unpublished") ? (
              <form
                class="schedule"
                onSubmit={(e) => {
                  e.preventDefault();
                  const at = fromLocalInput(scheduleAt);
                  if (!at) return setMessage("Choose the date and time to publish.");
                  void act("schedule", { at });
                }}
              >
                <label class="field">
                  <span>Publish at</span>
                  <input
                    type="datetime-local"
                    value={scheduleAt}
                    onInput={(e) => setScheduleAt(e.currentTarget.value)}
                  />
                </label>
                <button type="submit">Schedule</button>
              </form>
            ) : null}
            {story.can.publish && story.status === "scheduled" ? (
              <button type="button" onClick={() => void act("unschedule")}>
                Cancel the schedule
              </button>
            ) : null}
            {story.can.publish && (story.status === "review" || story.status === "scheduled") ? (
              <button type="button" onClick={() => void act("return")}>
                Return to draft
              </button>
            ) : null}
            {story.can.publish && story.status === "published" ? (
              <button
                type="button"
                class="danger"
                onClick={() => confirm("Take this story off the site?") && void act("unpublish")}
              >
                Unpublish
              </button>
            ) : null}
            {!story.can.edit ? (
              <p class="sub">
                {story.status === "review"
                  ? "Submitted: an editor has it now."
                  : "You can read this story but not change it."}
              </p>
            ) : null}
            <button
              type="button"
              class="small"
              onClick={() =>
                void api<{ url: string; path: string }>("POST", `/api/admin/stories/${id}/preview-link`, {
                  hours: 48,
                }).then((r) => setPreviewLink(`${location.origin}${r.path}`))
              }
            >
              Make a preview link (48 hours)
            </button>
            {previewLink ? (
              <label class="field">
                <span>Preview link</span>
                <input readOnly value={previewLink} onFocus={(e) => e.currentTarget.select()} />
              </label>
            ) : null}
          </section>

          <section class="panel">
            <h2>Story</h2>
            <label class="field">
              <span>Section</span>
              <select
                value={content.sectionSlug}
                disabled={!editable}
                onChange={(e) => change({ sectionSlug: e.currentTarget.value })}
              >
                {sections.map((s) => (
                  <option value={s.slug}>{s.name}</option>
                ))}
              </select>
            </label>
            <fieldset class="authors" disabled={!editable}>
              <legend>Authors</legend>
              {authors.map((a) => (
                <label>
                  <input
                    type="checkbox"
                    checked={content.authorSlugs.includes(a.slug)}
                    onChange={(e) =>
                      change({
                        authorSlugs: e.currentTarget.checked
                          ? [...content.authorSlugs, a.slug]
                          : content.authorSlugs.filter((s) => s !== a.slug),
                      })
                    }
                  />{" "}
                  {a.name}
                </label>
              ))}
            </fieldset>
            <label class="field">
              <span>Topics (separated by commas)</span>
              <input
                value={topicsText}
                readOnly={!editable}
                onInput={(e) => {
                  setTopicsText(e.currentTarget.value);
                  change({
                    topicNames: e.currentTarget.value
                      .split(",")
                      .map((t) => t.trim())
                      .filter(Boolean),
                  });
                }}
              />
            </label>
            <label class="field">
              <span>Dateline</span>
              <input
                value={content.dateline ?? ""}
                readOnly={!editable}
                placeholder="PORT ELLERY"
                onInput={(e) => change({ dateline: e.currentTarget.value || undefined })}
              />
            </label>
            <label class="field">
              <span>Byline text (only when no author above)</span>
              <input
                value={content.byline ?? ""}
                readOnly={!editable}
                onInput={(e) => change({ byline: e.currentTarget.value || undefined })}
              />
            </label>
            <label class="field">
              <span>Embargo: not visible before</span>
              <input
                type="datetime-local"
                value={toLocalInput(content.embargoUntil)}
                readOnly={!editable}
                onInput={(e) => change({ embargoUntil: fromLocalInput(e.currentTarget.value) })}
              />
            </label>
            {story.firstPublishedAt ? (
              <label class="field">
                <span>Address (changing it redirects the old one)</span>
                <input
                  value={content.slug ?? ""}
                  readOnly={!editable}
                  onInput={(e) => change({ slug: e.currentTarget.value })}
                />
              </label>
            ) : null}
          </section>

          <section class="panel">
            <h2>Main picture</h2>
            <div
              class="dropzone"
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => {
                e.preventDefault();
                if (editable) void dropImages(imageFiles(e.dataTransfer?.files), "hero");
              }}
            >
              {hero ? (
                <>
                  <img
                    src={hero.thumbnail}
                    alt={hero.alt}
                    width={240}
                    height={Math.round((240 * hero.height) / hero.width)}
                  />
                  <p class="sub">
                    {hero.caption || <em>No caption yet</em>} · {hero.credit || <em>no credit yet</em>}
                  </p>
                  {editable ? (
                    <>
                      <button type="button" class="small" onClick={() => setDescribe(hero)}>
                        Edit picture details
                      </button>{" "}
                      <button type="button" class="small" onClick={() => change({ heroImageId: undefined })}>
                        Remove
                      </button>
                    </>
                  ) : null}
                </>
              ) : (
                <p class="sub">Drop a picture here, or</p>
              )}
              {editable ? (
                <button type="button" class="small" onClick={() => setPicker({ kind: "hero" })}>
                  {hero ? "Choose another" : "Choose or upload a picture"}
                </button>
              ) : null}
            </div>
            {f("heroImageId").length ? <p class="error">{f("heroImageId").join("; ")}</p> : null}
          </section>

          <section class="panel">
            <h2>Related videos</h2>
            <ul class="plain">
              {content.relatedVideoIds.map((vid) => {
                const v = videos.get(vid);
                return (
                  <li>
                    {v
                      ? `${v.title}${v.durationSeconds !== null ? ` (${formatDuration(v.durationSeconds)})` : ""}`
                      : `Video ${vid}`}{" "}
                    {editable ? (
                      <button
                        type="button"
                        class="small"
                        onClick={() =>
                          change({ relatedVideoIds: content.relatedVideoIds.filter((x) => x !== vid) })
                        }
                      >
                        Remove
                      </button>
                    ) : null}
                  </li>
                );
              })}
            </ul>
            {editable ? (
              <button type="button" class="small" onClick={() => setPicker({ kind: "related-video" })}>
                Add a video
              </button>
            ) : null}
          </section>

          <section class="panel">
            <SourcesEditor
              sources={content.sources}
              disabled={!editable}
              onChange={(sources) => change({ sources })}
            />
          </section>

          <RevisionsPanel
            story={story}
            onRestore={(n) =>
              void act(`revisions/${n}/restore`).then(() =>
                api<StoryJson>("GET", `/api/admin/stories/${id}`).then((s) => {
                  adopt(s);
                  loadIntoEditor(s.content);
                  void rememberMedia(s.content);
                }),
              )
            }
          />
          {story.status === "published" ? <CorrectionsPanel story={story} /> : null}
          <p class="sub">
            Revision {story.revision} · last change {when(story.updatedAt)} · signed in as {me.name}
          </p>
        </aside>
      </div>

      {picker && (picker.kind === "hero" || picker.kind === "body-image") ? (
        <ImagePicker onPick={pick} onClose={() => setPicker(null)} />
      ) : null}
      {picker && (picker.kind === "body-video" || picker.kind === "related-video") ? (
        <VideoPicker onPick={pickVideo} onClose={() => setPicker(null)} />
      ) : null}
      {picker?.kind === "related-story" ? (
        <StoryPicker
          exclude={id}
          onClose={() => setPicker(null)}
          onPick={(storyId) => {
            editor.current?.chain().focus().insertContent({ type: "gzRelated", attrs: { storyId } }).run();
            setPicker(null);
          }}
        />
      ) : null}
      {describe ? (
        <DescribeDialog
          image={describe}
          onClose={() => setDescribe(null)}
          onSaved={(img) => {
            setImages((m) => new Map(m).set(img.id, img));
            mediaRef.current.images.set(img.id, img);
            setDescribe(null);
          }}
        />
      ) : null}
    </div>
  );
}

function DescribeDialog({
  image,
  onSaved,
  onClose,
}: {
  image: ImageJson;
  onSaved: (img: ImageJson) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => ref.current?.showModal(), []);
  return (
    <dialog ref={ref} class="picker" aria-labelledby="describe-h" onClose={onClose}>
      <h2 id="describe-h">Describe this picture</h2>
      <p class="sub">Alt text, caption and credit are needed before the story can be published.</p>
      <ImageDetails image={image} onSaved={onSaved} />
      <form method="dialog">
        <button type="submit">Later</button>
      </form>
    </dialog>
  );
}
