/**
 * Telling the newsroom what happened to a story: a notice in the app for
 * each person concerned, and an email to those who asked for email. Editors
 * hear of stories submitted for review; a writer hears that their story was
 * returned (with the editor's note), published or corrected, or that someone
 * left a note on it. Nobody is told of their own action.
 */
import type { Config } from "../config.ts";
import type { Mailer } from "../mail/mailer.ts";
import type { Db } from "../store/database.ts";
import {
  type NoticeKind,
  type Recipient,
  addNotices,
  recipientById,
  storyNotes,
  usersWithRoles,
} from "../store/desk-store.ts";
import type { Story } from "../store/story-store.ts";
import type { User } from "../store/user-store.ts";

/** Where problems go (the app's logger; this service imports nothing of HTTP). */
export interface DeskLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DeskDeps {
  db: Db;
  config: Config;
  mailer?: Mailer | undefined;
  log?: DeskLog | undefined;
}

export type DeskEvent =
  | { kind: "submitted" }
  | { kind: "returned"; note?: string | undefined }
  | { kind: "published" }
  | { kind: "correction"; text: string }
  | { kind: "note"; note: string };

function quoted(headline: string): string {
  return `“${headline.trim() || "Untitled story"}”`;
}

function textOf(event: DeskEvent, story: Story, actor: User): string {
  const h = quoted(story.headline);
  switch (event.kind) {
    case "submitted":
      return `${actor.name} submitted ${h} for review.`;
    case "returned":
      return `${actor.name} returned ${h} to you${event.note ? `: ${event.note}` : "."}`;
    case "published":
      return `${actor.name} published ${h}.`;
    case "correction":
      return `${actor.name} added a correction to ${h}: ${event.text}`;
    case "note":
      return `${actor.name} left a note on ${h}: ${event.note}`;
  }
}

async function recipientsOf(db: Db, event: DeskEvent, story: Story): Promise<Recipient[]> {
  const writer = await recipientById(db, story.createdBy);
  if (event.kind === "submitted") return usersWithRoles(db, ["editor", "admin"]);
  if (event.kind === "note") {
    // The writer and everyone who has written a note on the story.
    const others = new Set((await storyNotes(db, story.id)).flatMap((n) => (n.userId ? [n.userId] : [])));
    const people = await Promise.all([...others].map((id) => recipientById(db, id)));
    return [...(writer ? [writer] : []), ...people.flatMap((p) => (p ? [p] : []))];
  }
  return writer ? [writer] : [];
}

/** Notices (and emails) for one event; never throws: a failed email is logged, the action stands. */
export async function tellDesk(deps: DeskDeps, event: DeskEvent, story: Story, actor: User): Promise<void> {
  try {
    const people = (await recipientsOf(deps.db, event, story)).filter((r) => r.id !== actor.id);
    const unique = [...new Map(people.map((p) => [p.id, p])).values()];
    if (!unique.length) return;
    const text = textOf(event, story, actor);
    const kind: NoticeKind = event.kind;
    await addNotices(
      deps.db,
      unique.map((p) => p.id),
      { kind, storyId: story.id, text },
    );
    if (!deps.mailer) return;
    const link = `${deps.config.site.baseUrl}/admin/stories/${story.id}`;
    for (const p of unique.filter((r) => r.byEmail)) {
      await deps.mailer
        .send({
          to: p.email,
          subject: `${deps.config.site.name}: ${text.length > 90 ? `${text.slice(0, 89)}…` : text}`,
          text: `${text}\n\nOpen the story: ${link}\n\nYou get these emails because you asked for them in the newsroom (your account menu). Turn them off there.\n`,
        })
        .catch((err: unknown) => deps.log?.warn({ err, to: p.email }, "a newsroom notice email failed"));
    }
  } catch (err) {
    deps.log?.error({ err }, "recording a newsroom notice failed");
  }
}
