/**
 * The editor's save state as a reducer: what the page says about the draft
 * (saved, unsaved, saving, offline, failed, in conflict), the message and
 * field problems to show, and a conflict's two versions. Pure and typed, so
 * every transition is tested (test/unit/editor-draft-state.test.ts); the
 * component dispatches what happened.
 */
import type { FieldError, Status, StoryJson } from "./api.ts";

export type SaveState = "saved" | "dirty" | "saving" | "offline" | "error" | "conflict";

export interface Conflict {
  latest: { userName: string; at: string; revision: number };
  theirs: StoryJson;
}

export interface DraftState {
  saveState: SaveState;
  message: string;
  fields: FieldError[];
  conflict: Conflict | null;
}

export type DraftAction =
  /** The writer changed something a reader would see. */
  | { type: "edited" }
  /** The content is back to what the server holds (an undo): nothing to save. */
  | { type: "reverted" }
  | { type: "save-started" }
  /** The server took the save; `caughtUp` is false when the writer kept typing meanwhile. */
  | { type: "save-succeeded"; caughtUp: boolean }
  | { type: "save-failed"; offline: boolean; message: string; fields: FieldError[] }
  | { type: "conflict"; conflict: Conflict }
  /** Keep mine: the conflict closes and the save is tried again over their revision. */
  | { type: "kept-mine" }
  /** Use theirs: their version is loaded; mine was set aside. */
  | { type: "used-theirs"; message: string }
  /** A workflow step (submit, publish …) went through. */
  | { type: "acted"; message: string }
  | { type: "act-failed"; message: string; fields: FieldError[] }
  | { type: "message"; message: string };

export const initialDraft: DraftState = { saveState: "saved", message: "", fields: [], conflict: null };

export function draftReducer(s: DraftState, a: DraftAction): DraftState {
  switch (a.type) {
    case "edited":
      return s.saveState === "conflict" ? s : { ...s, saveState: "dirty" };
    case "reverted":
      return s.saveState === "conflict" ? s : { ...s, saveState: "saved" };
    case "save-started":
      return { ...s, saveState: "saving" };
    case "save-succeeded":
      return { ...s, saveState: a.caughtUp ? "saved" : "dirty", message: "", fields: [] };
    case "save-failed":
      return a.offline
        ? { ...s, saveState: "offline", message: a.message }
        : { ...s, saveState: "error", message: a.message, fields: a.fields };
    case "conflict":
      return { ...s, saveState: "conflict", conflict: a.conflict };
    case "kept-mine":
      return { ...s, conflict: null };
    case "used-theirs":
      return { ...s, conflict: null, saveState: "saved", message: a.message };
    case "acted":
      return { ...s, message: a.message, fields: [] };
    case "act-failed":
      return { ...s, message: a.message, fields: a.fields };
    case "message":
      return { ...s, message: a.message };
  }
}

/** What the page says about the draft, in words. */
export function saveStateLabel(state: SaveState, status: Status, autosaves: boolean): string {
  switch (state) {
    case "saved":
      return status === "published" ? "All changes are live" : "All changes saved";
    case "dirty":
      return autosaves
        ? "Unsaved changes…"
        : status === "published"
          ? "Changes not yet on the site — press Update"
          : "Unsaved changes";
    case "saving":
      return "Saving…";
    case "offline":
      return "Offline — kept in this browser";
    case "error":
      return "Not saved — see the message";
    case "conflict":
      return "Not saved — someone else changed the story";
  }
}

/** The messages about one field (`headline`, or anything under `body`), as the server named them. */
export function fieldMessages(fields: readonly FieldError[], path: string): string[] {
  return fields
    .filter((x) => x.path === path || x.path.startsWith(`${path}.`) || x.path === `content.${path}`)
    .map((x) => x.message);
}

/** The message a workflow step leaves on the page. */
export function actedMessage(action: string, scheduledAt: string): string {
  return (
    {
      submit: "Submitted for review. An editor will take it from here.",
      publish: "Published. It is on the site now.",
      schedule: `Scheduled for ${scheduledAt}.`,
      unschedule: "No longer scheduled.",
      return: "Returned to draft.",
      withdraw: "Withdrawn from review: it is yours to change again.",
      unpublish: "Taken down from the site.",
    }[action] ?? "Done."
  );
}

const FIELD_NAMES: Record<string, string> = {
  headline: "Headline",
  summary: "Summary points",
  body: "The text",
  heroImageId: "Main picture",
  sectionSlug: "Section",
  topicNames: "Topics",
  authorSlugs: "Authors",
  byline: "Byline",
  dateline: "Dateline",
  sources: "Sources",
  relatedVideoIds: "Related videos",
  embargoUntil: "Embargo",
  slug: "Address",
};

/**
 * A field the server named by its path (`content.summary.0`, `body.3`), in
 * words a writer knows: "Summary point 1", "The text, block 4".
 */
const SEO_NAMES: Record<string, string> = {
  title: "Search title",
  description: "Search description",
  socialTitle: "Social title",
  socialDescription: "Social description",
  socialImageId: "Social picture",
};

export function fieldLabel(path: string): string {
  const parts = path.replace(/^content\./, "").split(".");
  const [field = "", index] = parts;
  const n = index !== undefined && /^\d+$/.test(index) ? Number(index) + 1 : undefined;
  switch (field) {
    case "summary":
      return n ? `Summary point ${n}` : "Summary points";
    case "body":
      return n ? `The text, block ${n}` : "The text";
    case "topicNames":
      return n ? `Topic ${n}` : "Topics";
    case "sources":
      return n ? `Source ${n}` : "Sources";
    case "seo":
      return SEO_NAMES[index ?? ""] ?? "Search and social";
    default:
      return (
        FIELD_NAMES[field] ?? field.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/^./, (c) => c.toUpperCase())
      );
  }
}

/** What the editor sends: the content as typed, less what means nothing (blank summary points and topics). */
export function cleanContent<C extends { summary: string[]; topicNames: string[] }>(c: C): C {
  return {
    ...c,
    summary: c.summary.map((p) => p.trim()).filter(Boolean),
    topicNames: c.topicNames.map((t) => t.trim()).filter(Boolean),
  };
}
