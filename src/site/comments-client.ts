/**
 * Progressive enhancement for comments (no framework; the page works
 * without it): posting, replying, recommending and "more comments" without
 * a page reload, and showing who is signed in. Built at boot with esbuild
 * and served under a content-hash URL; reader text is only ever set as
 * textContent.
 */

type Json = Record<string, unknown>;

const live = document.createElement("p");
live.className = "comment-status";
live.setAttribute("role", "status");
live.setAttribute("aria-live", "polite");

function say(text: string, error = false): void {
  live.textContent = text;
  live.classList.toggle("form-error", error);
}

async function send(url: string, body: URLSearchParams): Promise<{ status: number; json: Json }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
    body,
    credentials: "same-origin",
  });
  let json: Json = {};
  try {
    json = (await res.json()) as Json;
  } catch {
    json = {};
  }
  return { status: res.status, json };
}

function errorMessage(json: Json, fallback: string): string {
  const e = json["error"] as { message?: string } | undefined;
  return e?.message ?? fallback;
}

function commentElement(id: number, author: string, body: string): HTMLLIElement {
  const li = document.createElement("li");
  li.className = "comment comment--new";
  li.id = `comment-${id}`;
  const article = document.createElement("article");
  const meta = document.createElement("header");
  meta.className = "comment-meta";
  const strong = document.createElement("strong");
  strong.textContent = author;
  meta.append(strong, " · just now");
  const text = document.createElement("div");
  text.className = "comment-body";
  for (const para of body.split(/\n{2,}/)) {
    const p = document.createElement("p");
    p.textContent = para;
    text.append(p);
  }
  article.append(meta, text);
  li.append(article);
  return li;
}

let me: { id: number; displayName: string } | null = null;

/** Edit and Delete buttons on the reader's own comments (editing within the window the server enforces). */
function ownControls(section: HTMLElement): void {
  if (!me) return;
  for (const li of section.querySelectorAll<HTMLLIElement>(`li.comment[data-author="${me.id}"]`)) {
    const actions = li.querySelector(":scope > article > .comment-actions");
    if (!actions || actions.querySelector(".own")) continue;
    const editBtn = document.createElement("button");
    editBtn.type = "button";
    editBtn.className = "own link-like";
    editBtn.textContent = "Edit";
    const delBtn = document.createElement("button");
    delBtn.type = "button";
    delBtn.className = "own link-like";
    delBtn.textContent = "Delete";
    actions.append(editBtn, delBtn);
    const id = li.id.replace("comment-", "");
    delBtn.addEventListener("click", async () => {
      if (!confirm("Delete your comment?")) return;
      const res = await fetch(`/api/comments/${id}`, {
        method: "DELETE",
        credentials: "same-origin",
        headers: { accept: "application/json" },
      });
      if (res.ok) {
        li.querySelector(":scope > article > .comment-body")!.textContent = "You deleted this comment.";
        say("Your comment is deleted.");
      } else say(errorMessage((await res.json()) as Json, "It could not be deleted."), true);
    });
    editBtn.addEventListener("click", () => {
      const body = li.querySelector<HTMLElement>(":scope > article > .comment-body")!;
      if (body.querySelector("textarea")) return;
      const old = [...body.querySelectorAll("p")].map((p) => p.textContent).join("\n\n");
      const box = document.createElement("textarea");
      box.value = old;
      box.rows = 4;
      box.setAttribute("aria-label", "Edit your comment");
      const save = document.createElement("button");
      save.type = "button";
      save.textContent = "Save";
      body.replaceChildren(box, save);
      box.focus();
      save.addEventListener("click", async () => {
        const res = await fetch(`/api/comments/${id}`, {
          method: "PATCH",
          credentials: "same-origin",
          headers: { accept: "application/json", "content-type": "application/json" },
          body: JSON.stringify({ body: box.value }),
        });
        const json = (await res.json()) as Json;
        if (!res.ok) {
          say(errorMessage(json, "Your edit was not saved."), true);
          return;
        }
        body.replaceChildren(
          ...String(json["body"])
            .split(/\n{2,}/)
            .map((t) => Object.assign(document.createElement("p"), { textContent: t })),
        );
        say(json["status"] === "pending" ? "Edited; it now waits for a moderator." : "Your edit is saved.");
      });
    });
  }
}

function enhanceForm(form: HTMLFormElement): void {
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new URLSearchParams(new FormData(form) as unknown as Record<string, string>);
    const button = form.querySelector("button");
    if (button) button.disabled = true;
    try {
      const { status, json } = await send("/comments", data);
      if (status === 401) {
        say("Sign in to post: your text stays in the box.", true);
        return;
      }
      if (status !== 201) {
        say(errorMessage(json, "Your comment was not posted. Try again."), true);
        return;
      }
      const c = json["comment"] as { id: number; body: string };
      const textarea = form.querySelector("textarea");
      if (textarea) textarea.value = "";
      if (json["outcome"] === "approved") {
        const parentId = data.get("parentId");
        const list = parentId
          ? (document.getElementById(`comment-${parentId}`)?.querySelector(":scope > ol.comment-replies") ??
            (() => {
              const ol = document.createElement("ol");
              ol.className = "comment-replies";
              document.getElementById(`comment-${parentId}`)?.append(ol);
              return ol;
            })())
          : document.querySelector(".comment-list");
        const el = commentElement(c.id, me?.displayName ?? "You", c.body);
        if (list) {
          if (parentId) list.append(el);
          else list.prepend(el);
        } else {
          const ol = document.createElement("ol");
          ol.className = "comment-list";
          ol.append(el);
          document.querySelector(".comments-empty")?.replaceWith(ol);
        }
        if (parentId) form.remove();
        say("Your comment is published.");
      } else {
        say("Thank you: your comment is waiting for a moderator.");
      }
    } finally {
      if (button) button.disabled = false;
    }
  });
}

