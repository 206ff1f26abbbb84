/**
 * The scheduler: every process looks for due stories every few seconds and
 * publishes them (publishDueStories claims each story in the database, so
 * several processes never publish one twice). Nothing is held in memory:
 * after a restart, overdue stories are published on the first tick.
 */
import type { Db } from "../store/database.ts";
import { publishDueStories } from "./story-service.ts";

export interface Scheduler {
  /** Runs one pass now (also what the timer does); returns the ids published. */
  tick(): Promise<number[]>;
  stop(): void;
}

/** Where the scheduler reports (the app's logger). */
export interface SchedulerLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export function startScheduler(db: Db, everyMs: number, log: SchedulerLog): Scheduler {
  let running: Promise<number[]> | undefined;
  const tick = async () => {
    // One pass at a time per process; a pass in progress is shared.
    running ??= publishDueStories(db)
      .then((ids) => {
        if (ids.length) log.info({ stories: ids }, "published scheduled stories");
        return ids;
      })
      .catch((err: unknown) => {
        log.error({ err }, "scheduler pass failed; will retry");
        return [];
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = everyMs > 0 ? setInterval(() => void tick(), everyMs) : undefined;
  timer?.unref();
  if (everyMs > 0) void tick();
  return {
    tick,
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
