// @ts-check
/**
 * The audit trail of the tenant, newest first: who did what, when, to which product. Every
 * role may read it. Its filters (action, person, part of a product code, a range of days)
 * live in the address, so a reload or a shared link keeps them; more entries come with
 * "Load more". Details name what their ids refer to (the server's `text`), and a change
 * shows each field's old and new value.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { AUDIT_LOG_QUERY, AUDIT_PEOPLE_QUERY, PAGE_SIZE } from '../api.js';
import { debounce, SEARCH_DEBOUNCE_MS } from '../debounce.js';
import { dayParam, dayRange } from '../days.js';
import { actorLabel, AUDIT_ACTIONS, auditActionLabel, formatCount, formatDateTime, utcDate } from '../format.js';
import { AUDIT_PATH, auditPath, navigate, onLinkClick, poolPath, SSCC_PATH } from '../router.js';
import { useClient, useViewer } from './context.js';
import { DownloadLink } from './DownloadLink.jsx';
import { Field } from './Forms.jsx';
import { ResetFilterIcon } from './icons.jsx';
import { usePagedList, useQuery } from '../use-query.js';
import { canAdminister } from '../roles.js';
import { ErrorState, LoadMore } from './States.jsx';

const COLUMNS = 6;

/**
 * @typedef {{action: string, actor: string, product: string, from: string, to: string}} AuditFilters
 *   actor: part of who acted (a name, e-mail or service account); product: part of a code;
 *   from, to: days as YYYY-MM-DD, both included
 * @typedef {{field: string, old: string | null, new: string | null, secret: boolean}} AuditChange
 * @typedef {{id: string, at: string, actor: string, action: string, count: number | null,
 *   product: {id: string, code: string, codeSchema: string, name: string} | null,
 *   detail: {key: string, value: string, text?: string | null}[], changes?: AuditChange[],
 *   signature?: {name: string, email: string, meaning: string, reason: string} | null}} AuditEntry
 */

/**
 * The filters the address holds; a day that is not a real YYYY-MM-DD date is ignored.
 * @param {URLSearchParams} params
 * @returns {AuditFilters}
 */
export function auditFilters(params) {
  const day = dayParam;
  return {
    action: (params.get('action') || '').trim(),
    actor: (params.get('actor') || '').trim(),
    product: (params.get('product') || '').trim(),
    from: day(params.get('from')),
    to: day(params.get('to')),
  };
}

/**
 * The AuditFilter the server takes, or null for none. The days are the browser's local
 * days, like the times the table shows: `from` is the start of its day and `to` the start
 * of the day after (the server's `to` is exclusive), both sent in UTC.
 * @param {AuditFilters} f
 */
export function auditFilterInput(f) {
  /** @type {Record<string, string>} */
  const filter = {};
  if (f.action) filter.action = f.action;
  if (f.actor) filter.actor = f.actor;
  if (f.product) filter.productCode = f.product;
  Object.assign(filter, dayRange(f.from, f.to));
  return Object.keys(filter).length ? filter : null;
}

/**
 * A text filter that applies once typing pauses, like the product search: the field's own
 * text, and the address follows it (and it the address, after back or a header link).
 * @param {'actor' | 'product'} name
 * @param {string} value the filter as the address holds it
 * @param {number} debounceMs
 * @param {(patch: Partial<AuditFilters>) => void} apply
 */
function useTypedFilter(name, value, debounceMs, apply) {
  const [text, setText] = useState(value);
  const applied = useRef(value);
  const debounced = useMemo(
    () =>
      debounce((/** @type {string} */ typed) => {
        applied.current = typed.trim();
        apply({ [name]: applied.current });
      }, debounceMs),
    [debounceMs],
  );
  useEffect(() => () => debounced.cancel(), [debounced]);
  useEffect(() => {
    if (value === applied.current) return;
    debounced.cancel();
    applied.current = value;
    setText(value);
  }, [value]);
  return {
    text,
    /** @param {string} typed */
    onInput(typed) {
      setText(typed);
      debounced(typed);
    },
    flush: () => debounced.flush(),
    clear() {
      debounced.cancel();
      applied.current = '';
      setText('');
    },
  };
}

/**
 * Whom the person filter offers: the people and service accounts an admin may list, and
 * those acting on the page, as the audit names them without their key ("Name <email>",
 * "SAP ATTP"), so each matches the entries of the person and of their keys.
 * @param {{users?: {name: string, email: string}[], apiKeys?: {owner: string | null}[]} | null} people
 * @param {AuditEntry[]} entries
 */
