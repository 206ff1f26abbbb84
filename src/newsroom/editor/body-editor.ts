/**
 * The story body editor: Tiptap (ProseMirror) with Gazette's blocks.
 * Paragraphs, headings, lists, bold, italic and links come from Tiptap's
 * starter kit; quotes (with attribution), pictures, videos, embeds and
 * related stories are Gazette's own nodes, drawn by small DOM node views.
 */
import { Editor, Extension, Node as TiptapNode, mergeAttributes } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import type { Node as PmNodeType } from "@tiptap/pm/model";
import { NodeSelection, Plugin, TextSelection } from "@tiptap/pm/state";
import type { ImageJson, VideoJson } from "./api.ts";

/** What node views need to show media and stories they only know by id. */
export interface Lookups {
  image(id: number): ImageJson | undefined;
  video(id: number): VideoJson | undefined;
  storyHeadline(id: number): Promise<string>;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & { className?: string } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  for (const c of children) e.append(c);
  return e;
}

type SetAttrs = (attrs: Record<string, unknown>) => void;

function attrsSetter(editor: Editor, getPos: () => number | undefined, node: () => PmNodeType): SetAttrs {
  return (attrs) => {
    const pos = getPos();
    if (pos === undefined) return;
    editor.view.dispatch(editor.view.state.tr.setNodeMarkup(pos, undefined, { ...node().attrs, ...attrs }));
  };
}

/** A labelled text input inside a node view that writes one attribute. */
function attrInput(
  label: string,
  value: string,
  set: (v: string) => void,
  opts: { placeholder?: string; type?: string } = {},
): HTMLLabelElement {
  const input = el("input", { type: opts.type ?? "text", value, placeholder: opts.placeholder ?? "" });
  input.addEventListener("input", () => set(input.value));
  return el("label", { className: "nv-field" }, el("span", {}, label), input);
}

function removeButton(editor: Editor, getPos: () => number | undefined, what: string): HTMLButtonElement {
  const b = el("button", { type: "button", className: "nv-remove", textContent: `Remove ${what}` });
  b.addEventListener("click", () => {
    const pos = getPos();
    if (pos === undefined) return;
    const node = editor.view.state.doc.nodeAt(pos);
    if (node) editor.view.dispatch(editor.view.state.tr.delete(pos, pos + node.nodeSize));
  });
  return b;
}

const atomView = {
  stopEvent: (e: Event) => e.target instanceof HTMLInputElement || e.target instanceof HTMLButtonElement,
  ignoreMutation: () => true,
};

const GzQuote = TiptapNode.create({
  name: "gzQuote",
  group: "block",
  content: "text*",
  marks: "",
  defining: true,
  addAttributes: () => ({ attribution: { default: "" }, sourceUrl: { default: "" } }),
  parseHTML: () => [{ tag: "blockquote" }],
  renderHTML: ({ HTMLAttributes }) => ["blockquote", mergeAttributes(HTMLAttributes), 0],
  addNodeView() {
    return ({ node, getPos, editor }) => {
      let current = node;
      const set = attrsSetter(editor, getPos, () => current);
      const content = el("blockquote", { className: "nv-quote-text" });
      const dom = el(
        "figure",
        { className: "nv nv-quote" },
        el("span", { className: "nv-kind", textContent: "Quote", contentEditable: "false" }),
        content,
      );
      const meta = el(
        "div",
        { className: "nv-meta", contentEditable: "false" },
        attrInput("Said by", String(node.attrs["attribution"] ?? ""), (v) => set({ attribution: v }), {
          placeholder: "Name, role",
        }),
        attrInput(
          "Source link (optional)",
          String(node.attrs["sourceUrl"] ?? ""),
          (v) => set({ sourceUrl: v }),
          { placeholder: "https://…", type: "url" },
        ),
      );
      dom.append(meta);
      return {
        dom,
        contentDOM: content,
        update: (n: PmNodeType) => {
          if (n.type.name !== "gzQuote") return false;
          current = n;
          return true;
        },
        stopEvent: (e: Event) => e.target instanceof HTMLInputElement,
        ignoreMutation: (m: { type: string; target: globalThis.Node }) =>
          m.type !== "selection" && !content.contains(m.target),
      };
    };
  },
  addKeyboardShortcuts() {
    return { "Mod-Shift-9": () => this.editor.commands.setNode("gzQuote") };
  },
});

