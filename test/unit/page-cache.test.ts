/**
 * The page cache's one render per change: after an invalidation the first
 * request for a dropped page renders it and the others wait for that render;
 * a page never cached (a personal one) never makes anyone wait.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CachedPage, PageCache } from "../../src/web/page-cache.ts";

const page = (body: string): CachedPage => ({
  status: 200,
  contentType: "text/html",
  body,
  etag: body,
  cacheControl: "public",
  keys: ["story:1"],
});

describe("the page cache's renders after a change", () => {
  it("lets the first request render a dropped page and the others wait for it", async () => {
    const cache = new PageCache(10);
    assert.equal(cache.claim("/a"), undefined, "never cached: render, nobody waits");
    assert.ok(cache.set("/a", page("one"), cache.generation));
    cache.invalidate(["story:1"]);
    assert.equal(cache.get("/a"), undefined);
    assert.equal(cache.claim("/a"), "render");
    const second = cache.claim("/a");
    const third = cache.claim("/a");
    assert.ok(second && second !== "render" && third && third !== "render");
    let woken = 0;
    void second.wait.then(() => woken++);
    void third.wait.then(() => woken++);
    await Promise.resolve();
    assert.equal(woken, 0, "they wait while the render is under way");
    assert.ok(cache.set("/a", page("two"), cache.generation), "storing the render ends the wait");
    await Promise.all([second.wait, third.wait]);
    assert.equal(woken, 2);
    assert.equal(cache.get("/a")?.body, "two");
    assert.equal(cache.stats().waited, 2);
    // Once stored again, the page is an ordinary entry: the next miss (after a change) renders once more.
    cache.invalidate(["story:1"]);
    assert.equal(cache.claim("/a"), "render");
  });

  it("wakes the waiters when the render is not stored (a change during it, an error)", async () => {
    const cache = new PageCache(10);
    cache.set("/b", page("one"), cache.generation);
    cache.invalidate(["story:1"]);
    assert.equal(cache.claim("/b"), "render");
    const waiting = cache.claim("/b");
    assert.ok(waiting && waiting !== "render");
    const before = cache.generation;
    cache.invalidate(["story:2"]);
    assert.equal(cache.set("/b", page("stale"), before), false, "rendered across a change: not stored");
    cache.release("/b");
    await waiting.wait;
    assert.equal(cache.get("/b"), undefined, "the waiter renders it itself");
    cache.release("/b");
  });
});
