// @ts-check
/**
 * The Pack history tab: look up one serial of a product and see its pool status, pack
 * status (with the decommission reason), Digital Link and the append-only event timeline.
 * Operators record the next pack event here. The lookup lives in the address
 * (?product=…&serial=…), so a serial's history can be linked to and reloaded.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { PRODUCT_CODES_QUERY, SERIAL_QUERY } from '../api.js';
import {
  actorLabel,
  eventLabel,
  formatDateTime,
  packStatusLabel,
  reasonLabel,
  sourceLabel,
  statusLabel,
  utcDate,
} from '../format.js';
import { canOperate } from '../roles.js';
import { navigate, onLinkClick, packHistoryPath, serialsPath } from '../router.js';
import { useQuery } from '../use-query.js';
import { useClient, useViewer } from './context.js';
import { DownloadLink } from './DownloadLink.jsx';
import { PackEventForm } from './PackEventForm.jsx';
import { ErrorState } from './States.jsx';
import { SearchIcon } from './icons.jsx';

/**
 * @typedef {{event: string, status: string, reason: string | null, at: string,
 *   recordedAt: string, actor: string, lot?: string | null, expiry?: string | null,
 *   nhrn?: string | null, timeZoneOffset?: string, container?: string | null}} PackEvent
 * @typedef {{id: string, value: string, status: string, source: string, packStatus: string,
 *   decommissionReason: string | null, receivedAt: string, assignedAt: string | null,
 *   digitalLink: string | null, product: {id: string, code: string, name: string},
 *   history: PackEvent[]}} SerialDetail
 * @typedef {{state: 'idle'} | {state: 'loading', prev?: SerialDetail} | {state: 'found', serial: SerialDetail}
 *   | {state: 'notFound'} | {state: 'error', error: any}} Lookup
 */

/**
 * What the lookup shows: a serial the caller cannot see is not found, like an unknown one.
 * @param {import('../use-query.js').Query<any>} query
 * @param {boolean} idle nothing asked yet
 * @returns {Lookup}
 */
function lookupOf(query, idle) {
  if (idle) return { state: 'idle' };
  if (query.loading) return { state: 'loading', prev: query.data?.serial ?? undefined };
  if (query.error) return query.error.code === 'NOT_FOUND' ? { state: 'notFound' } : { state: 'error', error: query.error };
  return query.data?.serial ? { state: 'found', serial: query.data.serial } : { state: 'notFound' };
}

/**
 * @param {{productCode: string, serial: string}} props from the address
 */
