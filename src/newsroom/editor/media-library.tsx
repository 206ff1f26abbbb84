/**
 * The media library: pictures (upload by button, drag-and-drop or paste;
 * alt text, caption and credit) and videos (upload, or a remote address
 * with its duration). The same pieces serve as pickers inside the editor.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, type FieldError, type ImageJson, type Me, type VideoJson, api, upload } from "./api.ts";
import { IMAGE_UPDATED, formatDuration } from "./body-editor.ts";

export function uploadImage(file: File, fields: Record<string, string> = {}): Promise<ImageJson> {
  return upload<ImageJson>("/api/admin/images", file, fields);
}

export function imageFiles(list: FileList | null | undefined): File[] {
  return [...(list ?? [])].filter((f) => f.type.startsWith("image/"));
}

function Field(props: {
  label: string;
  value: string;
  onInput: (v: string) => void;
  error?: string | undefined;
  hint?: string;
  multiline?: boolean;
  required?: boolean;
}) {
  return (
    <label class="field">
      <span>
        {props.label}
        {props.required ? <span aria-hidden="true"> *</span> : null}
      </span>
      {props.multiline ? (
        <textarea
          rows={2}
          value={props.value}
          onInput={(e) => props.onInput(e.currentTarget.value)}
          aria-invalid={props.error ? true : undefined}
          required={props.required}
        />
      ) : (
        <input
          value={props.value}
          onInput={(e) => props.onInput(e.currentTarget.value)}
          aria-invalid={props.error ? true : undefined}
          required={props.required}
        />
      )}
      {props.hint ? <small>{props.hint}</small> : null}
      {props.error ? <small class="error">{props.error}</small> : null}
    </label>
  );
}

/** Alt text, caption and credit of one picture; all three are needed before a story can be published. */
export function ImageDetails({ image, onSaved }: { image: ImageJson; onSaved: (img: ImageJson) => void }) {
  const [alt, setAlt] = useState(image.alt);
  const [caption, setCaption] = useState(image.caption ?? "");
  const [credit, setCredit] = useState(image.credit ?? "");
  const [focus, setFocus] = useState(image.focalPoint ?? { x: 50, y: 50 });
  const [fields, setFields] = useState<FieldError[]>([]);
  const [status, setStatus] = useState("");
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const img = await api<ImageJson>("PATCH", `/api/admin/images/${image.id}`, {
        alt,
        caption,
        credit,
        focalPoint: focus,
      });
      // Every view of the picture on the page (the story text's picture blocks) shows the new details.
      document.dispatchEvent(new CustomEvent(IMAGE_UPDATED, { detail: img }));
      setFields([]);
      setStatus("Saved.");
      onSaved(img);
    } catch (err) {
      if (err instanceof ApiError) {
        setFields(err.fields);
        setStatus(err.message);
      }
    }
  };
  const f = (p: string) => fields.find((x) => x.path === p)?.message;
  return (
    <form class="image-details" onSubmit={save}>
      <fieldset class="focal-point">
        <legend>Focal point (kept in view when the site crops it)</legend>
        <div
          class="focal-frame"
          title="Click the part of the picture that must stay in view"
          onClick={(e) => {
            const r = e.currentTarget.getBoundingClientRect();
            setFocus({
              x: Math.min(100, Math.max(0, Math.round(((e.clientX - r.left) / r.width) * 100))),
              y: Math.min(100, Math.max(0, Math.round(((e.clientY - r.top) / r.height) * 100))),
            });
          }}
        >
          <img
            src={image.thumbnail}
            alt=""
            width={160}
            height={Math.round((160 * image.height) / image.width)}
          />
          <span class="focal-marker" aria-hidden="true" style={{ left: `${focus.x}%`, top: `${focus.y}%` }} />
        </div>
        <label>
          Across{" "}
          <input
            type="range"
            min={0}
            max={100}
            step={5}
            value={focus.x}
            onInput={(e) => setFocus({ ...focus, x: Number(e.currentTarget.value) })}
          />{" "}
          {focus.x}%
        </label>
        <label>
          Down{" "}
          <input
            type="range"
            min={0}
            max={100}
            step={5}
            value={focus.y}
            onInput={(e) => setFocus({ ...focus, y: Number(e.currentTarget.value) })}
          />{" "}
          {focus.y}%
        </label>
      </fieldset>
      <div>
        <Field
          label="Alt text (what the picture shows, for screen readers)"
          value={alt}
          onInput={setAlt}
          error={f("alt")}
          multiline
          required
        />
        <Field label="Caption" value={caption} onInput={setCaption} error={f("caption")} multiline required />
        <Field
          label="Credit (photographer / agency)"
          value={credit}
          onInput={setCredit}
          error={f("credit")}
          required
        />
        <button type="submit">Save picture details</button>{" "}
        <span role="status" class="sub">
          {status}
        </span>
      </div>
    </form>
  );
}

