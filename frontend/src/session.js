// @ts-check
/**
 * The person's session: signed in with e-mail and password (and a TOTP code once enrolled)
 * at /auth/login, which sets an HttpOnly session cookie the app never sees. What the app
 * keeps is the session's CSRF token (from GET /auth/session), in memory only, which every
 * write sends as X-CSRF-Token.
 */

/**
 * @typedef {{user: {name: string, email: string, role: string, totp?: boolean},
 *   tenant: {id: string, name: string}, csrfToken: string}} SessionInfo
 */

/**
 * The current session, or null when no one is signed in (or the session has ended).
 * @param {typeof fetch} doFetch
 * @returns {Promise<SessionInfo | null>}
 */
export async function fetchSession(doFetch) {
  const res = await doFetch('/auth/session', { headers: { Accept: 'application/json' } });
  if (res.status === 401 || res.status === 403) return null;
  if (!res.ok) throw new Error(`The server answered with HTTP ${res.status}.`);
  return res.json();
}

/**
 * Signs in. Resolves on success; rejects with an Error whose `code` is the server's
 * (UNAUTHENTICATED, TOTP_REQUIRED, ACCOUNT_LOCKED, RATE_LIMITED, ...).
 * @param {typeof fetch} doFetch
 * @param {{email: string, password: string, totp?: string}} credentials
 */
export async function login(doFetch, credentials) {
  const res = await doFetch('/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (res.status === 204) return;
  let code = 'HTTP';
  let message = `The server answered with HTTP ${res.status}.`;
  try {
    const body = await res.json();
    code = body?.errors?.[0]?.extensions?.code || code;
    message = body?.errors?.[0]?.message || message;
  } catch {
    // not JSON: keep the HTTP status
  }
  throw Object.assign(new Error(message), { code });
}

/**
 * Signs out of this session.
 * @param {typeof fetch} doFetch
 * @param {string | null} csrfToken
 */
export async function logout(doFetch, csrfToken) {
  await doFetch('/auth/logout', { method: 'POST', headers: csrfToken ? { 'X-CSRF-Token': csrfToken } : {} });
}
