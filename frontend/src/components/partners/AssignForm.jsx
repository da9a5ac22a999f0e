// @ts-check
/** Assign N Available serials of one of the caller's products to a CMO (above CONFIRM_ABOVE, confirmed first). */
import { useRef, useState } from 'preact/hooks';
import { ASSIGN_TO_PARTNER } from '../../api.js';
import { countOf, formatCount, parseCount } from '../../format.js';
import { useClient } from '../context.js';
import { Confirm, CONFIRM_ABOVE, CountField, Field, FormEnd, useAction, useIdempotencyKey } from '../Forms.jsx';
import { RequestResult } from '../RequestResult.jsx';

/**
 * Assign N Available serials of one of the caller's products to a CMO.
 * @param {{partner: import('./types.js').Partner, products: import('./types.js').Product[], idPrefix: string, onDone?: () => void}} props
 */
export function AssignForm({ partner, products, idPrefix, onDone }) {
  const client = useClient();
  const action = /** @type {import('../Forms.jsx').Action<import('../RequestResult.jsx').SerialRequest>} */ (useAction());
  const [code, setCode] = useState('');
  const [count, setCount] = useState('');
  const [errors, setErrors] = useState(/** @type {{code?: string | null, count?: string | null}} */ ({}));
  const codeRef = useRef(/** @type {HTMLSelectElement | null} */ (null));
  const countRef = useRef(/** @type {HTMLInputElement | null} */ (null));
  const chosen = products.find((p) => p.code === code);
  const idempotency = useIdempotencyKey();
  const [confirming, setConfirming] = useState(/** @type {number | null} */ (null));

  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault();
    action.reset(); // a message belongs to the last action
    const parsed = parseCount(count, { min: 1, max: chosen?.requestCap, name: 'the number of serials' });
    const next = { code: code ? null : 'Choose a product.', count: parsed.error };
    setErrors(next);
    if (next.code) return codeRef.current?.focus();
    if (next.count) return countRef.current?.focus();
    const n = /** @type {number} */ (parsed.value);
    if (n > CONFIRM_ABOVE) return setConfirming(n);
    await assign(n);
  }

  /** @param {number} n */
  async function assign(n) {
    setConfirming(null);
    const idempotencyKey = idempotency.keyFor([code, partner.tenant.id, n]);
    const result = await action.run(async () => {
      const data = await client.request(ASSIGN_TO_PARTNER, {
        input: { productCode: code, partner: partner.tenant.id, count: n, idempotencyKey },
      });
      return data.assignSerialsToPartner;
    });
    if (result) {
      idempotency.succeeded();
      onDone?.();
    }
  }

  return (
    <form class="action-form" onSubmit={submit} noValidate>
      <div class="form-row">
        <Field id={`${idPrefix}-product`} label="Product" error={errors.code} class="field-grow">
          {(describedBy, bad) => (
            <select
              ref={codeRef}
              id={`${idPrefix}-product`}
              class="input select"
              value={code}
              onChange={(e) => setCode(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}
              aria-describedby={describedBy}
              aria-invalid={bad ? 'true' : undefined}
            >
              <option value="">Choose a product…</option>
              {products.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.name} · {p.code}
                </option>
              ))}
            </select>
          )}
        </Field>
        <CountField
          id={`${idPrefix}-count`}
          label="Number of serials"
          hint={chosen ? `${formatCount(chosen.pool.available)} available${chosen.requestCap ? ` · at most ${formatCount(chosen.requestCap)}` : ''}` : undefined}
          error={errors.count}
          value={count}
          onValue={setCount}
          inputRef={countRef}
        />
      </div>
      <FormEnd action={action} label={`Assign to ${partner.tenant.name}`} busyLabel="Assigning…" errorTitle="No serials were assigned">
        {confirming ? (
          <Confirm
            title={`Assign ${countOf(confirming, 'serials')} of ${chosen?.name ?? code} to ${partner.tenant.name}?`}
            confirmLabel={`Assign ${countOf(confirming, 'serials')}`}
            onConfirm={() => assign(confirming)}
            onCancel={() => setConfirming(null)}
          >
            <p>They leave your pool for the partner’s at once.</p>
          </Confirm>
        ) : null}
        {action.result ? <RequestResult request={action.result} /> : null}
      </FormEnd>
    </form>
  );
}
