// @ts-check
/**
 * The latest requests of serials for one product, newest first: the caller's orders and,
 * for an MAH, its assignments to partners, each with the CSV of its serials.
 */
import { RECENT_REQUESTS, requestCsvPath, SERIAL_REQUESTS_QUERY } from '../api.js';
import { formatCount, formatDateTime } from '../format.js';
import { useClient } from './context.js';
import { DownloadLink } from './DownloadLink.jsx';
import { csvName } from './RequestResult.jsx';
import { usePagedList } from '../use-query.js';
import { ErrorState, LoadMore } from './States.jsx';

/**
 * @typedef {{id: string, orderRef: string | null, count: number, createdAt: string,
 *   partner: {id: string, name: string} | null, product: {id: string, code: string}}} PastRequest
 */

/**
 * @param {{code: string, idPrefix: string, version?: number}} props version: bump to read the
 *   list again from the top (after a request was made)
 */
export function RecentRequests({ code, idPrefix, version = 0 }) {
  const client = useClient();
  const list = /** @type {import('../use-query.js').PagedList<PastRequest>} */ (
    usePagedList(async (after, signal) => {
      const data = await client.request(
        SERIAL_REQUESTS_QUERY,
        { filter: { productCode: code }, first: RECENT_REQUESTS, after },
        { signal },
      );
      return data.serialRequests;
    }, `${code}\n${version}`)
  );
  const titleId = `${idPrefix}-title`;
  const nodes = list.nodes || [];

  return (
    <section class="recent-requests" aria-labelledby={titleId} data-testid="recent-requests">
      <h3 class="part-title" id={titleId}>
        Recent requests
      </h3>
      {list.nodes === null && list.loading ? (
        <p class="empty-hint" role="status">
          <span class="spinner" aria-hidden="true" /> Loading requests…
        </p>
      ) : null}
      {list.nodes?.length === 0 ? <p class="empty-hint">Your tenant has made no requests for this product yet.</p> : null}
      {nodes.length > 0 ? (
        <ol class={`request-list${list.loading ? ' is-refreshing' : ''}`} aria-labelledby={titleId}>
          {nodes.map((r) => (
            <RequestItem key={r.id} request={r} />
          ))}
        </ol>
      ) : null}
      {list.error && !list.loading ? (
        <ErrorState error={list.error} title="The requests could not be loaded" onRetry={list.retry} />
      ) : null}
      <LoadMore list={list} noun="requests" label="Show more" />
    </section>
  );
}

/** @param {{request: PastRequest}} props */
function RequestItem({ request: r }) {
  const serials = `${formatCount(r.count)} ${r.count === 1 ? 'serial' : 'serials'}`;
  return (
    <li class="request-item" data-request-id={r.id}>
      <time class="request-when" dateTime={r.createdAt}>
        {formatDateTime(r.createdAt)}
      </time>
      <span class="request-what">
        {r.partner ? (
          <>
            to <strong>{r.partner.name}</strong>
          </>
        ) : (
          <span class="mono">{r.orderRef}</span>
        )}
      </span>
      <span class="request-count">{serials}</span>
      <DownloadLink class="request-csv" path={requestCsvPath(r.id)} filename={csvName(r)}>
        CSV
        <span class="visually-hidden">
          {' '}
          of {r.partner ? `the assignment to ${r.partner.name}` : `order ${r.orderRef}`}, {serials}
        </span>
      </DownloadLink>
    </li>
  );
}
