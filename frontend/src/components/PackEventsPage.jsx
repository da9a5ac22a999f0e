// @ts-check
/**
 * Pack events across the tenant's products, newest event time first (a CMO's: of the
 * serials assigned to it), filtered by product, event and a range of days kept in the
 * address; and a lookup box that takes what a scanner or a person gives (a GS1 element
 * string, a Digital Link URI, an EPC URN, or a product code and serial), which the server
 * reads, leading to that pack's history on the Pack history tab.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { PACK_EVENTS_QUERY, PACK_QUERY, PAGE_SIZE, PRODUCT_CODES_QUERY } from '../api.js';
import { dayParam, dayRange } from '../days.js';
import { eventLabel, formatDateTime, reasonLabel } from '../format.js';
import { navigate, onLinkClick, packEventsPath, packHistoryPath, PACK_EVENTS_PATH } from '../router.js';
import { usePagedList, useQuery } from '../use-query.js';
import { useClient } from './context.js';
import { Field } from './Forms.jsx';
import { ResetFilterIcon, SearchIcon } from './icons.jsx';
import { PackBadge } from './PackHistoryTab.jsx';
import { ErrorState, LoadMore } from './States.jsx';

const COLUMNS = 6;
export const PACK_EVENT_TYPES = Object.freeze(['COMMISSION', 'DECOMMISSION', 'REACTIVATE', 'PACK', 'UNPACK']);

/**
 * @typedef {{product: string, event: string, from: string, to: string}} PackEventFilters
 * @typedef {{productCode: string, serial: string, event: import('./PackHistoryTab.jsx').PackEvent}} PackEventEntry
 */

/**
 * The filters the address holds; an unknown event or a day that is not a date is ignored.
 * @param {URLSearchParams} params
 * @returns {PackEventFilters}
 */
export function packEventFilters(params) {
  const event = (params.get('event') || '').trim();
  return {
    product: (params.get('product') || '').trim(),
    event: PACK_EVENT_TYPES.includes(event) ? event : '',
    from: dayParam(params.get('from')),
    to: dayParam(params.get('to')),
  };
}

/** The PackEventFilter the server takes, or null for none. @param {PackEventFilters} f */
export function packEventFilterInput(f) {
  /** @type {Record<string, unknown>} */
  const filter = {};
  if (f.product) filter.productCode = f.product;
  if (f.event) filter.events = [f.event];
  Object.assign(filter, dayRange(f.from, f.to));
  return Object.keys(filter).length ? filter : null;
}

