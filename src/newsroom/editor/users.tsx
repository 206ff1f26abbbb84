/** People (admins only): accounts, roles, invitations. */
import { useEffect, useState } from "preact/hooks";
import { ApiError, type Me, api } from "./api.ts";
import { when } from "./format.ts";

interface UserRow {
  id: number;
  email: string;
  name: string;
  role: string;
  disabled: boolean;
  createdAt: string;
}

export function UsersPage({ me }: { me: Me }) {
  const [users, setUsers] = useState<UserRow[]>([]);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("contributor");
  const [link, setLink] = useState("");
  const [status, setStatus] = useState("");
  const load = () => void api<{ items: UserRow[] }>("GET", "/api/admin/users").then((r) => setUsers(r.items));
  useEffect(load, []);
  const invite = async (e: Event) => {
    e.preventDefault();
    setLink("");
    try {
      const r = await api<{ link: string }>("POST", "/api/admin/invitations", { email, role });
      setLink(r.link);
      setStatus(`Invitation made for ${email}. Send them this link; it works once, for 7 days.`);
      setEmail("");
    } catch (err) {
      setStatus(
        err instanceof ApiError
          ? `${err.message} ${err.fields.map((f) => f.message).join("; ")}`
          : "Could not invite.",
      );
    }
  };
  const patch = async (u: UserRow, body: Record<string, unknown>) => {
    try {
      await api("PATCH", `/api/admin/users/${u.id}`, body);
      setStatus(`Updated ${u.name}.`);
      load();
    } catch (err) {
      setStatus(err instanceof ApiError ? err.message : "Could not update.");
    }
  };
  return (
    <section class="people">
      <h1>People</h1>
      <form class="invite" onSubmit={invite}>
        <h2>Invite someone</h2>
        <label class="field">
          <span>Email</span>
          <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Role</span>
          <select value={role} onChange={(e) => setRole(e.currentTarget.value)}>
            <option value="contributor">Contributor: writes, submits for review</option>
            <option value="moderator">Moderator: the comment queues</option>
            <option value="editor">Editor: edits, publishes, corrects</option>
            <option value="admin">Admin: also people, sections, settings</option>
          </select>
        </label>
        <button type="submit" class="primary">
          Make invitation link
        </button>
      </form>
      <p role="status">{status}</p>
      {link ? (
        <p class="invite-link">
          <label class="field">
            <span>Invitation link</span>
            <input readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
          </label>
        </p>
      ) : null}
      <table class="stories">
        <caption class="visually-hidden">Accounts</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Since</th>
            <th scope="col">Account</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr>
              <td>{u.name}</td>
              <td>{u.email}</td>
              <td>
                <label class="visually-hidden" for={`role-${u.id}`}>
                  Role of {u.name}
                </label>
                <select
                  id={`role-${u.id}`}
                  value={u.role}
                  disabled={u.id === me.id}
                  onChange={(e) => void patch(u, { role: e.currentTarget.value })}
                >
                  <option value="contributor">Contributor</option>
                  <option value="moderator">Moderator</option>
                  <option value="editor">Editor</option>
                  <option value="admin">Admin</option>
                </select>
              </td>
              <td>{when(u.createdAt)}</td>
              <td>
                {u.id === me.id ? (
                  "You"
                ) : (
                  <button type="button" onClick={() => void patch(u, { disabled: !u.disabled })}>
                    {u.disabled ? `Enable ${u.name}` : `Disable ${u.name}`}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
