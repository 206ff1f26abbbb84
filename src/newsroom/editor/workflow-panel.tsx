/** The "Publishing" panel: submit, publish, schedule, return (with a note), unpublish, lead the home page, and a preview link. */
import { useState } from "preact/hooks";
import { type StoryJson, api } from "./api.ts";
import { fromLocalInput } from "./format.ts";
import { SendToNewsletters } from "./newsletters.tsx";

export function WorkflowPanel({
  story,
  onAct,
  onMessage,
  onTrash,
  onLeadHome,
  canSendNewsletters = false,
}: {
  story: StoryJson;
  /** The user may send newsletter issues: offer to send the story to them. */
  canSendNewsletters?: boolean;
  /** Runs a workflow step (`publish`, `schedule` with `{at}` …). */
  onAct: (action: string, body?: Record<string, unknown>) => void;
  onMessage: (message: string) => void;
  onTrash: () => void;
  /** Puts the story first on the home page (the other placed stories follow). */
  onLeadHome: () => void;
}) {
  const [scheduleAt, setScheduleAt] = useState("");
  const [previewLink, setPreviewLink] = useState("");
  const [returnNote, setReturnNote] = useState("");
  const { can, status } = story;
  return (
    <section class="panel workflow">
      <h2>Publishing</h2>
      {can.submit && status === "draft" && !can.publish ? (
        <button type="button" class="primary" onClick={() => onAct("submit")}>
          Submit for review
        </button>
      ) : null}
      {can.publish && status !== "published" ? (
        <button type="button" class="primary" onClick={() => onAct("publish")}>
          Publish now
        </button>
      ) : null}
      {can.publish && (status === "draft" || status === "review" || status === "unpublished") ? (
        <form
          class="schedule"
          onSubmit={(e) => {
            e.preventDefault();
            const at = fromLocalInput(scheduleAt);
            if (!at) return onMessage("Choose the date and time to publish.");
            onAct("schedule", { at });
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
      {can.publish && status === "scheduled" ? (
        <button type="button" onClick={() => onAct("unschedule")}>
          Cancel the schedule
        </button>
      ) : null}
      {can.publish && (status === "review" || status === "scheduled") ? (
        <form
          class="return-form"
          onSubmit={(e) => {
            e.preventDefault();
            onAct("return", returnNote.trim() ? { note: returnNote.trim() } : {});
            setReturnNote("");
          }}
        >
          <label class="field">
            <span>Note to the writer (optional)</span>
            <textarea
              rows={2}
              maxLength={4000}
              value={returnNote}
              onInput={(e) => setReturnNote(e.currentTarget.value)}
            />
          </label>
          <button type="submit">Return to draft</button>
        </form>
      ) : null}
      {can.publish && status === "published" ? (
        <button type="button" onClick={onLeadHome}>
          Lead the home page with it
        </button>
      ) : null}
      {can.publish && canSendNewsletters && status !== "unpublished" ? (
        <SendToNewsletters storyId={story.id} published={status === "published"} />
      ) : null}
      {can.publish && status === "published" ? (
        <button
          type="button"
          class="danger"
          onClick={() => confirm("Take this story off the site?") && onAct("unpublish")}
        >
          Unpublish
        </button>
      ) : null}
      {!can.edit ? (
        <p class="sub read-only-why">
          {status === "review"
            ? can.withdraw
              ? "Submitted for review: an editor has it now, so it is read-only for you. Withdraw it to change it."
              : "In review: the writer has handed it to the editors."
            : status === "published" || status === "scheduled"
              ? "Only an editor can change a published or scheduled story."
              : "You can read this story but not change it."}
        </p>
      ) : null}
      {can.withdraw ? (
        <button type="button" onClick={() => onAct("withdraw")}>
          Withdraw from review
        </button>
      ) : null}
      {can.trash ? (
        <button type="button" class="small danger" onClick={onTrash}>
          Move to trash
        </button>
      ) : null}
      <button
        type="button"
        class="small"
        onClick={() =>
          void api<{ url: string; path: string }>("POST", `/api/admin/stories/${story.id}/preview-link`, {
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
  );
}
