/**
 * When a save is refused because someone else saved first (HTTP 409): both
 * versions side by side with what differs, and the reporter decides. Their
 * text stays in the editor (and in this browser) until they do.
 */
import { diffWords } from "diff";
import type { Block, StoryContent, StoryJson } from "./api.ts";
import { when } from "./format.ts";

function blockText(b: Block): string {
  switch (b.type) {
    case "paragraph":
      return b.content.map((r) => r.text).join("");
    case "heading":
      return b.text;
    case "quote":
      return `“${b.text}”${b.attribution ? ` — ${b.attribution}` : ""}`;
    case "list":
      return b.items.map((i) => `• ${i.map((r) => r.text).join("")}`).join("\n");
    case "image":
      return `[Picture ${b.imageId}${b.caption ? `: ${b.caption}` : ""}]`;
    case "video":
      return `[Video ${b.videoId}]`;
    case "embed":
      return `[Link: ${b.title}]`;
    case "divider":
      return "———";
    case "preview-end":
      return "[Free preview ends here]";
    case "related-story":
      return `[Related story ${b.storyId}]`;
  }
}

export function contentText(c: StoryContent): string {
  return [c.headline, ...c.summary.map((s) => `• ${s}`), "", ...c.body.map(blockText)].join("\n\n");
}

export function ConflictPanel(props: {
  latest: { userName: string; at: string; revision: number };
  theirs: StoryJson;
  mine: StoryContent;
  onKeepMine: () => void;
  onUseTheirs: () => void;
}) {
  const parts = diffWords(contentText(props.theirs.content), contentText(props.mine));
  const copy = () => void navigator.clipboard?.writeText(contentText(props.mine));
  return (
    <section class="conflict" role="alert" aria-labelledby="conflict-h">
      <h2 id="conflict-h">
        {props.latest.userName} changed this story at {when(props.latest.at)} while you were editing
      </h2>
      <p>
        Your changes are <strong>not saved yet</strong>, and nothing is lost: your version is still in the
        editor and kept in this browser. Below, text only in <strong>your version</strong> is{" "}
        <ins>underlined</ins>; text only in <strong>theirs</strong> (revision {props.latest.revision}) is{" "}
        <del>struck through</del>.
      </p>
      <div class="conflict-versions">
        <div>
          <h3>Their version (saved)</h3>
          <pre class="version">{contentText(props.theirs.content)}</pre>
        </div>
        <div>
          <h3>Your version (not saved)</h3>
          <pre class="version">{contentText(props.mine)}</pre>
        </div>
      </div>
      <h3>What differs</h3>
      <pre class="diff">
        {parts.map((p) => (p.added ? <ins>{p.value}</ins> : p.removed ? <del>{p.value}</del> : p.value))}
      </pre>
      <div class="actions">
        <button type="button" class="primary" onClick={props.onKeepMine}>
          Save my version over theirs
        </button>
        <button type="button" onClick={props.onUseTheirs}>
          Load their version (mine stays copied)
        </button>
        <button type="button" onClick={copy}>
          Copy my text
        </button>
      </div>
    </section>
  );
}
