// @ts-check
/** Request serials (or SSCCs) for a packaging order or line: they become Assigned. */
import { useRef, useState } from 'preact/hooks';
import { REQUEST_SERIALS } from '../api.js';
import { formatCount, parseCount } from '../format.js';
import { useClient } from './context.js';
import { CountField, Field, FormEnd, useAction, useIdempotencyKey } from './Forms.jsx';
import { RequestResult } from './RequestResult.jsx';

/**
 * @param {{code: string, idPrefix: string, requestCap?: number | null, available?: number | null,
 *   onDone?: (request: import('./RequestResult.jsx').SerialRequest) => void, noun?: string}} props
 */
export function RequestForm({ code, idPrefix, requestCap, available, onDone, noun = 'serials' }) {
  const client = useClient();
  const action = /** @type {import('./Forms.jsx').Action<import('./RequestResult.jsx').SerialRequest>} */ (useAction());
  const [count, setCount] = useState('');
  const [orderRef, setOrderRef] = useState('');
  const [errors, setErrors] = useState(/** @type {{count?: string | null, orderRef?: string | null}} */ ({}));
  const countRef = useRef(/** @type {HTMLInputElement | null} */ (null));
  const refRef = useRef(/** @type {HTMLInputElement | null} */ (null));
  const idempotency = useIdempotencyKey();

  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault();
    const parsed = parseCount(count, { min: 1, max: requestCap ?? undefined, name: `the number of ${noun}` });
    const ref = orderRef.trim();
    const next = { count: parsed.error, orderRef: ref ? null : 'Enter the order or line reference.' };
    setErrors(next);
    if (next.count) return countRef.current?.focus();
    if (next.orderRef) return refRef.current?.focus();
    const n = /** @type {number} */ (parsed.value);
    const idempotencyKey = idempotency.keyFor([code, n, ref]);
    const result = await action.run(async () => {
      const data = await client.request(REQUEST_SERIALS, { input: { productCode: code, count: n, orderRef: ref, idempotencyKey } });
      return data.requestSerials;
    });
    if (result) {
      idempotency.succeeded();
      onDone?.(result);
    }
  }

  const hint = [
    requestCap != null ? `At most ${formatCount(requestCap)} per request` : '',
    available != null ? `${formatCount(available)} available` : '',
  ]
    .filter(Boolean)
    .join(' · ');

  return (
    <form class="action-form" onSubmit={submit} noValidate>
      <div class="form-row">
        <CountField
          id={`${idPrefix}-count`}
          label={`Number of ${noun}`}
          hint={hint || undefined}
          error={errors.count}
          value={count}
          onValue={setCount}
          inputRef={countRef}
        />
        <Field
          id={`${idPrefix}-order`}
          label="Order reference"
          hint="The packaging order or line, kept in the audit log"
          error={errors.orderRef}
          class="field-grow"
        >
          {(describedBy, bad) => (
            <input
              ref={refRef}
              id={`${idPrefix}-order`}
              class="input"
              autocomplete="off"
              maxLength={200}
              value={orderRef}
              onInput={(e) => setOrderRef(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
              aria-describedby={describedBy}
              aria-invalid={bad ? 'true' : undefined}
            />
          )}
        </Field>
      </div>
      <FormEnd action={action} label={`Request ${noun}`} busyLabel="Requesting…" errorTitle={`No ${noun} were assigned`}>
        {action.result ? <RequestResult request={action.result} noun={noun} /> : null}
      </FormEnd>
    </form>
  );
}
