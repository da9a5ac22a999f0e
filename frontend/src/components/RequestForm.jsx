// @ts-check
/**
 * Request serials (or SSCCs) for a packaging order or line: they become Assigned. An order
 * that already has some, or more than CONFIRM_ABOVE at once, is confirmed first.
 */
import { useRef, useState } from 'preact/hooks';
import { ORDER_REQUESTS_QUERY, REQUEST_SERIALS, requestCsvPath } from '../api.js';
import { countOf, formatCount, formatDateTime, parseCount } from '../format.js';
import { useClient } from './context.js';
import { DownloadLink } from './DownloadLink.jsx';
import { Confirm, CONFIRM_ABOVE, CountField, Field, FormEnd, useAction, useIdempotencyKey } from './Forms.jsx';
import { csvName, RequestResult } from './RequestResult.jsx';

/** @typedef {import('./RequestResult.jsx').SerialRequest} SerialRequest */

/**
 * @param {{code: string, idPrefix: string, requestCap?: number | null, available?: number | null,
 *   onDone?: (request: import('./RequestResult.jsx').SerialRequest) => void, noun?: string}} props
 */
export function RequestForm({ code, idPrefix, requestCap, available, onDone, noun = 'serials' }) {
  const client = useClient();
  const action = /** @type {import('./Forms.jsx').Action<SerialRequest | null>} */ (useAction());
  /** An ask waiting for its confirmation, with the order's earlier requests. */
  const [pending, setPending] = useState(/** @type {{n: number, ref: string, earlier: SerialRequest[]} | null} */ (null));
  const [count, setCount] = useState('');
  const [orderRef, setOrderRef] = useState('');
  const [errors, setErrors] = useState(/** @type {{count?: string | null, orderRef?: string | null}} */ ({}));
  const countRef = useRef(/** @type {HTMLInputElement | null} */ (null));
  const refRef = useRef(/** @type {HTMLInputElement | null} */ (null));
  const idempotency = useIdempotencyKey();

  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault();
    action.reset(); // a message belongs to the last action
    setPending(null);
    const parsed = parseCount(count, { min: 1, max: requestCap ?? undefined, name: `the number of ${noun}` });
    const ref = orderRef.trim();
    const next = { count: parsed.error, orderRef: ref ? null : 'Enter the order or line reference.' };
    setErrors(next);
    if (next.count) return countRef.current?.focus();
    if (next.orderRef) return refRef.current?.focus();
    await send(/** @type {number} */ (parsed.value), ref, false);
  }

  /** @param {number} n @param {string} ref @param {boolean} confirmed */
  async function send(n, ref, confirmed) {
    setPending(null);
    // A retry of a failed ask (its answer may have been lost) reuses its key and cannot
    // assign more, so it is not asked about again.
    const retry = idempotency.isRetry([code, n, ref]);
    const result = await action.run(async () => {
      if (!confirmed && !retry) {
        const found = await client.request(ORDER_REQUESTS_QUERY, { filter: { productCode: code, orderRef: ref } });
        const earlier = /** @type {{node: SerialRequest}[]} */ (found.serialRequests.edges).map((e) => e.node);
        if (earlier.length > 0 || n > CONFIRM_ABOVE) {
          setPending({ n, ref, earlier });
          return null;
        }
      }
      const idempotencyKey = idempotency.keyFor([code, n, ref]); // only for an ask that is sent
      const data = await client.request(REQUEST_SERIALS, { input: { productCode: code, count: n, orderRef: ref, idempotencyKey } });
      return data.requestSerials;
    });
    if (result) {
      idempotency.succeeded();
      setCount(''); // the form is ready for the next order; the result stays below
      setOrderRef('');
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
        {pending ? (
          <Confirm
            title={
              pending.earlier.length > 0
                ? `Order ${pending.ref} already has ${noun} of this product`
                : `Request ${countOf(pending.n, noun)} for order ${pending.ref}?`
            }
            confirmLabel={`Request ${countOf(pending.n, noun)}`}
            onConfirm={() => send(pending.n, pending.ref, true)}
            onCancel={() => setPending(null)}
          >
            {pending.earlier.length > 0 ? <EarlierRequests requests={pending.earlier} noun={noun} /> : null}
            <p>
              {pending.earlier.length > 0 ? 'Request more anyway? ' : ''}
              {formatCount(pending.n)} {noun} become Assigned to this order at once.
            </p>
          </Confirm>
        ) : null}
        {action.result ? <RequestResult request={action.result} noun={noun} /> : null}
      </FormEnd>
    </form>
  );
}

/**
 * What an order already holds: each earlier request with its first serials and its CSV.
 * @param {{requests: SerialRequest[], noun: string}} props
 */
function EarlierRequests({ requests, noun }) {
  return (
    <ul class="earlier-requests" data-testid="earlier-requests">
      {requests.map((r) => {
        const values = r.serials.edges.map((e) => e.node.value);
        return (
          <li key={r.id}>
            <p>
              {countOf(r.count, noun)} requested <time dateTime={r.createdAt}>{formatDateTime(r.createdAt)}</time>
              {values.length ? ':' : '.'}
            </p>
            {values.length ? (
              <ol class="serial-preview">
                {values.map((v) => (
                  <li key={v} class="mono">
                    {v}
                  </li>
                ))}
                {values.length < r.count ? <li class="muted">…</li> : null}
              </ol>
            ) : null}
            <DownloadLink class="button" path={requestCsvPath(r.id)} filename={csvName(r)}>
              CSV of these {noun}
            </DownloadLink>
          </li>
        );
      })}
    </ul>
  );
}

