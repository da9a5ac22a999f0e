// @ts-check
/**
 * Ending a partnership from its card (admins of either side): a reason both sides see, a
 * signature, and a confirmation, for it cannot be undone. An ended partnership shows when,
 * by whom and why instead.
 */
import { useState } from 'preact/hooks';
import { END_PARTNERSHIP } from '../../api.js';
import { formatDateTime, plural } from '../../format.js';
import { canAdminister } from '../../roles.js';
import { useClient, useViewer } from '../context.js';
import { Confirm, Field } from '../Forms.jsx';
import { emptySignature, SignatureDialog, signatureError, signatureInput, signatureProblem } from '../SignatureDialog.jsx';

/**
 * @param {{partner: import('./types.js').Partner, base: string, onEnded?: () => void}} props base: the card's id prefix
 */
export function EndPartnership({ partner, base, onEnded }) {
  const client = useClient();
  const viewer = useViewer();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [signature, setSignature] = useState(emptySignature);
  const [problem, setProblem] = useState(/** @type {string | null} */ (null));
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState(/** @type {{kind: 'success' | 'error', text: string} | null} */ (null));
  const name = partner.tenant.name;

  if (partner.endedAt) {
    return (
      <p class="callout callout-info partner-ended" data-testid="partnership-ended">
        Ended {formatDateTime(partner.endedAt)}
        {partner.endedBy ? ` by ${partner.endedBy.name}` : ''}
        {partner.endReason ? `: “${partner.endReason}”` : ''}.
      </p>
    );
  }
  if (!canAdminister(viewer.role)) return null;

  /** @param {Event} event */
  function review(event) {
    event.preventDefault();
    const p = !reason.trim() ? 'Say why the partnership ends; both sides see it.' : signatureProblem(signature);
    setProblem(p);
    if (!p) setConfirming(true);
  }

  async function end() {
    setConfirming(false);
    setMessage(null);
    const sig = signatureInput(signature);
    setSignature((s) => ({ ...s, password: '' })); // a password is entered for each signature
    try {
      const data = await client.request(END_PARTNERSHIP, { id: partner.id, reason: reason.trim(), signature: sig });
      const back = data.endPartnership.returned;
      setMessage({ kind: 'success', text: `The partnership with ${name} has ended; ${plural(back, 'unused serial')} went back to the MAH's pool.` });
      setOpen(false);
      onEnded?.();
    } catch (err) {
      setMessage({ kind: 'error', text: signatureError(/** @type {Error} */ (err)).message });
    }
  }

  return (
    <section class="partner-part partner-end" aria-labelledby={`${base}-end`}>
      <h4 class="part-title" id={`${base}-end`}>
        End the partnership
      </h4>
      {message ? (
        <p class={`callout ${message.kind === 'error' ? 'callout-error' : 'callout-success'}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="end-message">
          {message.text}
        </p>
      ) : null}
      {!open ? (
        <button type="button" class="button" onClick={() => { setOpen(true); setMessage(null); }}>
          End partnership with {name}…
        </button>
      ) : (
        <form class="action-form" onSubmit={review} noValidate data-testid="end-partnership">
          <Field id={`${base}-end-reason`} label="Why it ends (both sides see it)">
            {() => (
              <textarea
                id={`${base}-end-reason`}
                class="input"
                rows={2}
                maxLength={500}
                value={reason}
                onInput={(e) => setReason(/** @type {HTMLTextAreaElement} */ (e.currentTarget).value)}
              />
            )}
          </Field>
          <SignatureDialog
            idPrefix={`${base}-end`}
            statement={`End the partnership with ${name}: no more serials are assigned or used under it, and the unused ones return to the MAH`}
            value={signature}
            onChange={setSignature}
            problem={problem}
          />
          {confirming ? (
            <Confirm title={`End the partnership with ${name}?`} confirmLabel="End the partnership" onConfirm={end} onCancel={() => setConfirming(false)}>
              <p>This cannot be undone: a new partnership takes a new invitation.</p>
            </Confirm>
          ) : (
            <div class="form-actions">
              <button type="submit" class="button button-danger">
                End partnership
              </button>
              <button type="button" class="button" onClick={() => setOpen(false)}>
                Back
              </button>
            </div>
          )}
        </form>
      )}
    </section>
  );
}
