/** The SQLite connection's lock hands the connection over in arrival order. */
import assert from "node:assert/strict";
import { it } from "node:test";
import { FairLock } from "../../src/store/database.ts";

it("hands the lock to waiters first come, first served, even when the holder asks again at once", async () => {
  const lock = new FairLock();
  const order: string[] = [];
  await lock.lock();
  const waiters = ["b", "c", "d"].map((name) => lock.lock().then(() => void order.push(name)));
  // The holder releases and immediately wants the lock again (a request's next query):
  lock.unlock();
  const again = lock.lock().then(() => void order.push("a again"));
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => setImmediate(r));
    lock.unlock();
  }
  await Promise.all([...waiters, again]);
  assert.deepEqual(order, ["b", "c", "d", "a again"]);
});