/** A modal list of pictures with upload; calls onPick with the chosen one. */
export function ImagePicker({ onPick, onClose }: { onPick: (img: ImageJson) => void; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [items, setItems] = useState<ImageJson[]>([]);
  const [q, setQ] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  useEffect(() => {
    const t = setTimeout(() => {
      void api<{ items: ImageJson[] }>(
        "GET",
        `/api/admin/images?limit=60${q ? `&q=${encodeURIComponent(q)}` : ""}`,
      ).then((r) => setItems(r.items));
    }, 150);
    return () => clearTimeout(t);
  }, [q]);
  const add = async (files: File[]) => {
    setBusy(true);
    setError("");
    try {
      for (const f of files) {
        const img = await uploadImage(f);
        onPick(img);
        return;
      }
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "The upload failed.");
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} class="picker" aria-labelledby="picker-h" onClose={onClose}>
      <h2 id="picker-h">Choose a picture</h2>
      <div
        class="dropzone"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          void add(imageFiles(e.dataTransfer?.files));
        }}
      >
        <label>
          Upload a picture (or drop it here)
          <input
            type="file"
            accept="image/jpeg,image/png,image/webp,image/gif,image/avif"
            onChange={(e) => void add(imageFiles(e.currentTarget.files))}
            disabled={busy}
          />
        </label>
        {busy ? <p role="status">Uploading…</p> : null}
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
      <label class="field">
        <span>Search captions, alt text and credits</span>
        <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
      </label>
      <ul class="grid">
        {items.map((img) => (
          <li>
            <button type="button" class="tile" onClick={() => onPick(img)}>
              <img
                src={img.thumbnail}
                alt=""
                width={160}
                height={Math.round((160 * img.height) / img.width)}
                loading="lazy"
              />
              <span>{img.caption || img.alt || `Picture ${img.id}`}</span>
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

export function VideoPicker({ onPick, onClose }: { onPick: (v: VideoJson) => void; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [items, setItems] = useState<VideoJson[]>([]);
  useEffect(() => {
    ref.current?.showModal();
    void api<{ items: VideoJson[] }>("GET", "/api/admin/videos?limit=60").then((r) => setItems(r.items));
  }, []);
  return (
    <dialog ref={ref} class="picker" aria-labelledby="vpicker-h" onClose={onClose}>
      <h2 id="vpicker-h">Choose a video</h2>
      <p class="sub">Upload new videos on the Media page.</p>
      <ul class="grid">
        {items.map((v) => (
          <li>
            <button type="button" class="tile" onClick={() => onPick(v)}>
              {v.poster ? (
                <img src={v.poster.thumbnail} alt="" width={160} height={90} loading="lazy" />
              ) : null}
              <span>
                {v.title}
                {v.durationSeconds !== null ? ` (${formatDuration(v.durationSeconds)})` : ""}
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

function VideoUpload({ onAdded }: { onAdded: () => void }) {
  const [title, setTitle] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [status, setStatus] = useState("");
  const [remote, setRemote] = useState({ url: "", title: "", minutes: "", seconds: "" });
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return setStatus("Choose a video file first.");
    setStatus("Uploading and reading the video…");
    try {
      const v = await upload<VideoJson>("/api/admin/videos", file, { title });
      setStatus(
        `Added “${v.title}” (${v.durationSeconds !== null ? formatDuration(v.durationSeconds) : "no duration"}).`,
      );
      onAdded();
    } catch (err) {
      setStatus(err instanceof ApiError ? err.message : "The upload failed.");
    }
  };
  const addRemote = async (e: Event) => {
    e.preventDefault();
    try {
      const secs = Number(remote.minutes || 0) * 60 + Number(remote.seconds || 0);
      await api("POST", "/api/admin/videos/remote", {
        url: remote.url,
        title: remote.title,
        durationSeconds: remote.minutes || remote.seconds ? secs : null,
      });
      setStatus(`Added “${remote.title}”.`);
      onAdded();
    } catch (err) {
      setStatus(
        err instanceof ApiError
          ? `${err.message} ${err.fields.map((f) => `${f.path}: ${f.message}`).join("; ")}`
          : "Could not add it.",
      );
    }
  };
  return (
    <div class="video-forms">
      <form onSubmit={submit}>
        <h3>Upload a video</h3>
        <label class="field">
          <span>Title</span>
          <input required value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>File (MP4, WebM or QuickTime; the duration is read from it)</span>
          <input
            type="file"
            accept="video/mp4,video/webm,video/quicktime"
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
        </label>
        <button type="submit">Upload video</button>
      </form>
      <form onSubmit={addRemote}>
        <h3>Add a video hosted elsewhere</h3>
        <label class="field">
          <span>Address (https)</span>
          <input
            type="url"
            required
            value={remote.url}
            onInput={(e) => setRemote({ ...remote, url: e.currentTarget.value })}
          />
        </label>
        <label class="field">
          <span>Title</span>
          <input
            required
            value={remote.title}
            onInput={(e) => setRemote({ ...remote, title: e.currentTarget.value })}
          />
        </label>
        <fieldset class="duration">
          <legend>Duration</legend>
          <label>
            Minutes{" "}
            <input
              inputMode="numeric"
              size={3}
              value={remote.minutes}
              onInput={(e) => setRemote({ ...remote, minutes: e.currentTarget.value })}
            />
          </label>
          <label>
            Seconds{" "}
            <input
              inputMode="numeric"
              size={3}
              value={remote.seconds}
              onInput={(e) => setRemote({ ...remote, seconds: e.currentTarget.value })}
            />
          </label>
        </fieldset>
        <button type="submit">Add video</button>
      </form>
      <p role="status">{status}</p>
    </div>
  );
}

export function MediaPage(_props: { me: Me }) {
  const [images, setImages] = useState<ImageJson[]>([]);
  const [videos, setVideos] = useState<VideoJson[]>([]);
  const [selected, setSelected] = useState<ImageJson | null>(null);
  const [error, setError] = useState("");
  const load = () => {
    void api<{ items: ImageJson[] }>("GET", "/api/admin/images?limit=60").then((r) => setImages(r.items));
    void api<{ items: VideoJson[] }>("GET", "/api/admin/videos?limit=60").then((r) => setVideos(r.items));
  };
  useEffect(load, []);
  const add = async (files: File[]) => {
    setError("");
    for (const f of files) {
      try {
        setSelected(await uploadImage(f));
      } catch (err) {
        setError(err instanceof ApiError ? `${f.name}: ${err.message}` : "The upload failed.");
      }
    }
    load();
  };
  return (
    <section class="media-page" onPaste={(e) => void add(imageFiles(e.clipboardData?.files))}>
      <h1>Media</h1>
      <h2>Pictures</h2>
      <div
        class="dropzone"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          void add(imageFiles(e.dataTransfer?.files));
        }}
      >
        <label>
          Upload pictures (or drop or paste them here)
          <input
            type="file"
            multiple
            accept="image/jpeg,image/png,image/webp,image/gif,image/avif"
            onChange={(e) => void add(imageFiles(e.currentTarget.files))}
          />
        </label>
        <p class="sub">Location and camera data are removed from every upload.</p>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
      {selected ? (
        <ImageDetails
          key={selected.id}
          image={selected}
          onSaved={(img) => {
            setSelected(img);
            load();
          }}
        />
      ) : null}
      <ul class="grid">
        {images.map((img) => (
          <li>
            <button
              type="button"
              class="tile"
              aria-pressed={selected?.id === img.id}
              onClick={() => setSelected(img)}
            >
              <img
                src={img.thumbnail}
                alt=""
                width={160}
                height={Math.round((160 * img.height) / img.width)}
                loading="lazy"
              />
              <span>{img.caption || img.alt || `Picture ${img.id} (needs details)`}</span>
            </button>
          </li>
        ))}
      </ul>
      <h2>Videos</h2>
      <VideoUpload onAdded={load} />
      <ul class="grid">
        {videos.map((v) => (
          <li class="tile">
            {v.poster ? <img src={v.poster.thumbnail} alt="" width={160} height={90} loading="lazy" /> : null}
            <span>
              {v.title}
              {v.durationSeconds !== null ? ` · ${formatDuration(v.durationSeconds)}` : ""}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