/**
 * "All N replies" / "More replies": reads the next replies from the
 * comment's own page (the link's target, which works without JavaScript)
 * and puts them under the comment, skipping those already shown.
 */
async function showReplies(section: HTMLElement, link: HTMLAnchorElement, id: string): Promise<void> {
  const res = await fetch(link.href, { credentials: "same-origin" });
  if (!res.ok) {
    say("The replies could not be loaded. Try again.", true);
    return;
  }
  const doc = new DOMParser().parseFromString(await res.text(), "text/html");
  const li = document.getElementById(`comment-${id}`);
  if (!li) return;
  let list = li.querySelector<HTMLOListElement>(":scope > ol.comment-replies");
  if (!list) {
    list = document.createElement("ol");
    list.className = "comment-replies";
    li.querySelector(":scope > article")?.after(list);
  }
  let added = 0;
  for (const item of doc.querySelectorAll(`#comment-${id} > ol.comment-replies > li`)) {
    if (document.getElementById(item.id)) continue;
    list.append(document.importNode(item, true));
    added++;
  }
  const next = doc.querySelector<HTMLAnchorElement>(`a[data-more-replies="${id}"]`);
  if (next && link.hasAttribute("data-replies")) {
    link.href = next.getAttribute("href")!;
    link.textContent = "More replies";
  } else if (next) link.href = next.getAttribute("href")!;
  else link.parentElement?.remove();
  ownControls(section);
  say(added === 1 ? "1 more reply shown." : `${added} more replies shown.`);
}

function enhance(): void {
  const section = document.getElementById("comments");
  if (!section) return;
  section.querySelector("h2")?.after(live);
  void fetch("/api/comments/me", { credentials: "same-origin" })
    .then(
      (r) => r.json() as Promise<{ reader: { id: number; displayName: string; verified: boolean } | null }>,
    )
    .then(({ reader }) => {
      me = reader as typeof me;
      if (!reader) return;
      ownControls(section);
      for (const hint of section.querySelectorAll(".comment-hint")) {
        hint.textContent = `Commenting as ${reader.displayName}.${reader.verified ? "" : " Confirm your email first (see the link we sent)."} Plain text; links are allowed.`;
      }
    });
  const main = section.querySelector<HTMLFormElement>("form.comment-form");
  if (main) enhanceForm(main);

  section.addEventListener("click", (e) => {
    const target = e.target as HTMLElement;
    const reply = target.closest<HTMLAnchorElement>("a[data-reply]");
    if (reply && main) {
      e.preventDefault();
      const id = reply.dataset["reply"]!;
      const li = document.getElementById(`comment-${id}`);
      if (!li || li.querySelector(":scope > form.comment-form")) return;
      const form = main.cloneNode(true) as HTMLFormElement;
      // On a comment's own page the main form already answers that comment.
      for (const old of form.querySelectorAll("input[name=parentId]")) old.remove();
      const parent = document.createElement("input");
      parent.type = "hidden";
      parent.name = "parentId";
      parent.value = id;
      form.prepend(parent);
      const label = form.querySelector("label");
      const textarea = form.querySelector("textarea");
      if (label && textarea) {
        textarea.id = `reply-body-${id}`;
        label.htmlFor = textarea.id;
        label.textContent = "Your reply";
        textarea.value = "";
      }
      const button = form.querySelector("button");
      if (button) button.textContent = "Post reply";
      li.querySelector(":scope > article")?.after(form);
      enhanceForm(form);
      textarea?.focus();
    }
    const replies = target.closest<HTMLAnchorElement>("a[data-replies], a[data-more-replies]");
    if (replies) {
      e.preventDefault();
      void showReplies(section, replies, replies.dataset["replies"] ?? replies.dataset["moreReplies"]!);
    }
    const more = target.closest<HTMLAnchorElement>("a[data-more]");
    if (more) {
      e.preventDefault();
      void fetch(more.href, { credentials: "same-origin" })
        .then((r) => r.text())
        .then((html) => {
          const doc = new DOMParser().parseFromString(html, "text/html");
          const list = section.querySelector(".comment-list");
          for (const li of doc.querySelectorAll(".comment-list > li"))
            list?.append(document.importNode(li, true));
          const next = doc.querySelector<HTMLAnchorElement>("a[data-more]");
          if (next) more.href = next.getAttribute("href")!;
          else more.parentElement?.remove();
        });
    }
  });

  section.addEventListener("submit", async (e) => {
    const form = e.target as HTMLFormElement;
    const id = form.dataset["react"];
    if (!id) return;
    e.preventDefault();
    const { status, json } = await send(`/comments/${id}/react`, new URLSearchParams());
    if (status === 401) {
      say("Sign in to recommend comments.", true);
      return;
    }
    if (status !== 200) {
      say(errorMessage(json, "That did not work."), true);
      return;
    }
    const count = form.querySelector(".reaction-count");
    if (count) count.textContent = String(json["count"]);
    form.querySelector("button")?.setAttribute("aria-pressed", String(json["on"]));
  });
}

enhance();
