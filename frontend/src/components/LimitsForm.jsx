// @ts-check
/** Admin: a product's limits, the cap per request, the low threshold and the replenishment target. */
import { useRef, useState } from 'preact/hooks';
import { UPDATE_PRODUCT_LIMITS } from '../api.js';
import { formatCount, parseCount } from '../format.js';
import { useClient } from './context.js';
import { CountField, FormEnd, SuccessNote, useAction } from './Forms.jsx';
import { emptySignature, SignatureDialog, signatureInput, signatureProblem, usedSignature } from './SignatureDialog.jsx';

export const MAX_REQUEST_CAP = 10_000_000;

/**
 * @typedef {{requestCap: number, lowThreshold: number, replenishTo: number | null}} Limits
 * @typedef {{requestCap?: string | null, lowThreshold?: string | null, replenishTo?: string | null}} LimitErrors
 */

/**
 * Checks the three fields; returns the changed values to send, or the errors.
 * @param {{requestCap: string, lowThreshold: string, replenishTo: string}} form
 * @param {Limits} current
 * @returns {{changes: Partial<Limits> | null, errors: LimitErrors}}
 */
export function validateLimits(form, current) {
  const cap = parseCount(form.requestCap, { min: 1, max: MAX_REQUEST_CAP, name: 'the cap per request' });
  const low = parseCount(form.lowThreshold, { min: 0, name: 'the low threshold' });
  const rep = form.replenishTo.trim() === '' ? { value: 0, error: null } : parseCount(form.replenishTo, { min: 0, name: 'the replenishment target' });
  /** @type {LimitErrors} */
  const errors = { requestCap: cap.error, lowThreshold: low.error, replenishTo: rep.error };
  if (!rep.error && !low.error && rep.value && low.value != null && rep.value < low.value) {
    errors.replenishTo = 'The replenishment target must be at least the low threshold (or 0 for off).';
  }
  if (errors.requestCap || errors.lowThreshold || errors.replenishTo) return { changes: null, errors };
  /** @type {Partial<Limits>} */
  const changes = {};
  if (cap.value !== current.requestCap) changes.requestCap = /** @type {number} */ (cap.value);
  if (low.value !== current.lowThreshold) changes.lowThreshold = /** @type {number} */ (low.value);
  if ((rep.value || 0) !== (current.replenishTo || 0)) changes.replenishTo = rep.value || 0;
  return { changes, errors };
}

/**
 * @param {{product: {code: string} & Limits, idPrefix: string,
 *   onSaved?: (product: any) => void}} props
 */
export function LimitsForm({ product, idPrefix, onSaved }) {
  const client = useClient();
  const action = /** @type {import('./Forms.jsx').Action<any>} */ (useAction());
  const [form, setForm] = useState(() => ({
    requestCap: String(product.requestCap),
    lowThreshold: String(product.lowThreshold),
    replenishTo: product.replenishTo ? String(product.replenishTo) : '',
  }));
  const [errors, setErrors] = useState(/** @type {LimitErrors} */ ({}));
  const [unchanged, setUnchanged] = useState(false);
  const [signature, setSignature] = useState(emptySignature);
  const [unsigned, setUnsigned] = useState(/** @type {string | null} */ (null));
  const refs = {
    requestCap: useRef(/** @type {HTMLInputElement | null} */ (null)),
    lowThreshold: useRef(/** @type {HTMLInputElement | null} */ (null)),
    replenishTo: useRef(/** @type {HTMLInputElement | null} */ (null)),
  };

  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault();
    action.reset(); // a message belongs to the last action
    const { changes, errors: next } = validateLimits(form, product);
    setErrors(next);
    setUnchanged(false);
    if (!changes) {
      const first = /** @type {(keyof LimitErrors)[]} */ (['requestCap', 'lowThreshold', 'replenishTo']).find((k) => next[k]);
      if (first) refs[first].current?.focus();
      return;
    }
    if (Object.keys(changes).length === 0) {
      action.reset();
      setUnchanged(true);
      return;
    }
    const problem = signatureProblem(signature);
    setUnsigned(problem);
    if (problem) return;
    setSignature(usedSignature); // a password or re-authentication serves one signature
    const saved = await action.run(async () => {
      const data = await client.request(UPDATE_PRODUCT_LIMITS, { input: { productCode: product.code, ...changes }, signature: signatureInput(signature) });
      return data.updateProductLimits;
    });
    if (saved) onSaved?.(saved);
  }

  /** @param {'requestCap' | 'lowThreshold' | 'replenishTo'} name @param {string} label @param {string} hint */
  const input = (name, label, hint) => (
    <CountField
      id={`${idPrefix}-${name}`}
      label={label}
      hint={hint}
      error={errors[name]}
      value={form[name]}
      onValue={(value) => setForm((f) => ({ ...f, [name]: value }))}
      inputRef={refs[name]}
    />
  );

  return (
    <form class="action-form" onSubmit={submit} noValidate>
      <div class="form-row">
        {input('requestCap', 'Cap per request', `Most serials one request may take (1 to ${formatCount(MAX_REQUEST_CAP)})`)}
        {input('lowThreshold', 'Low-pool threshold', 'Below this many Available serials the pool is low')}
        {input('replenishTo', 'Replenish up to', 'Refill to this many when low; empty or 0: off')}
      </div>
      <SignatureDialog idPrefix={idPrefix} statement={`Change the limits of ${product.code}`} value={signature} onChange={setSignature} problem={unsigned} />
      <FormEnd action={action} label="Save limits" busyLabel="Saving…" errorTitle="The limits were not saved">
        {unchanged ? <p class="callout callout-info" role="status">Nothing changed.</p> : null}
        {action.result ? (
          <SuccessNote>
            Limits saved: cap {formatCount(action.result.requestCap)} per request, low below{' '}
            {formatCount(action.result.lowThreshold)}, replenishment{' '}
            {action.result.replenishTo ? `up to ${formatCount(action.result.replenishTo)}` : 'off'}.
          </SuccessNote>
        ) : null}
      </FormEnd>
    </form>
  );
}
