/**
 * The story editor: headline, summary points, the block body (Tiptap),
 * and the story's settings; autosave for drafts, an explicit Update for
 * what readers see, a local copy of every keystroke until the server has
 * it, conflicts shown side by side, a live preview, keyboard shortcuts.
 */
import type { Editor } from "@tiptap/core";
import { useCallback, useEffect, useReducer, useRef, useState } from "preact/hooks";
import {
  ApiError,
  apiOnLeave,
  type Author,
  type ImageJson,
  type Me,
  type Section,
  type StoryContent,
  type StoryJson,
  type VideoJson,
  api,
} from "./api.ts";
import { type Lookups, createBodyEditor } from "./body-editor.ts";
import { BodyToolbar, ShortcutList } from "./body-toolbar.tsx";
import { DescribeDialog } from "./describe-dialog.tsx";
import {
  actedMessage,
  cleanContent,
  draftReducer,
  fieldLabel,
  fieldMessages,
  initialDraft,
  saveStateLabel,
} from "./draft-state.ts";
import { HeadlineFields } from "./headline-fields.tsx";
import { HeroPanel, RelatedVideosPanel, StoryFieldsPanel } from "./story-settings.tsx";
import { WireUpdateNotice } from "./wire.tsx";
import { WorkflowPanel } from "./workflow-panel.tsx";
import { ConflictPanel, contentText } from "./conflict.tsx";
import { blocksToDoc, docToBlocks } from "./doc-convert.ts";
import { STATUS_LABEL, when } from "./format.ts";
import { navigate } from "./router.ts";
import { clearLocal, readLocal, sameContent, writeLocal } from "./local-copy.ts";
import { ImagePicker, VideoPicker, imageFiles, uploadImage } from "./media-library.tsx";
import { CorrectionsPanel } from "./corrections-panel.tsx";
import { NotesPanel } from "./notes-panel.tsx";
import { SeoPanel } from "./seo-panel.tsx";
import { LinkDialog } from "./link-dialog.tsx";
import { deskChanged } from "./desk.tsx";
import { RevisionsPanel, SourcesEditor } from "./story-panels.tsx";
import { StoryPicker } from "./story-picker.tsx";
import { storyMedia } from "../../content/story-media.ts";

type Picker =
  | { kind: "related-story" }
  | { kind: "link" }
  | null
  | { kind: "hero" }
  | { kind: "social" }
  | { kind: "body-image" }
  | { kind: "body-video" }
  | { kind: "related-video" };

const AUTOSAVE_MS = 1500;

