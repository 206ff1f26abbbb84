/**
 * The newsroom's operations on stories, each one transaction: create, save
 * (optimistic concurrency on the revision), workflow transitions, restore,
 * and the scheduler's claim. Every write goes through saveStory, which
 * records the revision, the search index and the change feed.
 */
import { type StoryContent, type StoryInput, type StoryStatus } from "../content/model.ts";
import { type WorkflowAction, nextStatus, publishProblems } from "../content/workflow.ts";
import { addStoryNote } from "../store/desk-store.ts";
import { GazetteError } from "../content/errors.ts";
import type { Db } from "../store/database.ts";
import { revisionByNumber } from "../store/revision-store.ts";
import { imagesByIds } from "../store/media-repo.ts";
import {
  type Story,
  claimScheduledStory,
  contentOf,
  discardUntouchedStory,
  dueScheduledStories,
  saveStory,
  setTrashed,
  storyById,
} from "../store/story-store.ts";
import type { User } from "../store/user-store.ts";
import { allowed, canEditStory } from "../auth/permissions.ts";

export { contentOf };

/** A stored story's workflow state and bookkeeping, to combine with content for saveStory. */
function stateOf(story: Story, status: StoryStatus, scheduledAt?: string): Partial<StoryInput> {
  return {
    ...(story.uri ? { uri: story.uri } : {}),
    ...(story.sourceVersion ? { sourceVersion: story.sourceVersion } : {}),
    status,
    ...(scheduledAt ? { scheduledAt } : {}),
  };
}

const actorOf = (user: User) => ({ userId: user.id, name: user.name });

async function load(db: Db, id: number): Promise<Story> {
  const story = await storyById(db, id);
  if (!story) throw new GazetteError("GZ_ERR_STORY_NOT_FOUND", `There is no story ${id}.`);
  return story;
}

async function assertReady(db: Db, content: StoryContent): Promise<void> {
  const ids = [
    ...(content.heroImageId ? [content.heroImageId] : []),
    ...content.body.flatMap((b) => (b.type === "image" ? [b.imageId] : [])),
  ];
  const problems = publishProblems(content, await imagesByIds(db, ids));
  if (problems.length) throw new GazetteError("GZ_ERR_NOT_READY", undefined, { fields: problems });
}

export async function createStory(db: Db, user: User, content: StoryContent): Promise<Story> {
  const withAuthor =
    content.authorSlugs.length === 0 && user.authorSlug
      ? { ...content, authorSlugs: [user.authorSlug] }
      : content;
  return db.transaction().execute(async (tx) => {
    const out = await saveStory(
      tx,
      { ...withAuthor, status: "draft" },
      { actor: actorOf(user), note: "Created" },
    );
    return (await storyById(tx, out.id))!;
  });
}

/**
 * Saves new content on top of `baseRevision`. Contributors may change their
 * own drafts only; changing what readers see (a published or scheduled
 * story) needs the publish permission and a story ready to publish.
 */
export async function saveContent(
  db: Db,
  user: User,
  id: number,
  baseRevision: number,
  content: StoryContent,
): Promise<Story> {
  return db.transaction().execute(async (tx) => {
    const story = await load(tx, id);
    refuseTrashed(story);
    if (!canEditStory(user, story)) {
      throw new GazetteError(
        "GZ_ERR_FORBIDDEN",
        story.createdBy === user.id
          ? `This story is ${story.status}; an editor can change it now.`
          : "Contributors can change their own drafts only.",
      );
    }
    const live = story.status === "published" || story.status === "scheduled";
    if (live && !allowed(user.role, "story.publish")) {
      throw new GazetteError("GZ_ERR_FORBIDDEN", "Changing a published or scheduled story needs an editor.");
    }
    if (live) await assertReady(tx, content);
    await saveStory(
      tx,
      { ...content, ...stateOf(story, story.status, story.scheduledAt ?? undefined) } as StoryInput,
      {
        id,
        baseRevision,
        actor: actorOf(user),
        note: story.status === "published" ? "Updated the published story" : "Saved",
      },
    );
    return (await storyById(tx, id))!;
  });
}

const NOTES: Record<WorkflowAction["kind"], string> = {
  submit: "Submitted for review",
  return: "Returned to draft",
  withdraw: "Withdrawn from review",
  publish: "Published",
  schedule: "Scheduled",
  unschedule: "Unscheduled",
  unpublish: "Unpublished",
};