function atomNode(
  name: string,
  attrs: Record<string, { default: unknown }>,
  render: (ctx: {
    node: PmNodeType;
    set: SetAttrs;
    editor: Editor;
    getPos: () => number | undefined;
    lookups: Lookups;
  }) => HTMLElement,
) {
  return TiptapNode.create<{ lookups: Lookups }>({
    name,
    group: "block",
    atom: true,
    draggable: true,
    selectable: true,
    addOptions: () => ({ lookups: undefined as unknown as Lookups }),
    addAttributes: () => attrs,
    parseHTML: () => [{ tag: `div[data-gz="${name}"]` }],
    renderHTML: ({ HTMLAttributes }) => ["div", mergeAttributes(HTMLAttributes, { "data-gz": name })],
    addNodeView() {
      const lookups = this.options.lookups;
      return ({ node, getPos, editor }) => {
        let current = node;
        const dom = render({
          node,
          set: attrsSetter(editor, getPos, () => current),
          editor,
          getPos,
          lookups,
        });
        dom.contentEditable = "false";
        return {
          dom,
          update: (n: PmNodeType) => {
            if (
              n.type.name !== name ||
              n.attrs[Object.keys(attrs)[0]!] !== current.attrs[Object.keys(attrs)[0]!]
            )
              return false;
            current = n;
            return true;
          },
          ...atomView,
        };
      };
    },
  });
}

const GzImage = atomNode(
  "gzImage",
  { imageId: { default: 0 }, caption: { default: "" } },
  ({ node, set, editor, getPos, lookups }) => {
    const imageId = Number(node.attrs["imageId"]);
    const img = lookups.image(imageId);
    const note = el("p", { className: "nv-note", textContent: img ? describeImage(img) : "" });
    const fig = el(
      "figure",
      { className: "nv nv-image" },
      el("span", { className: "nv-kind", textContent: "Picture" }),
    );
    if (img)
      fig.append(
        el("img", {
          src: img.thumbnail,
          alt: img.alt,
          width: 240,
          height: Math.round((240 * img.height) / img.width),
        }),
      );
    else fig.append(el("p", { textContent: `Picture ${String(node.attrs["imageId"])}` }));
    fig.append(
      attrInput(
        "Caption here (empty: the picture's own caption)",
        String(node.attrs["caption"] ?? ""),
        (v) => set({ caption: v }),
        { placeholder: img?.caption ?? "Caption" },
      ),
      note,
      removeButton(editor, getPos, "picture"),
    );
    // A picture's details saved elsewhere on the page (the describe dialog)
    // show here at once, not after a reload.
    const onUpdated = (e: Event) => {
      if (!fig.isConnected) return document.removeEventListener(IMAGE_UPDATED, onUpdated);
      const updated = (e as CustomEvent<ImageJson>).detail;
      if (updated.id !== imageId) return;
      note.textContent = describeImage(updated);
      const thumb = fig.querySelector("img");
      if (thumb) thumb.alt = updated.alt;
    };
    document.addEventListener(IMAGE_UPDATED, onUpdated);
    return fig;
  },
);

/** Announced on `document` with the image (`detail`) when its alt text, caption or credit is saved. */
export const IMAGE_UPDATED = "gz-image-updated";

function describeImage(img: ImageJson): string {
  return `Alt: ${img.alt || "— missing —"} · Credit: ${img.credit || "— missing —"}`;
}

const GzVideo = atomNode("gzVideo", { videoId: { default: 0 } }, ({ node, editor, getPos, lookups }) => {
  const v = lookups.video(Number(node.attrs["videoId"]));
  const fig = el(
    "figure",
    { className: "nv nv-video" },
    el("span", { className: "nv-kind", textContent: "Video" }),
  );
  if (v?.poster)
    fig.append(
      el("img", {
        src: v.poster.thumbnail,
        alt: "",
        width: 240,
        height: Math.round((240 * v.poster.height) / v.poster.width),
      }),
    );
  fig.append(
    el("p", {
      textContent: v
        ? `${v.title}${v.durationSeconds !== null ? ` (${formatDuration(v.durationSeconds)})` : ""}`
        : `Video ${String(node.attrs["videoId"])}`,
    }),
    removeButton(editor, getPos, "video"),
  );
  return fig;
});

