/**
 * Roles and what each may do: the one place permissions are declared. Every
 * admin endpoint names one of these actions (admin-api.ts), and the
 * role × action matrix test walks every endpoint for every role.
 */
import { z } from "zod";

export const roleSchema = z.enum(["contributor", "moderator", "editor", "admin"]);
export type Role = z.infer<typeof roleSchema>;

/**
 * Actions, with the roles allowed. "story.edit" is further limited for
 * contributors to their own stories while in draft (see canEditStory).
 */
export const PERMISSIONS = {
  /** Read the newsroom's own data: story list, media, taxonomy. */
  "newsroom.read": ["contributor", "moderator", "editor", "admin"],
  "story.create": ["contributor", "editor", "admin"],
  "story.edit": ["contributor", "editor", "admin"],
  "story.submit": ["contributor", "editor", "admin"],
  /** Publish, schedule, unpublish, return to draft, restore on a published story. */
  "story.publish": ["editor", "admin"],
  "story.correct": ["editor", "admin"],
  "story.preview": ["contributor", "editor", "admin"],
  "media.upload": ["contributor", "editor", "admin"],
  "media.edit": ["contributor", "editor", "admin"],
  /** The wire queue: read agency items (using one needs story.create; publishing as is, story.publish). */
  "wire.read": ["contributor", "editor", "admin"],
  /** Wire feeds: add, change, remove; their secrets. */
  "wire.manage": ["admin"],
  /** Newsletter issues: write, preview, test-send and send them; delivery counts. */
  "newsletters.send": ["editor", "admin"],
  /** Newsletters themselves, and their subscribers: list, import, export, delete, suppress. */
  "newsletters.manage": ["admin"],
  /** Members and subscribers: the list, counts and revenue; gift links to any story. */
  "memberships.view": ["editor", "admin"],
  /** Plans, grants, institutions; the members export. */
  "memberships.manage": ["admin"],
  /** Advertisers, campaigns and their reports. */
  "ads.view": ["editor", "admin"],
  /** Book and change campaigns and creatives; ads.txt; the report exports. */
  "ads.manage": ["admin"],
  "taxonomy.manage": ["admin"],
  "authors.manage": ["admin"],
  "users.manage": ["admin"],
  "settings.manage": ["admin"],
  /** Import a WordPress or Ghost archive from the newsroom; the import runs and their reports. */
  "imports.manage": ["admin"],
  /** The comment queues: approve, reject, ban, suspend, a reader's history. */
  "comments.moderate": ["moderator", "editor", "admin"],
  /** Banned and suspect words, pre-moderation, limits. */
  "comments.policy": ["admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;

export function allowed(role: Role, action: Action): boolean {
  return (PERMISSIONS[action] as readonly Role[]).includes(role);
}

/** Contributors edit their own drafts only; editors and admins edit anything. */
export function canEditStory(
  user: { id: number; role: Role },
  story: { createdBy: number | null; status: string },
): boolean {
  if (user.role !== "contributor") return true;
  return story.createdBy === user.id && story.status === "draft";
}
