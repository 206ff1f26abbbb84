/**
 * The newsroom workflow as pure rules: which status changes exist, what
 * each needs, and what a story must have before readers may see it.
 *
 *   draft ──submit──▶ review ──schedule──▶ scheduled ──(due)──▶ published
 *     ▲                 │  ▲                   │                    │
 *     └──return/withdraw┘  └────unschedule─────┘      unpublish ◀───┘
 *   withdraw: the writer takes their own story back from review.
 *   publish: from draft, review, scheduled or unpublished, straight to published.
 */
import type { Block, StoryStatus } from "./model.ts";

export type WorkflowAction =
  | { kind: "submit" }
  | { kind: "return" }
  | { kind: "withdraw" }
  | { kind: "publish" }
  | { kind: "schedule"; at: string }
  | { kind: "unschedule" }
  | { kind: "unpublish" };

export type WorkflowActionKind = WorkflowAction["kind"];

const FROM: Record<WorkflowActionKind, readonly StoryStatus[]> = {
  submit: ["draft"],
  return: ["review", "scheduled"],
  withdraw: ["review"],
  publish: ["draft", "review", "scheduled", "unpublished"],
  schedule: ["draft", "review", "unpublished"],
  unschedule: ["scheduled"],
  unpublish: ["published"],
};

const TO: Record<WorkflowActionKind, StoryStatus> = {
  submit: "review",
  return: "draft",
  withdraw: "draft",
  publish: "published",
  schedule: "scheduled",
  unschedule: "review",
  unpublish: "unpublished",
};

/** The status after `action`, or an explanation of why it cannot happen now. */
export function nextStatus(
  from: StoryStatus,
  action: WorkflowAction,
  now: Date = new Date(),
): { ok: true; status: StoryStatus } | { ok: false; message: string } {
  if (!FROM[action.kind].includes(from)) {
    return { ok: false, message: `a ${from} story cannot be ${pastTense(action.kind)}` };
  }
  if (action.kind === "schedule" && !(Date.parse(action.at) > now.getTime())) {
    return { ok: false, message: "the scheduled time must be in the future" };
  }
  return { ok: true, status: TO[action.kind] };
}

function pastTense(kind: WorkflowActionKind): string {
  return {
    submit: "submitted for review",
    return: "returned to draft",
    withdraw: "withdrawn from review",
    publish: "published",
    schedule: "scheduled",
    unschedule: "unscheduled",
    unpublish: "unpublished",
  }[kind];
}

/** Media a story shows, as facts the publish check needs. */
export interface MediaFacts {
  id: number;
  alt: string;
  caption: string | null;
  credit: string | null;
}

/**
 * What must be true before readers see a story: every picture it shows has
 * alt text, a caption and a credit. Returns field-level problems (empty when
 * ready), with paths the editor can point at.
 */
export function publishProblems(
  story: { headline: string; heroImageId?: number | undefined; body: readonly Block[] },
  images: ReadonlyMap<number, MediaFacts>,
): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const check = (id: number, path: string, captionOverride?: string) => {
    const img = images.get(id);
    if (!img) {
      problems.push({ path, message: `image ${id} does not exist` });
      return;
    }
    if (!img.alt.trim())
      problems.push({ path, message: "needs alt text (describe the picture for screen readers)" });
    if (!(captionOverride ?? img.caption ?? "").trim()) problems.push({ path, message: "needs a caption" });
    if (!(img.credit ?? "").trim())
      problems.push({ path, message: "needs a credit (who took it, which agency)" });
  };
  if (!story.headline.trim()) problems.push({ path: "headline", message: "needs a headline" });
  if (story.heroImageId !== undefined) check(story.heroImageId, "heroImageId");
  story.body.forEach((b, i) => {
    if (b.type === "image") check(b.imageId, `body.${i}`, b.caption);
  });
  return problems;
}
