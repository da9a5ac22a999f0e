// @ts-check
/**
 * "Sign in with <provider>": the single sign-on part of the sign-in page. It asks
 * GET /auth/providers for the providers of the tenant named in the page's ?tenant= or of
 * the e-mail's domain, and links to each one's /auth/oidc/{tenant}/start (a full-page
 * navigation: the provider's sign-in is another site). A sign-in the server refused comes
 * back as ?sso_error=CODE&sso_reason=REASON, which it explains.
 */
import { useEffect, useState } from 'preact/hooks';

/** @typedef {{tenant: {id: string, name: string}, name: string, start: string}} Provider */

/** What each refusal reason (server/oidc.go) means to the person signing in. */
export const SSO_REASONS = Object.freeze({
  tenant: 'Single sign-on is not set up for this company.',
  state: 'This sign-in expired or was started in another browser. Start it again.',
  provider: 'The sign-in provider could not be reached. Try again in a moment.',
  token: 'The sign-in provider’s answer was not accepted. Start the sign-in again.',
  email: 'Your e-mail address is missing, not verified or not of a domain this company allows.',
  role: 'Your account at the provider has no role in serialpool. Ask your administrator.',
  account: 'Your serialpool account cannot sign in (it is disabled or belongs to another company).',
  server: 'serialpool could not finish the sign-in. Try again in a moment.',
});

/** @param {URLSearchParams} params @returns {string} the refusal's explanation, or '' */
export function ssoRefusal(params) {
  const code = params.get('sso_error');
  if (!code) return '';
  const reason = /** @type {keyof typeof SSO_REASONS} */ (params.get('sso_reason') || '');
  return SSO_REASONS[reason] || `Single sign-on failed (${code}).`;
}

/** @param {string} email */
function domainOf(email) {
  const at = email.lastIndexOf('@');
  return at > 0 && email.slice(at + 1).includes('.') ? email.slice(at + 1) : '';
}

/**
 * @param {{email?: string, fetch?: typeof fetch}} props the e-mail typed so far; fetch
 *   is injectable for tests
 */
export function SsoSignIn({ email = '', fetch: fetchImpl = globalThis.fetch }) {
  const params = new URLSearchParams(location.search);
  const tenant = params.get('tenant') || '';
  const domain = domainOf(email.trim());
  const [providers, setProviders] = useState(/** @type {Provider[]} */ ([]));
  const refusal = ssoRefusal(params);

  useEffect(() => {
    if (!tenant && !domain) {
      setProviders([]);
      return;
    }
    const ask = new AbortController();
    const query = tenant ? `tenant=${encodeURIComponent(tenant)}` : `email=${encodeURIComponent(`x@${domain}`)}`;
    fetchImpl(`/auth/providers?${query}`, { signal: ask.signal, credentials: 'same-origin' })
      .then((res) => (res.ok ? res.json() : { providers: [] }))
      .then((body) => setProviders(body.providers || []))
      .catch(() => {}); // no buttons: the password sign-in still works
    return () => ask.abort();
  }, [tenant, domain]);

  if (!providers.length && !refusal) return null;
  return (
    <div class="sso-signin">
      {refusal ? (
        <p class="callout callout-error" role="alert">
          {refusal}
        </p>
      ) : null}
      {providers.map((p) => (
        <a key={p.tenant.id + p.start} class="button sso-button" href={p.start}>
          Sign in with {p.name}
          {providers.length > 1 ? ` (${p.tenant.name})` : ''}
        </a>
      ))}
    </div>
  );
}
