/**
 * The live page's script (the page reads fine without it): asks for the
 * changes after the page's cursor every few seconds while the tab is
 * visible, puts new posts on top, replaces edited ones and removes deleted
 * ones in place; keeps the Key events summary and the pinned posts in step
 * (a post pinned moves to the top, unpinned back to its time in the
 * stream). A reader who has scrolled down into the stream is not moved:
 * new posts wait behind a "3 new updates" button that shows them, and any
 * other change above what the reader looks at is made without moving it.
 * Built by comments-script.ts into /assets/live.<hash>.js.
 */
interface Changes {
  cursor: number;
  state: "open" | "closed";
  posts: { id: number; html: string; pinned: boolean; publishedAt: string; keyEventHtml?: string }[];
  deleted: number[];
  more: boolean;
}

const POLL_MS = 5000;

function element(html: string): HTMLElement | null {
  const t = document.createElement("template");
  t.innerHTML = html.trim();
  return t.content.firstElementChild as HTMLElement | null;
}

/** Hides the day of each item whose day is the one above's (as the server does). */
function markDays(items: Iterable<HTMLElement>): void {
  let day: string | undefined;
  for (const item of items) {
    const d = item.dataset["day"];
    item.classList.toggle("same-day", d !== undefined && d === day);
    day = d;
  }
}

/**
 * Runs `change`, then scrolls by however much it moved the first post the
 * reader can see, so that a change above it does not move what is read.
 */
function keepingPlace(section: HTMLElement, change: () => void): void {
  const seen = [...section.querySelectorAll<HTMLElement>(".live-post")].find(
    (p) => p.getBoundingClientRect().bottom > 0,
  );
  const before = seen?.getBoundingClientRect().top;
  change();
  if (!seen?.isConnected || before === undefined) return;
  const moved = seen.getBoundingClientRect().top - before;
  if (Math.abs(moved) >= 1) window.scrollBy(0, moved);
}

