// @ts-check
/**
 * The serials of one product: a paged table, filtered by pool status.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { PAGE_SIZE, PRODUCT_SERIALS_QUERY, isAbort } from '../api.js';
import { formatCount, formatDateTime, schemaLabel, sourceLabel, statusLabel } from '../format.js';
import { navigate, onLinkClick, packHistoryPath, POOL_PATH, serialsPath } from '../router.js';
import { PackBadge } from './PackHistoryTab.jsx';
import { useClient } from './context.js';
import { ErrorState, Pager } from './States.jsx';

const STATUSES = /** @type {const} */ (['', 'AVAILABLE', 'ASSIGNED']);
/** @type {readonly (string | null)[]} */
const FIRST_PAGE = Object.freeze([null]);

/**
 * @typedef {{id: string, value: string, status: string, source: string,
 *   receivedAt: string, assignedAt: string | null, packStatus?: string,
 *   decommissionReason?: string | null}} Serial
 */

/**
 * @param {{code: string, status: string}} props status: '' (all), AVAILABLE or ASSIGNED
 */
export function SerialsPage({ code, status: statusParam }) {
  const client = useClient();
  const status = STATUSES.includes(/** @type {any} */ (statusParam)) ? statusParam : '';
  // Paging belongs to one status filter: a new filter starts again at the first page.
  const [paging, setPaging] = useState(() => ({ status, cursors: FIRST_PAGE }));
  const cursors = paging.status === status ? paging.cursors : FIRST_PAGE;
  const page = cursors.length - 1;
  const [reload, setReload] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState(/** @type {import('../api.js').ApiError | null} */ (null));
  const [product, setProduct] = useState(/** @type {any} */ (null));
  const [notFound, setNotFound] = useState(false);
  const headingRef = useRef(/** @type {HTMLHeadingElement | null} */ (null));

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    client
      .request(
        PRODUCT_SERIALS_QUERY,
        { code, status: status || null, first: PAGE_SIZE, after: cursors[page] },
        { signal: controller.signal },
      )
      .then((data) => {
        setNotFound(!data.product);
        setProduct(data.product);
        setLoading(false);
      })
      .catch((err) => {
        if (isAbort(err)) return;
        setError(err);
        setLoading(false);
      });
    return () => controller.abort();
  }, [code, status, cursors, reload]);

  const pool = product?.pool;
  const edges = /** @type {{node: Serial}[]} */ (product?.serials.edges ?? []);
  const totalFor = pool ? (status === 'AVAILABLE' ? pool.available : status === 'ASSIGNED' ? pool.assigned : pool.total) : null;

  return (
    <section class="page" aria-labelledby="serials-title">
      <p class="breadcrumb">
        <a href={POOL_PATH} onClick={onLinkClick}>
          SN/SSCC pool
        </a>
        <span aria-hidden="true"> / </span>
        <a href={POOL_PATH} onClick={onLinkClick}>
          Serial number pool
        </a>
        <span aria-hidden="true"> / </span>
        <span>Serials</span>
      </p>
      <h1 class="page-title" id="serials-title" ref={headingRef} tabIndex={-1}>
        Serials of {product ? product.name : <span class="mono">{code}</span>}
      </h1>
      {product ? (
        <p class="page-subtitle">
          <span class="mono">{product.code}</span> · {schemaLabel(product.codeSchema)} ·{' '}
          {sourceLabel(product.source)} · owner {product.owner.name}
        </p>
      ) : null}

      {notFound && !loading ? (
        <div class="card">
          <div class="state" role="alert">
            <p class="state-title">Product not found</p>
            <p class="state-message">
              No product <span class="mono">{code}</span> is visible to your tenant.
            </p>
            <a class="button" href={POOL_PATH} onClick={onLinkClick}>
              Back to the serial number pool
            </a>
          </div>
        </div>
      ) : (
        <div class="card">
          <div class="toolbar">
            <fieldset class="segmented">
              <legend class="visually-hidden">Pool status</legend>
              {STATUSES.map((s) => {
                const count = pool ? (s === 'AVAILABLE' ? pool.available : s === 'ASSIGNED' ? pool.assigned : pool.total) : null;
                return (
                  <label key={s || 'ALL'} class={`segment${s === status ? ' is-selected' : ''}`}>
                    <input
                      type="radio"
                      name="serial-status"
                      value={s}
                      checked={s === status}
                      onChange={() => navigate(serialsPath(code, s), { replace: true })}
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
            <ErrorState error={error} title="The serials could not be loaded" onRetry={() => setReload((n) => n + 1)} />
          ) : (
            <div class={`table-scroll${loading && product ? ' is-refreshing' : ''}`} role="region" aria-labelledby="serials-caption" tabIndex={0}>
              <table class="data-table serials-table" aria-busy={loading ? 'true' : 'false'}>
                <caption id="serials-caption" class="visually-hidden">
                  Serial numbers{status ? ` with status ${statusLabel(status)}` : ''}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Serial number</th>
                    <th scope="col">Status</th>
                    <th scope="col">Source</th>
                    <th scope="col">Received at</th>
                    <th scope="col">Assigned at</th>
                    <th scope="col">Pack status</th>
                  </tr>
                </thead>
                <tbody>
                  {!product && loading ? (
                    <tr class="state-row">
                      <td colSpan={6}>
                        <span class="spinner" aria-hidden="true" /> Loading serials…
                      </td>
                    </tr>
                  ) : null}
                  {product && edges.length === 0 && !loading ? (
                    <tr class="state-row">
                      <td colSpan={6}>
                        <p class="empty">
                          {status ? `No ${statusLabel(status).toLowerCase()} serials.` : 'This pool has no serials yet.'}
                        </p>
                      </td>
                    </tr>
                  ) : null}
                  {edges.map(({ node }) => (
                    <tr key={node.id} data-status={node.status}>
                      <th scope="row" class="mono serial-value">
                        <a href={packHistoryPath(code, node.value)} onClick={onLinkClick} title="Pack history">
                          {node.value}
                        </a>
                      </th>
                      <td>
                        <span class={`status status-${node.status.toLowerCase()}`}>{statusLabel(node.status)}</span>
                      </td>
                      <td data-source={node.source}>{sourceLabel(node.source)}</td>
                      <td>
                        <time dateTime={node.receivedAt}>{formatDateTime(node.receivedAt)}</time>
                      </td>
                      <td>
                        {node.assignedAt ? <time dateTime={node.assignedAt}>{formatDateTime(node.assignedAt)}</time> : <span class="muted">—</span>}
                      </td>
                      <td>{node.packStatus ? <PackBadge status={node.packStatus} reason={node.decommissionReason} /> : <span class="muted">—</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          {product && (page > 0 || product.serials.pageInfo.hasNextPage) ? (
            <Pager
              page={page}
              pageSize={PAGE_SIZE}
              shown={edges.length}
              total={totalFor}
              noun="serials"
              busy={loading}
              hasPrev={page > 0}
              hasNext={product.serials.pageInfo.hasNextPage && !!product.serials.pageInfo.endCursor}
              onPrev={() => setPaging({ status, cursors: cursors.slice(0, -1) })}
              onNext={() => setPaging({ status, cursors: [...cursors, product.serials.pageInfo.endCursor] })}
            />
          ) : null}
        </div>
      )}
    </section>
  );
}
