/**
 * What waits for each person in the newsroom: the counts in the navigation
 * (stories in review for editors, comments held for moderators, unread
 * notices for everyone), read every half minute and after each move, and
 * the notices page with the choice of email.
 */
import { useEffect, useState } from "preact/hooks";
import { api } from "./api.ts";
import { when } from "./format.ts";
import { navigate } from "./router.ts";

export interface Desk {
  inReview: number | null;
  heldComments: number | null;
  unread: number;
  notices: {
    id: number;
    kind: string;
    storyId: number | null;
    text: string;
    createdAt: string;
    read: boolean;
  }[];
  notifyByEmail: boolean;
}

const listeners = new Set<() => void>();
/** Ask every open desk view to read the counts again (after submitting, moderating …). */
export function deskChanged(): void {
  listeners.forEach((l) => l());
}

export function useDesk(path: string): [Desk | undefined, () => void] {
  const [desk, setDesk] = useState<Desk>();
  const load = () =>
    void api<Desk>("GET", "/api/admin/desk")
      .then(setDesk)
      .catch(() => undefined);
  useEffect(() => {
    load();
    const t = setInterval(load, 30_000);
    listeners.add(load);
    return () => {
      clearInterval(t);
      listeners.delete(load);
    };
  }, [path]);
  return [desk, load];
}

export function NoticesPage() {
  const [desk, reload] = useDesk("/admin/notices");
  const [message, setMessage] = useState("");
  if (!desk) return <p>Loading…</p>;
  return (
    <section class="notices-page">
      <h1>Notices</h1>
      <label class="check">
        <input
          type="checkbox"
          checked={desk.notifyByEmail}
          onChange={(e) =>
            void api("PUT", "/api/admin/me/notifications", { byEmail: e.currentTarget.checked }).then(() => {
              setMessage(
                e.currentTarget.checked ? "Notices will also come by email." : "No more notice emails.",
              );
              reload();
            })
          }
        />{" "}
        Also send me these by email
      </label>
      {desk.notices.length === 0 ? (
        <p class="sub">
          Nothing yet. You will see here when a story of yours is returned, published or corrected, and
          (editors) when one is submitted.
        </p>
      ) : (
        <>
          <button
            type="button"
            class="small"
            disabled={desk.unread === 0}
            onClick={() =>
              void api("POST", "/api/admin/desk/read", {}).then(() => {
                setMessage("All marked read.");
                deskChanged();
              })
            }
          >
            Mark all read
          </button>
          <ol class="notice-list">
            {desk.notices.map((n) => (
              <li class={n.read ? "notice" : "notice notice--unread"}>
                <p>
                  {n.read ? null : <span class="visually-hidden">Unread: </span>}
                  {n.storyId ? (
                    <a
                      href={`/admin/stories/${n.storyId}`}
                      onClick={(e) => {
                        e.preventDefault();
                        void api("POST", "/api/admin/desk/read", { upTo: n.id }).finally(() => {
                          deskChanged();
                          navigate(`/admin/stories/${n.storyId}`);
                        });
                      }}
                    >
                      {n.text}
                    </a>
                  ) : (
                    n.text
                  )}
                </p>
                <p class="sub">{when(n.createdAt)}</p>
              </li>
            ))}
          </ol>
        </>
      )}
      <p role="status" class="sub">
        {message}
      </p>
    </section>
  );
}
