/**
 * The live page's script (the page reads fine without it): asks for the
 * changes after the page's cursor every few seconds while the tab is
 * visible, puts new posts on top, replaces edited ones and removes deleted
 * ones in place. A reader who has scrolled down into the stream is not
 * moved: new posts wait behind a "3 new updates" button that shows them.
 * Built by comments-script.ts into /assets/live.<hash>.js.
 */
interface Changes {
  cursor: number;
  state: "open" | "closed";
  posts: { id: number; html: string; pinned: boolean }[];
  deleted: number[];
  more: boolean;
}

const POLL_MS = 5000;

function start(section: HTMLElement): void {
  const url = section.dataset["live"];
  if (!url || section.hasAttribute("data-older")) return;
  let cursor = Number(section.dataset["cursor"] ?? "0");
  const stream = section.querySelector<HTMLOListElement>(".live-stream");
  const banner = section.querySelector<HTMLElement>(".live-new");
  if (!stream || !banner) return;
  const waiting: string[] = [];
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

  const element = (html: string): HTMLElement | null => {
    const t = document.createElement("template");
    t.innerHTML = html.trim();
    return t.content.firstElementChild as HTMLElement | null;
  };
  /** The reader is below the top of the stream: adding above would move what they read. */
  const readingBelow = () => stream.getBoundingClientRect().top < 0;

  function showWaiting(): void {
    for (const html of waiting.splice(0)) {
      const post = element(html);
      if (!post) continue;
      const li = document.createElement("li");
      li.append(post);
      stream!.prepend(li);
    }
    section.querySelector(".live-empty")?.remove();
    banner!.hidden = true;
  }

  function apply(c: Changes): void {
    for (const id of c.deleted) {
      const old = document.getElementById(`post-${id}`);
      (old?.parentElement?.tagName === "LI" ? old.parentElement : old)?.remove();
    }
    let added = 0;
    for (const p of c.posts) {
      const old = document.getElementById(`post-${p.id}`);
      const post = element(p.html);
      if (!post) continue;
      if (old) old.replaceWith(post);
      else {
        waiting.push(p.html);
        added++;
      }
    }
    if (waiting.length && !readingBelow()) showWaiting();
    else if (waiting.length) {
      const n = waiting.length;
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
