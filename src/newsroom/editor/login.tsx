/** Signing in. */
import { useState } from "preact/hooks";
import { ApiError, api, setCsrf } from "./api.ts";

export function LoginPage({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      // A fresh pre-login CSRF token, then the sign-in itself.
      const { csrfToken } = await api<{ csrfToken: string }>("GET", "/api/admin/session");
      setCsrf(csrfToken);
      await api("POST", "/api/admin/session", { email, password });
      await onSignedIn();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Signing in failed. Try again.");
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login" id="content">
      <form onSubmit={submit} aria-describedby={error ? "login-error" : undefined}>
        <img src="/assets/logo.svg" alt="" width="48" height="48" />
        <h1>Sign in to the newsroom</h1>
        <label>
          Email
          <input
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error ? (
          <p class="error" id="login-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <p class="hint">
          <a href="/">Back to the site</a>
        </p>
      </form>
    </main>
  );
}