export function actorChoices(people, entries) {
  const names = new Set();
  for (const u of people?.users || []) names.add(`${u.name} <${u.email}>`);
  for (const k of people?.apiKeys || []) if (k.owner) names.add(k.owner);
  for (const e of entries) {
    const who = actorName(e.actor);
    if (who) names.add(who);
  }
  return [...names].sort((a, b) => a.localeCompare(b));
}

/**
 * Who acted, without the key it used: "Ann <a@x> (key:3)" → "Ann <a@x>", "SAP ATTP (service
 * account, key:4)" → "SAP ATTP"; "" for a bare key or a partner's key ("key:3", "tenant:2 key:3").
 * @param {string} actor
 */
export function actorName(actor) {
  const name = actor.replace(/\s*\((service account, )?key:\d+\)$/, '');
  return /^(tenant:\d+ )?key:\d+$/.test(name) ? '' : name;
}

/** @param {{params: URLSearchParams, debounceMs?: number}} props */
export function AuditPage({ params, debounceMs = SEARCH_DEBOUNCE_MS }) {
  const client = useClient();
  const viewer = useViewer();
  const filters = auditFilters(params);
  const filtered = !!(filters.action || filters.actor || filters.product || filters.from || filters.to);
  const list = /** @type {import('../use-query.js').PagedList<AuditEntry>} */ (
    usePagedList(async (after, signal) => {
      const variables = { filter: auditFilterInput(filters), first: PAGE_SIZE, after };
      const data = await client.request(AUDIT_LOG_QUERY, variables, { signal });
      return data.auditLog;
    }, JSON.stringify(filters))
  );
  // Only admins may list the tenant's people and keys; others choose from the page or type.
  const admin = canAdminister(viewer.role);
  const people = useQuery((signal) => client.request(AUDIT_PEOPLE_QUERY, {}, { signal }), [], { skip: !admin });
  const headingRef = useRef(/** @type {HTMLHeadingElement | null} */ (null));
  const actionRef = useRef(/** @type {HTMLSelectElement | null} */ (null));

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  /** @param {Partial<AuditFilters>} patch */
  function apply(patch) {
    // From the address, not this render: a debounced call may come after other changes.
    navigate(auditPath({ ...auditFilters(new URLSearchParams(location.search)), ...patch }), { replace: true });
  }

  const product = useTypedFilter('product', filters.product, debounceMs, apply);
  const actor = useTypedFilter('actor', filters.actor, debounceMs, apply);

  /** @param {Partial<AuditFilters>} patch */
  function change(patch) {
    product.flush();
    actor.flush();
    apply(patch);
  }

  function reset() {
    product.clear();
    actor.clear();
    navigate(AUDIT_PATH, { replace: true });
    actionRef.current?.focus();
  }

  // An action the address names that the list lacks (a newer server) stays choosable.
  const known = !filters.action || AUDIT_ACTIONS.some(([a]) => a === filters.action);
  const actions = known ? AUDIT_ACTIONS : [...AUDIT_ACTIONS, [filters.action, filters.action]];
  const nodes = list.nodes || [];

  return (
    <section class="page" aria-labelledby="audit-title">
      <h1 class="page-title" id="audit-title" ref={headingRef} tabIndex={-1}>
        Audit trail
      </h1>
      <p class="page-subtitle">Every change in your tenant, newest first: what was done, when, by whom and to which product.</p>

      <div class="card">
        <form
          class="audit-filters"
          role="search"
          aria-label="Filter the audit trail"
          onSubmit={(e) => {
            e.preventDefault();
            product.flush();
            actor.flush();
          }}
        >
          <Field id="audit-action" label="Action" class="audit-filter-action">
            {() => (
              <select
                ref={actionRef}
                id="audit-action"
                class="input select"
                value={filters.action}
                onChange={(e) => change({ action: /** @type {HTMLSelectElement} */ (e.currentTarget).value })}
              >
                <option value="">All actions</option>
                {actions.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="audit-actor" label="Person" class="audit-filter-actor">
            {() => (
              <>
                <input
                  id="audit-actor"
                  class="input"
                  list="audit-actor-choices"
                  autocomplete="off"
                  spellcheck={false}
                  placeholder="Name, e-mail or service account"
                  value={actor.text}
                  onInput={(e) => actor.onInput(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
                />
                <datalist id="audit-actor-choices">
                  {actorChoices(people.data, nodes).map((name) => (
                    <option key={name} value={name} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
          <Field id="audit-product" label="Product code" class="audit-filter-product">
            {() => (
              <input
                id="audit-product"
                class="input mono"
                autocomplete="off"
                spellcheck={false}
                placeholder="All or part of a code"
                value={product.text}
                onInput={(e) => product.onInput(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
              />
            )}
          </Field>
          <Field id="audit-from" label="From" class="audit-filter-day">
            {() => (
              <input
                id="audit-from"
                class="input"
                type="date"
                value={filters.from}
                max={filters.to || undefined}
                onChange={(e) => change({ from: /** @type {HTMLInputElement} */ (e.currentTarget).value })}
              />
            )}
          </Field>
          <Field id="audit-to" label="To" class="audit-filter-day">
            {() => (
              <input
                id="audit-to"
                class="input"
                type="date"
                value={filters.to}
                min={filters.from || undefined}
                onChange={(e) => change({ to: /** @type {HTMLInputElement} */ (e.currentTarget).value })}
              />
            )}
          </Field>
          <button type="button" class="button audit-reset" onClick={reset} disabled={!filtered && !product.text && !actor.text}>
            <ResetFilterIcon /> Reset filters
          </button>
          <DownloadLink class="button" path={auditCsvPath(filters)} filename={`audit-trail-${utcDate(new Date())}.csv`}>
            CSV (times in UTC)
          </DownloadLink>
        </form>
        {filters.from && filters.to && filters.from > filters.to ? (
          <p class="callout callout-warning" role="alert" data-testid="audit-range-warning">
            From ({filters.from}) is after To ({filters.to}): no entry can match. Change one of them.
          </p>
        ) : null}

        {list.error && !list.loading && !list.nodes ? (
          <ErrorState error={list.error} title="The audit trail could not be loaded" onRetry={list.retry} />
        ) : (
          <div
            class={`table-scroll${list.loading && list.nodes ? ' is-refreshing' : ''}`}
            role="region"
            aria-labelledby="audit-caption"
            tabIndex={0}
          >
            <table class="data-table audit-table" aria-busy={list.loading ? 'true' : 'false'}>
              <caption id="audit-caption" class="visually-hidden">
                Audit trail entries, newest first
              </caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Action</th>
                  <th scope="col" class="col-audit">
                    Product code
                  </th>
                  <th scope="col" class="num col-audit">
                    Count
                  </th>
                  <th scope="col" class="col-audit">
                    Actor
                  </th>
                  <th scope="col" class="col-audit">
                    Details
                  </th>
                </tr>
              </thead>
              <tbody>
                {!list.nodes && list.loading ? (
                  <tr class="state-row">
                    <td colSpan={COLUMNS}>
                      <span class="spinner" aria-hidden="true" /> Loading the audit trail…
                    </td>
                  </tr>
                ) : null}
                {list.nodes && nodes.length === 0 ? (
                  <tr class="state-row">
                    <td colSpan={COLUMNS}>
                      {filtered ? (
                        <div class="empty">
                          <p>No entries match these filters.</p>
                          <button type="button" class="button" onClick={reset}>
                            Reset filters
                          </button>
                        </div>
                      ) : (
                        <p class="empty">The audit trail is empty.</p>
                      )}
                    </td>
                  </tr>
                ) : null}
                {nodes.map((entry) => (
                  <AuditRow key={entry.id} entry={entry} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {list.error && !list.loading && list.nodes ? (
          <ErrorState error={list.error} title="More entries could not be loaded" onRetry={list.retry} />
        ) : null}
        <LoadMore list={list} noun="entries" />
      </div>
    </section>
  );
}

/** @param {{entry: AuditEntry}} props */
function AuditRow({ entry }) {
  const product = entry.product ? (
    <a
      class="mono"
      href={entry.product.codeSchema === 'SSCC' ? SSCC_PATH : poolPath(entry.product.code)}
      onClick={onLinkClick}
      title={entry.product.name}
    >
      {entry.product.code}
    </a>
  ) : null;
  const count = entry.count != null ? formatCount(entry.count) : null;
  const none = <span class="muted">—</span>;
  // Date and time (with its zone) each stay on one line when a phone wraps the cell.
  const [date, ...clock] = formatDateTime(entry.at).split(' ');
  const time = clock.join(' ');
  return (
    <tr data-id={entry.id} data-action={entry.action}>
      <td class="audit-time">
        <time dateTime={entry.at}>
          <span>{date}</span>
          {time ? <> <span>{time}</span></> : null}
        </time>
      </td>
      <th scope="row" class="audit-action">
        {auditActionLabel(entry.action)}
        {/* On a phone the last four columns are hidden and their facts show here. */}
        <div class="audit-inline">
          {product ? (
            <span>
              <span class="muted">Product</span> {product}
            </span>
          ) : null}
          {count ? (
            <span>
              <span class="muted">Count</span> {count}
            </span>
          ) : null}
          <span>
            <span class="muted">Actor</span> <span title={entry.actor}>{actorLabel(entry.actor)}</span>
          </span>
          <AuditDetails entry={entry} />
        </div>
      </th>
      <td class="col-audit">{product || none}</td>
      <td class="num col-audit">{count || none}</td>
      <td class="col-audit audit-actor" title={entry.actor}>{actorLabel(entry.actor)}</td>
      <td class="col-audit">{hasDetails(entry) ? <AuditDetails entry={entry} /> : none}</td>
    </tr>
  );
}

/** @param {AuditEntry} entry */
const hasDetails = (entry) => auditDetailLines(entry).length > 0 || !!entry.signature;

/** Details that hold an id of another record: shown by its name, never as a bare number. */
const REFERENCES = new Set(['partner', 'cmo', 'mah', 'key', 'user', 'channel', 'request', 'partnership', 'invitation']);

/**
 * An entry's particulars as lines of words: each detail (an id by the name it refers to;
 * an internal id without one, such as the request of an assignment, is left out),
 * then each changed field as old → new ("changed" for a secret). The raw "changes" detail
 * is left out when the entry's changes are shown.
 * @param {AuditEntry} entry
 * @returns {{key: string, label: string, value: string}[]}
 */
export function auditDetailLines(entry) {
  const changes = entry.changes || [];
  const lines = entry.detail
    .filter((d) => !(d.key === 'changes' && changes.length) && !(REFERENCES.has(d.key) && !d.text && /^\d+$/.test(d.value)))
    .map((d) => ({ key: d.key, label: detailKeyLabel(d.key), value: d.text ?? detailValueText(d.value) }));
  for (const c of changes) {
    const value = c.secret ? 'changed' : detailValueText(JSON.stringify({ old: parse(c.old), new: parse(c.new) }));
    lines.push({ key: `changes.${c.field}`, label: detailKeyLabel(c.field), value });
  }
  return lines;
}

/** A change's JSON value, null for none. @param {string | null} json */
function parse(json) {
  if (json == null) return null;
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

/** @param {{entry: AuditEntry}} props */
function AuditDetails({ entry }) {
  const lines = auditDetailLines(entry);
  const sig = entry.signature;
  if (lines.length === 0 && !sig) return null;
  return (
    <ul class="audit-details">
      {lines.map((d) => (
        <li key={d.key} data-key={d.key}>
          <span class="audit-detail-key">{d.label}:</span> <span class="mono">{d.value}</span>
        </li>
      ))}
      {sig ? (
        <li data-key="signature" class="audit-signature">
          <span class="audit-detail-key">signed:</span> {sig.name}
          {sig.email ? ` <${sig.email}>` : ''}, {sig.meaning.toLowerCase()}: “{sig.reason}”
        </li>
      ) : null}
    </ul>
  );
}

/**
 * The audit CSV of the filters on screen (the server's times are UTC, as the button says).
 * @param {AuditFilters} f
 */
export function auditCsvPath(f) {
  const input = auditFilterInput(f) || {};
  const params = new URLSearchParams();
  if (input.action) params.set('action', input.action);
  if (input.actor) params.set('actor', input.actor);
  if (input.productCode) params.set('productCode', input.productCode);
  if (input.from) params.set('from', input.from);
  if (input.to) params.set('to', input.to);
  const q = params.toString();
  return `/api/v2/audit.csv${q ? `?${q}` : ''}`;
}

/** A detail's key in words: "requestCap" → "request cap". @param {string} key */
export function detailKeyLabel(key) {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
}

/**
 * A detail's value in words: "not set" for none, "old → new" for a change
 * ({"old": …, "new": …}, as any field's change is recorded), else the value.
 * @param {string} value
 */
export function detailValueText(value) {
  const word = (/** @type {unknown} */ v) =>
    v == null || v === '' ? 'not set' : typeof v === 'number' ? formatCount(v) : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (value === '' || value === 'null') return 'not set';
  if (value.startsWith('{')) {
    try {
      const parsed = JSON.parse(value);
      if (parsed && typeof parsed === 'object' && ('old' in parsed || 'new' in parsed)) return `${word(parsed.old)} → ${word(parsed.new)}`;
    } catch {
      /* not JSON: shown as it is */
    }
  }
  return value;
}

