/** The body's formatting toolbar, and the list of keyboard shortcuts under the text. */
import type { Editor } from "@tiptap/core";

/** What the toolbar asks of the page: a picker for media and related stories. */
export type ToolbarPick = "body-image" | "body-video" | "related-story" | "link";

export function BodyToolbar({
  editor,
  onPick,
}: {
  /** The Tiptap editor (read when a button is pressed: it exists once the story is loaded). */
  editor: () => Editor | null;
  onPick: (kind: ToolbarPick) => void;
}) {
  const run = (f: (e: Editor) => void) => () => {
    const e = editor();
    if (e) f(e);
  };
  return (
    <div class="toolbar" role="toolbar" aria-label="Formatting">
      <button type="button" onClick={run((e) => e.chain().focus().toggleHeading({ level: 2 }).run())}>
        Heading
      </button>
      <button type="button" onClick={run((e) => e.chain().focus().toggleHeading({ level: 3 }).run())}>
        Subheading
      </button>
      <button type="button" onClick={run((e) => e.chain().focus().toggleBold().run())} title="Ctrl+B">
        <b>Bold</b>
      </button>
      <button type="button" onClick={run((e) => e.chain().focus().toggleItalic().run())} title="Ctrl+I">
        <i>Italic</i>
      </button>
      <button type="button" title="Ctrl+K" onClick={() => onPick("link")}>
        Link
      </button>
      <button type="button" onClick={run((e) => e.chain().focus().toggleBulletList().run())}>
        • List
      </button>
      <button type="button" onClick={run((e) => e.chain().focus().toggleOrderedList().run())}>
        1. List
      </button>
      <button type="button" onClick={run((e) => e.chain().focus().setNode("gzQuote").run())}>
        Quote
      </button>
      <button type="button" onClick={() => onPick("body-image")}>
        Picture
      </button>
      <button type="button" onClick={() => onPick("body-video")}>
        Video
      </button>
      <button
        type="button"
        onClick={run((e) =>
          e
            .chain()
            .focus()
            .insertContent({ type: "gzEmbed", attrs: { url: "", title: "" } })
            .run(),
        )}
      >
        Link card
      </button>
      <button type="button" onClick={() => onPick("related-story")}>
        Related story
      </button>
      <button type="button" onClick={run((e) => e.chain().focus().setHorizontalRule().run())}>
        Divider
      </button>
      <button
        type="button"
        title="Readers without access to a gated story see the text above this point"
        onClick={run((e) =>
          e
            .chain()
            .focus()
            .insertContent({ type: "gzPreviewEnd", attrs: { marker: 1 } })
            .run(),
        )}
      >
        Free preview ends
      </button>
    </div>
  );
}

export function ShortcutList() {
  return (
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
  );
}
