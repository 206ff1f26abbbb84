/** The newsroom app: signs in, then routes between the story list, the editor, media and people. */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { type Me, api, setCsrf } from "./api.ts";
import { InvitePage } from "./invite.tsx";
import { LoginPage } from "./login.tsx";
import { MediaPage } from "./media-library.tsx";
import { ModerationPage } from "./moderation.tsx";
import { StoryEditor } from "./story-editor.tsx";
import { StoryList } from "./story-list.tsx";
import { SettingsPage } from "./settings.tsx";
import { UsersPage } from "./users.tsx";
import { navigate, useLocation, useRoute } from "./router.ts";
import { NoticesPage, useDesk } from "./desk.tsx";
import { FrontPagePage } from "./front-page.tsx";
import { WirePage } from "./wire.tsx";
import { NewslettersPage } from "./newsletters.tsx";
import { MembersPage } from "./members.tsx";
import { AdvertisingPage } from "./advertising.tsx";
import { ImportRunPage, ImportsPage } from "./imports.tsx";
import { LiveDeskPage } from "./live-desk.tsx";
import "./editor.css";

function Shell({
  me,
  onSignOut,
  children,
}: {
  me: Me;
  onSignOut: (everywhere: boolean) => void;
  children: preact.ComponentChildren;
}) {
  const path = useRoute();
  const here = useLocation();
  const [desk] = useDesk(here);
  // An urgent wire item announced to this person and not yet read or set aside in this tab.
  const [setAside, setSetAside] = useState<number[]>(() => {
    try {
      return JSON.parse(sessionStorage.getItem("gazette:urgent-seen") ?? "[]") as number[];
    } catch {
      return [];
    }
  });
  const urgent = desk?.notices.find(
    (n) => n.kind === "wire" && !n.read && n.text.startsWith("Urgent") && !setAside.includes(n.id),
  );
  const dismiss = (id: number) => {
    const next = [...setAside, id].slice(-50);
    setSetAside(next);
    try {
      sessionStorage.setItem("gazette:urgent-seen", JSON.stringify(next));
    } catch {
      /* only this render remembers it */
    }
  };
  const count = (n: number | null | undefined, what: string) =>
    n ? (
      <span class="badge">
        {n}
        <span class="visually-hidden"> {what}</span>
      </span>
    ) : null;
  const link = (href: string, label: string, badge?: preact.ComponentChildren) => (
    <li>
      <a
        href={href}
        aria-current={
          here === href || (href !== "/admin" && !href.includes("?") && path.startsWith(href))
            ? "page"
            : undefined
        }
        onClick={(e) => {
          e.preventDefault();
          navigate(href);
        }}
      >
        {label}
        {badge ? <> {badge}</> : null}
      </a>
    </li>
  );
  return (
    <>
      <a class="skip" href="#content">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href="/" title="Open the public site">
          <img src="/assets/logo.svg" alt="" width="28" height="28" />
          <span>Newsroom</span>
        </a>
        <nav aria-label="Newsroom">
          <ul>
            {link("/admin", "Stories")}
            {desk?.inReview != null
              ? link("/admin?status=review", "In review", count(desk.inReview, "waiting"))
              : null}
            {me.permissions.includes("wire.read") ? link("/admin/wire", "Wire") : null}
            {me.permissions.includes("story.publish") ? link("/admin/front-pages", "Front pages") : null}
            {link("/admin/media", "Media")}
            {me.permissions.includes("newsletters.send") ? link("/admin/newsletters", "Newsletters") : null}
            {me.permissions.includes("memberships.view") ? link("/admin/members", "Members") : null}
            {me.permissions.includes("ads.view") ? link("/admin/advertising", "Advertising") : null}
            {me.permissions.includes("comments.moderate")
              ? link("/admin/comments", "Comments", count(desk?.heldComments, "held for moderation"))
              : null}
            {link("/admin/notices", "Notices", count(desk?.unread, "unread"))}
            {me.role === "admin" ? link("/admin/people", "People") : null}
            {me.permissions.includes("imports.manage") ? link("/admin/imports", "Import") : null}
            {me.role === "admin" ? link("/admin/settings", "Settings") : null}
          </ul>
        </nav>
        <div class="me">
          <span>
            {me.name} <span class="role">{me.role}</span>
          </span>
          <button type="button" class="link-button" onClick={() => onSignOut(false)}>
            Sign out
          </button>
          <button
            type="button"
            class="link-button"
            onClick={() => confirm("Sign out on every device and browser?") && onSignOut(true)}
          >
            Sign out everywhere
          </button>
        </div>
      </header>
      {urgent ? (
        <div class="urgent-banner" role="alert">
          <p>
            <strong>{urgent.text}</strong>{" "}
            <a
              href="/admin/wire?urgency=2"
              onClick={(e) => {
                e.preventDefault();
                dismiss(urgent.id);
                navigate("/admin/wire?urgency=2");
              }}
            >
              Open the wire
            </a>
          </p>
          <button type="button" onClick={() => dismiss(urgent.id)}>
            Dismiss
          </button>
        </div>
      ) : null}
      <main id="content" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

function App() {
  const path = useRoute();
  const here = useLocation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const load = async () => {
    const s = await api<{ user: Me | null; csrfToken: string }>("GET", "/api/admin/session");
    setCsrf(s.csrfToken);
    setMe(s.user);
  };
  useEffect(() => {
    load().catch(() => setMe(null));
  }, []);

  const invite = /^\/admin\/invite\/([\w-]+)$/.exec(path);
  if (invite) return <InvitePage token={invite[1]!} onDone={() => load().then(() => navigate("/admin"))} />;
  if (me === undefined) return <p class="boot">Loading the newsroom…</p>;
  if (me === null) return <LoginPage onSignedIn={load} />;

  const signOut = async (everywhere: boolean) => {
    await api("DELETE", everywhere ? "/api/admin/sessions" : "/api/admin/session").catch(() => undefined);
    await load();
  };
  const story = /^\/admin\/stories\/(\d+)$/.exec(path);
  const importRun = /^\/admin\/imports\/(\d+)$/.exec(path);
  const liveDesk = /^\/admin\/stories\/(\d+)\/live$/.exec(path);
  const mayImport = me.permissions.includes("imports.manage");
  let page;
  if (story) page = <StoryEditor key={story[1]} id={Number(story[1])} me={me} />;
  else if (liveDesk) page = <LiveDeskPage key={liveDesk[1]} id={Number(liveDesk[1])} me={me} />;
  else if (path === "/admin/media") page = <MediaPage me={me} />;
  else if (path === "/admin/notices") page = <NoticesPage />;
  else if (path === "/admin/wire" && me.permissions.includes("wire.read"))
    page = <WirePage key={here} me={me} />;
  else if (path === "/admin/front-pages" && me.permissions.includes("story.publish"))
    page = <FrontPagePage canPlace />;
  else if (path === "/admin/newsletters" && me.permissions.includes("newsletters.send"))
    page = <NewslettersPage me={me} />;
  else if (path === "/admin/members" && me.permissions.includes("memberships.view"))
    page = <MembersPage me={me} />;
  else if (path === "/admin/advertising" && me.permissions.includes("ads.view"))
    page = <AdvertisingPage me={me} />;
  else if (path === "/admin/comments" && me.permissions.includes("comments.moderate"))
    page = <ModerationPage me={me} />;
  else if (path === "/admin/people" && me.role === "admin") page = <UsersPage me={me} />;
  else if (path === "/admin/settings" && me.role === "admin") page = <SettingsPage />;
  else if (path === "/admin/imports" && mayImport) page = <ImportsPage />;
  else if (importRun && mayImport) page = <ImportRunPage key={importRun[1]} id={Number(importRun[1])} />;
  else if (me.role === "moderator") page = <ModerationPage me={me} />;
  else page = <StoryList key={here} me={me} />;
  return (
    <Shell me={me} onSignOut={signOut}>
      {page}
    </Shell>
  );
}

render(<App />, document.getElementById("app")!);
