/**
 * Fixed-window rate limits kept in the database, so that every app process
 * counts against the same limit. `hit` counts one event and says whether it
 * is within the limit.
 */
import type { Db } from "./database.ts";

export interface RateLimit {
  /** Events allowed per window. */
  max: number;
  windowMs: number;
}

export async function hit(
  db: Db,
  key: string,
  limit: RateLimit,
  now = new Date(),
): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  return db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom("rate_limits").selectAll().where("key", "=", key).executeTakeFirst();
    const fresh = !row || now.getTime() - Date.parse(row.window_start) >= limit.windowMs;
    const windowStart = fresh ? now.toISOString() : row.window_start;
    const count = fresh ? 1 : row.count + 1;
    if (row)
      await tx
        .updateTable("rate_limits")
        .set({ window_start: windowStart, count })
        .where("key", "=", key)
        .execute();
    else await tx.insertInto("rate_limits").values({ key, window_start: windowStart, count }).execute();
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil((Date.parse(windowStart) + limit.windowMs - now.getTime()) / 1000),
    );
    return { allowed: count <= limit.max, retryAfterSeconds };
  });
}
