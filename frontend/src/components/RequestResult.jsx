// @ts-check
/**
 * A request just made (serials for an order, or an assignment to a partner): what it
 * holds, its first serials (each opens its pack history) and the CSV of all of them.
 */
import { requestCsvPath } from '../api.js';
import { formatCount, formatDateTime, utcDate } from '../format.js';
import { onLinkClick, packHistoryPath } from '../router.js';
import { DownloadLink } from './DownloadLink.jsx';
import { useReveal } from './Forms.jsx';

/**
 * @typedef {{id: string, orderRef: string | null, count: number, createdAt: string,
 *   partner: {id: string, name: string} | null, product: {code: string},
 *   serials: {edges: {node: {id: string, value: string}}[], pageInfo: {hasNextPage: boolean}}}} SerialRequest
 */

/**
 * @param {{request: SerialRequest, noun?: string}} props noun: "serials" or "SSCCs"
 */
export function RequestResult({ request, noun = 'serials' }) {
  const values = request.serials.edges.map((e) => e.node.value);
  const ref = useReveal();
  const what = request.partner ? (
    <>
      assigned to <strong>{request.partner.name}</strong>
    </>
  ) : (
    <>
      assigned to order <strong class="mono">{request.orderRef}</strong>
    </>
  );
  return (
    <div class="request-result" data-testid="request-result" data-request-id={request.id} ref={ref}>
      <p class="callout callout-success" role="status">
        <strong>{formatCount(request.count)}</strong> {noun} {what}.
      </p>
      <dl class="detail-list request-facts">
        <div>
          {request.partner ? <dt>Partner</dt> : <dt>Order reference</dt>}
          <dd class={request.partner ? undefined : 'mono'}>{request.partner ? request.partner.name : request.orderRef}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <time dateTime={request.createdAt}>{formatDateTime(request.createdAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Product code</dt>
          <dd class="mono">{request.product.code}</dd>
        </div>
      </dl>
      {values.length > 0 ? (
        <>
          <p class="preview-title" id={`preview-${request.id}`}>
            {values.length < request.count ? `First ${formatCount(values.length)} of ${formatCount(request.count)} ${noun}` : `The ${noun}`}
          </p>
          <ol class="serial-preview" aria-labelledby={`preview-${request.id}`}>
            {values.map((v) => (
              <li key={v}>
                <a class="mono" href={packHistoryPath(request.product.code, v)} onClick={onLinkClick}>
                  {v}
                </a>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      <DownloadLink path={requestCsvPath(request.id)} filename={csvName(request)}>
        Download CSV ({formatCount(request.count)} {noun})
      </DownloadLink>
    </div>
  );
}

/**
 * The file name of a request's CSV, as the server names it: the order reference (or
 * "assignment" for a partner) and the UTC day it was made, e.g. PO-4711-2026-12-01.csv.
 * @param {{orderRef: string | null, createdAt: string}} r
 */
export function csvName(r) {
  const ref = (r.orderRef || '').trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return `${ref || (r.orderRef ? 'order' : 'assignment')}-${utcDate(r.createdAt)}.csv`;
}
