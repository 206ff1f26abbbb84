/** The comment moderation policy, set by admins in the newsroom and kept in the settings table. */
import { type ModerationPolicy, type PolicyPatch, moderationPolicySchema } from "../content/comment-rules.ts";
import { recordChange } from "./change-feed.ts";
import { cacheKey } from "./cache-keys.ts";
import type { Db } from "./database.ts";
import { putSetting } from "./settings-store.ts";

const KEY = "moderation_policy";

/** The policy as stored now: what posting and moderation decide by. */
export async function readPolicy(db: Db): Promise<ModerationPolicy> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", KEY).executeTakeFirst();
  const parsed = moderationPolicySchema.safeParse(row ? JSON.parse(row.value) : {});
  return parsed.success ? parsed.data : moderationPolicySchema.parse({});
}

/** How long a page render may reuse the policy it read. */
const PAGE_POLICY_MS = 1000;
const forPages = new WeakMap<Db, { at: number; policy: Promise<ModerationPolicy> }>();

/**
 * The policy for rendering pages (open or closed, the form's length limit,
 * how deep replies go), read at most once a second per process instead of
 * on every render. A change saved by this process is seen at once; one saved
 * by another process reaches this one through the change feed (key
 * "settings", which calls forgetPagePolicy before cached pages are dropped),
 * or within a second when the page cache is off.
 */
export function pagePolicy(db: Db, now = Date.now()): Promise<ModerationPolicy> {
  const hit = forPages.get(db);
  if (hit && now - hit.at < PAGE_POLICY_MS) return hit.policy;
  const policy = readPolicy(db);
  forPages.set(db, { at: now, policy });
  policy.catch(() => forPages.delete(db));
  return policy;
}

export function forgetPagePolicy(db: Db): void {
  forPages.delete(db);
}

/** Saves a change and announces it: every process drops its pages, which show the policy. */
export async function writePolicy(db: Db, patch: PolicyPatch): Promise<ModerationPolicy> {
  const next = await db.transaction().execute(async (tx) => {
    const given = Object.entries(patch).filter(([, v]) => v !== undefined);
    const merged = moderationPolicySchema.parse({ ...(await readPolicy(tx)), ...Object.fromEntries(given) });
    const value = JSON.stringify(merged);
    await putSetting(tx, KEY, value);
    await recordChange(tx, [cacheKey.settings]);
    return merged;
  });
  forgetPagePolicy(db);
  return next;
}
