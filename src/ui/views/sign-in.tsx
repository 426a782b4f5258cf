import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';

/**
 * The API token is sent once; the server answers with an HttpOnly session cookie, so the token is
 * never kept by the page (no localStorage a script could read).
 */
export function SignIn({
  onSignedIn,
  oidcIssuer,
}: {
  onSignedIn: () => void;
  /** With OIDC configured: a link to sign in at this provider (GET /auth/oidc/login). */
  oidcIssuer?: string | undefined;
}): JSX.Element {
  const [token, setToken] = useState('');
  // A failed OIDC sign-in comes back as ?signin-error=<why> (src/api/routes/oidc.ts).
  const [error, setError] = useState<string | undefined>(
    () => new URLSearchParams(window.location.search).get('signin-error') ?? undefined,
  );
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.signIn(token.trim());
      onSignedIn();
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401
          ? 'That token is not right.'
          : failure instanceof Error
            ? failure.message
            : String(failure),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="sign-in" onSubmit={(event) => void submit(event)}>
      <h1>Tidewatch</h1>
      {oidcIssuer !== undefined ? (
        <p>
          <a class="button" href="auth/oidc/login">
            Sign in with {hostOf(oidcIssuer)}
          </a>
        </p>
      ) : null}
      <label for="token">API token</label>
      <input
        id="token"
        name="token"
        type="password"
        autocomplete="current-password"
        value={token}
        onInput={(event) => setToken(event.currentTarget.value)}
        required
      />
      <button type="submit" disabled={busy || token.trim() === ''}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <p class="hint">
        The token is the one Tidewatch was started with (--api-token or TIDEWATCH_API_TOKEN), or a named token
        (tidewatch token create).
      </p>
    </form>
  );
}

/** The issuer's host is what people recognise (login.example.com), not its full URL. */
function hostOf(issuer: string): string {
  try {
    return new URL(issuer).host;
  } catch {
    return issuer;
  }
}
