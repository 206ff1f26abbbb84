/**
 * The scheduler's pass: every process runs it every few seconds (app.ts
 * repeats it) and publishes the stories that are due (publishDueStories
 * claims each story in the database, so several processes never publish one
 * twice). Nothing is held in memory: after a restart, overdue stories are
 * published on the first pass.
 */
import type { Db } from "../store/database.ts";
import { publishDueStories } from "./story-service.ts";

/** Where the scheduler reports (the app's logger). */
export interface SchedulerLog {
  info(obj: object, msg: string): void;
}

/** One pass: publishes what is due; returns the ids published. */
export async function schedulerPass(db: Db, log: SchedulerLog): Promise<number[]> {
  const ids = await publishDueStories(db);
  if (ids.length) log.info({ stories: ids }, "published scheduled stories");
  return ids;
}