const GzEmbed = atomNode(
  "gzEmbed",
  { url: { default: "" }, title: { default: "" }, provider: { default: "" } },
  ({ node, set, editor, getPos }) =>
    el(
      "div",
      { className: "nv nv-embed" },
      el("span", { className: "nv-kind", textContent: "Link card" }),
      attrInput("Address", String(node.attrs["url"] ?? ""), (v) => set({ url: v }), {
        type: "url",
        placeholder: "https://…",
      }),
      attrInput("Title", String(node.attrs["title"] ?? ""), (v) => set({ title: v })),
      attrInput("From (optional)", String(node.attrs["provider"] ?? ""), (v) => set({ provider: v })),
      removeButton(editor, getPos, "link card"),
    ),
);

const GzRelated = atomNode("gzRelated", { storyId: { default: 0 } }, ({ node, editor, getPos, lookups }) => {
  const p = el("p", { textContent: `Story ${String(node.attrs["storyId"])}` });
  void lookups.storyHeadline(Number(node.attrs["storyId"])).then((h) => (p.textContent = h));
  return el(
    "aside",
    { className: "nv nv-related" },
    el("span", { className: "nv-kind", textContent: "Read more" }),
    p,
    removeButton(editor, getPos, "related story"),
  );
});

/** Where a gated story's free preview ends: readers without access see the text above it only. */
const GzPreviewEnd = atomNode("gzPreviewEnd", { marker: { default: 1 } }, ({ editor, getPos }) =>
  el(
    "aside",
    { className: "nv nv-preview-end" },
    el("span", { className: "nv-kind", textContent: "Free preview ends here" }),
    el("p", {
      textContent:
        "Readers without access to this story see the text above this line, then an offer to register or subscribe.",
    }),
    removeButton(editor, getPos, "preview end"),
  ),
);

/**
 * Typing while a picture, video, link card or other block is selected (one
 * click on it selects it) starts a new paragraph after the block, instead of
 * replacing the block with the typed letters as ProseMirror would: a stray
 * click and a keystroke must not delete a video. Delete and Backspace, and
 * each block’s Remove button, still remove it.
 */
const TypingKeepsBlocks = Extension.create({
  name: "typingKeepsBlocks",
  addProseMirrorPlugins() {
    return [
      new Plugin({
        props: {
          handleTextInput(view, _from, _to, text) {
            const sel = view.state.selection;
            if (!(sel instanceof NodeSelection) || !sel.node.isBlock || !sel.node.isAtom) return false;
            const { schema } = view.state;
            const paragraph = schema.nodes["paragraph"]!.create(null, schema.text(text));
            const tr = view.state.tr.insert(sel.to, paragraph);
            view.dispatch(
              tr.setSelection(TextSelection.create(tr.doc, sel.to + 1 + text.length)).scrollIntoView(),
            );
            return true;
          },
        },
      }),
    ];
  },
});

export function formatDuration(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${String(m).padStart(2, "0")}:${sec}`;
}

export function createBodyEditor(opts: {
  element: HTMLElement;
  content: object;
  editable: boolean;
  lookups: Lookups;
  onChange: () => void;
  label: string;
}): Editor {
  return new Editor({
    element: opts.element,
    editable: opts.editable,
    // Tiptap's own <style> element would need 'unsafe-inline' in the CSP; editor.css carries those rules.
    injectCSS: false,
    extensions: [
      StarterKit.configure({
        blockquote: false,
        code: false,
        codeBlock: false,
        strike: false,
        underline: false,
        hardBreak: false,
        heading: { levels: [2, 3, 4] },
        link: {
          openOnClick: false,
          autolink: true,
          protocols: ["mailto"],
          defaultProtocol: "https",
          HTMLAttributes: { rel: "noopener", target: null },
        },
      }),
      GzQuote,
      GzImage.configure({ lookups: opts.lookups }),
      GzVideo.configure({ lookups: opts.lookups }),
      GzEmbed,
      GzRelated.configure({ lookups: opts.lookups }),
      GzPreviewEnd,
      TypingKeepsBlocks,
    ],
    content: opts.content,
    editorProps: {
      attributes: {
        class: "body-editor",
        role: "textbox",
        "aria-multiline": "true",
        "aria-label": opts.label,
        spellcheck: "true",
      },
    },
    onUpdate: () => opts.onChange(),
  });
}