/** @param {{params: URLSearchParams}} props */
export function PackEventsPage({ params }) {
  const client = useClient();
  const filters = packEventFilters(params);
  const filtered = !!(filters.product || filters.event || filters.from || filters.to);
  const list = /** @type {import('../use-query.js').PagedList<PackEventEntry>} */ (
    usePagedList(async (after, signal) => {
      const data = await client.request(PACK_EVENTS_QUERY, { filter: packEventFilterInput(filters), first: PAGE_SIZE, after }, { signal });
      return data.packEvents;
    }, JSON.stringify(filters))
  );
  // Product codes to pick from (a convenience; typing any code works, so a failure is quiet).
  const codesQuery = useQuery((signal) => client.request(PRODUCT_CODES_QUERY, { first: 1000 }, { signal }), []);
  const products = /** @type {{code: string, name: string}[]} */ (codesQuery.data?.products.edges.map((/** @type {any} */ e) => e.node) ?? []);
  const names = new Map(products.map((p) => [p.code, p.name]));
  const [product, setProduct] = useState(filters.product);
  const headingRef = useRef(/** @type {HTMLHeadingElement | null} */ (null));

  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  // Back/forward or a link: the field follows the address.
  useEffect(() => setProduct(filters.product), [filters.product]);

  /** @param {Partial<PackEventFilters>} patch */
  function apply(patch) {
    navigate(packEventsPath({ ...packEventFilters(new URLSearchParams(location.search)), product: product.trim(), ...patch }), { replace: true });
  }

  function reset() {
    setProduct('');
    navigate(PACK_EVENTS_PATH, { replace: true });
  }

  const nodes = list.nodes || [];
  return (
    <section class="page" aria-labelledby="pack-events-title">
      <h1 class="page-title" id="pack-events-title" ref={headingRef} tabIndex={-1}>
        Pack events
      </h1>
      <p class="page-subtitle">What happened to your packs, newest first; look up one pack by what is printed or encoded on it.</p>

      <PackLookup />

      <div class="card">
        <form
          class="audit-filters"
          role="search"
          aria-label="Filter the pack events"
          onSubmit={(e) => {
            e.preventDefault();
            apply({});
          }}
        >
          <Field id="pack-events-product" label="Product code" class="audit-filter-product">
            {() => (
              <>
                <input
                  id="pack-events-product"
                  class="input mono"
                  list="pack-events-codes"
                  autocomplete="off"
                  spellcheck={false}
                  value={product}
                  onInput={(e) => setProduct(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
                  onChange={(e) => apply({ product: /** @type {HTMLInputElement} */ (e.currentTarget).value.trim() })}
                />
                <datalist id="pack-events-codes">
                  {products.map((p) => (
                    <option key={p.code} value={p.code}>
                      {p.name}
                    </option>
                  ))}
                </datalist>
              </>
            )}
          </Field>
          <Field id="pack-events-event" label="Event" class="audit-filter-action">
            {() => (
              <select
                id="pack-events-event"
                class="input select"
                value={filters.event}
                onChange={(e) => apply({ event: /** @type {HTMLSelectElement} */ (e.currentTarget).value })}
              >
                <option value="">All events</option>
                {PACK_EVENT_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {eventLabel(t)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="pack-events-from" label="From" class="audit-filter-day">
            {() => (
              <input
                id="pack-events-from"
                class="input"
                type="date"
                value={filters.from}
                max={filters.to || undefined}
                onChange={(e) => apply({ from: /** @type {HTMLInputElement} */ (e.currentTarget).value })}
              />
            )}
          </Field>
          <Field id="pack-events-to" label="To" class="audit-filter-day">
            {() => (
              <input
                id="pack-events-to"
                class="input"
                type="date"
                value={filters.to}
                min={filters.from || undefined}
                onChange={(e) => apply({ to: /** @type {HTMLInputElement} */ (e.currentTarget).value })}
              />
            )}
          </Field>
          <button type="button" class="button audit-reset" onClick={reset} disabled={!filtered && !product}>
            <ResetFilterIcon /> Reset filters
          </button>
        </form>
        {filters.from && filters.to && filters.from > filters.to ? (
          <p class="callout callout-warning" role="alert">
            From ({filters.from}) is after To ({filters.to}): no event can match. Change one of them.
          </p>
        ) : null}

        {list.error && !list.loading && !list.nodes ? (
          <ErrorState error={list.error} title="The pack events could not be loaded" onRetry={list.retry} />
        ) : (
          <div class={`table-scroll${list.loading && list.nodes ? ' is-refreshing' : ''}`} role="region" aria-labelledby="pack-events-caption" tabIndex={0}>
            <table class="data-table audit-table pack-events-table" aria-busy={list.loading ? 'true' : 'false'}>
              <caption id="pack-events-caption" class="visually-hidden">
                Pack events, newest first
              </caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Event</th>
                  <th scope="col" class="col-audit">
                    Product code
                  </th>
                  <th scope="col" class="col-audit">
                    Serial
                  </th>
                  <th scope="col" class="col-audit">
                    Lot and expiry
                  </th>
                  <th scope="col" class="col-audit">
                    Container
                  </th>
                </tr>
              </thead>
              <tbody>
                {!list.nodes && list.loading ? (
                  <tr class="state-row">
                    <td colSpan={COLUMNS}>
                      <span class="spinner" aria-hidden="true" /> Loading the pack events…
                    </td>
                  </tr>
                ) : null}
                {list.nodes && nodes.length === 0 ? (
                  <tr class="state-row">
                    <td colSpan={COLUMNS}>
                      {filtered ? (
                        <div class="empty">
                          <p>No pack events match these filters.</p>
                          <button type="button" class="button" onClick={reset}>
                            Reset filters
                          </button>
                        </div>
                      ) : (
                        <p class="empty">No pack events yet.</p>
                      )}
                    </td>
                  </tr>
                ) : null}
                {nodes.map((entry, i) => (
                  <PackEventRow key={`${entry.productCode}-${entry.serial}-${entry.event.recordedAt}-${i}`} entry={entry} name={names.get(entry.productCode)} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {list.error && !list.loading && list.nodes ? (
          <ErrorState error={list.error} title="More pack events could not be loaded" onRetry={list.retry} />
        ) : null}
        <LoadMore list={list} noun="events" />
      </div>
    </section>
  );
}

/** @param {{entry: PackEventEntry, name?: string}} props */
function PackEventRow({ entry, name }) {
  const e = entry.event;
  const [date, ...clock] = formatDateTime(e.at).split(' ');
  const serial = (
    <a class="mono" href={packHistoryPath(entry.productCode, entry.serial)} onClick={onLinkClick} title="Its pack history">
      {entry.serial}
    </a>
  );
  const lot = e.lot || e.expiry ? [e.lot ? `Lot ${e.lot}` : '', e.expiry ? `Expiry ${e.expiry}` : ''].filter(Boolean).join(' · ') : '';
  const none = <span class="muted">—</span>;
  return (
    <tr data-serial={entry.serial} data-event={e.event}>
      <td class="audit-time">
        <time dateTime={e.at}>
          <span>{date}</span> <span>{clock.join(' ')}</span>
        </time>
        {e.timeZoneOffset ? <div class="muted pack-event-zone">on the line UTC{e.timeZoneOffset}</div> : null}
      </td>
      <th scope="row" class="audit-action">
        {eventLabel(e.event)} <span aria-hidden="true">→</span> <PackBadge status={e.status} />
        {e.reason ? <span class="timeline-reason"> · {reasonLabel(e.reason)}</span> : null}
        {/* On a phone the other columns are hidden and their facts show here. */}
        <div class="audit-inline">
          <span>
            <span class="muted">Serial</span> {serial}
          </span>
          <span>
            <span class="muted">Product</span> <span class="mono">{entry.productCode}</span>
          </span>
          {lot ? <span>{lot}</span> : null}
          {e.container ? (
            <span>
              <span class="muted">In</span> <span class="mono">{e.container}</span>
            </span>
          ) : null}
        </div>
      </th>
      <td class="col-audit mono" title={name}>
        {entry.productCode}
      </td>
      <td class="col-audit">{serial}</td>
      <td class="col-audit">{lot || none}</td>
      <td class="col-audit mono">{e.container || none}</td>
    </tr>
  );
}

/**
 * One box for whatever names a pack; the server reads it (one parser, gs1/ on the server),
 * then the pack's history opens. Unreadable input and unknown packs are said beside the box.
 */
export function PackLookup() {
  const client = useClient();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const inputRef = useRef(/** @type {HTMLInputElement | null} */ (null));

  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault();
    const identifier = text.trim();
    if (!identifier) {
      setProblem('Scan or type what is on the pack: a GS1 code, a Digital Link, an EPC, or a product code and a serial.');
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setProblem('');
    try {
      const data = await client.request(PACK_QUERY, { identifier });
      if (!data.pack) {
        setProblem('No pack with this code is visible to you.');
        inputRef.current?.focus();
        return;
      }
      navigate(packHistoryPath(data.pack.product.code, data.pack.value));
    } catch (err) {
      setProblem(/** @type {Error} */ (err).message);
      inputRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="card pack-lookup">
      <form class="lookup-form" role="search" aria-label="Look up a pack" onSubmit={submit} noValidate>
        <div class="field pack-lookup-field">
          <label class="field-label" for="pack-identifier">
            Find a pack
          </label>
          <input
            ref={inputRef}
            id="pack-identifier"
            class="input mono"
            autocomplete="off"
            spellcheck={false}
            placeholder="(01)09501101530003(21)ABC123"
            value={text}
            onInput={(e) => setText(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
            aria-invalid={problem ? 'true' : undefined}
            aria-describedby={problem ? 'pack-identifier-hint pack-identifier-error' : 'pack-identifier-hint'}
          />
          <p class="field-hint" id="pack-identifier-hint">
            A GS1 code with or without parentheses, a Digital Link (https://id.gs1.org/01/…/21/…), an EPC
            (urn:epc:id:sgtin:…), or a product code, a space and the serial.
          </p>
          {problem ? (
            <p class="field-error" id="pack-identifier-error" role="alert">
              {problem}
            </p>
          ) : null}
        </div>
        <div class="lookup-submit">
          <button type="submit" class="button button-primary" disabled={busy}>
            <SearchIcon /> {busy ? 'Looking up…' : 'Look up'}
          </button>
        </div>
      </form>
    </div>
  );
}
