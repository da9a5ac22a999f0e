// @ts-check
import { useEffect, useRef, useState } from 'preact/hooks';
import { VIEWER_QUERY } from '../api.js';
import { LogoMark } from './icons.jsx';
import { SsoSignIn } from './sso/SsoSignIn.jsx';

/**
 * Sign-in with an API key. The key is checked by asking the server who it belongs to
 * (`viewer`) before it is stored for the session.
 * @param {{client: import('../api.js').Client, notice?: string,
 *   onSignedIn: (key: string, viewer: import('./App.jsx').Viewer) => void}} props
 */
export function SignIn({ client, notice, onSignedIn }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const inputRef = useRef(/** @type {HTMLInputElement | null} */ (null));

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setError('Enter your API key.');
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError('');
    try {
      const data = await client.request(VIEWER_QUERY, {}, { key: trimmed, silentAuth: true });
      onSignedIn(trimmed, data.viewer);
    } catch (err) {
      const e = /** @type {import('../api.js').ApiError} */ (err);
      setError(
        e.unauthenticated
          ? 'This API key was not accepted. Check the key and try again.'
          : `Could not sign in: ${e.message}`,
      );
      setBusy(false);
      inputRef.current?.focus();
      inputRef.current?.select();
    }
  }

  return (
    <main class="signin" id="main">
      <div class="signin-card">
        <div class="signin-brand">
          <LogoMark />
          <span class="brand-name">serialpool</span>
        </div>
        <h1 class="signin-title">Sign in</h1>
        <p class="signin-lead">Serial number pool for serialized manufacturing.</p>
        {notice && !error ? (
          <p class="notice" role="status">
            {notice}
          </p>
        ) : null}
        <form onSubmit={submit} noValidate>
          <label class="field-label" for="api-key">
            API key
          </label>
          <input
            ref={inputRef}
            id="api-key"
            name="api-key"
            class="input"
            type="password"
            autocomplete="off"
            spellcheck={false}
            value={key}
            onInput={(e) => setKey(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'api-key-error' : 'api-key-hint'}
          />
          {error ? (
            <p id="api-key-error" class="field-error" role="alert">
              {error}
            </p>
          ) : (
            <p id="api-key-hint" class="field-hint">
              The key is kept for this browser session only.
            </p>
          )}
          <button type="submit" class="button button-primary button-block" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <SsoSignIn />
      </div>
    </main>
  );
}
