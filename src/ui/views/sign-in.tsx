import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';

/**
 * The API token is sent once; the server answers with an HttpOnly session cookie, so the token is
 * never kept by the page (no localStorage a script could read).
 */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }): JSX.Element {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
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
        The token is the one Tidewatch was started with (--api-token or TIDEWATCH_API_TOKEN).
      </p>
    </form>
  );
}
