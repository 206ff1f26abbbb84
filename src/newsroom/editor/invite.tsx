/** Accepting an invitation: choose a name and a password. */
import { useEffect, useState } from "preact/hooks";
import { ApiError, type FieldError, api, setCsrf } from "./api.ts";

export function InvitePage({ token, onDone }: { token: string; onDone: () => void }) {
  const [info, setInfo] = useState<{ email: string; role: string } | null | undefined>(undefined);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [fields, setFields] = useState<FieldError[]>([]);
  useEffect(() => {
    api<{ email: string; role: string; csrfToken: string }>("GET", `/api/admin/invitations/${token}`)
      .then((r) => {
        setCsrf(r.csrfToken);
        setInfo(r);
      })
      .catch((e: unknown) => {
        setError(e instanceof ApiError ? e.message : "This invitation cannot be read.");
        setInfo(null);
      });
  }, [token]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError("");
    setFields([]);
    try {
      const r = await api<{ csrfToken: string }>("POST", `/api/admin/invitations/${token}/accept`, {
        name,
        password,
      });
      setCsrf(r.csrfToken);
      onDone();
    } catch (err) {
      if (err instanceof ApiError) {
        setError(err.message);
        setFields(err.fields);
      }
    }
  };
  const fieldError = (p: string) => fields.find((f) => f.path === p)?.message;
  return (
    <main class="login" id="content">
      <form onSubmit={submit}>
        <img src="/assets/logo.svg" alt="" width="48" height="48" />
        <h1>Join the newsroom</h1>
        {info === undefined ? <p>Checking the invitation…</p> : null}
        {info ? (
          <>
            <p>
              You are invited as <strong>{info.role}</strong> with the address <strong>{info.email}</strong>.
            </p>
            <label>
              Your name, as it appears on bylines
              <input
                required
                value={name}
                onInput={(e) => setName(e.currentTarget.value)}
                aria-invalid={fieldError("name") ? true : undefined}
              />
            </label>
            {fieldError("name") ? <p class="error">Name {fieldError("name")}</p> : null}
            <label>
              Choose a password (at least 12 characters)
              <input
                type="password"
                autocomplete="new-password"
                required
                minLength={12}
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
                aria-invalid={fieldError("password") ? true : undefined}
              />
            </label>
            {fieldError("password") ? <p class="error">Password {fieldError("password")}</p> : null}
            <button type="submit" class="primary">
              Create my account
            </button>
          </>
        ) : null}
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </main>
  );
}
