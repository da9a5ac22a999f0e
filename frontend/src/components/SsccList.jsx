// @ts-check
/** The SSCCs of one SSCC pool: a paged table with a pool status filter. */
import { useEffect, useState } from 'preact/hooks';
import { isAbort, PAGE_SIZE, SSCCS_QUERY } from '../api.js';
import { formatCount, formatDateTime, statusLabel } from '../format.js';
import { onLinkClick, packHistoryPath } from '../router.js';
import { useClient } from './context.js';
import { PackBadge } from './PackHistoryTab.jsx';
import { ErrorState, Pager } from './States.jsx';

const STATUSES = /** @type {const} */ (['', 'AVAILABLE', 'ASSIGNED']);

/**
 * @param {{code: string, version?: number}} props version: bump to reload (after an action)
 */
export function SsccList({ code, version = 0 }) {
  const client = useClient();
  const [status, setStatus] = useState(/** @type {string} */ (''));
  const [cursors, setCursors] = useState(/** @type {(string | null)[]} */ ([null]));
  const [data, setData] = useState(/** @type {any} */ (null));
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState(/** @type {any} */ (null));
  const [reload, setReload] = useState(0);
  const page = cursors.length - 1;

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    client
      .request(SSCCS_QUERY, { status: status || null, first: PAGE_SIZE, after: cursors[page] }, { signal: controller.signal })
      .then((d) => {
        setData(d.ssccPools.find((/** @type {any} */ p) => p.code === code) || null);
        setError(null);
        setLoading(false);
      })
      .catch((err) => {
        if (isAbort(err)) return;
        setError(err);
        setLoading(false);
      });
    return () => controller.abort();
  }, [code, status, cursors, reload, version]);

  const edges = data?.ssccs.edges ?? [];
  const pool = data?.pool;
  const name = `sscc-status-${code}`;
  return (
    <div class="sscc-list">
      <div class="toolbar toolbar-inset">
        <fieldset class="segmented">
          <legend class="visually-hidden">Pool status of the SSCCs</legend>
          {STATUSES.map((s) => {
            const count = pool ? (s === 'AVAILABLE' ? pool.available : s === 'ASSIGNED' ? pool.assigned : pool.total) : null;
            return (
              <label key={s || 'ALL'} class={`segment${s === status ? ' is-selected' : ''}`}>
                <input
                  type="radio"
                  name={name}
                  value={s}
                  checked={s === status}
                  onChange={() => {
                    setStatus(s);
                    setCursors([null]);
                  }}
                />
                <span>
                  {s ? statusLabel(s) : 'All'}
                  {count != null ? <span class="segment-count"> {formatCount(count)}</span> : null}
                </span>
              </label>
            );
          })}
        </fieldset>
      </div>
      {error && !loading ? (
        <ErrorState error={error} title="The SSCCs could not be loaded" onRetry={() => setReload((n) => n + 1)} />
      ) : (
        <div class={`table-scroll${loading && data ? ' is-refreshing' : ''}`} role="region" aria-label={`SSCCs of pool ${code}`} tabIndex={0}>
          <table class="data-table serials-table sscc-table" aria-busy={loading ? 'true' : 'false'}>
            <thead>
              <tr>
                <th scope="col">SSCC</th>
                <th scope="col">Status</th>
                <th scope="col">Container status</th>
                <th scope="col">Received at</th>
                <th scope="col">Assigned at</th>
              </tr>
            </thead>
            <tbody>
              {!data && loading ? (
                <tr class="state-row">
                  <td colSpan={5}>
                    <span class="spinner" aria-hidden="true" /> Loading SSCCs…
                  </td>
                </tr>
              ) : null}
              {data && edges.length === 0 && !loading ? (
                <tr class="state-row">
                  <td colSpan={5}>
                    <p class="empty">{status ? `No ${statusLabel(status).toLowerCase()} SSCCs.` : 'This pool has no SSCCs yet.'}</p>
                  </td>
                </tr>
              ) : null}
              {edges.map((/** @type {any} */ { node }) => (
                <tr key={node.id} data-status={node.status}>
                  <th scope="row" class="mono serial-value">
                    <a href={packHistoryPath(code, node.value)} onClick={onLinkClick}>
                      {node.value}
                    </a>
                  </th>
                  <td>
                    <span class={`status status-${node.status.toLowerCase()}`}>{statusLabel(node.status)}</span>
                  </td>
                  <td>{node.packStatus ? <PackBadge status={node.packStatus} /> : '—'}</td>
                  <td>
                    <time dateTime={node.receivedAt}>{formatDateTime(node.receivedAt)}</time>
                  </td>
                  <td>
                    {node.assignedAt ? <time dateTime={node.assignedAt}>{formatDateTime(node.assignedAt)}</time> : <span class="muted">—</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && (page > 0 || data.ssccs.pageInfo.hasNextPage) ? (
        <Pager
          page={page}
          pageSize={PAGE_SIZE}
          shown={edges.length}
          total={pool ? (status === 'AVAILABLE' ? pool.available : status === 'ASSIGNED' ? pool.assigned : pool.total) : null}
          noun="SSCCs"
          busy={loading}
          hasPrev={page > 0}
          hasNext={data.ssccs.pageInfo.hasNextPage && !!data.ssccs.pageInfo.endCursor}
          onPrev={() => setCursors((c) => c.slice(0, -1))}
          onNext={() => setCursors((c) => [...c, data.ssccs.pageInfo.endCursor])}
        />
      ) : null}
    </div>
  );
}
