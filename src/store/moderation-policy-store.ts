/** The comment moderation policy, set by admins in the newsroom and kept in the settings table. */
import { type ModerationPolicy, moderationPolicySchema } from "../content/comment-rules.ts";
import type { Db } from "./database.ts";

const KEY = "moderation_policy";

export async function readPolicy(db: Db): Promise<ModerationPolicy> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", KEY).executeTakeFirst();
  const parsed = moderationPolicySchema.safeParse(row ? JSON.parse(row.value) : {});
  return parsed.success ? parsed.data : moderationPolicySchema.parse({});
}

export async function writePolicy(db: Db, patch: Partial<ModerationPolicy>): Promise<ModerationPolicy> {
  const next = moderationPolicySchema.parse({ ...(await readPolicy(db)), ...patch });
  const value = JSON.stringify(next);
  const r = await db.updateTable("settings").set({ value }).where("key", "=", KEY).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) await db.insertInto("settings").values({ key: KEY, value }).execute();
  return next;
}