function start(section: HTMLElement): void {
  const url = section.dataset["live"];
  if (!url || section.hasAttribute("data-older")) return;
  let cursor = Number(section.dataset["cursor"] ?? "0");
  const stream = section.querySelector<HTMLOListElement>(".live-stream");
  const banner = section.querySelector<HTMLElement>(".live-new");
  if (!stream || !banner) return;
  /** Posts that arrived while the reader was below, by id (a later change replaces the earlier). */
  const waiting = new Map<number, string>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const button = document.createElement("button");
  button.type = "button";
  button.className = "live-new-button";
  button.addEventListener("click", () => {
    showWaiting();
    stream.scrollIntoView({ block: "start" });
  });
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  banner.append(button, status);

  // A key event whose post is still waiting: show the waiting posts, then follow the link.
  section.addEventListener("click", (e) => {
    const a = (e.target as Element).closest<HTMLAnchorElement>('a[href^="#post-"]');
    if (a && !document.getElementById(a.hash.slice(1)) && waiting.size) showWaiting();
  });

  /** The reader is below the top of the stream: adding above would move what they read. */
  const readingBelow = () => stream.getBoundingClientRect().top < 0;
  const streamPosts = () => [...stream.querySelectorAll<HTMLElement>(":scope > li > .live-post")];

  function showWaiting(): void {
    const posts = [...waiting.values()].map(element).filter((p): p is HTMLElement => !!p);
    waiting.clear();
    // In the order they came (oldest first), each on top: the newest ends up first.
    for (const post of posts) {
      const li = document.createElement("li");
      li.append(post);
      stream!.prepend(li);
    }
    markDays(streamPosts());
    section.querySelector(".live-empty")?.remove();
    banner!.hidden = true;
  }

  /** Puts a post in the stream at its time; false when its time is on an older page. */
  function intoStream(post: HTMLElement, publishedAt: string): boolean {
    const li = document.createElement("li");
    li.append(post);
    const next = streamPosts().find((p) => (p.dataset["published"] ?? "") < publishedAt);
    if (next) stream!.insertBefore(li, next.parentElement);
    else if (!section.querySelector('.live-pages a[rel="next"]')) stream!.append(li);
    else return false;
    return true;
  }

  /** The section's part matching `selector`; made as the server makes it, and placed, when the page has none yet. */
  function part(selector: string, html: string, place: (made: HTMLElement) => void): HTMLElement {
    let found = section.querySelector<HTMLElement>(selector);
    if (!found) place((found = element(html)!));
    return found;
  }
  const pinnedBox = () =>
    part(
      ".live-pinned",
      '<section class="live-pinned" aria-labelledby="pinned-h"><h2 id="pinned-h" class="visually-hidden">Pinned</h2></section>',
      (box) => banner!.before(box),
    );
  const keyEvents = () =>
    part(
      ".live-key-events",
      '<nav class="live-key-events" aria-labelledby="key-events-h"><h2 id="key-events-h">Key events</h2><ol></ol></nav>',
      (nav) => (section.querySelector(".live-status") ?? banner!).after(nav),
    ).querySelector("ol")!;

  function setKeyEvent(id: number, html: string | undefined): void {
    const nav = section.querySelector<HTMLElement>(".live-key-events");
    nav?.querySelector(`li[data-post="${id}"]`)?.remove();
    const item = html ? element(html) : null;
    if (item) {
      const list = keyEvents();
      const at = item.dataset["published"] ?? "";
      const next = [...list.children].find((li) => ((li as HTMLElement).dataset["published"] ?? "") < at);
      list.insertBefore(item, next ?? null);
    }
    const list = section.querySelector<HTMLOListElement>(".live-key-events ol");
    if (list && !list.children.length) list.parentElement!.remove();
    else if (list) markDays(list.children as HTMLCollectionOf<HTMLElement>);
  }

  function removePost(id: number): void {
    const old = document.getElementById(`post-${id}`);
    (old?.parentElement?.tagName === "LI" ? old.parentElement : old)?.remove();
    waiting.delete(id);
  }

  function apply(c: Changes): void {
    const below = readingBelow();
    let added = 0;
    const change = () => {
      for (const id of c.deleted) {
        removePost(id);
        setKeyEvent(id, undefined);
      }
      for (const p of c.posts) {
        setKeyEvent(p.id, p.keyEventHtml);
        const post = element(p.html);
        if (!post) continue;
        const old = document.getElementById(`post-${p.id}`);
        const wasPinned = !!old?.closest(".live-pinned");
        if (old && wasPinned === p.pinned) old.replaceWith(post);
        else if (p.pinned) {
          // Pinned: on top, out of the stream (as the first page shows it).
          removePost(p.id);
          const box = pinnedBox();
          box.insertBefore(post, box.querySelector(".live-post"));
        } else if (old) {
          // Unpinned: back to its time in the stream.
          removePost(p.id);
          intoStream(post, p.publishedAt);
        } else {
          if (!waiting.has(p.id)) added++;
          waiting.set(p.id, p.html);
        }
      }
      const box = section.querySelector(".live-pinned");
      if (box && !box.querySelector(".live-post")) box.remove();
      else if (box) markDays(box.querySelectorAll<HTMLElement>(".live-post"));
      markDays(streamPosts());
      if (waiting.size && !below) showWaiting();
    };
    if (below) keepingPlace(section, change);
    else change();
    if (waiting.size) {
      const n = waiting.size;
      button.textContent = `${n} new update${n === 1 ? "" : "s"}`;
      banner!.hidden = false;
      if (added) status.textContent = button.textContent;
    }
    if (c.state === "closed") {
      const line = section.querySelector(".live-status");
      if (line) {
        line.className = "live-status live-ended";
        line.textContent = "This live coverage has ended.";
      }
    }
  }

  async function poll(): Promise<void> {
    timer = undefined;
    let closed = false;
    try {
      const res = await fetch(`${url}?since=${cursor}`, { headers: { accept: "application/json" } });
      if (res.ok) {
        const c = (await res.json()) as Changes;
        apply(c);
        cursor = c.cursor;
        closed = c.state === "closed";
        if (c.more && !closed) return void poll();
      }
    } catch {
      /* offline for a moment: the next round asks again */
    }
    if (!closed) schedule();
  }
  function schedule(): void {
    if (!timer && document.visibilityState === "visible") timer = setTimeout(() => void poll(), POLL_MS);
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      // Back on the tab: ask now rather than at the next round.
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void poll(), 0);
    } else if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
  });
  schedule();
}

for (const s of document.querySelectorAll<HTMLElement>("section.live[data-live]")) start(s);
