// @ts-check
/**
 * The electronic signature of a significant action (21 CFR Part 11): the person re-enters
 * their password (or, signed in with the tenant's OpenID provider, signs in there again in
 * a small window), says what the signature means and why, and sees what they sign. The
 * forms keep the values (see emptySignature) and send them as the mutation's `signature`.
 */
import { useEffect, useState } from 'preact/hooks';
import { ErrorCode } from '../api.js';
import { useViewer } from './context.js';

/**
 * @typedef {{password: string, meaning: string, reason: string, byProvider?: boolean,
 *   reauthenticated?: boolean}} Signature
 */

/** What the re-authentication window posts to the app that opened it (see main.jsx). */
export const REAUTH_MESSAGE = 'serialpool:reauthenticated';
export const REAUTH_FAILED = 'serialpool:reauth-failed';

export const MEANINGS = Object.freeze([
  ['PERFORMED', 'Performed: I did this'],
  ['REVIEWED', 'Reviewed: I checked this'],
  ['APPROVED', 'Approved: I approve this'],
]);

/** The server's limit on a signature's reason. */
export const MAX_SIGNATURE_REASON = 500;

/** @returns {Signature} */
export const emptySignature = () => ({ password: '', meaning: 'PERFORMED', reason: '' });

/**
 * What is missing from a signature, or null when it can be sent.
 * @param {Signature} s
 */
export function signatureProblem(s) {
  if (s.byProvider && !s.reauthenticated) return 'Sign in again with your provider to sign.';
  if (!s.byProvider && !s.password) return 'Enter your password to sign.';
  const reason = s.reason.trim();
  if (!reason) return 'Say why you sign.';
  if ([...reason].length > MAX_SIGNATURE_REASON) return `The reason can have at most ${MAX_SIGNATURE_REASON} characters.`;
  return null;
}

/**
 * The signature as the mutation takes it.
 * @param {Signature} s
 */
export const signatureInput = (s) => ({
  ...(s.byProvider ? {} : { password: s.password }),
  meaning: s.meaning,
  reason: s.reason.trim(),
});

/**
 * The signature once sent: a password, or a re-authentication, serves one signature.
 * @param {Signature} s
 * @returns {Signature}
 */
export const usedSignature = (s) => ({ ...s, password: '', reauthenticated: false });

/**
 * An error in words: a wrong signature password says so plainly, the rest keep the server's message.
 * @template {{message: string, code?: string}} E
 * @param {E} error
 * @returns {E}
 */
export function signatureError(error) {
  if (error?.code === ErrorCode.SIGNATURE_INVALID) {
    return /** @type {E} */ ({ ...error, message: 'The password is not right: nothing was signed or changed.' });
  }
  return error;
}

/**
 * @param {{idPrefix: string, statement: string, value: Signature, onChange: (s: Signature) => void,
 *   problem?: string | null}} props
 */
export function SignatureDialog({ idPrefix, statement, value, onChange, problem }) {
  /** @param {keyof Signature} key @returns {(e: Event) => void} */
  const set = (key) => (e) => onChange({ ...value, [key]: /** @type {HTMLInputElement} */ (e.currentTarget).value });
  const viewer = useViewer();
  const byProvider = viewer?.user?.signsWith === 'provider';
  const [reauthError, setReauthError] = useState('');
  useEffect(() => {
    if (byProvider !== Boolean(value.byProvider)) onChange({ ...value, byProvider });
  }, [byProvider, value.byProvider]);
  useEffect(() => {
    if (!byProvider) return undefined;
    /** @param {MessageEvent} e */
    const heard = (e) => {
      if (e.origin !== window.location.origin) return;
      if (e.data?.type === REAUTH_MESSAGE) {
        setReauthError('');
        onChange({ ...value, byProvider: true, reauthenticated: true });
      } else if (e.data?.type === REAUTH_FAILED) {
        setReauthError(`Your provider did not sign you in again: ${e.data.reason || 'try once more'}.`);
      }
    };
    window.addEventListener('message', heard);
    return () => window.removeEventListener('message', heard);
  }, [byProvider, value]);
  function reauthenticate() {
    setReauthError('');
    const start = `/auth/oidc/${encodeURIComponent(viewer.tenant.id)}/start?reauth=1`;
    if (!window.open(start, 'serialpool-reauth', 'popup,width=520,height=700')) {
      setReauthError('Allow this site to open a window, then try again.');
    }
  }
  return (
    <fieldset class="signature" data-testid="signature" aria-describedby={`${idPrefix}-sig-statement`}>
      <legend class="field-label">Sign</legend>
      <p class="signature-statement" id={`${idPrefix}-sig-statement`} data-testid="signature-statement">
        You are signing: {statement}
      </p>
      <div class="form-row">
        {byProvider ? (
          <div class="field" data-testid="signature-reauth">
            <span class="field-label">Your identity</span>
            {value.reauthenticated ? (
              <p class="field-hint" role="status">
                Signed in again with your provider: ready to sign.
              </p>
            ) : (
              <button type="button" class="button" onClick={reauthenticate}>
                Sign in again with your provider
              </button>
            )}
            {reauthError ? <p class="field-error">{reauthError}</p> : null}
          </div>
        ) : (
          <div class="field">
            <label class="field-label" for={`${idPrefix}-sig-password`}>
              Your password
            </label>
            <input
              id={`${idPrefix}-sig-password`}
              class="input"
              type="password"
              autocomplete="current-password"
              value={value.password}
              onInput={set('password')}
              aria-invalid={problem && !value.password ? 'true' : undefined}
            />
          </div>
        )}
        <div class="field">
          <label class="field-label" for={`${idPrefix}-sig-meaning`}>
            Meaning
          </label>
          <select id={`${idPrefix}-sig-meaning`} class="input select" value={value.meaning} onChange={set('meaning')}>
            {MEANINGS.map(([m, label]) => (
              <option key={m} value={m}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label class="field-label" for={`${idPrefix}-sig-reason`}>
            Why you sign
          </label>
          <input
            id={`${idPrefix}-sig-reason`}
            class="input"
            maxLength={MAX_SIGNATURE_REASON}
            value={value.reason}
            onInput={set('reason')}
            aria-invalid={problem && (value.password || value.reauthenticated) ? 'true' : undefined}
          />
        </div>
      </div>
      {problem ? (
        <p class="field-error" role="alert" data-testid="signature-problem">
          {problem}
        </p>
      ) : null}
    </fieldset>
  );
}