export function StoryEditor({ id, me }: { id: number; me: Me }) {
  const [story, setStory] = useState<StoryJson | null>(null);
  const [content, setContent] = useState<StoryContent | null>(null);
  const [draft, dispatch] = useReducer(draftReducer, initialDraft);
  const { saveState, message, fields, conflict } = draft;
  const setMessage = (m: string) => dispatch({ type: "message", message: m });
  const [localOffer, setLocalOffer] = useState<null | { at: string; content: StoryContent }>(null);
  const [sections, setSections] = useState<Section[]>([]);
  const [authors, setAuthors] = useState<Author[]>([]);
  const [images, setImages] = useState(new Map<number, ImageJson>());
  const [videos, setVideos] = useState(new Map<number, VideoJson>());
  const [picker, setPicker] = useState<Picker>(null);
  const [describe, setDescribe] = useState<ImageJson | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
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

  const editable = !!story?.can.edit && !story.trashedAt;
  const autosaves =
    !!story &&
    editable &&
    (story.status === "draft" || story.status === "review" || story.status === "unpublished");

  const rememberMedia = useCallback(async (c: StoryContent) => {
    const { imageIds, videoIds } = storyMedia(c);
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
    dispatch({ type: "save-started" });
    try {
      const s = await api<StoryJson>("PUT", `/api/admin/stories/${id}`, {
        baseRevision: baseRevision.current,
        content: cleanContent(c),
      });
      setStory(s);
      storyRef.current = s;
      baseRevision.current = s.revision;
      // Only what the server now holds leaves the local copy.
      const caughtUp = sameContent(contentRef.current!, c);
      if (caughtUp) clearLocal(id);
      dispatch({ type: "save-succeeded", caughtUp });
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.code === "GZ_ERR_CONFLICT") {
        const theirs = await api<StoryJson>("GET", `/api/admin/stories/${id}`);
        dispatch({
          type: "conflict",
          conflict: {
            latest: err.details["latest"] as { userName: string; at: string; revision: number },
            theirs,
          },
        });
      } else if (err instanceof ApiError) {
        dispatch({
          type: "save-failed",
          offline: err.code === "GZ_ERR_OFFLINE",
          // The fields say what is wrong, in words; the server's message names paths.
          message: err.fields.length ? "Not saved: these need another look." : err.message,
          fields: err.fields,
        });
      }
      return false;
    } finally {
      saving.current = false;
    }
  }, [id]);

  const change = useCallback(
    (patch: Partial<StoryContent>) => {
      touched.current = true;
      const next = { ...contentRef.current!, ...patch };
      const unchanged = sameContent(next, contentRef.current!);
      contentRef.current = next;
      if (!unchanged) setContent(next);
      if (storyRef.current && sameContent(next, storyRef.current.content)) {
        // Back to what the server has (an undo): nothing to save.
        clearTimeout(timer.current);
        clearLocal(id);
        dispatch({ type: "reverted" });
        return;
      }
      // Editor housekeeping (a trailing empty paragraph) changes nothing a reader sees.
      if (unchanged) return;
      dispatch({ type: "edited" });
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

  // A "New story" nobody typed into is deleted again when the writer leaves
  // it (another page here, or closing the tab): no empty drafts pile up.
  const isNew = useRef(new URLSearchParams(location.search).get("new") === "1");
  const touched = useRef(false);
  const untouched = () =>
    isNew.current &&
    !touched.current &&
    storyRef.current?.revision === 1 &&
    !storyRef.current.trashedAt &&
    !readLocal(id);
  useEffect(() => {
    const leave = () => {
      if (untouched()) apiOnLeave("DELETE", `/api/admin/stories/${id}?untouched=1`);
    };
    window.addEventListener("pagehide", leave);
    return () => {
      window.removeEventListener("pagehide", leave);
      leave();
    };
  }, [id]);

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

  const [notesSeen, setNotesSeen] = useState(0);
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
      dispatch({ type: "acted", message: actedMessage(action, when(s.scheduledAt)) });
      setNotesSeen((n) => n + 1);
      deskChanged();
    } catch (err) {
      if (err instanceof ApiError) dispatch({ type: "act-failed", message: err.message, fields: err.fields });
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
        setPicker({ kind: "link" });
      }
    };
    window.addEventListener("keydown", h);
    return () => window.removeEventListener("keydown", h);
  }, [editable, save]);

  if (!story || !content) return <p role="status">{message || "Opening the story…"}</p>;

  const f = (path: string) => fieldMessages(fields, path);
  const hero = content.heroImageId ? images.get(content.heroImageId) : undefined;

  const pick = (img: ImageJson) => {
    setImages((m) => new Map(m).set(img.id, img));
    mediaRef.current.images.set(img.id, img);
    if (picker?.kind === "hero") change({ heroImageId: img.id });
    else if (picker?.kind === "social")
      change({ seo: { ...contentRef.current!.seo, socialImageId: img.id } });
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
          ) : null}{" "}
          ·{" "}
          <a
            href={`/admin/stories/${id}/live`}
            onClick={(e) => {
              e.preventDefault();
              navigate(`/admin/stories/${id}/live`);
            }}
          >
            Live desk
          </a>
        </p>
        <p class={`save-state save-${saveState}`} role="status" aria-live="polite">
          {saveStateLabel(saveState, story.status, autosaves)}
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

      {story.trashedAt ? (
        <div class="notice" role="status">
          <p>
            This story is in the trash (since {when(story.trashedAt)}). Nothing in it can change until it is
            restored.
          </p>
          <button
            type="button"
            class="primary"
            onClick={() =>
              void api<StoryJson>("POST", `/api/admin/stories/${id}/untrash`)
                .then((s) => {
                  adopt(s, contentRef.current ?? s.content);
                  setMessage("Restored from the trash.");
                })
                .catch((e: unknown) =>
                  setMessage(e instanceof ApiError ? e.message : "Could not restore it."),
                )
            }
          >
            Restore from the trash
          </button>
        </div>
      ) : null}

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
            dispatch({ type: "kept-mine" });
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
            dispatch({
              type: "used-theirs",
              message:
                "Their version is loaded. Yours was copied to the clipboard and set aside in this browser.",
            });
          }}
        />
      ) : null}

      <WireUpdateNotice
        storyId={id}
        canApply={me.permissions.includes("story.publish")}
        dirty={saveState !== "saved"}
        onApplied={() =>
          void api<StoryJson>("GET", `/api/admin/stories/${id}`).then((s) => {
            adopt(s);
            loadIntoEditor(s.content);
            clearLocal(id);
          })
        }
      />

      {message ? (
        <div class={saveState === "error" || fields.length ? "error-box" : "notice"} role="alert">
          <p>{message}</p>
          {fields.length ? (
            <ul>
              {fields.map((x) => (
                <li>
                  {fieldLabel(x.path)}: {x.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <div class="editor-columns">
        <div class="write" hidden={preview !== null}>
          <HeadlineFields
            content={content}
            editable={editable}
            invalid={f("headline").length > 0}
            onChange={change}
          />

          {editable ? (
            <BodyToolbar editor={() => editor.current} onPick={(kind) => setPicker({ kind })} />
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
          <ShortcutList />
        </div>

        {preview !== null ? (
          <div class="preview">
            <iframe title="Preview of the reader page" srcdoc={preview} sandbox="allow-same-origin" />
          </div>
        ) : null}

        <aside class="settings" aria-label="Story settings">
          <WorkflowPanel
            story={story}
            canSendNewsletters={me.permissions.includes("newsletters.send")}
            onAct={(a, body) => void act(a, body)}
            onMessage={setMessage}
            onTrash={() =>
              void api<StoryJson>("DELETE", `/api/admin/stories/${id}`)
                .then((s) => {
                  adopt(s, contentRef.current ?? s.content);
                  setMessage("Moved to the trash. Restore it here, or from the story list's Trash.");
                })
                .catch((e: unknown) => setMessage(e instanceof ApiError ? e.message : "Could not move it."))
            }
            onLeadHome={() =>
              void api<{ stories: { id: number; live: boolean }[] }>("GET", "/api/admin/front-pages/home")
                .then((home) =>
                  api("PUT", "/api/admin/front-pages/home", {
                    storyIds: [
                      id,
                      ...home.stories.filter((x) => x.live && x.id !== id).map((x) => x.id),
                    ].slice(0, 12),
                  }),
                )
                .then(() => setMessage("It now leads the home page."))
                .catch((e: unknown) => setMessage(e instanceof ApiError ? e.message : "Could not place it."))
            }
          />
          <NotesPanel storyId={id} canWrite={me.permissions.includes("story.edit")} refresh={notesSeen} />
          {/* On a live story, corrections come right after publishing: where an editor looks. */}
          {story.status === "published" ? <CorrectionsPanel story={story} /> : null}

          <StoryFieldsPanel
            content={content}
            editable={editable}
            sections={sections}
            authors={authors}
            topicsText={topicsText}
            onTopicsText={setTopicsText}
            onChange={change}
          />

          <SeoPanel
            story={story}
            content={content}
            editable={editable}
            hero={hero}
            socialImage={content.seo.socialImageId ? images.get(content.seo.socialImageId) : undefined}
            onChange={change}
            onChooseSocialImage={() => setPicker({ kind: "social" })}
          />

          <HeroPanel
            hero={hero}
            editable={editable}
            problems={f("heroImageId")}
            onDropFiles={(files) => void dropImages(files, "hero")}
            onDescribe={setDescribe}
            onRemove={() => change({ heroImageId: undefined })}
            onChoose={() => setPicker({ kind: "hero" })}
          />

          <RelatedVideosPanel
            ids={content.relatedVideoIds}
            videos={videos}
            editable={editable}
            onChange={change}
            onAdd={() => setPicker({ kind: "related-video" })}
          />

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
          <p class="sub">
            Revision {story.revision} · last change {when(story.updatedAt)} · signed in as {me.name}
          </p>
        </aside>
      </div>

      {picker && (picker.kind === "hero" || picker.kind === "social" || picker.kind === "body-image") ? (
        <ImagePicker onPick={pick} onClose={() => setPicker(null)} />
      ) : null}
      {picker && (picker.kind === "body-video" || picker.kind === "related-video") ? (
        <VideoPicker onPick={pickVideo} onClose={() => setPicker(null)} />
      ) : null}
      {picker?.kind === "link" ? (
        <LinkDialog
          current={(editor.current?.getAttributes("link")["href"] as string | undefined) ?? undefined}
          onDone={(href) => {
            setPicker(null);
            const e = editor.current;
            if (!e || href === null) return void e?.commands.focus();
            if (href === "") e.chain().focus().extendMarkRange("link").unsetLink().run();
            else e.chain().focus().extendMarkRange("link").setLink({ href }).run();
          }}
        />
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
