// @ts-check
import { useEffect, useRef, useState } from 'preact/hooks';
import { login } from '../session.js';
import { LogoMark } from './icons.jsx';
import { SsoSignIn } from './sso/SsoSignIn.jsx';

/** What a refused sign-in tells the person, by the server's code. */
const REFUSED = {
  UNAUTHENTICATED: 'The e-mail, password or code was not accepted. Check them and try again.',
  ACCOUNT_LOCKED: 'Too many failed sign-ins: the account is locked for a while. Try again later or ask an admin.',
  RATE_LIMITED: 'Too many failed sign-ins from here. Wait a minute and try again.',
};

/**
 * Sign-in with e-mail and password, and the authenticator's code when the account has TOTP
 * (the server asks for it with TOTP_REQUIRED). The session cookie is the server's.
 * @param {{fetch: typeof fetch, notice?: string, onSignedIn: () => void}} props
 */
export function SignIn({ fetch: doFetch, notice, onSignedIn }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const emailRef = useRef(/** @type {HTMLInputElement | null} */ (null));
  const codeRef = useRef(/** @type {HTMLInputElement | null} */ (null));

  useEffect(() => {
    emailRef.current?.focus();
  }, []);
  useEffect(() => {
    if (needsCode) codeRef.current?.focus();
  }, [needsCode]);

  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault();
    if (!email.trim() || !password) {
      setError('Enter your e-mail and password.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      await login(doFetch, { email: email.trim(), password, ...(needsCode ? { totp: totp.trim() } : {}) });
      onSignedIn();
    } catch (err) {
      const e = /** @type {Error & {code?: string}} */ (err);
      if (e.code === 'TOTP_REQUIRED') {
        setNeedsCode(true);
      } else {
        setError(REFUSED[/** @type {keyof typeof REFUSED} */ (e.code)] || `Could not sign in: ${e.message}`);
      }
      setBusy(false);
    }
  }

  const describedBy = error ? 'signin-error' : undefined;
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
          <label class="field-label" for="email">
            E-mail
          </label>
          <input
            ref={emailRef}
            id="email"
            name="email"
            class="input"
            type="email"
            autocomplete="username"
            value={email}
            onInput={(e) => setEmail(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={describedBy}
          />
          <label class="field-label" for="password">
            Password
          </label>
          <input
            id="password"
            name="password"
            class="input"
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={describedBy}
          />
          {needsCode ? (
            <>
              <label class="field-label" for="totp">
                Authenticator code
              </label>
              <input
                ref={codeRef}
                id="totp"
                name="totp"
                class="input"
                inputMode="numeric"
                autocomplete="one-time-code"
                value={totp}
                onInput={(e) => setTotp(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
              />
            </>
          ) : null}
          {error ? (
            <p id="signin-error" class="field-error" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit" class="button button-primary button-block" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <SsoSignIn />
      </div>
    </main>
  );
}

/**
 * The page an invitation link opens (/invitation#<token>): the invited person sets their
 * password, and is signed in. The token is in the fragment, which browsers never send.
 * @param {{fetch: typeof fetch, token: string, onSignedIn: () => void}} props
 */
export function AcceptInvitation({ fetch: doFetch, token, onSignedIn }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');

  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault();
    setError('');
    const res = await doFetch('/auth/invitation', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token, password }),
    });
    if (res.status === 204) {
      history.replaceState(null, '', '/');
      onSignedIn();
      return;
    }
    const body = await res.json().catch(() => null);
    setError(body?.errors?.[0]?.message || `The server answered with HTTP ${res.status}.`);
  }

  return (
    <main class="signin" id="main">
      <div class="signin-card">
        <h1 class="signin-title">Set your password</h1>
        <form onSubmit={submit} noValidate>
          <label class="field-label" for="new-password">
            Password (at least 12 characters)
          </label>
          <input
            id="new-password"
            class="input"
            type="password"
            autocomplete="new-password"
            value={password}
            onInput={(e) => setPassword(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
          />
          {error ? (
            <p class="field-error" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit" class="button button-primary button-block">
            Set password and sign in
          </button>
        </form>
      </div>
    </main>
  );
}
