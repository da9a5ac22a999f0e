// @ts-check
/**
 * The electronic signature of a significant action (21 CFR Part 11): the person re-enters
 * their password, says what the signature means and why, and sees what they sign. The
 * forms keep the values (see emptySignature) and send them as the mutation's `signature`.
 */
import { ErrorCode } from '../api.js';

/** @typedef {{password: string, meaning: string, reason: string}} Signature */

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
  if (!s.password) return 'Enter your password to sign.';
  const reason = s.reason.trim();
  if (!reason) return 'Say why you sign.';
  if ([...reason].length > MAX_SIGNATURE_REASON) return `The reason can have at most ${MAX_SIGNATURE_REASON} characters.`;
  return null;
}

/**
 * The signature as the mutation takes it.
 * @param {Signature} s
 */
export const signatureInput = (s) => ({ password: s.password, meaning: s.meaning, reason: s.reason.trim() });

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
  return (
    <fieldset class="signature" data-testid="signature" aria-describedby={`${idPrefix}-sig-statement`}>
      <legend class="field-label">Sign</legend>
      <p class="signature-statement" id={`${idPrefix}-sig-statement`} data-testid="signature-statement">
        You are signing: {statement}
      </p>
      <div class="form-row">
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
            aria-invalid={problem && value.password ? 'true' : undefined}
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