/** Moves a story through the workflow (permission checked by the endpoint; ownership here). */
export async function transition(
  db: Db,
  user: User,
  id: number,
  baseRevision: number,
  action: WorkflowAction,
  now = new Date(),
  opts: { note?: string | undefined } = {},
): Promise<Story> {
  return db.transaction().execute(async (tx) => {
    const story = await load(tx, id);
    refuseTrashed(story);
    if (action.kind === "submit" && !canEditStory(user, story)) {
      throw new GazetteError("GZ_ERR_FORBIDDEN", "Contributors can submit their own drafts only.");
    }
    if (action.kind === "withdraw" && story.createdBy !== user.id) {
      throw new GazetteError(
        "GZ_ERR_FORBIDDEN",
        "Only the story's writer can withdraw it; an editor returns it.",
      );
    }
    const next = nextStatus(story.status, action, now);
    if (!next.ok)
      throw new GazetteError("GZ_ERR_INVALID_TRANSITION", `This story cannot change: ${next.message}.`);
    const content = contentOf(story);
    if (next.status === "published" || next.status === "scheduled") await assertReady(tx, content);
    const note = action.kind === "schedule" ? `Scheduled for ${action.at}` : NOTES[action.kind];
    await saveStory(
      tx,
      {
        ...content,
        ...stateOf(story, next.status, action.kind === "schedule" ? action.at : undefined),
      } as StoryInput,
      { id, baseRevision, actor: actorOf(user), note, now },
    );
    // The editor's note travels with the return, in the same transaction: both or neither.
    if (action.kind === "return" && opts.note)
      await addStoryNote(
        tx,
        { storyId: id, userId: user.id, authorName: user.name, kind: "returned", body: opts.note },
        now,
      );
    return (await storyById(tx, id))!;
  });
}

/** Whether `user` may move this story to the trash: a writer their own draft, an editor any story readers cannot see. */
export function canTrash(user: User, story: Story): boolean {
  if (story.status === "published" || story.status === "scheduled") return false;
  if (allowed(user.role, "story.publish")) return true;
  return story.createdBy === user.id && story.status === "draft";
}

/** Moves a story to the trash (or back out, `trashed` false). */
export async function trashStory(db: Db, user: User, id: number, trashed: boolean): Promise<Story> {
  return db.transaction().execute(async (tx) => {
    const story = await load(tx, id);
    if (!canTrash(user, story))
      throw new GazetteError(
        story.status === "published" || story.status === "scheduled"
          ? "GZ_ERR_INVALID_TRANSITION"
          : "GZ_ERR_FORBIDDEN",
        story.status === "published" || story.status === "scheduled"
          ? "A story readers can see (or will, on schedule) is unpublished or unscheduled first, not trashed."
          : "Contributors can move their own drafts to the trash; editors any unpublished story.",
      );
    await setTrashed(tx, id, trashed);
    return (await storyById(tx, id))!;
  });
}

/** Deletes a "New story" left untouched by the writer who made it; false when it has been worked on (it stays). */
export async function discardUntouched(db: Db, user: User, id: number): Promise<boolean> {
  return db.transaction().execute((tx) => discardUntouchedStory(tx, id, user.id));
}

function refuseTrashed(story: Story): void {
  if (story.trashedAt)
    throw new GazetteError("GZ_ERR_INVALID_TRANSITION", "This story is in the trash; restore it first.");
}

/** Saves an old revision's content as the newest revision. */
export async function restoreRevision(
  db: Db,
  user: User,
  id: number,
  baseRevision: number,
  number: number,
): Promise<Story> {
  const rev = await revisionByNumber(db, id, number);
  if (!rev) throw new GazetteError("GZ_ERR_NOT_FOUND", `Story ${id} has no revision ${number}.`);
  return db.transaction().execute(async (tx) => {
    const story = await load(tx, id);
    if (!canEditStory(user, story))
      throw new GazetteError("GZ_ERR_FORBIDDEN", "Contributors can restore their own drafts only.");
    const live = story.status === "published" || story.status === "scheduled";
    if (live && !allowed(user.role, "story.publish")) {
      throw new GazetteError("GZ_ERR_FORBIDDEN", "Restoring a published or scheduled story needs an editor.");
    }
    if (live) await assertReady(tx, rev.content);
    await saveStory(
      tx,
      { ...rev.content, ...stateOf(story, story.status, story.scheduledAt ?? undefined) } as StoryInput,
      {
        id,
        baseRevision,
        actor: actorOf(user),
        note: `Restored revision ${number}`,
      },
    );
    return (await storyById(tx, id))!;
  });
}

/**
 * Publishes every scheduled story that is due. Each story is claimed by a
 * conditional update (status still "scheduled") inside its transaction, so
 * with any number of processes running this at once a story is published
 * exactly once. Returns the ids this call published.
 */
export async function publishDueStories(db: Db, now = new Date()): Promise<number[]> {
  const published: number[] = [];
  for (const id of await dueScheduledStories(db, now.toISOString(), 100)) {
    const done = await db.transaction().execute(async (tx) => {
      const story = await storyById(tx, id);
      if (!story || story.status !== "scheduled" || !story.scheduledAt) return false;
      if (!(await claimScheduledStory(tx, id, story.revision))) return false;
      await saveStory(
        tx,
        {
          ...contentOf(story),
          ...stateOf(story, "published"),
          firstPublishedAt: story.scheduledAt,
        } as StoryInput,
        {
          id,
          baseRevision: story.revision,
          actor: { userId: null, name: "Scheduler" },
          note: "Published on schedule",
          now,
        },
      );
      return true;
    });
    if (done) published.push(id);
  }
  return published;
}