export function PackHistoryTab({ productCode, serial }) {
  const client = useClient();
  const [code, setCode] = useState(productCode);
  const [value, setValue] = useState(serial);
  const [errors, setErrors] = useState(/** @type {{code?: string, value?: string}} */ ({}));
  const codeRef = useRef(/** @type {HTMLInputElement | null} */ (null));
  const valueRef = useRef(/** @type {HTMLInputElement | null} */ (null));
  const resultRef = useRef(/** @type {HTMLHeadingElement | null} */ (null));
  const focusResult = useRef(false);

  // Back/forward or a link changes the lookup: the fields follow the address.
  useEffect(() => {
    setCode(productCode);
    setValue(serial);
  }, [productCode, serial]);

  // Product codes to pick from (a convenience; typing any code works, so a failure is quiet).
  const codesQuery = useQuery((signal) => client.request(PRODUCT_CODES_QUERY, { first: 1000 }, { signal }), []);
  const codes = /** @type {{code: string, name: string}[]} */ (codesQuery.data?.products.edges.map((/** @type {any} */ e) => e.node) ?? []);

  const serialQuery = useQuery((signal) => client.request(SERIAL_QUERY, { productCode, value: serial }, { signal }), [productCode, serial], {
    skip: !productCode || !serial,
  });
  const lookup = lookupOf(serialQuery, !productCode || !serial);

  // After a lookup the user asked for, move to its result.
  useEffect(() => {
    if (focusResult.current && lookup.state !== 'loading' && lookup.state !== 'idle') {
      focusResult.current = false;
      resultRef.current?.focus();
    }
  }, [lookup.state]);

  /** @param {Event} event */
  function submit(event) {
    event.preventDefault();
    const c = code.trim();
    const v = value.trim();
    const next = { code: c ? undefined : 'Enter the product code.', value: v ? undefined : 'Enter the serial number.' };
    setErrors(next);
    if (next.code) return codeRef.current?.focus();
    if (next.value) return valueRef.current?.focus();
    focusResult.current = true;
    if (c === productCode && v === serial) serialQuery.reload();
    else navigate(packHistoryPath(c, v));
  }

  const shown = lookup.state === 'found' ? lookup.serial : lookup.state === 'loading' ? lookup.prev : undefined;

  return (
    <div class="pack-history">
      <div class="card">
        <form class="lookup-form" role="search" aria-label="Look up a serial" onSubmit={submit} noValidate>
          <div class="field">
            <label class="field-label" for="pack-product">
              Product code
            </label>
            <input
              ref={codeRef}
              id="pack-product"
              class="input mono"
              list="pack-product-codes"
              autocomplete="off"
              spellcheck={false}
              value={code}
              onInput={(e) => setCode(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
              aria-invalid={errors.code ? 'true' : undefined}
              aria-describedby={errors.code ? 'pack-product-error' : undefined}
            />
            <datalist id="pack-product-codes">
              {codes.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.name}
                </option>
              ))}
            </datalist>
            {errors.code ? (
              <p class="field-error" id="pack-product-error">
                {errors.code}
              </p>
            ) : null}
          </div>
          <div class="field">
            <label class="field-label" for="pack-serial">
              Serial number
            </label>
            <input
              ref={valueRef}
              id="pack-serial"
              class="input mono"
              autocomplete="off"
              spellcheck={false}
              value={value}
              onInput={(e) => setValue(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
              aria-invalid={errors.value ? 'true' : undefined}
              aria-describedby={errors.value ? 'pack-serial-error' : undefined}
            />
            {errors.value ? (
              <p class="field-error" id="pack-serial-error">
                {errors.value}
              </p>
            ) : null}
          </div>
          <div class="lookup-submit">
            <button type="submit" class="button button-primary">
              <SearchIcon /> Look up
            </button>
          </div>
        </form>
      </div>

      <div class="lookup-result" aria-live="polite" aria-busy={lookup.state === 'loading' ? 'true' : 'false'}>
        {lookup.state === 'idle' ? (
          <p class="empty-hint">Enter a product code and a serial number to see its pack history.</p>
        ) : null}
        {lookup.state === 'loading' && !shown ? (
          <p class="empty-hint" role="status">
            <span class="spinner" aria-hidden="true" /> Looking up…
          </p>
        ) : null}
        {lookup.state === 'notFound' ? (
          <div class="card">
            <div class="state" data-testid="serial-not-found">
              <h2 class="state-title" ref={resultRef} tabIndex={-1}>
                Serial not found
              </h2>
              <p class="state-message">
                No serial <span class="mono">{serial}</span> of product <span class="mono">{productCode}</span> is
                visible to you.
              </p>
            </div>
          </div>
        ) : null}
        {lookup.state === 'error' ? (
          <ErrorState error={lookup.error} title="The serial could not be loaded" onRetry={serialQuery.reload} />
        ) : null}
        {shown ? (
          <SerialHistory
            serial={shown}
            headingRef={resultRef}
            busy={lookup.state === 'loading'}
            onRecorded={serialQuery.reload}
          />
        ) : null}
      </div>
    </div>
  );
}

/**
 * One serial: its statuses and facts, the pack event timeline, and (operators) the form
 * to record the next event.
 * @param {{serial: SerialDetail, onRecorded?: () => void, busy?: boolean,
 *   headingRef?: import('preact').RefObject<HTMLHeadingElement>}} props
 */
export function SerialHistory({ serial, onRecorded, busy = false, headingRef }) {
  const viewer = useViewer();
  return (
    <article class={`card serial-card${busy ? ' is-refreshing' : ''}`} aria-labelledby="serial-title" data-testid="serial-history">
      <header class="serial-head">
        <h2 class="serial-title" id="serial-title" ref={headingRef} tabIndex={-1}>
          Serial <span class="mono">{serial.value}</span>
        </h2>
        <p class="serial-product">
          {serial.product.name} ·{' '}
          <a class="mono" href={serialsPath(serial.product.code)} onClick={onLinkClick}>
            {serial.product.code}
          </a>
        </p>
        <DownloadLink
          class="button button-quiet"
          path={`/api/v2/pack-events.csv?productCode=${encodeURIComponent(serial.product.code)}`}
          filename={`pack-events-${serial.product.code}-${utcDate(new Date())}.csv`}
        >
          Export the product's pack events (CSV, times in UTC)
        </DownloadLink>
      </header>
      <dl class="detail-list serial-facts">
        <div>
          <dt>Pool status</dt>
          <dd data-testid="pool-status">
            <span class={`status status-${serial.status.toLowerCase()}`}>{statusLabel(serial.status)}</span>
          </dd>
        </div>
        <div>
          <dt>Pack status</dt>
          <dd data-testid="pack-status">
            <PackBadge status={serial.packStatus} reason={serial.decommissionReason} />
          </dd>
        </div>
        <div>
          <dt>Source</dt>
          <dd>{sourceLabel(serial.source)}</dd>
        </div>
        <div>
          <dt>Received</dt>
          <dd>
            <time dateTime={serial.receivedAt}>{formatDateTime(serial.receivedAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Assigned</dt>
          <dd>{serial.assignedAt ? <time dateTime={serial.assignedAt}>{formatDateTime(serial.assignedAt)}</time> : '—'}</dd>
        </div>
        <div class="fact-wide">
          <dt>Digital Link</dt>
          <dd data-testid="digital-link">
            {serial.digitalLink ? (
              <a class="mono" href={serial.digitalLink} target="_blank" rel="noopener noreferrer">
                {serial.digitalLink}
                <span class="visually-hidden"> (opens in a new tab)</span>
              </a>
            ) : (
              <span class="muted">None for this code</span>
            )}
          </dd>
        </div>
      </dl>

      <section class="timeline-section" aria-labelledby="timeline-title">
        <h3 class="section-title" id="timeline-title">
          Pack history
        </h3>
        <Timeline events={serial.history} />
      </section>

      {canOperate(viewer.role) ? (
        <PackEventForm
          productCode={serial.product.code}
          serial={serial.value}
          packStatus={serial.packStatus}
          reason={serial.decommissionReason}
          onRecorded={onRecorded}
        />
      ) : null}
    </article>
  );
}

/**
 * @param {{status: string, reason?: string | null}} props
 */
export function PackBadge({ status, reason }) {
  return (
    <span class={`pack-badge pack-${status.toLowerCase()}`} data-status={status}>
      {packStatusLabel(status)}
      {status === 'DECOMMISSIONED' && reason ? <span class="pack-reason"> · {reasonLabel(reason)}</span> : null}
    </span>
  );
}

/**
 * The pack events in event time order, each with the lot and expiry of the commissioning,
 * the container it left the pack in and the time zone it happened in, where recorded.
 * @param {{events: PackEvent[]}} props
 */
export function Timeline({ events }) {
  if (events.length === 0) {
    return <p class="empty-hint timeline-empty">No pack events yet: the pack is as it was produced.</p>;
  }
  return (
    <ol class="timeline">
      {events.map((e, i) => (
        <li key={`${e.recordedAt}-${i}`} class="timeline-item" data-event={e.event} data-status={e.status}>
          <span class={`timeline-dot pack-${e.status.toLowerCase()}`} aria-hidden="true" />
          <div class="timeline-body">
            <p class="timeline-head">
              <strong class="timeline-event">{eventLabel(e.event)}</strong>
              <span aria-hidden="true"> → </span>
              <span class="visually-hidden">, now </span>
              <PackBadge status={e.status} />
              {e.reason ? (
                <span class="timeline-reason">
                  {' '}
                  · reason <strong>{reasonLabel(e.reason)}</strong>
                </span>
              ) : null}
            </p>
            <dl class="timeline-meta">
              <div>
                <dt>At</dt>
                <dd>
                  <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                </dd>
              </div>
              <div>
                <dt>Recorded</dt>
                <dd>
                  <time dateTime={e.recordedAt}>{formatDateTime(e.recordedAt)}</time>
                </dd>
              </div>
              <div>
                <dt>By</dt>
                <dd class="timeline-actor" title={e.actor}>{actorLabel(e.actor)}</dd>
              </div>
              {e.timeZoneOffset ? (
                <div>
                  <dt>Time zone</dt>
                  <dd class="timeline-zone">UTC{e.timeZoneOffset}</dd>
                </div>
              ) : null}
              {e.lot ? (
                <div>
                  <dt>Lot</dt>
                  <dd class="timeline-lot mono">{e.lot}</dd>
                </div>
              ) : null}
              {e.expiry ? (
                <div>
                  <dt>Expiry</dt>
                  <dd class="timeline-expiry">{e.expiry}</dd>
                </div>
              ) : null}
              {e.container ? (
                <div>
                  <dt>Container</dt>
                  <dd class="timeline-container mono">{e.container}</dd>
                </div>
              ) : null}
            </dl>
          </div>
        </li>
      ))}
    </ol>
  );
}
