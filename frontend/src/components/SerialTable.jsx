// @ts-check
/**
 * The table of a pool's serials (a product's serials, an SSCC pool's SSCCs) and its pool
 * status filter: each value links to its pack history; the columns after value and status
 * are the caller's.
 */
import { formatCount, formatDateTime, statusLabel } from '../format.js';
import { onLinkClick, packHistoryPath } from '../router.js';

/** The pool status filter: '' is all. */
export const POOL_STATUSES = /** @type {const} */ (['', 'AVAILABLE', 'ASSIGNED']);

/**
 * How many of a pool have a status ('' for all of them).
 * @param {{available: number, assigned: number, total: number} | null | undefined} pool
 * @param {string} status
 */
export function countFor(pool, status) {
  if (!pool) return null;
  return status === 'AVAILABLE' ? pool.available : status === 'ASSIGNED' ? pool.assigned : pool.total;
}

/**
 * @typedef {{id: string, value: string, status: string, receivedAt: string, assignedAt: string | null}} PoolItem
 * @typedef {{title: string, cell: (node: any) => import('preact').ComponentChildren,
 *   attrs?: (node: any) => Record<string, string>}} Column attrs: of its cell (data-* for tests and styles)
 */

/** When a serial arrived, and when it was handed out. @type {Column[]} */
export const TIME_COLUMNS = [
  { title: 'Received at', cell: (node) => <time dateTime={node.receivedAt}>{formatDateTime(node.receivedAt)}</time> },
  {
    title: 'Assigned at',
    cell: (node) => (node.assignedAt ? <time dateTime={node.assignedAt}>{formatDateTime(node.assignedAt)}</time> : <span class="muted">—</span>),
  },
];

/**
 * Radio buttons for the pool status, each with its count once the pool is known.
 * @param {{name: string, legend: string, status: string, pool?: {available: number, assigned: number, total: number} | null,
 *   onChange: (status: string) => void}} props
 */
export function StatusFilter({ name, legend, status, pool, onChange }) {
  return (
    <fieldset class="segmented">
      <legend class="visually-hidden">{legend}</legend>
      {POOL_STATUSES.map((s) => {
        const count = countFor(pool, s);
        return (
          <label key={s || 'ALL'} class={`segment${s === status ? ' is-selected' : ''}`}>
            <input type="radio" name={name} value={s} checked={s === status} onChange={() => onChange(s)} />
            <span>
              {s ? statusLabel(s) : 'All'}
              {count != null ? <span class="segment-count"> {formatCount(count)}</span> : null}
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}

/**
 * @param {{code: string, nodes: PoolItem[] | null, loading: boolean, status: string, noun: string,
 *   valueTitle: string, columns: Column[], label: {id: string, text: string} | string,
 *   class?: string, empty: string, linkTitle?: string}} props
 *   code: the product or SSCC pool (for the pack history links); nodes: null before the
 *   first answer; label: a caption (id and text) or an aria-label
 */
export function SerialTable({ code, nodes, loading, status, noun, valueTitle, columns, label, class: cls, empty, linkTitle }) {
  const width = columns.length + 2;
  const captioned = typeof label !== 'string';
  return (
    <div
      class={`table-scroll${loading && nodes ? ' is-refreshing' : ''}`}
      role="region"
      aria-labelledby={captioned ? label.id : undefined}
      aria-label={captioned ? undefined : label}
      tabIndex={0}
    >
      <table class={`data-table serials-table stacked${cls ? ` ${cls}` : ''}`} aria-busy={loading ? 'true' : 'false'}>
        {captioned ? (
          <caption id={label.id} class="visually-hidden">
            {label.text}
          </caption>
        ) : null}
        <thead>
          <tr>
            <th scope="col">{valueTitle}</th>
            <th scope="col">Status</th>
            {columns.map((c) => (
              <th key={c.title} scope="col">
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {!nodes && loading ? (
            <tr class="state-row">
              <td colSpan={width}>
                <span class="spinner" aria-hidden="true" /> Loading {noun}…
              </td>
            </tr>
          ) : null}
          {nodes && nodes.length === 0 && !loading ? (
            <tr class="state-row">
              <td colSpan={width}>
                <p class="empty">{status ? `No ${statusLabel(status).toLowerCase()} ${noun}.` : empty}</p>
              </td>
            </tr>
          ) : null}
          {(nodes || []).map((node) => (
            <tr key={node.id} data-status={node.status}>
              <th scope="row" class="mono serial-value">
                <a href={packHistoryPath(code, node.value)} onClick={onLinkClick} title={linkTitle}>
                  {node.value}
                </a>
              </th>
              {/* data-label: a phone shows each row as a card, every value under its column's name. */}
              <td data-label="Status">
                <span class={`status status-${node.status.toLowerCase()}`}>{statusLabel(node.status)}</span>
              </td>
              {columns.map((c) => (
                <td key={c.title} data-label={c.title} {...c.attrs?.(node)}>
                  {c.cell(node)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
